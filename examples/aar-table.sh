#!/bin/sh
# aar-table.sh RESULTS.tsv [REF]: the Markdown table of a contamination sweep (the rows of
# `make aar-sweep` or `make aar-tabular`, columns dataset model loss gamma class seed
# epochs auroc seconds): one row per data set and gamma, the mean AUROC of every loss (in
# the order the losses first appear), and how many (class, seed) pairs the adaptive rule
# (loss "aar") wins against REF (default "hetero", Hetero at q = 0.5) and against "mse",
# as "W of N" (a tie is no win).  The README's adaptive-rejection tables come from it.
set -eu
export LC_ALL=C
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: aar-table.sh RESULTS.tsv [REF]" >&2; exit 2; }
[ -r "$1" ] || { echo "aar-table.sh: cannot read $1" >&2; exit 2; }
awk -F '\t' -v ref="${2:-hetero}" '
NR == 1 { next }
NF < 9 { printf "aar-table.sh: %s:%d: expected 9 columns\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 2 }
{
	ds = $1; l = $3; g = $4; k = ds SUBSEP g
	if (!(l in seen)) { seen[l] = 1; L[++nl] = l }
	if (!(k in seenk)) { seenk[k] = 1; K[++nk] = k }
	s[k, l] += $8; n[k, l]++
	a[k, l, $5, $6] = $8; pair[k, $5, $6] = 1
}
END {
	if (bad) exit 2
	printf "| data set | gamma |"
	for (i = 1; i <= nl; i++) printf " %s |", L[i]
	printf " aar > %s | aar > mse |\n|---|---|", ref
	for (i = 1; i <= nl + 2; i++) printf "---|"
	printf "\n"
	for (j = 1; j <= nk; j++) {
		k = K[j]; split(k, kk, SUBSEP)
		printf "| %s | %s |", kk[1], kk[2]
		for (i = 1; i <= nl; i++)
			printf((k, L[i]) in n ? " %.3f |" : " - |", n[k, L[i]] ? s[k, L[i]] / n[k, L[i]] : 0)
		for (r = 1; r <= 2; r++) {
			o = r == 1 ? ref : "mse"; w = 0; t = 0
			for (p in pair) {
				split(p, pp, SUBSEP)
				if (pp[1] SUBSEP pp[2] != k) continue
				if (!((k, "aar", pp[3], pp[4]) in a) || !((k, o, pp[3], pp[4]) in a)) continue
				t++; if (a[k, "aar", pp[3], pp[4]] > a[k, o, pp[3], pp[4]]) w++
			}
			printf(t ? " %d of %d |" : " - |", w, t)
		}
		printf "\n"
	}
}' "$1"
