#!/usr/bin/env bats
# ad-reject: soft-rejection weights above the q-quantile per group; expected
# values from numpy (tests/fixtures/gen-stats.py).
setup() { load test_helper; load numcmp; }

@test "ad-reject: defaults q = 0.5, ts = 0.1 match numpy on groups with ties and tiny groups" {
	run -0 --separate-stderr ad-reject "$FIX/stats-groups.tsv"
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-groups.reject"
}

@test "ad-reject: -Q 0.25 -t 0 (hard rejection) matches numpy" {
	ad-reject -Q 0.25 -t 0 "$FIX/stats-groups.tsv" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-groups.reject-q25-t0"
}

@test "ad-reject: -d drops the rejected rows (q = 0.75) and adds no column" {
	ad-reject -d -Q 0.75 "$FIX/stats-groups.tsv" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/stats-groups.reject-q75-drop"
	# the kept rows are the input's rows, byte for byte
	grep -v '^#' "$TMP/out" | grep . | while IFS= read -r l; do grep -qxF "$l" "$FIX/stats-groups.tsv"; done
}

@test "ad-reject: ties at the quantile are kept (strict >); q = 1 keeps all; q = 0 rejects all above the minimum" {
	run -0 ad-reject -Q 0.25 -t 0.5 < <(printf '1\n1\n1\n1\n2\n5\n')
	[ "$output" = "$(printf '1\t1\n1\t1\n1\t1\n1\t1\n2\t0.5\n5\t0.5')" ]
	run -0 ad-reject -Q 1 < <(printf '3\n1\n2\n')
	[ "$output" = "$(printf '3\t1\n1\t1\n2\t1')" ]
	run -0 ad-reject -Q 0 -t 0 < <(printf '3\n1\n2\n1\n')
	[ "$output" = "$(printf '3\t0\n1\t1\n2\t0\n1\t1')" ]
}

@test "ad-reject: a group of one row is never rejected; a constant group neither" {
	run -0 ad-reject -Q 0 < <(printf '0\t9\n\n0\t4\n0\t4\n0\t4\n')
	[ "$output" = "$(printf '0\t9\t1\n\n0\t4\t1\n0\t4\t1\n0\t4\t1')" ]
}

@test "ad-reject: -c picks the column by name or number" {
	printf '#w0\tloss\n5\t0.3\n1\t0.1\n9\t0.2\n' > "$TMP/in"
	run -0 ad-reject -c loss "$TMP/in"
	[ "$output" = "$(printf '#w0\tloss\tw\n5\t0.3\t0.1\n1\t0.1\t1\n9\t0.2\t1')" ]
	run -0 ad-reject -c 1 "$TMP/in"
	[ "$output" = "$(printf '#w0\tloss\tw\n5\t0.3\t1\n1\t0.1\t1\n9\t0.2\t0.1')" ]
}

@test "ad-reject: -n rows groups, with the empty lines of the input honoured too" {
	# groups {4,1,3} {2} (empty line) {8,6,7}: medians 3, 2, 7
	run -0 ad-reject -n 3 < <(printf '4\n1\n3\n2\n\n8\n6\n7\n')
	[ "$output" = "$(printf '4\t0.1\n1\t1\n3\t1\n2\t1\n\n8\t0.1\n6\t1\n7\t1')" ]
}

@test "ad-reject: answers a group before the next one is written (co-process)" {
	{ printf '#label\tscore\n0\t1\n1\t9\n\n'; sleep 1; touch "$TMP/second"; printf '0\t3\n\n'; } |
	ad-reject -d | {
		IFS= read -r h; IFS= read -r a; IFS= read -r e
		[ -e "$TMP/second" ] && echo late || printf '%s|%s|%s\n' "$h" "$a" "$e"
		cat > /dev/null
	} > "$TMP/res"
	[ "$(cat "$TMP/res")" = "#label	score|0	1|" ]
}

