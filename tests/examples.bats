#!/usr/bin/env bats
# examples/: the make-driven runs (one file per run, resume after a kill), the result TSV,
# Figure 1b shares, the GNU parallel and Slurm paths, the plots and the demo.  Tiny data
# generated here (two classes in 6 dimensions, tabular protocol): each run takes
# milliseconds.  Skipped where ad-train is not built.
setup() {
	load test_helper
	load gen_images
	command -v ad-train > /dev/null || skip "ad-train not built"
	EX="$TOP/examples"
	BINDIR=$(dirname "$(command -v ad-train)")
	OUT="$TMP/out"
	mkdir -p "$OUT/load/tiny"
	gen_tiny 300 > "$OUT/load/tiny/train.adv"
	MK=(make -s --no-print-directory -C "$EX" BIN="$BINDIR" OUT="$OUT" DATASET=tiny PROTO_tiny=tabular VAL=0
	    TABLE1_RUNS="ae_mse ae_hetero+q0.75+t0" CLASSES=0 GAMMAS=0.1 EPOCHS=2)
}

# a tiny image set "img" (gen_images: blobs, class 0, and noise, class 1), train and test
# streams, as the examples Makefile loads them
tiny_images() {
	mkdir -p "$OUT/load/img"
	gen_images 3 120 2 > "$OUT/load/img/train.adv"
	gen_images 5 60 2 > "$OUT/load/img/test.adv"
}

# columns of every row: dataset model loss gamma class seed epochs auroc seconds
check_rows() {
	awk -F '\t' -v want="$2" '
		NR == 1 { if ($0 != "dataset\tmodel\tloss\tgamma\tclass\tseed\tepochs\tauroc\tseconds") exit 1; next }
		NF != 9 || $1 != "tiny" || $2 != "ae" || $4 != 0.1 || $5 != 0 || $7 != 2 { exit 1 }
		$3 != "mse" && $3 != "hetero+q0.75+t0" { exit 1 }
		$8 !~ /^[01]\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ || $8 < 0.5 || $9 !~ /^[0-9]+\.[0-9]$/ { exit 1 }
		{ n++ } END { exit n != want }' "$1"
}

@test "examples: a sweep writes one row per run and the results TSV; a rerun runs nothing" {
	run -0 --separate-stderr "${MK[@]}" table1 SEEDS="1 2"
	[[ "$output" == *"table1: 4 runs in $OUT/results/table1-tiny-e2.tsv"* ]]
	check_rows "$OUT/results/table1-tiny-e2.tsv" 4
	# the summary: one line per loss with 2 runs
	[[ "$output" == *$'\n'"tiny           ae     mse                0.1      2    2 "* ]]
	[[ "$output" == *$'\n'"tiny           ae     hetero+q0.75+t0    0.1      2    2 "* ]]
	# the row's AUROC is the one of the kept test scores; the model, trace, scores are kept
	r=ae_mse_g0.1_c0_s2_e2
	[ "$(cut -f8 "$OUT/runs/tiny/$r.tsv")" = "$(ad-auroc "$OUT/scores/tiny/$r.tsv")" ]
	[ -s "$OUT/models/tiny/$r.model" ] && [ -s "$OUT/traces/tiny/$r.tsv" ]
	# the loss settings reached ad-train: q = 0.75, ts = 0 rejects a quarter of each batch
	awk -F '\t' '!/^#/ && ($8 < 0.2 || $8 > 0.3) { exit 1 }' \
		"$OUT/traces/tiny/ae_hetero+q0.75+t0_g0.1_c0_s1_e2.tsv"
	run -0 "${MK[@]}" -n table1 SEEDS="1 2"
	[[ "$output" != *run.sh* ]]
	[ -z "$(find "$OUT" -name '.tmp.*')" ]
}

