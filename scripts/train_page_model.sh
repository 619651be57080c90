#!/usr/bin/env bash
# Trains the page's model: the original's network on MNIST digits normalised the way
# the page normalises drawings, with fresh distortions every epoch (30 epochs, about
# two minutes on two cores), then converts it to the compact model the page loads.
# Used by the quick start and by the Pages workflow.
#
#   scripts/train_page_model.sh [DIR]     (default: site/assets)
# Writes DIR/my_weights.json (the trainer's JSON), DIR/model.nnm (nn-convert, int4-b64:
# the smallest encoding within 0.1 point of the float model, see docs/formats.md) and the
# replay sample the page mixes into learning from corrections (DIR/replay.csv.gz,
# scripts/replay_sample.sh), and for the page's inside view the training report's numbers
# (DIR/report.json, trainer --report-json) and the MNIST test digits the page's model
# misreads (DIR/misread.json, nn-misread).
# Needs build/release/trainer/{trainer,nn-convert,nn-misread,mnist-to-csv} and MNIST's IDX files in data/mnist
# (scripts/get_mnist.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dir="${1:-site/assets}"
build/release/trainer/trainer --train-path data/mnist/train-images-idx3-ubyte.gz \
  --validation-path data/mnist/t10k-images-idx3-ubyte.gz \
  --network-structure 784 500 300 100 10 --learning-rate 0.003 --batch-size 64 --num-epochs 30 \
  --activation-function re-lu --initialization xavier --normalize --augment --elastic-alpha 20 --lr-decay 0.9 \
  --weight-path "$dir/my_weights.json" --report-json "$dir/report.json"
build/release/trainer/nn-convert "$dir/my_weights.json" "$dir/model.nnm" --encoding int4-b64
build/release/trainer/nn-misread "$dir/model.nnm" data/mnist/t10k-images-idx3-ubyte.gz "$dir/misread.json" --normalize
scripts/replay_sample.sh "$dir/replay.csv.gz"
