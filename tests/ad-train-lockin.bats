#!/usr/bin/env bats
# ad-train -m (MSE warm-up) and -x (rejection statistic), the lock-in remedies of
# ad-train(1).  Small conv models on generated images, one thread.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 3 200 5 > "$D/train.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
	T=(-q -T 1 -A conv:4-8 -B 20 -r 0.01)
}
train() {
	local name=$1
	shift
	ad-train "${T[@]}" "$@" -o "$TMP/$name" "$D/train.adv"
}
# the column named $2 of the main-phase rows of trace $1
col() {
	awk -F '\t' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
		$2 == "main" { print $k[c] }' "$1"
}

@test "ad-train -m, -x: usage errors" {
	run -2 --separate-stderr ad-train -x energy -o m
	[ "${stderr_lines[0]}" = "ad-train: -x: unknown statistic 'energy' (score or resid)" ]
	run -2 --separate-stderr ad-train -m -1 -o m
	[[ "${stderr_lines[0]}" == "ad-train: -m: bad value '-1' "* ]]
	run -2 --separate-stderr ad-train -L loe -m 1 -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x apply to the hetero, mse and huber losses only" ]
	run -2 --separate-stderr ad-train -L ga -x score -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x apply to the hetero, mse and huber losses only" ]
	run -2 --separate-stderr ad-train -P cat -x resid -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x do not apply with -P (the weigher computes the weights)" ]
}

@test "ad-train -m, -x: the defaults (no warm-up, the score) are Algorithm 1" {
	ad-train -h | grep -q -- '--mse-warmup N .*\[0\]$'
	ad-train -h | grep -q -- '\[score\]$'
	train a -n 2
	train b -n 2 -m 0 -x score
	cmp "$TMP/a" "$TMP/b"
	# the residual moves other rows above the median: another network (the scores, not
	# the model bytes, which differ by the settings line alone)
	train c -n 2 --reject-stat=resid
	ad-score "$TMP/a" "$D/train.adv" > "$TMP/sa"
	ad-score "$TMP/c" "$D/train.adv" > "$TMP/sc"
	run -1 cmp -s "$TMP/sa" "$TMP/sc"
	grep -aq '^reject_stat=resid$' "$TMP/c"
	run -1 grep -aq '^reject_stat=' "$TMP/a"
}

@test "ad-train -m: no rejection in the warm-up epochs, then median rejection" {
	train w -n 3 -m 2 -g "$TMP/trace"
	[ "$(col "$TMP/trace" rejected | tr '\n' ' ')" = "0 0 $(col "$TMP/trace" rejected | sed -n 3p) " ]
	awk 'NR == 3 && !($1 > 0.4 && $1 < 0.6) { exit 1 }' <(col "$TMP/trace" rejected)
	[ "$(col "$TMP/trace" alpha_min | sed -n 1p)" = 2 ]
	grep -aq '^warmup=2$' "$TMP/w"
	# hetero warmed up for every epoch is hetero without rejection and with alpha 2 for
	# every row (-Q 1 -t 1 -a 2): the same network, so the same scores
	train hw -n 2 -m 2
	train m -n 2 -Q 1 -t 1 -a 2
	ad-score "$TMP/hw" "$D/train.adv" > "$TMP/s1"
	ad-score "$TMP/m" "$D/train.adv" > "$TMP/s2"
	cmp "$TMP/s1" "$TMP/s2"
	# and one epoch of rejection makes it differ
	train hw1 -n 2 -m 1
	ad-score "$TMP/hw1" "$D/train.adv" > "$TMP/s3"
	run -1 cmp -s "$TMP/s1" "$TMP/s3"
}

@test "ad-train -x resid: the same network whatever the thread count" {
	train t1 -n 2 -x resid
	ad-train -q -T 2 -A conv:4-8 -B 20 -r 0.01 -n 2 -x resid -o "$TMP/t2" "$D/train.adv"
	cmp "$TMP/t1" "$TMP/t2"
}
