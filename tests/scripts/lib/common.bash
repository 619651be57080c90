# Shared helpers for the script tests (sourced, not a test itself).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# need_mnist NAME: fails clearly unless MNIST_DIR holds MNIST's file NAME.
need_mnist() {
  [[ -f "$MNIST_DIR/$1" ]] ||
    fail "no MNIST in MNIST_DIR=$MNIST_DIR (configure with -DNN_MNIST_DIR=<folder>, or run scripts/get_mnist.sh)"
}

# Requests to the local test servers must never go through a proxy.
export no_proxy="127.0.0.1,localhost" NO_PROXY="127.0.0.1,localhost"
