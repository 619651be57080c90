#!/usr/bin/env bash
# The container, end to end: builds the image from the Dockerfile, runs it, fetches the
# page, the module (as application/wasm) and the model from it, checks that it runs as a
# normal user with no compiler inside and stops cleanly, then removes it.
#
#   tests/container/run.sh [--train] [--fresh]
#
#   (default)  the build context holds a small model trained here with the host's trainer:
#              the image takes it as given (the path after scripts/quickstart.sh).
#   --train    the context holds MNIST's .gz files and no model: the image trains the page's
#              model itself (scripts/train_page_model.sh, a few minutes more).
#   --fresh    starts from nothing: a new Docker data folder, a new base image.
#
# No container registry is needed. The Dockerfile names debian:12; when the daemon has no
# such image, one is made here from Debian's packages (debootstrap --variant=minbase
# bookworm, from the mirror apt uses) and imported under that name. When no Docker daemon
# answers, one is started for the test (as root, on its own socket and data folder under
# $CONTAINER_WORK, default build/container) and stopped at the end by its PID. The legacy
# builder is used (DOCKER_BUILDKIT=0): Debian 12's docker.io has no buildx.
#
# Needs: root, Debian's docker.io and debootstrap (scripts/setup.sh --container), and for
# the default mode a built trainer (BUILD_DIR, default build/release) and MNIST (MNIST_DIR).
set -euo pipefail
SOURCE_DIR="${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${BUILD_DIR:-$SOURCE_DIR/build/release}"
MNIST_DIR="${MNIST_DIR:-$SOURCE_DIR/data/mnist}"
WORK_ROOT="${CONTAINER_WORK:-$SOURCE_DIR/build/container}"
export no_proxy="127.0.0.1,localhost" NO_PROXY="127.0.0.1,localhost"

mode=given fresh=0
for arg in "$@"; do
  case "$arg" in
    --train) mode=train ;;
    --fresh) fresh=1 ;;
    *) echo "usage: $0 [--train] [--fresh]" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
