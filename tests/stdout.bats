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

@test "ad-train -g -: the trace on standard output, as the trace file; never mixed with -o -" {
	gen_images 3 40 4 > "$TMP/t.adv"
	cd "$TMP"
	ad-train -q -A mlp:8-4 -B 10 -n 3 -g trace.tsv -o m.model t.adv
	run -0 --separate-stderr ad-train -q -A mlp:8-4 -B 10 -n 3 -g - -o m2.model t.adv
	[ -z "$stderr" ]
	[ "${lines[0]:0:13}" = "#epoch	phase	" ]
	[ "${#lines[@]}" -eq 4 ]
	# the same trace, the same model (no file named '-')
	printf '%s\n' "${lines[@]}" | cmp - trace.tsv
	cmp m.model m2.model
	[ ! -e ./- ]
	# a line per epoch as it ends: the first one reaches a reader before the end
	ad-train -q -A mlp:8-4 -B 10 -n 3 -g - -o m3.model t.adv | head -2 > head.tsv
	[ "$(wc -l < head.tsv)" -eq 2 ]
	# resuming: the header again (standard output is a new stream), then the epochs left
	ad-train -q -A mlp:8-4 -B 10 -n 2 -C ck -o m4.model t.adv
	run -0 --separate-stderr ad-train -q -A mlp:8-4 -B 10 -n 3 -R ck -g - -o m5.model t.adv
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$(head -1 trace.tsv)" ]
	[ "${lines[1]%%	*}" = 3 ]
	cmp m5.model m.model
	# the model and the trace both on standard output: refused before any work
	run -2 --separate-stderr ad-train -q -A mlp:8-4 -B 10 -n 1 -g - -o - t.adv
	[ "${stderr_lines[0]}" = "ad-train: -g - and -o - would both write to standard output: give one of them a file" ]
	[ -z "$output" ]
	# standard output redirected onto the training data: refused, the data intact
	cp t.adv t2.adv
	run -1 --separate-stderr bash -c 'ad-train -q -A mlp:8-4 -B 10 -n 1 -g - -o m6.model t2.adv >> t2.adv'
	[ "$stderr" = "ad-train: the standard output: is the same file as the input t2.adv: refusing to overwrite it" ]
	cmp t.adv t2.adv
}
