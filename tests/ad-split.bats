#!/usr/bin/env bats
# ad-split: protocol counts (worked out by hand in the comments), disjoint and
# reproducible parts, every option and bad input.
setup() {
	load test_helper
	# train: 100 rows, class i%5 (20 per class), values (i, -i): a row's id is field 2
	awk 'BEGIN { print "#adv 1 dim=2"; for (i = 0; i < 100; i++) printf "%d\t%d\t%d\n", i % 5, i, -i }' > "$TMP/tr.adv"
	# test: 50 rows, class i%5 (10 per class), ids 1000..1049
	awk 'BEGIN { print "#adv 1 dim=2"; for (i = 0; i < 50; i++) printf "%d\t%d\t%d\n", i % 5, 1000 + i, 0 }' > "$TMP/te.adv"
}

# "normals anomalies" of a part
count() { awk '!/^#/ { n[$1]++ } END { printf "%d %d\n", n[0], n[1] }' "$1"; }

@test "ad-split: -h, --help, -V" {
	run -0 --separate-stderr ad-split -h
	[[ "${lines[0]}" == "usage: ad-split "* ]]
	[ -z "$stderr" ]
	run -0 ad-split --help
	[[ "${lines[0]}" == "usage: ad-split "* ]]
	run -0 ad-split -V
	[[ "$output" =~ ^ad-split\ \(adpipe\)\ [0-9] ]]
}

@test "ad-split: usage errors (exit 2)" {
	run -2 --separate-stderr ad-split -p train "$TMP/tr.adv"
	[ "${stderr_lines[0]}" = "ad-split: -k: the normal class is required" ]
	[[ "${stderr_lines[1]}" == "usage: ad-split "* ]]
	run -2 --separate-stderr ad-split -k 0 "$TMP/tr.adv"
	[ "${stderr_lines[0]}" = "ad-split: -p: the part (train, val or test) is required" ]
	run -2 --separate-stderr ad-split -k 0 -p tests "$TMP/tr.adv"
	[ "${stderr_lines[0]}" = "ad-split: -p: unknown part 'tests' (train, val or test)" ]
	run -2 --separate-stderr ad-split -k 0 -p train -P image2
	[ "${stderr_lines[0]}" = "ad-split: -P: unknown protocol 'image2' (image, image-all, entire, natural or tabular)" ]
	run -2 --separate-stderr ad-split -k 0 -p train -g 1
	[ "${stderr_lines[0]}" = "ad-split: -g: bad value '1' (expected a number from 0 to 0.99)" ]
	run -2 --separate-stderr ad-split -k x -p train
	[ "${stderr_lines[0]}" = "ad-split: -k: bad value 'x' (expected an integer from -2147483648 to 2147483647)" ]
	run -2 --separate-stderr ad-split -k 0 -p train -s -1
	[ "${stderr_lines[0]}" = "ad-split: -s: bad value '-1' (expected an integer from 0 to 2147483647)" ]
	run -2 --separate-stderr ad-split -k 0 -p train -P natural -g 0.2
	[ "${stderr_lines[0]}" = "ad-split: -g is not used with -P natural (the contamination is natural)" ]
	run -2 --separate-stderr ad-split -k 0 -p train -P tabular -t "$TMP/te.adv"
	[ "${stderr_lines[0]}" = "ad-split: -t is not used with -P tabular" ]
	run -2 --separate-stderr ad-split -k 0 -p train -P tabular -a 0.3
	[ "${stderr_lines[0]}" = "ad-split: -a is used only with -P image and image-all" ]
	run -2 --separate-stderr ad-split -k 0 -p train -P entire -a 0.3
	[ "${stderr_lines[0]}" = "ad-split: -a is used only with -P image and image-all" ]
	run -2 --separate-stderr ad-split -k 0 -p train a b
	[ "${stderr_lines[0]}" = "ad-split: too many operands" ]
	run -2 --separate-stderr ad-split -k 0 -p train -t - -
	[ "${stderr_lines[0]}" = "ad-split: -t: the input and the test file cannot both be standard input" ]
	run -2 --separate-stderr ad-split -k 0 -p train -X
	[ "${stderr_lines[0]}" = "ad-split: unknown option or missing argument: -X" ]
}

