#!/usr/bin/env bats
# ad-train: options, training, the --weigh co-process, model files, checkpoints.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 7 200 5 > "$D/train.adv"    # 20 % anomalies
	gen_images 11 60 3 > "$D/test.adv"
	gen_images 13 50 0 > "$D/val.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
	# a small conv AE, 10 batches per epoch
	T=(-q -A conv:4-8 -B 20 -r 0.01)
}

# sh weigher that passes ad-zscore | ad-reject through and sends itself-parent
# signal $KILLSIG after group $KILLAT (mid-epoch interruption, deterministic)
KW='ad-zscore | ad-reject | { g=0; while IFS= read -r l; do printf "%s\n" "$l"; if [ -z "$l" ]; then g=$((g+1)); if [ "$g" = "${KILLAT:-0}" ]; then kill -"${KILLSIG:-TERM}" $PPID; fi; fi; done; }'

@test "ad-train: -h and --help print the usage on stdout" {
	run -0 --separate-stderr ad-train -h
	[[ "${lines[0]}" == "usage: ad-train "* ]]
	[[ "$output" == *"--checkpoint-every N"* ]]
	[ -z "$stderr" ]
	run -0 --separate-stderr ad-train --help
	[[ "${lines[0]}" == "usage: ad-train "* ]]
}

@test "ad-train: -V prints the version" {
	run -0 --separate-stderr ad-train -V
	[[ "$output" == "ad-train (adpipe) "* ]]
	run -0 ad-train --version
	[[ "$output" == "ad-train (adpipe) "* ]]
}

@test "ad-train: usage errors exit 2 with one message" {
	run -2 --separate-stderr ad-train "$D/train.adv"
	[ "${stderr_lines[0]}" = "ad-train: no model file given (-o FILE)" ]
	[ -z "$output" ]
	run -2 --separate-stderr ad-train -z -o m
	[ "${stderr_lines[0]}" = "ad-train: unknown option or missing argument: -z" ]
	run -2 --separate-stderr ad-train -L cauchy -o m
	[ "${stderr_lines[0]}" = "ad-train: -L: unknown loss 'cauchy' (mse, huber, ga, loe, hetero)" ]
	run -2 --separate-stderr ad-train -M vae -o m
	[ "${stderr_lines[0]}" = "ad-train: -M: unknown model 'vae' (ae, memae, dsvdd)" ]
	run -2 --separate-stderr ad-train -S median -o m
	[ "${stderr_lines[0]}" = "ad-train: -S: bad value 'median' (expected sum or mean)" ]
	run -2 --separate-stderr ad-train -n -1 -o m
	[[ "${stderr_lines[0]}" == "ad-train: -n: bad value '-1'"* ]]
	run -2 --separate-stderr ad-train -Q 1.5 -o m
	[[ "${stderr_lines[0]}" == "ad-train: -Q: bad value '1.5'"* ]]
	run -2 --separate-stderr ad-train --epochs
	[ "${stderr_lines[0]}" = "ad-train: option --epochs needs a value" ]
	run -2 --separate-stderr ad-train --epoch 3 -o m
	[ "${stderr_lines[0]}" = "ad-train: unknown option --epoch" ]
	run -2 --separate-stderr ad-train --loe-hard=1 -o m
	[ "${stderr_lines[0]}" = "ad-train: option --loe-hard takes no value" ]
	run -2 --separate-stderr ad-train -L ga -P cat -o m
	[ "${stderr_lines[0]}" = "ad-train: -P (--weigh) works with the mse, huber and hetero losses only" ]
	run -2 --separate-stderr ad-train -L mse -a 1 -o m
	[ "${stderr_lines[0]}" = "ad-train: -a (--alpha-r) applies to the hetero loss only" ]
	run -2 --separate-stderr ad-train -L hetero -H -o m
	[ "${stderr_lines[0]}" = "ad-train: -F, -U and -H apply to the loe loss only" ]
	run -2 --separate-stderr ad-train -L ga -Q 0.5 -o m
	[ "${stderr_lines[0]}" = "ad-train: -Q and -t do not apply to the ga loss" ]
	run -2 --separate-stderr ad-train -p 3 -o m
	[ "${stderr_lines[0]}" = "ad-train: -p and -d apply to the dsvdd model only" ]
	run -2 --separate-stderr ad-train -N 10 -o m
	[ "${stderr_lines[0]}" = "ad-train: -N, -k and -Z apply to the memae model only" ]
	run -2 --separate-stderr ad-train -o m a b
	[ "${stderr_lines[0]}" = "ad-train: too many operands" ]
}

