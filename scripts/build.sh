#!/usr/bin/env bash
# Builds the extension: both wasm modules with wasm-pack (release, size-optimised by the
# wasm-opt named in Cargo.toml's [package.metadata.wasm-pack]), then dist/chrome and
# dist/firefox (unpacked) and their .zip files. Assumes scripts/setup.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/pkg
# wasm-pack takes the wasm-bindgen and wasm-opt it finds on PATH (--mode no-install: it
# never downloads one): the CLI pinned by setup.sh, and binaryen's wasm-opt from npm
# (Debian's older wasm-opt produces modules that fail to instantiate).
PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
rm -rf "$out" && mkdir -p "$out"
# The modules name the source files of their dependencies (in panic locations): under
# cargo's home, which differs between machines. Written as /cargo, the same bytes come out
# wherever the sources are built (docs/BUILDING.md).
cargo_home=$(realpath -m "${CARGO_HOME:-$HOME/.cargo}")
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo"

# Two modules from one crate: the service worker's (jit_console) and the pages' (jit_pages),
# so a page never loads the service and the worker never loads the pages.
for part in worker:jit_console pages:jit_pages; do
  feature=${part%%:*} name=${part#*:}
  wasm-pack --quiet build --target web --mode no-install --release --no-typescript --no-pack \
    --out-dir "$out/$name" --out-name "$name" . -- --no-default-features --features "$feature"
  cp "$out/$name/$name.js" "$out/$name/${name}_bg.wasm" "$out/"
done

for browser in chrome firefox; do
  dir="dist/$browser"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -R extension/. "$dir/"
  node scripts/derive-manifest.mjs "$browser" "$dir/manifest.json"
  cp "$out"/*.js "$out"/*_bg.wasm "$dir/"
  scripts/package.sh "$dir" "dist/$browser.zip"
done
printf '[build] dist/chrome, dist/firefox and their .zip files are ready (wasm: worker %s, pages %s bytes)\n' \
  "$(stat -c %s "$out/jit_console_bg.wasm")" "$(stat -c %s "$out/jit_pages_bg.wasm")" >&2