# With -t, class 0, gamma 0.2: N = 20 normals, round(0.25 * 20) = 5 anomalies,
# pool 25, val = round(0.1 * 25) = round(2.5) = 2 (ties to even), train 23;
# test: 10 normals + round(0.3/0.7 * 10) = round(4.29) = 4 anomalies = 14.
@test "ad-split: image protocol with a test file: the counts" {
	run -0 --separate-stderr ad-split -v -k 0 -g 0.2 -s 7 -p train -t "$TMP/te.adv" "$TMP/tr.adv"
	[[ "$stderr" =~ ^"ad-split: train 23 ("[0-9]+" normal, "[0-9]+" anomalies), val 2 ("[0-9]+" normal, "[0-9]+" anomalies), test 14 (10 normal, 4 anomalies)"$ ]]
	for p in train val test; do ad-split -k 0 -g 0.2 -s 7 -p $p -t "$TMP/te.adv" "$TMP/tr.adv" > "$TMP/$p"; done
	[ "$(grep -vc '^#' "$TMP/train")" -eq 23 ]
	[ "$(grep -vc '^#' "$TMP/val")" -eq 2 ]
	[ "$(count "$TMP/test")" = "10 4" ]
	# train + val: every class-0 row (20) and 5 anomalies, no row twice
	[ "$(cat "$TMP/train" "$TMP/val" | count /dev/stdin)" = "20 5" ]
	[ "$(cat "$TMP/train" "$TMP/val" | awk '!/^#/ { print $2 }' | sort -u | wc -l)" -eq 25 ]
	# labels agree with the classes (id % 5 == 0 <=> normal)
	[ "$(cat "$TMP/train" "$TMP/val" "$TMP/test" | awk '!/^#/ && (($2 % 5 == 0) != ($1 == 0))' | wc -l)" -eq 0 ]
	# the test part comes from the test file only, in its order
	[ "$(awk '!/^#/ && $2 < 1000' "$TMP/test" | wc -l)" -eq 0 ]
	awk '!/^#/ { print $2 }' "$TMP/test" | sort -n -c
	# the header keeps dim (and shape)
	[ "$(head -1 "$TMP/train")" = "#adv 1 dim=2" ]
}

@test "ad-split: the same seed gives the same parts; another seed others" {
	ad-split -k 0 -g 0.2 -s 7 -p train -t "$TMP/te.adv" "$TMP/tr.adv" > "$TMP/a"
	ad-split -k 0 -g 0.2 -s 7 -p train -t "$TMP/te.adv" < "$TMP/tr.adv" > "$TMP/b"
	cmp "$TMP/a" "$TMP/b"
	ad-split -k 0 -g 0.2 -s 8 -p train -t "$TMP/te.adv" "$TMP/tr.adv" > "$TMP/c"
	run -1 cmp -s "$TMP/a" "$TMP/c"
	# binary output carries the same rows
	ad-split -b -k 0 -g 0.2 -s 7 -p train -t "$TMP/te.adv" "$TMP/tr.adv" | ad-load | cmp - "$TMP/a"
	# default seed is 0
	ad-split -k 0 -g 0.2 -p val -t "$TMP/te.adv" "$TMP/tr.adv" > "$TMP/d"
	ad-split -k 0 -g 0.2 -s 0 -p val -t "$TMP/te.adv" "$TMP/tr.adv" | cmp - "$TMP/d"
}

