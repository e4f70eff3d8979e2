#!/bin/sh
# run.sh OUT NAME: one training run of the examples, one result row.
#
# NAME is DATASET/MODEL_LOSS_gGAMMA_cCLASS_sSEED_eEPOCHS, e.g. mnist/ae_hetero_g0.2_c3_s1_e30.
# LOSS is a loss of ad-train(1) optionally followed by flag settings, each "+" a letter and
# a value: +qX (--q), +tX (--ts), +aX (--alpha-r), +cX (--c), +fX (--loe-ratio),
# +uN (--loe-warmup), +h (--loe-hard); e.g. mse+q0.5+t0.1 is the ablation's MSE(0.5, 0.1).
# The lock-in remedy (ad-train(1), LOCK-IN): +xSTAT (--reject-stat), +mN (--mse-warmup),
# e.g. hetero+xresid30+m2 (the same as hetero+xauto on pixel images); +xresidK is
# --reject-stat resid:K (a make target cannot hold the colon).  Without +x, hetero is the
# paper's Algorithm 1 (--reject-stat score), not ad-train's default for images.
# Adaptive rejection (ad-reject(1) "ADAPTIVE REJECTION"): the loss "aar" is hetero with
# --reject aar; +j adds --reject aar to another loss (mse+j); +wN (--aar-warmup),
# +kX (--aar-guard), +zX (--aar-tau).
#
# Reads the split OUT/data/DATASET/cCLASS-gGAMMA-sSEED-{train,val,test}.adv (made by the
# Makefile), trains, scores the test part and writes
#   OUT/runs/NAME.tsv      dataset model loss gamma class seed epochs auroc seconds
#   OUT/models/NAME.model, OUT/traces/NAME.tsv (ad-train --trace), OUT/scores/NAME.tsv
# The row file is written last, through a temporary file and a rename: it exists only for a
# finished run, so an interrupted sweep resumes with the runs that have no row.
#
# Settings from the environment (the Makefile sets them): THREADS (ad-train -T, default 1),
# LR, BATCH, ARCH, PRETRAIN (DSVDD), VAL (1: select on the val part), EVAL (1: test AUROC
# per epoch in the trace), TRAINFLAGS (more ad-train options).
set -eu
[ $# -eq 2 ] || { echo "usage: run.sh OUT DATASET/MODEL_LOSS_gG_cC_sS_eE" >&2; exit 2; }
out=$1 name=$2
ds=${name%%/*} base=${name#*/}
bad() { echo "run.sh: $name: $*" >&2; exit 2; }
[ "$ds" != "$name" ] && [ -n "$ds" ] || bad "no DATASET/ in the run name"

set -f
oifs=$IFS; IFS=_
# shellcheck disable=SC2086
set -- $base
IFS=$oifs
[ $# -eq 6 ] || bad "expected MODEL_LOSS_gG_cC_sS_eE"
model=$1 lspec=$2 g=${3#g} c=${4#c} s=${5#s} e=${6#e}
[ "g$g" = "$3" ] && [ "c$c" = "$4" ] && [ "s$s" = "$5" ] && [ "e$e" = "$6" ] ||
	bad "fields must be gGAMMA, cCLASS, sSEED, eEPOCHS"

# Loss spec: base+X...: translate to ad-train flags.
IFS=+
# shellcheck disable=SC2086
set -- $lspec
IFS=$oifs
loss=$1; shift
lflags=
for f in "$@"; do
	v=${f#?}
	case $f in
	q*) lflags="$lflags --q $v" ;;
	t*) lflags="$lflags --ts $v" ;;
	a*) lflags="$lflags --alpha-r $v" ;;
	c*) lflags="$lflags --c $v" ;;
	f*) lflags="$lflags --loe-ratio $v" ;;
	u*) lflags="$lflags --loe-warmup $v" ;;
	h) lflags="$lflags --loe-hard" ;;
	j) lflags="$lflags --reject aar" ;;
	w*) lflags="$lflags --aar-warmup $v" ;;
	k*) lflags="$lflags --aar-guard $v" ;;
	z*) lflags="$lflags --aar-tau $v" ;;
	xresid[0-9]*) lflags="$lflags --reject-stat resid:${v#resid}" ;;
	x*) lflags="$lflags --reject-stat $v" ;;
	m*) lflags="$lflags --mse-warmup $v" ;;
	*) bad "unknown loss setting '+$f' (q t a c f u h j w k z x m)" ;;
	esac
done

[ "$loss" = aar ] && loss=hetero lflags="--reject aar$lflags"
# The examples replicate the paper: hetero is its Algorithm 1 (ad-train -x score) unless the
# name asks for the lock-in remedy, ad-train's default on pixel images (+xauto, or +xresid30+m2).
case "$loss $lflags" in
"hetero "*--reject-stat*) ;;
"hetero "*) lflags="$lflags --reject-stat score" ;;
esac

data=$out/data/$ds/c$c-g$g-s$s
for p in train val test; do
	[ -f "$data-$p.adv" ] || bad "missing $data-$p.adv (make it with the examples Makefile)"
done
opts="-q -M $model -L $loss $lflags -n $e -s $s -T ${THREADS:-1}"
[ -n "${LR:-}" ] && opts="$opts -r $LR"
[ -n "${BATCH:-}" ] && opts="$opts -B $BATCH"
[ -n "${ARCH:-}" ] && opts="$opts -A $ARCH"
[ "$model" = dsvdd ] && opts="$opts -p ${PRETRAIN:-$e}"
[ "${VAL:-1}" = 1 ] && opts="$opts -y $data-val.adv"
[ "${EVAL:-1}" = 1 ] && opts="$opts -e $data-test.adv"
opts="$opts ${TRAINFLAGS:-}"

for d in runs models traces scores; do mkdir -p "$out/$d/$ds"; done
tmp=$(mktemp -d "$out/runs/$ds/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

now() { date +%s.%N 2>/dev/null | sed 's/\.N*$//; s/\.\(...\).*/.\1/'; }
t0=$(now)
# shellcheck disable=SC2086
ad-train $opts -g "$tmp/trace" -o "$tmp/model" "$data-train.adv"
ad-score -T "${THREADS:-1}" "$tmp/model" "$data-test.adv" > "$tmp/scores"
auc=$(ad-auroc "$tmp/scores")
t1=$(now)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ds" "$model" "$lspec" "$g" "$c" "$s" "$e" \
	"$auc" "$secs" > "$tmp/row"
mv "$tmp/model" "$out/models/$name.model"
mv "$tmp/trace" "$out/traces/$name.tsv"
mv "$tmp/scores" "$out/scores/$name.tsv"
mv "$tmp/row" "$out/runs/$name.tsv"
printf '%s\tAUROC %s\t%ss\n' "$name" "$auc" "$secs" >&2
