#!/usr/bin/env bash
# Run dunwell on a local Prefect server: server, work pool, deployments, one process worker.
#
#   scripts/server.sh            (or: make server)   Ctrl-C stops the worker and the server.
#
# Settings (environment):
#   PREFECT_HOME                          default .dunwell/prefect (server database, logs)
#   PREFECT_API_DATABASE_CONNECTION_URL   the server's database; default SQLite under
#                                         PREFECT_HOME. For PostgreSQL, e.g.
#                                         postgresql+asyncpg://prefect@db:5432/prefect
#   DUNWELL_PREFECT_HOST / _PORT          where the API and UI listen (127.0.0.1:4200)
#   DUNWELL_* (DUNWELL_DATABASE_URL, DUNWELL_SMTP_*, ...)  reach every flow run through
#                                         the worker's environment.
# Deployments are created from prefect.yaml in the folder this script is run from (the
# repository by default; DUNWELL_DEPLOY_DIR names another folder with prefect.yaml and data/).
# The server's and the worker's process ids are in $PREFECT_HOME/server.pid and worker.pid
# while they run; each leads its own process group.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy_dir="${DUNWELL_DEPLOY_DIR:-$repo}"
bin="${DUNWELL_BIN:-$repo/.venv/bin}"
prefect="$bin/prefect"
python="$bin/python"
host="${DUNWELL_PREFECT_HOST:-127.0.0.1}"
port="${DUNWELL_PREFECT_PORT:-4200}"
pool="dunwell-process"

export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_HOME="${PREFECT_HOME:-$repo/.dunwell/prefect}"
export PREFECT_API_URL="http://$host:$port/api"
export PREFECT_UI_URL="http://$host:$port"
# Flow-run logs reach the UI at INFO; the CLI alone keeps Prefect's own chatter at WARNING.
export PREFECT_LOGGING_LEVEL="${DUNWELL_PREFECT_LOGGING_LEVEL:-INFO}"
mkdir -p "$PREFECT_HOME/logs"
if [[ -z "${PREFECT_API_DATABASE_CONNECTION_URL:-}" ]]; then
  export PREFECT_API_DATABASE_CONNECTION_URL="sqlite+aiosqlite:///$PREFECT_HOME/prefect.db"
fi

server_pid=""
worker_pid=""

say() { printf '[dunwell] %s\n' "$*"; }

stop() {
  # The worker first (it reports to the server), then the server; each as a process group.
  trap - EXIT INT TERM
  for pid in "$worker_pid" "$server_pid"; do
    [[ -n "$pid" ]] || continue
    kill -INT -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -f "$PREFECT_HOME/server.pid" "$PREFECT_HOME/worker.pid"
  say "stopped"
}
trap stop EXIT
trap 'exit 130' INT TERM

healthy() {
  "$python" - "$PREFECT_API_URL/health" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}

if healthy; then
  say "a Prefect server already answers on $PREFECT_API_URL; stop it first"; exit 1
fi

if [[ ! -e "$deploy_dir/data/invoices.csv" ]]; then
  say "no $deploy_dir/data/invoices.csv: seeding data/ with the demo company"
  (cd "$deploy_dir" && "$bin/dunwell" demo --data-only --out data) \
    || { say "could not seed data/"; exit 1; }
fi

# A kill -9 of this script runs no trap: a watchdog (in this script's process group, deaf
# to Ctrl-C, which the trap handles) takes the server and the worker down with it.
watchdog() {
  trap '' INT TERM HUP
  while kill -0 "$1" 2>/dev/null; do sleep 1; done
  local file pid
  for signal in INT KILL; do
    for file in worker.pid server.pid; do
      pid="$(cat "$PREFECT_HOME/$file" 2>/dev/null)" || continue
      kill "-$signal" -- "-$pid" 2>/dev/null || true
    done
    [[ $signal == INT ]] && sleep 10
  done
  rm -f "$PREFECT_HOME/server.pid" "$PREFECT_HOME/worker.pid"
}
watchdog "$$" </dev/null >/dev/null 2>&1 &

say "starting the Prefect server on $PREFECT_UI_URL (database: ${PREFECT_API_DATABASE_CONNECTION_URL%%:*})"
setsid "$prefect" server start --host "$host" --port "$port" \
  >"$PREFECT_HOME/logs/server.log" 2>&1 &
server_pid=$!
echo "$server_pid" >"$PREFECT_HOME/server.pid"
for _ in $(seq 1 120); do
  healthy && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$PREFECT_HOME/logs/server.log"; exit 1; }
  sleep 0.5
done
healthy || { say "the server did not become healthy in 60 s"; tail -20 "$PREFECT_HOME/logs/server.log"; exit 1; }

say "work pool $pool (process), queue 'books' one run at a time, queue 'intake'"
"$prefect" work-pool inspect "$pool" >/dev/null 2>&1 \
  || "$prefect" work-pool create "$pool" --type process >/dev/null
"$prefect" work-queue inspect books --pool "$pool" >/dev/null 2>&1 \
  || "$prefect" work-queue create books --pool "$pool" --limit 1 >/dev/null
"$prefect" work-queue inspect intake --pool "$pool" >/dev/null 2>&1 \
  || "$prefect" work-queue create intake --pool "$pool" >/dev/null

say "deploying prefect.yaml from $deploy_dir"
(cd "$deploy_dir" && "$prefect" --no-prompt deploy --all >"$PREFECT_HOME/logs/deploy.log" 2>&1) \
  || { tail -30 "$PREFECT_HOME/logs/deploy.log"; exit 1; }
"$prefect" deployment ls

say "starting a process worker on $pool"
(cd "$deploy_dir" && exec setsid "$prefect" worker start --pool "$pool" \
  >"$PREFECT_HOME/logs/worker.log" 2>&1) &
worker_pid=$!
echo "$worker_pid" >"$PREFECT_HOME/worker.pid"

cat <<EOF

dunwell is running. UI: $PREFECT_UI_URL   logs: $PREFECT_HOME/logs/
Schedules (Europe/Berlin): daily Mon-Fri 06:00, statements hourly, report Monday 07:00.

Run a deployment now (from another terminal, with PREFECT_API_URL=$PREFECT_API_URL):
  prefect deployment run 'dunwell-reconcile/adhoc' \\
      -p invoices=data/invoices.csv -p 'bank=["data/bank.csv"]' -p out=out/adhoc --watch
  prefect deployment run 'dunwell-daily/daily' -p as_of=2026-11-20 --watch
  prefect deployment run 'dunwell-daily/daily' -p dry_run=true --watch
  prefect deployment run 'dunwell-report/weekly' -p 'email_to=["controller@example.com"]'
Paths are relative to $deploy_dir. Ctrl-C stops the worker and the server.
EOF

wait -n "$server_pid" "$worker_pid" || true
say "the server or the worker exited; see $PREFECT_HOME/logs/"