log() { printf '[%4ds] %s\n' $((SECONDS - t0)) "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Debian's client matches Debian's daemon; another docker on PATH may be a newer client only.
DOCKER="${DOCKER:-$( [[ -x /usr/bin/docker ]] && echo /usr/bin/docker || command -v docker || true)}"
[[ -n "$DOCKER" ]] || fail "no docker client (install it: scripts/setup.sh --container)"
export DOCKER_BUILDKIT=0

tmp=$(mktemp -d)
daemon_pid="" cid="" image="digitnn-test:$$"
cleanup() {
  local rc=$?
  set +e
  [[ -n "$cid" ]] && "$DOCKER" rm -f "$cid" >/dev/null 2>&1
  "$DOCKER" image inspect "$image" >/dev/null 2>&1 && "$DOCKER" rmi "$image" >/dev/null 2>&1
  if [[ -n "$daemon_pid" ]]; then
    kill "$daemon_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$tmp"
  log "finished (exit $rc)"
}
trap cleanup EXIT

# ---- the daemon: the one that answers, else our own.
if ! "$DOCKER" info >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || fail "no Docker daemon answers and starting one needs root"
  command -v dockerd >/dev/null || [[ -x /usr/sbin/dockerd ]] || fail "no dockerd (scripts/setup.sh --container)"
  [[ $fresh -eq 1 ]] && rm -rf "$WORK_ROOT/docker"
  mkdir -p "$WORK_ROOT/docker"
  # The socket path must be short (108 bytes): it lives in the temporary folder.
  /usr/sbin/dockerd --data-root "$WORK_ROOT/docker" --exec-root "$tmp/exec" --pidfile "$tmp/dockerd.pid" \
    -H "unix://$tmp/docker.sock" >"$tmp/dockerd.log" 2>&1 &
  daemon_pid=$!
  export DOCKER_HOST="unix://$tmp/docker.sock"
  for _ in $(seq 100); do "$DOCKER" info >/dev/null 2>&1 && break; kill -0 $daemon_pid 2>/dev/null || break; sleep 0.3; done
  "$DOCKER" info >/dev/null 2>&1 || { tail -20 "$tmp/dockerd.log" >&2; fail "dockerd did not start"; }
  log "started dockerd (pid $daemon_pid, data in $WORK_ROOT/docker)"
else
  log "using the running Docker daemon"
fi

# ---- the base image, debian:12, made locally when missing.
if [[ $fresh -eq 1 ]] && "$DOCKER" image inspect debian:12 >/dev/null 2>&1; then "$DOCKER" rmi debian:12 >/dev/null; fi
if ! "$DOCKER" image inspect debian:12 >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || fail "no debootstrap (scripts/setup.sh --container)"
  # The Debian mirror apt uses here (deb822 "URIs:" or one-line "deb URI"), else the default.
  mirror=$(grep -rhoE '^(URIs:[[:space:]]*|deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
             /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -oE 'https?://[^[:space:]]+' | head -1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  log "making the base image: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log" >&2; fail "debootstrap failed"; }
  tar -C "$tmp/rootfs" -c . | "$DOCKER" import - debian:12 >/dev/null
  rm -rf "$tmp/rootfs"
  log "imported the base image as debian:12"
fi

# ---- the build context: the project's files as a clone would have them, plus a model or MNIST.
ctx="$tmp/context"
mkdir -p "$ctx"
git -C "$SOURCE_DIR" ls-files -z --cached --others --exclude-standard |
  (cd "$SOURCE_DIR" && xargs -0 -r tar --ignore-failed-read -cf - 2>/dev/null) | tar -C "$ctx" -xf -
[[ -f "$ctx/Dockerfile" ]] || fail "the context has no Dockerfile"
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [[ -f "$MNIST_DIR/$f" ]] || fail "no MNIST in MNIST_DIR=$MNIST_DIR (scripts/get_mnist.sh)"
done
rm -f "$ctx"/site/assets/*.json "$ctx"/site/assets/*.nnm
if [[ $mode == given ]]; then
  [[ -x "$BUILD_DIR/trainer/trainer" ]] || fail "no trainer in $BUILD_DIR (cmake --build --preset release)"
  "$BUILD_DIR/trainer/trainer" --train-path "$MNIST_DIR/train-images-idx3-ubyte.gz" \
    --validation-path "$MNIST_DIR/t10k-images-idx3-ubyte.gz" --network-structure 784 64 10 \
    --learning-rate 0.003 --batch-size 64 --num-epochs 1 --initialization xavier --normalize \
    --threads 2 --weight-path "$ctx/site/assets/my_weights.json" >"$tmp/train.log"
  log "trained the model for the context ($(grep -o 'Accuracy: [0-9.]* %' "$tmp/train.log"))"
else
  mkdir -p "$ctx/data/mnist"
  cp -L "$MNIST_DIR"/*-ubyte.gz "$ctx/data/mnist/"
fi

# ---- build.
log "docker build ($mode model)"
"$DOCKER" build -t "$image" "$ctx" >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log" >&2; fail "docker build failed"; }
grep -E '^(Step [0-9]+/|using the model|epoch +[0-9]+ |Accuracy)' "$tmp/build.log" | sed 's/^/    /' | cut -c1-120
log "built $image ($("$DOCKER" image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"

# ---- what the final image holds: no compiler, a non-root user.
tools=$("$DOCKER" run --rm --entrypoint sh "$image" -c 'for t in cc gcc g++ c++ clang cmake emcc node; do command -v $t; done; true')
[[ -z "$tools" ]] || fail "the final image holds build tools: $tools"
user=$("$DOCKER" run --rm --entrypoint id "$image" -u)
[[ "$user" != 0 ]] || fail "the server runs as root"
log "final image: no compiler, runs as uid $user"

# ---- run and fetch.
cid=$("$DOCKER" run -d -p 127.0.0.1::8080 "$image")
port=$("$DOCKER" port "$cid" 8080/tcp | head -1 | sed 's/.*://')
url="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fsS -o /dev/null "$url/" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o "$tmp/index.html" "$url/" || { "$DOCKER" logs "$cid" >&2; fail "the page is not served at $url/"; }
grep -q 'id="drawingCanvas"' "$tmp/index.html" || fail "$url/ is not the drawing page"
log "GET / : the page ($(wc -c <"$tmp/index.html") bytes)"

type=$(curl -fsS -o "$tmp/nn.wasm" -w '%{content_type}' "$url/nn.wasm") || fail "GET /nn.wasm failed"
[[ "$type" == application/wasm* ]] || fail "/nn.wasm served as '$type', expected application/wasm"
[[ "$(head -c4 "$tmp/nn.wasm" | od -An -tx1 | tr -d ' ')" == 0061736d ]] || fail "/nn.wasm is not WebAssembly"
curl -fsS -o "$tmp/nn.js" "$url/nn.js" && grep -q createNNModule "$tmp/nn.js" || fail "/nn.js is not the module's script"
log "GET /nn.wasm: $type, $(wc -c <"$tmp/nn.wasm") bytes; /nn.js ok"

# serve.py lists no folder; the page's model is assets/model.nnm (the compact format).
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/assets/")
[[ "$code" == 404 || "$code" == 403 ]] || fail "GET /assets/ gave HTTP $code: a folder listing?"
curl -fsS -o "$tmp/model.nnm" "$url/assets/model.nnm" || fail "GET /assets/model.nnm failed"
[[ "$(head -c4 "$tmp/model.nnm" | tail -c3)" == NNM ]] || fail "/assets/model.nnm is not a compact model"
log "GET /assets/model.nnm: $(wc -c <"$tmp/model.nnm") bytes; /assets/ lists nothing (HTTP $code)"
if [[ $mode != given ]]; then  # the replay sample for learning from corrections
  curl -fsS -o "$tmp/replay.csv.gz" "$url/assets/replay.csv.gz" || fail "GET /assets/replay.csv.gz failed"
  gzip -t "$tmp/replay.csv.gz" || fail "/assets/replay.csv.gz is not gzip"
fi
curl -fsS -o "$tmp/weights.json" "$url/assets/my_weights.json" || fail "GET /assets/my_weights.json failed"
if [[ $mode == given ]]; then
  cmp -s "$tmp/weights.json" "$ctx/site/assets/my_weights.json" || fail "the served model is not the one given"
else
  python3 - "$tmp/weights.json" <<'PY' || fail "the model trained in the image is not a 784-500-300-100-10 network"
import json, sys
w = json.load(open(sys.argv[1]))
assert [len(w[f"b{k}"]) for k in range(4)] == [500, 300, 100, 10], sorted(w)
PY
fi

# ---- stop: STOPSIGNAL makes the server exit by itself (exit 0), not killed after the timeout.
start=$SECONDS
"$DOCKER" stop -t 20 "$cid" >/dev/null
code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$cid")
[[ "$code" == 0 ]] || { "$DOCKER" logs "$cid" >&2; fail "the server exited with $code on docker stop"; }
log "docker stop: exited 0 in $((SECONDS - start)) s"
"$DOCKER" rm "$cid" >/dev/null && cid=""
echo "all passed"