@test "ad-reject: -h, --help, -V, --version" {
	run -0 --separate-stderr ad-reject -h
	[ "${lines[0]}" = "usage: ad-reject [-d] [-n rows] [-c column] [-Q quantile] [-t ts] [file]" ]
	[[ "$output" == *"-Q quantile  rejection quantile, 0 to 1 [0.5] (--quantile)"* ]]
	[[ "$output" == *"[0.1]"* ]]
	[ -z "$stderr" ]
	run -0 ad-reject --help
	[ "${lines[0]}" = "usage: ad-reject [-d] [-n rows] [-c column] [-Q quantile] [-t ts] [file]" ]
	run -0 ad-reject -V
	[[ "$output" == "ad-reject (adpipe) "* ]]
	run -0 ad-reject --version
	[[ "$output" == "ad-reject (adpipe) "* ]]
}

@test "ad-reject: bad options and values are usage errors (exit 2)" {
	run -2 --separate-stderr ad-reject -x
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "ad-reject: unknown option or missing argument: -x" ]
	[ "${stderr_lines[1]}" = "usage: ad-reject [-d] [-n rows] [-c column] [-Q quantile] [-t ts] [file]" ]
	run -2 --separate-stderr ad-reject -Q 1.5
	[ "${stderr_lines[0]}" = "ad-reject: -Q: bad value '1.5' (expected a number from 0 to 1)" ]
	run -2 --separate-stderr ad-reject -t -0.1
	[ "${stderr_lines[0]}" = "ad-reject: -t: bad value '-0.1' (expected a number from 0 to 1)" ]
	run -2 --separate-stderr ad-reject -n 2x
	[ "${stderr_lines[0]}" = "ad-reject: -n: bad value '2x' (expected an integer from 0 to 1099511627776)" ]
	run -2 --separate-stderr ad-reject -Q
	[ "${stderr_lines[0]}" = "ad-reject: unknown option or missing argument: -Q" ]
	run -2 --separate-stderr ad-reject x y
	[ "${stderr_lines[0]}" = "ad-reject: too many operands" ]
}

@test "ad-reject: bad input is a data error naming file and line (exit 1)" {
	printf '#label\tscore\n0\t1\n\n1\n' > "$TMP/short"
	run -1 --separate-stderr ad-reject "$TMP/short"
	[ "$stderr" = "ad-reject: $TMP/short:4: expected 2 columns, got 1" ]
	[ "$output" = "$(printf '#label\tscore\tw\n0\t1\t1')" ]
	run -1 --separate-stderr ad-reject < <(printf '0\t1\n0\t-nan\n')
	[ "$stderr" = "ad-reject: <stdin>:2: column 2: not a finite number '-nan'" ]
	run -1 --separate-stderr ad-reject < <(printf '0\t1\n0\t1.5.2\n')
	[ "$stderr" = "ad-reject: <stdin>:2: column 2: bad number '1.5.2'" ]
	run -1 --separate-stderr ad-reject < /dev/null
	[ "$stderr" = "ad-reject: <stdin>: no rows" ]
	run -1 --separate-stderr ad-reject -c z "$FIX/stats-groups.tsv"
	[ "$stderr" = "ad-reject: $FIX/stats-groups.tsv: no column 'z' (columns: label, score)" ]
	run -1 --separate-stderr ad-reject "$TMP/none"
	[ "$stderr" = "ad-reject: $TMP/none: No such file or directory" ]
}

@test "ad-reject: a closed pipe ends quietly; a full disk fails loudly" {
	seq 100000 > "$TMP/big"
	run -0 --separate-stderr bash -c 'ad-reject "$1" | head -1' _ "$TMP/big"
	[ -z "$stderr" ]
	[ "$output" = "1	1" ]
	run -1 --separate-stderr bash -c 'ad-reject "$1" > /dev/full' _ "$FIX/stats-groups.tsv"
	[ "$stderr" = "ad-reject: write error: No space left on device" ]
}

@test "ad-reject: the man page examples run" {
	run -0 bash -c "printf '0\t1\n0\t2\n1\t9\n\n0\t3\n0\t4\n' | ad-reject"
	[ "$output" = "$(printf '0\t1\t1\n0\t2\t1\n1\t9\t0.1\n\n0\t3\t1\n0\t4\t0.1')" ]
	# the 0.9-quantile of 1..20 is 1 + 19 * 0.9 = 18.1
	run -0 bash -c "seq 20 | ad-reject -d -Q 0.9"
	[ "$output" = "$(seq 18)" ]
}
