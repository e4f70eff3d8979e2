#!/bin/sh
# lockin.sh OUT VARIANTS DATASETS:CLASSES SEEDS [EPOCHS]: the lock-in study of median
# rejection (README, "Lock-in").  For every data set and normal class, one split
# (split.sh: ad-split -P image, gamma GAMMA (0.2), split seed 1, in OUT/data) and, on it, one short training run per
# variant and training seed (ad-train -s SEED: the initialisation and the shuffling),
# EPOCHS (10) epochs, lr 1e-4, batch 100, the model after the last epoch, with the test
# AUROC of every epoch in the trace.  One row per run is appended to OUT/lockin.tsv:
#   dataset class variant seed epoch1_auroc last_auroc best_auroc last_anom_of_rejected
#   last_rejected seconds
# and runs already in it are skipped (the study resumes).  VARIANTS is a space-separated
# list of NAME=FLAGS with "," for spaces in FLAGS, e.g.
#   "mse=-L,mse hetero=-L,hetero,-x,score resid=-L,hetero,-x,resid auto=-L,hetero"
# (on pixel images ad-train -L hetero is the lock-in remedy, -x resid:30 -m 2: ad-train(1); -x score
# is the paper's Algorithm 1).
# DATASETS:CLASSES e.g. "mnist:0,3,5 fmnist:2".  Data: OUT/load/DATASET/{train,test}.adv
# (binary vector streams as the examples Makefile loads them) must exist.  ARCH (default
# conv:16-32-64+sigmoid) and SLOPE (0.01) set the network; GAMMA (0.2) the contamination
# (the rows do not name it: one OUT per GAMMA); SCALE, if set, ad-scale(1) options (e.g.
# "-c l1 -g", split.sh's IMAGE_SCALE) fitted on the training part and applied to all three
# parts (one OUT per SCALE: the splits are made once).
set -eu
export LC_ALL=C
[ $# -ge 4 ] || { echo "usage: lockin.sh OUT VARIANTS DATASETS:CLASSES SEEDS [EPOCHS]" >&2; exit 2; }
out=$1 variants=$2 sets=$3 seeds=$4 epochs=${5:-10}
arch=${ARCH:-conv:16-32-64+sigmoid} slope=${SLOPE:-0.01} gamma=${GAMMA:-0.2} scale=${SCALE:-}
res=$out/lockin.tsv
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/tmp"
# a scratch directory of this process: studies of other variants may run at the same time
# on the same OUT (each appends whole rows to OUT/lockin.tsv)
tmp=$(mktemp -d "$out/tmp/run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
[ -f "$res" ] || printf 'dataset\tclass\tvariant\tseed\tepoch1_auroc\tlast_auroc\tbest_auroc\tlast_anom_of_rejected\tlast_rejected\tseconds\n' > "$res"
for seed in $seeds; do
	for dc in $sets; do
		ds=${dc%%:*}
		for c in $(echo "${dc#*:}" | tr , ' '); do
			sp=$out/data/$ds/c$c-g$gamma-s1
			[ -f "$sp-train.adv" ] ||
				IMAGE_SCALE=$scale sh "$here/split.sh" "$out" "$ds/c$c-g$gamma-s1" image
			for v in $variants; do
				name=${v%%=*} flags=$(echo "${v#*=}" | tr , ' ')
				if awk -F '\t' -v d="$ds" -v c="$c" -v n="$name" -v s="$seed" \
					'$1 == d && $2 == c && $3 == n && $4 == s { f = 1 } END { exit !f }' "$res"; then
					continue
				fi
				t0=$(date +%s)
				tr=$out/traces/$ds-c$c-$name-s$seed.tsv
				mkdir -p "$out/traces"
				# shellcheck disable=SC2086
				ad-train -q -M ae -A "$arch" -l "$slope" $flags -n "$epochs" -s "$seed" -T 1 \
					-e "$sp-test.adv" -g "$tmp/trace" -o "$tmp/model" "$sp-train.adv"
				mv "$tmp/trace" "$tr"
				t1=$(date +%s)
				awk -F '\t' -v k="$ds	$c	$name	$seed" -v secs=$((t1 - t0)) '
				NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
				$col["phase"] == "main" {
					a = $col["eval_auroc"] + 0
					if ($col["#epoch"] == 1) a1 = a
					if (best == "" || a > best) best = a
					last = a; ar = $col["anom_of_rejected"]; rj = $col["rejected"]
				}
				END { printf "%s\t%.4f\t%.4f\t%.4f\t%s\t%s\t%d\n", k, a1, last, best, ar, rj, secs }
				' "$tr" >> "$res"
				tail -n 1 "$res"
			done
		done
	done
done
