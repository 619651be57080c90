# nn-convert: every output format by OUT's extension, input told apart by content, the
# trainer evaluating what it wrote, and bad input: a message naming the file, a non-zero
# exit, and an existing OUT neither replaced nor half-written.
source "$(dirname "$0")/lib/common.bash"
CONVERT="$BUILD_DIR/trainer/nn-convert"

make_csv "$WORK/data.csv" 40
"$TRAINER" --train-path "$WORK/data.csv" --validation-path "$WORK/data.csv" --network-structure 784 16 10 \
  --num-epochs 2 --activation-function tanh --weight-path "$WORK/w.json" >/dev/null
evaluate() {  # evaluate MODEL [flags]: the trainer's report on data.csv
  "$TRAINER" --evaluate "$1" --test-path "$WORK/data.csv" --activation-function tanh "${@:2}" | grep -v '^loaded'
}
reference=$(evaluate "$WORK/w.json")

# Each encoding: a compact file that the trainer reads back (float32: the same report).
for enc in float32 float16 int8 int4 int4-b32 int4-b64; do
  out=$("$CONVERT" "$WORK/w.json" "$WORK/$enc.nnm" --encoding "$enc" --activation tanh) || fail "convert to $enc"
  [[ "$out" == "wrote $WORK/$enc.nnm: compact model, $enc, 784-16-10, tanh, 12730 parameters, "* ]] \
    || fail "$enc: unexpected summary: $out"
  [[ "$(head -c 4 "$WORK/$enc.nnm" | od -An -tx1 | tr -d ' ')" == "894e4e4d" ]] || fail "$enc: no compact magic"
  report=$(evaluate "$WORK/$enc.nnm") || fail "$enc: the trainer cannot evaluate it"
  [[ "$report" == *"Accuracy"* || "$report" == *"accuracy"* ]] || fail "$enc: no accuracy in: $report"
  pass "$enc: written and evaluated"
done
[[ "$(evaluate "$WORK/float32.nnm")" == "$reference" ]] || fail "float32: the report differs from the JSON's"
size() { stat -c %s "$1"; }
(( $(size "$WORK/int4.nnm") < $(size "$WORK/int4-b64.nnm") && $(size "$WORK/int4-b64.nnm") < $(size "$WORK/int4-b32.nnm") \
   && $(size "$WORK/int4-b32.nnm") < $(size "$WORK/int8.nnm") \
   && $(size "$WORK/int8.nnm") < $(size "$WORK/float16.nnm") \
   && $(size "$WORK/float16.nnm") < $(size "$WORK/float32.nnm") )) || fail "sizes do not shrink with the encoding"
"$CONVERT" "$WORK/w.json" "$WORK/default.nnm" --activation tanh >/dev/null
cmp -s "$WORK/default.nnm" "$WORK/int8.nnm" || fail "the default encoding is not int8"

# Back to JSON: from float32 the very same text; the input is sniffed, not named.
cp "$WORK/float32.nnm" "$WORK/compact-named.json"
"$CONVERT" "$WORK/compact-named.json" "$WORK/back.json" >/dev/null || fail "convert .nnm to .json"
cmp -s "$WORK/back.json" "$WORK/w.json" && pass "JSON -> float32 .nnm -> JSON is byte-identical" \
  || fail "JSON -> float32 .nnm -> JSON changed the text"

# ONNX: a protobuf ModelProto (field 1 = ir_version 8 first), with the graph's names.
"$CONVERT" "$WORK/int8.nnm" "$WORK/m.onnx" >/dev/null || fail "convert to .onnx"
[[ "$(head -c 2 "$WORK/m.onnx" | od -An -tx1 | tr -d ' ')" == "0808" ]] || fail "onnx: does not start with ir_version 8"
for name in Gemm Tanh Softmax probabilities input; do
  grep -q "$name" "$WORK/m.onnx" || fail "onnx: no '$name' in the graph"
done
pass "onnx written"

