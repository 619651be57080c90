#!/usr/bin/env bash
# trainer --report and --report-json: refused before any training when they could not be
# written, refused with --evaluate, and never left half-written; the JSON holds the numbers.
# (The HTML report itself: tests/browser/report.test.mjs.) Then nn-misread, which lists the
# digits a model misreads for the page's inside view.
source "$(dirname "$0")/lib/common.bash"
make_csv "$WORK/d.csv" 40
train=(--train-path "$WORK/d.csv" --validation-path "$WORK/d.csv" --network-structure 784 8 10 --num-epochs 1 --threads 1)

expect_error "report in a missing folder" "$WORK/no/r.html: the directory" -- "$TRAINER" "${train[@]}" --report "$WORK/no/r.html"
expect_error "report with --evaluate" "--evaluate excludes --report" -- "$TRAINER" --evaluate x.json --report "$WORK/r.html"

"$TRAINER" "${train[@]}" --report "$WORK/r.html" >/dev/null
if grep -q '</html>' "$WORK/r.html" && [[ -z "$(find "$WORK" -name '.r.html.*')" ]]; then pass "report written whole, no temporary left"
else fail "report missing, partial or a temporary left behind"; fi

expect_error "report-json in a missing folder" "$WORK/no/r.json: the directory" -- "$TRAINER" "${train[@]}" --report-json "$WORK/no/r.json"
expect_error "report-json with --evaluate" "--evaluate excludes --report-json" -- "$TRAINER" --evaluate x.json --report-json "$WORK/r.json"
"$TRAINER" --train-path "$WORK/d.csv" --validation-path "$WORK/d.csv" --network-structure 784 8 10 \
  --num-epochs 2 --threads 1 --report-json "$WORK/r.json" --weight-path "$WORK/w.json" >/dev/null
if python3 - "$WORK/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert [e["epoch"] for e in r["epochs"]] == [1, 2], r["epochs"]
assert all(0 <= e["validation_accuracy"] <= 1 and e["train_loss"] > 0 for e in r["epochs"])
assert len(r["confusion"]) == 10 and all(len(row) == 10 for row in r["confusion"])
assert sum(map(sum, r["confusion"])) == 40, r["confusion"]
assert "--report-json" in r["command_line"]
PY
then pass "report-json: two epochs, a 10x10 confusion matrix of the 40 samples"
else fail "report-json: not the training's numbers (see above)"; fi

MISREAD="$BUILD_DIR/trainer/nn-misread"
"$MISREAD" "$WORK/w.json" "$WORK/d.csv" "$WORK/m.json" --max 3
if python3 - "$WORK/m.json" "$WORK/r.json" <<'PY'
import base64, json, sys
m, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
right = sum(r["confusion"][d][d] for d in range(10))
assert m["samples"] == 40 and m["mistakes"] == 40 - right, (m["mistakes"], right)
assert len(m["digits"]) == min(3, m["mistakes"])
for d in m["digits"]:
    assert d["label"] != d["predicted"] and len(base64.b64decode(d["pixels"])) == 784
PY
then pass "nn-misread: the trainer's mistakes, at most --max of them, 784 pixels each"
else fail "nn-misread: its list disagrees with the trainer's confusion matrix (see above)"; fi
expect_error "nn-misread: a missing model" "nn-misread: error: $WORK/none.json" -- "$MISREAD" "$WORK/none.json" "$WORK/d.csv" "$WORK/m2.json"
finish
