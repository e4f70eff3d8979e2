#!/usr/bin/env bats
# From scores to decisions: the training score distribution in the model file,
# ad-score thresholds (-c, -f/-v, -t, -m, -o) and the pred and id columns,
# ad-zscore fitted on one file and applied to another, ad-auroc -a.  Every
# expected number is recomputed here with sort and awk.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 7 200 5 > "$D/train.adv"
	gen_images 11 60 3 > "$D/test.adv"
	gen_images 13 90 4 > "$D/val.adv"
	PATH="$BATS_TEST_DIRNAME/../bin:$PATH"
	ad-train -q -A conv:4-8 -B 20 -r 0.01 -n 3 -o "$D/ae.model" "$D/train.adv"
	ad-score "$D/ae.model" "$D/train.adv" > "$D/train.scores"
	ad-score "$D/ae.model" "$D/test.adv" > "$D/test.scores"
}
setup() {
	load test_helper
	load numcmp
	D="$BATS_FILE_TMPDIR"
}

# type-7 quantile (numpy's default) of the scores in column 2 of a score table
quantile() {
	grep -v '^#' "$1" | cut -f 2 | sort -g | awk -v p="$2" '
	{ x[NR - 1] = $1 } END { h = (NR - 1) * p; k = int(h); t = h - k
	  v = k + 1 < NR ? x[k] + (x[k + 1] - x[k]) * t : x[k]; printf "%.17g\n", v }'
}

@test "model file: the stored quantiles are the sorted training scores (200 rows: all of them)" {
	run -0 ad-info -d "$D/ae.model"
	[ "${lines[0]}" = "#level	score" ]
	[ "${#lines[@]}" -eq 201 ]
	printf '%s\n' "${lines[@]:1}" | cut -f 2 > "$TMP/stored"
	grep -v '^#' "$D/train.scores" | cut -f 2 | sort -g > "$TMP/sorted"
	cmp "$TMP/stored" "$TMP/sorted"
	# levels i/199
	printf '%s\n' "${lines[@]:1}" | awk -F '\t' '{ d = $1 - (NR - 1) / 199; if (d > 1e-15 || d < -1e-15) exit 1 }'
	run -0 ad-info "$D/ae.model"
	grep -qx 'training_rows	200' <<< "$output"
	grep -qx 'training_anomalies	40' <<< "$output"
	grep -qx 'format	2' <<< "$output"
}

@test "model file: more than 1001 rows store the quantiles at levels 0, 0.001, ..., 1" {
	load gen_images
	gen_images 5 1500 10 > "$TMP/big.adv"
	ad-train -q -A mlp:8-4 -B 100 -n 1 -o "$TMP/big.model" "$TMP/big.adv"
	ad-score "$TMP/big.model" "$TMP/big.adv" > "$TMP/big.scores"
	run -0 ad-info -d "$TMP/big.model"
	[ "${#lines[@]}" -eq 1002 ]
	for i in 0 1 137 500 900 999 1000; do
		got=$(printf '%s\n' "${lines[@]:1}" | sed -n "$((i + 1))p" | cut -f 2)
		want=$(quantile "$TMP/big.scores" "$(awk -v i=$i 'BEGIN { printf "%.17g", i / 1000 }')")
		awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 1e-12 * b && d >= -1e-12 * b) }'
	done
}

@test "model file: format 1 files (no distribution) still load and score the same" {
	load gen_images
	gen_images 3 40 4 > "$TMP/v1.adv"
	ad-score "$FIX/model-v1/v1.model" "$TMP/v1.adv" > "$TMP/v1.scores"
	# the recorded scores, to float32 rounding of other SIMD kernels
	numcmp "$TMP/v1.scores" "$FIX/model-v1/v1.scores" 1e-4
	run -0 ad-info "$FIX/model-v1/v1.model"
	grep -qx 'format	1' <<< "$output"
	grep -qx 'training_rows	-' <<< "$output"
	grep -qx 'arch	mlp:8-4' <<< "$output"
	run -1 --separate-stderr ad-score -c 0.1 "$FIX/model-v1/v1.model" "$TMP/v1.adv"
	[ "$stderr" = "ad-score: $FIX/model-v1/v1.model: no training score distribution (a model file of format 1, from an older ad-train): use -f, -t or -m" ]
	[ -z "$output" ]
	# the other rules work on it
	run -0 --separate-stderr ad-score -t 7 "$FIX/model-v1/v1.model" "$TMP/v1.adv"
	[ "${lines[0]}" = "#label	score	pred" ]
}