@test "ad-split: gamma 0 gives a clean training pool; -e and -a change the shares" {
	run -0 --separate-stderr ad-split -v -k 3 -p train -t "$TMP/te.adv" "$TMP/tr.adv"
	# 20 normals, val round(2.0) = 2
	[[ "$stderr" == "ad-split: train 18 (18 normal, 0 anomalies), val 2 (2 normal, 0 anomalies), test 14 (10 normal, 4 anomalies)" ]]
	# -e 0.5: val round(0.5 * 25) = round(12.5) = 12; -a 0.5: 10 test anomalies
	run -0 --separate-stderr ad-split -v -k 3 -g 0.2 -e 0.5 -a 0.5 -p train -t "$TMP/te.adv" "$TMP/tr.adv"
	[[ "$stderr" =~ ^"ad-split: train 13 ("[0-9]+" normal, "[0-9]+" anomalies), val 12 ("[0-9]+" normal, "[0-9]+" anomalies), test 20 (10 normal, 10 anomalies)"$ ]]
	[ "$(grep -vc '^#' <<< "$output")" -eq 13 ]
}

# One stream, class 0, gamma 0.2: the 20 normals are cut into round(20/3) = 7
# test and 13 training rows, the 80 others into round(80/3) = 27 and 53.
# Train pool 13 + round(0.25 * 13) = round(3.25) = 3 -> 16, val round(1.6) = 2,
# train 14; test 7 + round(0.3/0.7 * 7) = 3 -> 10.
@test "ad-split: image protocol on one stream: the cut and the counts" {
	run -0 --separate-stderr ad-split -v -k 0 -g 0.2 -s 3 -p test "$TMP/tr.adv"
	[[ "$stderr" =~ ^"ad-split: train 14 ("[0-9]+" normal, "[0-9]+" anomalies), val 2 ("[0-9]+" normal, "[0-9]+" anomalies), test 10 (7 normal, 3 anomalies)"$ ]]
	for p in train val test; do ad-split -k 0 -g 0.2 -s 3 -p $p "$TMP/tr.adv" > "$TMP/$p"; done
	[ "$(cat "$TMP/train" "$TMP/val" | count /dev/stdin)" = "13 3" ]
	# no row in two parts
	[ "$(cat "$TMP/train" "$TMP/val" "$TMP/test" | awk '!/^#/ { print $2 }' | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(cat "$TMP/train" "$TMP/val" "$TMP/test" | grep -vc '^#')" -eq 26 ]
}

# natural, with -t: the pool is all 100 training rows (20 normal, 80 anomalies),
# val round(10) = 10, train 90; test: all 50 test rows (10 normal, 40 anomalies).
@test "ad-split: natural protocol" {
	for p in train val test; do ad-split -P natural -k 2 -s 5 -p $p -t "$TMP/te.adv" "$TMP/tr.adv" > "$TMP/$p"; done
	[ "$(grep -vc '^#' "$TMP/train")" -eq 90 ]
	[ "$(grep -vc '^#' "$TMP/val")" -eq 10 ]
	[ "$(cat "$TMP/train" "$TMP/val" | count /dev/stdin)" = "20 80" ]
	[ "$(count "$TMP/test")" = "10 40" ]
	[ "$(cat "$TMP/train" "$TMP/val" | awk '!/^#/ && (($2 % 5 == 2) != ($1 == 0))' | wc -l)" -eq 0 ]
	# one stream: a third of each side (7 of 20, 27 of 80) is the test set
	run -0 --separate-stderr ad-split -v -P natural -k 2 -p test "$TMP/tr.adv"
	# pool 13 + 53 = 66, val round(6.6) = 7
	[[ "$stderr" =~ ^"ad-split: train 59 ("[0-9]+" normal, "[0-9]+" anomalies), val 7 ("[0-9]+" normal, "[0-9]+" anomalies), test 34 (7 normal, 27 anomalies)"$ ]]
}

# The image protocols on generated images (tests/gen_images.bash): a training stream of
# 120 rows, every 4th an anomaly (90 of class 0, 30 of class 1), a test stream of 30 rows,
# every 3rd an anomaly (20 and 10).  Class 0, gamma 0.2:
#   image      N = 2 * 20 = 40 of the 90 drawn; round(0.25 * 40) = 10 anomalies; pool 50,
#              val round(5.0) = 5, train 45; test 20 + round(0.3/0.7 * 20) = round(8.57) = 9
#   image-all  N = 90; round(22.5) = 22 (ties to even); pool 112, val round(11.2) = 11,
#              train 101; test 29 as above
#   entire     pool as image-all (train 101, val 11); test every test row: 20 + 10
#   natural    pool every training row: 120, val 12, train 108; test 30 (-g not used)
images() {
	load gen_images
	# through ad-load: rows in ad-split's own number format, so rows compare as text
	gen_images 5 120 4 | ad-load > "$TMP/itr.adv"
	gen_images 9 30 3 | ad-load > "$TMP/ite.adv"
}
parts() { ad-split -v "$@" -p train -t "$TMP/ite.adv" "$TMP/itr.adv" 2>&1 > /dev/null; }

