#!/usr/bin/env bash
# scripts/binarize.py: exact output on a hand-made CSV (threshold 127 inclusive), a bad row
# rejected with file:line and no output left, and the same bytes as mnist-to-csv --binarize
# (whose rule, libnn's nn::binarize, the script runs) on the real MNIST test set.
# Env (set by ctest): BUILD_DIR, SOURCE_DIR (repo root), MNIST_DIR (the real MNIST .gz files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
: "${BUILD_DIR:?}" "${SOURCE_DIR:?}" "${MNIST_DIR:?}"
binarize="$SOURCE_DIR/scripts/binarize.py"
to_csv="$BUILD_DIR/trainer/mnist-to-csv"
export TRAINER_BIN_DIR="$BUILD_DIR/trainer"  # the mnist-to-csv binarize.py runs
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

echo "== bad labels, pixels and bytes are rejected with file:line, exit 1, no output"
# rejects NAME ROW EXPECTED: a file with a good row, then ROW on line 3, must fail with
# exit status 1 and a message containing NAME.csv:3 and EXPECTED.
rejects() {
  local name="$1" row="$2" expected="$3" status=0
  printf '%s\n' "label,p0,p1" "1,0,255" >"$work/$name.csv"
  printf '%s\n' "$row" "3,0,0" >>"$work/$name.csv"
  python3 "$binarize" "$work/$name.csv" >"$work/out" 2>&1 || status=$?
  [[ $status -eq 1 ]] || fail "$name: exit status $status, expected 1: $(cat "$work/out")"
  grep -qF "$work/$name.csv:3: $expected" "$work/out" ||
    fail "$name: expected '$name.csv:3: $expected', got: $(cat "$work/out")"
  ! grep -q Traceback "$work/out" || fail "$name: a traceback: $(cat "$work/out")"
  [[ ! -e "$work/${name}_new.csv" ]] || fail "$name: ${name}_new.csv was left behind"
}
rejects label12 "12,0,0" "label 12 is outside 0..9"
rejects label_negative "-1,0,0" "label: expected a whole number 0..9, got '-1'"
rejects underscore "2,2_55,0" "column 2: pixel: expected a whole number 0..255, got '2_55'"
rejects plus "2,+7,0" "column 2: pixel: expected a whole number 0..255, got '+7'"
rejects arabic_digit "2,0,$(printf '\xd9\xa3')" "column 3: pixel: expected a whole number 0..255"
rejects fullwidth_label "$(printf '\xef\xbc\x95'),0,0" "label: expected a whole number 0..9"
rejects pixel_256 "2,256,0" "column 2: pixel 256 is outside 0..255"
rejects latin1 "$(printf '2,0,\xff')" "not UTF-8 text: byte 0xff at column 5"
# Spaces around a number are fine, as in the trainer's reader.
printf '%s\n' "label,p0,p1" " 4 , 200,3 " >"$work/spaces.csv"
python3 "$binarize" "$work/spaces.csv" >/dev/null || fail "spaces around numbers were rejected"
[[ "$(tail -n1 "$work/spaces_new.csv")" == "4,255,0" ]] || fail "spaces.csv: got $(tail -n1 "$work/spaces_new.csv")"

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
