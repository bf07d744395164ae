#!/usr/bin/env bash
# Writes dist/jit-console-source.zip: the source of the committed tree (HEAD) as Firefox's
# add-on reviewers need it to rebuild dist/firefox.zip themselves (docs/BUILDING.md says
# how), with the commit's date in .source-date-epoch, where a build outside git takes it
# from (scripts/package.sh). Packed like the extension: the same bytes at every run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/jit-console-source.zip
epoch=$(git log -1 --format=%ct)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git archive --format=tar HEAD | tar -x -C "$work/src"
echo "$epoch" > "$work/src/.source-date-epoch"
mkdir -p dist
SOURCE_DATE_EPOCH=$epoch scripts/package.sh "$work/src" "$out"
printf '[source-package] %s (commit %s)\n' "$out" "$(git rev-parse --short HEAD)" >&2
