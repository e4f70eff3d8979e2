#!/usr/bin/env bats
# One meaning per letter: the rejection flags -Q (quantile), -t (t_s), -a (alpha_r)
# in ad-train, ad-reject and ad-zscore, with the same long names; -q is quiet.
setup() {
	load test_helper
	printf '#label\tscore\n0\t1\n0\t2\n1\t9\n0\t3\n1\t7\n0\t2.5\n' > "$TMP/s.tsv"
}

@test "flags: ad-reject -Q/-t and --quantile/--q/--ts give the same weights" {
	ad-reject -Q 0.25 -t 0.3 "$TMP/s.tsv" > "$TMP/a"
	# w: 0.3 above the 0.25-quantile (type 7: 2 + 0.25 * (2.5 - 2) = 2.125)
	[ "$(grep -v '^#' "$TMP/a" | cut -f 3 | tr '\n' ' ')" = "1 1 0.3 0.3 0.3 0.3 " ]
	ad-reject --quantile 0.25 --ts 0.3 "$TMP/s.tsv" | cmp - "$TMP/a"
	ad-reject --q=0.25 --ts=0.3 "$TMP/s.tsv" | cmp - "$TMP/a"
}

@test "flags: the old ad-reject -q says what to use; ad-train -q takes no value" {
	run -2 --separate-stderr ad-reject -q 0.5 "$TMP/s.tsv"
	[ "${stderr_lines[0]}" = "ad-reject: -q: the quantile is -Q (or --quantile): one letter, one meaning in every tool, and -q is quiet in ad-train" ]
	[ -z "$output" ]
	load gen_images
	gen_images 3 20 4 > "$TMP/t.adv"
	run -2 --separate-stderr ad-train -L mse -q 0.5 -o "$TMP/m" "$TMP/t.adv"
	[ "${stderr_lines[0]}" = "ad-train: -q is quiet and takes no value ('0.5'): the rejection quantile is -Q (--quantile)" ]
	[ ! -e "$TMP/m" ]
}

@test "flags: ad-train --quantile is -Q; ad-zscore --alpha-r is -a" {
	load gen_images
	gen_images 3 40 4 > "$TMP/t.adv"
	ad-train -q -A mlp:8-4 -B 10 -n 1 -L mse -Q 0.5 -t 0.1 -o "$TMP/a.model" "$TMP/t.adv"
	ad-train -q -A mlp:8-4 -B 10 -n 1 -L mse --quantile 0.5 --ts 0.1 -o "$TMP/b.model" "$TMP/t.adv"
	cmp "$TMP/a.model" "$TMP/b.model"
	ad-zscore -a 1 -z 2 "$TMP/s.tsv" > "$TMP/z1"
	ad-zscore --alpha-r 1 --floor 2 "$TMP/s.tsv" | cmp - "$TMP/z1"
	# and it changes something
	! ad-zscore "$TMP/s.tsv" | cmp -s - "$TMP/z1"
}
