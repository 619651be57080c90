#!/usr/bin/env bash
# The accuracy, speed and memory benchmark of the trainer: the original's part-2
# command on binarized MNIST CSVs (60,000 train, the 10,000 test images as
# validation). Prints the trainer's figures and, when Debian's python3-torch is
# installed, the same run's epoch time in PyTorch and the ratio.
#
#   bench/train_bench.sh [BUILD_DIR]        (default build/release)
#   PYTORCH_EPOCHS=1 (epochs of the PyTorch baseline; about a minute each here)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
data=$root/data
trainer=$build/trainer/trainer
[[ -x $trainer ]] || { echo "train_bench: build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }

TRAINER_BIN_DIR=$build/trainer "$root/scripts/prepare_data.sh" "$data" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== trainer: the original's command ($(nproc) cores)"
start=$(date +%s%N)
"$trainer" --train-path "$data/mnist_train_new.csv" --validation-path "$data/mnist_test_new.csv" \
  --network-structure 784 500 300 100 10 --learning-rate 0.003 --batch-size 64 --num-epochs 10 \
  --activation-function re-lu --initialization xavier --weight-path "$out/my_weights.json" | tee "$out/log" \
  | grep -E "^(loaded|network|epoch|Accuracy|The number|total)"
end=$(date +%s%N)
ours=$(awk '/^epoch/ {s += $(NF-1); n++} END {printf "%.2f", s / n}' "$out/log")
printf '\nsummary: wall %.1f s (start to weights written), %s s per epoch, accuracy %s, weights %s\n' \
  "$(awk -v a="$start" -v b="$end" 'BEGIN {print (b - a) / 1e9}')" "$ours" "$(awk '/^Accuracy/ {print $2, $3}' "$out/log")" \
  "$(du -h "$out/my_weights.json" | cut -f1)"

if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo
  echo "== PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') baseline, same network and settings"
  /usr/bin/python3 "$root/bench/pytorch_baseline.py" "$data/mnist_train_new.csv" "$data/mnist_test_new.csv" \
    "${PYTORCH_EPOCHS:-1}" "$(nproc)" | tee "$out/torch"
  theirs=$(awk '/epoch/ {s += $4; n++} END {printf "%.2f", s / n}' "$out/torch")
  printf '\nper epoch: ours %s s, PyTorch %s s: %.1fx faster\n' "$ours" "$theirs" "$(awk -v a="$theirs" -v b="$ours" 'BEGIN {print a / b}')"
else
  echo "(python3-torch not installed: apt-get install python3-torch for the PyTorch baseline)"
fi
