#!/usr/bin/env bash
# trainer --report: refused before any training when it could not be written, refused with
# --evaluate, and never left half-written. (The report itself: tests/browser/report.test.mjs.)
source "$(dirname "$0")/lib/common.bash"
make_csv "$WORK/d.csv" 40
train=(--train-path "$WORK/d.csv" --validation-path "$WORK/d.csv" --network-structure 784 8 10 --num-epochs 1 --threads 1)

expect_error "report in a missing folder" "$WORK/no/r.html: the directory" -- "$TRAINER" "${train[@]}" --report "$WORK/no/r.html"
expect_error "report with --evaluate" "--evaluate excludes --report" -- "$TRAINER" --evaluate x.json --report "$WORK/r.html"

"$TRAINER" "${train[@]}" --report "$WORK/r.html" >/dev/null
if grep -q '</html>' "$WORK/r.html" && [[ -z "$(find "$WORK" -name '.r.html.*')" ]]; then pass "report written whole, no temporary left"
else fail "report missing, partial or a temporary left behind"; fi
finish
