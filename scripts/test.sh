#!/usr/bin/env bash
# Every test CI runs, in order: the system packages and Go-built tools they need, `pnpm lint`,
# `pnpm test` (type checks and every package's tests), then `pnpm stack:test` (the live suite against
# the real Collector and Prometheus). Run it as `./dogbook test`, which puts Node and pnpm on PATH first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-packages.sh
export PATH="$PATH:/usr/sbin"
export TURBO_TELEMETRY_DISABLED=1

echo "--- kustomize, docker-compose, kube-apiserver, kubectl, etcd (built once per version from their Go modules)"
scripts/go-tools.sh build

status=0
echo "--- pnpm lint (Biome: lint and formatting)"
pnpm lint || status=$?

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "--- pnpm test"
pnpm test 2>&1 | tee "$log" || status=$?

# The real Collector and Prometheus, built from their Go modules into ~/.cache on first use.
echo "--- pnpm stack:test"
if command -v go >/dev/null; then
  pnpm stack:test 2>&1 | tee -a "$log" || status=$?
else
  echo "pnpm stack:test needs Go (go.dev/dl) to build the backends; this machine has none" | tee -a "$log"
  status=1
fi

# One closing summary for the whole run, as `pnpm test` prints its own: every package's passed,
# failed and skipped tests, and why a package skipped some. The live suite prints without turbo's prefix.
node packages/dev/dist/summarize-log.js "$log" --title=CI --unprefixed=@dogbook/stack || status=1
exit "$status"
