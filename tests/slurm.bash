# A private single-node Slurm for tests/slurm.bats: slurmctld and slurmd of
# Debian's slurm-wlm on this machine, with a generated slurm.conf in DIR, ports
# of their own (so that it runs beside a real cluster or another test run),
# auth/none (no munge key needed), no cgroups (proctrack/pgid, task/none), and
# 8 CPUs declared whatever the machine has (config_overrides), so that the
# 2-CPU tasks of slurm.sbatch run side by side.
#
#   slurm_start DIR   0 when the node is idle; 1 with the reason on stdout
#   slurm_stop DIR    stops both daemons (by the pids they recorded)
#   slurm_wait JOB    waits until the job (every array task) has left the queue,
#                     then prints "TASK<TAB>STATE<TAB>EXITCODE" per task
# SLURM_CONF is exported for sbatch, squeue and scontrol.

slurm_start() {
	local dir=$1 host user mem port i state
	for t in slurmctld slurmd sbatch sinfo scontrol; do
		command -v "$t" > /dev/null 2>&1 ||
			{ echo "slurm-wlm is not installed ($t missing; as root: apt-get install slurm-wlm, or make check-slurm)"; return 1; }
	done
	host=$(hostname -s 2> /dev/null || hostname)
	user=$(id -un)
	# MB for RealMemory (slurm.sbatch asks for --mem=2G)
	mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2> /dev/null)
	port=$((20000 + ($$ * 7 + RANDOM) % 20000))
	mkdir -p "$dir/state" "$dir/spool" "$dir/log"
	cat > "$dir/slurm.conf" <<CONF
ClusterName=adpipetest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SchedulerType=sched/builtin
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 RealMemory=${mem:-8192} State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF=$dir/slurm.conf
	slurmctld -i -f "$SLURM_CONF" > "$dir/log/slurmctld.out" 2>&1 ||
		{ echo "slurmctld did not start: $(tail -3 "$dir/log/slurmctld.out" "$dir/log/slurmctld.log" 2> /dev/null | tr '\n' ' ')"; return 1; }
	slurmd -f "$SLURM_CONF" > "$dir/log/slurmd.out" 2>&1 ||
		{ echo "slurmd did not start: $(tail -3 "$dir/log/slurmd.out" "$dir/log/slurmd.log" 2> /dev/null | tr '\n' ' ')"; slurm_stop "$dir"; return 1; }
	for i in $(seq 1 60); do
		state=$(sinfo -h -o %T 2> /dev/null)
		[ "$state" = idle ] && return 0
		sleep 0.5
	done
	echo "the node did not become idle in 30 s (state '$state'): $(tail -2 "$dir/log/slurmd.log" 2> /dev/null | tr '\n' ' ')"
	slurm_stop "$dir"
	return 1
}

slurm_stop() {
	local dir=$1 f pid i
	for f in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
		if [ -s "$f" ]; then
			pid=$(cat "$f")
			if kill "$pid" 2> /dev/null; then
				for i in $(seq 1 40); do
					kill -0 "$pid" 2> /dev/null || break
					sleep 0.25
				done
				kill -9 "$pid" 2> /dev/null || true
			fi
		fi
	done
	return 0
}

slurm_wait() {
	local job=$1 i
	# squeue every 0.2 s (sbatch --wait backs off to many seconds)
	for i in $(seq 1 600); do
		[ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
		sleep 0.2
	done
	# finished jobs stay with the controller for MinJobAge (300 s)
	scontrol -o show job "$job" | tr ' ' '\n' |
		awk -F= '$1 == "ArrayTaskId" { t = $2 } $1 == "JobState" { s = $2 }
		         $1 == "ExitCode" { print t "\t" s "\t" $2 }' | sort -n
}
