#!/usr/bin/env bash
# Builds the fuzz preset (clang 14, ASan + UBSan) and runs every libFuzzer target in
# tests/fuzz for SECONDS each (default 30) on a copy of its committed seed corpus
# (tests/fuzz/corpus/<name>/). Fails if any target finds a crash, a leak, undefined
# behaviour, a timeout or an out-of-memory; the reproducer is kept and named.
#
#   tests/fuzz/run.sh            30 s per target (CI)
#   tests/fuzz/run.sh 600        a longer run: 10 minutes per target
#   NN_FUZZ_ONLY=csv tests/fuzz/run.sh 60    one target
#
# Reproduce a finding: build/fuzz/tests/fuzz/fuzz_<name> <crash file>
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"${NN_JOBS:-2}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
findings="build/fuzz/findings"
mkdir -p "$findings"
export OMP_NUM_THREADS=1
# Leaks, UB and ASan errors all end the run with a non-zero status.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=()
for exe in build/fuzz/tests/fuzz/fuzz_*; do
  [[ -x "$exe" && -f "$exe" ]] || continue
  name="$(basename "$exe")"
  name="${name#fuzz_}"
  [[ -z "${NN_FUZZ_ONLY:-}" || "$NN_FUZZ_ONLY" == "$name" ]] || continue
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [[ -d "tests/fuzz/corpus/$name" ]]; then cp -r "tests/fuzz/corpus/$name/." "$corpus/"; fi
  echo "== fuzz_$name: ${seconds}s on $(find "$corpus" -type f | wc -l) seed(s)"
  # -timeout: one input may take at most 25 s; -rss_limit_mb: a process over 2 GB
  # (or one allocation over 2 GB) is a finding: no reader may allocate what the data
  # does not back.
  if "$exe" "$corpus" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
       -artifact_prefix="$findings/${name}-" -print_final_stats=1 >"$work/$name.log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/$name.log" | tail -n 2 || true
  else
    failed+=("$name")
    tail -n 40 "$work/$name.log"
    echo "FAIL: fuzz_$name found a problem; reproducer(s) in $findings/:" >&2
    ls "$findings" | grep "^${name}-" >&2 || true
  fi
done
if ((${#failed[@]})); then
  echo "FAIL: ${failed[*]}" >&2
  exit 1
fi
echo "PASS: every fuzz target ran ${seconds}s clean"