@test "ad-split: image protocol: training normals twice the test normals, drawn by the seed" {
	images
	[ "$(count "$TMP/itr.adv")" = "90 30" ]
	[[ "$(parts -k 0 -g 0.2 -s 1)" =~ ^"ad-split: train 45 ("[0-9]+" normal, "[0-9]+" anomalies), val 5 ("[0-9]+" normal, "[0-9]+" anomalies), test 29 (20 normal, 9 anomalies)"$ ]]
	# the default protocol is image
	[ "$(parts -k 0 -g 0.2 -s 1)" = "$(parts -P image -k 0 -g 0.2 -s 1)" ]
	for s in 1 2; do
		for p in train val; do
			ad-split -k 0 -g 0.2 -s $s -p $p -t "$TMP/ite.adv" "$TMP/itr.adv" > "$TMP/$p$s"
		done
		cat "$TMP/train$s" "$TMP/val$s" | grep -v '^#' > "$TMP/pool$s"
		# 40 normals and 10 anomalies, no row twice, every row a training row
		[ "$(count "$TMP/pool$s")" = "40 10" ]
		[ "$(sort "$TMP/pool$s" | uniq -d | wc -l)" -eq 0 ]
		[ "$(grep -vxFf "$TMP/itr.adv" "$TMP/pool$s" | wc -l)" -eq 0 ]
		awk '$1 == 0' "$TMP/pool$s" | sort > "$TMP/norm$s"
	done
	# another seed draws other normals (two draws of 40 of 90 agree with odds ~1e-25)
	run -1 cmp -s "$TMP/norm1" "$TMP/norm2"
	# gamma 0: a clean pool of 40; val round(4.0) = 4
	[ "$(parts -k 0 -s 1)" = "ad-split: train 36 (36 normal, 0 anomalies), val 4 (4 normal, 0 anomalies), test 29 (20 normal, 9 anomalies)" ]
	# class 1: 2 * 10 = 20 of its 30 training rows; val round(2.0) = 2; test 10 + round(4.29)
	[ "$(parts -k 1 -s 1)" = "ad-split: train 18 (18 normal, 0 anomalies), val 2 (2 normal, 0 anomalies), test 14 (10 normal, 4 anomalies)" ]
	# fewer training normals than twice the test normals: all of them (the streams swapped:
	# 20 training normals, 90 test normals; -a 0.2: round(0.25 * 90) = round(22.5) = 22)
	run -0 --separate-stderr ad-split -v -k 0 -a 0.2 -p train -t "$TMP/itr.adv" "$TMP/ite.adv"
	[ "$stderr" = "ad-split: train 18 (18 normal, 0 anomalies), val 2 (2 normal, 0 anomalies), test 112 (90 normal, 22 anomalies)" ]
}

