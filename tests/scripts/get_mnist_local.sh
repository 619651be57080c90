#!/usr/bin/env bash
# scripts/get_mnist.sh with MNIST_DIR set: the destination gets the verified files with
# no network at all (curl is replaced by a stub that records any call), the folder can
# also be used in place, and a folder with a missing or wrong file fails clearly.
# Env (set by ctest): SOURCE_DIR (repo root), MNIST_DIR (the real MNIST .gz files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
: "${SOURCE_DIR:?set SOURCE_DIR to the repo root}" "${MNIST_DIR:?set MNIST_DIR to the MNIST folder}"
get_mnist="$SOURCE_DIR/scripts/get_mnist.sh"
need_mnist train-images-idx3-ubyte.gz
real_mnist="$MNIST_DIR"
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Any use of the network would go through curl: make it fail loudly and leave a mark.
mkdir "$work/bin"
printf '#!/bin/sh\necho "curl $*" >>"%s"\nexit 7\n' "$work/curl_calls" >"$work/bin/curl"
chmod +x "$work/bin/curl"
export PATH="$work/bin:$PATH" MNIST_MIRRORS="http://127.0.0.1:9/"

# Runs get_mnist.sh with MNIST_DIR=$1 into $2; stderr in $work/err; returns its status.
run() { MNIST_DIR="$1" bash "$get_mnist" "$2" 2>"$work/err"; }

check_dest() {
  local name
  for name in "${files[@]}"; do
    [[ -f "$1/$name" ]] || fail "$1/$name missing"
    cmp -s "$1/$name" "$real_mnist/$name" || fail "$1/$name differs from $real_mnist/$name"
  done
}

echo "== MNIST_DIR fills the destination"
run "$real_mnist" "$work/dest" || fail "get_mnist.sh failed: $(cat "$work/err")"
check_dest "$work/dest"
grep -q "all 4 files in $work/dest verified" "$work/err" || fail "no summary line: $(cat "$work/err")"
echo "== second run keeps the files"
run "$real_mnist" "$work/dest" || fail "second run failed: $(cat "$work/err")"
[[ "$(grep -c 'present, checksum ok' "$work/err")" -eq 4 ]] || fail "files not reused: $(cat "$work/err")"
check_dest "$work/dest"

echo "== MNIST_DIR used in place (same folder as the destination)"
mkdir "$work/inplace"
cp "$real_mnist"/*-ubyte.gz "$work/inplace/"
run "$work/inplace" "$work/inplace" || fail "in-place run failed: $(cat "$work/err")"
check_dest "$work/inplace"
for name in "${files[@]}"; do
  [[ ! -L "$work/inplace/$name" ]] || fail "in-place run replaced $name with a symlink"
done

echo "== a missing file fails clearly"
mkdir "$work/missing"
cp "$real_mnist"/*-ubyte.gz "$work/missing/"
rm "$work/missing/train-labels-idx1-ubyte.gz"
if run "$work/missing" "$work/dest_missing"; then fail "accepted a folder without train-labels"; fi
cat "$work/err"
grep -q "train-labels-idx1-ubyte.gz: not found in MNIST_DIR ($work/missing/train-labels-idx1-ubyte.gz)" \
  "$work/err" || fail "the error does not name the missing file"
grep -q "error: could not get 1 of 4" "$work/err" || fail "no clear error line"
[[ ! -e "$work/dest_missing/train-labels-idx1-ubyte.gz" ]] || fail "a missing file appeared in dest"

echo "== a wrong file fails clearly"
mkdir "$work/wrong"
cp "$real_mnist"/*-ubyte.gz "$work/wrong/"
echo "not mnist" >"$work/wrong/t10k-images-idx3-ubyte.gz"
if run "$work/wrong" "$work/dest_wrong"; then fail "accepted a wrong t10k-images file"; fi
cat "$work/err"
grep -q "t10k-images-idx3-ubyte.gz: wrong checksum in MNIST_DIR ($work/wrong/t10k-images-idx3-ubyte.gz)" \
  "$work/err" || fail "the error does not name the wrong file"
grep -q "expected 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6, got" "$work/err" ||
  fail "the error does not give expected vs got"
[[ ! -e "$work/dest_wrong/t10k-images-idx3-ubyte.gz" ]] || fail "the wrong file appeared in dest"

[[ ! -e "$work/curl_calls" ]] || fail "the network was used: $(cat "$work/curl_calls")"
echo "PASS"
