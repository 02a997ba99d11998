#!/usr/bin/env bash
# Builds the stack's backends from their published Go modules, at the versions docker-compose.yml
# pins, so the real Collector and Prometheus run DogBook's own config files without Docker.
# Only permissively licensed modules: Tempo, Loki and Grafana are AGPL and never built here
# (tests/stack/not-to-use.txt lists the modules no build script may name).
#   stack/build-backends.sh            # builds what is missing, prints "<name> <binary>" lines
#   stack/build-backends.sh --versions # prints "<name> <compose version> <go module@version>"
#   stack/build-backends.sh --collector-manifest   # prints the collector builder's manifest
#   DOGBOOK_BACKENDS_CACHE=/elsewhere stack/build-backends.sh   # another cache folder
# Each backend is built once into $DOGBOOK_BACKENDS_CACHE/<name>-<version>/ (the collector's folder
# also names its manifest's hash) and reused after;
# a binary of the right version already on PATH (a downloaded release) is used as it is.
# Progress and timings go to stderr; stdout carries only the result, for `pnpm stack:up`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# COMPOSE_FILE, as for docker compose itself: the file whose image tags set the versions.
compose="${COMPOSE_FILE:-$root/docker-compose.yml}"
cache="${DOGBOOK_BACKENDS_CACHE:-$HOME/.cache/dogbook-backends}"

# The module and build caches live beside the binaries: one folder for CI to keep, or to delete.
export GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build"
# One package at a time and CGO off: slower, but leaves the machine usable while it builds.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-p=1" CGO_ENABLED=0
# Each module alone: Prometheus' zip carries a go.work naming folders the zip leaves out.
export GOWORK=off

say() { echo "build-backends: $*" >&2; }

# The tag of a compose image, e.g. image_tag prom/prometheus -> v3.14.0. Compose is the one source.
image_tag() {
  local tag
  tag="$(sed -n "s|^ *image: *[\"']\{0,1\}$1:\([^\"' #]*\).*|\1|p" "$compose")"
  [ -n "$tag" ] || { say "no image $1 in $compose"; exit 1; }
  echo "$tag"
}

collector_version="$(image_tag otel/opentelemetry-collector-contrib)"
prometheus_tag="$(image_tag prom/prometheus)"
prometheus_version="${prometheus_tag#v}"
# Prometheus 3.x publishes its Go module as v0.<major><minor, two digits>.<patch>: v3.14.0 -> v0.314.0.
IFS=. read -r p_major p_minor p_patch <<<"$prometheus_version"
prometheus_module_version="$(printf 'v0.%d%02d.%d' "$p_major" "$p_minor" "$p_patch")"

if [ "${1:-}" = "--versions" ]; then
  echo "collector $collector_version go.opentelemetry.io/collector/cmd/builder@v$collector_version"
  echo "prometheus $prometheus_version github.com/prometheus/prometheus@$prometheus_module_version"
  exit 0
fi

# A binary named $1 on PATH whose --version output names version $2, if there is one.
on_path() {
  local bin
  bin="$(command -v "$1" 2>/dev/null)" || return 1
  "$bin" --version 2>&1 | grep -Eq "version v?${2//./\\.}([^0-9.]|$)" || return 1
  echo "$bin"
}

# Disk used by the module cache, in MB: the download size of each build.
modcache_mb() { du -sm "$GOMODCACHE" 2>/dev/null | cut -f1 || echo 0; }

# Copies a module's source out of the read-only module cache into $2 and prints nothing.
# `go install` refuses modules whose go.mod has replace lines, so they are built in a copy.
module_source() {
  local dir
  dir="$(cd "$cache" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { say "go mod download $1 reported no Dir"; exit 1; }
  rm -rf "$2"
  cp -r "$dir" "$2"
  chmod -R u+w "$2"
}

# Runs one build, timing it and measuring how much the module cache grew.
timed_build() {
  local name="$1" version="$2" started mb_before
  shift 2
  started=$SECONDS mb_before="$(modcache_mb)"
  say "building $name $version (nice -n 19, go build -p 1)"
  "$@"
  say "built $name $version in $((SECONDS - started)) s; modules downloaded: $(($(modcache_mb) - mb_before)) MB"
}

# The builder's manifest: exactly the components otel-config.yaml and otel-tail-sampling.yaml use,
# plus `debug` for its troubleshooting comment, at the versions the contrib distribution's manifest
# pins for this release (all equal to it).
collector_manifest() {
  local output_path="$1"
  cat <<MANIFEST
dist:
  name: otelcol-dogbook
  description: DogBook's OpenTelemetry Collector (components from otelcol-contrib $collector_version)
  version: $collector_version
  output_path: $output_path
extensions:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension v$collector_version
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$collector_version
processors:
  - gomod: go.opentelemetry.io/collector/processor/memorylimiterprocessor v$collector_version
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/processor/tailsamplingprocessor v$collector_version
connectors:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/connector/spanmetricsconnector v$collector_version
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlphttpexporter v$collector_version
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v$collector_version
MANIFEST
}

build_collector() {
  local out="$1" work="$cache/work/collector-$collector_version"
  GOBIN="$cache/builder-$collector_version" nice -n 19 \
    go install "go.opentelemetry.io/collector/cmd/builder@v$collector_version"
  mkdir -p "$work"
  collector_manifest "$work/build" >"$work/manifest.yaml"
  nice -n 19 "$cache/builder-$collector_version/builder" --config="$work/manifest.yaml" >&2
  mv "$work/build/otelcol-dogbook" "$out"
}

build_prometheus() {
  local out="$1" src="$cache/work/prometheus-$prometheus_version"
  module_source "github.com/prometheus/prometheus@$prometheus_module_version" "$src"
  # Without the builtinassets tag the web UI is absent; the HTTP API, readiness and remote write,
  # all DogBook uses, are there.
  (cd "$src" && nice -n 19 go build -mod=mod -o "$out" \
    -ldflags "-X github.com/prometheus/common/version.Version=$prometheus_version" ./cmd/prometheus)
}

# Prints "<name> <binary>": from PATH, else the cache, else built into the cache now. The cache
# folder is $4 when given, else the version.
provide() {
  local name="$1" version="$2" release_name="$3" out bin
  out="$cache/$name-${4:-$version}/$name"
  if bin="$(on_path "$release_name" "$version")"; then
    say "$name $version: using $bin"
  elif [ -x "$out" ]; then
    bin="$out"
  else
    mkdir -p "$(dirname "$out")"
    timed_build "$name" "$version" "build_$name" "$out.partial"
    mv "$out.partial" "$out"
    bin="$out"
  fi
  echo "$name $bin"
}

if [ "${1:-}" = "--collector-manifest" ]; then
  collector_manifest "./build"
  exit 0
fi

mkdir -p "$cache"
# The manifest decides what the collector holds: another manifest is another build.
collector_key="$collector_version-$(collector_manifest ./build | sha256sum | cut -c1-12)"
provide collector "$collector_version" otelcol-contrib "$collector_key"
provide prometheus "$prometheus_version" prometheus
