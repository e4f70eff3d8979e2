#!/usr/bin/env bats
# tests/deps.sh, make check's set-up, in a PATH without bats: the decision to
# install (root with apt-get) or to stop with one line, and nothing done when
# everything is there.  apt-get and id are stand-ins that record their calls.

setup() {
	load test_helper
	B="$TMP/bin"; mkdir -p "$B"
	for t in sh gzip awk cmp seq od dd mkfifo timeout cat chmod; do
		ln -s "$(command -v $t)" "$B/$t"
	done
	LOG="$TMP/calls"; : > "$LOG"
	# id -u prints $FAKE_UID
	printf '#!/bin/sh\necho "id $*" >> "%s"\necho "${FAKE_UID:-1000}"\n' "$LOG" > "$B/id"
	# apt-get records its arguments; "install P..." brings a command P for each package
	# (bats, cppcheck, mandoc are named as their packages) unless APT_FAILS is set
	cat > "$B/apt-get" <<SH
#!/bin/sh
echo "apt-get \$*" >> "$LOG"
[ -n "\$APT_FAILS" ] && exit 100
case " \$* " in *" install "*) for x in \$*; do case \$x in -*|install) ;; *) printf '#!/bin/sh\n' > "$B/\$x"; chmod +x "$B/\$x" ;; esac; done ;; esac
exit 0
SH
	chmod +x "$B/id" "$B/apt-get"
}

deps() { env -i PATH="$B" "$@" "$B/sh" "$TOP/tests/deps.sh"; }

@test "deps: not root, no bats: one line naming what to install, exit 1, nothing installed" {
	run -1 --separate-stderr deps FAKE_UID=1000
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "make check: missing bats; install the Debian/Ubuntu packages bats (as root: apt-get install bats;"* ]]
	run ! grep -q apt-get "$LOG"
}

@test "deps: root with apt-get, no bats: installs the package, then passes" {
	run -0 --separate-stderr deps FAKE_UID=0
	[ "$stderr" = "make check: installing bats (missing: bats) with apt-get" ]
	grep -qx 'apt-get update -qq' "$LOG"
	grep -qx 'apt-get install -y -qq bats' "$LOG"
	[ -x "$B/bats" ]
}

@test "deps: root, but the install fails: the one line, exit 1" {
	run -1 --separate-stderr deps FAKE_UID=0 APT_FAILS=1
	[[ "$stderr" == *"make check: missing bats; install"* ]]
	[ ! -e "$B/bats" ]
}

@test "deps: AD_NO_INSTALL=1 never installs, even as root" {
	run -1 --separate-stderr deps FAKE_UID=0 AD_NO_INSTALL=1
	run ! grep -q apt-get "$LOG"
}

@test "deps: root without apt-get: the one line" {
	rm "$B/apt-get"
	run -1 --separate-stderr deps FAKE_UID=0
	[[ "$stderr" == "make check: missing bats;"* ]]
}

@test "deps: several tools missing: each named once, packages once" {
	rm "$B/seq" "$B/od" "$B/gzip"
	run -1 --separate-stderr deps FAKE_UID=1000
	[[ "$stderr" == "make check: missing bats gzip seq od; install the Debian/Ubuntu packages bats gzip coreutils (as root"* ]]
}

@test "deps: everything there: silent, exit 0, no package manager asked" {
	printf '#!/bin/sh\n' > "$B/bats"; chmod +x "$B/bats"
	run -0 --separate-stderr deps FAKE_UID=0
	[ -z "$output$stderr" ]
	[ ! -s "$LOG" ]
}

@test "deps: make check runs the set-up before any test" {
	ln -s "$(command -v make)" "$B/make"
	run -2 --separate-stderr env PATH="$B" AD_NO_INSTALL=1 make -s -C "$TOP" check-deps
	[[ "$stderr" == *"make check: missing bats;"* ]]
	grep -q '^check test: check-deps ' "$TOP/Makefile"
}

@test "deps: make lint's tools: cppcheck and mandoc, with make lint's name in the line" {
	run -1 --separate-stderr deps FAKE_UID=1000
	run -1 --separate-stderr env -i PATH="$B" FAKE_UID=1000 "$B/sh" "$TOP/tests/deps.sh" lint
	[[ "$stderr" == "make lint: missing cppcheck mandoc; install the Debian/Ubuntu packages cppcheck mandoc (as root: apt-get install cppcheck mandoc;"* ]]
	run -0 --separate-stderr env -i PATH="$B" FAKE_UID=0 "$B/sh" "$TOP/tests/deps.sh" lint
	grep -qx 'apt-get install -y -qq cppcheck mandoc' "$LOG"
	run -2 --separate-stderr env -i PATH="$B" "$B/sh" "$TOP/tests/deps.sh" nonsense
	grep -q '^lint:' "$TOP/Makefile" && grep -A1 '^lint:' "$TOP/Makefile" | grep -q 'tests/deps.sh lint'
}

@test "deps: make check-slurm's daemons: slurm-wlm, with make check-slurm's name in the line" {
	run -1 --separate-stderr env -i PATH="$B" FAKE_UID=1000 "$B/sh" "$TOP/tests/deps.sh" slurm
	[[ "$stderr" == "make check-slurm: missing slurmctld slurmd sbatch; install the Debian/Ubuntu packages slurm-wlm (as root: apt-get install slurm-wlm;"* ]]
	# as root it installs the package (the stand-in apt-get brings a command
	# named slurm-wlm, not the daemons: still missing, exit 1)
	run -1 --separate-stderr env -i PATH="$B" FAKE_UID=0 "$B/sh" "$TOP/tests/deps.sh" slurm
	grep -qx 'apt-get install -y -qq slurm-wlm' "$LOG"
	grep -A2 '^check-slurm:' "$TOP/Makefile" | grep -q 'tests/deps.sh slurm'
}
