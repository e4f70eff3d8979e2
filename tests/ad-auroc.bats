#!/usr/bin/env bats
# ad-auroc: AUROC with midrank ties, ROC points, average precision; expected
# values from numpy (pairwise comparison; tests/fixtures/gen-stats.py) and by hand.
setup() { load test_helper; load numcmp; }

# within 1e-6 of the number in field $2 of the expected file's first line
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d <= 1e-6 && d >= -1e-6) }'; }

@test "ad-auroc: 203 rows with ties across classes match numpy (-l/-c by name)" {
	run -0 --separate-stderr ad-auroc -l class "$FIX/auroc-ties.tsv"
	[ -z "$stderr" ]
	[[ "$output" =~ ^0\.[0-9]{6}$ ]]
	near "$output" "$(cut -f1 "$FIX/auroc-ties.expected")"
}

@test "ad-auroc: -p adds the average precision after a TAB" {
	run -0 ad-auroc -p -l class -c score "$FIX/auroc-ties.tsv"
	near "$(printf '%s' "$output" | cut -f1)" "$(cut -f1 "$FIX/auroc-ties.expected")"
	near "$(printf '%s' "$output" | cut -f2)" "$(cut -f2 "$FIX/auroc-ties.expected")"
}

@test "ad-auroc: columns by number give the same; stdin and '-' too" {
	a=$(ad-auroc -l class "$FIX/auroc-ties.tsv")
	[ "$(ad-auroc -l 3 -c 2 "$FIX/auroc-ties.tsv")" = "$a" ]
	[ "$(ad-auroc -l 3 -c 2 - < "$FIX/auroc-ties.tsv")" = "$a" ]
	[ "$(ad-auroc -l class < "$FIX/auroc-ties.tsv")" = "$a" ]
}

@test "ad-auroc: -r prints the ROC points of numpy" {
	ad-auroc -r -l class "$FIX/auroc-ties.tsv" > "$TMP/out"
	numcmp "$TMP/out" "$FIX/auroc-ties.curve" 1e-15
}

@test "ad-auroc: hand-worked ties: 8/9, AP 5/6, the curve" {
	# anomalies 0.4 0.8 0.4, normals 0.1 0.35 0.4: pairs won 2.5 + 3 + 2.5 = 8 of 9
	printf '#label\tscore\n0\t0.1\n1\t0.4\n0\t0.35\n1\t0.8\n0\t0.4\n1\t0.4\n' > "$TMP/in"
	run -0 ad-auroc "$TMP/in"
	[ "$output" = "0.888889" ]
	run -0 ad-auroc -p "$TMP/in"
	[ "$output" = "0.888889	0.833333" ]
	run -0 ad-auroc -r "$TMP/in"
	[ "$output" = "$(printf '#fpr\ttpr\tthreshold\n0\t0\tinf\n0\t0.3333333333333333\t0.8\n0.3333333333333333\t1\t0.4\n0.6666666666666666\t1\t0.35\n1\t1\t0.1')" ]
}

@test "ad-auroc: all tied is 0.5; perfect 1; reversed 0; empty lines are ignored" {
	run -0 ad-auroc < <(printf '0\t3\n1\t3\n\n0\t3\n1\t3\n')
	[ "$output" = "0.500000" ]
	run -0 ad-auroc < <(printf '0\t1\n1\t2\n')
	[ "$output" = "1.000000" ]
	run -0 ad-auroc < <(printf '1\t1\n0\t2\n')
	[ "$output" = "0.000000" ]
}

@test "ad-auroc: only one class is a clear error" {
	run -1 --separate-stderr ad-auroc < <(printf '#label\tscore\n0\t1\n0\t2\n')
	[ -z "$output" ]
	[ "$stderr" = "ad-auroc: <stdin>: only one class: 2 normal, 0 anomalous" ]
	printf '1\t1\n1\t2\n1\t0\n' > "$TMP/ones"
	run -1 --separate-stderr ad-auroc -r "$TMP/ones"
	[ "$stderr" = "ad-auroc: $TMP/ones: only one class: 0 normal, 3 anomalous" ]
	run -1 --separate-stderr ad-auroc -p "$TMP/ones"
	[ "$stderr" = "ad-auroc: $TMP/ones: only one class: 0 normal, 3 anomalous" ]
}

