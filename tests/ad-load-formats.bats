# ad-load: NumPy (.npy, .npz), MATLAB v5 (.mat) and KDD Cup '99 input, and gzip-
# compressed input of any format.  Fixtures: tests/fixtures/arrays (made by
# make_array_fixtures.py; all hold the same 4 x 3 X and y = 0 1 0 1) and
# tests/fixtures/kdd (hand-written records; expected columns worked out by hand in
# tests/unit/test_kdd.c).
setup() {
	load test_helper
	A="$FIX/arrays"
	K="$FIX/kdd"
	XY=$'#adv 1 dim=3\n0\t1\t2\t3\n1\t4\t5\t6\n0\t7\t8\t9.5\n1\t-1\t0\t0.25'
	XI=$'#adv 1 dim=3\n0\t1\t2\t3\n1\t4\t5\t6\n0\t7\t8\t9\n1\t-1\t0\t100'
}

@test "ad-load: MATLAB v5 files: plain, compressed, integer storage, classes, big-endian" {
	for f in plain compressed bigendian; do
		run -0 --separate-stderr ad-load "$A/$f.mat"
		[ "$output" = "$XY" ]
	done
	run -0 --separate-stderr ad-load "$A/int_storage.mat"
	[ "$output" = "$XI" ]
	run -0 --separate-stderr ad-load "$A/classes.mat"
	[ "$output" = "$XI" ]
	run -0 --separate-stderr ad-load -x A "$A/classes.mat"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr ad-load -y none "$A/compressed.mat"
	[ "$output" = "${XY//$'\n1\t'/$'\n0\t'}" ]
	# detected from the magic number on standard input too
	run -0 --separate-stderr sh -c "cat '$A/compressed.mat' | ad-load -f mat"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr sh -c "cat '$A/compressed.mat' | ad-load"
	[ "$output" = "$XY" ]
}

@test "ad-load: MATLAB errors name the file and what is wrong" {
	run -1 --separate-stderr ad-load -x Z "$A/plain.mat"
	[ "$stderr" = "ad-load: $A/plain.mat: no numeric variable 'Z' (variables: note, X, y)" ]
	run -1 --separate-stderr ad-load -x note -y none "$A/plain.mat"
	[ "$stderr" = "ad-load: $A/plain.mat: variable 'note' is a char array, not a numeric matrix" ]
	run -1 --separate-stderr ad-load "$A/bad_v73.mat"
	[ "$stderr" = "ad-load: $A/bad_v73.mat: MATLAB v7.3 (HDF5) files are not supported; save with -v7" ]
	run -1 --separate-stderr ad-load "$A/bad_zlib.mat"
	[ "$stderr" = "ad-load: $A/bad_zlib.mat: miCOMPRESSED element: corrupt zlib data: distance too far back" ]
	run -1 --separate-stderr ad-load "$A/bad_trunc.mat"
	[ "$stderr" = "ad-load: $A/bad_trunc.mat: truncated: data element of 73 bytes runs past the end (top level)" ]
	run -1 --separate-stderr ad-load "$A/bad_ylen.mat"
	[ "$stderr" = "ad-load: $A/bad_ylen.mat: y has 3 elements but X has 4 rows" ]
	[ -z "$output" ]
}

@test "ad-load: NumPy .npy with a labels array, Fortran order, big-endian, image shape" {
	run -0 --separate-stderr ad-load -l "$A/y_i8.npy" "$A/X_f8.npy"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr ad-load -l "$A/y_f8.npy" "$A/X_f4_fortran.npy"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr ad-load -l "$A/y_i8.npy" "$A/X_f8_be.npy"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr ad-load -l "$A/y_i8.npy" "$A/X_i2_v2.npy"
	[ "$output" = "$XI" ]
	run -0 --separate-stderr ad-load "$A/X_img.npy"
	[ "$output" = $'#adv 1 dim=6 shape=1x2x3\n0\t0\t1\t2\t3\t4\t5\n0\t6\t7\t8\t9\t10\t11' ]
}

