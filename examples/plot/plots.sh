#!/bin/sh
# plots.sh: PNG plots of the finished runs of the examples, with gnuplot (optional).
# Environment: OUT (examples/out), DATASET (fmnist-small), BIN (the tools, ../../bin),
# EPOCHS (the runs' epochs; default the most among the AE runs at GAMMA), CLASS (the
# normal class of the ROC plot; default the first with two AE runs),
# GAMMA (0.2, for the ROC, the
# epoch curves and the model of Figure 1b).  Writes OUT/plots/*.png from what exists:
#   fig2-loss-shapes.png     the GA loss and its slope for several alpha (analytic)
#   roc-DATASET-eE.png       ROC curves of the test scores, one per loss (one class, seed)
#   fig3-DATASET-eE.png      mean AUROC against contamination per loss (make fig3)
#   fig1b-DATASET-eE.png     anomaly share above each quantile of training scores (make fig1b)
#   epochs-DATASET-eE.png    mean test AUROC against epoch per loss (ad-train --eval traces)
#   demo-epochs.png, demo-roc.png   the runs of make demo (DEMO_OUT, default OUT/demo)
# Each loss has one colour in every figure (colour below); legends sit outside the axes.
# A plot whose results are missing is skipped with a message; no gnuplot: all skipped.
set -eu
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$here/../out} DATASET=${DATASET:-fmnist-small} GAMMA=${GAMMA:-0.2}
PATH=${BIN:-$here/../../bin}:$PATH
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
# One colour per loss in every figure (a loss may carry settings: mse+q0.5+t0.1 is mse's;
# a model-loss such as dsvdd-hetero is hetero's).
colour() {
	_c=${1%%+*}; _c=${_c##*-}
	case $_c in
	mse) echo '#d62728' ;; huber) echo '#ff7f0e' ;; ga) echo '#2ca02c' ;;
	loe) echo '#9467bd' ;; hetero) echo '#1f77b4' ;; *) echo '#7f7f7f' ;;
	esac
}
# PLOTS_COLOUR=LOSS: print the colour of that loss and stop (for the tests)
if [ -n "${PLOTS_COLOUR:-}" ]; then
	colour "$PLOTS_COLOUR"
	exit 0
fi
if ! command -v gnuplot > /dev/null 2>&1; then
	echo "plots: gnuplot is not installed; no plots made (apt-get install gnuplot-nox)"
	exit 0
fi
if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
	term="pngcairo size 900,560 font 'sans,11'"
elif gnuplot -e 'set terminal' 2>&1 | grep -q ' png '; then
	term="png size 900,560"
else
	echo "plots: this gnuplot has no png terminal; no plots made"
	exit 0
