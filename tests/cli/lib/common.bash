# Shared helpers for the CLI tests (sourced, not a test itself).
# Env from ctest: BUILD_DIR, SOURCE_DIR, MNIST_DIR.
set -euo pipefail
TRAINER="$BUILD_DIR/trainer/trainer"
TO_CSV="$BUILD_DIR/trainer/mnist-to-csv"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# expect_error NAME EXPECTED_SUBSTRING -- command...
# The command must exit non-zero and print the substring on stderr.
expect_error() {
  local name=$1 want=$2; shift 3
  local err rc=0
  err=$("$@" 2>&1 >/dev/null) || rc=$?
  if [[ $rc -eq 0 ]]; then fail "$name: exited 0, expected an error"; return; fi
  if [[ "$err" != *"$want"* ]]; then fail "$name: stderr lacks '$want'; got: $err"; return; fi
  pass "$name"
}

finish() {
  if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "all passed"
}

# A small CSV in the original's format: header + rows of label,784 pixels.
make_csv() {  # make_csv PATH ROWS
  python3 - "$1" "$2" <<'PY'
import sys, random
random.seed(7)
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)) + "\n")
    for i in range(rows):
        f.write(",".join([str(i % 10)] + [str(random.randrange(256)) for _ in range(784)]) + "\n")
PY
}
