#!/bin/sh
# deps.sh [check|lint|slurm]: the set-up of make check (default), make lint or
# make check-slurm.  The test suite calls BATS and a few standard tools, make
# lint calls cppcheck and mandoc, make check-slurm Slurm's daemons; every one that is missing is installed with the system's package
# manager when that is possible (root with apt-get: Debian, Ubuntu), otherwise
# the target stops here, before any test, with one line that says what to
# install and how.  Set AD_NO_INSTALL=1 to never install (then only the line).
# Exit status 0: all there; 1: something is missing.
#
# Each entry is TOOL:PACKAGE (the Debian package that brings the tool).
what=${1:-check}
case $what in
check) need="bats:bats gzip:gzip awk:mawk cmp:diffutils seq:coreutils od:coreutils dd:coreutils mkfifo:coreutils timeout:coreutils" ;;
lint) need="cppcheck:cppcheck mandoc:mandoc" ;;
slurm) need="slurmctld:slurm-wlm slurmd:slurm-wlm sbatch:slurm-wlm" ;;
*) echo "deps.sh: unknown target '$what' (check, lint or slurm)" >&2; exit 2 ;;
esac

# the make target, for the messages
target=$what
[ "$what" = slurm ] && target=check-slurm

missing_tools="" missing_pkgs=""
scan() {
	missing_tools="" missing_pkgs=""
	for e in $need; do
		t=${e%%:*} p=${e#*:}
		command -v "$t" > /dev/null 2>&1 && continue
		missing_tools="$missing_tools $t"
		case " $missing_pkgs " in *" $p "*) ;; *) missing_pkgs="$missing_pkgs $p" ;; esac
	done
}

scan
[ -z "$missing_tools" ] && exit 0

if [ "${AD_NO_INSTALL:-0}" != 1 ] && [ "$(id -u 2> /dev/null)" = 0 ] &&
	command -v apt-get > /dev/null 2>&1; then
	echo "make $target: installing$missing_pkgs (missing:$missing_tools) with apt-get" >&2
	if apt-get update -qq > /dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_pkgs > /dev/null; then
		scan
		[ -z "$missing_tools" ] && exit 0
	fi
fi
case $what in
check) elsewhere="; BATS elsewhere: brew install bats-core, dnf install bats, or https://github.com/bats-core/bats-core" ;;
lint) elsewhere="; elsewhere the same names in brew or dnf" ;;
slurm) elsewhere="; elsewhere your distribution's Slurm packages" ;;
esac
echo "make $target: missing$missing_tools; install the Debian/Ubuntu packages$missing_pkgs (as root: apt-get install$missing_pkgs$elsewhere), then run make $target again" >&2
exit 1