@test "model file: format 2 adds the distribution after the tensors, the rest unchanged" {
	# the first bytes after the version up to the end of the tensors are those a
	# format 1 writer gives the same model: find the v1 fixture's model section in a
	# fresh format 2 file of the same training run
	load gen_images
	gen_images 3 40 4 > "$TMP/v1.adv"
	ad-train -q -A mlp:8-4 -B 10 -r 0.01 -n 2 -o "$TMP/v2.model" "$TMP/v1.adv"
	[ "$(head -c 8 "$TMP/v2.model" | od -An -tx1 | tr -d ' \n')" = "4144504d02000000" ]
	n1=$(wc -c < "$FIX/model-v1/v1.model")
	n2=$(wc -c < "$TMP/v2.model")
	# u64 rows, u64 anomalies, u32 crc, u32 k = 40, 40 f64
	[ $((n2 - n1)) -eq $((8 + 8 + 4 + 4 + 40 * 8)) ]
	if ! cmp -s <(tail -c +9 "$TMP/v2.model" | head -c $((n1 - 12))) \
	            <(tail -c +9 "$FIX/model-v1/v1.model" | head -c $((n1 - 12))); then
		# another SIMD kernel may round the weights differently: then at least
		# the layout (everything before the first weight) must agree
		cmp -n 200 <(tail -c +9 "$TMP/v2.model") <(tail -c +9 "$FIX/model-v1/v1.model")
	fi
}

@test "ad-score -c: the (1 - c) quantile of the training scores; pred = score above it" {
	for c in 0.1 0.2 0.25 0.01; do
		run -0 --separate-stderr ad-score -c $c "$D/ae.model" "$D/test.adv"
		[ "${lines[0]}" = "#label	score	pred" ]
		t=$(sed -n 's/^ad-score: threshold \([^ ]*\) (contamination .*: the .* quantile of 200 training scores)$/\1/p' <<< "$stderr")
		[ -n "$t" ]
		want=$(quantile "$D/train.scores" "$(awk -v c=$c 'BEGIN { printf "%.17g", 1 - c }')")
		awk -v a="$t" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 1e-12 * b && d >= -1e-12 * b) }'
		printf '%s\n' "${lines[@]:1}" | awk -F '\t' -v t="$t" '($2 > t) != $3 { exit 1 }'
		# the scores are those of plain ad-score
		cmp <(printf '%s\n' "${lines[@]}" | cut -f 1,2) "$D/test.scores"
	done
	# on the training rows themselves about a share c is flagged (no ties here)
	ad-score -q -c 0.1 "$D/ae.model" "$D/train.adv" | awk -F '\t' '!/^#/ { n += $3 } END { exit n != 20 }'
}

@test "ad-score -f -v: at most the rate of the validation normals above, and the lowest such threshold" {
	ad-score "$D/ae.model" "$D/val.adv" > "$TMP/val.scores"
	for rate in 0 0.05 0.1 0.3; do
		run -0 --separate-stderr ad-score -f $rate -v "$D/val.adv" "$D/ae.model" "$D/test.adv"
		t=$(sed -n 's/^ad-score: threshold \([^ ]*\) (false-positive rate .*)$/\1/p' <<< "$stderr")
		[ -n "$t" ]
		# normals of val: count above t <= floor(rate n0); the next lower normal score
		# would flag more than that
		awk -F '\t' -v t="$t" -v r=$rate '
			!/^#/ && $1 == 0 { n0++; s[n0] = $2; if ($2 > t) fp++; if ($2 == t) hit = 1 }
			END {
				m = int(r * n0 + 1e-9); if (!hit || fp > m) exit 1
				below = -1e308; for (i = 1; i <= n0; i++) if (s[i] < t && s[i] > below) below = s[i]
				c = 0; for (i = 1; i <= n0; i++) if (s[i] > below) c++
				exit !(below == -1e308 || c > m)
			}' "$TMP/val.scores"
		grep -q "normal rows above it" <<< "$stderr"
		printf '%s\n' "${lines[@]:1}" | awk -F '\t' -v t="$t" '($2 > t) != $3 { exit 1 }'
	done
}

