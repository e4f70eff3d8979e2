#!/usr/bin/env bats
# ad-load: CSV/TSV column selection, missing values, text labels; the
# LIBSVM/svmlight sparse format.
setup() {
	load test_helper
	printf 'id,a,b,class,c\n1,0.5,NA,normal,3\n2,1,2,attack,4\n3,,5,normal,6\n' > "$TMP/t.csv"
}

@test "ad-load -k/-K: value columns by number, range or header name" {
	run -0 ad-load -H -c class -N normal -k a,c -M 9 "$TMP/t.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t0.5\t3\n1\t1\t4\n0\t9\t6')" ]
	run -0 ad-load -H -c 4 -N normal -k 2-3 -M -1 "$TMP/t.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t0.5\t-1\n1\t1\t2\n0\t-1\t5')" ]
	run -0 ad-load -H -c class -N normal -K id,b -M 0 "$TMP/t.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t0.5\t3\n1\t1\t4\n0\t0\t6')" ]
	# keep, then drop from what is kept; without a header by number only
	tail -n +2 "$TMP/t.csv" > "$TMP/nh.csv"
	run -0 ad-load -c 4 -N normal -k 1-5 -K 2,3 "$TMP/nh.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n0\t1\t3\n1\t2\t4\n0\t3\t6')" ]
	# a TSV with -k and a header
	tr , '\t' < "$TMP/t.csv" > "$TMP/t.tsv"
	run -0 ad-load -H -c class -N attack -k id "$TMP/t.tsv"
	[ "$output" = "$(printf '#adv 1 dim=1\n1\t1\n0\t2\n1\t3')" ]
}

@test "ad-load -k/-K: errors name the option and the column" {
	run -1 --separate-stderr ad-load -H -c class -N normal -k a,zz "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv: -k: no column named 'zz' in the header" ]
	run -1 --separate-stderr ad-load -c 4 -N normal -K 1,9 "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv: -K: column 9 out of range (5 fields)" ]
	run -1 --separate-stderr ad-load -c 4 -k a "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv: -k: 'a' is not a column number or range (names need -H)" ]
	run -1 --separate-stderr ad-load -H -c class -N normal -k class "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv: -k: column 4 is the label column" ]
	run -1 --separate-stderr ad-load -H -c class -N normal -K id,a,b,c "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv:2: no value columns besides the label" ]
}

@test "ad-load -M: missing values refused by default, imputed, or their rows skipped" {
	run -1 --separate-stderr ad-load -H -c class -N normal "$TMP/t.csv"
	[ "$stderr" = "ad-load: $TMP/t.csv:2: field 3: not a number 'NA' (a missing value: -M VALUE imputes it, -M skip drops the row)" ]
	[ -z "$output" ] || [ "$output" = "#adv 1 dim=4" ]
	run -0 ad-load -H -c class -N normal -M 0.25 "$TMP/t.csv"
	[ "$output" = "$(printf '#adv 1 dim=4\n0\t1\t0.5\t0.25\t3\n1\t2\t1\t2\t4\n0\t3\t0.25\t5\t6')" ]
	run -0 ad-load -H -c class -N normal -M skip "$TMP/t.csv"
	[ "$output" = "$(printf '#adv 1 dim=4\n1\t2\t1\t2\t4')" ]
	# every token counts as missing: empty, NA, N/A, NaN, nan, ?, null, NULL
	printf '1,,NA,N/A,NaN,nan,?,null,NULL,2\n' > "$TMP/m.csv"
	run -0 ad-load -M 7 "$TMP/m.csv"
	[ "$output" = "$(printf '#adv 1 dim=10\n0\t1\t7\t7\t7\t7\t7\t7\t7\t7\t2')" ]
	# only missing tokens are imputed: other text stays an error
	printf '1,x\n' > "$TMP/x.csv"
	run -1 --separate-stderr ad-load -M 0 "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/x.csv:1: field 2: not a number 'x'" ]
	run -2 --separate-stderr ad-load -M abc "$TMP/x.csv"
	[[ "${stderr_lines[0]}" == "ad-load: -M: bad value 'abc'"* ]]
}

@test "ad-load -N: text labels, the normal one 0 and every other 1; numbers compare as numbers" {
	printf 'normal.,1\nsmurf.,2\nneptune.,3\nnormal.,4\n' > "$TMP/l.csv"
	run -0 ad-load -c 1 -N normal. "$TMP/l.csv"
	[ "$(grep -v '^#' <<< "$output" | cut -f 1 | tr -d '\n')" = "0110" ]
	printf '1.0,5\n2,6\n1,7\n' > "$TMP/n.csv"
	run -0 ad-load -c 1 -N 1 "$TMP/n.csv"
	[ "$(grep -v '^#' <<< "$output" | cut -f 1 | tr -d '\n')" = "010" ]
	run -2 --separate-stderr ad-load -N '' "$TMP/n.csv"
	[ "${stderr_lines[0]}" = "ad-load: -N: empty label" ]
}

@test "ad-load svmlight: sparse rows to dense vectors, detected by the file name" {
	printf '+1 1:0.5 3:2 # a comment\n-1 qid:3 2:1\n\n# a comment line\n1 4:7\n' > "$TMP/a.svm"
	run -0 ad-load "$TMP/a.svm"
	[ "$output" = "$(printf '#adv 1 dim=4\n1\t0.5\t0\t2\t0\n-1\t0\t1\t0\t0\n1\t0\t0\t0\t7')" ]
	# -D gives the width (a test file without the last features), -N maps labels
	run -0 ad-load -f svmlight -N 1 -D 6 < "$TMP/a.svm"
	[ "$output" = "$(printf '#adv 1 dim=6\n0\t0.5\t0\t2\t0\t0\t0\n1\t0\t1\t0\t0\t0\t0\n0\t0\t0\t0\t7\t0\t0')" ]
	# binary output, and back: the same rows
	ad-load -b "$TMP/a.svm" > "$TMP/a.bin"
	run -0 ad-load "$TMP/a.bin"
	[ "$output" = "$(printf '#adv 1 dim=4\n1\t0.5\t0\t2\t0\n-1\t0\t1\t0\t0\n1\t0\t0\t0\t7')" ]
}

@test "ad-load svmlight: errors name the line" {
	printf '1 1:2\n1 3:1 2:5\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm:2: index 2 after 3 (indices must increase)" ]
	printf '1 1:2\n1 0:1\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm:2: '0:1' is not index:value (index from 1)" ]
	printf '1 1:2\n1 2:x\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm:2: index 2: bad value 'x'" ]
	printf '1 1:2\nyes 2:1\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm:2: label 'yes' is not an integer (-N names the normal label of text labels, -L a vocabulary)" ]
	printf '1 5:2\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load -D 4 "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm:1: index 5 above the dimension 4 (-D)" ]
	printf '# nothing\n\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm: empty input" ]
	printf '1\n0\n' > "$TMP/b.svm"
	run -1 --separate-stderr ad-load "$TMP/b.svm"
	[ "$stderr" = "ad-load: $TMP/b.svm: no feature in any row (give the dimension with -D)" ]
	run -0 ad-load -D 2 "$TMP/b.svm"
	[ "$output" = "$(printf '#adv 1 dim=2\n1\t0\t0\n0\t0\t0')" ]
}