fi
P=$OUT/plots
mkdir -p "$P"
tmp=$(mktemp -d "$P/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
made=0
gp() { # gp SCRIPT PNG var=value...
	s=$1 png=$2; shift 2
	args="term=\"$term\"; out=\"$png\""
	for a in "$@"; do args="$args; ${a%%=*}=\"${a#*=}\""; done
	gnuplot -e "$args" "$here/$s"
	echo "plots: $png"
	made=$((made + 1))
}
skip() { echo "plots: skipped $1: $2"; }

# Figure 2: loss shapes (no data needed)
gp fig2.gp "$P/fig2-loss-shapes.png"

# the epochs of the runs to plot: EPOCHS, or the most among the AE runs at GAMMA
sd=$OUT/scores/$DATASET
E=${EPOCHS:-}
[ -n "$E" ] || E=$(ls "$sd" 2>/dev/null |
	sed -n "s/^ae_.*_g${GAMMA}_c.*_e\([0-9]*\)\.tsv$/\1/p" | sort -n | tail -n 1)
[ -n "$E" ] || E=none

# ROC curves: the first class and seed with several losses of the AE at GAMMA
key=$(ls "$sd" 2>/dev/null | sed -n "s/^ae_[^_]*_\(g${GAMMA}_c${CLASS:-[^_]*}_s[^_]*_e${E}\)\.tsv$/\1/p" |
	sort | uniq -c | sort -k1,1nr -k2 | awk '$1 > 1 { print $2; exit }')
if [ -n "$key" ]; then
	: > "$tmp/roc.list"
	for f in "$sd"/ae_*_"$key".tsv; do
		l=$(basename "$f" "_$key.tsv"); l=${l#ae_}
		ad-auroc -r "$f" | grep -v '^#' > "$tmp/roc.$l"
		printf '%s\t%s (AUROC %.3f)\t%s\n' "$tmp/roc.$l" "$l" "$(ad-auroc "$f")" "$(colour "$l")" \
			>> "$tmp/roc.list"
	done
	gp roc.gp "$P/roc-$DATASET-e$E.png" list="$tmp/roc.list" \
		title="ROC, $DATASET, AE, test part ($(echo "$key" | tr _ ' '))"
else
	skip "roc-$DATASET-e$E.png" "no two AE runs at gamma $GAMMA, $E epochs, same class and seed in $sd"
fi

# Figure 3: AUROC against contamination per loss (mean over classes and seeds)
r=$OUT/results/fig3-$DATASET-e$E.tsv
if [ -s "$r" ] && [ "$(wc -l < "$r")" -gt 1 ]; then
	awk -F '\t' 'NR > 1 && $2 == "ae" {
		k = $4 SUBSEP $3; if (!($3 in L)) { L[$3]; lo[++nl] = $3 }
		if (!($4 in G)) { G[$4]; go[++ng] = $4 }
		n[k]++; s[k] += $8; ep = $7
		if (!($5 in C)) { C[$5]; cl = cl " " $5 }
		if (!($6 in S)) { S[$6]; se = se " " $6 } }
	END {
		printf "gamma"; for (j = 1; j <= nl; j++) printf "\t%s", lo[j]; printf "\n"
		for (i = 1; i <= ng; i++) {
			printf "%s", go[i]
			for (j = 1; j <= nl; j++) { k = go[i] SUBSEP lo[j]
				if (n[k]) printf "\t%.4f", s[k] / n[k]; else printf "\tNaN" }
			printf "\n"
		}
		print ep " epochs, mean over classes" cl ", seeds" se > "/dev/stderr"
	}' "$r" 2> "$tmp/fig3.ep" | sort -g > "$tmp/fig3.dat"
	nl=$(head -1 "$tmp/fig3.dat" | awk -F '\t' '{ print NF }')
	cols=$(for l in $(head -1 "$tmp/fig3.dat" | cut -f 2-); do colour "$l"; done | tr '\n' ' ')
	gp fig3.gp "$P/fig3-$DATASET-e$E.png" data="$tmp/fig3.dat" ncol="$nl" colours="$cols" \
		title="AUROC against contamination, $DATASET, AE, $(cat "$tmp/fig3.ep")"
else
	skip "fig3-$DATASET-e$E.png" "no $r (make fig3)"
fi

# Figure 1b: anomaly share above each quantile of the training scores
r=$OUT/results/fig1b-shares-$DATASET-e$E.tsv
if [ -s "$r" ] && [ "$(wc -l < "$r")" -gt 1 ]; then
	awk -F '\t' -v G="$GAMMA" 'NR > 1 && $4 == G {
		m = $2 "-" $3; k = $8 SUBSEP m
		if (!(m in M)) { M[m]; mo[++nm] = m }
		if (!($8 in Q)) { Q[$8]; qo[++nq] = $8 }
		n[k]++; s[k] += $9; a[k] += $10; ep = $7 }
	END {
		printf "quantile"; for (j = 1; j <= nm; j++) printf "\t%s: anomaly share above q\t%s: share of all anomalies above q", mo[j], mo[j]
		printf "\n"
		for (i = 1; i <= nq; i++) {
			printf "%s", qo[i]
			for (j = 1; j <= nm; j++) { k = qo[i] SUBSEP mo[j]
				if (n[k]) printf "\t%.4f\t%.4f", s[k] / n[k], a[k] / n[k]
				else printf "\tNaN\tNaN" }
			printf "\n"
		}
		print ep > "/dev/stderr"
	}' "$r" 2> "$tmp/fig1b.ep" > "$tmp/fig1b.dat"
	nm=$(head -1 "$tmp/fig1b.dat" | awk -F '\t' '{ print (NF - 1) / 2 }')
	cols=$(head -1 "$tmp/fig1b.dat" | tr '\t' '\n' | sed -n 's/: anomaly share above q$//p' |
		while read -r m; do colour "$m"; done | tr '\n' ' ')
	gp fig1b.gp "$P/fig1b-$DATASET-e$E.png" data="$tmp/fig1b.dat" nm="$nm" gamma="$GAMMA" colours="$cols" \
		title="Training rows scored above their q-quantile, $DATASET, gamma $GAMMA, $(cat "$tmp/fig1b.ep") epochs, mean over runs"