@test "ad-split: image-all, entire (appendix E) and natural protocols" {
	images
	[[ "$(parts -P image-all -k 0 -g 0.2 -s 1)" =~ ^"ad-split: train 101 ("[0-9]+" normal, "[0-9]+" anomalies), val 11 ("[0-9]+" normal, "[0-9]+" anomalies), test 29 (20 normal, 9 anomalies)"$ ]]
	[[ "$(parts -P entire -k 0 -g 0.2 -s 1)" =~ ^"ad-split: train 101 ("[0-9]+" normal, "[0-9]+" anomalies), val 11 ("[0-9]+" normal, "[0-9]+" anomalies), test 30 (20 normal, 10 anomalies)"$ ]]
	[[ "$(parts -P natural -k 0 -s 1)" =~ ^"ad-split: train 108 ("[0-9]+" normal, "[0-9]+" anomalies), val 12 ("[0-9]+" normal, "[0-9]+" anomalies), test 30 (20 normal, 10 anomalies)"$ ]]
	for P in image-all entire; do
		for p in train val test; do
			ad-split -P $P -k 0 -g 0.2 -s 3 -p $p -t "$TMP/ite.adv" "$TMP/itr.adv" | grep -v '^#' > "$TMP/$P-$p"
		done
		# every training normal (90) and 22 anomalies in the pool
		[ "$(cat "$TMP/$P-train" "$TMP/$P-val" | count /dev/stdin)" = "90 22" ]
	done
	# entire and image-all make the same training pool; entire tests on every test row
	cmp "$TMP/image-all-train" "$TMP/entire-train"
	grep -v '^#' "$TMP/ite.adv" | cmp - "$TMP/entire-test"
	# natural: every training row in the pool
	for p in train val; do ad-split -P natural -k 0 -s 3 -p $p -t "$TMP/ite.adv" "$TMP/itr.adv"; done |
		grep -v '^#' | sort > "$TMP/nat"
	grep -v '^#' "$TMP/itr.adv" | sort | cmp - "$TMP/nat"
}

# tabular: 21 normals (label 0), 6 anomalies (label 1) all equal to (100, -100).
# Train normals floor(21/2) = 10, test 11 normals + 6 anomalies = 17;
# synthetic anomalies round(0.25 * 10) = round(2.5) = 2, the anomaly plus noise of
# std 0 (the anomalies' std): exactly (100, -100).
@test "ad-split: tabular protocol: counts and synthetic anomalies" {
	awk 'BEGIN { print "#adv 1 dim=2"; for (i = 0; i < 27; i++) if (i % 4 == 3 && n < 6) { n++; print "1\t100\t-100" } else printf "0\t%d\t%d\n", i, i }' > "$TMP/tab.adv"
	[ "$(count "$TMP/tab.adv")" = "21 6" ]
	run -0 --separate-stderr ad-split -v -P tabular -k 0 -g 0.2 -s 4 -p train "$TMP/tab.adv"
	[ "$stderr" = "ad-split: train 12 (10 normal, 2 anomalies), val 0 (0 normal, 0 anomalies), test 17 (11 normal, 6 anomalies)" ]
	[ "$(grep -c '^1	100	-100$' <<< "$output")" -eq 2 ]
	ad-split -P tabular -k 0 -g 0.2 -s 4 -p test "$TMP/tab.adv" > "$TMP/test"
	[ "$(count "$TMP/test")" = "11 6" ]
	# train and test normals are disjoint and together all 21
	[ "$( { grep -v '^#' <<< "$output"; cat "$TMP/test"; } | awk '!/^#/ && $1 == 0 { print $2 }' | sort -u | wc -l)" -eq 21 ]
	# -e holds out a val part: round(0.25 * 12) = 3
	run -0 --separate-stderr ad-split -v -P tabular -k 0 -g 0.2 -e 0.25 -p val "$TMP/tab.adv"
	[ "$(grep -vc '^#' <<< "$output")" -eq 3 ]
}

@test "ad-split: tabular synthetic anomalies get Gaussian noise of the anomalies' std" {
	# anomalies (label 5): values 0 and 10 in turn: std 5; normal label 0
	awk 'BEGIN { print "#adv 1 dim=1"; for (i = 0; i < 200; i++) print "0\t1"; for (i = 0; i < 100; i++) printf "5\t%d\n", (i % 2) * 10 }' > "$TMP/t.adv"
	ad-split -P tabular -k 0 -g 0.5 -s 9 -p train "$TMP/t.adv" > "$TMP/o"
	# 100 training normals, round(1 * 100) = 100 synthetic anomalies
	[ "$(count "$TMP/o")" = "100 100" ]
	# noise: anomalies no longer exactly 0 or 10; mean near 5, std near sqrt(25 + 25)
	run -0 awk '!/^#/ && $1 == 1 { n++; s += $2; q += $2 * $2; if ($2 == 0 || $2 == 10) e++ }
		END { m = s / n; sd = sqrt(q / n - m * m); printf "%d %d %d\n", e + 0, (m > 3 && m < 7), (sd > 5.5 && sd < 8.5) }' "$TMP/o"
	[ "$output" = "0 1 1" ]
}

