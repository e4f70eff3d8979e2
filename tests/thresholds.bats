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
	grep -qx 'format	3' <<< "$output"
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

@test "model file: formats 2 and 3 add the distributions after the tensors, the rest unchanged" {
	# the first bytes after the version up to the end of the tensors are those a
	# format 1 writer gives the same model: find the v1 fixture's model section in a
	# fresh format 3 file of the same training run
	load gen_images
	gen_images 3 40 4 > "$TMP/v1.adv"
	ad-train -q -A mlp:8-4 -B 10 -r 0.01 -n 2 -x score -o "$TMP/v2.model" "$TMP/v1.adv"
	[ "$(head -c 8 "$TMP/v2.model" | od -An -tx1 | tr -d ' \n')" = "4144504d03000000" ]
	n1=$(wc -c < "$FIX/model-v1/v1.model")
	n2=$(wc -c < "$TMP/v2.model")
	# format 2: u64 rows, u64 anomalies, u32 crc, u32 k = 40, 40 f64; format 3:
	# u64 clean rows, f64 clean weight, u32 k = 40 (weights 1 and 0.1: none
	# dropped), 40 f64 levels, 40 f64 scores
	[ $((n2 - n1)) -eq $((8 + 8 + 4 + 4 + 40 * 8 + 8 + 8 + 4 + 40 * 8 * 2)) ]
	# the format 2 fixture of the same run: identical up to its CRC (the tensors
	# and the first distribution), to the rounding of other SIMD kernels
	nv2=$(wc -c < "$FIX/model-v2/v2.model")
	if ! cmp -s <(tail -c +9 "$TMP/v2.model" | head -c $((nv2 - 12))) \
	            <(tail -c +9 "$FIX/model-v2/v2.model" | head -c $((nv2 - 12))); then
		cmp -n 200 <(tail -c +9 "$TMP/v2.model") <(tail -c +9 "$FIX/model-v2/v2.model")
	fi
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

# Clean-weighted distribution.  The rows' weights are read from the weigher's
# answers (ad-zscore | ad-reject, teed to a log) with the row number as the label,
# so that each answer names its row whatever the shuffle; the weighted type-7
# quantile is recomputed here with sort and awk.

# rows_with_ids SEED N EVERY: gen_images with the row number (1..N) as label
rows_with_ids() {
	load gen_images
	gen_images "$@" | awk -F '\t' -v OFS='\t' 'NR == 1 { print; next } { $1 = NR - 1; print }'
}

# last_weights LOG FIRST NB: "row<TAB>w" from the weigher groups FIRST .. FIRST+NB-1
# (from 0) of the teed log (a header line, then groups ending in an empty line)
last_weights() {
	awk -F '\t' -v first="$2" -v nb="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "w") cw = i; next }
		$0 == "" { g++; next }
		g >= first && g < first + nb { print $1 "\t" $cw }' "$1"
}

# wquantiles SCORES WEIGHTS [P]: the weighted type-7 quantile of the scores of
# ad-score output SCORES (label = row number) weighted by WEIGHTS (row<TAB>w) at
# the level P; without P the knots "level<TAB>score" (up to 1001 rows with w > 0:
# every row's, else the levels i/1000), as ad-info -w prints them
wquantiles() {
	awk -F '\t' 'NR == FNR { w[$1] = $2; next } !/^#/ && w[$1] > 0 { print $2 "\t" w[$1] }' \
		"$2" "$1" | sort -t "$(printf '\t')" -k1,1g -k2,2g | awk -F '\t' -v P="${3:-}" '
		function q(p,   j, a, b, t) {
			if (p >= 1) return x[m - 1]
			for (j = 0; j + 1 < m - 1 && c[j + 1] / c[m - 1] <= p; j++) ;
			a = c[j] / c[m - 1]; b = c[j + 1] / c[m - 1]; t = (p - a) / (b - a)
			return t < 0.5 ? x[j] + (x[j + 1] - x[j]) * t : x[j + 1] - (x[j + 1] - x[j]) * (1 - t)
		}
		BEGIN { m = 0; W = 0 }
		{ x[m] = $1; c[m] = W; W += $2; m++ }
		END {
			if (P != "") { printf "%.17g\n", q(P); exit }
			if (m <= 1001)
				for (j = 0; j < m; j++)
					printf "%.17g\t%.17g\n", j == m - 1 ? 1 : c[j] / c[m - 1], x[j]
			else
				for (i = 0; i <= 1000; i++) printf "%.17g\t%.17g\n", i / 1000, q(i / 1000)
		}'
}

# same_numbers A B: the same count of numbers (TAB or newline separated), each
# pair within 1e-12 relative
same_numbers() {
	tr '\t' '\n' < "$1" > "$1.n"
	tr '\t' '\n' < "$2" > "$2.n"
	[ "$(wc -l < "$1.n")" -eq "$(wc -l < "$2.n")" ]
	paste "$1.n" "$2.n" | awk '{ d = $1 - $2; m = $2 < 0 ? -$2 : $2; if (d > 1e-12 * m || -d > 1e-12 * m) exit 1 }'
}

@test "clean-weighted distribution: the training scores weighted by the last epoch's rejection weights" {
	rows_with_ids 7 230 5 > "$TMP/ids.adv"
	for ts in 0.1 0; do
		rm -f "$TMP/w.log"
		ad-train -q -A conv:4-8 -B 20 -r 0.01 -n 3 -o "$TMP/w.model" \
			-P "ad-zscore | ad-reject -t $ts | tee -a '$TMP/w.log'" "$TMP/ids.adv"
		ad-score "$TMP/w.model" "$TMP/ids.adv" > "$TMP/w.scores"
		# 230 rows in batches of 20: 12 groups an epoch; the third epoch's
		last_weights "$TMP/w.log" 24 12 > "$TMP/w.last"
		[ "$(cut -f 1 "$TMP/w.last" | sort -n | uniq | wc -l)" -eq 230 ]
		wquantiles "$TMP/w.scores" "$TMP/w.last" > "$TMP/want"
		ad-info -w "$TMP/w.model" | tail -n +2 > "$TMP/got"
		same_numbers "$TMP/got" "$TMP/want"
		run -0 ad-info "$TMP/w.model"
		m=$(awk -F '\t' '$2 > 0' "$TMP/w.last" | wc -l)
		grep -qx "clean_rows	$m" <<< "$output"
		grep -qx "clean_quantiles	$m" <<< "$output"
		wsum=$(awk -F '\t' '{ s += $2 } END { printf "%.6f", s }' "$TMP/w.last")
		[ "$(awk -F '\t' '$1 == "clean_weight" { printf "%.6f", $2 }' <<< "$output")" = "$wsum" ]
		# ts = 0 drops the rows above each batch median: about half are left
		if [ "$ts" = 0 ]; then [ "$m" -lt 150 ]; else [ "$m" -eq 230 ]; fi
		# ad-score -r: the (1 - r) weighted quantile, and pred = score above it
		for r in 0.1 0.3 0.123 0.0117; do
			run -0 --separate-stderr ad-score -r $r "$TMP/w.model" "$TMP/ids.adv"
			t=$(sed -n 's/^ad-score: threshold \([^ ]*\) (clean rate .*weighted by their rejection weights.*)$/\1/p' <<< "$stderr")
			[ -n "$t" ]
			echo "$t" > "$TMP/t"
			wquantiles "$TMP/w.scores" "$TMP/w.last" "$(awk -v r=$r 'BEGIN { printf "%.17g", 1 - r }')" > "$TMP/tw"
			same_numbers "$TMP/t" "$TMP/tw"
			printf '%s\n' "${lines[@]:1}" | awk -F '\t' -v t="$t" '($2 > t) != $3 { exit 1 }'
			if [ $r = 0.1 ]; then grep -qx "threshold_r$r	$t" <<< "$(ad-info "$TMP/w.model")"; fi
		done
	done
	# the in-process loss gives the same model, the clean part included
	ad-train -q -A conv:4-8 -B 20 -r 0.01 -n 3 -t 0 -x score -o "$TMP/h.model" "$TMP/ids.adv"
	cmp <(ad-info -w "$TMP/h.model") <(ad-info -w "$TMP/w.model")
	cmp <(ad-score "$TMP/h.model" "$TMP/ids.adv") "$TMP/w.scores"
}

@test "clean-weighted distribution: with -y, the weights of the selected epoch" {
	rows_with_ids 7 230 5 > "$TMP/ids.adv"
	load gen_images
	gen_images 13 90 4 > "$TMP/val.adv"
	ad-train -q -A conv:4-8 -B 20 -r 0.02 -n 6 -y "$TMP/val.adv" -o "$TMP/y.model" \
		-P "ad-zscore | ad-reject -t 0 | tee -a '$TMP/y.log'" "$TMP/ids.adv"
	# (this run selects an epoch before the last, 5 of 6)
	be=$(ad-info "$TMP/y.model" | awk -F '\t' '$1 == "best_epoch" { print $2 }')
	[ -n "$be" ] && [ "$be" -lt 6 ]
	ad-score "$TMP/y.model" "$TMP/ids.adv" > "$TMP/y.scores"
	last_weights "$TMP/y.log" $(( (be - 1) * 12 )) 12 > "$TMP/y.last"
	wquantiles "$TMP/y.scores" "$TMP/y.last" > "$TMP/want"
	ad-info -w "$TMP/y.model" | tail -n +2 > "$TMP/got"
	same_numbers "$TMP/got" "$TMP/want"
	# the last epoch's weights give another distribution (the test can tell)
	other=6
	last_weights "$TMP/y.log" $(( (other - 1) * 12 )) 12 > "$TMP/o.last"
	wquantiles "$TMP/y.scores" "$TMP/o.last" > "$TMP/other"
	! same_numbers "$TMP/got" "$TMP/other"
}

@test "clean-weighted distribution: equal weights (mse, nothing rejected) give the unweighted one" {
	ad-train -q -A conv:4-8 -B 20 -r 0.01 -n 2 -L mse -o "$TMP/mse.model" "$D/train.adv"
	cmp <(ad-info -d "$TMP/mse.model") <(ad-info -w "$TMP/mse.model")
	run -0 ad-info "$TMP/mse.model"
	grep -qx 'clean_rows	200' <<< "$output"
	grep -qx 'clean_weight	200' <<< "$output"
}

@test "model file: format 2 files (no clean-weighted part) load; -r says what is missing" {
	load gen_images
	gen_images 3 40 4 > "$TMP/v2.adv"
	ad-score "$FIX/model-v2/v2.model" "$TMP/v2.adv" > "$TMP/v2.scores"
	numcmp "$TMP/v2.scores" "$FIX/model-v2/v2.scores" 1e-4
	run -0 ad-info "$FIX/model-v2/v2.model"
	grep -qx 'format	2' <<< "$output"
	grep -qx 'training_rows	40' <<< "$output"
	grep -qx 'clean_rows	-' <<< "$output"
	run -0 --separate-stderr ad-score -c 0.25 "$FIX/model-v2/v2.model" "$TMP/v2.adv"
	run -1 --separate-stderr ad-score -r 0.1 "$FIX/model-v2/v2.model" "$TMP/v2.adv"
	[ "$stderr" = "ad-score: $FIX/model-v2/v2.model: no clean-weighted training score distribution (a model file of format 2, from an older ad-train): use -c, -f, -t or -m" ]
	[ -z "$output" ]
	run -1 --separate-stderr ad-info -w "$FIX/model-v2/v2.model"
	[ "$stderr" = "ad-info: $FIX/model-v2/v2.model: no clean-weighted training score distribution (format 2)" ]
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
	[ "${stderr_lines[0]}" = "ad-score: -c, -r, -f, -t and -m exclude each other (one threshold)" ]
	run -2 --separate-stderr ad-score -r 0.1 -t 3 "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -c, -r, -f, -t and -m exclude each other (one threshold)" ]
	run -2 --separate-stderr ad-score -r 1 "$D/ae.model"
	[[ "${stderr_lines[0]}" == "ad-score: -r: bad value '1'"* ]]
	run -2 --separate-stderr ad-score -f 0.1 "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -f and -v go together (a rate and the file to measure it on)" ]
	run -2 --separate-stderr ad-score -o x "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -o saves a threshold: give one with -c, -r, -f, -t or -m" ]
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
