#!/usr/bin/env bats
# examples/cluster/slurm.sbatch on a real single-node Slurm: slurmctld and slurmd
# (Debian's slurm-wlm) started here with a generated slurm.conf (tests/slurm.bash)
# and stopped at the end; skipped, saying why, where they are not installed or
# do not start.  The runs are the tiny tabular ones of tests/examples.bats
# (milliseconds each).
setup_file() {
	load slurm
	bats_require_minimum_version 1.5.0
	SLURM_DIR="$BATS_FILE_TMPDIR/slurm"
	export SLURM_DIR
	# each test skips with the reason (skip in setup_file fails with BATS 1.8)
	SLURM_SKIP=
	if ! why=$(slurm_start "$SLURM_DIR"); then
		SLURM_SKIP="no single-node Slurm: $why"
	fi
	export SLURM_SKIP
}

teardown_file() {
	load slurm
	if [ -n "${SLURM_DIR:-}" ]; then slurm_stop "$SLURM_DIR"; fi
}

setup() {
	[ -z "$SLURM_SKIP" ] || skip "$SLURM_SKIP"
	load test_helper
	load gen_images
	load slurm
	export SLURM_CONF="$SLURM_DIR/slurm.conf"
	EX="$TOP/examples"
	BINDIR=$(dirname "$(command -v ad-train)")
	OUT="$TMP/out"
	mkdir -p "$OUT/load/tiny"
	gen_tiny 300 > "$OUT/load/tiny/train.adv"
	VARS=(BIN="$BINDIR" OUT="$OUT" DATASET=tiny PROTO_tiny=tabular VAL=0
	      TABLE1_RUNS="ae_mse ae_hetero+q0.75+t0" CLASSES=0 GAMMAS=0.1 EPOCHS=2 SEEDS="1 2")
	MK=(make -s --no-print-directory -C "$EX" "${VARS[@]}")
}

@test "slurm: sbatch --array runs one run per task, resubmitting skips the finished ones" {
	"${MK[@]}" list-table1 > "$TMP/runs.txt"
	[ "$(wc -l < "$TMP/runs.txt")" -eq 4 ]
	"${MK[@]}" prep-table1
	# as the README submits it: from the top of the repository, the run list and
	# the variables as arguments; the log files go to TMP
	cd "$TOP"
	job=$(sbatch --parsable --array=1-4 -o "$TMP/adpipe-%A_%a.log" \
		examples/cluster/slurm.sbatch "$TMP/runs.txt" "${VARS[@]}")
	[[ "$job" =~ ^[0-9]+$ ]]
	run -0 slurm_wait "$job"
	[ "$output" = "$(printf '%s\tCOMPLETED\t0:0\n' 1 2 3 4)" ]
	# each task ran its own line of the list, on this node, under Slurm
	for i in 1 2 3 4; do
		grep -qx "task $i on $(hostname): $(sed -n "${i}p" "$TMP/runs.txt")" "$TMP/adpipe-${job}_$i.log"
		[ -s "$EX/$(sed -n "${i}p" "$TMP/runs.txt")" ] || [ -s "$(sed -n "${i}p" "$TMP/runs.txt")" ]
	done
	# the gathering step finds every run done: it trains nothing more
	run -0 --separate-stderr "${MK[@]}" table1
	[[ "$output" == *"table1: 4 runs in $OUT/results/table1-tiny-e2.tsv"* ]]
	[ "$(awk 'END { print NR }' "$OUT/results/table1-tiny-e2.tsv")" -eq 5 ]
	# the same array again: every run is kept as it is
	find "$OUT/runs" -name '*.tsv' -exec cksum {} + | sort > "$TMP/before"
	job=$(sbatch --parsable --array=1-4 -o "$TMP/again-%A_%a.log" \
		examples/cluster/slurm.sbatch "$TMP/runs.txt" "${VARS[@]}")
	run -0 slurm_wait "$job"
	[ "$output" = "$(printf '%s\tCOMPLETED\t0:0\n' 1 2 3 4)" ]
	find "$OUT/runs" -name '*.tsv' -exec cksum {} + | sort | cmp - "$TMP/before"
}

@test "slurm: a task beyond the run list fails with exit status 2, saying why" {
	"${MK[@]}" list-table1 > "$TMP/runs.txt"
	cd "$TOP"
	job=$(sbatch --parsable --array=5 -o "$TMP/bad-%A_%a.log" \
		examples/cluster/slurm.sbatch "$TMP/runs.txt" "${VARS[@]}")
	run -0 slurm_wait "$job"
	[ "$output" = "$(printf '5\tFAILED\t2:0')" ]
	grep -qx "slurm.sbatch: $TMP/runs.txt has no line 5" "$TMP/bad-${job}_5.log"
}
