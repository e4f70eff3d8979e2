# Test data for ad-train and ad-score: small 1x8x8 images, generated in a few ms; and the
# tiny tabular set of the examples tests.
# gen_images SEED N EVERY: N rows of 1x8x8 images in [0,1]; every EVERY-th row (EVERY > 0) is an
# anomaly (uniform noise, label 1), the others blobs (label 0).  Park-Miller LCG:
# exact in double arithmetic, so every awk gives the same rows.
gen_images() {
	awk -v x="$1" -v n="$2" -v every="$3" '
	function r() { x = (x * 16807) % 2147483647; return x / 2147483647 }
	BEGIN {
		print "#adv 1 dim=64 shape=1x8x8"
		for (i = 1; i <= n; i++) {
			a = every > 0 && i % every == 0
			cy = 2 + 3 * r(); cx = 2 + 3 * r(); s = 1.5 + r()
			line = a
			for (h = 0; h < 8; h++) for (w = 0; w < 8; w++) {
				v = a ? r() : exp(-((h - cy) ^ 2 + (w - cx) ^ 2) / (2 * s))
				line = line sprintf("\t%.4f", v)
			}
			print line
		}
	}'
}

# gen_tiny N: N rows of 6 values, every fifth one class 1 (shifted by 2 in the odd features),
# the data set "tiny" of the examples tests (tabular protocol: each run takes milliseconds).
gen_tiny() {
	awk -v n="$1" 'BEGIN { srand(7); print "#adv 1 dim=6"
		for (i = 0; i < n; i++) { c = (i % 5 == 0); printf "%d", c
			for (j = 0; j < 6; j++) printf "\t%.4f", rand() + rand() - 1 + 2 * c * (j % 2)
			printf "\n" } }'
}

# gen_pixels SEED N EVERY: gen_images rounded to k/255 (at most 256 distinct values), as
# ad-load -S 255 gives pixels: what ad-train holds in the compact form and calls pixels.
gen_pixels() {
	gen_images "$@" | awk -F '\t' -v OFS='\t' '/^#/ { print; next }
		{ for (i = 2; i <= NF; i++) $i = sprintf("%.9g", int($i * 255 + 0.5) / 255); print }'
}
