#!/usr/bin/env bats
# ad-load -L: text labels by a written vocabulary; ad-load -i: where each row
# comes from, to be joined with ad-score -i after sort.
setup() {
	load test_helper
	load gen_images
}

@test "ad-load -L: each label its integer; '*' for the rest; an unlisted label names its line" {
	printf 'normal.,1\nsmurf.,2\nneptune.,3\nnormal.,4\nback.,5\n' > "$TMP/l.csv"
	printf '# KDD labels\nnormal.\t0\nsmurf.\t1\nneptune.\t2\n\n*\t7\n' > "$TMP/v"
	run -0 --separate-stderr ad-load -c 1 -L "$TMP/v" "$TMP/l.csv"
	[ "$(grep -v '^#' <<< "$output" | cut -f 1 | tr '\n' ' ')" = "0 1 2 0 7 " ]
	# the values are those of integer labels
	cut -d, -f 2 "$TMP/l.csv" | paste -d, <(printf '0\n1\n2\n0\n7\n') - > "$TMP/i.csv"
	[ "$output" = "$(ad-load -c 1 "$TMP/i.csv")" ]
	# without '*': strict, the unlisted label and its line are named
	printf 'normal.\t0\nsmurf.\t1\nneptune.\t1\n' > "$TMP/v2"
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/v2" "$TMP/l.csv"
	[ "$stderr" = "ad-load: $TMP/l.csv:5: field 1: label 'back.' is not in the vocabulary $TMP/v2" ]
	# labels compare as text ('1.0' is not '1'); svmlight too
	printf '1.0 1:2\n1 1:3\n' > "$TMP/a.svm"
	printf '1\t0\n*\t1\n' > "$TMP/v3"
	run -0 ad-load -L "$TMP/v3" "$TMP/a.svm"
	[ "$output" = "$(printf '#adv 1 dim=1\n1\t2\n0\t3')" ]
	run -1 --separate-stderr ad-load -L "$TMP/v2" "$TMP/a.svm"
	[ "$stderr" = "ad-load: $TMP/a.svm:1: label '1.0' is not in the vocabulary $TMP/v2" ]
}

@test "ad-load -L: bad vocabularies name the line; -N and -L exclude each other" {
	printf '1,2\n' > "$TMP/x.csv"
	printf 'a\t0\nb 1\n' > "$TMP/v"
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/v" "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/v:2: expected label<TAB>integer" ]
	printf 'a\tzero\n' > "$TMP/v"
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/v" "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/v:1: 'zero' is not an integer label" ]
	printf 'a\t0\nb\t1\na\t1\n' > "$TMP/v"
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/v" "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/v:3: label 'a' listed twice" ]
	printf '# nothing\n' > "$TMP/v"
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/v" "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/v: no label in the vocabulary" ]
	run -1 --separate-stderr ad-load -c 1 -L "$TMP/none" "$TMP/x.csv"
	[[ "$stderr" == "ad-load: $TMP/none: "* ]]
	run -2 --separate-stderr ad-load -c 1 -N a -L "$TMP/v" "$TMP/x.csv"
	[ "${stderr_lines[0]}" = "ad-load: -N and -L exclude each other (one normal label, or a vocabulary)" ]
	[ -z "$output" ]
}

@test "ad-load -i: the source file and line of every row; joined with ad-score -i after sort" {
	# a CSV with a header, a blank line and a row skipped for a missing value
	printf 'a,b,class\n0.5,1,n\n\n2,NA,x\n3,4,x\n0.25,0.5,n\n' > "$TMP/d.csv"
	printf 'c1,c2,class\n7,8,n\n' > "$TMP/e.csv"
	run -0 ad-load -H -c class -N n -M skip -i "$TMP/ids" "$TMP/d.csv" "$TMP/e.csv"
	[ "$(cat "$TMP/ids")" = "$(printf '#id\tfile\tline\n1\t%s\t2\n2\t%s\t5\n3\t%s\t6\n4\t%s\t2' \
		"$TMP/d.csv" "$TMP/d.csv" "$TMP/d.csv" "$TMP/e.csv")" ]
	# each id's line holds that row: the adv row equals the line loaded alone
	grep -v '^#' <<< "$output" > "$TMP/rows"
	tail -n +2 "$TMP/ids" | while IFS="$(printf '\t')" read -r id f ln; do
		want=$(sed -n "${ln}p" "$f" | ad-load -f csv -c 3 -N n | tail -1)
		[ "$(sed -n "${id}p" "$TMP/rows")" = "$want" ]
	done
	# svmlight: the line, comments and blank lines counted; binary formats: the
	# row's number in its file; standard input is '-'
	printf '# head\n1 1:2\n\n-1 2:5\n' > "$TMP/a.svm"
	ad-load -b -H -c 3 -N n "$TMP/e.csv" > "$TMP/e.bin"
	ad-load -i "$TMP/ids2" "$TMP/a.svm" "$TMP/e.bin" - < "$TMP/e.bin" > /dev/null
	[ "$(tail -n +2 "$TMP/ids2" | cut -f 1,3 | tr '\t\n' ':,')" = "1:2,2:4,3:1,4:1," ]
	[ "$(tail -n +2 "$TMP/ids2" | cut -f 2 | tail -1)" = "-" ]
}

@test "ad-load -i with ad-score -i: flagged rows traced back to their source lines" {
	# 60 rows as CSV (label last), scored by an untrained-then-trained model
	gen_images 5 60 6 | tail -n +2 | awk -F '\t' -v OFS=, '{ l = $1; $1 = ""; sub(/^,/, ""); print $0, (l ? "odd" : "ok") }' > "$TMP/g.csv"
	ad-load -c -1 -N ok -i "$TMP/g.ids" "$TMP/g.csv" > "$TMP/g.adv"
	ad-train -q -A mlp:8-4 -B 10 -n 2 -o "$TMP/m" "$TMP/g.adv"
	ad-score -q -c 0.1 -i "$TMP/m" "$TMP/g.adv" | tail -n +2 | sort -t "$(printf '\t')" -k2,2gr |
		awk -F '\t' '$3 == 1 { print $4 }' | sort > "$TMP/flagged"
	[ "$(wc -l < "$TMP/flagged")" -eq 6 ]
	join -t "$(printf '\t')" "$TMP/flagged" <(tail -n +2 "$TMP/g.ids" | sort -k1,1) | sort -n > "$TMP/where"
	[ "$(wc -l < "$TMP/where")" -eq 6 ]
	# every flagged source line, loaded alone and scored, gives the flagged score
	while IFS="$(printf '\t')" read -r id f ln; do
		s1=$(ad-score "$TMP/m" "$TMP/g.adv" | sed -n "$((id + 1))p" | cut -f 2)
		s2=$(sed -n "${ln}p" "$f" | ad-load -f csv -c -1 -N ok | ad-score "$TMP/m" | tail -1 | cut -f 2)
		[ "$s1" = "$s2" ]
	done < "$TMP/where"
}

@test "ad-load -i: never an input, never standard output" {
	printf '1,2\n' > "$TMP/x.csv"
	run -2 --separate-stderr ad-load -c 1 -i - "$TMP/x.csv"
	[ "${stderr_lines[0]}" = "ad-load: -i -: standard output holds the rows" ]
	run -1 --separate-stderr ad-load -c 1 -i "$TMP/x.csv" "$TMP/x.csv"
	[ "$stderr" = "ad-load: $TMP/x.csv: is the same file as the input $TMP/x.csv: refusing to overwrite it" ]
	[ "$(cat "$TMP/x.csv")" = "1,2" ]
}
