#!/usr/bin/env bash
# Starts a single-node Slurm on this host for tests and small sweeps: munged,
# slurmctld and slurmd, each with its pid file, config, state, spool and logs in
# one directory (first argument, or $INLOOP_SLURM_DIR, default /tmp/inloop-slurm).
# Needs root and the packages of scripts/slurm/install.sh. Prints the line that
# points Slurm's commands at this cluster:
#
#   export SLURM_CONF=/tmp/inloop-slurm/slurm.conf
#
# scripts/slurm/stop.sh with the same directory stops exactly these processes.
set -euo pipefail

dir=${1:-${INLOOP_SLURM_DIR:-/tmp/inloop-slurm}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/slurm.conf

die() { echo "scripts/slurm/start.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (slurmd runs jobs as their owner)"
for cmd in munged munge unmunge slurmctld slurmd sinfo; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found; run scripts/slurm/install.sh first"
done

alive() { # pid file, process name
  [ -s "$1" ] || return 1
  local pid; pid=$(cat "$1")
  [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ]
}
for d in munged:munge/munged.pid slurmctld:slurmctld.pid slurmd:slurmd.pid; do
  alive "$dir/${d#*:}" "${d%%:*}" && die "${d%%:*} already runs from $dir (pid $(cat "$dir/${d#*:}")); stop it with scripts/slurm/stop.sh $dir"
done

# munge: without systemd nothing creates its runtime directory. A socket of our
# own keeps this cluster apart from any munged the host runs already.
mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
# munged runs as the munge user and must reach its directory (mktemp -d makes 0700).
chmod 0755 "$dir"
chown munge:munge "$dir/munge"
chmod 0755 "$dir/munge"
sock=$dir/munge/munge.socket.2
runuser -u munge -- munged --force --socket="$sock" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
munge -n --socket="$sock" | unmunge --socket="$sock" | grep -q 'STATUS: *Success (0)' \
  || die "munge does not work (see $dir/munge/munged.log)"

# The node line comes from slurmd -C, so sockets, cores and memory match the
# host; addresses are literal so nothing depends on name lookup.
# The daemons find themselves in slurm.conf by the name slurmd -C reports.
line=$(slurmd -C | head -n1)
host=$(echo "$line" | sed -n 's/^NodeName=\([^ ]*\) .*/\1/p')
node=${line#NodeName=$host }
[ -n "$host" ] || die "slurmd -C printed no node line: $line"
cat > "$conf" <<CONF
# Written by scripts/slurm/start.sh: a single-node cluster on $host.
ClusterName=inloop
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
# No systemd and no cgroups here: track processes through /proc, no task
# containment, no accounting database (so no sacct; scontrol and the job
# completion log tell how jobs ended).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# Finished jobs stay visible to scontrol and squeue for 10 minutes.
MinJobAge=600
# A cancelled task gets SIGTERM, then SIGKILL after this many seconds.
KillWait=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF=$conf
slurmctld -c -f "$conf"
slurmd -f "$conf"
for _ in $(seq 100); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || die "the node is not idle after 20 s (state '${state:-none}'; see $dir/slurmctld.log, $dir/slurmd.log)"
echo "export SLURM_CONF=$conf"
