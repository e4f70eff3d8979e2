#!/bin/sh
# aar-contam.sh OUT [EPOCHS...]: the contamination that adaptive rejection estimates
# against the true one, from the traces of finished runs (ad-train --trace, columns
# contam and rejected; ad-reject(1) ADAPTIVE REJECTION).  One row per data set, loss and
# true gamma at each epoch asked for (default 1 2 10 and the last): the mean over the
# seeds and classes of the estimate (contam), of the share of rows down-weighted
# (rejected) and of the share of the anomalies among them (anom_of_rejected).
# Only runs whose trace has numbers in the contam column are counted.
set -eu
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: aar-contam.sh OUT [EPOCHS...]" >&2; exit 2; }
out=$1; shift
find "$out/traces" -name '*.tsv' ! -name '.*' | sort | awk -F '\t' -v want="${*:-}" '
{ files[++nf] = $0 }
END {
	nw = split(want, w, " ")
	for (f = 1; f <= nf; f++) {
		path = files[f]
		n = split(path, parts, "/"); name = parts[n]; ds = parts[n - 1]
		sub(/\.tsv$/, "", name)
		split(name, fld, "_")        # model loss gG cC sS eE
		loss = fld[2]; g = substr(fld[3], 2)
		delete col; last = 0; delete row
		while ((getline line < path) > 0) {
			m = split(line, v, "\t")
			if (line ~ /^#/) { sub(/^#/, "", v[1]); for (i = 1; i <= m; i++) col[v[i]] = i; continue }
			if (!("contam" in col) || v[col["contam"]] == "NA" || v[col["phase"]] != "main") continue
			e = v[1] + 0; last = e > last ? e : last
			row[e] = v[col["contam"]] "\t" v[col["rejected"]] "\t" v[col["anom_of_rejected"]]
		}
		close(path)
		if (!last) continue
		k = nw
		if (!nw) { k = 4; w[1] = 1; w[2] = 2; w[3] = 10; w[4] = "last" }
		for (i = 1; i <= k; i++) {
			e = w[i] == "last" ? last : w[i] + 0
			if (!(e in row)) continue
			split(row[e], r, "\t")
			key = ds "\t" loss "\t" g "\t" (w[i] == "last" ? "last(" e ")" : e)
			if (!(key in cnt)) order[++K] = key
			cnt[key]++; c[key] += r[1]; rj[key] += r[2]
			if (r[3] != "NA") { ar[key] += r[3]; na[key]++ }
		}
	}
	print "dataset\tloss\tgamma\tepoch\truns\tcontam\trejected\tanom_of_rejected"
	for (i = 1; i <= K; i++) {
		k = order[i]
		printf "%s\t%d\t%.3f\t%.3f\t%s\n", k, cnt[k], c[k] / cnt[k], rj[k] / cnt[k],
		    na[k] ? sprintf("%.3f", ar[k] / na[k]) : "NA"
	}
}'
