#!/bin/sh
# summarize.sh RESULTS.tsv [PAPER.tsv]: mean AUROC over classes and seeds per data set,
# model, loss, gamma and epochs, beside the paper's value where it has one.
# summarize.sh -f SHARES.tsv: Figure 1b, the mean anomaly share above each quantile.
# (A data set "NAME-small" is compared with the paper's "NAME".)
set -eu
export LC_ALL=C
if [ "${1:-}" = -f ]; then
	awk -F '\t' 'NR > 1 {
		k = $1 "\t" $2 "\t" $3 "\t" $4 "\t" $7 "\t" $8
		if (!(k in n)) order[++K] = k
		n[k]++; sh[k] += $9; ab[k] += $10
	}
	END {
		printf "%-14s %-6s %-16s %5s %6s %8s %13s %15s\n", "dataset", "model", "loss",
		    "gamma", "epochs", "quantile", "anomaly share", "anomalies above"
		for (i = 1; i <= K; i++) {
			split(order[i], f, "\t")
			printf "%-14s %-6s %-16s %5s %6s %8s %13.3f %15.3f\n", f[1], f[2], f[3], f[4],
			    f[5], f[6], sh[order[i]] / n[order[i]], ab[order[i]] / n[order[i]]
		}
	}' "$2"
	exit 0
fi
res=$1 paper=${2:-/dev/null}
awk -F '\t' '
FNR == 1 { file = FILENAME == ARGV[1] ? 1 : 2 }
file == 1 && !/^#/ && NF >= 5 { paper[$1 "\t" $2 "\t" $3 "\t" $4] = $5; next }
file == 2 && FNR > 1 && NF >= 9 {
	k = $1 "\t" $2 "\t" $3 "\t" $4 "\t" $7
	if (!(k in n)) order[++K] = k
	n[k]++; s[k] += $8; ss[k] += $8 * $8; t[k] += $9
}
END {
	if (!K) { print "(no finished runs)"; exit }
	printf "%-14s %-6s %-16s %5s %6s %4s %7s %6s %7s %8s\n", "dataset", "model", "loss",
	    "gamma", "epochs", "runs", "AUROC", "sd", "paper", "seconds"
	for (i = 1; i <= K; i++) {
		k = order[i]; split(k, f, "\t")
		m = s[k] / n[k]; v = n[k] > 1 ? (ss[k] - n[k] * m * m) / (n[k] - 1) : 0
		p = f[1]; sub(/-small$/, "", p)
		pk = p "\t" f[2] "\t" f[3] "\t" f[4]
		pv = "-"; if (pk in paper) pv = paper[pk]
		sd = 0; if (v > 0) sd = sqrt(v)
		printf "%-14s %-6s %-16s %5s %6s %4d %7.3f %6.3f %7s %8.0f\n", f[1], f[2], f[3],
		    f[4], f[5], n[k], m, sd, pv, t[k]
	}
}' "$paper" "$res"
