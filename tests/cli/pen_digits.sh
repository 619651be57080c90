# nn-pen-digits and the trainer's --pen-fraction: the style file the benchmarks read (every
# style, its digits, a seed that reproduces it), training with pen drawings, bad values refused.
source "$(dirname "$0")/lib/common.bash"
PEN="$BUILD_DIR/trainer/nn-pen-digits"
TEST_IMAGES="$MNIST_DIR/t10k-images-idx3-ubyte.gz"

"$PEN" "$TEST_IMAGES" "$WORK/a.json.gz" --count 4 --seed 3 >/dev/null || fail "nn-pen-digits"
"$PEN" "$TEST_IMAGES" "$WORK/b.json.gz" --count 4 --seed 3 >/dev/null
"$PEN" "$TEST_IMAGES" "$WORK/c.json.gz" --count 4 --seed 4 >/dev/null
cmp -s "$WORK/a.json.gz" "$WORK/b.json.gz" && pass "the seed reproduces the file" || fail "the same seed, another file"
cmp -s "$WORK/a.json.gz" "$WORK/c.json.gz" && fail "another seed, the same file" || pass "another seed, other drawings"
python3 - "$WORK/a.json.gz" <<'PY' && pass "4 digits of each of the 9 styles, each fitting its digit" || fail "the style file"
import gzip, json, sys, collections
digits = json.load(gzip.open(sys.argv[1]))
count = collections.Counter(d["writer"] for d in digits)
assert len(count) == 9 and set(count.values()) == {4}, count
own = {"style/flag-one": 1, "style/crossed-seven": 7, "style/open-four": 4, "style/straight-nine": 9}
for d in digits:
    assert d["writer"] not in own or d["label"] == own[d["writer"]], d["writer"]
    assert all(0 <= v <= 1 for s in d["strokes"] for p in s for v in p), d["id"]
    left, top, side = d["box"]
    assert side > 0 and d["pen"] > 0
PY
"$PEN" "$TEST_IMAGES" "$WORK/one.json.gz" --count 2 --styles flag-one >/dev/null
[[ $(python3 -c "import gzip,json,sys; print(len(json.load(gzip.open(sys.argv[1]))))" "$WORK/one.json.gz") == 2 ]] \
  && pass "--styles keeps only those" || fail "--styles"
expect_error "unknown style" "unknown pen style 'curly'; expected one of plain, thin-pen" -- \
  "$PEN" "$TEST_IMAGES" "$WORK/x.json.gz" --styles curly

make_csv "$WORK/data.csv" 30
train() {
  "$TRAINER" --train-path "$WORK/data.csv" --validation-path "$WORK/data.csv" --network-structure 784 16 10 \
    --num-epochs 1 --normalize --augment --seed 2 "$@"
}
train --pen-fraction 0.5 --threads 1 --weight-path "$WORK/p1.json" >/dev/null || fail "training with --pen-fraction"
train --pen-fraction 0.5 --threads 2 --weight-path "$WORK/p2.json" >/dev/null
cmp -s "$WORK/p1.json" "$WORK/p2.json" && pass "--pen-fraction: the same weights with 1 and 2 threads" \
  || fail "--pen-fraction: the thread count changed the weights"
expect_error "--pen-fraction 1.5" "the pen fraction must be in [0, 1], got 1.5" -- train --pen-fraction 1.5
expect_error "--pen-fraction -1" "the pen fraction must be in [0, 1], got -1" -- train --pen-fraction -1
finish