@test "ad-score -o / -m: a threshold saved once and applied to other data; -t" {
	run -0 --separate-stderr ad-score -c 0.2 -o "$TMP/ae.thr" "$D/ae.model" "$D/test.adv"
	printf '%s\n' "${lines[@]}" > "$TMP/a"
	t=$(sed -n 's/^ad-score: threshold \([^ ]*\) .*/\1/p' <<< "$stderr")
	[ "$(sed -n 1p "$TMP/ae.thr")" = "#adthreshold 1" ]
	[ "$(sed -n 's/^threshold	//p' "$TMP/ae.thr")" = "$t" ]
	grep -q "^rule	contamination 0.2" "$TMP/ae.thr"
	run -0 --separate-stderr ad-score -m "$TMP/ae.thr" "$D/ae.model" "$D/test.adv"
	printf '%s\n' "${lines[@]}" | cmp - "$TMP/a"
	[ "$stderr" = "ad-score: threshold $t (from $TMP/ae.thr)" ]
	run -0 --separate-stderr ad-score -t "$t" "$D/ae.model" "$D/test.adv"
	printf '%s\n' "${lines[@]}" | cmp - "$TMP/a"
	# -q: no threshold line
	run -0 --separate-stderr ad-score -q -m "$TMP/ae.thr" "$D/ae.model" "$D/test.adv"
	[ -z "$stderr" ]
	# a damaged threshold file
	printf '#adthreshold 1\nthreshold\tx\n' > "$TMP/bad.thr"
	run -1 --separate-stderr ad-score -m "$TMP/bad.thr" "$D/ae.model" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/bad.thr:2: threshold: bad number 'x'" ]
	printf 'threshold\t3\n' > "$TMP/bad.thr"
	run -1 --separate-stderr ad-score -m "$TMP/bad.thr" "$D/ae.model" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/bad.thr:1: not a threshold file (expected '#adthreshold 1')" ]
	printf '#adthreshold 1\nrule\tx\n' > "$TMP/bad.thr"
	run -1 --separate-stderr ad-score -m "$TMP/bad.thr" "$D/ae.model" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/bad.thr: no threshold line" ]
	# -o never overwrites an input
	cp "$D/test.adv" "$TMP/in.adv"
	run -1 --separate-stderr ad-score -t 1 -o "$TMP/in.adv" "$D/ae.model" "$TMP/in.adv"
	[ "$stderr" = "ad-score: $TMP/in.adv: is the same file as the input $TMP/in.adv: refusing to overwrite it" ]
	cmp "$TMP/in.adv" "$D/test.adv"
}

@test "ad-score: threshold usage errors" {
	run -2 --separate-stderr ad-score -c 0.1 -t 3 "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -c, -f, -t and -m exclude each other (one threshold)" ]
	run -2 --separate-stderr ad-score -f 0.1 "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -f and -v go together (a rate and the file to measure it on)" ]
	run -2 --separate-stderr ad-score -o x "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -o saves a threshold: give one with -c, -f, -t or -m" ]
	run -2 --separate-stderr ad-score -c 1 "$D/ae.model"
	[[ "${stderr_lines[0]}" == "ad-score: -c: bad value '1'"* ]]
	run -2 --separate-stderr ad-score -t 1 -o - "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -o -: standard output holds the scores" ]
	printf '#adv 1 dim=64\n2\t%s\n' "$(seq -s '	' 64 | sed 's/[0-9]*/0/g')" > "$TMP/lab2.adv"
	run -1 --separate-stderr ad-score -f 0.1 -v "$TMP/lab2.adv" "$D/ae.model" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/lab2.adv: row 1: label 2 (-f needs labels 0 and 1)" ]
}

@test "ad-score -i: the row number traces rows back after sort" {
	run -0 ad-score -i "$D/ae.model" "$D/test.adv"
	[ "${lines[0]}" = "#label	score	id" ]
	printf '%s\n' "${lines[@]:1}" | awk -F '\t' '$3 != NR { exit 1 }'
	# the 5 highest scores, traced back to their input rows
	printf '%s\n' "${lines[@]:1}" | sort -t '	' -k 2,2gr | head -5 > "$TMP/top"
	while IFS='	' read -r l s id; do
		[ "$(grep -v '^#' "$D/test.adv" | sed -n "${id}p" | cut -f 1)" = "$l" ]
		[ "$(grep -v '^#' "$D/test.scores" | sed -n "${id}p" | cut -f 2)" = "$s" ]
	done < "$TMP/top"
	# with a threshold: label score pred id
	run -0 --separate-stderr ad-score -i -t 10 "$D/ae.model" "$D/test.adv"
	[ "${lines[0]}" = "#label	score	pred	id" ]
}

