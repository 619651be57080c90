#!/usr/bin/env bash
# scripts/binarize.py: exact output on a hand-made CSV (threshold 127 inclusive), a bad row
# rejected with file:line and no output left, and agreement with the C++ binarize
# (mnist-to-csv --binarize) byte for byte on the real MNIST test set.
# Env (set by ctest): BUILD_DIR, SOURCE_DIR (repo root), MNIST_DIR (the real MNIST .gz files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
: "${BUILD_DIR:?}" "${SOURCE_DIR:?}" "${MNIST_DIR:?}"
binarize="$SOURCE_DIR/scripts/binarize.py"
to_csv="$BUILD_DIR/trainer/mnist-to-csv"
need_mnist t10k-images-idx3-ubyte.gz

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== hand-made CSV"
# The header is kept as is; labels are kept; pixels >= 127 become 255, others 0.
# The last row ends in CRLF, and a blank line is skipped.
printf '%s\n' "label,p0,p1,p2,p3,p4" "5,0,126,127,128,255" "0,255,128,127,126,0" "" >"$work/small.csv"
printf '9,1,127,0,254,126\r\n' >>"$work/small.csv"
expected="$(printf '%s\n' "label,p0,p1,p2,p3,p4" "5,0,0,255,255,255" "0,255,255,255,0,0" "9,0,255,0,255,0")"
python3 "$binarize" "$work/small.csv" >"$work/out" 2>&1 || fail "binarize.py failed: $(cat "$work/out")"
[[ -f "$work/small_new.csv" ]] || fail "small_new.csv not written"
[[ "$(cat "$work/small_new.csv")" == "$expected" ]] ||
  fail "small_new.csv differs:"$'\n'"$(diff <(echo "$expected") "$work/small_new.csv")"
[[ "$(tail -c1 "$work/small_new.csv" | od -An -c | tr -d ' ')" == '\n' ]] ||
  fail "small_new.csv does not end with a newline"

echo "== a non-numeric pixel is rejected with file:line"
printf '%s\n' "label,p0,p1" "1,0,255" "2,0,x7" "3,0,0" >"$work/bad.csv"
if python3 "$binarize" "$work/bad.csv" >"$work/out" 2>&1; then fail "binarize.py accepted a bad row"; fi
cat "$work/out"
grep -q "$work/bad.csv:3" "$work/out" || fail "the message does not say $work/bad.csv:3"
[[ ! -e "$work/bad_new.csv" ]] || fail "bad_new.csv was left behind"
leftovers="$(find "$work" -name '*.tmp')"
[[ -z "$leftovers" ]] || fail "temporary file left behind: $leftovers"

echo "== the C++ and the Python binarize agree on the MNIST test set"
[[ -x "$to_csv" ]] || fail "$to_csv not built"
"$to_csv" "$MNIST_DIR/t10k-images-idx3-ubyte.gz" "$work/test.csv" >/dev/null
"$to_csv" "$MNIST_DIR/t10k-images-idx3-ubyte.gz" "$work/test_cpp.csv" --binarize >/dev/null
python3 "$binarize" "$work/test.csv" >/dev/null
[[ "$(wc -l <"$work/test_new.csv")" -eq 10001 ]] || fail "test_new.csv should have a header and 10000 rows"
cmp "$work/test_cpp.csv" "$work/test_new.csv" || fail "mnist-to-csv --binarize and binarize.py differ"
# Guard against a vacuous match: the plain CSV must have grey pixels that were thresholded.
grep -q ',12[0-9],' "$work/test.csv" || fail "the plain CSV has no grey pixels to threshold"
odd="$(tail -n +2 "$work/test_new.csv" | cut -d, -f2- | tr ',' '\n' | grep -vxE '0|255' | head -n1 || true)"
[[ -z "$odd" ]] || fail "test_new.csv has a pixel other than 0 and 255: $odd"

echo "PASS"
