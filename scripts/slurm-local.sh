#!/usr/bin/env bash
# slurm-local.sh: a one-node Slurm cluster (munge, slurmctld, slurmd) for the
# Slurm executor's tests, everything (config, key, state, logs, PID files)
# under one directory, no systemd, no accounting database, no cgroups.
#
#   scripts/slurm-local.sh start  [DIR]  install Debian's slurm-wlm daemons and munge if missing,
#                                        start the daemons, wait for an idle node and a first job,
#                                        print "export SLURM_CONF=DIR/slurm.conf"
#   scripts/slurm-local.sh stop   [DIR]  cancel the cluster's jobs, stop its daemons (by PID file)
#   scripts/slurm-local.sh status [DIR]  print the daemons; exit 0 only if all three run
#
# DIR defaults to ${TMPDIR:-/tmp}/harmonic-slurm. Needs root (slurmd starts jobs).
# SLURM_LOCAL_PORT (default 6817) is slurmctld's port, slurmd's is the next one.
# Without accounting a task's end state stays in `squeue -t all` for MinJobAge (600 s).
set -euo pipefail

cmd=${1:-}
dir=${2:-${TMPDIR:-/tmp}/harmonic-slurm}
case $cmd in start | stop | status) ;; *)
	echo "usage: $0 start|stop|status [DIR]" >&2
	exit 2
	;;
esac
say() { echo "slurm-local: $*" >&2; }
if [[ $cmd == start ]]; then mkdir -p "$dir"; fi
if [[ ! -d $dir ]]; then
	say "no cluster in $dir"
	[[ $cmd == stop ]] && exit 0 || exit 1
fi
dir=$(cd "$dir" && pwd)
conf=$dir/slurm.conf
port=${SLURM_LOCAL_PORT:-6817}
node=$(hostname -s)
export SLURM_CONF=$conf

# running NAME: the PID in DIR/run/NAME.pid if that process is NAME and alive.
running() {
	local f=$dir/run/$1.pid pid
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$1" ]] || return 1
	[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
	echo "$pid"
}

# halt NAME: SIGTERM the daemon of our PID file, SIGKILL after 10 s.
halt() {
	local pid
	if pid=$(running "$1"); then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
		say "stopped $1 ($pid)"
	fi
	rm -f "$dir/run/$1.pid"
}

# await NAME: up to 10 s for a daemon to write its PID file.
await() {
	for _ in $(seq 100); do running "$1" >/dev/null && return 0; sleep 0.1; done
	say "$1 did not start; see $dir/log/$1.log"
	return 1
}

case $cmd in
status)
	rc=0
	for d in munged slurmctld slurmd; do
		if p=$(running $d); then echo "$d: pid $p"; else echo "$d: not running"; rc=1; fi
	done
	[[ $rc == 0 ]] && sinfo
	exit $rc
	;;
stop)
	# Jobs first: their slurmstepd would outlive slurmd.
	if running slurmctld >/dev/null; then
		jobs=$(squeue -h -o %A 2>/dev/null | sort -u | xargs)
		if [[ -n $jobs ]]; then
			say "cancelling $jobs"
			scancel $jobs || true
			for _ in $(seq 100); do [[ -z $(squeue -h 2>/dev/null) ]] && break; sleep 0.2; done
		fi
	fi
	halt slurmd
	halt slurmctld
	halt munged
	exit 0
	;;
esac

# ---- start: on failure, stop what this call started.
started=()
die() {
	say "$1"
	for ((k = ${#started[@]} - 1; k >= 0; k--)); do halt "${started[k]}"; done
	exit 1
}
[[ $(id -u) == 0 ]] || die "must run as root"
for b in slurmctld slurmd sbatch munged mungekey; do
	if ! command -v $b >/dev/null; then
		say "installing slurmctld slurmd slurm-client munge"
		{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge; } >&2
		break
	fi
done
mkdir -p "$dir"/{munge,state,spool,log,run}
chmod 755 "$dir/munge"

if ! running munged >/dev/null; then
	[[ -s $dir/munge/munge.key ]] || mungekey -c -k "$dir/munge/munge.key" >&2
	chmod 600 "$dir/munge/munge.key"
	rm -f "$dir/munge/munge.socket" "$dir/munge/munge.socket.lock"
	# --force: munged refuses a socket under a parent that is not world-searchable
	# (a 0700 temporary directory) otherwise; every client here runs as root.
	munged --force -S "$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
		--pid-file="$dir/run/munged.pid" --seed-file="$dir/munge/munged.seed" \
		--log-file="$dir/log/munged.log" </dev/null >>"$dir/log/munged.out" 2>&1
	await munged || die "munged failed"
	started+=(munged)
fi

if ! running slurmctld >/dev/null && ! running slurmd >/dev/null; then
	cat >"$conf" <<CONF
# Written by scripts/slurm-local.sh: one node, no accounting, no cgroups.
ClusterName=harmonic
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
DependencyParameters=kill_invalid_depend
MinJobAge=600
KillWait=5
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$(($(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo) * 9 / 10)) State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
fi
fresh=""
if ! running slurmctld >/dev/null; then
	slurmctld </dev/null >>"$dir/log/slurmctld.out" 2>&1 || die "slurmctld failed; see $dir/log/slurmctld.log"
	await slurmctld || die "slurmctld failed"
	started+=(slurmctld)
	fresh=1
fi
if ! running slurmd >/dev/null; then
	slurmd -N "$node" </dev/null >>"$dir/log/slurmd.out" 2>&1 || die "slurmd failed; see $dir/log/slurmd.log"
	await slurmd || die "slurmd failed"
	started+=(slurmd)
fi
for _ in $(seq 300); do
	[[ $(sinfo -h -n "$node" -o %t 2>/dev/null) =~ ^(idle|mix|alloc|comp)$ ]] && break
	sleep 0.2
done
state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
[[ $state =~ ^(idle|mix|alloc|comp)$ ]] || die "node $node is '$state' after 60 s; see $dir/log"
# A first job proves munge, slurmd and slurmstepd work (and a fresh
# slurmctld schedules nothing for its first seconds).
if [[ -n $fresh ]]; then
	j=$(sbatch --parsable -J slurm-local-warmup -D "$dir" -o /dev/null --wrap true) || die "warm-up submit failed"
	for _ in $(seq 300); do [[ -z $(squeue -h -j "$j" 2>/dev/null) ]] && break; sleep 0.1; done
	warm=$(squeue -h -t all -j "$j" -o %T 2>/dev/null || true)
	[[ $warm == COMPLETED ]] || die "warm-up job $j is '$warm'; see $dir/log"
fi
say "node $node up ($state), config $conf"
echo "export SLURM_CONF=$conf"
