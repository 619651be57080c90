#!/usr/bin/env bash
# Training speed with and without a competing CPU-bound program. Runs the original's
# network (784-500-300-100-10, batch 64, ReLU, binarized MNIST from the IDX files) for
# EPOCHS epochs, RUNS times per setting, and prints the median epoch time of:
#   quiet:       the default threads (adaptive), --threads 1, --threads <all cores> (fixed)
#   under load:  the same three, beside one `while :; do :; done` at normal priority
#
#   bench/load_bench.sh [EPOCHS=2] [RUNS=3]      (MNIST_DIR: the four MNIST .gz files)
#   TRAIN_LIMIT=N  train on the first N images only (shorter epochs, seconds scaled to 60,000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
epochs=${1:-2}
runs=${2:-3}
trainer=${TRAINER:-$root/build/release/trainer/trainer}
mnist=${MNIST_DIR:-$root/data/mnist}
limit=${TRAIN_LIMIT:-0}
cores=$(nproc)
[[ -x $trainer ]] || { echo "load_bench: build first: cmake --build --preset release --target trainer" >&2; exit 1; }
[[ -f $mnist/train-images-idx3-ubyte.gz ]] || { echo "load_bench: no MNIST in $mnist (set MNIST_DIR)" >&2; exit 1; }
out=$(mktemp -d)
hog=""
cleanup() { [[ -n $hog ]] && kill "$hog" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT

# epoch_times THREADS_FLAG...: the run's epoch times (s), one per line, scaled to 60,000 images.
epoch_times() {
  "$trainer" --train-path "$mnist/train-images-idx3-ubyte.gz" --validation-path "$mnist/t10k-images-idx3-ubyte.gz" \
    --binarize --network-structure 784 500 300 100 10 --learning-rate 0.003 --batch-size 64 \
    --num-epochs "$epochs" --train-limit "$limit" --activation-function re-lu --initialization xavier \
    --weight-path "$out/w.json" "$@" </dev/null |
    awk -v scale="$([[ $limit -gt 0 ]] && echo "60000 / $limit" | bc -l || echo 1)" \
      '/^epoch/ {printf "%.3f\n", $(NF-1) * scale}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# measure NAME FLAG...: RUNS runs; prints the median and the range of all epoch times.
measure() {
  local name=$1
  shift
  : >"$out/times"
  for ((r = 0; r < runs; ++r)); do epoch_times "$@" >>"$out/times"; done
  printf '  %-26s median %6.2f s  (min %.2f, max %.2f, %d epochs)\n' "$name" "$(median <"$out/times")" \
    "$(sort -n "$out/times" | head -n1)" "$(sort -n "$out/times" | tail -n1)" "$(wc -l <"$out/times")"
}

settings() {
  measure "default (adaptive)"
  measure "--threads 1" --threads 1
  measure "--threads $cores (fixed)" --threads "$cores"
}

echo "== $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $epochs epochs x $runs runs per setting"
echo "quiet:"
settings
bash -c 'while :; do :; done' &
hog=$!
echo "under load (one busy loop, pid $hog):"
settings
