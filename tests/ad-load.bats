#!/usr/bin/env bats
# ad-load: IDX, CIFAR, CSV/TSV and vector-stream input; every bad-input class.
# Small inputs are generated here with printf; expected floats are float32
# divisions printed with %.9g (computed independently with python's struct).
setup() { load test_helper; }

# IDX images: 3 items of 2x2 u8 (0..3, 4..7, 8 9 10 255); labels 7 0 9
mk_idx() {
	printf '\0\0\010\003\0\0\0\003\0\0\0\002\0\0\0\002' > "$TMP/img"
	printf '\0\1\2\3\4\5\6\7\010\011\012\377' >> "$TMP/img"
	printf '\0\0\010\001\0\0\0\003\007\0\011' > "$TMP/lab"
}

# CIFAR-10: record 1 label 3, first pixel 255; record 2 label 9, last pixel 128
mk_cifar() {
	{ printf '\003\377'; head -c 3071 /dev/zero; printf '\011'; head -c 3071 /dev/zero
	  printf '\200'; } > "$TMP/c.bin"
}

@test "ad-load: -h and --help print usage on stdout" {
	run -0 --separate-stderr ad-load -h
	[[ "${lines[0]}" == "usage: ad-load "* ]]
	[[ "$output" == *"idx "*"cifar "*"csv "*"tsv "* ]]
	[ -z "$stderr" ]
	run -0 --separate-stderr ad-load --help
	[[ "${lines[0]}" == "usage: ad-load "* ]]
}

@test "ad-load: -V and --version" {
	run -0 ad-load -V
	[[ "$output" =~ ^ad-load\ \(adpipe\)\ [0-9] ]]
	run -0 ad-load --version
	[[ "$output" =~ ^ad-load\ \(adpipe\)\ [0-9] ]]
}

@test "ad-load: bad options are usage errors (exit 2)" {
	run -2 --separate-stderr ad-load -Z
	[ "${stderr_lines[0]}" = "ad-load: unknown option or missing argument: -Z" ]
	[[ "${stderr_lines[1]}" == "usage: ad-load "* ]]
	[ -z "$output" ]
	run -2 --separate-stderr ad-load -f jpeg
	[ "${stderr_lines[0]}" = "ad-load: -f: unknown format 'jpeg'" ]
	run -2 --separate-stderr ad-load -S 0
	[ "${stderr_lines[0]}" = "ad-load: -S: bad value '0' (expected a number from 1e-30 to 1e+30)" ]
	run -2 --separate-stderr ad-load -S abc
	[ "${stderr_lines[0]}" = "ad-load: -S: bad value 'abc' (expected a number from 1e-30 to 1e+30)" ]
	run -2 --separate-stderr ad-load -d ab
	[ "${stderr_lines[0]}" = "ad-load: -d: bad delimiter 'ab' (one character, or '\\t')" ]
	run -2 --separate-stderr ad-load -c name x.csv
	[ "${stderr_lines[0]}" = "ad-load: -c: 'name' is a column name: it needs -H" ]
	run -2 --separate-stderr ad-load -l lab a b
	[ "${stderr_lines[0]}" = "ad-load: -l: a labels file goes with exactly one input file" ]
	run -2 --separate-stderr ad-load --bogus
	[ "${stderr_lines[0]}" = "ad-load: unknown option --bogus" ]
}

@test "ad-load: IDX images with labels, shape from the header" {
	mk_idx
	run -0 --separate-stderr ad-load -l "$TMP/lab" "$TMP/img"
	[ "${lines[0]}" = "#adv 1 dim=4 shape=1x2x2" ]
	[ "${lines[1]}" = "7	0	1	2	3" ]
	[ "${lines[2]}" = "0	4	5	6	7" ]
	[ "${lines[3]}" = "9	8	9	10	255" ]
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
}

@test "ad-load: IDX detected on standard input; no labels file gives label 0" {
	mk_idx
	run -0 --separate-stderr ad-load < "$TMP/img"
	[ "${lines[0]}" = "#adv 1 dim=4 shape=1x2x2" ]
	[ "${lines[3]}" = "0	8	9	10	255" ]
	run -0 --separate-stderr ad-load -f idx - < "$TMP/img"
	[ "${lines[1]}" = "0	0	1	2	3" ]
}

@test "ad-load: -S 255 divides in float32" {
	mk_idx
	run -0 ad-load -S 255 -l "$TMP/lab" "$TMP/img"
	[ "${lines[1]}" = "7	0	0.00392156886	0.00784313772	0.0117647061" ]
	[ "${lines[3]}" = "9	0.0313725509	0.0352941193	0.0392156877	1" ]
}

