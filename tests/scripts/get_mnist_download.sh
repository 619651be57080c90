#!/usr/bin/env bash
# scripts/get_mnist.sh downloading from mirrors, against a local http.server only:
# a dead mirror is skipped, files arrive verified, a second run fetches nothing,
# a wrong file in the destination is replaced, and a corrupted mirror is rejected.
# Env (set by ctest): SOURCE_DIR (repo root), MNIST_DIR (the real MNIST .gz files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
: "${SOURCE_DIR:?set SOURCE_DIR to the repo root}" "${MNIST_DIR:?set MNIST_DIR to the MNIST folder}"
get_mnist="$SOURCE_DIR/scripts/get_mnist.sh"
need_mnist train-images-idx3-ubyte.gz

declare -A sha256=(
  [train-images-idx3-ubyte.gz]=440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609
  [train-labels-idx1-ubyte.gz]=3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c
  [t10k-images-idx3-ubyte.gz]=8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6
  [t10k-labels-idx1-ubyte.gz]=f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6
)

work="$(mktemp -d)"
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT


# A localhost port with nothing listening on it (bound, then released).
dead_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Serves folder $1 with http.server, request log in $2; sets $port. The server binds a free
# port itself (port 0) and prints it, so no other process can take the port in between.
start_server() {
  local dir="$1" log="$2"
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$dir" >"$log.out" 2>"$log" &
  server_pids+=($!)
  port=""
  for _ in $(seq 100); do
    port="$(sed -n 's/.* port \([0-9][0-9]*\) .*/\1/p' "$log.out")"
    [[ -n "$port" ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/" && return 0
    kill -0 "${server_pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  fail "http.server on $dir did not start: $(cat "$log.out" "$log")"
}

gets() { grep -c '"GET /[^ ]*\.gz ' "$1" || true; }

# Asserts that folder $1 holds exactly the four files, each with the published checksum.
check_dest() {
  local dest="$1" name got
  for name in "${!sha256[@]}"; do
    [[ -f "$dest/$name" ]] || fail "$dest/$name missing"
    got="$(sha256sum "$dest/$name" | cut -d' ' -f1)"
    [[ "$got" == "${sha256[$name]}" ]] || fail "$dest/$name: sha256 $got, expected ${sha256[$name]}"
  done
  [[ "$(ls -A "$dest" | wc -l)" -eq 4 ]] || fail "$dest holds more than the four files: $(ls -A "$dest")"
}

mkdir "$work/mirror"
cp "$MNIST_DIR"/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz "$work/mirror/"
unset MNIST_DIR
start_server "$work/mirror" "$work/good.log"
good="http://127.0.0.1:$port/"
dead="http://127.0.0.1:$(dead_port)/"

echo "== first run: dead mirror, then the local one"
MNIST_MIRRORS="$dead $good" bash "$get_mnist" "$work/dest" 2>"$work/run1.err" ||
  fail "get_mnist.sh failed: $(cat "$work/run1.err")"
check_dest "$work/dest"
[[ "$(gets "$work/good.log")" -eq 4 ]] || fail "expected 4 downloads, server log: $(cat "$work/good.log")"
grep -q "$dead" "$work/run1.err" || fail "the dead mirror was not tried first: $(cat "$work/run1.err")"

echo "== second run: nothing is downloaded again"
before="$(stat -c '%n %Y %i' "$work/dest"/*)"
MNIST_MIRRORS="$dead $good" bash "$get_mnist" "$work/dest" 2>"$work/run2.err" ||
  fail "second run failed: $(cat "$work/run2.err")"
[[ "$(gets "$work/good.log")" -eq 4 ]] || fail "second run downloaded again: $(cat "$work/good.log")"
[[ "$(stat -c '%n %Y %i' "$work/dest"/*)" == "$before" ]] || fail "second run touched the files"
check_dest "$work/dest"

echo "== a wrong file in the destination is fetched again"
echo garbage >"$work/dest/train-labels-idx1-ubyte.gz"
MNIST_MIRRORS="$good" bash "$get_mnist" "$work/dest" 2>"$work/run3.err" ||
  fail "repair run failed: $(cat "$work/run3.err")"
check_dest "$work/dest"
[[ "$(gets "$work/good.log")" -eq 5 ]] || fail "expected exactly one more download: $(cat "$work/good.log")"

echo "== a corrupted mirror is rejected"
cp -r "$work/mirror" "$work/bad"
bad_file=t10k-labels-idx1-ubyte.gz
printf '\x5a' | dd of="$work/bad/$bad_file" bs=1 seek=1000 conv=notrunc status=none
cmp -s "$work/mirror/$bad_file" "$work/bad/$bad_file" && fail "corrupting the copy did not change it"
start_server "$work/bad" "$work/bad.log"
bad="http://127.0.0.1:$port/"
if MNIST_MIRRORS="$bad" bash "$get_mnist" "$work/dest2" 2>"$work/run4.err"; then
  fail "get_mnist.sh accepted a corrupted file"
fi
cat "$work/run4.err"
grep -q "error:.*could not get 1 of 4" "$work/run4.err" || fail "no clear error line"
grep -q "$bad_file: no mirror gave a file with the right checksum" "$work/run4.err" ||
  fail "the error does not name $bad_file"
grep -q "${bad}$bad_file: checksum mismatch" "$work/run4.err" || fail "the error does not say what was tried"
[[ ! -e "$work/dest2/$bad_file" ]] || fail "the corrupted $bad_file was left in the destination"
leftovers="$(find "$work/dest2" -name '.*' -type f)"
[[ -z "$leftovers" ]] || fail "temporary files left behind: $leftovers"
[[ "$(ls -A "$work/dest2" | wc -l)" -eq 3 ]] || fail "expected only the 3 good files: $(ls -A "$work/dest2")"

echo "PASS"
