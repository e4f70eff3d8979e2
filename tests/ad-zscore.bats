#!/usr/bin/env bats
# ad-zscore: modified z-score and alpha per group; expected values from numpy
# (tests/fixtures/gen-stats.py) and the golden batch A of tests/unit/test_stats.c.
setup() { load test_helper; load numcmp; }

@test "ad-zscore: groups with ties, even/odd counts, MAD = 0, constant, one and two rows match numpy" {
	run -0 --separate-stderr ad-zscore "$FIX/stats-groups.tsv"
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-groups.zscore"
}

@test "ad-zscore: -a and -z change alpha_r and the floor of m" {
	ad-zscore -a 1 -z 2 "$FIX/stats-groups.tsv" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-groups.zscore-a1-z2"
}

@test "ad-zscore: stdin, '-' and -c by name or number give the same bytes" {
	ad-zscore < "$FIX/stats-groups.tsv" > "$TMP/a"
	ad-zscore -c 2 - < "$FIX/stats-groups.tsv" > "$TMP/b"
	ad-zscore -c score "$FIX/stats-groups.tsv" > "$TMP/c"
	cmp "$TMP/a" "$TMP/b"
	cmp "$TMP/a" "$TMP/c"
}

@test "ad-zscore: golden batch A (z, alpha) with the score in column 1" {
	printf '#s\tlabel\n' > "$TMP/in"
	for s in 0.10 0.12 0.15 0.20 0.25 0.30 0.50 1.00 2.00 5.00; do printf '%s\t0\n' $s; done >> "$TMP/in"
	run -0 ad-zscore -c s "$TMP/in"
	[ "${lines[0]}" = "#s	label	z	alpha" ]
	printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $3, $4 }' > "$TMP/za"
	cat > "$TMP/exp" <<-'E'
	-0.715379 2
	-0.633621 2
	-0.510985 2
	-0.306591 2
	-0.102197 2
	0.102197 1.999986
	0.919773 1.998866
	2.963712 1.988228
	7.051591 1.933359
	19.315227 1.5
	E
	paste -d' ' "$TMP/za" "$TMP/exp" | awk '
		function abs(x) { return x < 0 ? -x : x }
		abs($1 - $3) > 1e-6 || abs($2 - $4) > 1e-6 { print "row " NR ": " $0; bad = 1 }
		END { exit bad }'
}

@test "ad-zscore: -n 10 makes groups of 10 rows (25 rows: 10, 10, 5)" {
	ad-zscore -n 10 "$FIX/stats-25.tsv" | ad-reject -n 10 > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-25.n10"
}

@test "ad-zscore: -n 0 is the whole input; -n larger than the input too" {
	ad-zscore "$FIX/stats-25.tsv" > "$TMP/a"
	ad-zscore -n 0 "$FIX/stats-25.tsv" > "$TMP/b"
	ad-zscore -n 1000 "$FIX/stats-25.tsv" > "$TMP/c"
	cmp "$TMP/a" "$TMP/b"
	cmp "$TMP/a" "$TMP/c"
	ad-zscore -n 10 "$FIX/stats-25.tsv" > "$TMP/d"
	run -1 cmp -s "$TMP/a" "$TMP/d"
}

@test "ad-zscore: a single row has z = 0 and alpha = 2; no header stays no header" {
	run -0 ad-zscore <<< "7.5"
	[ "$output" = "7.5	0	2" ]
	run -0 ad-zscore <<< "1	3"
	[ "$output" = "1	3	0	2" ]
}

@test "ad-zscore: MAD = 0 falls back to 1.253314 MeanAD; a constant group gets z = 0" {
	# {1,1,1,1,2,5}: median 1, MAD 0, MeanAD 5/6: z = (s - 1) / 1.0444283
	run -0 ad-zscore < <(printf '1\n1\n1\n1\n2\n5\n\n4\n4\n4\n')
	mapfile -t lines <<< "$output"
	[ "${lines[3]}" = "1	0	2" ]
	awk -v z="${lines[4]#*	}" 'BEGIN { split(z, a, "\t"); d = a[1] - 1 / 1.0444283333333333; exit !(d < 1e-12 && d > -1e-12) }'
	awk -v z="${lines[5]#*	}" 'BEGIN { split(z, a, "\t"); d = a[1] - 4 / 1.0444283333333333; exit !(d < 1e-12 && d > -1e-12 && a[2] == 1.5) }'
	[ "${lines[6]}" = "" ]
	[ "${lines[7]}" = "4	0	2" ]
	[ "${lines[9]}" = "4	0	2" ]
	[ "${#lines[@]}" -eq 10 ]
}

