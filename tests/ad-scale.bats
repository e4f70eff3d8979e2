#!/usr/bin/env bats
# ad-scale: fit, save, re-apply; constant features; strict statistics files.
# Data: feature 1 = 1 2 3 6 (min 1, max 6, mean 3, population std sqrt(3.5)),
# feature 2 constant 7.  Expected floats: float32 of the exact values, %.9g
# (python: (x-3)/sqrt(3.5) = -1.06904495 -0.534522474 0 1.60356748).
setup() {
	load test_helper
	printf '#adv 1 dim=2\n0\t1\t7\n1\t2\t7\n0\t3\t7\n1\t6\t7\n' > "$TMP/s.adv"
	printf '#adv 1 dim=2\n5\t11\t8\n' > "$TMP/t.adv"
}

@test "ad-scale: -h, --help, -V" {
	run -0 --separate-stderr ad-scale -h
	[[ "${lines[0]}" == "usage: ad-scale "* ]]
	[ -z "$stderr" ]
	run -0 ad-scale --help
	[[ "${lines[0]}" == "usage: ad-scale "* ]]
	run -0 ad-scale -V
	[[ "$output" =~ ^ad-scale\ \(adpipe\)\ [0-9] ]]
}

@test "ad-scale: usage errors (exit 2)" {
	run -2 --separate-stderr ad-scale -m a -o b
	[ "${stderr_lines[0]}" = "ad-scale: -m and -o exclude each other (apply or fit)" ]
	[[ "${stderr_lines[1]}" == "usage: ad-scale "* ]]
	run -2 --separate-stderr ad-scale -m a -z
	[ "${stderr_lines[0]}" = "ad-scale: -z, -c, -g, -l and -u are fitting options: with -m they come from the statistics file" ]
	run -2 --separate-stderr ad-scale -m a -g
	[ "${stderr_lines[0]}" = "ad-scale: -z, -c, -g, -l and -u are fitting options: with -m they come from the statistics file" ]
	run -2 --separate-stderr ad-scale -c l3
	[ "${stderr_lines[0]}" = "ad-scale: -c: 'l3' is not l1 or l2" ]
	run -2 --separate-stderr ad-scale -l 1 -u 1
	[ "${stderr_lines[0]}" = "ad-scale: -l 1 must be below -u 1" ]
	run -2 --separate-stderr ad-scale -l x
	[ "${stderr_lines[0]}" = "ad-scale: -l: bad value 'x' (expected a number from -1e+30 to 1e+30)" ]
	run -2 --separate-stderr ad-scale a b
	[ "${stderr_lines[0]}" = "ad-scale: too many operands" ]
	run -2 --separate-stderr ad-scale -m - -
	[ "${stderr_lines[0]}" = "ad-scale: -m: the statistics and the input cannot both be standard input" ]
	run -2 --separate-stderr ad-scale -q
	[ "${stderr_lines[0]}" = "ad-scale: unknown option or missing argument: -q" ]
	run -2 --separate-stderr ad-scale -o
	[ "${stderr_lines[0]}" = "ad-scale: unknown option or missing argument: -o" ]
}

@test "ad-scale: min-max fit, the statistics file, constant feature to lower" {
	run -0 --separate-stderr ad-scale -o "$TMP/st" "$TMP/s.adv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t0\t0\n1\t0.200000003\t0\n0\t0.400000006\t0\n1\t1\t0')" ]
	[ -z "$stderr" ]
	run -0 cat "$TMP/st"
	[ "$output" = "$(printf '#adscale 1 method=minmax dim=2 n=4 lower=0 upper=1\n#feature\tmin\tmax\tmean\tstd\n1\t1\t6\t3\t1.8708286933869707\n2\t7\t7\t7\t0')" ]
	# without -o: the same output, nothing saved
	ad-scale < "$TMP/s.adv" | cmp - <(ad-scale -o "$TMP/st2" "$TMP/s.adv")
}

@test "ad-scale: -l/-u set the range" {
	run -0 ad-scale -l -1 -u 1 "$TMP/s.adv"
	# -1 + 2 (x - 1) / 5: -1 -0.6 -0.2 1; constant: -1 + 0
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t-1\t-1\n1\t-0.600000024\t-1\n0\t-0.200000003\t-1\n1\t1\t-1')" ]
}

@test "ad-scale: z-score fit; constant feature to x - mean" {
	run -0 ad-scale -z -o "$TMP/st" "$TMP/s.adv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t-1.06904495\t0\n1\t-0.534522474\t0\n0\t0\t0\n1\t1.60356748\t0')" ]
	[ "$(head -1 "$TMP/st")" = "#adscale 1 method=zscore dim=2 n=4 lower=0 upper=1" ]
}

