#!/bin/sh
# check-asan.sh: the whole suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer (make check-asan), in a copy of the tree under
# build/asan so that the normal objects stay as they are.  Any sanitizer report
# aborts the program that made it, which fails its test.
#
# Leaks: a tool that dies on a data error (ad_die) exits holding memory on
# purpose, so LeakSanitizer is off while the suite runs, then on for a second
# run of the unit tests and of every fuzz input, which must end with nothing
# allocated.  (check-valgrind covers the tools' normal runs.)
# Usage: check-asan.sh [CC]
set -e
cd "$(dirname "$0")/.."
cc=${1:-cc}
flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
dir=build/asan
rm -rf "$dir"
mkdir -p "$dir"
tar cf - --exclude=./build --exclude=./.git --exclude=./examples/out . | (cd "$dir" && tar xf -)
cd "$dir"
make clean > /dev/null
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
base=exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1
ASAN_OPTIONS=$base:detect_leaks=0 make check CC="$cc" CFLAGS="$flags" LDFLAGS="$flags"

export ASAN_OPTIONS=$base:detect_leaks=1
units=$(ls tests/unit/test_* | grep -v '\.[ch]$')
set -- $units
if ! out=$("./$1" 2>&1) && printf '%s' "$out" | grep -q 'LeakSanitizer has encountered a fatal error'; then
	echo "check-asan: LeakSanitizer cannot run here (ptrace restricted?): leak pass skipped"
	exit 0
fi
for t in $units; do
	"./$t" > /dev/null || { echo "check-asan: leak in $t" >&2; exit 1; }
done
for src in tests/fuzz/fuzz_*.c; do
	n=${src#tests/fuzz/fuzz_}
	n=${n%.c}
	build/fuzz/fuzz_$n tests/fuzz/corpus/$n tests/fuzz/regress/$n > /dev/null ||
		{ echo "check-asan: leak in fuzz_$n" >&2; exit 1; }
done
echo "check-asan: clean (suite, then leaks in $# unit tests and every fuzz input)"