@test "ad-train: a conv AE trains, its loss falls, the model reloads" {
	run -0 --separate-stderr ad-train "${T[@]}" -n 6 -x score -g "$TMP/trace" -o "$TMP/m" "$D/train.adv"
	[ -z "$stderr" ]
	[ -s "$TMP/m" ]
	head -1 "$TMP/trace" | grep -q '^#epoch	phase	loss	z_mean	z_max	alpha_min	alpha_mean	rejected	anom_of_rejected	anom_rejected	val_loss	eval_auroc	t_hard	t_soft	contam$'
	[ "$(grep -vc '^#' "$TMP/trace")" -eq 6 ]
	# the loss of the last epoch is well below the first one
	awk -F '\t' '!/^#/ { l[++n] = $3 } END { exit !(l[n] < 0.25 * l[1]) }' "$TMP/trace"
	# hetero as Algorithm 1 (-x score): half of every batch soft-rejected, alpha down to alpha_r
	awk -F '\t' '!/^#/ && ($8 != 0.5 || $6 != 1.5) { bad = 1 } END { exit bad }' "$TMP/trace"
	run -0 ad-score "$TMP/m" "$D/test.adv"
	[ "${#lines[@]}" -eq 61 ]
	# noise rows (label 1) score far above the blobs
	ad-score "$TMP/m" "$D/test.adv" | ad-auroc | awk '{ exit !($1 > 0.95) }'
}

@test "ad-train: same seed, same model file; another seed, another file" {
	ad-train "${T[@]}" -n 2 -s 5 -o "$TMP/a" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -s 5 -o "$TMP/b" < "$D/train.adv"
	cmp "$TMP/a" "$TMP/b"
	ad-train "${T[@]}" -n 2 -s 6 -o "$TMP/c" "$D/train.adv"
	run -1 cmp -s "$TMP/a" "$TMP/c"
}

@test "ad-train: the model file does not depend on the thread count" {
	ad-train "${T[@]}" -n 2 -T 1 -o "$TMP/t1" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -T 2 -o "$TMP/t2" "$D/train.adv"
	ad-train "${T[@]}" -n 2 --threads=3 -o "$TMP/t3" "$D/train.adv"
	cmp "$TMP/t1" "$TMP/t2"
	cmp "$TMP/t1" "$TMP/t3"
}

@test "ad-train: long options are aliases of the letters" {
	ad-train "${T[@]}" -n 2 -L mse -Q 0.5 -t 0.2 -w 0.001 -s 3 -o "$TMP/a" "$D/train.adv"
	ad-train -q --arch conv:4-8 --batch=20 --lr 0.01 --epochs 2 --loss=mse --q 0.5 --ts 0.2 \
		--wd 0.001 --seed 3 --output "$TMP/b" -- "$D/train.adv"
	cmp "$TMP/a" "$TMP/b"
}

@test "ad-train: --weigh 'ad-zscore | ad-reject' gives the model of --loss hetero, bit for bit" {
	# Algorithm 1 (-x score; these are images, where the default is the lock-in remedy)
	ad-train "${T[@]}" -n 3 -x score -o "$TMP/h" "$D/train.adv"
	ad-train "${T[@]}" -n 3 --weigh 'ad-zscore | ad-reject' -o "$TMP/w" "$D/train.adv"
	cmp "$TMP/h" "$TMP/w"
	# and with non-default knobs on both sides
	ad-train "${T[@]}" -n 2 -Q 0.75 -t 0 -a 1 -x score -o "$TMP/h2" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -Q 0.75 -t 0 -a 1 -P 'ad-zscore -a 1 | ad-reject -Q 0.75 -t 0' \
		-o "$TMP/w2" "$D/train.adv"
	run cmp -s "$TMP/h2" "$TMP/h"
	[ "$status" -ne 0 ]
	cmp "$TMP/h2" "$TMP/w2"
}

