#!/usr/bin/env bash
# The asan suite (ctest: asan.native): the unit, cli and scripts suites again, in a
# second build tree (build/asan) with AddressSanitizer + UndefinedBehaviorSanitizer.
# Its output is shown when it fails. Env from ctest: SOURCE_DIR, MNIST_DIR.
set -euo pipefail
cd "$SOURCE_DIR"
cmake --preset asan -DNN_MNIST_DIR="$MNIST_DIR" >/dev/null
cmake --build --preset asan
ctest --preset asan