# Bad input: the file and the problem are named; nothing is written.
echo "precious" > "$WORK/out.nnm"
check_out_kept() {
  [[ "$(head -c 20 "$WORK/out.nnm" | tr -d '\0')" == "precious" ]] || fail "$1: OUT was replaced"
  [[ -z "$(ls -A "$WORK" | grep '^\.out')" ]] || fail "$1: a temporary file was left behind"
}
bad() {  # bad NAME EXPECTED -- args...
  expect_error "$1" "nn-convert: error: $2" "${@:3}"
  check_out_kept "$1"
}
bad "missing input" "$WORK/none.json: cannot open: No such file or directory" -- "$CONVERT" "$WORK/none.json" "$WORK/out.nnm"
head -c 100 "$WORK/int8.nnm" > "$WORK/short.nnm"
bad "truncated compact input" "$WORK/short.nnm: file ends early: the header (784-16-10, int8) needs" -- \
  "$CONVERT" "$WORK/short.nnm" "$WORK/out.nnm"
{ cat "$WORK/int4.nnm"; printf 'x'; } > "$WORK/long.nnm"
bad "trailing bytes" "$WORK/long.nnm: 1 unexpected bytes after the end of the model" -- "$CONVERT" "$WORK/long.nnm" "$WORK/out.nnm"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[200] ^= 0x40; open(sys.argv[2], "wb").write(b)' \
  "$WORK/int4.nnm" "$WORK/flipped.nnm"
bad "corrupt data" "$WORK/flipped.nnm: byte" -- "$CONVERT" "$WORK/flipped.nnm" "$WORK/out.nnm"
expect_error "corrupt data (checksum)" "checksum mismatch" -- "$CONVERT" "$WORK/flipped.nnm" "$WORK/out.nnm"
echo '{"W0": [1, 2,' > "$WORK/bad.json"
bad "malformed JSON" "$WORK/bad.json: invalid JSON" -- "$CONVERT" "$WORK/bad.json" "$WORK/out.nnm"
bad "directory as input" "$WORK: is a directory" -- "$CONVERT" "$WORK" "$WORK/out.nnm"
bad "activation mismatch" "$WORK/int8.nnm: the compact model's hidden activation is tanh, but re-lu was asked for" -- \
  "$CONVERT" "$WORK/int8.nnm" "$WORK/out.nnm" --activation re-lu
bad "unknown encoding" "unknown encoding 'int3' (expected one of: float32, float16, int8, int4, int4-b32, int4-b64)" -- \
  "$CONVERT" "$WORK/w.json" "$WORK/out.nnm" --encoding int3
echo '{"W0": [70000, 0.5], "b0": [0]}' > "$WORK/huge.json"
bad "float16 overflow" "refusing to write float16: W0[0] = 70000.000000 is outside its range" -- \
  "$CONVERT" "$WORK/huge.json" "$WORK/out.nnm" --encoding float16
expect_error "unknown extension" "nn-convert: error: $WORK/out.bin: unknown output extension '.bin' (expected .nnm, .onnx or .json)" -- \
  "$CONVERT" "$WORK/w.json" "$WORK/out.bin"
expect_error "encoding for onnx" "--encoding applies to .nnm output only" -- \
  "$CONVERT" "$WORK/w.json" "$WORK/out.onnx" --encoding int4
expect_error "missing output folder" "$WORK/no/dir/m.nnm: cannot create a temporary file beside it" -- \
  "$CONVERT" "$WORK/w.json" "$WORK/no/dir/m.nnm"
[[ ! -e "$WORK/out.bin" && ! -e "$WORK/out.onnx" ]] || fail "a rejected conversion wrote a file"

# The trainer's --evaluate with a compact file of another activation than asked.
expect_error "trainer: activation mismatch" "the compact model's hidden activation is tanh, but re-lu was asked for" -- \
  "$TRAINER" --evaluate "$WORK/int8.nnm" --test-path "$WORK/data.csv"
"$CONVERT" --version | grep -q '^nn-convert [0-9]' && pass "--version" || fail "--version"
finish
