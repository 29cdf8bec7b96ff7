#!/usr/bin/env bash
# Stops the single-node Slurm that scripts/slurm/start.sh started from the same
# directory (first argument, or $INLOOP_SLURM_DIR, default /tmp/inloop-slurm):
# cancels its jobs, then ends slurmd, slurmctld and munged by their pid files.
# A pid whose process has another name (the daemon died and the pid was
# reused) is left alone. Safe to run twice.
set -euo pipefail

dir=${1:-${INLOOP_SLURM_DIR:-/tmp/inloop-slurm}}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)
export SLURM_CONF=$dir/slurm.conf

pid_of() { # pid file, process name -> pid when that process still runs
  [ -s "$1" ] || return 1
  local pid; pid=$(cat "$1")
  [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ] && echo "$pid"
}

stop() { # pid file, process name
  local pid
  pid=$(pid_of "$1" "$2") || { rm -f "$1"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 100); do
    [ -d "/proc/$pid" ] || { rm -f "$1"; return 0; }
    sleep 0.1
  done
  echo "scripts/slurm/stop.sh: $2 (pid $pid) ignored SIGTERM for 10 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

if pid_of "$dir/slurmctld.pid" slurmctld >/dev/null; then
  jobs=$(squeue -h -o '%A' 2>/dev/null | sort -u || true)
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    for _ in $(seq 150); do
      [ -z "$(squeue -h -t running,completing -o '%A' 2>/dev/null || true)" ] && break
      sleep 0.2
    done
  fi
fi
stop "$dir/slurmd.pid" slurmd
stop "$dir/slurmctld.pid" slurmctld
stop "$dir/munge/munged.pid" munged
