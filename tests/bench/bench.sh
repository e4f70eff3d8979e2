#!/bin/sh
# bench.sh: throughput of the real tools (ad-train, ad-score) on the paper's conv AE
# and on an MLP AE, against the PyTorch reference when it can run.  `make bench`
# runs it from the top directory after `make`.  Not a test: it prints figures.
#
# Environment (make bench passes them on):
#   MNIST_DIR  MNIST IDX files (no default).  With them, the conv
#              AE trains on the MNIST class-0 one-vs-rest split with gamma 0.2 made
#              by ad-split (6664 rows, the reference's set); without them on 6664
#              rows of the shipped Fashion-MNIST subset, and PyTorch is skipped.
#   TORCH_REF  a PyTorch script of the same network, run on the same split (no
#              default; without it PyTorch is skipped)
#   PYTHON     the Python that has torch (default /usr/bin/python3)
#   EPOCHS     epochs per training run (default 3)
#   REPS       repetitions of each adpipe measurement, median reported (default 3)
#   THREADS    thread counts (default "1 2")
#   TORCH_TIMEOUT  seconds allowed to one PyTorch run (default 600): on a busy
#              machine its 2-thread runs can slow down by tens of times (its OpenMP
#              threads wait for each other), and a run that does not finish is
#              reported as such
#   CC         compiler for the helper programs (default cc)
#
# Then tests/bench/layers.c prints the per-layer table of a training step of the
# same conv AE (forward and backward time and GFLOP/s of every layer),
# tests/bench/gemms.c the time of that step's GEMMs alone, tests/bench/passes.c
# that of its im2col and col2im passes alone, and `peak bw` the memory
# bandwidth one core gets at the sizes of the step's arrays.
#
# Method.  Seconds per epoch = (wall of `ad-train -n EPOCHS` - wall of `-n 0`) /
# EPOCHS, so start-up, reading the data and writing the model are not counted;
# training samples/s = rows / that.  Scoring: wall of `ad-score` over the training
# rows, everything included.  Samples per CPU-second use user+system time the
# same way (less sensitive to other load on a shared machine).  Peak RSS is the
# maximum resident set of the training process.  GFLOP/s counts 2 flops per
# multiply-add of the layers (training: forward, data and weight gradients, the
# first layer without a data gradient) and is compared with the measured FMA peak
# of the cores used (peak.c).  PyTorch's figures are its own (median epoch after
# the first, scoring of its 1400 test rows in memory, best of 3), its CPU seconds
# per epoch from the difference of a 1-epoch and an EPOCHS-epoch run.
set -u
MNIST_DIR=${MNIST_DIR:-}
TORCH_REF=${TORCH_REF:-}
PYTHON=${PYTHON:-/usr/bin/python3}
EPOCHS=${EPOCHS:-3}
REPS=${REPS:-3}
THREADS=${THREADS:-1 2}
TORCH_TIMEOUT=${TORCH_TIMEOUT:-600}
CC=${CC:-cc}
[ "$EPOCHS" -ge 2 ] || { echo "bench: EPOCHS must be at least 2" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/adbench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
PATH=$(pwd)/bin:$PATH
export PATH

die() { echo "bench: $*" >&2; exit 1; }
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$W/runstat" tests/bench/runstat.c ||
	die "cannot build tests/bench/runstat.c"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -ffp-contract=fast -pthread -o "$W/peak" \
	tests/bench/peak.c || die "cannot build tests/bench/peak.c"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread -o "$W/layers" \
	tests/bench/layers.c src/lib/libad.a -lm || die "cannot build tests/bench/layers.c"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread -o "$W/gemms" \
	tests/bench/gemms.c src/lib/libad.a -lm || die "cannot build tests/bench/gemms.c"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread -o "$W/passes" \
	tests/bench/passes.c src/lib/libad.a -lm || die "cannot build tests/bench/passes.c"
for t in ad-load ad-split ad-train ad-score; do
	command -v $t >/dev/null 2>&1 || die "bin/$t missing (run make first)"
done

load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo NA; }
# stat FILE -> "wall cpu rss_kib"; a failed run stops the bench
run() {
	out=$1; shift
	"$W/runstat" "$W/st" "$@" || die "failed ($?): $*"
	awk '{ print $1, $2 + $3, $4 }' "$W/st" > "$out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- machine and peak --------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
echo "adpipe bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), ${cpu:-unknown CPU}, $ncpu online CPUs"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
"$W/peak" 1 > "$W/peak1" || die "peak failed"
core_peak=$(awk '{ print $6 }' "$W/peak1")
echo "FMA peak (peak.c): $core_peak GFLOP per CPU-second per core, $(awk -v p="$core_peak" -v n="$ncpu" 'BEGIN { printf "%.0f", p * n }') for the machine"
echo

# ---- data ----------------------------------------------------------------------------
img() { for e in "" .gz; do [ -r "$1/$2$e" ] && { echo "$1/$2$e"; return 0; }; done; return 1; }
have_mnist=0
if tri=$(img "$MNIST_DIR" train-images-idx3-ubyte) && trl=$(img "$MNIST_DIR" train-labels-idx1-ubyte) &&
   tei=$(img "$MNIST_DIR" t10k-images-idx3-ubyte) && tel=$(img "$MNIST_DIR" t10k-labels-idx1-ubyte); then
	have_mnist=1
	ad-load -b -S 255 -l "$trl" "$tri" > "$W/all.adv" &&
	ad-load -b -S 255 -l "$tel" "$tei" > "$W/t10k.adv" &&
	ad-split -b -P image-all -k 0 -p train -g 0.2 -s 0 -t "$W/t10k.adv" "$W/all.adv" > "$W/img.adv" ||
		die "cannot make the MNIST split"
	what="MNIST class 0 vs rest, gamma 0.2 (ad-split -P image-all -k 0 -g 0.2 -s 0, train part)"
else
	fm=examples/data/fashion-mnist-small
	ad-load -b -S 255 "$fm/train-images-idx3-ubyte.gz" "$fm/t10k-images-idx3-ubyte.gz" |
		head -c $((24 + 6664 * 3140)) > "$W/img.adv" || die "cannot read $fm"
	what="first 6664 rows of examples/data/fashion-mnist-small (no MNIST in MNIST_DIR=$MNIST_DIR)"
fi
nimg=$(( ($(wc -c < "$W/img.adv") - 24) / 3140 ))

# tabular: 20000 rows x 121 features in [0, 1) from a fixed LCG (KDDCUP-sized rows)
awk 'BEGIN { x = 12345; print "#adv 1 dim=121"
	for (i = 0; i < 20000; i++) { r = (i % 10 == 0); s = r ""
		for (j = 0; j < 121; j++) { x = (x * 16807) % 2147483647; s = s " " sprintf("%.6f", x / 2147483647.0) }
		print s } }' | ad-load -b > "$W/tab.adv" || die "cannot make the tabular set"
