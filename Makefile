# The one entry point. On a fresh Debian machine:
#   make demo   builds the extension and shows it working against the built-in simulator
#   make test   runs every check and test
#   make bench  measures speed and size against their budgets (bench/README.md)
# All three install what is missing first (scripts/setup.sh), idempotently.

SHELL := /bin/bash
.DEFAULT_GOAL := build
CARGO ?= cargo

.PHONY: setup setup-build setup-demo build build-sim demo test lint test-rust test-e2e fuzz-smoke fuzz deny bench source-package clean

setup:
	scripts/setup.sh test

setup-build:
	scripts/setup.sh build

setup-demo:
	scripts/setup.sh demo

## build: dist/chrome, dist/firefox and their .zip files (release wasm, size-optimised)
build: setup-build
	scripts/build.sh

## build-sim: the DuploCloud/AWS simulator used by the demo and the end-to-end tests
build-sim:
	$(CARGO) build -p duplo-sim

## demo: build, start the simulator, and show the extension working in Chromium
##       (headless: also writes the README's screenshots to docs/screenshots/)
demo: setup-demo build build-sim
	node scripts/demo.mjs

## lint: formatting, clippy (native and wasm32, warnings are errors), web-ext lint
lint: setup build
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p jit-console --target wasm32-unknown-unknown --all-targets -- -D warnings
	node scripts/lint-firefox.mjs
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check

## deny: licences, banned crates and sources of every Rust dependency (offline; cargo audit
## needs GitHub, unreachable here: docs/SECURITY.md)
deny: setup
	$(CARGO) deny --workspace check licenses bans sources
	$(CARGO) deny --manifest-path fuzz/Cargo.toml --workspace check licenses bans sources

## test-rust: native tests of the core and the simulator
test-rust:
	$(CARGO) test --workspace

## test-e2e: the browser end-to-end suite against the simulator (a test that hangs fails
## after 5 minutes, and a file ends when its tests do, even if a browser was left open)
test-e2e: setup build build-sim
	node --test --test-concurrency=1 --test-force-exit --test-timeout=300000 tests/e2e/

## fuzz-smoke: every cargo-fuzz target for 10 s each (nightly; part of make test)
fuzz-smoke: setup
	scripts/fuzz.sh 10

## fuzz: the long run, 10 minutes per target (FUZZ_SECONDS=... to change)
fuzz: setup
	scripts/fuzz.sh $${FUZZ_SECONDS:-600}

## test: everything
test: lint deny test-rust test-e2e fuzz-smoke

## bench: size, start-up, popup, click-to-console and renewal figures in headless Chromium
## against the simulator, each with its budget and a verdict; writes bench/results.json
## (keeping the previous run) and the table in bench/README.md. Times are not tested.
bench: setup build build-sim
	node bench/run.mjs

## source-package: dist/jit-console-source.zip, the committed source with the build
## instructions Firefox's add-on reviewers follow (docs/BUILDING.md)
source-package:
	scripts/source-package.sh

clean:
	rm -rf dist build target/wasm32-unknown-unknown
