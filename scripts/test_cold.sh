#!/usr/bin/env bash
# make test-cold: a new user's first hour, in a throwaway folder, on a Saturday clock.
#
# Copies the checkout's files (what a fresh clone has: no .venv, no .dunwell, no outputs),
# installs a fresh virtualenv from requirements.lock, runs `make demo` with the clock set
# to DUNWELL_COLD_CLOCK (default Saturday 2026-12-05) and then every example of the
# README, comparing what each prints with what the README shows. Fails over 5 minutes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clock="${DUNWELL_COLD_CLOCK:-2026-12-05T10:00:00+00:00}"
limit="${DUNWELL_COLD_SECONDS:-300}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dunwell-cold.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$work"
echo "[cold] a fresh copy in $work; installing from requirements.lock"
env -u VIRTUAL_ENV make -C "$work" install >"$work/install.log" 2>&1 \
  || { tail -30 "$work/install.log"; exit 1; }
echo "[cold] installed in $((SECONDS - started)) s; make demo and the README on clock $clock"
(cd "$work" && .venv/bin/python tests/e2e/readme_commands.py "$clock" "$work") \
  >"$work/readme.log" 2>&1 || { cat "$work/readme.log"; exit 1; }
tail -1 "$work/readme.log"
elapsed=$((SECONDS - started))
echo "[cold] done in ${elapsed} s (limit ${limit} s)"
if ((elapsed > limit)); then
  echo "[cold] too slow for a new user's first run: ${elapsed} s > ${limit} s"; exit 1
fi