@test "ad-scale: -m re-applies train statistics to other data (streaming)" {
	ad-scale -o "$TMP/mm" "$TMP/s.adv" > /dev/null
	ad-scale -z -o "$TMP/zz" "$TMP/s.adv" > /dev/null
	# min-max: (11 - 1) / 5 = 2 (not clipped); constant: 0 + (8 - 7) = 1
	run -0 ad-scale -m "$TMP/mm" "$TMP/t.adv"
	[ "$output" = "$(printf '#adv 1 dim=2\n5\t2\t1')" ]
	# z-score: (11 - 3) / sqrt(3.5) = 4.27617979; constant: 8 - 7 = 1
	run -0 ad-scale -m "$TMP/zz" < "$TMP/t.adv"
	[ "$output" = "$(printf '#adv 1 dim=2\n5\t4.27617979\t1')" ]
	# applying saved statistics to the fitted data gives exactly the fitted output
	ad-scale -m "$TMP/zz" "$TMP/s.adv" | cmp - <(ad-scale -z "$TMP/s.adv")
	ad-scale -m "$TMP/mm" "$TMP/s.adv" | cmp - <(ad-scale "$TMP/s.adv")
	# binary output, and binary input
	ad-scale -b -m "$TMP/mm" "$TMP/s.adv" | ad-scale -m "$TMP/mm" -b | ad-load > "$TMP/twice"
	[ "$(sed -n 5p "$TMP/twice")" = "1	0	-7" ]
	# the statistics may come from standard input
	ad-scale -m - "$TMP/t.adv" < "$TMP/mm" | cmp - <(ad-scale -m "$TMP/mm" "$TMP/t.adv")
}

@test "ad-scale: bad input streams" {
	run -1 --separate-stderr ad-scale < /dev/null
	[ "$stderr" = "ad-scale: <stdin>: empty input" ]
	run -1 --separate-stderr ad-scale < <(printf '#adv 1 dim=2\n')
	[ "$stderr" = "ad-scale: <stdin>: no rows to fit the statistics on" ]
	run -1 --separate-stderr ad-scale < <(printf '#adv 1 dim=2\n0\t1\t2\n0\t1\n')
	[ "$stderr" = "ad-scale: <stdin>:3: expected 2 values, got 1" ]
	run -1 --separate-stderr ad-scale < <(printf '#adv 1 dim=2\n0\t1\tinf\n')
	[ "$stderr" = "ad-scale: <stdin>:2: field 3: value is not finite 'inf'" ]
	ad-scale -o "$TMP/mm" "$TMP/s.adv" > /dev/null
	run -1 --separate-stderr ad-scale -m "$TMP/mm" < <(printf '#adv 1 dim=3\n0\t1\t2\t3\n')
	[ "$stderr" = "ad-scale: <stdin>: rows of 3 values, the statistics $TMP/mm have 2" ]
	run -1 --separate-stderr ad-scale -m "$TMP/mm" < <(printf '#adv 1 dim=2\n0\t1\tx\n')
	[ "$stderr" = "ad-scale: <stdin>:2: field 3: not a number 'x'" ]
	# a scaled value beyond float range
	printf '#adv 1 dim=1\n0\t0\n0\t1e-30\n' > "$TMP/tiny.adv"
	run -0 ad-scale -z -o "$TMP/tz" "$TMP/tiny.adv"
	[ "$output" = "$(printf '#adv 1 dim=1\n0\t-1\n0\t1')" ]
	run -1 --separate-stderr ad-scale -m "$TMP/tz" < <(printf '#adv 1 dim=1\n0\t1e30\n')
	[ "$stderr" = "ad-scale: <stdin>: row 1: scaled value 1 is not finite" ]
	run -1 --separate-stderr bash -c 'ad-scale "$1" > /dev/full' _ "$TMP/s.adv"
	[ "$stderr" = "ad-scale: write error: No space left on device" ]
	run -1 --separate-stderr ad-scale -o /nonexistent/dir/st "$TMP/s.adv"
	[ "$stderr" = "ad-scale: /nonexistent/dir/st: No such file or directory" ]
}

