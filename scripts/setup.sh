#!/usr/bin/env bash
# Installs what building and testing need, and only what is missing (idempotent):
# the wasm32 target, the wasm-bindgen CLI pinned to the crate's version, wasm-pack, the npm tooling
# from the committed lockfile, and Chromium + chromedriver from Debian's packages.
# Usage: scripts/setup.sh [build|test]   (test also installs the browser)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-test}

say() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$bindgen_version" ] || { say "Cargo.toml does not pin wasm-bindgen exactly"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  # Not --locked: one of its locked dependencies cannot be resolved from the registry.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# wasm-pack builds both modules (scripts/build.sh), with --mode no-install: it uses the
# wasm-bindgen above and npm's wasm-opt, and downloads nothing.
wasm_pack_version=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$wasm_pack_version" ]; then
  say "installing wasm-pack $wasm_pack_version (a few minutes, once)"
  cargo install wasm-pack --version "$wasm_pack_version" --locked --force
fi

if [ -L node_modules ]; then
  # A git worktree sharing another checkout's install: `npm ci` would empty the directory
  # the link points to (under the other checkout's feet). Use it as it is.
  [ -x node_modules/.bin/wasm-opt ] && [ -x node_modules/.bin/web-ext ] && [ -d node_modules/playwright-core ] \
    || { say "node_modules is a link to an incomplete install: run npm ci where it points"; exit 1; }
elif [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/web-ext ] \
   || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tooling from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$want" = test ] || [ "$want" = demo ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and chromedriver from Debian's packages"
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
say "ready"

# --- Firefox end-to-end (tests/e2e/firefox.test.mjs) ------------------------------------
# Debian's Firefox ESR (unsigned add-ons are allowed on ESR), driven by puppeteer-core from
# package-lock.json over WebDriver BiDi. Nothing is downloaded at test time.
if [ "$want" = test ] || [ "$want" = demo ]; then
  if [ ! -L node_modules ] && [ ! -d node_modules/puppeteer-core ]; then
    say "installing npm tooling from package-lock.json (puppeteer-core)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if ! command -v firefox-esr >/dev/null; then
    say "installing Firefox ESR from Debian's packages"
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq firefox-esr >/dev/null
  fi
  say "Firefox ready: $(firefox-esr --version 2>/dev/null)"
fi
# --- end Firefox end-to-end --------------------------------------------------------------

# --- Demo screenshots of the browser's own tab strip (scripts/demo.mjs) -------------------
# Headless Chromium draws no tab strip; the demo photographs tab groups in a virtual X
# display instead (Xvfb, and xwd to read the screen), both from Debian's packages.
if [ "$want" = demo ]; then
  if ! command -v Xvfb >/dev/null || ! command -v xwd >/dev/null; then
    say "installing Xvfb and xwd from Debian's packages (for the tab group screenshot)"
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq xvfb x11-apps >/dev/null
  fi
fi

# --- Hardening tools (issue 9): fuzzing and dependency checks -----------------------------
# cargo-fuzz runs on the nightly toolchain (installed with rustup on these machines; no step
# here downloads a toolchain). Both tools are built from crates.io, once.
if [ "$want" = test ]; then
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "the nightly Rust toolchain is missing (cargo-fuzz needs it): rustup toolchain install nightly"
    exit 1
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz from crates.io (a few minutes, once)"
    cargo install cargo-fuzz --version 0.13.2
  fi
  if ! cargo deny --version >/dev/null 2>&1; then
    say "installing cargo-deny from crates.io (a few minutes, once)"
    cargo install cargo-deny --version 0.20.2 --locked
  fi
fi
# --- end hardening tools -------------------------------------------------------------------

# --- duploctl, the official DuploCloud CLI (tests/e2e/duploctl.test.mjs) -------------------
# The simulator is held to a client nobody on this project wrote: duploctl (PyPI
# duplocloud-client), installed from PyPI into .venv-duploctl/ at the versions and hashes of
# tests/duploctl/requirements.txt (wheels only), once, and again only when that file changes
# or the venv no longer runs.
if [ "$want" = test ]; then
  reqs=tests/duploctl/requirements.txt
  venv=.venv-duploctl
  reqs_sum=$(sha256sum "$reqs" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/duploctl" ] || ! "$venv/bin/python" -c '' 2>/dev/null \
     || [ "$(cat "$venv/requirements.sha256" 2>/dev/null)" != "$reqs_sum" ]; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 makes venvs (with pip) only with python3-venv.
      say "installing python3-venv from Debian's packages"
      sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$venv"
      python3 -m venv "$venv"
    fi
    say "installing duploctl (duplocloud-client) from PyPI into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
      --require-hashes --only-binary :all: -r "$reqs"
    echo "$reqs_sum" > "$venv/requirements.sha256"
  fi
  say "duploctl ready: $("$venv/bin/duploctl" --version 2>/dev/null | head -n1)"
fi
# --- end duploctl ----------------------------------------------------------------------------
