#!/usr/bin/env bash
# Trains the page's model: the original's network on MNIST digits normalised the way
# the page normalises drawings, with fresh distortions every epoch (30 epochs, about
# two minutes on two cores). Used by the quick start and by the Pages workflow.
#
#   scripts/train_page_model.sh [OUT]     (default: site/assets/my_weights.json)
# Also writes the replay sample the page mixes into learning from corrections
# (site/assets/replay.csv.gz, scripts/replay_sample.sh).
# Needs build/release/trainer/trainer and MNIST's IDX files in data/mnist
# (scripts/get_mnist.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build/release/trainer/trainer --train-path data/mnist/train-images-idx3-ubyte.gz \
  --validation-path data/mnist/t10k-images-idx3-ubyte.gz \
  --network-structure 784 500 300 100 10 --learning-rate 0.003 --batch-size 64 --num-epochs 30 \
  --activation-function re-lu --initialization xavier --normalize --augment --lr-decay 0.9 \
  --weight-path "${1:-site/assets/my_weights.json}"
scripts/replay_sample.sh
