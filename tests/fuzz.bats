# The fuzz targets' seed corpus and regression inputs (tests/fuzz/), run once each
# through the plain build of every target (build/fuzz/fuzz_NAME, made by make check).
setup() { load test_helper; }

@test "fuzz regression: every seed and regression input is handled without a crash" {
	n=0
	for src in "$TOP"/tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		name=${name#fuzz_}
		drv="$TOP/build/fuzz/fuzz_$name"
		[ -x "$drv" ] || { echo "$drv: not built (make fuzz-drivers)"; return 1; }
		run -0 --separate-stderr "$drv" "$TOP/tests/fuzz/corpus/$name" "$TOP/tests/fuzz/regress/$name"
		[ -z "$stderr" ] || { echo "$name: $stderr"; return 1; }
		case $output in "fuzz_$name: "[1-9]*" inputs") ;; *) echo "$name: $output"; return 1 ;; esac
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}
