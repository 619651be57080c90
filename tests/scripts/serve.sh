#!/usr/bin/env bash
# scripts/serve.py: serves a folder on localhost with the types browsers need
# (application/wasm, application/json, text/javascript), gzip when accepted, validators
# that give 304 on a second visit, takes the port from --port or env PORT, refuses a
# missing folder or one without index.html, stops cleanly on kill; never lists a folder,
# never follows a symlink out of the folder, and warns when other machines can reach it.
# Env (set by ctest): SOURCE_DIR (repo root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
: "${SOURCE_DIR:?set SOURCE_DIR to the repo root}"
serve="$SOURCE_DIR/scripts/serve.py"

work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -z "$pid" ]] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

site="$work/site"
mkdir "$site"
echo '<!doctype html><title>t</title>' >"$site/index.html"
printf '\0asm\1\0\0\0' >"$site/a.wasm"
echo '{"W0": [1]}' >"$site/m.json"
echo 'export const x = 1;' >"$site/app.mjs"
# Big enough to be compressed (256 bytes and up), and compressible.
for i in $(seq 200); do echo "const line$i = 'the same words again and again';"; done >"$site/big.js"
mkdir "$site/sub" "$site/sub/page"
echo 'hidden' >"$site/sub/file.txt"
echo '<!doctype html><title>p</title>' >"$site/sub/page/index.html"
echo 'secret' >"$work/secret.txt"
ln -s "$work/secret.txt" "$site/leak.txt"     # out of the folder: must not be served
ln -s "$work" "$site/up"                      # a folder out of the folder
ln -s sub/file.txt "$site/inside.txt"         # stays inside: fine

# Starts serve.py with the given arguments; waits for its "Serving ... :PORT/" line; sets $port.
start() {
  python3 "$serve" "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(sed -n 's|.*http://[0-9.]*:\([0-9][0-9]*\)/.*|\1|p' "$work/out")"
    [[ -n "$port" ]] && return 0
    kill -0 "$pid" 2>/dev/null || fail "serve.py exited early: $(cat "$work/out" "$work/err")"
    sleep 0.1
  done
  fail "serve.py printed no URL: $(cat "$work/out" "$work/err")"
}

# Asserts that GET /$1 gives status $2 and (if given) Content-Type $3.
expect() {
  local got
  got="$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/$1")" ||
    fail "GET /$1: curl failed"
  [[ "$got" == "$2${3:+ $3}"* ]] || fail "GET /$1: got '$got', expected '$2${3:+ $3}'"
}

echo "== serving a folder (free port picked by the server)"
start --dir "$site" --port 0
expect a.wasm 200 application/wasm
expect m.json 200 application/json
expect app.mjs 200 text/javascript
expect index.html 200 text/html
expect "" 200 text/html
expect missing.js 404
body="$(curl -s "http://127.0.0.1:$port/m.json")"
[[ "$body" == '{"W0": [1]}' ]] || fail "m.json body: $body"
[[ -z "$(grep -i "warning" "$work/err" || true)" ]] || fail "a warning on 127.0.0.1: $(cat "$work/err")"

# header NAME FILE [CURL ARGS...]: the value of response header NAME for GET /FILE ("" if none).
header() {
  local name="$1" file="$2"
  shift 2
  curl -s -D - -o /dev/null "$@" "http://127.0.0.1:$port/$file" | tr -d '\r' |
    sed -n "s/^$name: //Ip" | head -1
}

echo "== gzip when the browser accepts it, the same bytes once decoded"
[[ "$(header content-encoding big.js -H 'Accept-Encoding: gzip, deflate, br')" == gzip ]] ||
  fail "big.js not gzipped for 'Accept-Encoding: gzip'"
[[ -z "$(header content-encoding big.js)" ]] || fail "big.js gzipped without Accept-Encoding"
[[ -z "$(header content-encoding big.js -H 'Accept-Encoding: gzip;q=0')" ]] || fail "gzip;q=0 ignored"
[[ "$(header vary big.js)" == "Accept-Encoding" ]] || fail "big.js has no 'Vary: Accept-Encoding'"
curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/big.js" >"$work/big.gz"
gzip -dc "$work/big.gz" | cmp - "$site/big.js" || fail "gzipped big.js does not decode to the file"
size="$(header content-length big.js -H 'Accept-Encoding: gzip')"
(( size == $(stat -c %s "$work/big.gz") && size < $(stat -c %s "$site/big.js") / 4 )) ||
  fail "gzipped big.js: Content-Length $size, body $(stat -c %s "$work/big.gz") bytes"