@test "ad-zscore -o/-m: fitted on training scores, applied to test scores" {
	ad-zscore -o "$TMP/train.z" "$D/train.scores" > "$TMP/fit"
	# fitting writes the table of plain ad-zscore
	ad-zscore "$D/train.scores" | cmp - "$TMP/fit"
	[ "$(head -1 "$TMP/train.z")" = "#adzscore 1" ]
	grep -qx 'n	200' "$TMP/train.z"
	med=$(sed -n 's/^median	//p' "$TMP/train.z")
	mad=$(sed -n 's/^mad	//p' "$TMP/train.z")
	[ "$med" = "$(quantile "$D/train.scores" 0.5)" ] || awk -v a="$med" -v b="$(quantile "$D/train.scores" 0.5)" 'BEGIN { exit !(a - b < 1e-12 && b - a < 1e-12) }'
	# MAD: the median of |s - median|
	want=$(grep -v '^#' "$D/train.scores" | awk -F '\t' -v m="$med" '{ d = $2 - m; printf "%.17g\n", (d < 0 ? -d : d) }' | sort -g | awk '{ x[NR] = $1 } END { printf "%.17g", NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2 }')
	awk -v a="$mad" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 1e-12 && d >= -1e-12) }'
	# applied to the same scores: the same table bit for bit
	ad-zscore -m "$TMP/train.z" "$D/train.scores" | cmp - "$TMP/fit"
	# applied to test scores: z = 0.6745 (s - median) / MAD of the training scores
	ad-zscore -m "$TMP/train.z" "$D/test.scores" > "$TMP/test.z"
	[ "$(head -1 "$TMP/test.z")" = "#label	score	z	alpha" ]
	awk -F '\t' -v m="$med" -v d="$mad" '!/^#/ { z = 0.6745 * ($2 - m) / d; e = $3 - z; if (e > 1e-9 || e < -1e-9) exit 1; n++ } END { exit n != 60 }' "$TMP/test.z"
	# ... and differs from the test scores' own z
	! ad-zscore "$D/test.scores" | cmp -s - "$TMP/test.z"
}

@test "ad-zscore -o/-m: errors" {
	run -2 --separate-stderr ad-zscore -o a -m b
	[ "${stderr_lines[0]}" = "ad-zscore: -o and -m exclude each other (fit or apply)" ]
	run -2 --separate-stderr ad-zscore -o a -n 10
	[ "${stderr_lines[0]}" = "ad-zscore: -o fits on the whole input: -n does not apply" ]
	run -2 --separate-stderr ad-zscore -o - "$D/train.scores"
	[ "${stderr_lines[0]}" = "ad-zscore: -o -: standard output holds the score table" ]
	printf '0\t1\n0\t2\n\n1\t3\n' > "$TMP/groups"
	run -1 --separate-stderr ad-zscore -o "$TMP/st" "$TMP/groups"
	[ "$stderr" = "ad-zscore: -o fits one set of statistics: the input has more than one group (an empty line before more rows)" ]
	printf '#adzscore 1\nn\t3\nmedian\t1\nmad\t-1\nmeanad\t1\n' > "$TMP/bad.z"
	run -1 --separate-stderr ad-zscore -m "$TMP/bad.z" "$D/train.scores"
	[ "$stderr" = "ad-zscore: $TMP/bad.z:4: mad: bad value '-1'" ]
	printf '#adzscore 1\nn\t3\nmedian\t1\n' > "$TMP/bad.z"
	run -1 --separate-stderr ad-zscore -m "$TMP/bad.z" "$D/train.scores"
	[ "$stderr" = "ad-zscore: $TMP/bad.z: no mad line" ]
	cp "$D/train.scores" "$TMP/in"
	run -1 --separate-stderr ad-zscore -o "$TMP/in" "$TMP/in"
	[ "$stderr" = "ad-zscore: $TMP/in: is the input; the statistics would overwrite it" ]
	cmp "$TMP/in" "$D/train.scores"
}

