#!/usr/bin/env bash
# Builds into a fresh folder, then swaps it in: a process running mcpkey from dist/ meanwhile
# (a test, a second build) never sees a half-written or missing dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d .dist-build.XXXXXX)
trap 'rm -rf "$stage"' EXIT
npx tsc -p tsconfig.build.json --outDir "$stage"
node "$stage/completion/write-spec.js"
# What bin/ loads: dist/ bundled into a few chunks (scripts/bundle.mjs); the modules stay for everything else.
node scripts/bundle.mjs "$stage"
old=$(mktemp -d .dist-old.XXXXXX)
rm -rf "$old"
[ -d dist ] && mv dist "$old"
mv "$stage" dist
rm -rf "$old"
