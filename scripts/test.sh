#!/usr/bin/env bash
# Runs the test suite against a real Secret Service: a private D-Bus session with its own
# gnome-keyring, so tests never touch the keychain of the person running them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: missing ${missing[*]}; install with: sudo apt-get install -y dbus gnome-keyring libsecret-tools" >&2
  exit 1
fi

npm run build --silent

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export MCPKEY_TEST_KEYRING_HOME="$keyring_home"

# Inside the private bus: start and unlock a fresh keyring, then run vitest.
dbus-run-session -- bash -c '
  set -e
  export HOME="$MCPKEY_TEST_KEYRING_HOME" XDG_DATA_HOME="$MCPKEY_TEST_KEYRING_HOME/data"
  eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  export MCPKEY_TEST_SECRET_SERVICE=1
  exec npx vitest run "$@"
' vitest-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)

# The whole suite (no arguments) ends with the official MCP conformance suite against mcpkey's commands.
if [ $# -eq 0 ]; then
  bash test/conformance/run.sh
fi
