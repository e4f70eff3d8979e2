#!/usr/bin/env bats
# ad-reject -A: adaptive rejection (aar.h, man/ad-reject.1 "ADAPTIVE REJECTION").
# The mixture fit itself is checked in tests/unit/test_gmm.c; here: the hard
# threshold against an awk median/MAD, the weights against the thresholds the
# tool reports, warm-up, degenerate groups, drop mode, options.
setup() { load test_helper; }

# 60 scores spread around 1, 15 around 2.2, 3 far out, as one group
mixed() {
	awk 'BEGIN { for (i = 0; i < 60; i++) printf "0\t%.4f\n", 1 + 0.3 * sin(i * 1.7);
	             for (i = 0; i < 15; i++) printf "1\t%.4f\n", 2.2 + 0.2 * sin(i * 2.3);
	             print "1\t9.5"; print "1\t12"; print "1\t30" }'
}

# median and MAD of the second column, by sort (independent of the C code)
med_mad() {
	cut -f2 "$1" | sort -g > "$TMP/sorted"
	awk '{ v[NR] = $1 } END { n = NR; m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
	       print m }' "$TMP/sorted" > "$TMP/med"
	awk -v m="$(cat "$TMP/med")" '{ d = $1 - m; print d < 0 ? -d : d }' "$TMP/sorted" | sort -g |
	awk -v m="$(cat "$TMP/med")" '{ v[NR] = $1 } END { n = NR;
	       printf "%.17g %.17g\n", m, n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

@test "ad-reject -A: t_hard is median + 3.5 MAD / 0.6745; every w follows the reported thresholds" {
	mixed > "$TMP/in"
	run -0 --separate-stderr ad-reject -A "$TMP/in"
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$TMP/out"
	read -r med mad < <(med_mad "$TMP/in")
	awk -F '\t' -v med="$med" -v mad="$mad" '
		{ want = med + 3.5 * mad / 0.6745; d = $4 - want; if (d < 0) d = -d
		  if (d > 1e-12 * want) { print "t_hard " $4 " want " want; bad = 1 }
		  w = ($2 > $4) ? 0 : ($2 > $5) ? 0.1 : 1
		  if ($3 != w) { print "row " NR ": w " $3 " want " w; bad = 1 }
		  if (!($5 <= $4)) { print "t_soft above t_hard"; bad = 1 }
		  n0 += $3 == 0; ns += $3 == 0.1; c = $6 }
		END { if (n0 != 3 || ns < 10) { print "hard " n0 " soft " ns; bad = 1 }
		      if (c < 0.15 || c > 0.3) { print "contam " c; bad = 1 }
		      exit bad }' "$TMP/out"
	# one group: the same thresholds on every row
	[ "$(cut -f4-6 "$TMP/out" | sort -u | wc -l)" -eq 1 ]
}

@test "ad-reject -A: the header names w, t_hard, t_soft, contam; -t sets the soft weight" {
	{ printf '#label\tscore\n'; mixed; } > "$TMP/in"
	run -0 ad-reject -A "$TMP/in"
	[ "${lines[0]}" = "#label	score	w	t_hard	t_soft	contam" ]
	ad-reject -A "$TMP/in" > "$TMP/a"
	ad-reject -A -t 0.25 "$TMP/in" > "$TMP/b"
	# same thresholds, 0.1 -> 0.25
	cmp <(cut -f1,2,4- "$TMP/a") <(cut -f1,2,4- "$TMP/b")
	cmp <(cut -f3 "$TMP/a" | sed 's/^0\.1$/0.25/') <(cut -f3 "$TMP/b")
	grep -q '	0.25	' "$TMP/b"
}

@test "ad-reject -A -W: no soft rejection in the warm-up groups, then as without it" {
	{ mixed; echo; mixed; echo; mixed; } > "$TMP/in"
	ad-reject -A "$TMP/in" > "$TMP/plain"
	ad-reject -A -W 2 "$TMP/in" > "$TMP/warm"
	# groups 1 and 2: weights 0 or 1, t_soft = t_hard; group 3 unchanged
	awk -F '\t' 'NF == 0 { g++; next } g < 2 && ($3 != 0 && $3 != 1 || $5 != $4) { bad = 1 }
	             END { exit bad }' "$TMP/warm"
	[ "$(awk 'NF == 0 { g++; next } g == 2' "$TMP/plain")" = "$(awk 'NF == 0 { g++; next } g == 2' "$TMP/warm")" ]
	grep -q '	0.1	' <(awk 'NF == 0 { g++; next } g == 2' "$TMP/warm")
	# the hard rejections are there during the warm-up
	[ "$(awk -F '\t' 'NF && $3 == 0' "$TMP/warm" | wc -l)" -eq 9 ]
}