@test "ad-train: any filter adding alpha and w is a weigher (awk, cat)" {
	AWK=awk
	awk -W version 2>&1 | grep -q mawk && AWK='awk -W interactive'   # no input buffering
	ad-train "${T[@]}" -n 2 -Q 1 -t 1 -a 2 -o "$TMP/h" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -P "$AWK -F '\t' -v OFS='\t' '/^#/ { print \$0, \"alpha\", \"w\"; next } NF == 0 { print; next } { print \$0, 2, 1 }'" \
		-o "$TMP/a" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -P cat -o "$TMP/c" "$D/train.adv"
	# alpha = 2 and w = 1 everywhere is hetero with q = ts = 1, alpha_r = 2 (the
	# settings recorded in the files differ, the weights do not)
	ad-score "$TMP/h" "$D/test.adv" > "$TMP/sh"
	ad-score "$TMP/a" "$D/test.adv" > "$TMP/sa"
	ad-score "$TMP/c" "$D/test.adv" > "$TMP/sc"
	cmp "$TMP/sh" "$TMP/sa"
	cmp "$TMP/sh" "$TMP/sc"
}

@test "ad-train: a failing or misbehaving weigher is a clear error, no model" {
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P false -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher: 'false' exited with status 1 before answering" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'head -n 3' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher: 'head -n 3' ended before answering" ]
	AWK=awk
	awk -W version 2>&1 | grep -q mawk && AWK='awk -W interactive'
	# rows dropped: the group's empty line comes early
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'ad-zscore | ad-reject -d' -o "$TMP/m" "$D/train.adv"
	[[ "$stderr" == "ad-train: epoch 1, batch 1: weigher:"*": empty line after "*" of 20 rows (rows dropped?)" ]]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P "$AWK 'NR < 12 || NR > 21'" -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher:12: empty line after 10 of 20 rows (rows dropped?)" ]
	# a row changed
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P "$AWK -F '\t' -v OFS='\t' 'NR == 5 { \$2 = 1 } { print }'" -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher:5: row 4 of the batch does not match what was sent (label 0, score 23.663883507860056)" ]
	# a row added: the 21st row of the group
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P "$AWK 'NR == 5 { print } { print }'" -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher:22: more rows than the 20 sent" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'while IFS= read -r l; do case $l in "#"*) printf "#x\tscore\n";; *) echo "$l";; esac; done' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher:1: header must start with #label<TAB>score" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'grep --line-buffered -v "^#"' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher:1: expected the header line #label<TAB>score..." ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'cat; printf "0\t1\n"' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: weigher:212: output after the last batch" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'cat; echo 1' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: weigher:212: expected 2 columns, got 1" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -P 'exit 3' -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher: 'exit 3' exited with status 3 before answering" ]
	[ ! -e "$TMP/m" ]
	ls "$TMP" | { ! grep -q tmp; }
}

@test "ad-train: the losses mse, huber, ga, loe, hetero and their flags" {
	for a in "-L mse" "-L mse -Q 0.5 -t 0" "-L huber" "-L huber -c 1" "-L ga" \
	         "-L loe" "-L loe -H -F 0.2 -U 1" "-L hetero -Q 1 -t 1" "-L hetero -S mean"; do
		ad-train "${T[@]}" -n 3 $a -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
		# finite, falling training loss (the ga NLL may be negative)
		awk -F '\t' '!/^#/ { l[++n] = $3 } END { exit !(n == 3 && l[3] < l[1]) }' "$TMP/tr"
		ad-score "$TMP/m" "$D/test.adv" | ad-auroc | awk '{ exit !($1 > 0.9) }'
	done
	# LOE after its warm-up: 10 % of every batch in the anomaly set
	ad-train "${T[@]}" -n 3 -L loe -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
	[ "$(awk -F '\t' '!/^#/ { printf "%s ", $8 }' "$TMP/tr")" = "0 0 0.1 " ]
	# hard MSE(0.5, 0): half of every batch out
	ad-train "${T[@]}" -n 1 -L mse -Q 0.5 -t 0 -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
	[ "$(awk -F '\t' '!/^#/ { print $8, $6 }' "$TMP/tr")" = "0.5 2" ]
}

@test "ad-train: --val selects the epoch of the lowest validation loss" {
	ad-train "${T[@]}" -n 5 -y "$D/val.adv" -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
	best=$(awk -F '\t' '!/^#/ && (b == "" || $11 < b) { b = $11; e = $1 } END { print e }' "$TMP/tr")
	grep -a -q "best_epoch=$best" "$TMP/m"
	# the selected model is the one trained for that many epochs
	ad-train "${T[@]}" -n "$best" -o "$TMP/e" "$D/train.adv"
	cmp <(ad-score "$TMP/m" "$D/test.adv") <(ad-score "$TMP/e" "$D/test.adv")
}

