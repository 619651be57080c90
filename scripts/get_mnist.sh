#!/usr/bin/env bash
# Gets the four canonical MNIST files into DEST_DIR and checks each one's SHA-256.
#
#   scripts/get_mnist.sh [DEST_DIR]      (default: data/mnist under the repo root)
#
# Sources, in this order of preference:
#   - a file already in DEST_DIR with the right checksum is kept (nothing is fetched);
#   - if MNIST_DIR is set, the files are taken from that folder (symlinked, no network);
#   - otherwise each file is downloaded with curl from the mirrors in MNIST_MIRRORS
#     (space-separated base URLs, tried in order; default: the public mirrors below).
# A download goes to a temporary file in DEST_DIR and is renamed only once its checksum
# matches, so DEST_DIR never holds a partial or wrong file under a canonical name.
# Safe to run again. Exits non-zero, naming each file and what was tried, on failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/data/mnist}"

files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
# SHA-256 of the canonical MNIST files, as published with the data set.
declare -A sha256=(
  [train-images-idx3-ubyte.gz]=440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609
  [train-labels-idx1-ubyte.gz]=3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c
  [t10k-images-idx3-ubyte.gz]=8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6
  [t10k-labels-idx1-ubyte.gz]=f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6
)
default_mirrors="https://ossci-datasets.s3.amazonaws.com/mnist/ https://storage.googleapis.com/cvdf-datasets/mnist/"
read -r -a mirrors <<< "${MNIST_MIRRORS:-$default_mirrors}"

log() { echo "get_mnist: $*" >&2; }

file_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# True if $1 exists (following symlinks) and has the expected checksum of file $2.
verified() { [[ -f "$1" ]] && [[ "$(file_sha256 "$1")" == "${sha256[$2]}" ]]; }

# The temporary file being written, removed on any exit (error, Ctrl-C, kill).
tmp=""
trap '[[ -z "$tmp" ]] || rm -f "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The helpers below run in the main shell (not in $(...)) so that the trap sees $tmp;
# on failure they return 1 and leave the reason in $why. They are called from `if`,
# where set -e is off, so every step checks its own status.

# Links DEST_DIR/$1 to the verified copy in MNIST_DIR.
from_local() {
  local name="$1" src="$MNIST_DIR/$1" got
  if [[ ! -f "$src" ]]; then
    why="not found in MNIST_DIR ($src)"
    return 1
  fi
  got="$(file_sha256 "$src")"
  if [[ "$got" != "${sha256[$name]}" ]]; then
    why="wrong checksum in MNIST_DIR ($src): expected ${sha256[$name]}, got $got"
    return 1
  fi
  [[ "$src" -ef "$dest/$name" ]] && return 0
  src="$(cd "$MNIST_DIR" && pwd)/$name"
  tmp="$(mktemp -u "$dest/.$name.XXXXXX")"
  if ! { ln -s "$src" "$tmp" && mv -fT "$tmp" "$dest/$name"; }; then
    why="could not link $src into $dest"
    return 1
  fi
  tmp=""
}

# Downloads $1 from the first mirror that gives the right checksum.
from_mirrors() {
  local name="$1" base url got err tried=()
  for base in "${mirrors[@]}"; do
    url="${base%/}/$name"
    tmp="$(mktemp "$dest/.$name.XXXXXX")" || { why="cannot create a file in $dest"; return 1; }
    log "$name: downloading $url"
    if ! err="$(curl -fsS --connect-timeout 15 --retry 2 -o "$tmp" "$url" 2>&1)"; then
      err="${err%$'\n'}"
      tried+=("$url: download failed (${err##*$'\n'})")  # curl's last message, after retries
    else
      got="$(file_sha256 "$tmp")"
      if [[ "$got" == "${sha256[$name]}" ]]; then
        if ! { chmod 644 "$tmp" && mv -f "$tmp" "$dest/$name"; }; then
          why="cannot write $dest/$name"
          return 1
        fi
        tmp=""
        return 0
      fi
      tried+=("$url: checksum mismatch (expected ${sha256[$name]}, got $got)")
    fi
    rm -f "$tmp"
    tmp=""
  done
  ((${#tried[@]})) || tried=("no mirrors given (MNIST_MIRRORS is empty)")
  why="no mirror gave a file with the right checksum; tried:$(printf '\n    %s' "${tried[@]}")"
  return 1
}

mkdir -p "$dest"
failed=()
why=""
for name in "${files[@]}"; do
  if verified "$dest/$name" "$name"; then
    log "$name: present, checksum ok"
    continue
  fi
  [[ -e "$dest/$name" || -L "$dest/$name" ]] && log "$name: present but checksum wrong, fetching it again"
  if [[ -n "${MNIST_DIR:-}" ]]; then
    if from_local "$name"; then
      log "$name: linked from $MNIST_DIR, checksum ok"
    else
      failed+=("$name: $why")
    fi
  else
    if from_mirrors "$name"; then
      log "$name: downloaded, checksum ok"
    else
      failed+=("$name: $why")
    fi
  fi
done

if ((${#failed[@]})); then
  log "error: could not get ${#failed[@]} of ${#files[@]} MNIST files into $dest:"
  printf '  %s\n' "${failed[@]}" >&2
  [[ -n "${MNIST_DIR:-}" ]] && log "hint: MNIST_DIR must hold the four canonical .gz files; unset it to download them"
  exit 1
fi
log "all ${#files[@]} files in $dest verified"