@test "ad-zscore: rows pass through as written; values round-trip exactly" {
	printf '#label\tscore\n0\t1e-3\n1\t0x1p-2\n0\t  7  \n' > "$TMP/in"
	run -0 ad-zscore "$TMP/in"
	[ "${lines[1]%%	-*}" = "0	1e-3" ]
	[[ "${lines[2]}" == "1	0x1p-2	"* ]]
	[[ "${lines[3]}" == "0	  7  	"* ]]
}

@test "ad-zscore: answers a group before the next one is written (co-process)" {
	{ printf '#label\tscore\n0\t1\n0\t2\n1\t9\n\n'; sleep 1; touch "$TMP/second"
	  printf '0\t3\n1\t4\n\n'; } | ad-zscore | {
		n=0
		while IFS= read -r l; do n=$((n + 1)); [ -z "$l" ] && break; done
		[ -e "$TMP/second" ] && echo late || echo "early $n"
		cat > /dev/null
	} > "$TMP/res"
	[ "$(cat "$TMP/res")" = "early 5" ]
}

@test "ad-zscore: the chain ad-zscore | ad-reject answers each group in time" {
	{ printf '0\t1\n0\t2\n1\t9\n\n'; sleep 1; touch "$TMP/second"; printf '0\t3\n\n'; } |
	ad-zscore | ad-reject | {
		IFS= read -r a; IFS= read -r b; IFS= read -r c; IFS= read -r e
		[ -e "$TMP/second" ] && echo late || printf '%s|%s|%s|%s\n' "$a" "$b" "$c" "$e"
		cat > /dev/null
	} > "$TMP/res"
	[ "$(cat "$TMP/res")" = "0	1	-0.6745	2	1|0	2	0	2	1|1	9	4.7215	1.5	0.1|" ]
}

@test "ad-zscore: empty lines: consecutive ones are empty groups, a trailing one is kept" {
	run -0 ad-zscore < <(printf '1\n3\n\n\n5\n\n')
	# alpha = 2 - 0.5 (0.6745/3.5)^2 = 1.9814306020408163 (python)
	printf '1\t-0.6745\t2\n3\t0.6745\t1.9814306020408163\n\n\n5\t0\t2\n\n' > "$TMP/exp"
	ad-zscore < <(printf '1\n3\n\n\n5\n\n') > "$TMP/out"
	cmp "$TMP/out" "$TMP/exp"
}

@test "ad-zscore: -h and --help print usage on stdout; -V and --version the version" {
	run -0 --separate-stderr ad-zscore -h
	[[ "${lines[0]}" == "usage: ad-zscore [-n rows] [-c column] [-a alpha_r] [-z floor] [file]" ]]
	[[ "$output" == *"-a alpha_r  lowest alpha [1.5]"* ]]
	[ -z "$stderr" ]
	run -0 ad-zscore --help
	[[ "${lines[0]}" == "usage: ad-zscore "* ]]
	run -0 ad-zscore -V
	[ "$output" = "ad-zscore (adpipe) $(sed -n 's/^VERSION *= *//p' "$BATS_TEST_DIRNAME/../Makefile")" ]
	run -0 ad-zscore --version
	[[ "$output" == "ad-zscore (adpipe) "* ]]
}

