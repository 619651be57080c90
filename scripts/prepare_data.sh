#!/usr/bin/env bash
# Prepares the original project's training data, step by step:
#   1. DATA_DIR/mnist/*.gz            the four MNIST files, verified (scripts/get_mnist.sh)
#   2. DATA_DIR/mnist_{train,test}.csv      converted with mnist-to-csv
#   3. DATA_DIR/mnist_{train,test}_new.csv  binarized with scripts/binarize.py (which runs mnist-to-csv)
#
#   scripts/prepare_data.sh [DATA_DIR]      (default: data under the repo root)
#
# Env: TRAINER_BIN_DIR  folder with the mnist-to-csv binary (default: build/release/trainer)
#      MNIST_DIR, MNIST_MIRRORS  passed on to get_mnist.sh
# A step is skipped when its output exists and is newer than its inputs. Safe to run again.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/data}"
bin_dir="${TRAINER_BIN_DIR:-$root/build/release/trainer}"
to_csv="$bin_dir/mnist-to-csv"

log() { echo "prepare_data: $*" >&2; }

if [[ ! -x "$to_csv" ]]; then
  log "error: $to_csv not found or not executable"
  log "hint: build it with 'cmake --preset release && cmake --build --preset release'," \
      "or set TRAINER_BIN_DIR to the folder that holds mnist-to-csv"
  exit 1
fi

# True if $1 exists and is newer than every other argument.
up_to_date() {
  local out="$1" in
  shift
  [[ -f "$out" ]] || return 1
  for in in "$@"; do
    [[ "$out" -nt "$in" ]] || return 1
  done
}

"$root/scripts/get_mnist.sh" "$data/mnist"

for split in train:train test:t10k; do
  name="${split%%:*}" prefix="${split##*:}"
  images="$data/mnist/$prefix-images-idx3-ubyte.gz"
  labels="$data/mnist/$prefix-labels-idx1-ubyte.gz"
  csv="$data/mnist_$name.csv"
  binarized="$data/mnist_${name}_new.csv"

  if up_to_date "$csv" "$images" "$labels"; then
    log "$csv: up to date"
  else
    log "$csv: converting $images"
    "$to_csv" "$images" "$csv" --labels "$labels"
  fi

  if up_to_date "$binarized" "$csv"; then
    log "$binarized: up to date"
  else
    log "$binarized: binarizing $csv"
    TRAINER_BIN_DIR="$bin_dir" python3 "$root/scripts/binarize.py" "$csv"
  fi
done
log "done: $data/mnist_{train,test}{,_new}.csv"
