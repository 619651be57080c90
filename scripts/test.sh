#!/usr/bin/env bash
# Runs every test of the project, as CI does:
#   1. native build (release): GoogleTest units, CLI tests, script tests      (ctest)
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer          (ctest)
#   3. the WebAssembly module against native libnn, in Node                   (node --test)
#   4. the page in a real browser (Debian's Chromium via playwright-core)     (node --test)
#   5. the "drawn digits" evaluation on a sample                              (node)
# Real MNIST comes from MNIST_DIR, or data/mnist (downloaded if missing).
#
#   scripts/test.sh            everything
#   scripts/test.sh --quick    skip the sanitizer build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

step() { printf '\n==== %s\n' "$*"; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

scripts/setup.sh >/dev/null
# A folder the user gave is checked where it is; otherwise data/mnist, downloaded if
# missing (get_mnist.sh links from MNIST_DIR when it is set, so set it only after).
mnist="${MNIST_DIR:-$root/data/mnist}"
scripts/get_mnist.sh "$mnist" >/dev/null
export MNIST_DIR="$mnist"

step "native build and tests (release)"
cmake --preset release -DNN_MNIST_DIR="$MNIST_DIR" >/dev/null
cmake --build --preset release
ctest --preset release -j1 | tee "$logs/ctest-release"

if [[ $quick -eq 0 ]]; then
  step "native tests under ASan + UBSan"
  cmake --preset asan -DNN_MNIST_DIR="$MNIST_DIR" >/dev/null
  cmake --build --preset asan
  ctest --preset asan -j1 | tee "$logs/ctest-asan"
fi

step "WebAssembly module"
export NODE_PATH=/usr/share/nodejs
cmake --preset wasm >/dev/null
cmake --build --preset wasm

# The site under test: the built site with a model trained here for the tests
# (quick, on normalised digits like the page feeds it).
site="$root/build/test-site"
rm -rf "$site" && cp -r build/wasm/site "$site"
mkdir -p "$site/assets"
build/release/trainer/trainer --train-path "$MNIST_DIR/train-images-idx3-ubyte.gz" \
  --validation-path "$MNIST_DIR/t10k-images-idx3-ubyte.gz" --network-structure 784 128 10 \
  --learning-rate 0.003 --batch-size 64 --num-epochs 3 --initialization xavier --normalize --binarize \
  --weight-path "$site/assets/my_weights.json" | grep -E "^(epoch|Accuracy)"

step "module tests (node)"
NN_SITE_DIR="$site" NN_NATIVE_BUILD="$root/build/release" node --test tests/wasm/ | tee "$logs/node-wasm"

step "page tests (Chromium)"
NN_SITE_DIR="$site" node --test tests/browser/ | tee "$logs/node-browser"

step "drawn digits: the page's path on MNIST test digits redrawn at random sizes and places"
node bench/drawn_digits.cjs --weights "$site/assets/my_weights.json" --site "$site" --count 1000 --sample \
  --min-accuracy 0.95 | tee "$logs/drawn"

# Totals over every runner, as one closing line.
passed=0 failed=0
for f in "$logs"/ctest-*; do
  # "100% tests passed, 0 tests failed out of 57"
  t=$(awk '/tests failed out of/ {print $NF}' "$f"); bad=$(awk '/tests failed out of/ {print $4}' "$f")
  passed=$((passed + t - bad)); failed=$((failed + bad))
done
for f in "$logs"/node-*; do
  passed=$((passed + $(awk '/^# pass/ {print $3}' "$f"))); failed=$((failed + $(awk '/^# fail/ {print $3}' "$f")))
done
passed=$((passed + 1))  # the drawn-digits check (it exits non-zero below its bar)
echo
echo "all: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