@test "ad-load: NumPy .npy errors" {
	run -1 --separate-stderr ad-load "$A/bad_nan.npy"
	[ "$stderr" = "ad-load: $A/bad_nan.npy: X row 1, column 2: NaN" ]
	run -1 --separate-stderr ad-load -f npy "$A/bad_magic.npy"
	[ "$stderr" = "ad-load: $A/bad_magic.npy: X: not a NumPy .npy array (bad magic)" ]
	run -1 --separate-stderr ad-load "$A/bad_trunc.npy"
	[ "$stderr" = "ad-load: $A/bad_trunc.npy: X: truncated array data (91 bytes, 96 expected)" ]
	run -1 --separate-stderr ad-load "$A/bad_header.npy"
	[ "$stderr" = "ad-load: $A/bad_header.npy: X: .npy header of 1073741824 bytes is too large (at most 65536)" ]
	run -1 --separate-stderr ad-load -l "$A/y_5.npy" "$A/X_f8.npy"
	[ "$stderr" = "ad-load: $A/y_5.npy: 5 labels but $A/X_f8.npy has 4 rows" ]
	run -1 --separate-stderr ad-load -l "$A/y_half.npy" "$A/X_f8.npy"
	[ "$stderr" = "ad-load: $A/X_f8.npy: y element 2: 0.5 is not an integer label" ]
}

@test "ad-load: NumPy .npz archives: stored, deflated, NumPy's zip64 headers, names" {
	for f in stored deflated numpy64; do
		run -0 --separate-stderr ad-load "$A/$f.npz"
		[ "$output" = "$XY" ]
	done
	run -0 --separate-stderr ad-load -x data -y labels.npy "$A/names.npz"
	[ "$output" = "$XY" ]
	run -1 --separate-stderr ad-load "$A/names.npz"
	[ "$stderr" = "ad-load: $A/names.npz: no array 'X' in the archive (members: data.npy, labels.npy)" ]
	run -1 --separate-stderr ad-load "$A/bad_crc.npz"
	[ "$stderr" = "ad-load: $A/bad_crc.npz: X.npy: CRC-32 check failed" ]
	run -1 --separate-stderr ad-load "$A/bad_zip64.npz"
	[ "$stderr" = "ad-load: $A/bad_zip64.npz: zip64 archives are not supported" ]
	run -1 --separate-stderr ad-load "$A/bad_method.npz"
	[ "$stderr" = "ad-load: $A/bad_method.npz: X.npy: zip compression method 12 is not supported (only stored and deflated)" ]
}

@test "ad-load: gzip-compressed input of every format is read as is" {
	gzip -9 -c "$A/compressed.mat" > "$TMP/a.mat.gz"
	gzip -1 -c "$A/deflated.npz" > "$TMP/a.npz.gz"
	gzip -c "$A/X_f8.npy" > "$TMP/x.npy.gz"
	gzip -c "$A/y_i8.npy" > "$TMP/y.npy.gz"
	for f in a.mat.gz a.npz.gz; do
		run -0 --separate-stderr ad-load "$TMP/$f"
		[ "$output" = "$XY" ]
	done
	run -0 --separate-stderr ad-load -l "$TMP/y.npy.gz" "$TMP/x.npy.gz"
	[ "$output" = "$XY" ]
	run -0 --separate-stderr sh -c "ad-load < '$TMP/a.mat.gz'"
	[ "$output" = "$XY" ]
	head -c 200 "$TMP/a.mat.gz" > "$TMP/t.mat.gz"
	run -1 --separate-stderr ad-load "$TMP/t.mat.gz"
	[ "$stderr" = "ad-load: $TMP/t.mat.gz: corrupt gzip data: unexpected end of data" ]
	printf '1,2\n3,4\n' | gzip -c > "$TMP/c.csv.gz"
	run -0 --separate-stderr ad-load "$TMP/c.csv.gz"
	[ "$output" = $'#adv 1 dim=2\n0\t1\t2\n0\t3\t4' ]
}

