#!/usr/bin/env bash
# Makes the key pair that signs Rollcall's updates: the private key stays on this machine (and
# goes into the repository's secrets), the public key goes into tauri.conf.json, where every
# installed copy reads it to verify an update before installing it.
#   make updater-key            (TAURI_SIGNING_PRIVATE_KEY_PASSWORD, if set, protects the key)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
key="${ROLLCALL_UPDATER_KEY:-$HOME/.tauri/rollcall-updater.key}"
if [ -e "$key" ]; then
  echo "updater-key: $key already exists; move it away first (a lost private key cannot sign updates for installed copies)" >&2
  exit 1
fi
mkdir -p "$(dirname "$key")"
"$root/ui/node_modules/.bin/tauri" signer generate --ci -w "$key" -p "${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}" >/dev/null
node -e '
  const fs = require("fs");
  const [conf, pub] = process.argv.slice(1);
  const c = JSON.parse(fs.readFileSync(conf, "utf8"));
  c.plugins = c.plugins ?? {};
  c.plugins.updater = { ...(c.plugins.updater ?? {}), pubkey: fs.readFileSync(pub, "utf8").trim() };
  fs.writeFileSync(conf, JSON.stringify(c, null, 2) + "\n");
' "$root/tauri.conf.json" "$key.pub"
cat <<MSG
updater-key: the public key is now in tauri.conf.json (commit it).
Add the private key to the repository's secrets (Settings → Secrets → Actions):
  TAURI_SIGNING_PRIVATE_KEY           the contents of $key
  TAURI_SIGNING_PRIVATE_KEY_PASSWORD  the password you set (empty if none)
Keep $key safe: without it no update can be signed for the copies already installed.
MSG
