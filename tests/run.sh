#!/bin/sh
# Runs the C unit tests given as arguments, then the BATS suite, and closes with
# one line "check: N passed, M failed".  Exit status 1 if anything failed.
pass=0 fail=0
for t in "$@"; do
	if out=$("./$t" 2>&1); then
		pass=$((pass + 1)); echo "ok - $t"
	else
		fail=$((fail + 1)); echo "not ok - $t"; printf '%s\n' "$out" | sed 's/^/#   /'
	fi
done
if ls tests/*.bats >/dev/null 2>&1; then
	tap=$(mktemp) || exit 1
	bats --tap tests/*.bats > "$tap" 2>&1; brc=$?
	cat "$tap"
	p=$(grep -c '^ok ' "$tap"); f=$(grep -c '^not ok ' "$tap")
	[ "$brc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	rm -f "$tap"
fi
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
