#!/bin/sh
# lockin-summary.sh LOCKIN.tsv [PNG]: the lock-in study (lockin.sh) per data set, class and
# variant: runs, runs in the bad mode, mean and worst AUROC after the last epoch; and,
# with gnuplot and a PNG name, the figure of the first-epoch against the last-epoch AUROC.
# Bad mode: the share of anomalies among the rows rejected in the last epoch is below 0.25
# (the contamination is 0.2, so 0.2 is chance; the most possible at q = 0.5 is 0.4).  A
# variant without rejection (mse) has no mode ("-").
set -eu
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: lockin-summary.sh LOCKIN.tsv [PNG]" >&2; exit 2; }
in=$1 png=${2:-}
awk -F '\t' 'NR > 1 {
	k = $1 "\t" $2 "\t" $3
	if (!(k in n)) order[++K] = k
	n[k]++; s[k] += $6
	if (!(k in w) || $6 < w[k]) w[k] = $6
	if ($8 == "NA") nomode[k] = 1
	else if ($8 + 0 < 0.25) { bad[k]++; bs[k] += $6 } else { good[k]++; gs[k] += $6 }
}
END {
	print "dataset\tclass\tvariant\truns\tbad_mode\tmean_auroc\tworst_auroc\tgood_mode_mean\tbad_mode_mean"
	for (i = 1; i <= K; i++) {
		k = order[i]
		printf "%s\t%d\t%s\t%.4f\t%.4f\t%s\t%s\n", k, n[k], (k in nomode) ? "-" : bad[k] + 0,
		    s[k] / n[k], w[k], good[k] ? sprintf("%.4f", gs[k] / good[k]) : "-",
		    bad[k] ? sprintf("%.4f", bs[k] / bad[k]) : "-"
	}
}' "$in"
[ -n "$png" ] || exit 0
command -v gnuplot > /dev/null 2>&1 || { echo "lockin-summary: no gnuplot, no figure" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -F '\t' -v d="$tmp" 'NR > 1 && $8 != "NA" {
	f = d "/" $3 "-" ($8 + 0 < 0.25 ? "bad" : "good")
	print $5 "\t" $6 > f
}' "$in"
plot=
# one colour per variant, in the order of the variants' names
vars=$(cd "$tmp" && ls | sed 's/-[a-z]*$//' | sort -u)
for f in "$tmp"/*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	case $b in *-bad) pt=6 ;; *) pt=7 ;; esac
	lc=$(echo "$vars" | awk -v v="${b%-*}" '$0 == v { print NR }')
	plot="$plot${plot:+, }'$f' using 1:2 with points pt $pt ps 1.3 lc $lc title '$(echo "$b" | sed 's/-/, /') mode'"
done
gnuplot <<EOF
set terminal pngcairo size 800,600 font 'sans,11'
set output '$png'
set xlabel 'test AUROC after epoch 1'
set ylabel 'test AUROC after the last epoch'
set key bottom right
set grid
set xrange [0:1]; set yrange [0:1]
set title 'Lock-in: first against last epoch (bad mode: anomalies < 0.25 of the rejected rows)'
plot x with lines lc rgb 'gray' dt 2 notitle, $plot
EOF
echo "lockin-summary: $png" >&2
