#!/usr/bin/env bats
# '-' as an output file is standard output.
setup() {
	load test_helper
	load gen_images
}

@test "ad-scale -o -: the statistics on standard output, no rows" {
	printf '#adv 1 dim=2\n0\t1\t5\n1\t3\t5\n0\t2\t8\n' > "$TMP/a.adv"
	ad-scale -z -o "$TMP/st" "$TMP/a.adv" > /dev/null
	run -0 --separate-stderr ad-scale -z -o - "$TMP/a.adv"
	[ "$output" = "$(cat "$TMP/st")" ]
	[ -z "$stderr" ]
	[ ! -e ./- ] && [ ! -e "$TMP/-" ]
	# and it applies
	ad-scale -z -o - "$TMP/a.adv" > "$TMP/st2"
	ad-scale -m "$TMP/st2" "$TMP/a.adv" | cmp - <(ad-scale -z "$TMP/a.adv")
}

@test "ad-train -o -: the model file on standard output, byte for byte" {
	gen_images 3 40 4 > "$TMP/t.adv"
	cd "$TMP"
	ad-train -q -A mlp:8-4 -B 10 -n 1 -o m.model t.adv
	ad-train -q -A mlp:8-4 -B 10 -n 1 -o - t.adv > m2.model
	cmp m.model m2.model
	[ ! -e ./- ]
	ad-score m2.model t.adv | cmp - <(ad-score m.model t.adv)
}
