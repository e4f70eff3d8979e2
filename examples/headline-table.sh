#!/bin/sh
# headline-table.sh CLASSES.tsv [PAPER.tsv]: the per-class table of headline.sh
# (headline-classes-eE.tsv) as Markdown, one table per data set and gamma: a row per loss,
# a column per normal class (the mean over seeds, "+- sd" with more than one seed; mse and
# hetero first), the
# mean over the classes present and the paper's Table 1 value.  The README's Results
# tables are made with it.
set -eu
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: headline-table.sh CLASSES.tsv [PAPER.tsv]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
paper=${2:-$here/paper.tsv}
awk -F '\t' '
FNR == 1 { file++ }
file == 1 && !/^#/ && NF >= 5 && $2 == "ae" { paper[$1 "\t" $4 "\t" $3] = $5; next }
file == 2 && FNR > 1 {
	t = $1 "\t" $2
	if (!(t in seen)) { seen[t] = 1; tables[++T] = t }
	if (!((t, $4) in hasloss)) { hasloss[t, $4] = 1; losses[t, ++L[t]] = $4 }
	cell[t, $4, $3] = $5 > 1 ? sprintf("%.3f +- %.3f", $6, $7) : sprintf("%.3f", $6)
	seeds[t, $4, $3] = $5
	sum[t, $4] += $6; n[t, $4]++; cls[t, $3] = 1
}
END {
	for (i = 1; i <= T; i++) {
		t = tables[i]; split(t, k, "\t")
		printf "%s%s, gamma %s:\n\n| loss |", (i > 1 ? "\n" : ""), k[1], k[2]
		for (c = 0; c <= 9; c++) printf " %d |", c
		printf " mean | paper |\n|---|"
		for (c = 0; c <= 9; c++) printf "---|"
		printf "---|---|\n"
		# mse and hetero first, then the other losses in the order they appear
		m = 0
		for (j = 1; j <= L[t]; j++) if (losses[t, j] == "mse") ord[++m] = "mse"
		for (j = 1; j <= L[t]; j++) if (losses[t, j] == "hetero") ord[++m] = "hetero"
		for (j = 1; j <= L[t]; j++) if (losses[t, j] != "mse" && losses[t, j] != "hetero") ord[++m] = losses[t, j]
		for (j = 1; j <= m; j++) {
			l = ord[j]; printf "| %s |", l
			for (c = 0; c <= 9; c++) printf " %s |", ((t, l, c) in cell) ? cell[t, l, c] : "-"
			p = (k[1] "\t" k[2] "\t" l) in paper ? paper[k[1] "\t" k[2] "\t" l] : "-"
			printf " %.3f%s | %s |\n", sum[t, l] / n[t, l], n[t, l] < 10 ? " (" n[t, l] (n[t, l] > 1 ? " classes)" : " class)") : "", p
		}
	}
}' "$paper" "$1"
