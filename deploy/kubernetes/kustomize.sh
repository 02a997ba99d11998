#!/usr/bin/env bash
# Runs the kustomize release DogBook's manifests are checked with (its version is pinned in
# scripts/go-tools.sh), building it on first use from its Go module:
#   deploy/kubernetes/kustomize.sh version
#   deploy/kubernetes/kustomize.sh build --load-restrictor LoadRestrictionsNone deploy/kubernetes
# kubectl carries its own kustomize (`kubectl kustomize`); this one exists so that CI and the tests
# render with one known version, on machines without kubectl.
# With DOGBOOK_GO_TOOLS_NO_BUILD=1 a missing binary is an error instead of a build (the tests).
set -euo pipefail
exec "$(dirname "$0")/../../scripts/go-tools.sh" run kustomize "$@"