@test "ad-zscore: bad options and values are usage errors (exit 2)" {
	run -2 --separate-stderr ad-zscore -Z
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "ad-zscore: unknown option or missing argument: -Z" ]
	[ "${stderr_lines[1]}" = "usage: ad-zscore [-n rows] [-c column] [-a alpha_r] [-z floor] [file]" ]
	run -2 --separate-stderr ad-zscore -a 2.5
	[ "${stderr_lines[0]}" = "ad-zscore: -a: bad value '2.5' (expected a number from -100 to 2)" ]
	run -2 --separate-stderr ad-zscore -n -1
	[ "${stderr_lines[0]}" = "ad-zscore: -n: bad value '-1' (expected an integer from 0 to 1099511627776)" ]
	run -2 --separate-stderr ad-zscore -z x
	[ "${stderr_lines[0]}" = "ad-zscore: -z: bad value 'x' (expected a number from 0 to 1e+06)" ]
	run -2 --separate-stderr ad-zscore -c
	[ "${stderr_lines[0]}" = "ad-zscore: unknown option or missing argument: -c" ]
	run -2 --separate-stderr ad-zscore a b
	[ "${stderr_lines[0]}" = "ad-zscore: too many operands" ]
	run -2 --separate-stderr ad-zscore --batch 3
	[ "${stderr_lines[0]}" = "ad-zscore: unknown option --batch" ]
}

@test "ad-zscore: bad input is a data error naming file and line (exit 1)" {
	printf '#label\tscore\n0\t1\n1\t2\t3\n' > "$TMP/ragged"
	run -1 --separate-stderr ad-zscore "$TMP/ragged"
	[ "$stderr" = "ad-zscore: $TMP/ragged:3: expected 2 columns, got 3" ]
	printf '#label\tscore\n0\t1\n\n1\tabc\n' > "$TMP/word"
	run -1 --separate-stderr ad-zscore "$TMP/word"
	[ "$stderr" = "ad-zscore: $TMP/word:4: column 2: bad number 'abc'" ]
	printf '0\tnan\n' > "$TMP/nan"
	run -1 --separate-stderr ad-zscore < "$TMP/nan"
	[ "$stderr" = "ad-zscore: <stdin>:1: column 2: not a finite number 'nan'" ]
	printf '0\t1\n1\tinf\n' > "$TMP/inf"
	run -1 --separate-stderr ad-zscore "$TMP/inf"
	[ "$stderr" = "ad-zscore: $TMP/inf:2: column 2: not a finite number 'inf'" ]
	run -1 --separate-stderr ad-zscore < /dev/null
	[ "$stderr" = "ad-zscore: <stdin>: no rows" ]
	printf '#label\tscore\n' > "$TMP/hdr"
	run -1 --separate-stderr ad-zscore "$TMP/hdr"
	[ "$stderr" = "ad-zscore: $TMP/hdr: no rows" ]
	run -1 --separate-stderr ad-zscore -c s "$FIX/stats-groups.tsv"
	[ "$stderr" = "ad-zscore: $FIX/stats-groups.tsv: no column 's' (columns: label, score)" ]
	run -1 --separate-stderr ad-zscore -c 3 "$FIX/stats-groups.tsv"
	[ "$stderr" = "ad-zscore: $FIX/stats-groups.tsv: column 3 out of range (2 columns)" ]
	run -1 --separate-stderr ad-zscore "$TMP/nonexistent"
	[ "$stderr" = "ad-zscore: $TMP/nonexistent: No such file or directory" ]
}

@test "ad-zscore: a closed pipe ends quietly; a full disk fails loudly" {
	seq 100000 > "$TMP/big"
	run -0 --separate-stderr bash -c 'set -o pipefail; ad-zscore "$1" | head -1; true' _ "$TMP/big"
	[ -z "$stderr" ]
	# z = 0.6745 (1 - 50000.5) / 25000 (python: -1.3489865099999998)
	[ "$output" = "1	-1.3489865099999998	2" ]
	run -1 --separate-stderr bash -c 'ad-zscore "$1" > /dev/full' _ "$FIX/stats-groups.tsv"
	[ "$stderr" = "ad-zscore: write error: No space left on device" ]
}

@test "ad-zscore: the man page examples run" {
	run -0 bash -c "printf '%s\n' 0.10 0.12 0.15 0.20 0.25 0.30 0.50 1.00 2.00 5.00 | ad-zscore"
	[ "${lines[9]}" = "5.00	19.315227272727267	1.5" ]
	run -0 bash -c "printf '0\t1\n0\t2\n1\t9\n\n0\t3\n0\t4\n' | ad-zscore | ad-reject"
	[ "$output" = "$(printf '0\t1\t-0.6745\t2\t1\n0\t2\t0\t2\t1\n1\t9\t4.7215\t1.5\t0.1\n\n0\t3\t-0.6745\t2\t1\n0\t4\t0.6745\t1.9814306020408163\t0.1')" ]
}
