#!/usr/bin/env bash
# Runs the official MCP client conformance suite (@modelcontextprotocol/conformance, pinned in
# package-lock.json here) against mcpkey's own public commands, through adapter.mjs, for both
# frozen requirement sets, and prints a score table per scenario.
#
#   bash test/conformance/run.sh                       # 2025-11-25 and 2026-07-28, plus the 2025-03-26 back-compat scenarios
#   bash test/conformance/run.sh 2026-07-28            # one requirement set
#   bash test/conformance/run.sh --scenario auth/scope-step-up [REVISION...]   # one scenario, for debugging
#   bash test/conformance/run.sh --negotiate           # let mcpkey pick the revision (no --protocol)
#   bash test/conformance/run.sh --keep                # keep the results directory even when all pass
#
# Needs a build (npm run build): it builds nothing itself. The suite needs Node 22, which the `node`
# npm package in this folder provides; mcpkey itself runs on the Node on PATH. Like scripts/test.sh,
# everything runs in a private D-Bus session with its own gnome-keyring (OAuth grants live only in
# the keychain), so your own keychain is never touched. Exit 1 when a scored scenario fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

revisions=()
scenario=''
keep=0
negotiate=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?--scenario needs a name}; shift 2 ;;
    --keep) keep=1; shift ;;
    --negotiate) negotiate=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "conformance: unknown option $1" >&2; exit 2 ;;
    *) revisions+=("$1"); shift ;;
  esac
done
[ ${#revisions[@]} -gt 0 ] || revisions=(2025-11-25 2026-07-28)

missing=()
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "conformance: missing ${missing[*]}; install with: sudo apt-get install -y dbus gnome-keyring" >&2
  exit 1
fi
if [ ! -f "$root/dist/cli/main.js" ]; then
  echo "conformance: no build in $root/dist; run npm run build first" >&2
  exit 1
fi

# The pinned suite and Node 22, installed again only when the lockfile changed.
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "conformance: installing the pinned suite (npm ci)" >&2
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi
node22="$here/node_modules/node/bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcpkey-conformance.XXXXXX")
export CONFORMANCE_WORK_DIR="$work" CONFORMANCE_HERE="$here" CONFORMANCE_NODE22="$node22" CONFORMANCE_SUITE="$suite"
export CONFORMANCE_SCENARIO="$scenario" CONFORMANCE_REVISIONS="${revisions[*]}"
[ "$negotiate" = 1 ] && export CONFORMANCE_NEGOTIATE=1

# Inside a private bus with a fresh unlocked keyring (scripts/keyring-session.sh): run each set, then print the table.
# The suite starts all scenarios in parallel; the adapter lets a few play at a time (slots) and
# enforces a per-scenario deadline itself, hence the suite's long timeout. Each scenario gets its
# own MCPKEY_HOME and keychain service. The suite's own chatter goes to a log file per run.
started=$SECONDS
status=0
mkdir -p "$work/home"
bash "$root/scripts/keyring-session.sh" "$work/home" conformance -- bash -c '
  set -u
  mkdir -p "$CONFORMANCE_WORK_DIR/logs"
  export MCPKEY_CONFORMANCE_KEYRING=1
  command="node $CONFORMANCE_HERE/adapter.mjs"
  run() { # LABEL, then the suite arguments
    local label=$1; shift
    echo "conformance: running $label ..." >&2
    CONFORMANCE_RECORD_DIR="$CONFORMANCE_WORK_DIR/records/$label" "$CONFORMANCE_NODE22" "$CONFORMANCE_SUITE" client \
      --command "$command" --timeout 900000 -o "$CONFORMANCE_WORK_DIR/results/$label" "$@" \
      >"$CONFORMANCE_WORK_DIR/logs/$label.log" 2>&1 || true
  }
  labels=()
  for rev in $CONFORMANCE_REVISIONS; do
    if [ -n "$CONFORMANCE_SCENARIO" ]; then
      run "$rev" --scenario "$CONFORMANCE_SCENARIO" --spec-version "$rev" --force
    else
      run "$rev" --requirements "$rev"
    fi
    labels+=("$rev")
  done
  # Not in either requirement set, but mcpkey claims the 2025-03-26 fallbacks: run them, unscored.
  if [ -z "$CONFORMANCE_SCENARIO" ] && [ "$CONFORMANCE_REVISIONS" = "2025-11-25 2026-07-28" ]; then
    run 2025-03-26-backcompat --suite backcompat
    labels+=(2025-03-26-backcompat)
  fi
  "$CONFORMANCE_NODE22" "$CONFORMANCE_HERE/summary.mjs" "$CONFORMANCE_WORK_DIR" "${labels[@]}"
' || status=$?

echo "conformance: $((SECONDS - started)) s" >&2
if [ "$status" -ne 0 ] || [ "$keep" = 1 ]; then
  echo "conformance: details in $work (logs/<set>.log; results/<set>/<scenario>-*/stdout.txt, stderr.txt, checks.json; records/)" >&2
else
  rm -rf "$work"
fi
exit "$status"
