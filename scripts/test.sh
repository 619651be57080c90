#!/usr/bin/env bash
# Runs every test of the project, as CI does: installs what is missing, gets MNIST,
# builds, and runs ctest, which holds every suite (see tests/CMakeLists.txt):
# unit, cli, scripts, wasm, types, browser, drawn, onnx, fuzz and asan. One total at the end.
# Real MNIST comes from MNIST_DIR, or data/mnist (downloaded if missing).
#
#   scripts/test.sh                 everything
#   scripts/test.sh -LE asan        skip the sanitizer build (any ctest arguments pass on)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh >/dev/null
# A folder the user gave is checked where it is; otherwise data/mnist, downloaded if
# missing (get_mnist.sh links from MNIST_DIR when it is set, so set it only after).
mnist="${MNIST_DIR:-$root/data/mnist}"
scripts/get_mnist.sh "$mnist" >/dev/null
export MNIST_DIR="$mnist"

cmake --preset release -DNN_MNIST_DIR="$MNIST_DIR" >/dev/null
cmake --build --preset release
ctest --preset release "$@"