@test "examples: a killed sweep leaves no partial run and resumes with the missing runs only" {
	# ad-train wrapped: logs its seed; sleeps in the seed-2 run while $TMP/slow exists
	mkdir "$TMP/bin"
	for t in "$BINDIR"/ad-*; do ln -s "$t" "$TMP/bin/"; done
	rm "$TMP/bin/ad-train"
	cat > "$TMP/bin/ad-train" <<-EOF
	#!/bin/sh
	case " \$* " in *" -s 2 "*) touch "$TMP/started2"; [ -e "$TMP/slow" ] && sleep 30 ;; esac
	echo "\$*" | sed 's/.* -s \([0-9]*\) .*/\1/' >> "$TMP/log"
	exec "$BINDIR/ad-train" "\$@"
	EOF
	chmod +x "$TMP/bin/ad-train"
	touch "$TMP/slow"
	setsid -w sh -c 'echo $$ > "$0"; exec "$@"' "$TMP/pg" "${MK[@]}" BIN="$TMP/bin" \
		TABLE1_RUNS=ae_mse table1 SEEDS="1 2 3" > /dev/null 2>&1 &
	for i in $(seq 100); do [ -e "$TMP/started2" ] && break; sleep 0.1; done
	[ -e "$TMP/started2" ]
	pg=$(cat "$TMP/pg")
	kill -TERM -- -"$pg"
	wait $! || true
	for i in $(seq 50); do kill -0 -- -"$pg" 2> /dev/null || break; sleep 0.1; done
	run -1 kill -0 -- -"$pg"
	# seed 1 finished, seed 2 left nothing behind, seed 3 never started
	[ -s "$OUT/runs/tiny/ae_mse_g0.1_c0_s1_e2.tsv" ]
	[ ! -e "$OUT/runs/tiny/ae_mse_g0.1_c0_s2_e2.tsv" ]
	[ ! -e "$OUT/models/tiny/ae_mse_g0.1_c0_s2_e2.model" ]
	[ -z "$(find "$OUT" -name '.tmp.*' -o -name '*.tmp.*')" ]
	[ "$(cat "$TMP/log")" = 1 ]
	before=$(cat "$OUT/runs/tiny/ae_mse_g0.1_c0_s1_e2.tsv")
	rm "$TMP/slow"
	: > "$TMP/log"
	run -0 "${MK[@]}" BIN="$TMP/bin" TABLE1_RUNS=ae_mse table1 SEEDS="1 2 3"
	[ "$(sort "$TMP/log" | tr '\n' ' ')" = "2 3 " ]
	[ "$(cat "$OUT/runs/tiny/ae_mse_g0.1_c0_s1_e2.tsv")" = "$before" ]
	[ "$(sed 1d "$OUT/results/table1-tiny-e2.tsv" | cut -f6 | sort | tr '\n' ' ')" = "1 2 3 " ]
}

