#!/usr/bin/env bash
# Runs the end-to-end suite on the built app (custom-protocol binary) under a private D-Bus
# session, Xvfb, an unlocked gnome-keyring and a throwaway HOME/XDG, so nothing touches the
# real user's files or keyring. Usage: tests/e2e/run.sh [path/to/rollcall]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(readlink -f "${1:-$root/target/debug/rollcall}")
[ -x "$bin" ] || { echo "e2e: no app binary at $bin; run 'make e2e' to build it" >&2; exit 1; }
jcsim="${ROLLCALL_E2E_JCSIM:-$(dirname "$bin")/jcsim}"
[ -x "$jcsim" ] || { echo "e2e: no jcsim binary at $jcsim; run 'make e2e' to build it" >&2; exit 1; }

driver=$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")
[ -x "$driver" ] || { echo "e2e: tauri-driver is missing; run 'make deps'" >&2; exit 1; }
for tool in xvfb-run dbus-run-session gnome-keyring-daemon xdotool zenity secret-tool /usr/bin/WebKitWebDriver node; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run 'make deps'" >&2; exit 1; }
done

tmp=$(mktemp -d -t rollcall-e2e.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/run" "$tmp/data" "$tmp/cache" "$tmp/config" "$tmp/rollcall"
chmod 700 "$tmp/run"
# Two free ports for tauri-driver and the native WebKitWebDriver behind it.
read -r port nport < <(node -e '
  const net = require("net"); const ps = [];
  const get = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  (async () => { ps.push(await get(), await get()); console.log(ps.join(" ")); })();')

export USER="${USER:-$(id -un)}" HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run"
export ROLLCALL_HOME="$tmp/rollcall" ROLLCALL_LOG="${ROLLCALL_LOG:-info}"
export ROLLCALL_E2E_BIN="$bin" ROLLCALL_E2E_JCSIM="$jcsim" ROLLCALL_E2E_DRIVER="http://127.0.0.1:$port"
export NO_AT_BRIDGE=1
# The API console reads JumpCloud's published descriptions where the workplace keeps them (they
# are never part of the repository); without them its schema checks are skipped, saying so.
[ -d "$root/../shared/jumpcloud-api/specs" ] && export ROLLCALL_API_SPECS="$root/../shared/jumpcloud-api/specs"

dbus-run-session -- xvfb-run -a -s '-screen 0 1440x900x24' bash -c '
  set -euo pipefail
  eval "$(echo -n e2e | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  "$0" --port "$1" --native-port "$2" --native-driver /usr/bin/WebKitWebDriver >"$HOME/tauri-driver.log" 2>&1 &
  drv=$!
  trap "kill $drv 2>/dev/null || true" EXIT
  node "$3/tests/e2e/${ROLLCALL_E2E_SCRIPT:-suite.mjs}" || { cp "$HOME/tauri-driver.log" "$3/target/e2e-tauri-driver.log" 2>/dev/null; exit 1; }
' "$driver" "$port" "$nport" "$root"
