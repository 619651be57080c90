#!/usr/bin/env bash
# The module's TypeScript declarations (wasm/nn.d.ts), checked by TypeScript's compiler:
# usage.ts uses the whole API as a program would, including calls that must not compile
# (@ts-expect-error). tsc comes from npm (package.json's devDependencies, installed by
# scripts/setup.sh). Env from ctest: SOURCE_DIR.
set -euo pipefail
cd "$SOURCE_DIR"
tsc=node_modules/.bin/tsc
if [[ ! -x "$tsc" ]]; then
  echo "types: $tsc not found: install the npm packages (scripts/setup.sh, or npm ci)" >&2
  exit 1
fi
echo "types: $("$tsc" --version), tsc -p tests/types (strict, no output)"
"$tsc" -p tests/types --noEmit --strict
echo "types: wasm/nn.d.ts checked"
