#!/bin/sh
# parallel.sh [-S logins | --sshloginfile FILE] [-j N] [--] EXPERIMENT [VAR=value ...]
#
# Runs the training runs of one examples experiment (table1, fig3, ...) with GNU parallel,
# on this machine (-S :, the default) or on the machines of an ssh login file, then gathers
# and summarises them with `make EXPERIMENT` here.  Every job is `make -C examples RUN-FILE`,
# so the usual resume holds: finished runs are skipped, rerunning completes a broken sweep.
# Remote machines must see this repository (built, same architecture) at the same path,
# e.g. on a shared file system, and the data directories given in the VARs.
# Options before the experiment go to parallel (-S, --sshloginfile, -j, --joblog ...).
# Example:  examples/cluster/parallel.sh --sshloginfile nodes -- table1 DATASET=mnist EPOCHS=100
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
popts=
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	-S|--sshlogin|--sshloginfile|--slf|-j|--jobs|--joblog|--results|--timeout)
		[ $# -ge 2 ] || { echo "parallel.sh: $1 needs a value" >&2; exit 2; }
		popts="$popts $1 $2"; shift 2 ;;
	-*) popts="$popts $1"; shift ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: parallel.sh [parallel options] [--] EXPERIMENT [VAR=value ...]" >&2; exit 2; }
exp=$1; shift
command -v parallel > /dev/null 2>&1 ||
	{ echo "parallel.sh: GNU parallel is not installed (apt-get install parallel)" >&2; exit 1; }
case " $popts " in *" -S "*|*" --sshlogin"*|*" --slf "*) ;; *) popts="-S : $popts" ;; esac
list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT
make -s --no-print-directory -C "$here" "$@" "list-$exp" > "$list"
n=$(wc -l < "$list")
echo "parallel.sh: $exp: $n jobs; data first, here"
# data (loads and splits) made once here, so that jobs do not race to make the same split
make -s --no-print-directory -C "$here" "$@" "prep-$exp"
rc=0
# shellcheck disable=SC2086
parallel --will-cite $popts -q make -s --no-print-directory -C "$here" "$@" {} :::: "$list" || rc=$?
[ "$rc" -eq 0 ] || echo "parallel.sh: $rc jobs failed; rerun to retry them" >&2
make -s --no-print-directory -C "$here" "$@" "$exp"
exit "$rc"
