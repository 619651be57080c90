#!/usr/bin/env python3
"""Serve the built web site locally (a development server, not for production).

Uses only the standard library and behaves like a good static host:
- types browsers insist on: `.wasm` as application/wasm (WebAssembly.instantiateStreaming),
  `.js`/`.mjs` as text/javascript (module scripts), `.json` as application/json;
- gzip (Content-Encoding) for text and for the module when the browser accepts it, with
  `Vary: Accept-Encoding`; compressed bodies are kept in memory per file version;
- validators (ETag, Last-Modified) with `Cache-Control: no-cache`: a second visit
  revalidates and gets `304 Not Modified` with no body, and a rebuilt module or retrained
  model still shows up on the next load;
- only regular files inside the served folder: a symlink that leads out of it is 404,
  folders are never listed (a folder gives its index.html or 404);
- a warning when bound to an address other machines can reach (e.g. --host 0.0.0.0).

Usage: serve.py [--dir build/wasm/site] [--port 8080 (or env PORT)] [--host 127.0.0.1]
"""
import argparse
import email.utils
import functools
import gzip
import hashlib
import http.server
import ipaddress
import os
import signal
import socket
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, "build", "wasm", "site")

TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".html": "text/html",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".nnm": "application/octet-stream",
    ".png": "image/png",
}
# Types worth compressing: text, the module and the model (a compact model's packed
# weights still gain a few percent). Images are already compressed.
COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/json", "image/svg+xml",
                "application/wasm", "application/manifest+json", "application/octet-stream"}
MIN_GZIP_BYTES = 256  # below this the gzip header costs more than it saves


class Encoded:
    """A file version's tag and gzip body, keyed by (path, size, mtime): made once per version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[tuple[int, int], str, bytes | None]] = {}

    def get(self, path: str, version: tuple[int, int], data: bytes,
            compress: bool) -> tuple[str, bytes | None]:
        with self._lock:
            hit = self._entries.get(path)
        if hit and hit[0] == version and (hit[2] is not None or not compress):
            return hit[1], hit[2]
        tag = hashlib.sha1(data).hexdigest()[:20]
        body = gzip.compress(data, compresslevel=9, mtime=0) if compress else None
        with self._lock:
            self._entries[path] = (version, tag, body)
        return tag, body


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    encoded = Encoded()  # shared by the server's threads
    # Keep-alive: a page's dozen requests share a few connections (every response
    # below has a Content-Length, or no body).
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, directory: str, **kwargs) -> None:
        self.site = os.path.realpath(directory)
        super().__init__(*args, directory=directory, **kwargs)

    def end_headers(self) -> None:
        # Always revalidate (the validators make that a bodiless 304); never a stale model.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path):  # never list a folder's files
        self.send_error(404, "Not found")
        return None

    def _inside_site(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self.site or real.startswith(self.site + os.sep)

    def send_head(self):
        """Headers for GET and HEAD; returns a readable body (or None after an error)."""
        path = self.translate_path(self.path)
        if not self._inside_site(path):
            self.send_error(404, "Not found")
            return None
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if not os.path.isfile(index):
                self.send_error(404, "Not found")
                return None
            if not self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
                return super().send_head()  # the 301 to "folder/"
            path = index
        # Symlinks may point anywhere; serve only what really lies inside the folder.
        if not self._inside_site(path) or not os.path.isfile(path):
            self.send_error(404, "Not found")
            return None
        try:
            with open(path, "rb") as f:
                data = f.read()
                stat = os.fstat(f.fileno())
        except OSError:
            self.send_error(404, "Not found")
            return None

        ctype = self.guess_type(path)
        version = (stat.st_size, stat.st_mtime_ns)
        use_gzip = (ctype in COMPRESSIBLE and len(data) >= MIN_GZIP_BYTES
                    and self._accepts_gzip())
        tag, gzipped = self.encoded.get(path, version, data, use_gzip)
        etag = f'"{tag}-gz"' if use_gzip else f'"{tag}"'
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)

        if self._not_modified(etag, stat.st_mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None

        body = gzipped if use_gzip else data
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        if ctype in COMPRESSIBLE:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        return _Body(body)

    def _accepts_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = part.strip().partition(";")
            if name.strip().lower() in ("gzip", "*"):
                return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        return False

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False


class _Body:
    """The file-like object SimpleHTTPRequestHandler copies to the socket."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, *_args) -> bytes:
        data, self._data = self._data, b""
        return data

    def close(self) -> None:
        self._data = b""


def is_loopback(host: str) -> bool:
    """True when every address `host` stands for is on this machine only."""
    try:
        infos = socket.getaddrinfo(host or None, None)
    except OSError:
        return False
    addresses = {info[4][0].split("%", 1)[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve the web site on localhost.")
    parser.add_argument("--dir", default=DEFAULT_DIR, help="folder to serve (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default: env PORT, else 8080; 0 picks a free one)")
    args = parser.parse_args()
    if args.port is None:
        try:
            args.port = int(os.environ.get("PORT", "8080"))
        except ValueError:
            parser.error(f"env PORT={os.environ['PORT']!r} is not a number")
    if not 0 <= args.port <= 65535:
        parser.error(f"port {args.port} is out of range 0..65535")
    return args


def stop(_signum, _frame) -> None:
    raise KeyboardInterrupt  # `kill` shuts down as cleanly as Ctrl-C


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, stop)
    site = os.path.abspath(args.dir)
    if not os.path.isdir(site):
        print(f"serve: error: {site}: folder not found\n"
              "hint: build the site first (cmake --preset wasm && cmake --build --preset wasm)"
              " or pass --dir", file=sys.stderr)
        return 1
    if not os.path.isfile(os.path.join(site, "index.html")):
        print(f"serve: error: {site}: no index.html in this folder (is it the built site?)",
              file=sys.stderr)
        return 1

    handler = functools.partial(Handler, directory=site)
    try:
        server_class = http.server.ThreadingHTTPServer
        if ":" in args.host:  # an IPv6 address such as ::1
            server_class = type("Server6", (server_class,), {"address_family": socket.AF_INET6})
        server = server_class((args.host, args.port), handler)
    except OSError as e:
        print(f"serve: error: cannot listen on {args.host}:{args.port}: {e.strerror}",
              file=sys.stderr)
        return 1
    with server:
        host, port = server.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        if not is_loopback(args.host):
            print(f"serve: warning: listening on {shown}:{port}, which other machines can reach:\n"
                  f"  anyone on your network can read every file in {site}.\n"
                  "  This is a development server (no TLS, no access control); use --host 127.0.0.1"
                  " to keep it on this machine.", file=sys.stderr, flush=True)
        print(f"Serving {site} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nserve: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
