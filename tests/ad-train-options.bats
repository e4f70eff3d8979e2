#!/usr/bin/env bats
# ad-train: the options interact as ad-train(1) documents.  A default is the
# value the help text prints, whatever other options are given: a model trained
# with an option left out is byte for byte the one trained with the default
# written out.  Small MLP and conv models, one thread: a few hundred ms each.
setup_file() {
	load gen_images
	D="$BATS_FILE_TMPDIR"
	gen_images 7 120 5 > "$D/train.adv"
}
setup() {
	load test_helper
	D="$BATS_FILE_TMPDIR"
	T=(-q -T 1 -B 20 -r 0.01 -n 2)
}

# train NAME ARGS...: a model file $TMP/NAME from the shared training set
train() {
	local name=$1
	shift
	ad-train "${T[@]}" "$@" -o "$TMP/$name" "$D/train.adv"
}

# the default of option $1 as the help text prints it: "[100]" -> 100
help_default() {
	ad-train -h | awk -v o="  $1, " 'index($0, o) == 1 {
		if (match($0, /\[[^]]*\]$/)) print substr($0, RSTART + 1, RLENGTH - 2) }'
}

@test "ad-train options: MemAE shrinkage defaults to 1/N of the slots in use" {
	# -N 20 alone must train with shrink 1/20 = 0.05, as -k 0.05 does
	train n20 -M memae -A conv:4-8 -N 20
	train n20k -M memae -A conv:4-8 -N 20 -k 0.05
	cmp "$TMP/n20" "$TMP/n20k"
	train n20k01 -M memae -A conv:4-8 -N 20 -k 0.01
	run -1 cmp -s "$TMP/n20" "$TMP/n20k01"
	# and without -N it is 1/100, the default of -N in the help text
	[ "$(help_default -N)" = 100 ]
	[ "$(help_default -k)" = 1/slots ]
	train def -M memae -A conv:4-8
	train n100k -M memae -A conv:4-8 -N 100 -k 0.01
	cmp "$TMP/def" "$TMP/n100k"
}

@test "ad-train options: the defaults of the help text are the defaults used" {
	local n B r w s l Z
	n=$(help_default -n) B=$(help_default -B) r=$(help_default -r) w=$(help_default -w)
	s=$(help_default -s) Z=$(help_default -Z)
	[ "$n" = 30 ] && [ "$B" = 100 ] && [ "$s" = 1 ]
	T=(-q -T 1)
	train a -A mlp:16-8 -n 3
	train b -A mlp:16-8 -n 3 -B "$B" -r "$r" -w "$w" -s "$s" -M ae -L hetero -S sum \
		-Q 0.5 -t 0.1 -a 1.5 -c 0.70710678118654752 -l 0.2
	cmp "$TMP/a" "$TMP/b"
	train c -M memae -A mlp:16-8 -n 1
	train d -M memae -A mlp:16-8 -n 1 -Z "$Z"
	cmp "$TMP/c" "$TMP/d"
	# the slope default depends on the model: 0.01 for DSVDD
	[[ "$(help_default -l)" == "0.2; DSVDD 0.01" ]]
	train e -M dsvdd -A mlp:16-8 -p 1 -n 1
	train f -M dsvdd -A mlp:16-8 -p 1 -n 1 -l 0.01
	cmp "$TMP/e" "$TMP/f"
	# the pretraining default is the help text's
	[ "$(help_default -p)" = 150 ]
}

@test "ad-train options: the rejection defaults follow the loss, in any option order" {
	# hetero: q 0.5, ts 0.1; mse: q 1, ts 1 (nothing rejected)
	train h -A mlp:16-8
	train h2 -A mlp:16-8 -Q 0.5 -t 0.1
	cmp "$TMP/h" "$TMP/h2"
	train m -A mlp:16-8 -L mse
	train m2 -A mlp:16-8 -Q 1 -t 1 -L mse
	cmp "$TMP/m" "$TMP/m2"
	# an option given before -L still applies to the loss chosen after it
	train mq -A mlp:16-8 -Q 0.7 -L mse
	train mq2 -A mlp:16-8 -L mse -Q 0.7
	cmp "$TMP/mq" "$TMP/mq2"
	run -1 cmp -s "$TMP/m" "$TMP/mq"
}

@test "ad-train options: a model or loss option is refused where it does not apply, whatever its value" {
	# the value given does not matter, the default value included
	run -2 --separate-stderr ad-train -M ae -p 150 -o m
	[ "${stderr_lines[0]}" = "ad-train: -p and -d apply to the dsvdd model only" ]
	run -2 --separate-stderr ad-train -M ae -p 149 -o m
	[ "${stderr_lines[0]}" = "ad-train: -p and -d apply to the dsvdd model only" ]
	run -2 --separate-stderr ad-train -L mse -a -1 -o m
	[ "${stderr_lines[0]}" = "ad-train: -a (--alpha-r) applies to the hetero loss only" ]
	run -2 --separate-stderr ad-train -L hetero -U 2 -o m
	[ "${stderr_lines[0]}" = "ad-train: -F, -U and -H apply to the loe loss only" ]
	run -2 --separate-stderr ad-train -M dsvdd -N 100 -o m
	[ "${stderr_lines[0]}" = "ad-train: -N, -k and -Z apply to the memae model only" ]
	run -2 --separate-stderr ad-train -L loe -t 1 -o m
	[ "${stderr_lines[0]}" = "ad-train: -Q and -t do not apply to the loe loss" ]
}
