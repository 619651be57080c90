# The trainer and converter as a user first meets them: --help, --version, bad flags.
source "$(dirname "$0")/lib/common.bash"

out=$("$TRAINER" --help)
for flag in --train-path --validation-path --network-structure --learning-rate --batch-size \
            --num-epochs --epsilon --debug-path --activation-function --initialization --weight-path \
            --seed --threads --binarize --test-path --evaluate; do
  [[ "$out" == *"$flag"* ]] || fail "--help does not list $flag"
done
pass "--help lists every flag"
[[ "$("$TRAINER" --version)" =~ ^trainer\ [0-9]+\.[0-9]+ ]] && pass "--version" || fail "--version"
"$TO_CSV" --help >/dev/null && pass "mnist-to-csv --help" || fail "mnist-to-csv --help"

make_csv "$WORK/a.csv" 20
base=(--train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 784 16 10)
expect_error "unknown flag" "--bogus" -- "$TRAINER" "${base[@]}" --bogus
expect_error "missing train path" "--train-path is required" -- "$TRAINER" --validation-path "$WORK/a.csv" --network-structure 784 10
expect_error "missing structure" "--network-structure is required" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv"
expect_error "one layer size" "network-structure" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 784
expect_error "learning rate 0" "learning rate must be greater than 0" -- "$TRAINER" "${base[@]}" --learning-rate 0
expect_error "negative learning rate" "learning rate must be greater than 0" -- "$TRAINER" "${base[@]}" --learning-rate -0.1
expect_error "batch size 0" "batch size must be at least 1, got 0" -- "$TRAINER" "${base[@]}" --batch-size 0
expect_error "0 epochs" "the number of epochs must be at least 1, got 0" -- "$TRAINER" "${base[@]}" --num-epochs 0
expect_error "non-numeric rate" "learning-rate" -- "$TRAINER" "${base[@]}" --learning-rate fast
expect_error "unknown activation" "unknown activation 'relu' (expected one of: re-lu, sigmoid, tanh, linear, leaky-re-lu)" -- "$TRAINER" "${base[@]}" --activation-function relu
expect_error "unknown initialization" "unknown initialization 'he'" -- "$TRAINER" "${base[@]}" --initialization he
expect_error "first size != pixels" "first layer size is 100 but $WORK/a.csv has 784 pixels per sample" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 100 10 --num-epochs 1
expect_error "last size != classes" "last layer size is 9 but there are 10 classes" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 784 9 --num-epochs 1
expect_error "zero layer size" "layer sizes must be positive" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 784 0 10
expect_error "huge layer" "a layer of 1000000 units is larger than the limit of 65536" -- "$TRAINER" --train-path "$WORK/a.csv" --validation-path "$WORK/a.csv" --network-structure 784 1000000 10
expect_error "momentum 1" "momentum must be in [0, 1), got 1" -- "$TRAINER" "${base[@]}" --momentum 1
expect_error "lr decay 0" "the learning-rate decay must be in (0, 1], got 0" -- "$TRAINER" "${base[@]}" --lr-decay 0
expect_error "negative weight decay" "weight decay must be 0 or more" -- "$TRAINER" "${base[@]}" --weight-decay -1
expect_error "evaluate without data" "--evaluate needs data" -- "$TRAINER" --evaluate "$WORK/w.json"
finish
