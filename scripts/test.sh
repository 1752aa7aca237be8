#!/usr/bin/env bash
# Runs the test suite against a real Secret Service: a private D-Bus session with its own
# gnome-keyring, so tests never touch the keychain of the person running them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: missing ${missing[*]}; install with: sudo apt-get install -y dbus gnome-keyring libsecret-tools" >&2
  exit 1
fi

npm run build --silent

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT

# Inside the private bus, with a fresh unlocked keyring (scripts/keyring-session.sh): vitest.
MCPKEY_TEST_SECRET_SERVICE=1 bash scripts/keyring-session.sh "$keyring_home" test-password -- npx vitest run "$@"

# The whole suite (no arguments) ends with the official MCP conformance suite against mcpkey's commands.
if [ $# -eq 0 ]; then
  bash test/conformance/run.sh
fi
