#!/usr/bin/env bash
# Installs Debian's Slurm (controller, node daemon, client commands) and munge,
# the packages scripts/slurm/start.sh runs. Needs root; does nothing when they
# are already there.
set -euo pipefail

missing=()
for cmd in slurmctld slurmd sbatch munged; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/slurm/install.sh: missing ${missing[*]}; installing them needs root" >&2
  exit 1
fi
# The meta-package slurm-wlm would pull about 35 packages; these four are what a
# single-node cluster needs.
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=300 slurmctld slurmd slurm-client munge >/dev/null
# The package's install step makes the key; make one if a previous purge left none.
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