@test "ad-scale: bad statistics files are rejected with a clear message" {
	ad-scale -o "$TMP/mm" "$TMP/s.adv" > /dev/null
	bad() { printf "$1" > "$TMP/bad"; run -1 --separate-stderr ad-scale -m "$TMP/bad" "$TMP/s.adv"; }
	bad ''
	[ "$stderr" = "ad-scale: $TMP/bad: empty statistics file" ]
	bad '#adv 1 dim=2\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: not an ad-scale statistics file (no #adscale header)" ]
	bad '#adscale 3 method=minmax dim=2 n=4 lower=0 upper=1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: unsupported statistics version 3 (expected 1 to 2)" ]
	bad '#adscale 1 method=minmax dim=2 n=4\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: bad header (expected '#adscale 1 method=M dim=D n=N lower=L upper=U')" ]
	bad '#adscale 1 method=minmax dim=2 n=4 lower=0 upper=1 extra\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: bad header (expected '#adscale 1 method=M dim=D n=N lower=L upper=U')" ]
	bad '#adscale 1 method=robust dim=2 n=4 lower=0 upper=1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: unknown method 'robust'" ]
	bad '#adscale 1 method=minmax dim=0 n=4 lower=0 upper=1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:1: bad header values (dim=0 n=4 lower=0 upper=1)" ]
	bad '#adscale 1 method=minmax dim=2 n=4 lower=0 upper=1\n1\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:2: expected the column line '#feature<TAB>min<TAB>max<TAB>mean<TAB>std'" ]
	h='#adscale 1 method=minmax dim=2 n=4 lower=0 upper=1\n#feature\tmin\tmax\tmean\tstd\n'
	bad "$h"'1\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad: 1 features, the header says dim=2" ]
	bad "$h"'1\t1\t6\t3\t1\n3\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:4: expected feature number 2" ]
	bad "$h"'1\t1\t6\t3\t1\n2\t1\t6\t3\n'
	[ "$stderr" = "ad-scale: $TMP/bad:4: expected 5 fields: number, min, max, mean, std (finite)" ]
	bad "$h"'1\t1\t6\t3\t1\n2\t1\t6\t3\t1\t0\n'
	[ "$stderr" = "ad-scale: $TMP/bad:4: expected 5 fields: number, min, max, mean, std (finite)" ]
	bad "$h"'1\t1\t6\t3\tnan\n2\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:3: expected 5 fields: number, min, max, mean, std (finite)" ]
	bad "$h"'1\t1\t6x\t3\t1\n2\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:3: expected 5 fields: number, min, max, mean, std (finite)" ]
	bad "$h"'1\t7\t6\t3\t1\n2\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:3: inconsistent statistics (min > max, or std < 0)" ]
	bad "$h"'1\t1\t6\t3\t1\n2\t1\t6\t3\t1\n3\t1\t6\t3\t1\n'
	[ "$stderr" = "ad-scale: $TMP/bad:5: more features than dim=2" ]
	run -1 --separate-stderr ad-scale -m "$TMP/none" "$TMP/s.adv"
	[ "$stderr" = "ad-scale: $TMP/none: No such file or directory" ]
	# the good file still works
	run -0 ad-scale -m "$TMP/mm" "$TMP/t.adv"
}

@test "ad-scale: a closed pipe ends quietly" {
	awk 'BEGIN { print "#adv 1 dim=50"; for (i = 0; i < 4000; i++) { printf "%d", i % 2; for (j = 0; j < 50; j++) printf "\t%d.5", j + i; printf "\n" } }' > "$TMP/big.adv"
	run bash -c 'ad-scale -z "$1" 2>"$2" | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}"' _ "$TMP/big.adv" "$TMP/err"
	# killed by SIGPIPE (141), or, where SIGPIPE is ignored, a write error (1)
	[ "$output" = 141 ] && [ ! -s "$TMP/err" ] || { [ "$output" = 1 ] && grep -q 'write error' "$TMP/err"; }
}

# Contrast normalisation and global statistics, against awk's double-precision arithmetic
# of the definitions in ad-scale(1): every row's values less their mean, over their mean
# absolute (l1) or root mean square (l2) deviation; then one min/max (or mean/std) over
# all values.  ad-scale writes float32 values with %.9g: agreement to 1e-6 relative.
gcn_expect() {   # gcn_expect l1|l2 minmax|zscore FILE: the expected rows (label, values)
	awk -v c="$1" -v m="$2" 'NR > 1 {
		lab[NR] = $1; d = NF - 1; mu = 0
		for (j = 2; j <= NF; j++) mu += $j
		mu /= d; s = 0
		for (j = 2; j <= NF; j++) s += c == "l1" ? ($j > mu ? $j - mu : mu - $j) : ($j - mu)^2
		s = c == "l1" ? s / d : sqrt(s / d); if (s == 0) s = 1
		for (j = 2; j <= NF; j++) {
			v[NR, j] = ($j - mu) / s; n++; sum += v[NR, j]
			if (n == 1 || v[NR, j] < lo) lo = v[NR, j]
			if (n == 1 || v[NR, j] > hi) hi = v[NR, j]
		}
		last = NR; dim = NF
	}
	END {
		mean = sum / n
		for (i = 2; i <= last; i++) for (j = 2; j <= dim; j++) q += (v[i, j] - mean)^2
		sd = sqrt(q / n)
		for (i = 2; i <= last; i++) {
			printf "%s", lab[i]
			for (j = 2; j <= dim; j++)
				printf "\t%.12g", m == "minmax" ? (v[i, j] - lo) / (hi - lo) : (v[i, j] - mean) / sd
			printf "\n"
		}
	}' "$3"
}
close_rows() {   # close_rows A B: same labels, values within 1e-6 relative (or 1e-7 absolute)
	paste "$1" "$2" | awk -F '\t' '{
		h = NF / 2; if ($1 != $(h + 1)) { print "label differs, row " NR; bad = 1 }
		for (j = 2; j <= h; j++) {
			a = $j; b = $(h + j); d = a - b; if (d < 0) d = -d
			t = (b < 0 ? -b : b) * 1e-6; if (t < 1e-7) t = 1e-7
			if (d > t) { print "row " NR " value " j - 1 ": " a " vs " b; bad = 1 }
		}
	} END { exit bad }'
}

