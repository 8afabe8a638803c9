#!/usr/bin/env bash
# Rebuild the vendored front-end files of the web map (static/vendor, static/data) from the npm
# registry. Only maintainers need this: the built files are committed, so users need no Node.
# Installs into a temporary directory (no node_modules in the package), pinned by package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/build.mjs" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts)
node "$work/build.mjs" "$work/node_modules" "$here/static"