@test "examples: GNU parallel (-S :) runs the sweep on this machine, resumable" {
	command -v parallel > /dev/null || skip "GNU parallel not installed"
	run -0 --separate-stderr sh "$EX/cluster/parallel.sh" -S : -j 2 -- table1 \
		BIN="$BINDIR" OUT="$OUT" DATASET=tiny PROTO_tiny=tabular VAL=0 CLASSES=0 GAMMAS=0.1 \
		EPOCHS=2 SEEDS="1 2 3" TABLE1_RUNS=ae_hetero
	[[ "$output" == *"parallel.sh: table1: 3 jobs"* ]]
	[[ "$output" == *"table1: 3 runs in $OUT/results/table1-tiny-e2.tsv"* ]]
	[ "$(ls "$OUT/runs/tiny" | wc -l)" -eq 3 ]
	awk -F '\t' 'NR > 1 && (NF != 9 || $3 != "hetero" || $8 < 0.5 || $8 > 1) { exit 1 }
		END { exit NR != 4 }' "$OUT/results/table1-tiny-e2.tsv"
	# one run lost: the rerun makes it again and nothing else
	rm "$OUT/runs/tiny/ae_hetero_g0.1_c0_s2_e2.tsv"
	run -0 --separate-stderr sh "$EX/cluster/parallel.sh" -S : -- table1 \
		BIN="$BINDIR" OUT="$OUT" DATASET=tiny PROTO_tiny=tabular VAL=0 CLASSES=0 GAMMAS=0.1 \
		EPOCHS=2 SEEDS="1 2 3" TABLE1_RUNS=ae_hetero
	[[ "$stderr" == "tiny/ae_hetero_g0.1_c0_s2_e2"$'\t'"AUROC "* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "examples: the Slurm array script runs the list line of its task id" {
	"${MK[@]}" list-table1 SEEDS="1 2" > "$TMP/runs.txt"
	[ "$(wc -l < "$TMP/runs.txt")" -eq 4 ]
	SLURM_ARRAY_TASK_ID=3 ADPIPE_EXAMPLES="$EX" run -0 --separate-stderr \
		sh "$EX/cluster/slurm.sbatch" "$TMP/runs.txt" BIN="$BINDIR" OUT="$OUT" \
		PROTO_tiny=tabular VAL=0
	[ "$(find "$OUT/runs" -name '*.tsv' | wc -l)" -eq 1 ]
	[ -s "$(sed -n 3p "$TMP/runs.txt")" ]
	run -2 sh "$EX/cluster/slurm.sbatch" "$TMP/runs.txt"
	[[ "$output" == *"SLURM_ARRAY_TASK_ID: not an array task"* ]]
}

@test "examples: Figure 1b shares match a direct count above the median of the training scores" {
	run -0 "${MK[@]}" fig1b SEEDS=1 FIG1B_RUNS=ae_mse FIG1B_GAMMAS=0.1 FIG1B_QUANTILES="0.5 0.9"
	f="$OUT/results/fig1b-shares-tiny-e2.tsv"
	[ "$(sed -n 1p "$f")" = "$(printf 'dataset\tmodel\tloss\tgamma\tclass\tseed\tepochs\tquantile\tanomaly_share\tanomalies_above')" ]
	[ "$(wc -l < "$f")" -eq 3 ]
	# independent: sort the training scores, median by linear interpolation, count above it
	ad-score "$OUT/models/tiny/ae_mse_g0.1_c0_s1_e2.model" "$OUT/data/tiny/c0-g0.1-s1-train.adv" |
		grep -v '^#' | sort -t "$(printf '\t')" -k2,2g > "$TMP/sorted"
	want=$(awk -F '\t' '{ l[NR] = $1; s[NR] = $2; a += $1 }
		END { h = (NR - 1) * 0.5; i = int(h); m = s[i + 1] + (h - i) * (s[i + 2] - s[i + 1])
			for (k = 1; k <= NR; k++) if (s[k] > m) { n++; na += l[k] }
			printf "%.6f\t%.6f", na / n, na / a }' "$TMP/sorted")
	[ "$(awk -F '\t' '$8 == 0.5 { print $9 "\t" $10 }' "$f")" = "$want" ]
}

@test "examples: bad run names and missing data sets give clear errors" {
	run -2 sh "$EX/run.sh" "$OUT" tiny/ae_mse_g0.1_c0_s1
	[ "$output" = "run.sh: tiny/ae_mse_g0.1_c0_s1: expected MODEL_LOSS_gG_cC_sS_eE" ]
	run -2 sh "$EX/run.sh" "$OUT" tiny/ae_mse+v1_g0.1_c0_s1_e2
	[ "$output" = "run.sh: tiny/ae_mse+v1_g0.1_c0_s1_e2: unknown loss setting '+v1' (q t a c f u h j w k z x m)" ]
	run -2 sh "$EX/run.sh" "$OUT" tiny/ae_mse_g0.1_c0_s1_e2
	[ "$output" = "run.sh: tiny/ae_mse_g0.1_c0_s1_e2: missing $OUT/data/tiny/c0-g0.1-s1-train.adv (make it with the examples Makefile)" ]
	run -2 make -s --no-print-directory -C "$EX" BIN="$BINDIR" OUT="$OUT" MNIST_DIR="$TMP/none" "$OUT/runs/mnist/ae_mse_g0_c1_s1_e1.tsv"
	[[ "$output" == *"mnist: cannot read $TMP/none/t10k-images-idx3-ubyte.gz (set MNIST_DIR=...)"* ]]
}

@test "examples: plots are PNG files where gnuplot is installed, skipped with a message otherwise" {
	"${MK[@]}" table1 SEEDS=1 > /dev/null
	if command -v gnuplot > /dev/null; then
		run -0 env OUT="$OUT" DATASET=tiny GAMMA=0.1 sh "$EX/plot/plots.sh"
		for p in fig2-loss-shapes roc-tiny-e2 epochs-tiny-e2; do
			[ "$(head -c 4 "$OUT/plots/$p.png" | od -An -c | tr -d ' ')" = '211PNG' ]
		done
		[[ "$output" == *"skipped fig3-tiny-e2.png: no $OUT/results/fig3-tiny-e2.tsv (make fig3)"* ]]
	fi
	# no gnuplot on the PATH
	mkdir "$TMP/nopath"; ln -s "$(command -v dirname)" "$TMP/nopath/"
	run -0 env OUT="$OUT" DATASET=tiny PATH="$TMP/nopath" /bin/sh "$EX/plot/plots.sh"
	[ "$output" = "plots: gnuplot is not installed; no plots made (apt-get install gnuplot-nox)" ]
}

@test "examples: the demo prints the AUROCs and the rejection diagnostics, the same on a rerun" {
	run -0 --separate-stderr env EPOCHS=3 DEMO_OUT="$TMP/demo" BIN="$BINDIR" sh "$EX/demo.sh"
	[[ "$output" == *"train 450 (356 normal, 94 anomalies), val 50 (44 normal, 6 anomalies), test 286 (200 normal, 86 anomalies)"* ]]
	mse=$(printf '%s\n' "$output" | awk '$1 == "mse" && $2 == "AUROC" { print $3 }')
	het=$(printf '%s\n' "$output" | awk '$1 == "hetero" && $2 == "AUROC" { print $3 }')
	[ "$mse" = "$(ad-score "$TMP/demo/mse.model" "$TMP/demo/test.adv" | ad-auroc)" ]
	[ "$het" = "$(ad-score "$TMP/demo/hetero.model" "$TMP/demo/test.adv" | ad-auroc)" ]
	# the hetero run is ad-train's default (the lock-in remedy on images), alg1 is -x score
	grep -aq '^reject_stat=resid$' "$TMP/demo/hetero.model"
	grep -aq '^warmup=2$' "$TMP/demo/hetero.model"
	[ -z "$(grep -a "^reject_stat=" "$TMP/demo/alg1.model")" ]
	# in the last epoch both hetero runs reject about half of every batch, MSE nothing
	printf '%s\n' "$output" | awk '$1 ~ /^(hetero|alg1)$/ && NF == 4 && $2 > 0.45 && $2 < 0.55 { ok++ }
		$1 == "mse" && NF == 4 && $2 == "0.000" { ok++ } END { exit ok != 3 }'
	[[ "$output" == *"hetero  450 rows, 94 anomalies; soft-rejected (w = 0.1): "* ]]
	run -0 --separate-stderr env EPOCHS=3 DEMO_OUT="$TMP/demo2" BIN="$BINDIR" sh "$EX/demo.sh"
	[ "$(printf '%s\n' "$output" | awk '$1 == "mse" && $2 == "AUROC" { print $3 }')" = "$mse" ]
	[ "$(printf '%s\n' "$output" | awk '$1 == "hetero" && $2 == "AUROC" { print $3 }')" = "$het" ]
}

@test "examples: the lock-in remedy in run names (+xresid, +xresidK, +m1, +xauto) reaches the model" {
	run -0 --separate-stderr "${MK[@]}" runs RUNS="tiny/ae_hetero+xresid+m1_g0.1_c0_s1_e2 tiny/ae_hetero+xresid7+m1_g0.1_c0_s1_e2"
	m=$OUT/models/tiny/ae_hetero+xresid+m1_g0.1_c0_s1_e2.model
	grep -a -q '^reject_stat=resid$' "$m"
	grep -a -q '^warmup=1$' "$m"
	run -1 grep -a -q '^resid_epochs=' "$m"
	m=$OUT/models/tiny/ae_hetero+xresid7+m1_g0.1_c0_s1_e2.model
	grep -a -q '^reject_stat=resid$' "$m"
	grep -a -q '^resid_epochs=7$' "$m"
	# on pixel images plain hetero is the paper's Algorithm 1 (run.sh adds -x score), not
	# ad-train's default there; +xauto asks for that default, the remedy -x resid:30 -m 2
	mkdir -p "$OUT/load/img"
	gen_pixels 3 120 2 > "$OUT/load/img/train.adv"
	gen_pixels 5 60 2 > "$OUT/load/img/test.adv"
	run -0 --separate-stderr make -s --no-print-directory -C "$EX" BIN="$BINDIR" OUT="$OUT" \
		PROTO_img=image ARCH=mlp:8-4 runs \
		RUNS="img/ae_hetero_g0.2_c0_s1_e2 img/ae_hetero+xauto_g0.2_c0_s1_e2"
	m=$OUT/models/img
	run -1 grep -a -q '^reject_stat=' "$m/ae_hetero_g0.2_c0_s1_e2.model"
	grep -a -q '^reject_stat=resid$' "$m/ae_hetero+xauto_g0.2_c0_s1_e2.model"
	grep -a -q '^warmup=2$' "$m/ae_hetero+xauto_g0.2_c0_s1_e2.model"
	grep -a -q '^resid_epochs=30$' "$m/ae_hetero+xauto_g0.2_c0_s1_e2.model"
}

@test "examples: IMAGE_SCALE scales every part of an image split with the training part's statistics" {
	tiny_images
	run -0 --separate-stderr make -s --no-print-directory -C "$EX" BIN="$BINDIR" OUT="$OUT" \
		PROTO_img=image IMAGE_SCALE="-c l1 -g" "$OUT/data/img/c0-g0.2-s1-train.adv"
	st=$OUT/data/img/c0-g0.2-s1.stats
	[[ "$(head -n 1 "$st")" == "#adscale 2 method=minmax dim=64 "*" contrast=l1 global=1" ]]
	# the training part spans exactly [0, 1] over all its values; val and test were scaled
	# with its statistics (the same bytes as applying them again to the raw parts)
	ad-load "$OUT/data/img/c0-g0.2-s1-train.adv" | tail -n +2 | cut -f 2- | tr '\t' '\n' | sort -g > "$TMP/v"
	[ "$(sed -n '1p;$p' "$TMP/v" | tr '\n' ' ')" = "0 1 " ]
	ad-split -b -P image -k 0 -g 0.2 -s 1 -p test -t "$OUT/load/img/test.adv" "$OUT/load/img/train.adv" |
		ad-scale -b -m "$st" > "$TMP/test"
	cmp "$TMP/test" "$OUT/data/img/c0-g0.2-s1-test.adv"
}

@test "examples: adaptive rejection run names (aar, +j, +w, +k) and the aar-sweep target" {
	run -0 --separate-stderr "${MK[@]}" aar-sweep AAR_RUNS="ae_aar+w0 ae_mse+j+k2" AAR_GAMMAS=0.1 SEEDS=1
	[[ "$output" == *"aar-sweep: 2 runs in $OUT/results/aar-sweep-tiny-e2.tsv"* ]]
	m=$OUT/models/tiny
	grep -a -q 'loss=hetero' "$m/ae_aar+w0_g0.1_c0_s1_e2.model"
	grep -a -q '^reject=aar$' "$m/ae_aar+w0_g0.1_c0_s1_e2.model"
	grep -a -q '^aar_warmup=0$' "$m/ae_aar+w0_g0.1_c0_s1_e2.model"
	grep -a -q 'loss=mse' "$m/ae_mse+j+k2_g0.1_c0_s1_e2.model"
	grep -a -q '^aar_guard=2$' "$m/ae_mse+j+k2_g0.1_c0_s1_e2.model"
	# the trace has the estimated contamination, and aar-contam.sh reads it
	run -0 sh "$EX/aar-contam.sh" "$OUT" 2
	[ "${lines[0]}" = "dataset	loss	gamma	epoch	runs	contam	rejected	anom_of_rejected" ]
	[[ "${lines[1]}" == "tiny	aar+w0	0.1	2	1	"* ]]
	[[ "${lines[2]}" == "tiny	mse+j+k2	0.1	2	1	"* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "examples: the headline target, headline.sh's tables and headline-table.sh's Markdown" {
	tiny_images
	run -0 --separate-stderr make -s --no-print-directory -C "$EX" BIN="$BINDIR" OUT="$OUT" \
		PROTO_img=image ARCH=mlp:8-4 CLASSES=0 headline HEADLINE_DATASETS=img \
		HEADLINE_RUNS="ae_mse ae_hetero" HEADLINE_SEEDS="1 2" HEADLINE_CLEAN= HEADLINE_EPOCHS=2
	res=$OUT/results
	# one row per run: the kept epoch is the one of the lowest validation loss in the trace
	[ "$(tail -n +2 "$res/headline-runs-e2.tsv" | wc -l)" -eq 4 ]
	for l in mse hetero; do for s in 1 2; do
		tr=$OUT/traces/img/ae_${l}_g0.2_c0_s${s}_e2.tsv
		want=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["phase"] == "main" && (b == "" || $c["val_loss"] + 0 < b) { b = $c["val_loss"] + 0; e = $c["#epoch"] }
			END { print e }' "$tr")
		got=$(awk -F '\t' -v l=$l -v s=$s '$2 == l && $5 == s { print $8 }' "$res/headline-runs-e2.tsv")
		[ "$got" = "$want" ]
	done; done
	# the per-class mean and sd over the two seeds, from the runs file
	want=$(awk -F '\t' '$2 == "hetero" { a[++n] = $7 } END { m = (a[1] + a[2]) / 2
		printf "%.4f\t%.4f", m, sqrt(((a[1] - m)^2 + (a[2] - m)^2)) }' "$res/headline-runs-e2.tsv")
	[ "$(awk -F '\t' '$4 == "hetero" { print $6 "\t" $7 }' "$res/headline-classes-e2.tsv")" = "$want" ]
	run -0 sh "$EX/headline-table.sh" "$res/headline-classes-e2.tsv"
	[ "${lines[0]}" = "img, gamma 0.2:" ]
	m=$(awk -F '\t' '$4 == "hetero" { printf "%.3f +- %.3f", $6, $7 }' "$res/headline-classes-e2.tsv")
	[[ "$output" == *"| hetero | $m | - |"*"| - |"* ]]
}

@test "examples: lockin-summary.sh counts the bad mode (anomalies < 0.25 of the rejected rows)" {
	printf 'dataset\tclass\tvariant\tseed\tepoch1_auroc\tlast_auroc\tbest_auroc\tlast_anom_of_rejected\tlast_rejected\tseconds\n' > "$TMP/l.tsv"
	printf 'm\t3\thetero\t1\t0.5\t0.40\t0.5\t0.20\t0.5\t1\nm\t3\thetero\t2\t0.5\t0.90\t0.9\t0.38\t0.5\t1\n' >> "$TMP/l.tsv"
	printf 'm\t3\thetero\t3\t0.5\t0.50\t0.5\t0.2499\t0.5\t1\nm\t3\tmse\t1\t0.5\t0.70\t0.7\tNA\t0\t1\n' >> "$TMP/l.tsv"
	run -0 sh "$EX/lockin-summary.sh" "$TMP/l.tsv"
	[ "${lines[1]}" = "m	3	hetero	3	2	0.6000	0.4000	0.9000	0.4500" ]
	[ "${lines[2]}" = "m	3	mse	1	-	0.7000	0.7000	-	-" ]
}

@test "examples: a make killed while redoing a run keeps the row another stream finished meanwhile" {
	# two makes on one OUT: the second finishes the run while the first is still at it; the
	# first is then killed, and make deletes the targets it was building unless .PRECIOUS
	gen_tiny 3000 > "$OUT/load/tiny/train.adv"
	r=$OUT/runs/tiny/ae_mse_g0.1_c0_s1_e100000.tsv
	"${MK[@]}" "$OUT/data/tiny/c0-g0.1-s1-train.adv"
	setsid "${MK[@]}" "$r" > /dev/null 2>&1 &
	pid=$!
	# run.sh makes its scratch directory just before it starts ad-train
	for _ in $(seq 100); do compgen -G "$OUT/runs/tiny/.tmp.*" > /dev/null && break; sleep 0.1; done
	compgen -G "$OUT/runs/tiny/.tmp.*" > /dev/null
	sleep 0.5
	printf 'the other stream finished this run\n' > "$r"
	kill -TERM -- -"$pid"
	wait "$pid" || true
	[ "$(cat "$r")" = "the other stream finished this run" ]
}

@test "examples: lockin.sh makes its split with split.sh (SCALE as IMAGE_SCALE), one row per run, and resumes" {
	tiny_images
	SCALE="-c l1 -g" ARCH=mlp:8-4 run -0 sh "$EX/lockin.sh" "$OUT" "mse=-L,mse hetero=-L,hetero" img:0 "1 2" 2
	sp=$OUT/data/img/c0-g0.2-s1
	[[ "$(head -n 1 "$sp.stats")" == "#adscale 2 "*" contrast=l1 global=1" ]]
	[ "$(tail -n +2 "$OUT/lockin.tsv" | cut -f 1-4 | tr '\t' ' ' | sort | tr '\n' ,)" = "img 0 hetero 1,img 0 hetero 2,img 0 mse 1,img 0 mse 2," ]
	run -0 sh "$EX/lockin.sh" "$OUT" "mse=-L,mse" img:0 "1 2" 2
	[ -z "$output" ]
	[ "$(wc -l < "$OUT/lockin.tsv")" -eq 5 ]
}

@test "examples: ink-slope.sh: the untrained network's line of scores on ink, and the table by its sign" {
	tiny_images
	ARCH=conv:4-8 SLOPE=0.2 run -0 sh "$EX/lockin.sh" "$OUT" "mse=-L,mse" img:0 1 1
	ARCH=conv:4-8 SLOPE=0.2 run -0 --separate-stderr sh "$EX/ink-slope.sh" "$OUT" img:0 "1 2"
	[ "${lines[0]}" = "dataset	class	seed	slope	corr" ]
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "${lines[@]:1}" > "$TMP/sl"
	[ "$(cut -f 1-3 "$TMP/sl" | tr '\t\n' ' ,')" = "img 0 1,img 0 2," ]
	# an untrained network without a sigmoid outputs about 0: its squared error grows
	# with the ink, a positive slope and a strong correlation
	awk -F '\t' '!($4 > 0 && $5 > 0.5) { exit 1 }' "$TMP/sl"
	# the slope of seed 2 again, two-pass (centred) from the same model and data
	tr=$OUT/data/img/c0-g0.2-s1-train.adv
	ad-train -q -M ae -A conv:4-8 -l 0.2 -L mse -n 0 -s 2 -T 1 -o "$TMP/m" "$tr"
	ad-load "$tr" | awk -F '\t' 'NR > 1 { e = 0; for (i = 2; i <= NF; i++) e += $i * $i; print e }' > "$TMP/e"
	ad-score "$TMP/m" "$tr" | awk 'NR > 1 { print $2 }' | paste "$TMP/e" - | awk -F '\t' -v got="$(sed -n 2p "$TMP/sl" | cut -f 4)" '
		{ x[NR] = $1; y[NR] = $2; mx += $1; my += $2 }
		END { mx /= NR; my /= NR
			for (i = 1; i <= NR; i++) { sxx += (x[i] - mx) ^ 2; sxy += (x[i] - mx) * (y[i] - my) }
			b = sxy / sxx; exit !(b > 0 && (got - b) ^ 2 < (1e-4 * b) ^ 2) }'
	# -t: runs, bad mode (anomalies < 0.25 of the rejected rows) and mean AUROC per sign
	{
		printf 'dataset\tclass\tseed\tslope\tcorr\n'
		printf 'd\t0\t1\t0.5\t0.9\nd\t0\t2\t-0.1\t-0.3\nd\t0\t3\t0.2\t0.4\n'
	} > "$TMP/slopes"
	{
		printf 'dataset\tclass\tvariant\tseed\tepoch1_auroc\tlast_auroc\tbest_auroc\tlast_anom_of_rejected\tlast_rejected\tseconds\n'
		printf 'd\t0\thetero\t1\t0.3\t0.40\t0.4\t0.10\t0.5\t1\n'
		printf 'd\t0\thetero\t2\t0.8\t0.90\t0.9\t0.38\t0.5\t1\n'
		printf 'd\t0\thetero\t3\t0.3\t0.60\t0.6\t0.30\t0.5\t1\n'
		printf 'd\t0\tmse\t1\t0.3\t0.70\t0.7\tNA\t0\t1\n'
		printf 'd\t0\tmse\t9\t0.3\t0.70\t0.7\tNA\t0\t1\n'
	} > "$TMP/lockin"
	run -0 sh "$EX/ink-slope.sh" -t "$TMP/slopes" "$TMP/lockin"
	[ "${lines[0]}" = "dataset	class	variant	slope	runs	bad_mode	mean_auroc" ]
	[ "${lines[1]}" = "d	0	hetero	pos	2	1	0.5000" ]
	[ "${lines[2]}" = "d	0	hetero	neg	1	0	0.9000" ]
	[ "${lines[3]}" = "d	0	mse	pos	1	-	0.7000" ]
	[ "${#lines[@]}" -eq 4 ]
	run -2 sh "$EX/ink-slope.sh" "$OUT" img "1"
	[ "$output" = "ink-slope.sh: 'img': expected DATASET:CLASSES" ]
}

@test "examples: aar-table.sh's means per loss and gamma and its win counts" {
	{
		printf 'dataset\tmodel\tloss\tgamma\tclass\tseed\tepochs\tauroc\tseconds\n'
		printf 'd\tae\tmse\t0.1\t0\t1\t2\t0.50\t1\n'
		printf 'd\tae\thetero\t0.1\t0\t1\t2\t0.60\t1\n'
		printf 'd\tae\taar\t0.1\t0\t1\t2\t0.70\t1\n'
		printf 'd\tae\tmse\t0.1\t1\t1\t2\t0.90\t1\n'
		printf 'd\tae\thetero\t0.1\t1\t1\t2\t0.80\t1\n'
		printf 'd\tae\taar\t0.1\t1\t1\t2\t0.80\t1\n'
		printf 'd\tae\tmse\t0.3\t0\t2\t2\t0.25\t1\n'
		printf 'd\tae\taar\t0.3\t0\t2\t2\t0.75\t1\n'
	} > "$TMP/r.tsv"
	run -0 sh "$EX/aar-table.sh" "$TMP/r.tsv"
	[ "${lines[0]}" = "| data set | gamma | mse | hetero | aar | aar > hetero | aar > mse |" ]
	# class 1 is a tie with hetero (no win); gamma 0.3 has no hetero run
	[ "${lines[2]}" = "| d | 0.1 | 0.700 | 0.700 | 0.750 | 1 of 2 | 1 of 2 |" ]
	[ "${lines[3]}" = "| d | 0.3 | 0.250 | - | 0.750 | - | 1 of 1 |" ]
	[ "${#lines[@]}" -eq 4 ]
	run -0 sh "$EX/aar-table.sh" "$TMP/r.tsv" mse
	[[ "${lines[0]}" == *"| aar > mse | aar > mse |" ]]
	printf 'h\nd\tae\tmse\n' > "$TMP/bad.tsv"
	run -2 sh "$EX/aar-table.sh" "$TMP/bad.tsv"
	[[ "$output" == *"bad.tsv:2: expected 9 columns"* ]]
	run -2 sh "$EX/aar-table.sh" "$TMP/missing.tsv"
}
