#!/usr/bin/env bash
# Installs the Debian packages DogBook's tests use, when a command is missing: nginx (the gateway),
# envsubst (its template), promtool, the labs' curl, jq and openssl, and chromium for the browser tests.
# As root it runs apt-get; otherwise it prints the line to run and fails.
set -euo pipefail

# "command package" pairs: the command DogBook calls, and the Debian package that brings it.
needs=(
  "nginx nginx"
  "envsubst gettext-base"
  "promtool prometheus"
  "curl curl"
  "jq jq"
  "openssl openssl"
  "chromium chromium"
)

missing=()
for pair in "${needs[@]}"; do
  read -r command package <<<"$pair"
  command -v "$command" >/dev/null || [ -x "/usr/sbin/$command" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "DogBook's tests need: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (Debian packages)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
