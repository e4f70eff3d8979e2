#!/bin/sh
# headline.sh OUT EPOCHS [PAPER.tsv]: the tables of the headline experiment (make headline):
# the AE with MSE, Hetero and any other loss run (e.g. hetero+xresid+m2, the lock-in
# remedy) on MNIST and Fashion-MNIST, read from the finished runs
# OUT/runs/DATASET/ae_LOSS_gG_cC_sS_eEPOCHS.tsv and their traces OUT/traces/... (ad-train
# --trace with --val and --eval: val_loss and eval_auroc every epoch).  Writes, in
# OUT/results/ (from whatever has finished; rerun it as more runs finish):
#   headline-runs-eE.tsv       one row a run: the AUROC of the model kept (lowest validation
#                              loss, the paper's selection), its epoch, the AUROC after the
#                              last epoch, the best test AUROC of any epoch (an oracle) and
#                              its epoch, the AUROC after epoch 1, the share of anomalies
#                              among the rows rejected in the last epoch, seconds
#   headline-classes-eE.tsv    per data set, gamma, class and loss: mean and sd over seeds
#   headline-summary-eE.tsv    per data set, gamma and loss: mean over classes (and seeds) of
#                              the selected, last and oracle AUROC, the paper's value
#   headline-epochs-eE.tsv     per data set, gamma, loss and epoch: the mean test AUROC over
#                              the runs, and how many runs chose that epoch
# and prints the summary.
set -eu
export LC_ALL=C
[ $# -ge 2 ] || { echo "usage: headline.sh OUT EPOCHS [PAPER.tsv]" >&2; exit 2; }
out=$1 e=$2
here=$(cd "$(dirname "$0")" && pwd)
paper=${3:-$here/paper.tsv}
res=$out/results
mkdir -p "$res"
tmp=$(mktemp -d "$res/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# one row per finished run, from its row file and its trace
printf 'dataset\tloss\tgamma\tclass\tseed\tepochs\tauroc\tsel_epoch\tlast_auroc\toracle_auroc\toracle_epoch\tepoch1_auroc\tlast_anom_of_rejected\tseconds\n' \
	> "$tmp/runs"
for f in "$out"/runs/*/ae_*_g*_e"$e".tsv; do
	[ -f "$f" ] || continue
	ds=$(basename "$(dirname "$f")") n=$(basename "$f")
	tr=$out/traces/$ds/$n
	[ -f "$tr" ] || { echo "headline.sh: no trace $tr" >&2; exit 1; }
	awk -F '\t' -v row="$(cat "$f")" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["phase"] == "main" {
		ep = $col["#epoch"] + 0; v = $col["val_loss"]; a = $col["eval_auroc"] + 0
		if (ep == 1) a1 = a
		if (sel == "" || v + 0 < best) { best = v + 0; sel = ep }
		if (oe == "" || a > oa) { oa = a; oe = ep }
		last = a; lr = $col["anom_of_rejected"]; auc[ep] = a
	}
	END {
		split(row, r, "\t")
		# dataset model loss gamma class seed epochs auroc seconds
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.6f\t%.6f\t%d\t%.6f\t%s\t%s\n", r[1], r[3],
		    r[4], r[5], r[6], r[7], r[8], sel, last, oa, oe, a1, lr, r[9]
	}' "$tr" >> "$tmp/runs"
	# the per-epoch curve of this run
	awk -F '\t' -v k="$ds	$(echo "$n" | sed 's/^ae_\([^_]*\)_g\([^_]*\)_.*/\1	\2/')" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["phase"] == "main" { print k "\t" $col["#epoch"] "\t" $col["eval_auroc"] "\t" $col["val_loss"] }
	' "$tr" >> "$tmp/curves"
done
sort -t '	' -k1,1 -k3,3g -k2,2r -k4,4n -k5,5n "$tmp/runs" > "$tmp/runs.s"
{ head -n 1 "$tmp/runs"; grep -v '^dataset' "$tmp/runs.s" || true; } > "$res/headline-runs-e$e.tsv"

# per class: mean and sd over seeds
awk -F '\t' 'NR > 1 {
	k = $1 "\t" $3 "\t" $4 "\t" $2
	if (!(k in n)) order[++K] = k
	n[k]++; s[k] += $7; q[k] += $7 * $7
}
END {
	print "dataset\tgamma\tclass\tloss\tseeds\tauroc_mean\tauroc_sd"
	for (i = 1; i <= K; i++) {
		k = order[i]; m = s[k] / n[k]
		v = n[k] > 1 ? (q[k] - n[k] * m * m) / (n[k] - 1) : 0
		printf "%s\t%d\t%.4f\t%.4f\n", k, n[k], m, (v > 0 ? sqrt(v) : 0)
	}
}' "$res/headline-runs-e$e.tsv" > "$res/headline-classes-e$e.tsv"

# per data set, gamma and loss: selected, last, oracle; the paper's Table 1 value
awk -F '\t' '
FNR == 1 { file = FILENAME == ARGV[1] ? 1 : 2 }
file == 1 && !/^#/ && NF >= 5 && $2 == "ae" { paper[$1 "\t" $4 "\t" $3] = $5; next }
file == 2 && FNR > 1 {
	k = $1 "\t" $3 "\t" $2
	if (!(k in n)) order[++K] = k
	n[k]++; c[k "\t" $4]++; if (c[k "\t" $4] == 1) nc[k]++
	sel[k] += $7; last[k] += $9; orc[k] += $10; e1[k] += $12; se[k] += $8
	if ($13 != "NA") { ar[k] += $13; nar[k]++ }
}
END {
	print "dataset\tgamma\tloss\truns\tclasses\tselected\tlast\toracle\tepoch1\tmean_sel_epoch\tlast_anom_of_rejected\tpaper"
	for (i = 1; i <= K; i++) {
		k = order[i]
		printf "%s\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.0f\t%s\t%s\n", k, n[k], nc[k],
		    sel[k] / n[k], last[k] / n[k], orc[k] / n[k], e1[k] / n[k], se[k] / n[k],
		    nar[k] ? sprintf("%.3f", ar[k] / nar[k]) : "NA", (k in paper) ? paper[k] : "NA"
	}
}' "$paper" "$res/headline-runs-e$e.tsv" > "$res/headline-summary-e$e.tsv"

# mean curve per data set, gamma, loss and epoch; the epochs chosen by the validation loss
if [ -f "$tmp/curves" ]; then
	awk -F '\t' '
	FNR == 1 { file = FILENAME == ARGV[1] ? 1 : 2 }
	file == 1 && FNR > 1 { chosen[$1 "\t" $3 "\t" $2 "\t" $8]++; next }
	file == 2 {
		k = $1 "\t" $3 "\t" $2 "\t" $4
		if (!(k in n)) order[++K] = k
		n[k]++; s[k] += $5
	}
	END {
		print "dataset\tgamma\tloss\tepoch\truns\tauroc_mean\truns_selecting"
		for (i = 1; i <= K; i++) {
			k = order[i]
			printf "%s\t%d\t%.4f\t%d\n", k, n[k], s[k] / n[k], chosen[k] + 0
		}
	}' "$res/headline-runs-e$e.tsv" "$tmp/curves" |
		sort -t '	' -k1,1 -k2,2g -k3,3r -k4,4n > "$tmp/ep"
	{ grep '^dataset' "$tmp/ep"; grep -v '^dataset' "$tmp/ep"; } > "$res/headline-epochs-e$e.tsv"
fi
column -t -s '	' "$res/headline-summary-e$e.tsv" 2>/dev/null || cat "$res/headline-summary-e$e.tsv"

# the curve: mean test AUROC against epoch per data set and loss at gamma 0.2, with the
# epochs the validation loss chose marked (gnuplot, if installed)
ep=$res/headline-epochs-e$e.tsv
if [ -f "$ep" ] && command -v gnuplot > /dev/null 2>&1; then
	plot=
	lc=0
	for ds in $(awk -F '\t' 'NR > 1 && $2 == 0.2 { print $1 }' "$ep" | sort -u); do
		for l in $(awk -F '\t' -v d="$ds" 'NR > 1 && $1 == d && $2 == 0.2 { print $3 }' "$ep" | sort -u); do
			f=$tmp/c-$ds-$l
			awk -F '\t' -v d="$ds" -v l="$l" '$1 == d && $2 == 0.2 && $3 == l { print $4 "\t" $6 "\t" $7 }' "$ep" > "$f"
			[ -s "$f" ] || continue
			lc=$((lc + 1))
			plot="$plot${plot:+, }'$f' using 1:2 with lines lw 2 lc $lc title '$ds $l', '$f' using 1:(\$3 > 0 ? \$2 : 1/0) with points pt 7 lc $lc notitle"
		done
	done
	if [ -n "$plot" ]; then
		gnuplot <<GP
set terminal pngcairo size 900,560 font 'sans,11'
set output '$res/headline-epochs-e$e.png'
set xlabel 'epoch'
set ylabel 'mean test AUROC over the runs'
set key bottom right
set grid
set title 'AE, gamma 0.2: test AUROC by epoch (dots: epochs chosen by the validation loss)'
plot $plot
GP
		echo "headline: $res/headline-epochs-e$e.png"
	fi
fi
