#!/usr/bin/env bash
# The whole journey in one command, on a fresh Debian 12 machine:
#   1. installs the toolchain and libraries          (scripts/setup.sh)
#   2. builds the trainer                            (cmake --preset release)
#   3. gets MNIST (MNIST_DIR or download), converts it to CSV and binarizes it
#   4. trains with the original project's command, exactly, and writes my_weights.json
#   5. trains the page's model: the same network on normalised, augmented digits (about 2 minutes),
#      and converts it to the compact model the page loads (site/assets/model.nnm)
#   6. builds the WebAssembly module and the site, and serves it on http://localhost:8080
#
#   scripts/quickstart.sh [--no-serve]     (PORT=8080 to change the port)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() { printf '\n==== %s\n' "$*"; }

step "1. set-up"
scripts/setup.sh

step "2. build"
cmake --preset release >/dev/null
cmake --build --preset release

step "3. data"
scripts/prepare_data.sh data

step "4. the original's command (binarized CSVs) -> data/my_weights.json"
build/release/trainer/trainer --train-path data/mnist_train_new.csv --validation-path data/mnist_test_new.csv \
  --network-structure 784 500 300 100 10 --learning-rate 0.003 --batch-size 64 --num-epochs 10 \
  --activation-function re-lu --initialization xavier --weight-path data/my_weights.json

step "5. the page's model -> site/assets/my_weights.json, site/assets/model.nnm"
scripts/train_page_model.sh site/assets

step "6. WebAssembly module and site"
export NODE_PATH=/usr/share/nodejs
cmake --preset wasm >/dev/null
cmake --build --preset wasm

if [[ "${1:-}" != "--no-serve" ]]; then
  exec python3 scripts/serve.py --dir build/wasm/site --port "${PORT:-8080}"
fi
