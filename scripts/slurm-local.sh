#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for the experiment engine's `slurm` tests:
#   scripts/slurm-local.sh start    munge + slurmctld + slurmd on localhost (Debian slurm-wlm packages),
#                                   configuration and state in $STABLEDYN_SLURM_DIR (default /tmp/stabledyn-slurm);
#                                   prints SLURM_CONF=<file> for the client commands (sbatch, squeue) last
#   scripts/slurm-local.sh stop     stops the daemons it started
#   scripts/slurm-local.sh status   exit 0 when the node answers
# Needs root (the daemons run as root here) and the packages slurmctld slurmd slurm-client munge
# (scripts/install-deps.sh --slurm). Exits non-zero with a message on stderr when the cluster cannot start.
set -euo pipefail

DIR="${STABLEDYN_SLURM_DIR:-/tmp/stabledyn-slurm}"
CONF="$DIR/slurm.conf"
die() { echo "slurm-local: $*" >&2; exit 1; }

node_up() {
  SLURM_CONF="$CONF" sinfo -h -N -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated|completing)'
}

start() {
  [[ $(id -u) -eq 0 ]] || die "needs root to run munged, slurmctld and slurmd"
  for b in munged slurmctld slurmd sbatch sinfo; do
    command -v "$b" >/dev/null || [[ -x /usr/sbin/$b ]] || die "'$b' not found (install: scripts/install-deps.sh --slurm)"
  done
  export PATH="$PATH:/usr/sbin"
  mkdir -p "$DIR/state" "$DIR/spool"
  if [[ -f "$CONF" ]] && node_up; then echo "SLURM_CONF=$CONF"; return 0; fi

  # munge: a key, then the daemon as the munge user (as Debian's service does).
  if ! pgrep -x munged >/dev/null; then
    [[ -f /etc/munge/munge.key ]] || mungekey --create >/dev/null 2>&1 || die "cannot create /etc/munge/munge.key"
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
    runuser -u munge -- munged || die "munged did not start (see /var/log/munge/munged.log)"
    touch "$DIR/started-munge"
  fi
  munge -n | unmunge >/dev/null 2>&1 || die "munge does not work (munge -n | unmunge failed)"

  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  cat > "$CONF" <<CONFEOF
# Written by scripts/slurm-local.sh: one node, this machine.
ClusterName=stabledyn-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=6917
SlurmdPort=6918
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONFEOF
  slurmctld -f "$CONF" || die "slurmctld did not start (log: $DIR/slurmctld.log)"
  slurmd -f "$CONF" || die "slurmd did not start (log: $DIR/slurmd.log)"
  for _ in $(seq 60); do
    if node_up; then echo "SLURM_CONF=$CONF"; return 0; fi
    sleep 0.5
  done
  tail -5 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 2>/dev/null || true
  die "the node did not come up within 30 s"
}

stop() {
  for d in slurmd slurmctld; do
    if [[ -f "$DIR/$d.pid" ]]; then
      kill "$(cat "$DIR/$d.pid")" 2>/dev/null || true
      rm -f "$DIR/$d.pid"
    fi
  done
  if [[ -f "$DIR/started-munge" ]] && [[ -f /run/munge/munged.pid ]]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    rm -f "$DIR/started-munge"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) node_up ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
