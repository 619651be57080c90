#!/usr/bin/env bash
# Installs everything the project needs on Debian 12, idempotently:
# compilers and libraries, Emscripten, Chromium (for the browser tests) and the
# npm packages in package.json. Run as root or with sudo available.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --native   only what the native build and its tests need
#   scripts/setup.sh --container  only what tests/container/run.sh needs (Docker, debootstrap)
#   scripts/setup.sh --fuzz     the native build plus clang 14 for the fuzz preset (tests/fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

native=(build-essential cmake ninja-build pkg-config python3 curl ca-certificates
        libeigen3-dev libcli11-dev nlohmann-json3-dev libfast-float-dev libfccp-dev libgtest-dev
        libbenchmark-dev zlib1g-dev)
web=(emscripten chromium)
# The container test makes its base image with debootstrap and builds with Debian's Docker.
container=(docker.io debootstrap curl ca-certificates)
# The fuzz preset: clang 14 with libFuzzer and the sanitizer runtimes, its OpenMP and linker.
fuzz=(clang-14 libclang-rt-14-dev libomp-14-dev lld-14)

case "${1:-}" in
  --container) want=("${container[@]}") ;;
  --native) want=("${native[@]}") ;;
  --fuzz) want=("${native[@]}" "${fuzz[@]}") ;;
  *) want=("${native[@]}" "${web[@]}" "${fuzz[@]}") ;;
esac
if [[ "${1:-}" != "--container" ]]; then
  # Node.js and npm: take Debian's only if the machine has no node yet (some ship their own).
  command -v node >/dev/null || want+=(nodejs)
  command -v npm >/dev/null || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "" && -f package.json ]]; then
  if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules ]]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error  # onnxruntime-node's script only fetches GPU extras
  fi
fi
echo "setup: done"
