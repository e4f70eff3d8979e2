#!/usr/bin/env bats
# ad-info: what a model file holds, as key<TAB>value lines.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 3 40 4 > "$D/train.adv"
	gen_images 5 20 4 > "$D/val.adv"
	PATH="$BATS_TEST_DIRNAME/../bin:$PATH"
	ad-train -q -A mlp:8-4 -B 10 -r 0.01 -n 3 -L hetero -y "$D/val.adv" -o "$D/ae.model" "$D/train.adv"
	ad-train -q -M memae -A mlp:8-4 -N 7 -B 10 -n 1 -L mse -o "$D/mem.model" "$D/train.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
}

val() { awk -F '\t' -v k="$2" '$1 == k { print $2; n++ } END { exit n != 1 }' <<< "$1"; }

@test "ad-info: -h, --help, -V, usage errors" {
	run -0 ad-info -h
	[ "${lines[0]}" = "usage: ad-info [-d | -w] [-c contamination] model" ]
	run -0 ad-info --help
	[ "${lines[0]}" = "usage: ad-info [-d | -w] [-c contamination] model" ]
	run -0 ad-info -V
	[[ "$output" == "ad-info (adpipe) "* ]]
	run -2 --separate-stderr ad-info
	[ "${stderr_lines[0]}" = "ad-info: no model file given" ]
	run -2 --separate-stderr ad-info a b
	[ "${stderr_lines[0]}" = "ad-info: too many operands" ]
	run -2 --separate-stderr ad-info -x a
	[ "${stderr_lines[0]}" = "ad-info: unknown option or missing argument: -x" ]
	run -2 --separate-stderr ad-info -d -c 0.1 a
	[ "${stderr_lines[0]}" = "ad-info: -c and -d or -w exclude each other" ]
	run -2 --separate-stderr ad-info -d -w a
	[ "${stderr_lines[0]}" = "ad-info: -d and -w exclude each other" ]
}

@test "ad-info: kind, architecture, parameter count, settings, selection, fingerprint" {
	run -0 --separate-stderr ad-info "$D/ae.model"
	[ -z "$stderr" ]
	[ "$(val "$output" kind)" = ae ]
	[ "$(val "$output" arch)" = mlp:8-4 ]
	[ "$(val "$output" input)" = 1x8x8 ]
	[ "$(val "$output" format)" = 3 ]
	# Linear 64-8, BN 8, Linear 8-4, BN 4, Linear 4-8, BN 8, Linear 8-64 (weights and
	# biases, BN scale and shift); the BN running means and variances are state
	[ "$(val "$output" parameters)" = $(( 64*8+8 + 16 + 8*4+4 + 8 + 4*8+8 + 16 + 8*64+64 )) ]
	[ "$(val "$output" state)" = $(( 2*8 + 2*4 + 2*8 )) ]
	[ "$(val "$output" loss)" = hetero ]
	[ "$(val "$output" epochs)" = 3 ]
	[ "$(val "$output" q)" = 0.5 ]
	be=$(val "$output" best_epoch)
	[ "$be" -ge 1 ] && [ "$be" -le 3 ]
	val "$output" val_loss | grep -Eq '^[0-9.e+-]+$'
	[ "$(val "$output" training_rows)" = 40 ]
	[ "$(val "$output" training_anomalies)" = 10 ]
	# the fingerprint: the CRC-32 a checkpoint of the same data records
	ad-train -q -A mlp:8-4 -B 10 -n 1 -C "$TMP/ck" -o "$TMP/m" "$D/train.adv"
	crc=$(LC_ALL=C grep -ao 'data_crc=[0-9a-f]*' "$TMP/ck" | cut -d= -f2)
	[ -n "$crc" ]
	[ "$(val "$output" data_crc)" = "$crc" ]
	# another data set, another fingerprint
	[ "$(val "$(ad-info "$TMP/m")" data_crc)" = "$crc" ]
	ad-train -q -A mlp:8-4 -B 10 -n 1 -o "$TMP/m2" "$D/val.adv"
	[ "$(val "$(ad-info "$TMP/m2")" data_crc)" != "$crc" ]
}

@test "ad-info: thresholds are those ad-score -c uses; -c adds one; MemAE settings" {
	run -0 ad-info -c 0.3 "$D/ae.model"
	for c in 0.01 0.05 0.1 0.3; do
		t=$(ad-score -c $c "$D/ae.model" "$D/train.adv" 2>&1 >/dev/null | sed 's/^ad-score: threshold \([^ ]*\) .*/\1/')
		[ "$(val "$output" threshold_c$c)" = "$t" ]
	done
	[ "$(val "$output" score_min)" = "$(ad-score "$D/ae.model" "$D/train.adv" | grep -v '^#' | cut -f 2 | sort -g | head -1)" ]
	[ "$(val "$output" score_max)" = "$(ad-score "$D/ae.model" "$D/train.adv" | grep -v '^#' | cut -f 2 | sort -g | tail -1)" ]
	run -0 ad-info "$D/mem.model"
	[ "$(val "$output" kind)" = memae ]
	[ "$(val "$output" mem_slots)" = 7 ]
	[ "$(val "$output" loss)" = mse ]
}

@test "ad-info: damaged or foreign files are refused, naming the check" {
	run -1 --separate-stderr ad-info "$D/train.adv"
	[ "$stderr" = "ad-info: $D/train.adv: bad magic (not an adpipe model file)" ]
	head -c 100 "$D/ae.model" > "$TMP/t"
	run -1 --separate-stderr ad-info "$TMP/t"
	[ "$stderr" = "ad-info: $TMP/t: CRC-32 mismatch (file damaged or truncated)" ]
	run -1 --separate-stderr ad-info -d "$FIX/model-v1/v1.model"
	[ "$stderr" = "ad-info: $FIX/model-v1/v1.model: no training score distribution (format 1)" ]
	[ -z "$output" ]
}
