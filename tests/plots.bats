#!/usr/bin/env bats
# make -C examples plots after make demo: the demo's runs are drawn; one colour per
# loss in every figure.
setup() {
	load test_helper
	load gen_images
	EX="$TOP/examples"
}

@test "plots: one colour per loss, whatever its settings or model" {
	c() { PLOTS_COLOUR="$1" sh "$EX/plot/plots.sh"; }
	[ "$(c mse)" = "$(c mse+q0.5+t0.1)" ]
	[ "$(c mse)" = "$(c dsvdd-mse)" ]
	[ "$(c hetero)" = "$(c ae-hetero+q1+t1)" ]
	# five losses, five colours
	[ "$(for l in mse huber ga loe hetero; do c $l; done | sort -u | wc -l)" -eq 5 ]
	# the figures take the colours from the list, not gnuplot's order
	grep -q 'lc rgb c(i)' "$EX/plot/roc.gp"
	grep -q 'lc rgb c(i)' "$EX/plot/epochs.gp"
	grep -q 'lc rgb word(colours' "$EX/plot/fig3.gp"
	grep -q 'lc rgb word(colours' "$EX/plot/fig1b.gp"
}

@test "plots: the runs of make demo (traces with the eval AUROC, test scores) are drawn" {
	command -v gnuplot > /dev/null || skip "gnuplot is not installed (apt-get install gnuplot-nox)"
	demo="$TMP/out/demo"
	mkdir -p "$demo"
	gen_images 7 100 5 > "$TMP/train.adv"
	gen_images 11 60 3 > "$TMP/test.adv"
	for l in mse hetero; do
		ad-train -q -A mlp:8-4 -B 20 -n 3 -L $l -e "$TMP/test.adv" -g "$demo/$l.trace" \
			-o "$demo/$l.model" "$TMP/train.adv"
		ad-score "$demo/$l.model" "$TMP/test.adv" > "$demo/$l.test.scores"
	done
	run -0 env OUT="$TMP/out" DATASET=none sh "$EX/plot/plots.sh"
	grep -qx "plots: $TMP/out/plots/demo-epochs.png" <<< "$output"
	grep -qx "plots: $TMP/out/plots/demo-roc.png" <<< "$output"
	for p in demo-epochs demo-roc; do
		[ "$(head -c 4 "$TMP/out/plots/$p.png" | od -An -c | tr -d ' ')" = '211PNG' ]
	done
	# without the demo: skipped with a message
	rm -r "$demo"
	run -0 env OUT="$TMP/out" DATASET=none sh "$EX/plot/plots.sh"
	grep -q "plots: skipped demo-epochs.png: no traces with eval_auroc in $TMP/out/demo (make demo)" <<< "$output"
}
