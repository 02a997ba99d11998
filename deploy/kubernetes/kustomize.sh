#!/usr/bin/env bash
# Runs the kustomize release DogBook's manifests are checked with, building it on first use from
# its Go module (needs Go 1.26 or newer and the Go module proxy; a few minutes on two cores):
#   deploy/kubernetes/kustomize.sh version
#   deploy/kubernetes/kustomize.sh build --load-restrictor LoadRestrictionsNone deploy/kubernetes
# kubectl carries its own kustomize (`kubectl kustomize`); this one exists so that CI and the tests
# render with one known version, on machines without kubectl.
# With DOGBOOK_KUSTOMIZE_NO_BUILD=1 a missing binary is an error instead of a build (the tests).
set -euo pipefail

# v5.8.3 needs Go 1.27; v5.8.2 is the newest release that builds with Go 1.26.
version=v5.8.2
dir="${XDG_CACHE_HOME:-$HOME/.cache}/dogbook-tools/kustomize-$version"
bin="$dir/kustomize"

if [ ! -x "$bin" ]; then
  if [ "${DOGBOOK_KUSTOMIZE_NO_BUILD:-}" = 1 ]; then
    echo "kustomize $version is not built yet: run deploy/kubernetes/kustomize.sh version (builds it into $dir; needs Go >= 1.26)" >&2
    exit 127
  fi
  command -v go >/dev/null || { echo "building kustomize $version needs Go >= 1.26 (https://go.dev/dl/)" >&2; exit 127; }
  echo "Building kustomize $version into $dir" >&2
  mkdir -p "$dir"
  # A static binary; nice, because the build competes with everything else for the CPU.
  CGO_ENABLED=0 GOBIN="$dir" nice -n 19 go install "sigs.k8s.io/kustomize/kustomize/v5@$version" >&2
fi
exec "$bin" "$@"