@test "ad-scale -c l1 -g: per-row contrast, then one global min-max (matches awk)" {
	awk 'BEGIN { srand(7); print "#adv 1 dim=5"
		for (i = 0; i < 40; i++) { printf "%d", i % 2; for (j = 0; j < 5; j++) printf "\t%.6f", rand() * 10 * (j + 1) - 3; printf "\n" } }' > "$TMP/r.adv"
	printf '0\t4\t4\t4\t4\t4\n' >> "$TMP/r.adv"    # a constant row: all values 0 after -c
	run -0 ad-scale -c l1 -g -o "$TMP/st" "$TMP/r.adv"
	tail -n +2 <<< "$output" > "$TMP/got"
	gcn_expect l1 minmax "$TMP/r.adv" > "$TMP/want"
	[ "$(wc -l < "$TMP/got")" -eq 41 ]
	close_rows "$TMP/got" "$TMP/want"
	[ "$(head -n 1 "$TMP/st" | cut -d ' ' -f 1-3,8-)" = "#adscale 2 method=minmax contrast=l1 global=1" ]
	# every feature line holds the same global statistics
	[ "$(tail -n +3 "$TMP/st" | cut -f 2- | sort -u | wc -l)" -eq 1 ]
	# applied with -m: the same rows
	run -0 ad-scale -m "$TMP/st" "$TMP/r.adv"
	[ "$(tail -n +2 <<< "$output")" = "$(cat "$TMP/got")" ]
}

@test "ad-scale -c l2 -g -z: per-row contrast, then one global z-score (matches awk)" {
	awk 'BEGIN { srand(11); print "#adv 1 dim=4"
		for (i = 0; i < 30; i++) { printf "0"; for (j = 0; j < 4; j++) printf "\t%.5f", rand() * (j + 2); printf "\n" } }' > "$TMP/r.adv"
	run -0 ad-scale -c l2 -g -z "$TMP/r.adv"
	tail -n +2 <<< "$output" > "$TMP/got"
	gcn_expect l2 zscore "$TMP/r.adv" > "$TMP/want"
	close_rows "$TMP/got" "$TMP/want"
	# -c alone keeps per-feature statistics: feature 1 spans exactly [0, 1]
	run -0 ad-scale -c l2 "$TMP/r.adv"
	[ "$(tail -n +2 <<< "$output" | cut -f 2 | sort -g | sed -n '1p;$p' | tr '\n' ' ')" = "0 1 " ]
}

@test "ad-scale: statistics files without -c and -g stay version 1; version 2 is checked" {
	run -0 ad-scale -o - "$TMP/s.adv"
	[[ "${lines[0]}" == "#adscale 1 method=minmax dim=2 n=4 lower=0 upper=1" ]]
	run -0 ad-scale -c l1 -o "$TMP/st" "$TMP/s.adv"
	[[ "$(head -n 1 "$TMP/st")" == "#adscale 2 "*" contrast=l1 global=0" ]]
	sed '1s/contrast=l1/contrast=l3/' "$TMP/st" > "$TMP/bad"
	run -1 --separate-stderr ad-scale -m "$TMP/bad" "$TMP/t.adv"
	[ "$stderr" = "ad-scale: $TMP/bad:1: bad contrast=l3 or global=0 (none, l1 or l2; 0 or 1)" ]
	run -0 ad-scale -g -o "$TMP/st" "$TMP/s.adv"
	awk 'NR == 4 { $2 = $2 + 1 } { print }' OFS='\t' "$TMP/st" > "$TMP/bad"
	run -1 --separate-stderr ad-scale -m "$TMP/bad" "$TMP/t.adv"
	[ "$stderr" = "ad-scale: $TMP/bad:4: global=1, but the statistics differ from feature 1's" ]
	sed '1s/ contrast=none global=1//' "$TMP/st" > "$TMP/bad"
	run -1 --separate-stderr ad-scale -m "$TMP/bad" "$TMP/t.adv"
	[ "$stderr" = "ad-scale: $TMP/bad:1: bad header (expected '#adscale 2 method=M dim=D n=N lower=L upper=U contrast=C global=G')" ]
}