@test "ad-load: -b writes the ADVB header and little-endian records" {
	mk_idx
	ad-load -b -l "$TMP/lab" "$TMP/img" > "$TMP/o.bin"
	run -0 od -An -tx1 -N 44 "$TMP/o.bin"
	[ "$(echo $output)" = "41 44 56 42 01 00 00 00 04 00 00 00 01 00 00 00 02 00 00 00 02 00 00 00 07 00 00 00 00 00 00 00 00 00 80 3f 00 00 00 40 00 00 40 40" ]
	[ "$(wc -c < "$TMP/o.bin")" -eq $((24 + 3 * 20)) ]
}

@test "ad-load: IDX float32 and 2-d files (no shape), big-endian decoding" {
	# 2 items x 2 values: 1.0 -2.5 / 0.5 65536
	printf '\0\0\015\002\0\0\0\002\0\0\0\002\077\200\0\0\300\040\0\0\077\0\0\0\107\200\0\0' > "$TMP/f"
	run -0 ad-load "$TMP/f"
	[ "${lines[0]}" = "#adv 1 dim=2" ]
	[ "${lines[1]}" = "0	1	-2.5" ]
	[ "${lines[2]}" = "0	0.5	65536" ]
	# int16 labels file: 258, -1
	printf '\0\0\013\001\0\0\0\002\001\002\377\377' > "$TMP/l16"
	run -0 ad-load -l "$TMP/l16" "$TMP/f"
	[ "${lines[1]}" = "258	1	-2.5" ]
	[ "${lines[2]}" = "-1	0.5	65536" ]
}

@test "ad-load: IDX NaN value is an error" {
	printf '\0\0\015\002\0\0\0\001\0\0\0\002\077\200\0\0\177\300\0\0' > "$TMP/f"
	run -1 --separate-stderr ad-load "$TMP/f"
	[ "$stderr" = "ad-load: $TMP/f: item 1: value 2 is not finite" ]
}

@test "ad-load: IDX bad magic, truncated header, truncated item, trailing data" {
	mk_idx
	printf '\1\0\010\003' > "$TMP/bad"
	run -1 --separate-stderr ad-load -f idx "$TMP/bad"
	[ "$stderr" = "ad-load: $TMP/bad: not an IDX file (bad magic)" ]
	head -c 10 "$TMP/img" > "$TMP/th"
	run -1 --separate-stderr ad-load "$TMP/th"
	[ "$stderr" = "ad-load: $TMP/th: truncated IDX header" ]
	head -c 22 "$TMP/img" > "$TMP/ti"
	run -1 --separate-stderr ad-load "$TMP/ti"
	[ "$stderr" = "ad-load: $TMP/ti: item 2: truncated (2 of 4 bytes)" ]
	cat "$TMP/img" "$TMP/img" > "$TMP/tt"
	run -1 --separate-stderr ad-load "$TMP/tt"
	[ "$stderr" = "ad-load: $TMP/tt: trailing data after 3 items" ]
	printf '\0\0\010\003\0\0\0\0\0\0\0\002\0\0\0\002' > "$TMP/zero"
	run -1 --separate-stderr ad-load "$TMP/zero"
	[ "$stderr" = "ad-load: $TMP/zero: the IDX file holds no items" ]
}

@test "ad-load: IDX labels file errors" {
	mk_idx
	printf '\0\0\010\001\0\0\0\002\007\0' > "$TMP/l2"
	run -1 --separate-stderr ad-load -l "$TMP/l2" "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/l2: 2 labels for 3 items in $TMP/img" ]
	printf '\0\0\010\001\0\0\0\003\007\0' > "$TMP/l3"
	run -1 --separate-stderr ad-load -l "$TMP/l3" "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/l3: item 3: truncated (0 of 1 bytes)" ]
	cat "$TMP/lab" > "$TMP/l4"; printf '\1' >> "$TMP/l4"
	run -1 --separate-stderr ad-load -l "$TMP/l4" "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/l4: trailing data after 3 items" ]
	run -1 --separate-stderr ad-load -l "$TMP/img" "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/img: not an IDX labels file (need one dimension of integers)" ]
	run -1 --separate-stderr ad-load -l "$TMP/nope" "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/nope: No such file or directory" ]
	run -1 --separate-stderr ad-load -l "$TMP/lab" -f csv "$TMP/img"
	[ "$stderr" = "ad-load: $TMP/img: a labels file (-l) is not used with csv input" ]
}