@test "ad-auroc: labels other than 0 and 1 are an error with the line" {
	printf '#label\tscore\n0\t1\n3\t2\n' > "$TMP/cls"
	run -1 --separate-stderr ad-auroc "$TMP/cls"
	[ "$stderr" = "ad-auroc: $TMP/cls:3: column 1 (label): a label must be 0 or 1, got 3" ]
}

@test "ad-auroc: bad input is a data error naming file and line" {
	printf '#label\tscore\n0\t1\n1\n' > "$TMP/short"
	run -1 --separate-stderr ad-auroc "$TMP/short"
	[ "$stderr" = "ad-auroc: $TMP/short:3: expected 2 columns, got 1" ]
	run -1 --separate-stderr ad-auroc < <(printf '0\t1\n1\tNaN\n')
	[ "$stderr" = "ad-auroc: <stdin>:2: column 2: not a finite number 'NaN'" ]
	run -1 --separate-stderr ad-auroc < <(printf '0\t1\n1\tx\n')
	[ "$stderr" = "ad-auroc: <stdin>:2: column 2: bad number 'x'" ]
	run -1 --separate-stderr ad-auroc < /dev/null
	[ "$stderr" = "ad-auroc: <stdin>: no rows" ]
	run -1 --separate-stderr ad-auroc "$FIX/auroc-ties.tsv"
	[ "$stderr" = "ad-auroc: $FIX/auroc-ties.tsv: no column 'label' (columns: id, score, class)" ]
	run -1 --separate-stderr ad-auroc -l class -c 4 "$FIX/auroc-ties.tsv"
	[ "$stderr" = "ad-auroc: $FIX/auroc-ties.tsv: column 4 out of range (3 columns)" ]
	run -1 --separate-stderr ad-auroc "$TMP/none"
	[ "$stderr" = "ad-auroc: $TMP/none: No such file or directory" ]
}

@test "ad-auroc: -h, --help, -V, --version; usage errors exit 2" {
	run -0 --separate-stderr ad-auroc -h
	[ "${lines[0]}" = "usage: ad-auroc [-p | -r] [-l column] [-c column] [file]" ]
	[ -z "$stderr" ]
	run -0 ad-auroc --help
	[ "${lines[0]}" = "usage: ad-auroc [-p | -r] [-l column] [-c column] [file]" ]
	run -0 ad-auroc -V
	[[ "$output" == "ad-auroc (adpipe) "* ]]
	run -0 ad-auroc --version
	[[ "$output" == "ad-auroc (adpipe) "* ]]
	run -2 --separate-stderr ad-auroc -q
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "ad-auroc: unknown option or missing argument: -q" ]
	[ "${stderr_lines[1]}" = "usage: ad-auroc [-p | -r] [-l column] [-c column] [file]" ]
	run -2 --separate-stderr ad-auroc -p -r
	[ "${stderr_lines[0]}" = "ad-auroc: -p, -r and -a (or -t, -m, -d, -n) cannot be combined" ]
	run -2 --separate-stderr ad-auroc -l
	[ "${stderr_lines[0]}" = "ad-auroc: unknown option or missing argument: -l" ]
	run -2 --separate-stderr ad-auroc a b
	[ "${stderr_lines[0]}" = "ad-auroc: too many operands" ]
}

@test "ad-auroc: a closed pipe ends quietly; a full disk fails loudly" {
	run -0 --separate-stderr bash -c 'ad-auroc -r -l class "$1" | head -1' _ "$FIX/auroc-ties.tsv"
	[ -z "$stderr" ]
	[ "$output" = "#fpr	tpr	threshold" ]
	run -1 --separate-stderr bash -c 'ad-auroc -l class "$1" > /dev/full' _ "$FIX/auroc-ties.tsv"
	[ "$stderr" = "ad-auroc: write error: No space left on device" ]
}

@test "ad-auroc: the man page examples run" {
	run -0 bash -c "printf '0\t0.1\n1\t0.4\n0\t0.35\n1\t0.8\n0\t0.4\n1\t0.4\n' | ad-auroc -p"
	[ "$output" = "0.888889	0.833333" ]
	run -0 bash -c "printf '7\t0.9\t1\n8\t0.2\t0\n' | ad-auroc -c 2 -l 3"
	[ "$output" = "1.000000" ]
}
