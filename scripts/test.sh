#!/usr/bin/env bash
# Every test CI runs, in order: the system packages and Go-built tools they need, `pnpm lint`,
# `pnpm test` (type checks and every package's tests), then `pnpm stack:test` (the live suite against
# the real Collector and Prometheus). Run it as `./dogbook test`, which puts Node and pnpm on PATH first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-packages.sh
export PATH="$PATH:/usr/sbin"
export TURBO_TELEMETRY_DISABLED=1

status=0
# Programs built from Go modules, once per version, cached under ~/.cache: the stack's Collector and
# Prometheus in the background (only pnpm stack:test needs them), the tools pnpm test needs now.
echo "--- Go-built programs: stack/build-backends.sh (in the background), scripts/go-tools.sh"
backends_log="$(mktemp)"
stack/build-backends.sh >"$backends_log" 2>&1 &
backends=$!
scripts/go-tools.sh build || status=$?

echo "--- pnpm lint (Biome: lint and formatting)"
pnpm lint || status=$?

log="$(mktemp)"
trap 'rm -f "$log" "$backends_log"' EXIT
echo "--- pnpm test"
pnpm test 2>&1 | tee "$log" || status=$?

echo "--- pnpm stack:test"
if wait "$backends"; then
  pnpm stack:test 2>&1 | tee -a "$log" || status=$?
else
  echo "pnpm stack:test: the Collector and Prometheus could not be built (it needs Go and the Go module proxy):"
  cat "$backends_log"
  status=1
fi

# One closing summary for the whole run, as `pnpm test` prints its own: every package's passed,
# failed and skipped tests, and why a package skipped some. The live suite prints without turbo's prefix.
node packages/dev/dist/summarize-log.js "$log" --title=CI --unprefixed=@dogbook/stack || status=1
exit "$status"