@test "ad-load: CIFAR-10 records, shape 3x32x32, several batches in order" {
	mk_cifar
	run -0 --separate-stderr ad-load -f cifar "$TMP/c.bin"
	[ "${lines[0]}" = "#adv 1 dim=3072 shape=3x32x32" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(echo "${lines[1]}" | awk -F'\t' '{print NF, $1, $2, $3, $NF}')" = "3073 3 255 0 0" ]
	[ "$(echo "${lines[2]}" | awk -F'\t' '{print NF, $1, $2, $NF}')" = "3073 9 0 128" ]
	# .bin names are detected as CIFAR-10; two operands are read in order
	run -0 ad-load -S 255 "$TMP/c.bin" "$TMP/c.bin"
	[ "${#lines[@]}" -eq 5 ]
	[ "$(echo "${lines[3]}" | cut -f1-3)" = "3	1	0" ]
	[ "$(echo "${lines[2]}" | awk -F'\t' '{print $NF}')" = "0.501960814" ]
}

@test "ad-load: CIFAR-100 uses the fine label" {
	{ printf '\023\143'; head -c 3072 /dev/zero; } > "$TMP/c100"
	run -0 ad-load -f cifar100 "$TMP/c100"
	[ "$(echo "${lines[1]}" | cut -f1)" = "99" ]
	{ printf '\024\143'; head -c 3072 /dev/zero; } > "$TMP/c100b"
	run -1 --separate-stderr ad-load -f cifar100 "$TMP/c100b"
	[ "$stderr" = "ad-load: $TMP/c100b: record 1: labels 20, 99 out of range (0 to 19, 0 to 99); not CIFAR-100?" ]
}

@test "ad-load: CIFAR truncated record, bad label, empty input" {
	mk_cifar
	head -c 5000 "$TMP/c.bin" > "$TMP/t.bin"
	run -1 --separate-stderr ad-load "$TMP/t.bin"
	[ "$stderr" = "ad-load: $TMP/t.bin: record 2: truncated (1927 of 3073 bytes)" ]
	{ printf '\012'; head -c 3072 /dev/zero; } > "$TMP/l.bin"
	run -1 --separate-stderr ad-load "$TMP/l.bin"
	[ "$stderr" = "ad-load: $TMP/l.bin: record 1: label 10 out of range (0 to 9); not CIFAR-10?" ]
	: > "$TMP/e.bin"
	run -1 --separate-stderr ad-load -f cifar "$TMP/e.bin"
	[ "$stderr" = "ad-load: $TMP/e.bin: empty input" ]
}

@test "ad-load: CSV with header, label column by name and number, quotes, CRLF, blank lines" {
	printf 'a,b,cls\n1,2.5,3\n" 4 ", -1e-3 ,"0"\n\n7,8,9\r\n' > "$TMP/x.csv"
	run -0 --separate-stderr ad-load -H -c cls "$TMP/x.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n3\t1\t2.5\n0\t4\t-0.00100000005\n9\t7\t8')" ]
	run -0 ad-load -H -c 3 "$TMP/x.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n3\t1\t2.5\n0\t4\t-0.00100000005\n9\t7\t8')" ]
	run -0 ad-load -H -c 1 -f csv - < "$TMP/x.csv"
	[ "${lines[1]}" = "1	2.5	3" ]
	run -0 ad-load -H "$TMP/x.csv"
	[ "${lines[0]}" = "#adv 1 dim=3" ]
	[ "${lines[2]}" = "0	4	-0.00100000005	0" ]
	run -0 ad-load -H -c none "$TMP/x.csv"
	[ "${lines[3]}" = "0	7	8	9" ]
	run -0 ad-load -H -c 0 "$TMP/x.csv"
	[ "${lines[3]}" = "0	7	8	9" ]
}

@test "ad-load: -c counts from the end with a minus sign" {
	printf '1,2,3\n4,5,6\n' > "$TMP/e.csv"
	run -0 ad-load -c -1 "$TMP/e.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n3\t1\t2\n6\t4\t5')" ]
	run -0 ad-load -c -3 "$TMP/e.csv"
	[ "$output" = "$(printf '#adv 1 dim=2\n1\t2\t3\n4\t5\t6')" ]
	run -1 --separate-stderr ad-load -c -4 "$TMP/e.csv"
	[ "$stderr" = "ad-load: $TMP/e.csv:1: label column -4, but the rows have 3 fields" ]
	run -2 --separate-stderr ad-load -c -0 "$TMP/e.csv"
	[ "${stderr_lines[0]}" = "ad-load: -c: bad column number '-0'" ]
	run -2 --separate-stderr ad-load -c - "$TMP/e.csv"
	[ "${stderr_lines[0]}" = "ad-load: -c: '-' is a column name: it needs -H" ]
	run -2 --separate-stderr ad-load -c '' "$TMP/e.csv"
	[ "${stderr_lines[0]}" = "ad-load: -c: empty column" ]
}

