#!/usr/bin/env bats
# ad-train progress: one line per epoch when stderr is not a terminal, a line
# with the elapsed time and an ETA on a terminal, a summary at the end; -q
# silences all of it.
setup_file() {
	load gen_images
	gen_images 3 40 4 > "$BATS_FILE_TMPDIR/t.adv"
	gen_images 5 20 4 > "$BATS_FILE_TMPDIR/v.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
}

@test "progress: one line per epoch off a terminal, the loss of the trace, a summary" {
	run -0 --separate-stderr ad-train -A mlp:8-4 -B 10 -n 3 -g "$TMP/tr.tsv" -o "$TMP/m" "$D/t.adv"
	[ "${#stderr_lines[@]}" -eq 4 ]
	for e in 1 2 3; do
		[[ "${stderr_lines[e - 1]}" =~ ^ad-train:\ epoch\ $e/3\ loss\ [0-9.e+-]+\ \([0-9]+:[0-9][0-9]\ elapsed\)$ ]]
		got=$(sed 's/.* loss \([^ ]*\) .*/\1/' <<< "${stderr_lines[e - 1]}")
		# the trace's loss column of that epoch
		want=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "loss") c = i; next } $1 == e { print $c }' e=$e "$TMP/tr.tsv")
		awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 1e-5 * b && d >= -1e-5 * b) }'
	done
	[[ "${stderr_lines[3]}" =~ ^ad-train:\ 3\ epochs\ in\ [0-9.]+\ s\ \([0-9]+\ samples/s\)\;\ kept\ the\ last\ epoch,\ training\ loss\ ([0-9.e+-]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "$(sed 's/.* loss \([^ ]*\) .*/\1/' <<< "${stderr_lines[2]}")" ]
}

@test "progress: with a validation set, the val loss per epoch and the kept epoch" {
	run -0 --separate-stderr ad-train -A mlp:8-4 -B 10 -r 0.01 -n 4 -y "$D/v.adv" -o "$TMP/m" "$D/t.adv"
	[ "${#stderr_lines[@]}" -eq 5 ]
	# the kept epoch is the one of the lowest val loss (the first on a tie)
	best=$(printf '%s\n' "${stderr_lines[@]:0:4}" | sed 's/.*epoch \([0-9]*\)\/4 .* val \([^ ]*\) .*/\1 \2/' |
		awk 'NR == 1 || $2 < v { e = $1; v = $2 } END { print e, v }')
	[[ "${stderr_lines[4]}" == *"; kept epoch ${best% *}, validation loss ${best#* }" ]]
	# the model file says the same
	ad-info "$TMP/m" | grep -qx "best_epoch	${best% *}"
}

@test "progress: -q silences progress and summary" {
	run -0 --separate-stderr ad-train -q -A mlp:8-4 -B 10 -n 2 -o "$TMP/m" "$D/t.adv"
	[ -z "$stderr" ]
}

@test "progress: on a terminal a line rewritten per batch with an ETA" {
	command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
	script -qec "ad-train -A mlp:8-4 -B 10 -n 2 -o '$TMP/m' '$D/t.adv'" /dev/null > "$TMP/tty" < /dev/null
	tr '\r' '\n' < "$TMP/tty" | grep -Eq '^epoch 2/2 batch 4/4 loss [0-9.e+-]+  [0-9]+:[0-9]{2} elapsed, ETA [0-9]+:[0-9]{2} '
	tr '\r' '\n' < "$TMP/tty" | grep -Eq '^epoch 1/2 batch 1/4 loss '
	grep -q 'ad-train: 2 epochs in ' "$TMP/tty"
	# one line per epoch form is not used on a terminal
	! grep -q '^ad-train: epoch ' "$TMP/tty"
}
