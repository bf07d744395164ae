#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS each, one after the other.
#   scripts/fuzz.sh 20     the bounded run of `make test` (make fuzz-smoke)
#   scripts/fuzz.sh 600    the long run (make fuzz)
# Inputs found go to a scratch corpus (fuzz/corpus/, ignored by git; kept between runs so a
# long run builds on the last one); fuzz/seeds/ is read only. A failing input is saved in
# fuzz/artifacts/<target>/ and the script exits non-zero.
# Built with nightly, debug assertions and overflow checks (set in fuzz/Cargo.toml), without a
# sanitizer: the code
# under test has no `unsafe`, so AddressSanitizer would only halve the executions.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
only=${2:-}
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^jit-console-fuzz$')
cargo +nightly fuzz build -O -s none
failed=()
for target in $targets; do
  [ -z "$only" ] || [ "$only" = "$target" ] || continue
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
  printf '[fuzz] %s for %ss\n' "$target" "$seconds" >&2
  if ! cargo +nightly fuzz run -O -s none "$target" "$corpus" "${seeds[@]}" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 2>"fuzz/$target.log"; then
    tail -40 "fuzz/$target.log" >&2
    failed+=("$target")
  else
    grep -E '^stat::number_of_executed_units' "fuzz/$target.log" | sed "s/^/[fuzz] $target: /" >&2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '[fuzz] FAILED: %s (inputs in fuzz/artifacts/)\n' "${failed[*]}" >&2
  exit 1
fi
printf '[fuzz] every target ran clean\n' >&2
