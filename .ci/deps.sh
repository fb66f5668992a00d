#!/usr/bin/env bash
# Installs what Rollcall needs to build, run and test, and nothing that is already there.
# Used by `make demo`, `make test` and `make deps`. On a machine where it cannot install
# (not root, not Debian/Ubuntu, macOS, Windows), it stops with the exact list to install.
#   .ci/deps.sh build   what `make demo` needs (build + run)
#   .ci/deps.sh test    that, plus what the checks and the end-to-end suite need
set -euo pipefail
want=${1:-test}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

build_pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config libdbus-1-dev nodejs npm)
test_pkgs=(xvfb xauth xdotool imagemagick webkit2gtk-driver gnome-keyring dbus dbus-x11
  keyutils libsecret-tools zenity unzip zip poppler-utils fonts-wqy-microhei)
pkgs=("${build_pkgs[@]}")
[ "$want" = test ] && pkgs+=("${test_pkgs[@]}")

say() { printf 'deps: %s\n' "$*" >&2; }
stop() {
  say "$1"
  exit 1
}

os=$(uname -s)
case "$os" in
  Linux) ;;
  Darwin) stop "macOS: install Xcode command line tools (xcode-select --install), Rust (rustup), Node.js 20+, then run: (cd ui && npm ci). The end-to-end suite needs Linux (Xvfb, WebKitWebDriver)." ;;
  MINGW* | MSYS* | CYGWIN*) stop "Windows: install Visual Studio Build Tools (C++), WebView2, Rust (rustup), Node.js 20+, then run: (cd ui && npm ci). The end-to-end suite needs Linux (Xvfb, WebKitWebDriver)." ;;
  *) stop "unsupported OS $os: install Rust, Node.js 20+, WebKitGTK 4.1 development files, then run: (cd ui && npm ci)" ;;
esac

# 1. Debian packages.
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${pkgs[@]}"; do
    # Debian's nodejs is only needed when no Node.js is on PATH (the machine may have a newer one).
    case $p in nodejs | npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  stop "not a Debian/Ubuntu system (no dpkg): install the equivalents of: ${pkgs[*]}"
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    stop "not root, so I cannot install these Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  command -v apt-get >/dev/null || stop "no apt-get: install ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Rust toolchain pieces.
command -v cargo >/dev/null || stop "Rust is missing: install it with rustup (https://rustup.rs), then re-run"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || stop "Node.js 20 or newer is needed (found $(node --version 2>/dev/null || echo none))"

if [ "$want" = test ]; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
  if ! command -v cargo-nextest >/dev/null && [ ! -x "$cargo_bin/cargo-nextest" ]; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
  if ! command -v tauri-driver >/dev/null && [ ! -x "$cargo_bin/tauri-driver" ]; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked
  fi
fi

# 3. Front-end packages, at the versions package-lock.json pins. `npm install --no-save` rather
# than `npm ci`: npm 11 leaves the other platforms' optional @tauri-apps/cli-* binaries out of
# the lock file, which `npm ci` then refuses as "out of sync".
if [ ! -d "$root/ui/node_modules" ] || [ "$root/ui/package-lock.json" -nt "$root/ui/node_modules/.package-lock.json" ]; then
  say "installing front-end packages (npm install)"
  (cd "$root/ui" && npm install --no-save --no-audit --no-fund --loglevel=error)
fi