@test "ad-split: data errors" {
	run -1 --separate-stderr ad-split -k 9 -p train "$TMP/tr.adv"
	[ "$stderr" = "ad-split: $TMP/tr.adv: no rows of class 9" ]
	run -1 --separate-stderr ad-split -k 0 -g 0.9 -p train -t "$TMP/te.adv" "$TMP/tr.adv"
	# round(9 * 20) = 180 needed, 80 available
	[ "$stderr" = "ad-split: $TMP/tr.adv: 180 training anomalies needed, only 80 rows of other classes" ]
	awk 'BEGIN { print "#adv 1 dim=2"; for (i = 0; i < 50; i++) printf "%d\t%d\t0\n", (i < 45 ? 0 : 1), i }' > "$TMP/few.adv"
	run -1 --separate-stderr ad-split -k 0 -p test -t "$TMP/few.adv" "$TMP/tr.adv"
	# 45 normals need round(0.3/0.7 * 45) = 19 anomalies, 5 available
	[ "$stderr" = "ad-split: $TMP/few.adv: 19 test anomalies needed, only 5 rows of other classes" ]
	run -1 --separate-stderr ad-split -k 4 -p test -t "$TMP/few.adv" "$TMP/tr.adv"
	[ "$stderr" = "ad-split: $TMP/few.adv: no rows of class 4 for the test part" ]
	printf '#adv 1 dim=3\n0\t1\t2\t3\n' > "$TMP/d3.adv"
	run -1 --separate-stderr ad-split -k 0 -p test -t "$TMP/d3.adv" "$TMP/tr.adv"
	[ "$stderr" = "ad-split: $TMP/d3.adv: rows of 3 values, but $TMP/tr.adv has 2" ]
	run -1 --separate-stderr ad-split -k 0 -p test < /dev/null
	[ "$stderr" = "ad-split: <stdin>: empty input" ]
	printf '#adv 1 dim=2\n0\t1\tx\n' > "$TMP/bad.adv"
	run -1 --separate-stderr ad-split -k 0 -p test "$TMP/bad.adv"
	[ "$stderr" = "ad-split: $TMP/bad.adv:2: field 3: not a number 'x'" ]
	printf '#adv 1 dim=2\n0\t1\tnan\n' > "$TMP/nan.adv"
	run -1 --separate-stderr ad-split -k 0 -p test "$TMP/nan.adv"
	[ "$stderr" = "ad-split: $TMP/nan.adv:2: field 3: value is not finite 'nan'" ]
	run -1 --separate-stderr ad-split -P tabular -k 0 -g 0.2 -p train < <(printf '0\t1\n0\t2\n0\t3\n0\t4\n0\t5\n0\t6\n0\t7\n0\t8\n')
	[ "$stderr" = "ad-split: <stdin>: no anomalies (rows not of class 0) to make training anomalies from" ]
	run -1 --separate-stderr bash -c 'ad-split -k 0 -p train "$1" > /dev/full' _ "$TMP/tr.adv"
	[ "$stderr" = "ad-split: write error: No space left on device" ]
}

@test "ad-split: a closed pipe ends quietly" {
	awk 'BEGIN { print "#adv 1 dim=50"; for (i = 0; i < 4000; i++) { printf "%d", i % 2; for (j = 0; j < 50; j++) printf "\t%d.5", j + i; printf "\n" } }' > "$TMP/big.adv"
	run bash -c 'ad-split -P natural -k 0 -p train "$1" 2>"$2" | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}"' _ "$TMP/big.adv" "$TMP/err"
	# killed by SIGPIPE (141), or, where SIGPIPE is ignored, a write error (1)
	[ "$output" = 141 ] && [ ! -s "$TMP/err" ] || { [ "$output" = 1 ] && grep -q 'write error' "$TMP/err"; }
}
