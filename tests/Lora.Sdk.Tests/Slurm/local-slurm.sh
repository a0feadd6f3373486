#!/usr/bin/env bash
# A one-node Slurm on this machine for the Slurm tests (LoraScheduler=slurm), in a folder of its own:
#
#   local-slurm.sh start DIR   installs slurm-wlm and munge if they are missing (apt-get, as root), writes DIR/slurm.conf
#                              for this machine, starts munged (private socket under DIR), slurmctld and slurmd, and waits
#                              until `sinfo` shows the node idle. Point the tools at it with SLURM_CONF=DIR/slurm.conf.
#   local-slurm.sh stop DIR    stops what `start` started, by the PIDs it recorded in DIR/*.pid.
#
# Exit status 0 when the node is idle; otherwise 1, with one line on stderr saying what failed (logs in DIR).
# Why these settings: CI machines have no systemd and no cgroups, so processes are tracked by parent (linuxproc), there is
# no accounting (job state comes from squeue), and spool, state, logs and munge's socket live under DIR.
set -uo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd) || { echo "local-slurm: cannot use folder $2" >&2; exit 1; }

fail() { echo "local-slurm: $*" >&2; stop; exit 1; }

stop() {
  # Daemons started here, newest first; a zombie (PID 1 here may not reap) counts as stopped.
  for name in slurmd slurmctld munged; do
    local file="$dir/$name.pid"
    [[ -f $file ]] || continue
    local pid; pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 50); do
        state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        [[ -z $state || $state == Z ]] && break
        sleep 0.1
      done
      [[ -n ${state:-} && $state != Z ]] && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$file"
  done
}

start() {
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    [[ $(id -u) -eq 0 ]] || fail "slurm-wlm and munge are not installed, and installing them needs root"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y slurm-wlm munge || { apt-get update && apt-get install -y slurm-wlm munge; }; } >"$dir/apt.log" 2>&1 \
      || fail "apt-get install slurm-wlm munge failed (see $dir/apt.log)"
  fi
  [[ $(id -u) -eq 0 ]] || fail "slurmd must run as root to start jobs as their user"
  [[ -f /etc/munge/munge.key ]] || fail "/etc/munge/munge.key is missing (the munge package creates it)"

  # munged runs as the munge user, with its socket, seed, log and PID in a folder it owns.
  chmod 755 "$dir"
  mkdir -p "$dir/munge" "$dir/spool/slurmd" "$dir/state"
  chown munge:munge "$dir/munge" && chmod 755 "$dir/munge"
  local socket="$dir/munge/munge.socket"
  setpriv --reuid munge --regid munge --init-groups munged -F --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" --log-file="$dir/munge/munged.log" \
    </dev/null >>"$dir/munged.out" 2>&1 &
  echo $! >"$dir/munged.pid"
  for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
  [[ -S $socket ]] || fail "munged did not open $socket (see $dir/munged.out, $dir/munge/munged.log)"

  local host cpus mem
  host=$(hostname -s)
  # At least 4 CPUs, so that a three-task array runs at once on a two-core machine (config_overrides lets slurmd
  # take the configured count instead of draining the node for having fewer).
  cpus=$(nproc); (( cpus < 4 )) && cpus=4
  mem=$(( $(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo) - 1024 ))
  cat >"$dir/slurm.conf" <<CONF
ClusterName=lora-tests
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmdParameters=config_overrides
SlurmctldPort=$(( 20000 + RANDOM % 20000 ))
SlurmdPort=$(( 40000 + RANDOM % 20000 ))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd
SlurmctldPidFile=$dir/state/slurmctld.pidfile
SlurmdPidFile=$dir/spool/slurmd.pidfile
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=600
NodeName=$host CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$dir/slurmctld.out" 2>&1 &
  echo $! >"$dir/slurmctld.pid"
  slurmd -D -f "$SLURM_CONF" </dev/null >>"$dir/slurmd.out" 2>&1 &
  echo $! >"$dir/slurmd.pid"
  for _ in $(seq 150); do
    [[ $(sinfo -h -N -o %t 2>/dev/null) == idle ]] && { echo "local-slurm: node $host idle ($cpus CPUs, $mem MiB); SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.2
  done
  fail "the node did not become idle within 30 s: sinfo says '$(sinfo -h -N -o '%t %E' 2>&1)' (see $dir/slurmctld.log, $dir/slurmd.log)"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