@test "ad-train: --eval puts the AUROC every K epochs in the trace, --trace-batches every batch" {
	ad-train "${T[@]}" -n 4 -e "$D/test.adv" -E 2 -g "$TMP/tr" -o "$TMP/m" "$D/train.adv"
	[ "$(awk -F '\t' '!/^#/ { printf "%s ", ($12 == "NA" ? "NA" : "x") }' "$TMP/tr")" = "NA x NA x " ]
	ad-score "$TMP/m" "$D/test.adv" | ad-auroc > "$TMP/auc"
	awk -F '\t' -v a="$(cat "$TMP/auc")" 'END { d = $12 - a; exit !(d < 1e-6 && d > -1e-6) }' "$TMP/tr"
	ad-train "${T[@]}" -n 2 -G -g "$TMP/tb" -o "$TMP/m" "$D/train.adv"
	[ "$(grep -c '	all	' "$TMP/tb")" -eq 2 ]
	[ "$(grep -vc '^#' "$TMP/tb")" -eq 22 ]
	head -1 "$TMP/tb" | grep -q '^#epoch	batch	phase	loss'
}

@test "ad-train: a diverging run (huge learning rate) is an error and writes no model" {
	ad-train "${T[@]}" -n 1 -o "$TMP/m" "$D/train.adv"
	cp "$TMP/m" "$TMP/old"
	run -1 --separate-stderr ad-train "${T[@]}" -n 3 -r 1e30 -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 2: model output is not finite (diverged?); try a smaller learning rate (-r)" ]
	cmp "$TMP/m" "$TMP/old"    # the old model survives
	ls "$TMP" | { ! grep -q tmp; }
}

@test "ad-train: bad input data and unwritable model paths" {
	run -1 --separate-stderr ad-train "${T[@]}" -o "$TMP/m" /dev/null
	[[ "$stderr" == "ad-train: /dev/null: "* ]]
	printf '#adv 1 dim=3\n0\t1\t2\t3\n0\t1\t2\t3\n' > "$TMP/d3"
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -y "$TMP/d3" -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: $TMP/d3: dimension 3, the training data has 64" ]
	run -1 --separate-stderr ad-train "${T[@]}" -n 1 -o "$TMP/no/such/m" "$D/train.adv"
	[ "$stderr" = "ad-train: $TMP/no/such/m: cannot create a temporary file: No such file or directory" ]
}

@test "ad-train: a resumed run reaches the same model as an uninterrupted one" {
	ad-train "${T[@]}" -n 4 -y "$D/val.adv" -o "$TMP/straight" "$D/train.adv"
	ad-train "${T[@]}" -n 2 -y "$D/val.adv" -C "$TMP/ck" -o "$TMP/half" "$D/train.adv"
	ad-train "${T[@]}" -n 4 -y "$D/val.adv" -C "$TMP/ck" -K 1 -R "$TMP/ck" -o "$TMP/resumed" "$D/train.adv"
	cmp "$TMP/straight" "$TMP/resumed"
	# settings or data changed: refused
	run -1 --separate-stderr ad-train "${T[@]}" -n 4 -r 0.02 -y "$D/val.adv" -R "$TMP/ck" -o "$TMP/x" "$D/train.adv"
	[[ "${stderr_lines[0]}" == "ad-train: $TMP/ck: the checkpoint was made with other settings or data" ]]
	run -1 --separate-stderr ad-train "${T[@]}" -n 4 -R "$TMP/straight" -o "$TMP/x" "$D/train.adv"
	[ "$stderr" = "ad-train: $TMP/straight: a model file, not a checkpoint: -R resumes from a file written with -C" ]
	head -c 300 "$TMP/ck" > "$TMP/ck2"
	run -1 --separate-stderr ad-train "${T[@]}" -n 4 -y "$D/val.adv" -R "$TMP/ck2" -o "$TMP/x" "$D/train.adv"
	[ "$stderr" = "ad-train: $TMP/ck2: CRC-32 mismatch (file damaged or truncated)" ]
}

