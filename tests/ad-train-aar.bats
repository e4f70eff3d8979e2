#!/usr/bin/env bats
# ad-train -j aar: adaptive rejection (ad-reject(1) "ADAPTIVE REJECTION") in
# process, the same model byte for byte as the co-process ad-reject -A, the
# thresholds and estimated contamination in the trace, checkpoints, options.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 7 200 5 > "$D/train.adv"    # 20 % anomalies
	gen_images 11 60 3 > "$D/test.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
	# a small conv AE, 10 batches per epoch: warm-up epochs x 10 = ad-reject -W groups
	T=(-q -A conv:4-8 -B 20 -r 0.01)
}

@test "ad-train -j aar (hetero) writes the model of -P 'ad-zscore | ad-reject -A', byte for byte" {
	ad-train "${T[@]}" -n 3 -j aar -g "$TMP/ti" -o "$TMP/h" "$D/train.adv"
	ad-train "${T[@]}" -n 3 -j aar -P 'ad-zscore | ad-reject -A -W 10' -g "$TMP/tp" \
		-o "$TMP/w" "$D/train.adv"
	cmp "$TMP/h" "$TMP/w"
	# the trace too: thresholds and contamination from the pipe's columns
	cmp "$TMP/ti" "$TMP/tp"
	# and not the quantile rule's model
	ad-train "${T[@]}" -n 3 -o "$TMP/q" "$D/train.adv"
	! cmp -s "$TMP/h" "$TMP/q"
	# non-default knobs on both sides
	ad-train "${T[@]}" -n 3 -j aar -J 2.5 -X 0.5 -W 2 -t 0 -a 1 -o "$TMP/h2" "$D/train.adv"
	ad-train "${T[@]}" -n 3 -j aar -J 2.5 -X 0.5 -W 2 -t 0 -a 1 \
		-P 'ad-zscore -a 1 | ad-reject -A --aar-tau 2.5 -X 0.5 -W 20 -t 0' -o "$TMP/w2" "$D/train.adv"
	cmp "$TMP/h2" "$TMP/w2"
	! cmp -s "$TMP/h2" "$TMP/h"
	# the warm-up counts: a pipe with another warm-up gives another model
	ad-train "${T[@]}" -n 3 -j aar -P 'ad-zscore | ad-reject -A -W 9' -o "$TMP/w9" "$D/train.adv"
	! cmp -s "$TMP/h" "$TMP/w9"
}

@test "ad-train -L mse -j aar writes the model of -P 'ad-reject -A', byte for byte" {
	ad-train "${T[@]}" -n 3 -L mse -j aar -o "$TMP/m" "$D/train.adv"
	ad-train "${T[@]}" -n 3 -L mse -j aar -P 'ad-reject -A -W 10' -o "$TMP/p" "$D/train.adv"
	cmp "$TMP/m" "$TMP/p"
	# plain -L mse with the pipe: the same weights (only the recorded settings differ)
	ad-train "${T[@]}" -n 3 -L mse -P 'ad-reject -A -W 10' -o "$TMP/p2" "$D/train.adv"
	cmp <(ad-score "$TMP/m" "$D/test.adv") <(ad-score "$TMP/p2" "$D/test.adv")
	# MSE without rejection is another model
	ad-train "${T[@]}" -n 3 -L mse -o "$TMP/plain" "$D/train.adv"
	! cmp -s <(ad-score "$TMP/m" "$D/test.adv") <(ad-score "$TMP/plain" "$D/test.adv")
	grep -a -q '^reject=aar$' "$TMP/m"
	! grep -a -q '^reject=' "$TMP/plain"
}

@test "ad-train -j aar: the trace has t_hard, t_soft, contam per epoch; warm-up has no soft rejection" {
	ad-train "${T[@]}" -n 3 -j aar -G -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
	head -1 "$TMP/tr" | grep -q '	eval_auroc	t_hard	t_soft	contam$'
	# columns 14-16 with the batch column: numbers; t_soft <= t_hard; contam in [0, 1]
	awk -F '\t' '!/^#/ { if ($14 == "NA" || !($15 <= $14) || $16 < 0 || $16 > 1) bad = 1 }
	             END { exit bad }' "$TMP/tr"
	# epoch 1 (warm-up): every batch has t_soft = t_hard; later epochs soft-reject
	awk -F '\t' '!/^#/ && $1 == 1 && $2 != "all" && $15 != $14 { bad = 1 } END { exit bad }' "$TMP/tr"
	awk -F '\t' '!/^#/ && $1 == 3 && $2 != "all" && $15 < $14 { n++ } END { exit !(n > 0) }' "$TMP/tr"
	# the epoch row is the mean of its batch rows
	awk -F '\t' '!/^#/ && $1 == 2 { if ($2 == "all") e = $16; else { s += $16; n++ } }
	             END { d = e - s / n; exit !(n == 10 && d < 1e-6 && d > -1e-6) }' "$TMP/tr"
	# the estimate sees the contamination (20 %) within a wide margin
	awk -F '\t' '!/^#/ && $2 == "all" && $1 == 3 { exit !($16 > 0.1 && $16 < 0.6) }' "$TMP/tr"
	# without -j aar: NA
	ad-train "${T[@]}" -n 1 -g "$TMP/t0" -o "$TMP/m0" "$D/train.adv"
	awk -F '\t' '!/^#/ { exit !($13 == "NA" && $14 == "NA" && $15 == "NA") }' "$TMP/t0"
}

@test "ad-train -j aar: a resumed run reaches the same model and trace" {
	ad-train "${T[@]}" -n 4 -j aar -g "$TMP/ts" -o "$TMP/straight" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -j aar -g "$TMP/tr" -C "$TMP/ck" -o "$TMP/half" "$D/train.adv"
	ad-train "${T[@]}" -n 4 -j aar -g "$TMP/tr" -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/resumed" "$D/train.adv"
	cmp "$TMP/straight" "$TMP/resumed"
	cmp "$TMP/ts" "$TMP/tr"
	# another rule is another run
	run -1 --separate-stderr ad-train "${T[@]}" -n 4 -R "$TMP/ck" -o "$TMP/x" "$D/train.adv"
	[[ "${stderr_lines[0]}" == "ad-train: $TMP/ck: the checkpoint was made with other settings or data" ]]
}

@test "ad-train -j aar: usage errors" {
	run -2 --separate-stderr ad-train -j aar -Q 0.5 -o m
	[ "${stderr_lines[0]}" = "ad-train: -Q does not apply to -j aar (adaptive rejection)" ]
	run -2 --separate-stderr ad-train -j median -o m
	[ "${stderr_lines[0]}" = "ad-train: -j: unknown rejection rule 'median' (quantile, aar)" ]
	run -2 --separate-stderr ad-train -L loe -j aar -o m
	[ "${stderr_lines[0]}" = "ad-train: -j aar applies to the mse, huber and hetero losses" ]
	run -2 --separate-stderr ad-train -W 2 -o m
	[ "${stderr_lines[0]}" = "ad-train: -J, -X and -W apply to -j aar only" ]
	run -2 --separate-stderr ad-train --aar-warmup -1 -j aar -o m
	[[ "${stderr_lines[0]}" == "ad-train: -W: bad value '-1'"* ]]
	run -2 --separate-stderr ad-train -L ga -P cat -o m
	[ "${stderr_lines[0]}" = "ad-train: -P (--weigh) works with the mse, huber and hetero losses only" ]
}