ntab=20000

# ---- one adpipe configuration -------------------------------------------------------
# adpipe NAME DATA ROWS FLOP_TRAIN FLOP_FWD ad-train-options...
adpipe() {
	name=$1 data=$2 rows=$3 ftr=$4 ffw=$5; shift 5
	for t in $THREADS; do
		l0=$(load)
		: > "$W/ep"; : > "$W/cp"; : > "$W/sc"; : > "$W/scc"; : > "$W/rss"
		i=0
		while [ $i -lt "$REPS" ]; do
			run "$W/a" ad-train -q -T "$t" -n 0 -s 1 -o "$W/m0" "$@" "$data"
			run "$W/b" ad-train -q -T "$t" -n "$EPOCHS" -s 1 -o "$W/m" "$@" "$data"
			run "$W/c" ad-score -T "$t" "$W/m" "$data" > /dev/null
			paste "$W/a" "$W/b" | awk -v e="$EPOCHS" '{ print ($4 - $1) / e }' >> "$W/ep"
			paste "$W/a" "$W/b" | awk -v e="$EPOCHS" '{ print ($5 - $2) / e }' >> "$W/cp"
			awk '{ print $1 }' "$W/c" >> "$W/sc"
			awk '{ print $2 }' "$W/c" >> "$W/scc"
			awk '{ print $3 }' "$W/b" >> "$W/rss"
			i=$((i + 1))
		done
		ep=$(median < "$W/ep") cp=$(median < "$W/cp") sc=$(median < "$W/sc")
		rss=$(sort -g "$W/rss" | tail -1)
		l1=$(load)
		awk -v n="$name" -v t="$t" -v rows="$rows" -v ep="$ep" -v cp="$cp" -v sc="$sc" \
		    -v rss="$rss" -v ftr="$ftr" -v ffw="$ffw" -v pk="$core_peak" -v l0="$l0" -v l1="$l1" 'BEGIN {
			tr = rows / ep; gf = ftr * tr * 1e-9
			printf "%-7s %2d %9.0f %9.0f %8.3f %9.0f %8.1f %7.1f %5.1f%%  %s-%s\n", n, t, tr,
			       rows / cp, ep, rows / sc, rss / 1024, gf, 100 * gf / (pk * t), l0, l1 }' |
			tee -a "$W/table"
	done
}

