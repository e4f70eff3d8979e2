#!/bin/sh
# run.sh NAME SECONDS [TIMEOUT]: fuzz build/fuzz/lf/fuzz_NAME for SECONDS with libFuzzer.
# The working corpus grows in build/fuzz/corpus/NAME (seeded from
# tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME); a crash, leak, timeout or
# over-limit allocation is saved as build/fuzz/crash/NAME-*.  One line of
# figures goes to build/fuzz/report/NAME.txt.  TIMEOUT: seconds one input may
# take (default 10; raise it on a busy machine).  Exit 1 if anything was found.
name=$1 secs=${2:-60} tmo=${3:-10}
bin=build/fuzz/lf/fuzz_$name
work=build/fuzz/corpus/$name
mkdir -p "$work" build/fuzz/crash build/fuzz/report build/fuzz/log
dict=
[ -f "tests/fuzz/dict/$name.dict" ] && dict="-dict=tests/fuzz/dict/$name.dict"
seeds=
for d in "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name"; do
	[ -d "$d" ] && seeds="$seeds $d"
done
log=build/fuzz/log/$name.log
# the file-based targets write their input to a file each run: keep it in memory
[ -z "$TMPDIR" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
# -malloc_limit_mb: a parser that believes a size field and allocates hundreds of
# megabytes for a small input is a finding, like a crash.
# shellcheck disable=SC2086
ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" -timeout="$tmo" \
	-malloc_limit_mb=512 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	-artifact_prefix="build/fuzz/crash/$name-" $dict "$work" $seeds > "$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
status=ok
[ "$rc" -ne 0 ] && status="FOUND (exit $rc): see $log and build/fuzz/crash/$name-*"
printf '%-10s %4ss  execs %10s  (%s/s)  cov %5s  ft %6s  corpus %5s  %s\n' \
	"$name" "$secs" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$status" \
	| tee "build/fuzz/report/$name.txt"
[ "$rc" -eq 0 ]
