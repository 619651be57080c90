#!/usr/bin/env bash
# scripts/serve.py: serves a folder on localhost with the types browsers need
# (application/wasm, application/json, text/javascript), takes the port from --port or
# env PORT, refuses a missing folder or one without index.html, and stops cleanly on kill.
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

# Starts serve.py with the given arguments; waits for its "Serving ... :PORT/" line; sets $port.
start() {
  python3 "$serve" "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$work/out")"
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
cache="$(curl -sI "http://127.0.0.1:$port/m.json" | tr -d '\r' | grep -i '^cache-control:' || true)"
[[ "${cache,,}" == "cache-control: no-store" ]] || fail "m.json has no 'Cache-Control: no-store': '$cache'"

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