header() {
	printf "%-7s %2s %9s %9s %8s %9s %8s %7s %6s  %s\n" impl thr "train/s" "train/cpu" \
	       "s/epoch" "score/s" "RSS MB" "GFLOP/s" "%peak" "load"
}

# conv AE: 1,097,856 multiply-adds per sample forward; training 3x less the first
# layer's data gradient (28,224)
conv_fw=$((2 * 1097856)) conv_tr=$((2 * (3 * 1097856 - 28224)))
echo "== conv AE conv:16-32-64+sigmoid, LeakyReLU 0.01, hetero loss (Algorithm 1), batch 100, $EPOCHS epochs"
echo "   data: $nimg rows 1x28x28, $what"
header
: > "$W/table"
# -x score: the paper's Algorithm 1, what the PyTorch reference computes (on these pixels
# ad-train's default adds the lock-in remedy, ad-train(1))
adpipe adpipe "$W/img.adv" "$nimg" "$conv_tr" "$conv_fw" -M ae -A conv:16-32-64+sigmoid -l 0.01 -L hetero -x score -B 100

if [ $have_mnist = 0 ]; then
	echo "PyTorch reference skipped: no MNIST in MNIST_DIR=$MNIST_DIR (set MNIST_DIR)"
elif [ -z "$TORCH_REF" ] || [ ! -r "$TORCH_REF" ]; then
	echo "PyTorch reference skipped: TORCH_REF=$TORCH_REF is not a readable script (set TORCH_REF)"
elif ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
	echo "PyTorch reference skipped: $PYTHON cannot import torch and numpy (apt-get install python3-torch)"
else
	to=
	command -v timeout >/dev/null 2>&1 && to="timeout $TORCH_TIMEOUT"
	for t in $THREADS; do
		l0=$(load)
		ok=1
		for e in 1 "$EPOCHS"; do
			rm -f "$W/tj$e"
			if MNIST_DIR=$MNIST_DIR "$W/runstat" "$W/st" $to "$PYTHON" "$TORCH_REF" \
				--data mnist --normal 0 --gamma 0.2 --model ae --loss hetero --epochs "$e" \
				--seed 0 --threads "$t" --score-reps 3 --quiet --json "$W/tj$e" > /dev/null; then
				awk '{ print $1, $2 + $3, $4 }' "$W/st" > "$W/ts$e"
			else
				ok=0
				break
			fi
		done
		l1=$(load)
		if [ $ok = 0 ]; then
			printf "%-7s %2d  no result: the %s-epoch run failed or took over %s s; load %s-%s\n" \
			       pytorch "$t" "$e" "$TORCH_TIMEOUT" "$l0" "$l1" | tee -a "$W/table"
			continue
		fi
		"$PYTHON" -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
