#!/usr/bin/env bash
# Packs an unpacked extension folder into a .zip that is the same, byte for byte, wherever
# and whenever the same sources are built: Firefox's add-on reviewers rebuild submitted
# WebAssembly from source and compare. Every entry is stamped with the source's date (the
# commit's, see below), files are stored in one sorted order with one of two modes
# (executable or not), without directory entries or extra attributes (owner, access
# times), and zip writes the stamp in UTC.
# Usage: scripts/package.sh <folder> <zip>
set -euo pipefail
dir=$1 out=$(realpath -m "$2")
# The source's date: SOURCE_DATE_EPOCH if set, else the date a source package recorded
# (scripts/source-package.sh; read first, in case it was unpacked inside another git
# checkout), else the last commit's, else 1980-01-01 (zip's epoch).
here=$(dirname "$0")/..
epoch=${SOURCE_DATE_EPOCH:-$(cat "$here/.source-date-epoch" 2>/dev/null \
  || git -C "$here" log -1 --format=%ct 2>/dev/null || echo 315532800)}
rm -f "$out"
cd "$dir"
find . -type f -perm -u+x -exec chmod 0755 {} +
find . -type f ! -perm -u+x -exec chmod 0644 {} +
find . -type d -exec chmod 0755 {} +
find . -exec touch -h -d "@$epoch" {} +
find . -type f -printf '%P\n' | LC_ALL=C sort | TZ=UTC zip -q -X -D "$out" -@
