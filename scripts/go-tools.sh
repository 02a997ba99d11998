#!/usr/bin/env bash
# The real tools DogBook's deployment files are checked with, each built once per version from its
# Go module into ~/.cache/dogbook-tools/<build>-<version>/ (needs Go 1.26 and the Go module proxy):
#   scripts/go-tools.sh build                   # builds every tool not built yet (CI, before pnpm test)
#   scripts/go-tools.sh path docker-compose     # prints a tool's path, building it on first use
#   scripts/go-tools.sh run kustomize version   # runs a tool, building it on first use
# Tools: kustomize, docker-compose, kube-apiserver, kubectl, etcd.
# With DOGBOOK_GO_TOOLS_NO_BUILD=1 a missing tool is an error naming the build command (the tests).
set -euo pipefail

# The versions, in this one place. Newer releases of each need a newer Go than 1.26.
kustomize_version=v5.8.2
compose_version=v5.6.0
kubernetes_version=v1.37.2
etcd_version=v3.7.3

cache="${XDG_CACHE_HOME:-$HOME/.cache}/dogbook-tools"
script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

# The build (a cache directory) each tool comes from: kube-apiserver and kubectl share one.
build_of() {
  case "$1" in
    kustomize) echo "kustomize-$kustomize_version" ;;
    docker-compose) echo "compose-$compose_version" ;;
    kube-apiserver | kubectl) echo "kubernetes-$kubernetes_version" ;;
    etcd) echo "etcd-$etcd_version" ;;
    *) echo "unknown tool: $1 (kustomize, docker-compose, kube-apiserver, kubectl, etcd)" >&2; exit 2 ;;
  esac
}

build_kustomize() { # $1: output directory
  GOBIN="$1" go install "sigs.k8s.io/kustomize/kustomize/v5@$kustomize_version"
}

build_compose() {
  # `go install` refuses the module (its go.mod has exclude directives), so build a copy of it.
  local src
  src="$(go mod download -json "github.com/docker/compose/v5@$compose_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  cp -r "$src" "$1/src"
  chmod -R u+w "$1/src"
  (cd "$1/src" && go build -trimpath -o "$1/docker-compose" \
    -ldflags "-X github.com/docker/compose/v5/internal.Version=$compose_version" ./cmd)
  rm -rf "$1/src"
}

build_kubernetes() {
  # k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at v0.0.0 and replaces them
  # with its own directories; a scratch module replaces each with its published v0.x release.
  local gomod staging="v0.${kubernetes_version#v1.}"
  gomod="$(go mod download -json "k8s.io/kubernetes@$kubernetes_version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  mkdir "$1/src"
  {
    echo "module dogbook.local/kubernetes-tools"
    sed -n 's/^go \(.*\)/go \1/p' "$gomod"
    sed -n 's#^\t\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#replace \1 => \1 '"$staging"'#p' "$gomod"
  } >"$1/src/go.mod"
  (cd "$1/src" &&
    go get "k8s.io/kubernetes/cmd/kube-apiserver@$kubernetes_version" "k8s.io/kubernetes/cmd/kubectl@$kubernetes_version" &&
    go build -trimpath -o "$1/" \
      -ldflags "-X k8s.io/component-base/version.gitVersion=$kubernetes_version" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$1/src"
}

build_etcd() {
  # etcd's go.mod has replace directives, which `go install` refuses: build from a scratch module.
  mkdir "$1/src"
  (cd "$1/src" && go mod init dogbook.local/etcd-tools >/dev/null 2>&1 &&
    go get "go.etcd.io/etcd/server/v3@$etcd_version" &&
    go build -trimpath -o "$1/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$1/src"
}

# Prints the tool's path, building its whole build first when it is missing.
ensure() {
  local build dir
  build="$(build_of "$1")"
  dir="$cache/$build"
  if [ ! -x "$dir/$1" ]; then
    if [ "${DOGBOOK_GO_TOOLS_NO_BUILD:-}" = 1 ]; then
      echo "$1 is not built yet: run scripts/go-tools.sh build (builds it into $dir; needs Go >= 1.26)" >&2
      exit 127
    fi
    command -v go >/dev/null || { echo "building $1 needs Go >= 1.26 (https://go.dev/dl/)" >&2; exit 127; }
    echo "Building $build into $dir" >&2
    mkdir -p "$cache"
    # Built into a scratch directory and moved into place, so an interrupted build leaves nothing.
    local tmp
    tmp="$(mktemp -d "$cache/.$build.XXXXXX")"
    # Static binaries; nice, because the builds compete with everything else for the CPU.
    export CGO_ENABLED=0
    if ! nice -n 19 "$script" _build "${build%%-v*}" "$tmp" >&2; then
      rm -rf "$tmp"
      echo "building $build failed" >&2
      exit 1
    fi
    rm -rf "$dir"
    mv "$tmp" "$dir"
  fi
  echo "$dir/$1"
}

case "${1:-}" in
  build) for tool in kustomize docker-compose kube-apiserver kubectl etcd; do ensure "$tool" >/dev/null; done ;;
  path) ensure "$2" ;;
  run) bin="$(ensure "$2")"; shift 2; exec "$bin" "$@" ;;
  _build) "build_$2" "$3" ;;
  *) sed -n '2,8s/^# \{0,1\}//p' "$script" >&2; exit 2 ;;
esac
