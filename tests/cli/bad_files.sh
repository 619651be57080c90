# Bad data and weights files: a clear message naming the file and line, a non-zero
# exit, and the weights file is neither written nor replaced.
source "$(dirname "$0")/lib/common.bash"

make_csv "$WORK/good.csv" 30
echo "precious weights" > "$WORK/w.json"
train_with() {  # train_with TRAIN.csv [more flags]: trains onto the existing w.json
  local train=$1; shift
  "$TRAINER" --train-path "$train" --validation-path "$WORK/good.csv" --network-structure 784 8 10 \
    --num-epochs 1 --weight-path "$WORK/w.json" "$@"
}
check_weights_kept() {
  [[ "$(cat "$WORK/w.json")" == "precious weights" ]] || fail "$1: the weights file was replaced"
  [[ -z "$(ls -A "$WORK" | grep '^\.w\.json')" ]] || fail "$1: a temporary weights file was left behind"
}

# corrupt_line N SED_EXPR: $WORK/bad.csv = good.csv up to line N, whose line N is edited by SED_EXPR
corrupt_line() {
  { head -n $(($1 - 1)) "$WORK/good.csv"; sed -n "$1p" "$WORK/good.csv" | sed "$2"; } > "$WORK/bad.csv"
}

# bad_csv NAME EXPECTED_MESSAGE: the file $WORK/bad.csv must be rejected
bad_csv() {
  expect_error "$1" "$2" -- train_with "$WORK/bad.csv"
  check_weights_kept "$1"
}

head -c 0 /dev/null > "$WORK/bad.csv"
bad_csv "empty file" "$WORK/bad.csv: file is empty"
head -n 1 "$WORK/good.csv" > "$WORK/bad.csv"
bad_csv "header only" "$WORK/bad.csv: no data rows after the header"
corrupt_line 4 's/,[0-9]*$//'
bad_csv "missing column" "$WORK/bad.csv:4: expected 785 columns, got 784"
corrupt_line 3 's/$/,0/'
bad_csv "extra column" "$WORK/bad.csv:3: expected 785 columns, got 786"
corrupt_line 6 's/^\([0-9]*\),[0-9]*,/\1,12,abc,/'
bad_csv "non-numeric pixel" "$WORK/bad.csv:6: column 3: expected a whole number, got 'abc'"
corrupt_line 3 's/^\([0-9]*\),[0-9]*,/\1,256,/'
bad_csv "pixel above 255" "$WORK/bad.csv:3: column 2: pixel 256 is outside 0..255"
corrupt_line 8 's/^[0-9]*,/10,/'
bad_csv "label outside classes" "$WORK/bad.csv:8: label 10 is outside the classes 0..9"
corrupt_line 3 's/^[0-9]*,/x,/'
bad_csv "non-numeric label" "$WORK/bad.csv:3: column 1: expected a whole number, got 'x'"

expect_error "missing train file" "$WORK/nope.csv: cannot open: No such file or directory" -- train_with "$WORK/nope.csv"
check_weights_kept "missing train file"
expect_error "directory as data" "is a directory" -- train_with "$WORK"
corrupt_line 8 's/^[0-9]*,/10,/'
expect_error "bad validation file" "$WORK/bad.csv:8: label 10" -- "$TRAINER" --train-path "$WORK/good.csv" \
  --validation-path "$WORK/bad.csv" --network-structure 784 8 10 --num-epochs 1 --weight-path "$WORK/w.json"
check_weights_kept "bad validation file"
expect_error "weights dir missing" "does not exist" -- "$TRAINER" --train-path "$WORK/good.csv" \
  --validation-path "$WORK/good.csv" --network-structure 784 8 10 --num-epochs 1 --weight-path "$WORK/no/such/dir/w.json"

# Divergence: a huge learning rate overflows (linear units: nothing saturates or dies). Softmax
# shares the mass among infinite logits, so the loss stays finite; the weights do not.
expect_error "diverging training" "training diverged: the weights became infinite or NaN during the epoch; try a smaller learning rate (now 1e+30)" -- \
  train_with "$WORK/good.csv" --learning-rate 1e30 --activation-function linear --batch-size 16
check_weights_kept "diverging training"
# Collapse: ReLU units that all die keep the loss finite; the epoch after they die stops training.
expect_error "collapsing training" "training collapsed: every unit of hidden layer 1 output 0" -- \
  "$TRAINER" --train-path "$WORK/good.csv" --validation-path "$WORK/good.csv" --network-structure 784 8 10 \
  --num-epochs 3 --learning-rate 1e3 --batch-size 16 --weight-path "$WORK/w.json"
check_weights_kept "collapsing training"

# IDX: a truncated images file, and a labels file given instead of images.
if [[ -f "$MNIST_DIR/t10k-images-idx3-ubyte.gz" ]]; then
  mkdir -p "$WORK/idx"
  gunzip -c "$MNIST_DIR/t10k-images-idx3-ubyte.gz" > "$WORK/idx/full"
  head -c 100000 "$WORK/idx/full" > "$WORK/idx/t10k-images-idx3-ubyte"
  cp "$MNIST_DIR/t10k-labels-idx1-ubyte.gz" "$WORK/idx/"
  expect_error "truncated IDX" "$WORK/idx/t10k-images-idx3-ubyte: file ends early while reading pixels" -- train_with "$WORK/idx/t10k-images-idx3-ubyte"
  expect_error "labels instead of images" "is an IDX labels file" -- train_with "$WORK/idx/t10k-labels-idx1-ubyte.gz"
  check_weights_kept "bad IDX"
fi

# Weights files for --evaluate.
eval_with() { "$TRAINER" --evaluate "$1" --test-path "$WORK/good.csv"; }
expect_error "missing weights" "$WORK/none.json: cannot open" -- eval_with "$WORK/none.json"
printf '' > "$WORK/e.json"
expect_error "empty weights" "$WORK/e.json: is empty" -- eval_with "$WORK/e.json"
echo '{"W0": [1, 2,' > "$WORK/e.json"
expect_error "truncated weights" "$WORK/e.json: invalid JSON" -- eval_with "$WORK/e.json"
echo '{"W0": [1, 2], "b0": [1, 2, 3]}' > "$WORK/e.json"
expect_error "bad weight shapes" "W0 has 2 numbers, expected a multiple of the 3 outputs in b0" -- eval_with "$WORK/e.json"
echo '{"W0": [1, "x"], "b0": [1]}' > "$WORK/e.json"
expect_error "non-number weight" "W0[1]: expected a number, got a string" -- eval_with "$WORK/e.json"
echo '{"W0": [1, 2], "b0": [1]}' > "$WORK/e.json"
expect_error "weights vs data" "first layer size is 2 but $WORK/good.csv has 784 pixels" -- eval_with "$WORK/e.json"
finish
