#!/usr/bin/env bash
# The CMake package: `cmake --install` into a temporary prefix, then examples/predict built
# out of tree against it with find_package(digitnn), and run on real MNIST test images with
# a network trained here: each digit it prints must be the image's label, read from the
# labels file independently. A version the package does not offer must be refused.
# Env from ctest: BUILD_DIR, SOURCE_DIR, MNIST_DIR.
source "$(dirname "$0")/lib/common.bash"
TEST_IMAGES="$MNIST_DIR/t10k-images-idx3-ubyte.gz"
[[ -f "$TEST_IMAGES" ]] || { echo "FAIL: no MNIST in MNIST_DIR=$MNIST_DIR" >&2; exit 1; }

prefix="$WORK/prefix"
cmake --install "$BUILD_DIR" --prefix "$prefix" >"$WORK/install.log"
for f in include/nn/nn.hpp include/nn/network.hpp include/nn/weights_io.hpp lib/libnn.a lib/libnn_core.a \
         lib/cmake/digitnn/digitnnConfig.cmake lib/cmake/digitnn/digitnnConfigVersion.cmake \
         lib/cmake/digitnn/digitnnTargets.cmake; do
  [[ -f "$prefix/$f" ]] && pass "installed $f" || fail "not installed: $f"
done
# Only the public API is installed: no internal header, no Eigen module a user does not need.
for f in step.hpp thread_chooser.hpp output_bounds.hpp sparse_batch.hpp compact_layout.hpp; do
  [[ ! -e "$prefix/include/nn/$f" ]] && pass "not installed: $f (internal)" || fail "internal header installed: $f"
done
if found=$(grep -rlE 'SparseCore|namespace detail|nn::detail' "$prefix/include/nn"); then fail "internals in: $found"
else pass "the installed headers hold no internals"; fi
# Nothing installed may point back into the source or build tree.
if leaks=$(grep -rlE "$SOURCE_DIR/|$BUILD_DIR/" "$prefix/lib/cmake"); then fail "paths into the tree in: $leaks"
else pass "the package names no source or build path"; fi

# The consumer, in its own build folder, seeing only the installed prefix.
configure() { cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"; }
if configure "$SOURCE_DIR/examples/predict" "$WORK/example" >"$WORK/configure.log" 2>&1 &&
   cmake --build "$WORK/example" >"$WORK/build.log" 2>&1; then
  pass "examples/predict configured and built against the installed package"
else
  cat "$WORK/configure.log" "$WORK/build.log" >&2; fail "examples/predict did not build"; finish
fi

"$TRAINER" --train-path "$MNIST_DIR/train-images-idx3-ubyte.gz" --validation-path "$TEST_IMAGES" \
  --network-structure 784 64 10 --learning-rate 0.003 --batch-size 64 --num-epochs 2 \
  --initialization xavier --threads 2 --weight-path "$WORK/w.json" >"$WORK/train.log"
labels=$(python3 -c "import gzip,sys; print(*gzip.open(sys.argv[1]).read()[8:13])" \
  "$MNIST_DIR/t10k-labels-idx1-ubyte.gz")
i=0
for label in $labels; do
  out=$("$WORK/example/predict" "$WORK/w.json" "$TEST_IMAGES" $i)
  if [[ "$out" == "image $i: label $label, predicted $label" ]]; then pass "$out"
  else fail "image $i (label $label): got '$out'"; fi
  i=$((i + 1))
done
expect_error "predict: index out of range" "has 10000 images" -- "$WORK/example/predict" "$WORK/w.json" "$TEST_IMAGES" 10000

# find_package(digitnn 99) must fail, saying which version is there.
mkdir -p "$WORK/v99"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(v99 LANGUAGES CXX)\nfind_package(digitnn 99 REQUIRED)\n' \
  >"$WORK/v99/CMakeLists.txt"
if configure "$WORK/v99" "$WORK/v99/build" >"$WORK/v99.log" 2>&1; then fail "find_package(digitnn 99) succeeded"
elif grep -q 'version: 0\.' "$WORK/v99.log"; then pass "find_package(digitnn 99) refused"
else cat "$WORK/v99.log" >&2; fail "find_package(digitnn 99) failed without naming the version"; fi
finish
