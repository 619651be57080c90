#!/usr/bin/env bash
# Writes the page's replay sample: the first PER_CLASS digits of each class of MNIST's
# training set, normalised as the page normalises drawings, as the original's CSV,
# gzip-compressed. The page fetches it only when the person first corrects a guess, and
# mixes it into adapting so that the model keeps what it knew (see site/js/recipe.js).
#
#   scripts/replay_sample.sh [OUT] [PER_CLASS]   (default: site/assets/replay.csv.gz 100)
# Needs mnist-to-csv (in $BUILD_DIR/trainer, default build/release) and MNIST's IDX files
# (in $MNIST_DIR, default data/mnist; scripts/get_mnist.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-site/assets/replay.csv.gz}"
tmp="$(mktemp "${out}.XXXXXX")"
trap 'rm -f "$tmp" "$tmp.csv"' EXIT
"${BUILD_DIR:-build/release}/trainer/mnist-to-csv" "${MNIST_DIR:-data/mnist}/train-images-idx3-ubyte.gz" "$tmp.csv" \
  --normalize --per-class "${2:-100}"
gzip -9n < "$tmp.csv" > "$tmp"
chmod 644 "$tmp"  # mktemp made it private; the site is served to everyone
mv "$tmp" "$out"
echo "wrote $out: $(wc -c < "$out") bytes"
