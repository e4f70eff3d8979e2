#!/bin/sh
# fig1b.sh OUT NAME QUANTILE...: Figure 1b for one finished run.  Scores the run's training
# part (contaminated) with its model and, for each quantile q of the scores, writes the
# share of true anomalies among the rows above the q-quantile and the fraction of all
# training anomalies that lie above it, using the rejection filter itself:
#   ad-score MODEL TRAIN | ad-reject -Q q -t 0     (w = 0: above the quantile)
# Output OUT/fig1b/NAME.tsv: dataset model loss gamma class seed epochs quantile share above
set -eu
out=$1 name=$2; shift 2
row=$out/runs/$name.tsv
[ -f "$row" ] || { echo "fig1b.sh: no finished run $row" >&2; exit 1; }
# the run's fields from its row: dataset model loss gamma class seed epochs
set -f
fields=$(cut -f1-7 "$row")
set +f
ds=$(cut -f1 "$row") g=$(cut -f4 "$row") c=$(cut -f5 "$row") s=$(cut -f6 "$row")
train=$out/data/$ds/c$c-g$g-s$s-train.adv
mkdir -p "$out/fig1b/$ds"
tmp=$(mktemp -d "$out/fig1b/$ds/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
ad-score -T "${THREADS:-1}" "$out/models/$name.model" "$train" > "$tmp/scores"
for q in "$@"; do
	ad-reject -Q "$q" -t 0 "$tmp/scores" |
	awk -F '\t' -v q="$q" -v f="$fields" '
		/^#/ || NF < 3 { next }
		{ a += $1 } $3 == 0 { n++; na += $1 }
		END { printf "%s\t%s\t%.6f\t%.6f\n", f, q, n ? na / n : 0, a ? na / a : 0 }'
done > "$tmp/out"
mv "$tmp/out" "$out/fig1b/$name.tsv"
