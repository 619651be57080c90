# End to end on real MNIST ($MNIST_DIR): train on 5,000 training images, check the
# held-out accuracy only a working network reaches, then evaluate the written
# weights again (IDX and CSV give the same answer), and early stopping with
# --debug-path.
source "$(dirname "$0")/lib/common.bash"
train_idx="$MNIST_DIR/train-images-idx3-ubyte.gz"
test_idx="$MNIST_DIR/t10k-images-idx3-ubyte.gz"
[[ -f "$train_idx" && -f "$test_idx" ]] || { echo "MNIST_DIR=$MNIST_DIR lacks the MNIST files" >&2; exit 1; }

"$TRAINER" --train-path "$train_idx" --validation-path "$test_idx" --train-limit 5000 \
  --network-structure 784 100 10 --learning-rate 0.003 --batch-size 32 --num-epochs 4 \
  --activation-function re-lu --initialization xavier --seed 3 --weight-path "$WORK/w.json" > "$WORK/log"
cat "$WORK/log"
accuracy=$(awk '/^Accuracy/ {print $2}' "$WORK/log")
mistakes=$(awk '/^The number of mistakes is/ {print $NF}' "$WORK/log")
awk -v a="$accuracy" 'BEGIN {exit !(a >= 90.0)}' && pass "held-out accuracy $accuracy % >= 90 %" \
  || fail "held-out accuracy $accuracy % < 90 %"
[[ $(grep -c '^epoch' "$WORK/log") -eq 4 ]] && pass "one line per epoch" || fail "expected 4 epoch lines"
grep -q "Confusion matrix" "$WORK/log" && pass "confusion matrix printed" || fail "no confusion matrix"
# The confusion matrix's off-diagonal entries add up to the mistakes.
off=$(awk '/^Confusion/ {on = 1; getline; next} on && NF == 11 {for (j = 2; j <= 11; j++) if (j - 2 != $1) s += $j} END {print s}' "$WORK/log")
[[ "$off" == "$mistakes" ]] && pass "confusion matrix agrees with mistakes ($mistakes)" || fail "confusion off-diagonal $off != mistakes $mistakes"

# The weights file is the original's format and evaluates to the same result.
python3 - "$WORK/w.json" <<'PY' && pass "weights file has W0,b0,W1,b1 with the right sizes" || fail "weights file format"
import json, sys
w = json.load(open(sys.argv[1]))
assert sorted(w) == ["W0", "W1", "b0", "b1"], sorted(w)
assert len(w["W0"]) == 784 * 100 and len(w["b0"]) == 100 and len(w["W1"]) == 100 * 10 and len(w["b1"]) == 10
PY
"$TRAINER" --evaluate "$WORK/w.json" --test-path "$test_idx" > "$WORK/eval_idx"
[[ "$(awk '/^The number of mistakes/ {print $NF}' "$WORK/eval_idx")" == "$mistakes" ]] \
  && pass "--evaluate reproduces the mistakes" || fail "--evaluate differs: $(cat "$WORK/eval_idx")"
"$TO_CSV" "$test_idx" "$WORK/test.csv" > /dev/null
"$TRAINER" --evaluate "$WORK/w.json" --test-path "$WORK/test.csv" > "$WORK/eval_csv"
[[ "$(awk '/^The number of mistakes/ {print $NF}' "$WORK/eval_csv")" == "$mistakes" ]] \
  && pass "CSV and IDX give the same evaluation" || fail "CSV evaluation differs"

# --train-path more than once: MNIST plus a person's own CSV, joined in order.
"$TO_CSV" "$test_idx" "$WORK/mine.csv" > /dev/null
head -n 301 "$WORK/mine.csv" > "$WORK/mine300.csv"
"$TRAINER" --train-path "$train_idx" --train-path "$WORK/mine300.csv" --train-limit 1000 --validation-path "$test_idx" \
  --network-structure 784 32 10 --learning-rate 0.003 --batch-size 32 --num-epochs 1 > "$WORK/log_two"
grep -q "^training on 1300 samples from 2 files" "$WORK/log_two" && pass "two training files joined (1000 + 300)" \
  || fail "two training files: $(grep -E '^(loaded|training)' "$WORK/log_two")"

# The same seed gives the same weights, byte for byte, on any number of threads
# (300 units: the first layer's rows are split into blocks too).
same=(--train-path "$train_idx" --validation-path "$test_idx" --train-limit 5000
      --network-structure 784 300 10 --learning-rate 0.003 --batch-size 32 --num-epochs 3
      --activation-function re-lu --initialization xavier --seed 3)
"$TRAINER" "${same[@]}" --threads 1 --weight-path "$WORK/w2.json" > /dev/null
"$TRAINER" "${same[@]}" --threads 3 --weight-path "$WORK/w3.json" > /dev/null
cmp -s "$WORK/w2.json" "$WORK/w3.json" && pass "reproducible from --seed, 1 or 3 threads" \
  || fail "same seed, different weights on 1 and 3 threads"

# Our options: normalised, augmented digits with momentum, decay and weight decay
# still train, and --augment is reproducible from --seed.
aug=(--train-path "$train_idx" --validation-path "$test_idx" --train-limit 3000 --network-structure 784 64 10
     --learning-rate 0.002 --batch-size 32 --num-epochs 3 --initialization xavier --normalize --augment
     --momentum 0.3 --lr-decay 0.9 --weight-decay 0.01 --seed 5)
"$TRAINER" "${aug[@]}" --threads 1 --weight-path "$WORK/a1.json" > "$WORK/log_aug"
"$TRAINER" "${aug[@]}" --threads 2 --weight-path "$WORK/a2.json" > /dev/null
accuracy=$(awk '/^Accuracy/ {print $2}' "$WORK/log_aug")
awk -v a="$accuracy" 'BEGIN {exit !(a >= 80.0)}' && pass "augmented training: $accuracy % >= 80 %" \
  || fail "augmented training: $accuracy % < 80 %"
cmp -s "$WORK/a1.json" "$WORK/a2.json" && pass "--augment reproducible from --seed, 1 or 2 threads" || fail "--augment not reproducible"

# Early stopping (no --num-epochs) with --debug-path: one "epoch loss" line per epoch.
"$TRAINER" --train-path "$train_idx" --validation-path "$test_idx" --train-limit 2000 \
  --network-structure 784 32 10 --learning-rate 0.01 --batch-size 50 --epsilon 0 --max-epochs 30 \
  --debug-path "$WORK/debug.txt" > "$WORK/log2"
lines=$(wc -l < "$WORK/debug.txt")
awk 'NF != 2 || $1 != NR {exit 1}' "$WORK/debug.txt" && pass "debug file: $lines 'epoch loss' lines" || fail "debug file format: $(head -3 "$WORK/debug.txt")"
if grep -q "^early stop" "$WORK/log2"; then
  [[ $lines -lt 30 ]] && pass "early stopping stopped at epoch $lines" || fail "early stop reported but $lines epochs ran"
else
  fail "no early stop within 30 epochs at epsilon 0 on 2,000 images"
fi
finish