print(r["n_train"], r["epoch_s_median"], r["score_samples_per_s"])' "$W/tj$EPOCHS" > "$W/tr"
		paste "$W/tr" "$W/ts1" "$W/ts$EPOCHS" | awk -v t="$t" -v e="$EPOCHS" -v ftr="$conv_tr" \
		    -v pk="$core_peak" -v l0="$l0" -v l1="$l1" '{
			rows = $1; ep = $2; cp = ($8 - $5) / (e - 1); tr = rows / ep; gf = ftr * tr * 1e-9
			printf "%-7s %2d %9.0f %9.0f %8.3f %9.0f %8.1f %7.1f %5.1f%%  %s-%s\n", "pytorch", t,
			       tr, rows / cp, ep, $3, $9 / 1024, gf, 100 * gf / (pk * t), l0, l1 }' |
			tee -a "$W/table"
	done
	echo "adpipe / PyTorch:"
	awk '$1 == "adpipe" { a[$2] = $0 } $1 == "pytorch" && $3 + 0 > 0 { p[$2] = $0 }
	     END { for (t in a) if (t in p) { split(a[t], x, " +"); split(p[t], y, " +")
		printf "  threads %s: training %.1fx, per CPU-second %.1fx, scoring %.1fx, peak RSS %.3f of PyTorch'"'"'s\n",
		       t, x[3] / y[3], x[4] / y[4], x[6] / y[6], x[7] / y[7]; n++ }
	     if (!n) print "  no PyTorch figures to compare" }' "$W/table" | sort
fi
echo

# per-layer table: where a training step of the same network spends its time
echo "== per-layer time of one training step: conv:16-32-64+sigmoid, LeakyReLU 0.01, batch 100"
echo "   (tests/bench/layers.c: 200 iterations on random inputs, MSE gradient, Adam; ms per batch,"
echo "   mean and best of the iterations; GFLOP/s from the mean)"
for t in $THREADS; do
	echo "threads $t, load $(load):"
	"$W/layers" "$t" 200 || die "tests/bench/layers.c failed"
done
echo
echo "== the same step's GEMMs alone (tests/bench/gemms.c: best CPU time of 60 calls on operands"
echo "   in cache; what the products cost with nothing between them)"
for t in $THREADS; do
	echo "threads $t:"
	"$W/gemms" "$t" || die "tests/bench/gemms.c failed"
done
echo
echo "== the same step's im2col and col2im passes alone, 1 thread (tests/bench/passes.c: best of"
echo "   300 batches in the step's pieces; what the passes beside the products cost at best)"
"$W/passes" || die "tests/bench/passes.c failed"
echo
echo "== memory bandwidth of one core (tests/bench/peak.c bw: best of 5 measurements of about"
echo "   64 MB each, GB/s of bytes moved; a copy counts its read and its write)"
"$W/peak" bw || die "tests/bench/peak.c bw failed"
echo

# MLP AE: 121*128 + 128*64 + 64*32 + 32*64 + 64*128 + 128*121 multiply-adds
mlp_fw=$((2 * 51456)) mlp_tr=$((2 * (3 * 51456 - 15488)))
echo "== MLP AE mlp:128-64-32, LeakyReLU 0.2, hetero loss, batch 100, $EPOCHS epochs"
echo "   data: $ntab rows x 121 features, synthetic (fixed LCG), KDDCUP-sized rows"
header
adpipe adpipe "$W/tab.adv" "$ntab" "$mlp_tr" "$mlp_fw" -M ae -A mlp:128-64-32 -L hetero -B 100
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
