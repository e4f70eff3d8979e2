#!/bin/sh
# split.sh OUT DATASET/cCLASS-gGAMMA-sSEED PROTOCOL: the train, val and test parts of one
# one-vs-rest split, from OUT/load/DATASET/train.adv (and test.adv for images).
#
# PROTOCOL image (the paper's section 5.1: training normals twice the test normals),
# image-all, entire (Appendix E) or natural: ad-split -P PROTOCOL with the data set's own
# test stream; pixels are already in [0, 1] (ad-load -S 255).  IMAGE_SCALE, if set, are
# ad-scale(1) options (e.g. "-c l1 -g": contrast normalisation and one min-max over all
# pixels, the Deep SVDD preprocessing) fitted on the training part and applied to all three.  tabular: ad-split -P tabular on the single file, then
# z-scoring with the statistics of the training part (ad-scale -z), applied to val and test.
# Every part is written to a temporary file and renamed, train last; concurrent runs of the
# same split (make -j, cluster nodes sharing the directory) write identical files.
set -eu
[ $# -eq 3 ] || { echo "usage: split.sh OUT DATASET/cCLASS-gGAMMA-sSEED PROTOCOL" >&2; exit 2; }
out=$1 stem=$2 proto=$3
ds=${stem%%/*} base=${stem#*/}
c=${base%%-*}; rest=${base#*-}; g=${rest%%-*}; s=${rest#*-}
c=${c#c} g=${g#g} s=${s#s}
dir=$out/data/$ds
all=$out/load/$ds
pre=$dir/$base
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
case $proto in
image|image-all|entire|natural)
	gflag="-g $g"
	[ "$proto" = natural ] && gflag=
	for p in val test train; do
		# shellcheck disable=SC2086
		ad-split -b -P "$proto" -k "$c" $gflag -s "$s" -p $p -t "$all/test.adv" \
			"$all/train.adv" > "$tmp/$p"
	done
	if [ -n "${IMAGE_SCALE:-}" ]; then
		# shellcheck disable=SC2086
		ad-scale $IMAGE_SCALE -b -o "$tmp/stats" "$tmp/train" > "$tmp/train.n"
		for p in val test; do
			ad-scale -b -m "$tmp/stats" "$tmp/$p" > "$tmp/$p.n"
		done
		for p in val test train; do mv "$tmp/$p.n" "$tmp/$p"; done
		mv "$tmp/stats" "$pre.stats"
	fi
	;;
tabular)
	for p in train val test; do
		ad-split -b -P tabular -k "$c" -g "$g" -s "$s" -p $p "$all/train.adv" > "$tmp/raw"
		if [ $p = train ]; then
			ad-scale -b -z -o "$tmp/stats" "$tmp/raw" > "$tmp/$p"
		else
			ad-scale -b -m "$tmp/stats" "$tmp/raw" > "$tmp/$p"
		fi
	done
	mv "$tmp/stats" "$pre.stats"
	;;
*)
	echo "split.sh: unknown protocol '$proto' (image, image-all, entire, natural, tabular)" >&2
	exit 2 ;;
esac
mv "$tmp/val" "$pre-val.adv"
mv "$tmp/test" "$pre-test.adv"
mv "$tmp/train" "$pre-train.adv"