@test "ad-reject -A: degenerate groups (constant, one row, too few to fit, MAD = 0)" {
	# constant: nothing rejected, both thresholds the value, contamination 0
	run -0 ad-reject -A < <(printf '4\n4\n4\n4\n4\n4\n4\n4\n4\n4\n')
	[ "$output" = "$(for i in 1 2 3 4 5 6 7 8 9 10; do printf '4\t1\t4\t4\t0\n'; done)" ]
	# one row
	run -0 ad-reject -A < <(printf '0\t9\n')
	[ "$output" = "$(printf '0\t9\t1\t9\t9\t0')" ]
	# five rows: hard rejection of 100 (median 1.05, MAD 0.05), no mixture
	run -0 ad-reject -A < <(printf '1\n1.1\n0.9\n1.05\n100\n')
	awk -F '\t' 'BEGIN { t = 1.05 + 3.5 * 0.05 / 0.6745 }
		{ d = $3 - t; if (d < 0) d = -d; if (d > 1e-12 || $4 != $3 || $5 != 0.2) bad = 1
		  if ($2 != ($1 == 100 ? 0 : 1)) bad = 1 } END { exit bad }' <<< "$output"
	# MAD = 0 (most values equal): the mean absolute deviation sets the scale
	run -0 ad-reject -A < <(printf '2\n2\n2\n2\n2\n2\n3\n50\n')
	# median 2, MeanAD = 49/8, t_hard = 2 + 3.5 * 1.253314 * 49/8
	awk -F '\t' 'BEGIN { t = 2 + 3.5 * 1.253314 * 49 / 8 }
		{ d = $3 - t; if (d < 0) d = -d; if (d > 1e-12 * t) bad = 1
		  if ($2 != ($1 == 50 ? 0 : 1)) bad = 1 } END { exit bad }' <<< "$output"
}

@test "ad-reject -A -d drops every row with w < 1 and adds no column" {
	mixed > "$TMP/in"
	ad-reject -A "$TMP/in" | awk -F '\t' '$3 == 1 { print $1 "\t" $2 }' > "$TMP/want"
	ad-reject -A -d "$TMP/in" > "$TMP/got"
	cmp "$TMP/want" "$TMP/got"
	[ "$(wc -l < "$TMP/got")" -lt 70 ]
}

@test "ad-reject -A: -J and -X (--aar-tau, --aar-guard) move the thresholds" {
	mixed > "$TMP/in"
	a=$(ad-reject -A "$TMP/in" | head -1 | cut -f4,5)
	b=$(ad-reject -A -J 10 "$TMP/in" | head -1 | cut -f4,5)
	c=$(ad-reject -A -X 5 "$TMP/in" | head -1 | cut -f4,5)
	[ "${a%	*}" != "${b%	*}" ]      # t_hard grows with tau
	awk -v a="${a%	*}" -v b="${b%	*}" 'BEGIN { exit !(b > a) }'
	awk -v a="${a#*	}" -v c="${c#*	}" 'BEGIN { exit !(c > a) }'   # t_soft grows with the guard
}

@test "ad-reject -A answers a group before the next one is written (co-process)" {
	{ printf '#label\tscore\n0\t1\n1\t9\n\n'; sleep 1; touch "$TMP/second"; printf '0\t3\n\n'; } |
	ad-reject -A | {
		IFS= read -r h; IFS= read -r a; IFS= read -r b; IFS= read -r e
		[ -e "$TMP/second" ] && echo late || printf '%s|%s|%s\n' "$h" "$a" "$e"
		cat > /dev/null
	} > "$TMP/res"
	[ "$(cat "$TMP/res")" = "#label	score	w	t_hard	t_soft	contam|0	1	1	25.756115641215715	25.756115641215715	0|" ]
}

@test "ad-reject -A: usage errors and help" {
	run -2 --separate-stderr ad-reject -A -Q 0.5
	[ "${stderr_lines[0]}" = "ad-reject: -Q does not apply to -A (adaptive rejection)" ]
	run -2 --separate-stderr ad-reject -J 3
	[ "${stderr_lines[0]}" = "ad-reject: -J, -X and -W apply to -A (adaptive rejection) only" ]
	run -2 --separate-stderr ad-reject -A -W -1
	[[ "${stderr_lines[0]}" == "ad-reject: -W: bad value '-1'"* ]]
	run -2 --separate-stderr ad-reject -A -J x
	[[ "${stderr_lines[0]}" == "ad-reject: -J: bad value 'x'"* ]]
	run -0 ad-reject -h
	[ "${lines[1]}" = "       ad-reject -A [-d] [-n rows] [-c column] [-t ts] [-J tau] [-X guard]" ]
	[[ "$output" == *"-J tau       -A: hard-rejection threshold on the modified z-score [3.5]"* ]]
}

@test "ad-reject -A: the long names --adaptive, --aar-tau, --aar-guard, --aar-warmup" {
	{ mixed() { awk 'BEGIN { for (i = 0; i < 60; i++) printf "0\t%.4f\n", 1 + 0.3 * sin(i * 1.7);
	                         print "1\t9.5" }'; }; mixed; echo; mixed; } > "$TMP/in"
	ad-reject -A -J 2 -X 0.5 -W 1 "$TMP/in" > "$TMP/a"
	ad-reject --adaptive --aar-tau 2 --aar-guard=0.5 --aar-warmup 1 "$TMP/in" | cmp - "$TMP/a"
	! ad-reject -A "$TMP/in" | cmp -s - "$TMP/a"
}
