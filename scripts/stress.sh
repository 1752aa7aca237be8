#!/usr/bin/env bash
# Runs test files under CPU load, as a slow, busy CI machine would: STRESS_BUSY busy-loop processes
# (default 6, on top of whatever already runs) for as long as the tests take, then the usual test
# command for the files given. Prints the load average before and after, and the wall time.
#
#   bash scripts/stress.sh test/e2e/oauth.test.ts test/e2e/load.test.ts
#   STRESS_BUSY=10 bash scripts/stress.sh test/unit/lock.test.ts
#
# Files are required: the whole suite under extra load would take the machine from everyone on it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  echo "stress: name the test files to run, e.g. bash scripts/stress.sh test/e2e/oauth.test.ts" >&2
  exit 2
fi
busy=${STRESS_BUSY:-6}
if ! [[ "$busy" =~ ^[0-9]+$ ]]; then
  echo "stress: STRESS_BUSY must be a whole number, got \"$busy\"" >&2
  exit 2
fi

pids=()
stop_busy() {
  # Only the loops started here, by their own process ids.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_busy EXIT
for _ in $(seq 1 "$busy"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
echo "stress: $busy busy loops, load average $(load)"
started=$(date +%s)
status=0
bash scripts/test.sh "$@" || status=$?
echo "stress: exit $status after $(( $(date +%s) - started )) s, load average $(load)"
exit "$status"
