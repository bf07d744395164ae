#!/usr/bin/env bash
# Builds the extension: release wasm, JS glue, size optimisation, then dist/chrome and
# dist/firefox (unpacked) and their .zip files. Assumes scripts/setup.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
crate=jit_console
out=build/pkg
PATH="$PWD/node_modules/.bin:$PATH"

cargo build --release --target wasm32-unknown-unknown -p jit-console
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  "target/wasm32-unknown-unknown/release/$crate.wasm"
# binaryen from npm (>= 132): Debian's older wasm-opt produces modules that fail to instantiate.
wasm-opt -Oz "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.wasm"

for browser in chrome firefox; do
  dir="dist/$browser"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -R extension/. "$dir/"
  node scripts/derive-manifest.mjs "$browser" "$dir/manifest.json"
  cp "$out/$crate.js" "$out/${crate}_bg.wasm" "$dir/"
  rm -f "dist/$browser.zip"
  (cd "$dir" && zip -q -r -X "../$browser.zip" .)
done
printf '[build] dist/chrome, dist/firefox and their .zip files are ready (wasm %s bytes)\n' \
  "$(stat -c %s "$out/${crate}_bg.wasm")" >&2
