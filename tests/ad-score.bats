#!/usr/bin/env bats
# ad-score: streaming scores under a model file; model file checks.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 7 200 5 > "$D/train.adv"
	gen_images 11 60 3 > "$D/test.adv"
	PATH="$BATS_TEST_DIRNAME/../bin:$PATH"
	ad-train -q -A conv:4-8 -B 20 -r 0.01 -n 3 -o "$D/ae.model" "$D/train.adv"
	# untrained twins: the same weights, scores as the sum and the mean
	ad-train -q -A conv:4-8 -n 0 -S sum -o "$D/sum.model" "$D/train.adv"
	ad-train -q -A conv:4-8 -n 0 -S mean -o "$D/mean.model" "$D/train.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
}

@test "ad-score: -h, --help, -V" {
	run -0 --separate-stderr ad-score -h
	[[ "${lines[0]}" == "usage: ad-score [-iq] [-B rows] [-T threads] [-c contamination | -r rate |" ]]
	run -0 ad-score --help
	[[ "${lines[0]}" == "usage: ad-score "* ]]
	run -0 ad-score -V
	[[ "$output" == "ad-score (adpipe) "* ]]
}

@test "ad-score: usage errors exit 2" {
	run -2 --separate-stderr ad-score
	[ "${stderr_lines[0]}" = "ad-score: no model file given" ]
	run -2 --separate-stderr ad-score -B 0 "$D/ae.model"
	[[ "${stderr_lines[0]}" == "ad-score: -B: bad value '0'"* ]]
	run -2 --separate-stderr ad-score -z "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: unknown option or missing argument: -z" ]
	run -2 --separate-stderr ad-score a b c
	[ "${stderr_lines[0]}" = "ad-score: too many operands" ]
	# -T goes as far as the worker pool does (64), no further
	run -2 --separate-stderr ad-score -T 65 "$D/ae.model"
	[ "${stderr_lines[0]}" = "ad-score: -T: bad value '65' (expected an integer from 1 to 64)" ]
	run -2 --separate-stderr ad-train -T 65 -o "$TMP/x.model" "$D/test.adv"
	[ "${stderr_lines[0]}" = "ad-train: -T: bad value '65' (expected an integer from 1 to 64)" ]
}

@test "ad-score: one row per input row, header, labels kept, finite scores" {
	run -0 --separate-stderr ad-score "$D/ae.model" "$D/test.adv"
	[ "${lines[0]}" = "#label	score" ]
	[ "${#lines[@]}" -eq 61 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | cut -f 1 | tr -d '\n')" = "$(grep -v '^#' "$D/test.adv" | cut -f 1 | tr -d '\n')" ]
	printf '%s\n' "${lines[@]:1}" | awk -F '\t' 'NF != 2 || !($2 >= 0) { exit 1 }'
	[ -z "$stderr" ]
}

@test "ad-score: the same scores every run, any block size, threads, stdin, binary input" {
	ad-score "$D/ae.model" "$D/test.adv" > "$TMP/a"
	ad-score "$D/ae.model" < "$D/test.adv" > "$TMP/b"
	ad-score -B 1 -T 1 "$D/ae.model" "$D/test.adv" > "$TMP/c"
	ad-score -B 7 -T 2 "$D/ae.model" - < "$D/test.adv" > "$TMP/d"
	cmp "$TMP/a" "$TMP/b"
	cmp "$TMP/a" "$TMP/c"
	cmp "$TMP/a" "$TMP/d"
	if command -v ad-load >/dev/null && ad-load -h 2>/dev/null | grep -q -- ' -b'; then
		ad-load -b "$D/test.adv" > "$TMP/test.bin" 2>/dev/null && {
			ad-score "$D/ae.model" "$TMP/test.bin" > "$TMP/e"
			cmp "$TMP/a" "$TMP/e"
		}
	fi
}

@test "ad-score: --score mean is the sum divided by the dimension" {
	ad-score "$D/sum.model" "$D/test.adv" > "$TMP/s"
	ad-score "$D/mean.model" "$D/test.adv" > "$TMP/m"
	paste "$TMP/s" "$TMP/m" | awk -F '\t' '!/^#/ { d = $2 / 64 - $4; if (d > 1e-12 * $4 || d < -1e-12 * $4) exit 1; n++ } END { exit n != 60 }'
}

@test "ad-score: dimension mismatch and bad input are clear errors" {
	printf '#adv 1 dim=3\n0\t1\t2\t3\n' > "$TMP/d3"
	run -1 --separate-stderr ad-score "$D/ae.model" "$TMP/d3"
	[ "$stderr" = "ad-score: $TMP/d3: dimension 3, the model $D/ae.model expects 64" ]
	[ -z "$output" ]
	printf '#adv 1 dim=64 shape=1x8x8\n0\tnan' > "$TMP/bad"
	run -1 --separate-stderr ad-score "$D/ae.model" "$TMP/bad"
	[[ "$stderr" == "ad-score: $TMP/bad:2: "* ]]
	run -1 --separate-stderr ad-score "$D/ae.model" /dev/null
	[[ "$stderr" == "ad-score: /dev/null: "* ]]
}

@test "ad-score: damaged model files are refused, saying what failed" {
	m="$D/ae.model"
	run -1 --separate-stderr ad-score "$TMP/none" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/none: No such file or directory" ]
	run -1 --separate-stderr ad-score "$D/test.adv" "$D/test.adv"
	[ "$stderr" = "ad-score: $D/test.adv: bad magic (not an adpipe model file)" ]
	head -c 200 "$m" > "$TMP/trunc"
	run -1 --separate-stderr ad-score "$TMP/trunc" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/trunc: CRC-32 mismatch (file damaged or truncated)" ]
	head -c 6 "$m" > "$TMP/tiny"
	run -1 --separate-stderr ad-score "$TMP/tiny" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/tiny: truncated (6 bytes)" ]
	# one flipped bit in a weight
	cp "$m" "$TMP/flip"
	n=$(wc -c < "$m")
	printf '\001' | dd of="$TMP/flip" bs=1 seek=$((n - 100)) conv=notrunc 2>/dev/null
	run -1 --separate-stderr ad-score "$TMP/flip" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/flip: CRC-32 mismatch (file damaged or truncated)" ]
	# format version 9
	cp "$m" "$TMP/ver"
	printf '\011' | dd of="$TMP/ver" bs=1 seek=4 conv=notrunc 2>/dev/null
	run -1 --separate-stderr ad-score "$TMP/ver" "$D/test.adv"
	[ "$stderr" = "ad-score: $TMP/ver: unsupported format version 9 (expected 1 to 3)" ]
	[ -z "$output" ]
}

@test "ad-score: a closed pipe ends quietly, a full disk loudly" {
	for i in 1 2 3 4 5 6 7 8; do cat "$D/test.adv"; done > "$TMP/big"
	run -0 --separate-stderr bash -c "ad-score '$D/ae.model' '$TMP/big' | head -1"
	[ "$output" = "#label	score" ]
	[ -z "$stderr" ]
	run -1 --separate-stderr bash -c "ad-score '$D/ae.model' '$D/test.adv' > /dev/full"
	[[ "$stderr" == "ad-score: write error"* ]]
}
