#!/bin/sh
# demo.sh: the whole pipeline on the Fashion-MNIST subset shipped in examples/data.
# One normal class, 20 % of the training rows are anomalies (other classes); an autoencoder
# is trained with the plain MSE loss, with the heterogeneous loss (Hetero) as ad-train's
# defaults make it on pixel images and as the paper's plain Algorithm 1, and all three are scored
# on the test part.  Prints every command, the AUROCs and the rejection diagnostics.
# Deterministic: fixed seeds, one thread per model.  `make demo` builds and runs it.
#
# Environment: CLASS (normal class, default 7 = sneaker), GAMMA (0.2), EPOCHS (40),
# SEED (1), LR (0.001), DEMO_OUT (examples/out/demo), BIN (the repository's bin/).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../bin}
PATH=$BIN:$PATH
export LC_ALL=C
CLASS=${CLASS:-7} GAMMA=${GAMMA:-0.2} EPOCHS=${EPOCHS:-40} SEED=${SEED:-1} LR=${LR:-0.001}
data=$here/data/fashion-mnist-small
out=${DEMO_OUT:-$here/out/demo}
for t in ad-load ad-split ad-train ad-score ad-zscore ad-reject ad-auroc; do
	command -v $t > /dev/null || { echo "demo: $t not found in $BIN (run make first)" >&2; exit 1; }
done
mkdir -p "$out"
cd "$out"
start=$(date +%s)
say() { printf '$ %s\n' "$*"; }

echo "== data: Fashion-MNIST subset (600 train + 200 test images per class, MIT), $data"
say "ad-load -b -S 255 -l train-labels-idx1-ubyte.gz train-images-idx3-ubyte.gz > all-train.adv"
ad-load -b -S 255 -l "$data/train-labels-idx1-ubyte.gz" "$data/train-images-idx3-ubyte.gz" > all-train.adv
say "ad-load -b -S 255 -l t10k-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz > all-test.adv"
ad-load -b -S 255 -l "$data/t10k-labels-idx1-ubyte.gz" "$data/t10k-images-idx3-ubyte.gz" > all-test.adv
echo
echo "== split: normal class $CLASS, contamination $GAMMA, seed $SEED"
for p in train val test; do
	say "ad-split -b -k $CLASS -g $GAMMA -s $SEED -p $p -t all-test.adv all-train.adv > $p.adv"
	ad-split -b -k "$CLASS" -g "$GAMMA" -s "$SEED" -p $p -t all-test.adv all-train.adv > $p.adv
done
ad-split -v -k "$CLASS" -g "$GAMMA" -s "$SEED" -p val -t all-test.adv all-train.adv 2>&1 > /dev/null |
	sed 's/^ad-split: /  /'
echo
echo "== train: conv autoencoder 16-32-64, $EPOCHS epochs, Adam lr $LR, batch 100, model of the"
echo "   lowest validation loss kept; MSE, Hetero (ad-train's default on pixel images: the lock-in"
echo "   remedy -x resid:30 -m 2) and alg1 (Hetero as the paper's Algorithm 1, -x score) side by side"
# the name of each run, and its ad-train loss flags
runs="mse hetero alg1"
flags() { case $1 in mse) echo "-L mse" ;; hetero) echo "-L hetero" ;; alg1) echo "-L hetero -x score" ;; esac; }
for L in $runs; do
	say "ad-train -q -M ae $(flags $L) -n $EPOCHS -r $LR -s $SEED -T 1 -y val.adv -e test.adv -g $L.trace -o $L.model train.adv"
done
pids=
for L in $runs; do
	# shellcheck disable=SC2046
	ad-train -q -M ae $(flags $L) -n "$EPOCHS" -r "$LR" -s "$SEED" -T 1 -y val.adv -e test.adv \
		-g $L.trace -o $L.model train.adv &
	pids="$pids $!"
done
fail=0
for p in $pids; do wait "$p" || fail=1; done
[ "$fail" -eq 0 ] || { echo "demo: ad-train failed" >&2; exit 1; }
echo
echo "== test AUROC (the test part: 200 normal images, 30 % anomalies)"
for L in $runs; do
	say "ad-score $L.model test.adv | ad-auroc"
	ad-score -T 2 $L.model test.adv > $L.test.scores
	printf '  %-7s AUROC %s\n' $L "$(ad-auroc $L.test.scores)"
done
echo
echo "== test AUROC by epoch (ad-train --eval, in the trace; never used to select the model)"
for L in $runs; do
	awk -F '\t' -v L=$L -v n="$EPOCHS" 'BEGIN { printf "  %-7s", L }
		!/^#/ && ($1 % 10 == 0 || $1 == 1 || $1 == n) { printf " %3d: %.3f", $1, $12 }
		END { printf "\n" }' $L.trace
done
echo
echo "== rejection during training (from the --trace file, last epoch; MSE rejects nothing)"
printf '  %-7s %9s %22s %19s\n' loss rejected "anomalies of rejected" "anomalies rejected"
for L in $runs; do
	tail -n 1 $L.trace | awk -F '\t' -v L=$L '
		function f(x) { return x == "NA" ? "-" : sprintf("%.3f", x) }
		{ printf "  %-7s %9s %22s %19s\n", L, f($8), f($9), f($10) }'
done
echo "  (rejected: share of the training rows with s > s_q in their batch; anomalies of"
echo "   rejected: share of true anomalies among them; anomalies rejected: share of all"
echo "   training anomalies that were rejected; $GAMMA of the training rows are anomalies)"
echo
echo "== the rejection filters on the contaminated training set, scored by each model"
echo "   (groups of 100 rows like the batches; the more anomalies far above the median, the"
echo "   better the model tells them apart):"
for L in $runs; do
	say "ad-score $L.model train.adv | ad-zscore -n 100 | ad-reject -n 100 -Q 0.5 -t 0.1"
	ad-score -T 2 $L.model train.adv | ad-zscore -n 100 | ad-reject -n 100 -Q 0.5 -t 0.1 |
	awk -F '\t' -v L=$L '
		/^#/ || NF < 5 { next }
		{ n++; a += $1 }
		$5 < 1 { r++; ra += $1 }
		$3 > 3.5 { h++; ha += $1 }
		END {
			printf "  %-7s %d rows, %d anomalies; soft-rejected (w = 0.1): %d rows, %d anomalies" \
			    " (%.0f %% of them); z > 3.5: %d rows, %d anomalies\n",
			    L, n, a, r, ra, a ? 100 * ra / a : 0, h, ha
		}'
done
echo
echo "demo: $(($(date +%s) - start)) s; files in $out"