@test "ad-auroc -a: named metrics; at a threshold the confusion matrix, precision, recall, F1" {
	run -0 ad-auroc -a "$D/test.scores"
	[ "${lines[0]}" = "#n	anomalies	auroc	auprc	at_n	precision_at_n" ]
	auc=$(ad-auroc "$D/test.scores")
	ap=$(ad-auroc -p "$D/test.scores" | cut -f 2)
	[ "${lines[1]}" = "60	20	$auc	$ap	20	$(grep -v '^#' "$D/test.scores" | sort -t '	' -k 2,2gr | head -20 | awk -F '\t' '{ a += $1 } END { printf "%.6f", a / 20 }')" ]
	for t in 5 10 15; do
		run -0 ad-auroc -t $t "$D/test.scores"
		[ "${lines[0]}" = "#n	anomalies	auroc	auprc	at_n	precision_at_n	threshold	tp	fp	tn	fn	precision	recall	f1	fpr" ]
		want=$(awk -F '\t' -v t=$t '!/^#/ { p = $2 > t; if ($1) { if (p) tp++; else fn++ } else { if (p) fp++; else tn++ } }
			END { pr = tp + fp ? tp / (tp + fp) : 0; re = tp / (tp + fn); f = pr + re ? 2 * pr * re / (pr + re) : 0
			      printf "%d\t%d\t%d\t%d\t%.6f\t%.6f\t%.6f\t%.6f", tp, fp, tn, fn, pr, re, f, fp / (fp + tn) }' "$D/test.scores")
		[ "$(cut -f 7 <<< "${lines[1]}")" = "$t" ]
		[ "$(cut -f 8- <<< "${lines[1]}")" = "$want" ]
		# the same from ad-score's pred column, and from a saved threshold
		ad-score -q -t $t "$D/ae.model" "$D/test.adv" > "$TMP/p"
		[ "$(ad-auroc -d pred "$TMP/p" | sed -n 2p | cut -f 7-)" = "$want" ]
		printf '#adthreshold 1\nthreshold\t%s\n' $t > "$TMP/t.thr"
		[ "$(ad-auroc -m "$TMP/t.thr" "$D/test.scores" | sed -n 2p | cut -f 8-)" = "$want" ]
	done
	# precision@n for a given n
	[ "$(ad-auroc -n 7 "$D/test.scores" | sed -n 2p | cut -f 5,6)" = "7	$(grep -v '^#' "$D/test.scores" | sort -t '	' -k 2,2gr | head -7 | awk -F '\t' '{ a += $1 } END { printf "%.6f", a / 7 }')" ]
	# the old outputs stay as they were
	[ "$(ad-auroc "$D/test.scores")" = "$auc" ]
	[[ "$(ad-auroc -p "$D/test.scores")" =~ ^[01]\.[0-9]{6}$'\t'[01]\.[0-9]{6}$ ]]
}

@test "ad-auroc -a: ties in precision@n count together; errors" {
	printf '#label\tscore\n1\t3\n0\t2\n1\t2\n0\t2\n0\t1\n' > "$TMP/ties"
	# the 2nd highest is 2, tied by three rows: 1 anomaly + 1 among 4 rows
	[ "$(ad-auroc -n 2 "$TMP/ties" | sed -n 2p | cut -f 5,6)" = "2	0.500000" ]
	# strictly above the threshold: the rows at 2 are not flagged
	[ "$(ad-auroc -t 2 "$TMP/ties" | sed -n 2p | cut -f 7-11)" = "2	1	0	3	1" ]
	run -2 --separate-stderr ad-auroc -t 1 -d pred "$TMP/ties"
	[ "${stderr_lines[0]}" = "ad-auroc: -t, -m and -d exclude each other (one threshold)" ]
	run -2 --separate-stderr ad-auroc -a -r "$TMP/ties"
	[ "${stderr_lines[0]}" = "ad-auroc: -p, -r and -a (or -t, -m, -d, -n) cannot be combined" ]
	run -1 --separate-stderr ad-auroc -n 9 "$TMP/ties"
	[ "$stderr" = "ad-auroc: $TMP/ties: -n 9: only 5 rows" ]
	run -1 --separate-stderr ad-auroc -d pred "$TMP/ties"
	[[ "$stderr" == "ad-auroc: $TMP/ties: no column 'pred'"* ]]
	printf '#label\tscore\tpred\n1\t3\t2\n' > "$TMP/p2"
	run -1 --separate-stderr ad-auroc -d pred "$TMP/p2"
	[ "$stderr" = "ad-auroc: $TMP/p2:2: predicted label must be 0 or 1, got 1	3	2" ]
}
