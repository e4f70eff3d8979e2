#!/bin/sh
# valgrind.sh: the BATS suite with every tool of bin/ run under valgrind's
# memcheck (make check-valgrind).  A wrapper per tool in build/valgrind/ (put
# first on PATH through AD_BIN) fails the run, exit 99 with valgrind's report on
# stderr, on any invalid access or use of uninitialised memory, and on a
# definite or indirect leak when the tool ends normally (exit 0).  Leaks on an
# error exit (ad_die) are memory still held when the process ends, not leaks.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }
rm -rf build/valgrind
mkdir -p build/valgrind
for t in bin/ad-*; do
	name=${t#bin/}
	cat > "build/valgrind/$name" <<-WRAP
	#!/bin/sh
	log=\$(mktemp "\${TMPDIR:-/tmp}/vg.XXXXXX") || exit 98
	valgrind -q --log-file="\$log" --error-exitcode=99 --leak-check=full \\
		--errors-for-leak-kinds=none --show-leak-kinds=definite,indirect \\
		--child-silent-after-fork=yes "$top/$t" "\$@"
	rc=\$?
	if [ \$rc -eq 99 ] || { [ \$rc -eq 0 ] && [ -s "\$log" ]; }; then
		cat "\$log" >&2
		rm -f "\$log"
		exit 99
	fi
	rm -f "\$log"
	exit \$rc
	WRAP
	chmod +x "build/valgrind/$name"
done
# Tests that measure latency (a co-process answering in time) cannot pass at
# valgrind's speed: their failures are listed but do not count.
tap=build/valgrind/tap
set +e
AD_BIN="$top/build/valgrind" bats --tap "${@:-tests/}" > "$tap" 2>&1
set -e
cat "$tap"
timing='co-process|in time'
bad=$(grep '^not ok ' "$tap" | grep -Ev "$timing" || true)
slow=$(grep '^not ok ' "$tap" | grep -E "$timing" || true)
[ -z "$slow" ] || printf 'valgrind.sh: timing tests, not counted:\n%s\n' "$slow"
if [ -n "$bad" ]; then
	printf 'check-valgrind: FAILED:\n%s\n' "$bad"
	exit 1
fi
echo "check-valgrind: clean ($(grep -c '^ok ' "$tap") tests passed)"
