#!/usr/bin/env bats
# ad-train -m (MSE warm-up) and -x (rejection statistic), the lock-in remedies of
# ad-train(1), and their defaults (-x auto).  Small conv models on generated images, one
# thread.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_pixels 3 200 5 > "$D/train.adv"
	gen_images 3 200 5 > "$D/cont.adv"
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
	[ "${stderr_lines[0]}" = "ad-train: -x: unknown statistic 'energy' (score, resid, resid:K or auto)" ]
	for k in 0 -1 x 2x ''; do
		run -2 --separate-stderr ad-train -x "resid:$k" -o m
		[[ "${stderr_lines[0]}" == "ad-train: -x: bad value '$k' "* ]]
	done
	run -2 --separate-stderr ad-train -m -1 -o m
	[[ "${stderr_lines[0]}" == "ad-train: -m: bad value '-1' "* ]]
	run -2 --separate-stderr ad-train -L loe -m 1 -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x apply to the hetero, mse and huber losses only" ]
	run -2 --separate-stderr ad-train -L ga -x score -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x apply to the hetero, mse and huber losses only" ]
	run -2 --separate-stderr ad-train -P cat -x resid -o m
	[ "${stderr_lines[0]}" = "ad-train: -m and -x do not apply with -P (the weigher computes the weights)" ]
}

@test "ad-train -m, -x: the default on pixel images is the remedy -x resid:30 -m 2; elsewhere Algorithm 1" {
	ad-train -h | grep -q -- '\[auto\]$'
	ad-train -h | grep -q -- '\[2 where auto chose the remedy, else 0\]$'
	ad-train -h | grep -q -- 'lock-in remedy -x resid:30 -m 2 for'
	# ae + hetero on images given as pixels (a 1x8x8 stream of k/255 values): -x auto, the
	# default, is -x resid:30 -m 2
	train a -n 3
	train b -n 3 -x resid:30 -m 2
	train b2 -n 3 --reject-stat=auto
	cmp "$TMP/a" "$TMP/b"
	cmp "$TMP/a" "$TMP/b2"
	grep -aq '^reject_stat=resid$' "$TMP/a"
	grep -aq '^resid_epochs=30$' "$TMP/a"
	grep -aq '^warmup=2$' "$TMP/a"
	# the paper's Algorithm 1 is one flag away: another network, no remedy settings
	train c -n 3 -x score
	ad-score "$TMP/a" "$D/train.adv" > "$TMP/sa"
	ad-score "$TMP/c" "$D/train.adv" > "$TMP/sc"
	run -1 cmp -s "$TMP/sa" "$TMP/sc"
	run -1 grep -aq '^reject_stat=' "$TMP/c"
	run -1 grep -aq '^warmup=' "$TMP/c"
	# an explicit -x resid keeps no warm-up unless -m says so
	train r -n 3 -x resid
	train r0 -n 3 -x resid -m 0
	cmp "$TMP/r" "$TMP/r0"
	run -1 grep -aq '^warmup=' "$TMP/r"
	# everywhere else auto is the score with no warm-up: other losses, other models,
	# adaptive rejection, and data that are not images
	for f in "-L mse" "-L huber -Q 0.5" "-M memae" "-j aar"; do
		# shellcheck disable=SC2086
		train d $f -n 2
		# shellcheck disable=SC2086
		train e $f -n 2 -x score -m 0
		cmp "$TMP/d" "$TMP/e"
	done
	# images that are not pixels (more than 256 distinct values, as after ad-scale -c):
	# Algorithm 1, where the study measured the residual harmful
	ad-train -q -T 1 -A conv:4-8 -B 20 -r 0.01 -n 2 -o "$TMP/g1" "$D/cont.adv"
	ad-train -q -T 1 -A conv:4-8 -B 20 -r 0.01 -n 2 -x score -m 0 -o "$TMP/g2" "$D/cont.adv"
	cmp "$TMP/g1" "$TMP/g2"
	sed '1s/ shape=1x8x8$//' "$D/train.adv" > "$TMP/flat.adv"
	head -1 "$TMP/flat.adv" | grep -qx '#adv 1 dim=64'
	ad-train -q -T 1 -A mlp:8-4 -B 20 -r 0.01 -n 3 -o "$TMP/f1" "$TMP/flat.adv"
	ad-train -q -T 1 -A mlp:8-4 -B 20 -r 0.01 -n 3 -x score -m 0 -o "$TMP/f2" "$TMP/flat.adv"
	cmp "$TMP/f1" "$TMP/f2"
	# the same rows as pixel images: the remedy, another network
	ad-train -q -T 1 -A mlp:8-4 -B 20 -r 0.01 -n 3 -o "$TMP/f3" "$D/train.adv"
	grep -aq '^reject_stat=resid$' "$TMP/f3"
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

@test "ad-train -x resid:K: the residual up to epoch K, then the score (Algorithm 1)" {
	# K at or beyond the last epoch: -x resid (the same network), recorded in the model
	train k -n 3 -m 1 -x resid:3
	train kk -n 3 -m 1 -x resid:9
	train r -n 3 -m 1 -x resid
	ad-score "$TMP/k" "$D/train.adv" > "$TMP/sk"
	ad-score "$TMP/kk" "$D/train.adv" > "$TMP/skk"
	ad-score "$TMP/r" "$D/train.adv" > "$TMP/sr"
	cmp "$TMP/sk" "$TMP/sr"
	cmp "$TMP/skk" "$TMP/sr"
	grep -aq '^resid_epochs=3$' "$TMP/k"
	grep -aq '^reject_stat=resid$' "$TMP/k"
	run -1 grep -aq '^resid_epochs=' "$TMP/r"
	# K = 2: epochs 1-2 as -x resid (the warm-up epoch and one of the residual), epoch 3
	# ranks by the score: its trace row leaves -x resid's
	train k2 -n 3 -m 1 -x resid:2 -g "$TMP/t2"
	train r3 -n 3 -m 1 -x resid -g "$TMP/tr"
	[ "$(sed -n 2,3p "$TMP/t2")" = "$(sed -n 2,3p "$TMP/tr")" ]
	[ "$(sed -n 4p "$TMP/t2" | cut -f 1-2)" = "$(sed -n 4p "$TMP/tr" | cut -f 1-2)" ]
	[ "$(sed -n 4p "$TMP/t2" | cut -f 4)" != "$(sed -n 4p "$TMP/tr" | cut -f 4)" ]
	# and it is not the score from the start either
	train s -n 3 -m 1 -x score -g "$TMP/ts"
	[ "$(sed -n 3p "$TMP/t2")" != "$(sed -n 3p "$TMP/ts")" ]
	# a checkpoint of one K does not resume under another
	train c -n 2 -m 1 -x resid:1 -C "$TMP/ck"
	run -1 --separate-stderr ad-train "${T[@]}" -n 3 -m 1 -x resid -R "$TMP/ck" -o "$TMP/c2" "$D/train.adv"
	[ "${stderr_lines[0]}" = "ad-train: $TMP/ck: the checkpoint was made with other settings or data" ]
	ad-train "${T[@]}" -n 3 -m 1 -x resid:1 -R "$TMP/ck" -o "$TMP/c3" "$D/train.adv"
}
