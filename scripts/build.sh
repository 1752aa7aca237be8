#!/usr/bin/env bash
# Builds into a fresh folder, then swaps it in: a process running mcpkey from dist/ meanwhile
# (a test, a second build) never sees a half-written or missing dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d .dist-build.XXXXXX)
trap 'rm -rf "$stage"' EXIT
npx tsc -p tsconfig.build.json --outDir "$stage"
node "$stage/completion/write-spec.js"
# The core the bin loads, its code cache, and shims of it in place of its modules (scripts/bundle.mjs).
node scripts/bundle.mjs "$stage"
old=$(mktemp -d .dist-old.XXXXXX)
rm -rf "$old"
[ -d dist ] && mv dist "$old"
mv "$stage" dist
rm -rf "$old"
