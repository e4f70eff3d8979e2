#!/bin/sh
# aar-tabular.sh RESULTS.tsv OUTDIR: Figure 3 style plots of an aar-tabular (or aar-sweep)
# results file: mean AUROC over seeds and classes against the contamination gamma, one
# line per loss, one PNG per data set (OUTDIR/aar-DATASET-eE.png).  Needs gnuplot.
set -eu
export LC_ALL=C
[ $# -eq 2 ] || { echo "usage: aar-tabular.sh RESULTS.tsv OUTDIR" >&2; exit 2; }
res=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v gnuplot > /dev/null 2>&1 || { echo "aar-tabular.sh: no gnuplot; no plots" >&2; exit 0; }
if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
	term="pngcairo size 900,560 font 'sans,11'"
else
	term="png size 900,560"
fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ds in $(awk -F '\t' 'NR > 1 { print $1 }' "$res" | sort -u); do
	# gamma, then the mean AUROC of each loss in the order of first appearance
	awk -F '\t' -v ds="$ds" 'NR > 1 && $1 == ds {
		if (!($3 in seen)) { seen[$3] = 1; loss[++L] = $3 }
		g[$4] = 1; s[$4, $3] += $8; n[$4, $3]++; e = $7
	}
	END {
		printf "gamma"; for (i = 1; i <= L; i++) printf "\t%s", loss[i]; printf "\n"
		for (x in g) {
			printf "%s", x
			for (i = 1; i <= L; i++)
				printf "\t%s", n[x, loss[i]] ? sprintf("%.4f", s[x, loss[i]] / n[x, loss[i]]) : "NaN"
			printf "\n"
		}
		print e > "/dev/stderr"
	}' "$res" 2> "$tmp/e" | { IFS= read -r h; echo "$h"; sort -g; } > "$tmp/dat"
	e=$(cat "$tmp/e")
	nl=$(head -1 "$tmp/dat" | awk -F '\t' '{ print NF }')
	# the colours of plots.sh; the adaptive rule's runs black (aar) and brown (+j)
	cols=$(for l in $(head -1 "$tmp/dat" | cut -f 2-); do
		case $l in
		aar*) echo '#000000' ;; *+j*) echo '#8c564b' ;; *) PLOTS_COLOUR=$l sh "$here/plots.sh" ;;
		esac
	done | tr '\n' ' ')
	gnuplot -e "term=\"$term\"; out=\"$dir/aar-$ds-e$e.png\"; data=\"$tmp/dat\"; ncol=\"$nl\"; colours=\"$cols\"; title=\"AUROC against contamination, $ds, AE, $e epochs\"" \
		"$here/fig3.gp"
	echo "$dir/aar-$ds-e$e.png"
done
