#!/bin/sh
# ink-slope.sh OUT DATASETS:CLASSES SEEDS: what decides the mode of the lock-in study
# (lockin.sh, README "Lock-in").  For every data set, normal class and training seed, the
# untrained network of that seed (ad-train -n 0 -s SEED: the initialisation alone) scores
# the training part of the study's split (OUT/data/DATASET/cCLASS-gGAMMA-s1-train.adv, made
# by lockin.sh), and the least-squares line of those scores on the rows' ink
# e_i = sum_j x_ij^2 gives its slope and the correlation.  One row per seed on standard
# output:
#   dataset class seed slope corr
# A positive slope means the untrained network ranks the rows with more ink higher: the
# ranking the first batches reject by.  ARCH (default conv:16-32-64+sigmoid), SLOPE (the
# LeakyReLU slope, 0.01) and GAMMA (0.2) as in lockin.sh.
#
# ink-slope.sh -t SLOPES.tsv LOCKIN.tsv: per data set, class, variant and sign of the slope
# (pos, neg), the runs, the runs in the bad mode (lockin-summary.sh's criterion: anomalies
# are less than 0.25 of the rows rejected in the last epoch; "-" for a variant without
# rejection) and the mean last-epoch AUROC.
set -eu
export LC_ALL=C
usage() {
	echo "usage: ink-slope.sh OUT DATASETS:CLASSES SEEDS | ink-slope.sh -t SLOPES.tsv LOCKIN.tsv" >&2
	exit 2
}
if [ "${1:-}" = -t ]; then
	[ $# -eq 3 ] || usage
	here=$(cd "$(dirname "$0")" && pwd)
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	# the study's rows with the variant named VARIANT/SIGN, counted by lockin-summary.sh
	# (the one place of the bad-mode criterion)
	awk -F '\t' -v OFS='\t' 'FNR == 1 { f++; if (f == 2) print; next }
	f == 1 { sign[$1 "\t" $2 "\t" $3] = $4 > 0 ? "pos" : "neg"; next }
	($1 "\t" $2 "\t" $4) in sign { $3 = $3 "/" sign[$1 "\t" $2 "\t" $4]; print }' \
		"$2" "$3" > "$tmp"
	sh "$here/lockin-summary.sh" "$tmp" | awk -F '\t' -v OFS='\t' '
		NR == 1 { print "dataset", "class", "variant", "slope", "runs", "bad_mode", "mean_auroc"; next }
		{ split($3, v, "/"); print $1, $2, v[1], v[2], $4, $5, $6 }' |
		{ IFS= read -r h; printf '%s\n' "$h"; sort -t "$(printf '\t')" -k1,1 -k2,2n -k3,3 -k4,4r; }
	exit 0
fi
[ $# -eq 3 ] || usage
out=$1 sets=$2 seeds=$3
arch=${ARCH:-conv:16-32-64+sigmoid} slope=${SLOPE:-0.01} gamma=${GAMMA:-0.2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sc in $sets; do
	ds=${sc%%:*} classes=${sc#*:}
	[ "$ds" != "$sc" ] || { echo "ink-slope.sh: '$sc': expected DATASET:CLASSES" >&2; exit 2; }
	for c in $(echo "$classes" | tr ',' ' '); do
		tr=$out/data/$ds/c$c-g$gamma-s1-train.adv
		[ -f "$tr" ] || { echo "ink-slope.sh: missing $tr (lockin.sh makes it)" >&2; exit 2; }
	done
done
echo "dataset	class	seed	slope	corr"
for sc in $sets; do
	ds=${sc%%:*} classes=${sc#*:}
	for c in $(echo "$classes" | tr ',' ' '); do
		tr=$out/data/$ds/c$c-g$gamma-s1-train.adv
		ad-load "$tr" | awk -F '\t' 'NR > 1 { e = 0; for (i = 2; i <= NF; i++) e += $i * $i
			printf "%.17g\n", e }' > "$tmp/ink"
		for s in $seeds; do
			ad-train -q -M ae -A "$arch" -l "$slope" -L mse -n 0 -s "$s" -T 1 -o "$tmp/model" "$tr"
			ad-score "$tmp/model" "$tr" | awk -F '\t' 'NR > 1 { print $2 }' |
				paste "$tmp/ink" - |
				awk -F '\t' -v d="$ds" -v c="$c" -v s="$s" '{
					k++; mx += $1; my += $2; xx += $1 * $1; yy += $2 * $2; xy += $1 * $2 }
				END {
					mx /= k; my /= k
					vx = xx / k - mx * mx; vy = yy / k - my * my; cv = xy / k - mx * my
					b = vx > 0 ? cv / vx : 0
					r = vx > 0 && vy > 0 ? cv / sqrt(vx * vy) : 0
					printf "%s\t%s\t%s\t%.6g\t%.4f\n", d, c, s, b, r
				}'
		done
	done
done