@test "ad-train: SIGTERM mid-epoch writes a checkpoint; resuming gives the same model" {
	ad-train "${T[@]}" -n 3 -P "$KW" -o "$TMP/straight" "$D/train.adv"
	KILLAT=13 run -143 --separate-stderr ad-train "${T[@]}" -n 3 -P "$KW" -C "$TMP/ck" -K 5 -o "$TMP/m" "$D/train.adv"
	[ "$stderr" = "ad-train: interrupted by signal 15; checkpoint written to $TMP/ck (resume with -R $TMP/ck)" ]
	[ ! -e "$TMP/m" ]
	ad-train "${T[@]}" -n 3 -P "$KW" -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/m" "$D/train.adv"
	cmp "$TMP/straight" "$TMP/m"
	# SIGINT (Ctrl-C) without a checkpoint: exit 130, the model so far is written
	KILLAT=2 KILLSIG=INT run -130 --separate-stderr ad-train "${T[@]}" -n 3 -P "$KW" -o "$TMP/n" "$D/train.adv"
	[ "$stderr" = "ad-train: interrupted by signal 2; the model so far (0 of 3 epochs finished) written to $TMP/n" ]
	run -0 ad-score "$TMP/n" "$D/test.adv"
}

@test "ad-train: DSVDD pretrains, then trains against the centre; MemAE options" {
	ad-train -q -M dsvdd -p 2 -n 2 -B 20 -r 0.01 -g "$TMP/tr" -o "$TMP/d" "$D/train.adv"
	[ "$(awk -F '\t' '!/^#/ { printf "%s%s ", $2, $1 }' "$TMP/tr")" = "pre1 pre2 main1 main2 " ]
	ad-score "$TMP/d" "$D/test.adv" | ad-auroc | awk '{ exit !($1 > 0.7) }'
	ad-train -q -M dsvdd -A mlp:16-8 -d 8 -l 0.1 -u -p 1 -n 1 -B 20 -o "$TMP/d2" "$D/train.adv"
	run -0 ad-score "$TMP/d2" "$D/test.adv"
	[ "${#lines[@]}" -eq 61 ]
	ad-train -q -M memae -A conv:4-8 -N 20 -k 0.05 -Z 0.001 -n 2 -B 20 -r 0.01 -o "$TMP/mm" "$D/train.adv"
	ad-score "$TMP/mm" "$D/test.adv" | ad-auroc | awk '{ exit !($1 > 0.9) }'
}

@test "ad-train: a weigher answering row by row does not deadlock on big batches" {
	# 10000-row batches: far more than a pipe holds, in both directions
	awk 'BEGIN { x = 5; print "#adv 1 dim=2"
		for (i = 0; i < 20000; i++) { x = (x * 16807) % 2147483647
			printf "%d\t%.4f\t%.4f\n", i % 10 == 0, (x % 1000) / 1000, (x % 977) / 977 } }' > "$TMP/big"
	AWK=awk
	awk -W version 2>&1 | grep -q mawk && AWK='awk -W interactive'
	run -0 timeout 60 ad-train -q -A mlp:4 -B 10000 -n 2 -P "$AWK -F '\t' -v OFS='\t' '/^#/ { print \$0, \"w\"; next } NF == 0 { print; next } { print \$0, 1 }'" -o "$TMP/m" "$TMP/big"
	[ -s "$TMP/m" ]
}

@test "ad-train: kill -9 at any moment leaves a checkpoint that resumes to the same model" {
	ad-train "${T[@]}" -n 30 -y "$D/val.adv" -o "$TMP/straight" "$D/train.adv"
	ad-train "${T[@]}" -n 30 -y "$D/val.adv" -C "$TMP/ck" -o "$TMP/m" "$D/train.adv" &
	pid=$!
	for i in $(seq 200); do [ -e "$TMP/ck" ] && break; sleep 0.01; done
	sleep 0.05
	kill -9 $pid 2>/dev/null || true
	wait $pid || true
	[ -e "$TMP/ck" ]
	ad-train "${T[@]}" -n 30 -y "$D/val.adv" -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/m" "$D/train.adv"
	cmp "$TMP/straight" "$TMP/m"
}

@test "ad-train: -o on a device or fifo writes in place and keeps it what it was" {
	run -0 ad-train "${T[@]}" -n 1 -L mse -o /dev/null "$D/train.adv"
	[ -c /dev/null ]
	mkfifo "$TMP/fifo"
	cat "$TMP/fifo" > "$TMP/via-fifo" &
	run -0 ad-train "${T[@]}" -n 1 -L mse -o "$TMP/fifo" "$D/train.adv"
	wait
	[ -p "$TMP/fifo" ]
	ad-train "${T[@]}" -n 1 -L mse -o "$TMP/plain.model" "$D/train.adv"
	cmp "$TMP/via-fifo" "$TMP/plain.model"
}
