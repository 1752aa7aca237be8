#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a fresh, unlocked gnome-keyring of its own:
#
#   bash scripts/keyring-session.sh DIR PASSWORD -- COMMAND [ARG...]
#
# DIR becomes HOME and holds the keyring's files; the bus's config is scripts/session-bus.conf. The
# command's exit status is this script's. Used by the tests, the conformance run and the bench, so none touches the keychain
# of the person running them.
#
# The bus activates nothing: were the keyring to stop, a D-Bus call would otherwise start a second,
# locked one under root's HOME and every later test would fail as "locked". Instead the keyring runs
# in the foreground under a loop here that says on stderr that it stopped (with its status) and
# starts it again on the same files with the same password, so the secrets already stored stay.
set -euo pipefail
if [ $# -lt 4 ] || [ "$3" != -- ]; then
  echo "usage: keyring-session.sh DIR PASSWORD -- COMMAND [ARG...]" >&2
  exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
export KEYRING_SESSION_PASSWORD=$2
shift 3
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "keyring-session: missing $tool; install with: sudo apt-get install -y dbus gnome-keyring" >&2
    exit 1
  fi
done

mkdir -p "$dir/data" "$dir/.keyring-session"
rm -f "$dir/.keyring-session/stop"
export HOME="$dir" XDG_DATA_HOME="$dir/data" KEYRING_SESSION_STATE="$dir/.keyring-session"
config="$(cd "$(dirname "$0")" && pwd)/session-bus.conf"

# The filter at the end drops dbus-daemon's harmless complaint when it may not raise its file limit
# (as root in a container).
dbus-run-session --config-file="$config" -- bash -c '
  set -u
  state=$KEYRING_SESSION_STATE
  owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"
  }
  bus_alive() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1
  }
  supervise() {
    for restarts in 0 1 2 3 4 5; do
      printf %s "$KEYRING_SESSION_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>"$state/keyring.log" &
      echo $! >"$state/keyring.pid"
      status=0
      wait $! || status=$?
      # Stopped on purpose, or the bus itself is gone (the session is ending): nothing to restart for.
      if [ -e "$state/stop" ] || ! bus_alive; then return; fi
      if [ "$restarts" = 5 ]; then
        echo "keyring-session: gnome-keyring stopped again (exit status $status); not starting it a 6th time" >&3
        return
      fi
      echo "keyring-session: gnome-keyring stopped mid-run (exit status $status: $(tail -c 300 "$state/keyring.log" | tr "\n" " ")); starting it again" >&3
      sleep 0.2
    done
  }
  # Its own messages on fd 3; bash'"'"'s job notices ("Killed") are noise.
  supervise 3>&2 2>/dev/null &
  supervisor=$!
  for _ in $(seq 100); do owned && break; sleep 0.2; done
  if ! owned; then
    echo "keyring-session: gnome-keyring did not come up within 20 s: $(tail -c 300 "$state/keyring.log")" >&2
    exit 1
  fi
  unset KEYRING_SESSION_PASSWORD
  status=0
  "$@" || status=$?
  touch "$state/stop"
  kill "$(cat "$state/keyring.pid")" 2>/dev/null || true
  wait "$supervisor" 2>/dev/null || true
  exit "$status"
' keyring-session "$@" 2> >(grep --line-buffered -v "Failed to set fd limit" >&2)