@test "ad-load: TSV, other delimiters, integral float labels" {
	printf '1\t2\n3\t4\n' > "$TMP/x.tsv"
	run -0 ad-load -c 2 "$TMP/x.tsv"
	[ "$output" = "$(printf '#adv 1 dim=1\n2\t1\n4\t3')" ]
	run -0 ad-load -f csv -d '\t' -c 1 < "$TMP/x.tsv"
	[ "$output" = "$(printf '#adv 1 dim=1\n1\t2\n3\t4')" ]
	run -0 ad-load -f csv -d ';' -c 2 < <(printf '0.5;1.0\n2;-3e0\n')
	[ "$output" = "$(printf '#adv 1 dim=1\n1\t0.5\n-3\t2')" ]
}

@test "ad-load: CSV ragged row, non-numeric field, NaN, Inf, overflow, empty field" {
	run -1 --separate-stderr ad-load -f csv < <(printf '1,2\n3\n')
	[ "$stderr" = "ad-load: <stdin>:2: expected 2 fields, got 1" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,2\n3,4,5\n')
	[ "$stderr" = "ad-load: <stdin>:2: expected 2 fields, got 3" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,2\n3,x7\n')
	[ "$stderr" = "ad-load: <stdin>:2: field 2: not a number 'x7'" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,2\n3,4x\n')
	[ "$stderr" = "ad-load: <stdin>:2: field 2: not a number '4x'" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,NaN\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 2: value is not finite 'NaN' (a missing value: -M VALUE imputes it, -M skip drops the row)" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,2\n-inf,2\n')
	[ "$stderr" = "ad-load: <stdin>:2: field 1: value is not finite '-inf'" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1e39,2\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 1: value out of float range '1e39'" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,,2\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 2: empty (a missing value: -M VALUE imputes it, -M skip drops the row)" ]
}

@test "ad-load: CSV header errors, bad labels, quotes, empty input" {
	printf 'a,b\n1,2\n' > "$TMP/h.csv"
	run -1 --separate-stderr ad-load -H -c z "$TMP/h.csv"
	[ "$stderr" = "ad-load: $TMP/h.csv:1: no column named 'z' in the header" ]
	run -1 --separate-stderr ad-load -H -c 3 "$TMP/h.csv"
	[ "$stderr" = "ad-load: $TMP/h.csv:2: label column 3, but the rows have 2 fields" ]
	run -1 --separate-stderr ad-load -H -c 1 < <(printf 'a,b\n1,2,3\n') -f csv
	[ "$stderr" = "ad-load: <stdin>:2: expected 2 fields (as the header), got 3" ]
	run -1 --separate-stderr ad-load -f csv -H < <(printf 'a,b\n')
	[ "$stderr" = "ad-load: <stdin>: no data after the header" ]
	run -1 --separate-stderr ad-load -f csv -c 1 < <(printf '1.5,2\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 1: label '1.5' is not an integer (-N names the normal label of text labels, -L a vocabulary)" ]
	run -1 --separate-stderr ad-load -f csv -c 1 < <(printf 'cat,2\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 1: label 'cat' is not an integer (-N names the normal label of text labels, -L a vocabulary)" ]
	run -1 --separate-stderr ad-load -f csv -c 1 < <(printf '5\n')
	[ "$stderr" = "ad-load: <stdin>:1: no value columns besides the label" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,"2\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 2: unterminated quote" ]
	run -1 --separate-stderr ad-load -f csv < <(printf '1,"2"x\n')
	[ "$stderr" = "ad-load: <stdin>:1: field 2: text after the closing quote" ]
	run -1 --separate-stderr ad-load -f csv < /dev/null
	[ "$stderr" = "ad-load: <stdin>: empty input" ]
	run -1 --separate-stderr ad-load -f tsv < <(printf '\n  \n')
	[ "$stderr" = "ad-load: <stdin>: empty input" ]
}

@test "ad-load: detection failures: empty input, unknown text, gzip" {
	run -1 --separate-stderr ad-load < /dev/null
	[ "$stderr" = "ad-load: <stdin>: empty input" ]
	run -1 --separate-stderr ad-load < <(printf '1,2\n')
	[ "$stderr" = "ad-load: <stdin>: cannot detect the format (use -f)" ]
	printf '1,2\n' > "$TMP/noext"
	run -1 --separate-stderr ad-load "$TMP/noext"
	[ "$stderr" = "ad-load: $TMP/noext: cannot detect the format (use -f)" ]
	run -1 --separate-stderr ad-load "$TMP/missing.csv"
	[ "$stderr" = "ad-load: $TMP/missing.csv: No such file or directory" ]
}

@test "ad-load: gzip input without transparent decoding says how to decode" {
	printf '1,2\n' | gzip -c > "$TMP/x.csv.gz"
	run --separate-stderr ad-load "$TMP/x.csv.gz"
	if [ "$status" -eq 0 ]; then    # ad_fopen_read decodes gzip: the .csv ending counts
		[ "$output" = "$(printf '#adv 1 dim=2\n0\t1\t2')" ]
	else
		[ "$status" -eq 1 ]
		[ "$stderr" = "ad-load: $TMP/x.csv.gz: gzip-compressed input: decompress it first (gzip -dc)" ]
	fi
}

@test "ad-load: inputs with different dimensions are an error" {
	printf '1,2\n' > "$TMP/a.csv"; printf '1,2,3\n' > "$TMP/b.csv"
	run -1 --separate-stderr ad-load "$TMP/a.csv" "$TMP/b.csv"
	[ "$stderr" = "ad-load: $TMP/b.csv: rows of 3 values (shape 3x1x1) differ from the first input's 2 (2x1x1)" ]
}

@test "ad-load: vector streams: text -> binary -> text is byte-identical" {
	mk_idx
	ad-load -S 255 -l "$TMP/lab" "$TMP/img" > "$TMP/a.txt"
	printf '3,0.1,-7.25e-12,123456.789\n' | ad-load -f csv -c 1 > "$TMP/b.txt"
	ad-load -b "$TMP/a.txt" > "$TMP/a.bin"
	ad-load < "$TMP/a.bin" > "$TMP/a2.txt"
	cmp "$TMP/a.txt" "$TMP/a2.txt"
	ad-load -b < "$TMP/b.txt" | ad-load > "$TMP/b2.txt"
	cmp "$TMP/b.txt" "$TMP/b2.txt"
	run -0 cat "$TMP/b2.txt"
	[ "${lines[1]}" = "3	0.100000001	-7.25000008e-12	123456.789" ]
	# binary -> binary and text -> text are identity too
	ad-load -b "$TMP/a.bin" | cmp - "$TMP/a.bin"
	ad-load "$TMP/a.txt" | cmp - "$TMP/a.txt"
}

@test "ad-load: -S applies to vector streams; -f adv errors come from the stream reader" {
	printf '#adv 1 dim=2\n1\t255\t51\n' > "$TMP/v.txt"
	run -0 ad-load -S 255 "$TMP/v.txt"
	[ "${lines[1]}" = "1	1	0.200000003" ]
	printf '#adv 1 dim=2\n1\t2\n' > "$TMP/short.txt"
	run -1 --separate-stderr ad-load "$TMP/short.txt"
	[ "$stderr" = "ad-load: $TMP/short.txt:2: expected 2 values, got 1" ]
	printf 'ADVB\1\0\0\0\2\0\0\0\2\0\0\0\1\0\0\0\1\0\0\0\0\0\0\0\0\0' > "$TMP/tr.bin"
	run -1 --separate-stderr ad-load "$TMP/tr.bin"
	[ "$stderr" = "ad-load: $TMP/tr.bin: record 1: truncated (6 of 12 bytes)" ]
	run -1 --separate-stderr ad-load -f adv < <(printf 'xyz\n')
	[ "$stderr" = "ad-load: <stdin>:1: a row needs a label and at least one value (not a vector stream? convert data sets with ad-load)" ]
}

@test "ad-load: a write error fails loudly; a closed pipe ends quietly" {
	mk_cifar
	run -1 --separate-stderr bash -c 'ad-load "$1" > /dev/full' _ "$TMP/c.bin"
	[ "$stderr" = "ad-load: write error: No space left on device" ]
	for i in 1 2 3 4 5 6 7 8; do cat "$TMP/c.bin"; done > "$TMP/c8.bin"
	run bash -c 'ad-load "$1" 2>"$2" | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}"' _ "$TMP/c8.bin" "$TMP/err"
	# killed by SIGPIPE (141), or, where SIGPIPE is ignored, a write error (1)
	[ "$output" = 141 ] || { [ "$output" = 1 ] && grep -q 'write error' "$TMP/err"; }
	[ "$output" = 141 ] && [ ! -s "$TMP/err" ] || [ "$output" = 1 ]
}