else
	skip "fig1b-$DATASET-e$E.png" "no $r (make fig1b)"
fi

# Test AUROC against epoch per loss (AE, GAMMA), mean over the traced runs
td=$OUT/traces/$DATASET
ls "$td"/ae_*_g"$GAMMA"_*_e"$E".tsv > "$tmp/traces" 2>/dev/null || true
if [ -s "$tmp/traces" ]; then
	: > "$tmp/ep.list"
	for l in $(sed 's,.*/ae_\([^_]*\)_.*,\1,' "$tmp/traces" | sort -u); do
		grep "/ae_${l}_g" "$tmp/traces" > "$tmp/tr.$l" || continue
		# mean eval_auroc (column 12) per epoch over the runs; main phase only
		xargs cat < "$tmp/tr.$l" | awk -F '\t' '!/^#/ && $2 == "main" && $12 != "NA" {
			n[$1]++; s[$1] += $12; if ($1 > mx) mx = $1 }
			END { for (e = 1; e <= mx; e++) if (n[e]) printf "%d\t%.5f\t%d\n", e, s[e] / n[e], n[e] }' \
			> "$tmp/ep.$l"
		[ -s "$tmp/ep.$l" ] &&
			printf '%s\t%s (%d runs)\t%s\n' "$tmp/ep.$l" "$l" "$(wc -l < "$tmp/tr.$l")" \
				"$(colour "$l")" >> "$tmp/ep.list"
	done
	if [ -s "$tmp/ep.list" ]; then
		gp epochs.gp "$P/epochs-$DATASET-e$E.png" list="$tmp/ep.list" \
			title="Test AUROC against epoch, $DATASET, AE, gamma $GAMMA, $E-epoch runs, mean over runs"
	else
		skip "epochs-$DATASET-e$E.png" "the traces have no eval_auroc (EVAL=0)"
	fi
else
	skip "epochs-$DATASET-e$E.png" "no AE traces at gamma $GAMMA, $E epochs in $td"
fi
# The demo's runs (make demo: DEMO_OUT, default OUT/demo): test AUROC by epoch from the
# --eval traces and the ROC curves of the test scores, one colour per loss
DEMO=${DEMO_OUT:-$OUT/demo}
: > "$tmp/demo-ep.list"
: > "$tmp/demo-roc.list"
for l in mse hetero alg1; do
	if [ -s "$DEMO/$l.trace" ]; then
		awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "eval_auroc") c = i; next }
			!/^#/ && $2 == "main" && c && $c != "NA" { print $1 "\t" $c }' "$DEMO/$l.trace" \
			> "$tmp/demo-ep.$l"
		[ -s "$tmp/demo-ep.$l" ] &&
			printf '%s\t%s\t%s\n' "$tmp/demo-ep.$l" "$l" "$(colour $l)" >> "$tmp/demo-ep.list"
	fi
	if [ -s "$DEMO/$l.test.scores" ]; then
		ad-auroc -r "$DEMO/$l.test.scores" | grep -v '^#' > "$tmp/demo-roc.$l"
		printf '%s\t%s (AUROC %.3f)\t%s\n' "$tmp/demo-roc.$l" "$l" \
			"$(ad-auroc "$DEMO/$l.test.scores")" "$(colour $l)" >> "$tmp/demo-roc.list"
	fi
done
if [ -s "$tmp/demo-ep.list" ]; then
	gp epochs.gp "$P/demo-epochs.png" list="$tmp/demo-ep.list" \
		title="make demo: test AUROC against epoch (ad-train --eval)"
else
	skip demo-epochs.png "no traces with eval_auroc in $DEMO (make demo)"
fi
if [ -s "$tmp/demo-roc.list" ]; then
	gp roc.gp "$P/demo-roc.png" list="$tmp/demo-roc.list" title="make demo: ROC of the test part"
else
	skip demo-roc.png "no test scores in $DEMO (make demo)"
fi
echo "plots: $made PNG files in $P"
