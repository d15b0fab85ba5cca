#!/usr/bin/env bash
# Installs code-server (VS Code in a browser) from the npm registry into <repo>/.tools/code-server,
# for the end-to-end test (test/e2e/vscode.test.ts). Idempotent: a second run only prints the path.
# Offline-safe: nothing is downloaded but npm packages. Needs the Debian packages
# libkrb5-dev (the kerberos module compiles from source) and ripgrep (see below).
set -euo pipefail
VERSION=4.100.3   # VS Code 1.100.3: the newest code-server whose engines allow Node 20
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools/code-server"
bin="$prefix/node_modules/.bin/code-server"

# code-server writes a default config file on every start, even for --version: keep it in .tools.
export XDG_CONFIG_HOME="$root/.tools/xdg-config"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$VERSION "; then
  echo "code-server $VERSION already installed: $bin"
  exit 0
fi

command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is missing: apt-get install -y ripgrep" >&2; exit 1; }
dpkg -s libkrb5-dev >/dev/null 2>&1 || echo "install-code-server: warning: libkrb5-dev seems missing; the kerberos module may fail to build" >&2

# @vscode/ripgrep's postinstall downloads rg from GitHub, which fails offline and aborts the whole
# install. It first looks in $TMPDIR/vscode-ripgrep-cache-<pkgver>/ for the release tarball, so we
# put Debian's rg there under the names the versions used by this code-server ask for.
tmp="$root/.tools/tmp"
mkdir -p "$tmp" "$prefix"
# (code-server 4.100.3 bundles @vscode/ripgrep 1.15.11, which asks for ripgrep v13.0.0-10.)
for pair in "1.15.11 v13.0.0-10"; do
  set -- $pair
  cache="$tmp/vscode-ripgrep-cache-$1"
  mkdir -p "$cache"
  tarball="$cache/ripgrep-$2-x86_64-unknown-linux-musl.tar.gz"
  [ -f "$tarball" ] || tar -C "$(dirname "$(command -v rg)")" -czf "$tarball" rg
done

export TMPDIR="$tmp"
export npm_config_nodedir=/usr   # node-gyp uses /usr/include/node instead of downloading headers
export npm_config_yes=true       # node-pty's postinstall runs `npx node-gyp`; npm 11 cancels it otherwise
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
echo "installing code-server $VERSION into $prefix (about a minute)"
npm install --prefix "$prefix" --no-save --unsafe-perm --foreground-scripts "code-server@$VERSION" > "$prefix/install.log" 2>&1 || {
  echo "install-code-server: npm install failed; last lines of $prefix/install.log:" >&2
  tail -n 40 "$prefix/install.log" >&2
  exit 1
}
"$bin" --version | grep "^$VERSION "
echo "code-server installed: $bin"