@test "ad-load: KDD'99: one-hot encoding, the vocabulary written and read back" {
	run -0 --separate-stderr ad-load -f kdd -w "$TMP/vocab" "$K/train.csv"
	[ "${lines[0]}" = "#adv 1 dim=46" ]
	[ "${#lines[@]}" = 9 ]
	# record 1: duration 1, tcp, http, SF, 100, 200, logged_in 1, is_guest_login 0
	[ "${lines[1]}" = "1	1	0	1	0	0	1	0	0	1	100	200	0	0	0	0	0	1	0	0	0	0	0	0	0	0	1	0	2	3	0.5	0	0	0	1	0	0	9	9	1	0	0.109999999	0	0	0	0	0.25" ]
	[ "$(cut -f1 <<< "$output" | tail -n +2 | tr -d '\n')" = 11001010 ]
	[ "$(sed -n 3p "$TMP/vocab")" = "service	ftp	http	smtp" ]
	[ "$(wc -l < "$TMP/vocab")" = 8 ]
	# test records with the training vocabulary: the unknown service is all zeros
	run -0 --separate-stderr ad-load -f kdd -v "$TMP/vocab" "$K/test.csv"
	[ "$stderr" = "ad-load: $K/test.csv: 1 records have values not in the vocabulary (first: service 'telnet'); their one-hot groups are all zeros" ]
	[ "${lines[1]}" = "1	4	0	1	0	0	0	0	0	1	19	20	0	0	0	0	0	1	0	0	0	0	0	0	0	0	1	0	2	3	0.5	0	0	0	1	0	0	9	9	1	0	0.109999999	0	0	0	0	0.25" ]
}

@test "ad-load: KDD'99 -m kdd-rev keeps every normal record and a quarter as many attacks" {
	run -0 --separate-stderr ad-load -f kdd -m kdd-rev -s 5 "$K/train.csv"
	[ "${#lines[@]}" = 6 ]
	[ "$(cut -f1 <<< "$output" | tail -n +2 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" = " 4 0  1 1 " ]
	# normal records in file order (src_bytes in column 10)
	[ "$(awk -F'\t' 'NR > 1 && $1 == 0 { printf "%s ", $11 }' <<< "$output")" = "100 5 11 15 " ]
	run -0 --separate-stderr ad-load -f kdd -m kdd-rev -s 5 "$K/train.csv"
	first="$output"
	run -0 --separate-stderr ad-load -f kdd -m kdd-rev -s 5 "$K/train.csv"
	[ "$output" = "$first" ]
	seen=""
	for s in 1 2 3 4 5 6 7 8; do
		seen="$seen $(ad-load -f kdd -m kdd-rev -s $s "$K/train.csv" | awk -F'\t' '$1 == 1 { print $11 }')"
	done
	[ "$(tr ' ' '\n' <<< "$seen" | sort -u | grep -c .)" -ge 2 ]
}

@test "ad-load: KDD'99 errors and option errors" {
	run -1 --separate-stderr ad-load -f kdd "$K/bad_fields.csv"
	[ "$stderr" = "ad-load: $K/bad_fields.csv:2: 41 comma-separated fields (expected 41 features and a label)" ]
	run -1 --separate-stderr ad-load -f kdd "$K/bad_number.csv"
	[ "$stderr" = "ad-load: $K/bad_number.csv:1: field 5: bad number '1e999'" ]
	run -1 --separate-stderr ad-load -f kdd -v "$K/train.csv" "$K/test.csv"
	[ "$stderr" = "ad-load: $K/train.csv:1: expected the field protocol_type" ]
	run -2 --separate-stderr ad-load -f kdd -m rev "$K/train.csv"
	[ "${stderr_lines[0]}" = "ad-load: -m: bad value 'rev' (expected kdd or kdd-rev)" ]
	run -2 --separate-stderr ad-load -f kdd -s -1 "$K/train.csv"
	[ "${stderr_lines[0]}" = "ad-load: -s: bad value '-1' (expected an integer from 0 to 2147483647)" ]
	run -2 --separate-stderr ad-load -f kdd -w "$TMP/v" "$K/train.csv" "$K/test.csv"
	[ "${stderr_lines[0]}" = "ad-load: -w: a vocabulary is written from exactly one input file" ]
	run -2 --separate-stderr ad-load -x '' "$A/plain.mat"
	[ "${stderr_lines[0]}" = "ad-load: -x: empty name" ]
}