[[ "$(header content-type a.wasm -H 'Accept-Encoding: gzip')" == application/wasm ]] ||
  fail "a.wasm lost its type when compressed"

echo "== validators: a second visit gets 304 with no body; a changed file gets 200"
[[ "$(header cache-control big.js)" == "no-cache" ]] || fail "big.js: Cache-Control is not no-cache"
etag="$(header etag big.js)"
modified="$(header last-modified big.js)"
[[ -n "$etag" && -n "$modified" ]] || fail "big.js has no ETag ($etag) or Last-Modified ($modified)"
[[ "$(header etag big.js -H 'Accept-Encoding: gzip')" != "$etag" ]] ||
  fail "the gzipped and plain bodies share the ETag $etag"
expect_code() { # expect_code CODE FILE [CURL ARGS...]
  local code="$1" file="$2" got
  shift 2
  got="$(curl -s -o "$work/body" -w '%{http_code}' "$@" "http://127.0.0.1:$port/$file")"
  [[ "$got" == "$code" ]] || fail "GET /$file $*: got $got, expected $code"
}
expect_code 304 big.js -H "If-None-Match: $etag"
[[ ! -s "$work/body" ]] || fail "304 with a body"
expect_code 304 big.js -H "If-Modified-Since: $modified"
expect_code 200 big.js -H 'If-None-Match: "something-else"'
echo "const changed = 1;" >>"$site/big.js"
touch -d '+2 seconds' "$site/big.js"
expect_code 200 big.js -H "If-None-Match: $etag"
grep -q "const changed" "$work/body" || fail "the changed big.js was not served"

echo "== no folder listings, no symlinks out of the folder"
expect sub/ 404
expect sub 404
expect sub/file.txt 200
expect sub/page/ 200 text/html
expect inside.txt 200
expect leak.txt 404
expect up/secret.txt 404
expect up/ 404
expect ../secret.txt 404
curl -s --path-as-is "http://127.0.0.1:$port/../secret.txt" | grep -q secret && fail "../ escaped the folder"
curl -s "http://127.0.0.1:$port/leak.txt" | grep -q secret && fail "leak.txt served the file outside"

echo "== clean shutdown on kill"
kill "$pid"
status=0
wait "$pid" || status=$?
pid=""
[[ $status -eq 0 ]] || fail "serve.py exited with $status on SIGTERM: $(cat "$work/err")"
grep -q "stopped" "$work/err" || fail "no 'stopped' message: $(cat "$work/err")"

echo "== port from env PORT"
free_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PORT="$free_port" start --dir "$site"
[[ "$port" == "$free_port" ]] || fail "PORT=$free_port ignored, served on $port"
expect a.wasm 200 application/wasm
kill "$pid"; wait "$pid" || true; pid=""

echo "== a warning when other machines can reach the server"
start --dir "$site" --port 0 --host 0.0.0.0
grep -q "serve: warning: listening on 0.0.0.0:$port, which other machines can reach" "$work/err" ||
  fail "no clear warning for --host 0.0.0.0: $(cat "$work/err")"
kill "$pid"; wait "$pid" || true; pid=""
start --dir "$site" --port 0 --host localhost
grep -q "warning" "$work/err" && fail "a warning for --host localhost: $(cat "$work/err")"
kill "$pid"; wait "$pid" || true; pid=""

echo "== a missing folder fails clearly"
if python3 "$serve" --dir "$work/nope" --port 0 >"$work/out" 2>"$work/err"; then
  fail "serve.py accepted a missing folder"
fi
cat "$work/err"
grep -q "serve: error: $work/nope: folder not found" "$work/err" || fail "unclear error for a missing folder"

echo "== a folder without index.html fails clearly"
mkdir "$work/empty"
if python3 "$serve" --dir "$work/empty" --port 0 >"$work/out" 2>"$work/err"; then
  fail "serve.py accepted a folder without index.html"
fi
cat "$work/err"
grep -q "serve: error: $work/empty: no index.html" "$work/err" || fail "unclear error for a folder without index.html"

echo "PASS"
