#!/usr/bin/env bash
# The web suites' fixture (ctest: web.prepare): builds the WebAssembly modules with the
# wasm preset (build/wasm/site), then a test site beside the native build with a model
# trained here, quickly, on normalised digits like the page feeds it.
# Env from ctest: BUILD_DIR (the native build, with the trainer), SOURCE_DIR, MNIST_DIR,
# NN_TEST_SITE (the test site's folder, written).
set -euo pipefail
cd "$SOURCE_DIR"
export NODE_PATH=/usr/share/nodejs
cmake --preset wasm >/dev/null
cmake --build --preset wasm
rm -rf "$NN_TEST_SITE"
cp -r build/wasm/site "$NN_TEST_SITE"
mkdir -p "$NN_TEST_SITE/assets"
"$BUILD_DIR/trainer/trainer" --train-path "$MNIST_DIR/train-images-idx3-ubyte.gz" \
  --validation-path "$MNIST_DIR/t10k-images-idx3-ubyte.gz" --network-structure 784 128 10 \
  --learning-rate 0.003 --batch-size 64 --num-epochs 3 --initialization xavier --normalize --binarize \
  --weight-path "$NN_TEST_SITE/assets/my_weights.json" --report-json "$NN_TEST_SITE/assets/report.json" \
  | grep -E "^(epoch|Accuracy)"
# The replay sample the page mixes into learning from corrections (site/js/recipe.js).
scripts/replay_sample.sh "$NN_TEST_SITE/assets/replay.csv.gz"
# The page loads the compact model (assets/model.nnm), as the quick start's site does;
# the JSON stays beside it for the Node suites. Then the service worker's version is
# stamped again, so that it covers the model.
"$BUILD_DIR/trainer/nn-convert" "$NN_TEST_SITE/assets/my_weights.json" "$NN_TEST_SITE/assets/model.nnm" \
  --encoding int4-b64 >/dev/null
# The inside view's "where it comes from": the test digits this model misreads, as the page
# sees them (scripts/train_page_model.sh writes the same for the page's model).
"$BUILD_DIR/trainer/nn-misread" "$NN_TEST_SITE/assets/model.nnm" "$MNIST_DIR/t10k-images-idx3-ubyte.gz" \
  "$NN_TEST_SITE/assets/misread.json" --normalize
cmake -DSITE_DIR="$NN_TEST_SITE" -DTEMPLATE="$SOURCE_DIR/site/sw.js" -P "$SOURCE_DIR/cmake/SiteManifest.cmake"
