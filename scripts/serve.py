#!/usr/bin/env python3
"""Serve the built web site locally (a development server, not for production).

Uses only the standard library. Makes sure the types browsers insist on are right:
`.wasm` as application/wasm (needed by WebAssembly.instantiateStreaming), `.js`/`.mjs`
as text/javascript (needed by module scripts), `.json` as application/json. Nothing
is cached, so a rebuilt module or retrained model shows up on reload.

Usage: serve.py [--dir build/wasm/site] [--port 8080 (or env PORT)] [--host 127.0.0.1]
"""
import argparse
import functools
import http.server
import os
import signal
import socket
import sys

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
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


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
        print(f"Serving {site} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nserve: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
