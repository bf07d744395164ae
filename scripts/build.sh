#!/usr/bin/env bash
# Builds the extension: release wasm, JS glue, size optimisation, then dist/chrome and
# dist/firefox (unpacked) and their .zip files. Assumes scripts/setup.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/pkg
PATH="$PWD/node_modules/.bin:$PATH"
rm -rf "$out" && mkdir -p "$out/raw"

# Two modules from one crate: the service worker's (jit_console) and the pages' (jit_pages),
# so a page never loads the service and the worker never loads the pages.
for part in worker:jit_console pages:jit_pages; do
  feature=${part%%:*} name=${part#*:}
  cargo build --release --target wasm32-unknown-unknown -p jit-console \
    --no-default-features --features "$feature"
  cp target/wasm32-unknown-unknown/release/jit_console.wasm "$out/raw/$name.wasm"
  wasm-bindgen --target web --no-typescript --out-dir "$out" "$out/raw/$name.wasm"
  # binaryen from npm (>= 132): Debian's older wasm-opt produces modules that fail to instantiate.
  # --low-memory-unused: Rust places no data below 1 KB; --zero-filled-memory: a new
  # instance's memory is zeroed. Both true of these modules, and ~1 KB gzip smaller.
  wasm-opt -Oz --converge --low-memory-unused --zero-filled-memory \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
done

for browser in chrome firefox; do
  dir="dist/$browser"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -R extension/. "$dir/"
  node scripts/derive-manifest.mjs "$browser" "$dir/manifest.json"
  cp "$out"/*.js "$out"/*_bg.wasm "$dir/"
  rm -f "dist/$browser.zip"
  (cd "$dir" && zip -q -r -X "../$browser.zip" .)
done
printf '[build] dist/chrome, dist/firefox and their .zip files are ready (wasm: worker %s, pages %s bytes)\n' \
  "$(stat -c %s "$out/jit_console_bg.wasm")" "$(stat -c %s "$out/jit_pages_bg.wasm")" >&2
