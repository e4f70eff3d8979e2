# Faults: a full disk, a closed pipe, an input that ends in mid-record, a
# directory as input, absurd header values.  Every tool must fail loudly with one
# clear line (exit 1) or end quietly on a closed pipe, never crash or hang.
setup() {
	load test_helper
	# 20000 rows: far more than a pipe buffer holds, so `| head -1` closes the
	# pipe while the tool is still writing.
	awk 'BEGIN { print "#adv 1 dim=4"
		for (i = 0; i < 20000; i++)
			printf "%d\t%d\t%.3f\t%d\t%d\n", i % 10, i % 7, i / 3, -i, (i * i) % 11 }' \
		> "$TMP/vec.adv"
	awk 'BEGIN { print "#label\tscore"
		for (i = 0; i < 20000; i++)
			printf "%d\t%g\n", (i % 13 == 0), (i * 7919) % 1000 / 10 }' > "$TMP/sc.tsv"
	awk -F'\t' 'NR > 1 { print $1 "," $2 "," $3 }' "$TMP/vec.adv" > "$TMP/v.csv"
}

# Each tool's normal uses, one per line: the command and its input file.
uses() {
	cat <<-EOF
	ad-load $TMP/vec.adv
	ad-load -b $TMP/vec.adv
	ad-load -f csv -c 1 $TMP/v.csv
	ad-scale $TMP/vec.adv
	ad-scale -z -b $TMP/vec.adv
	ad-split -k 1 -p train $TMP/vec.adv
	ad-split -k 1 -p test -b $TMP/vec.adv
	ad-zscore $TMP/sc.tsv
	ad-reject $TMP/sc.tsv
	ad-auroc $TMP/sc.tsv
	ad-auroc -r $TMP/sc.tsv
	ad-auroc -p $TMP/sc.tsv
	EOF
}

@test "faults: writing to a full disk (/dev/full) fails loudly, exit 1, for every tool" {
	while read -r cmd; do
		tool=${cmd%% *}
		run -1 --separate-stderr sh -c "$cmd > /dev/full"
		[ "$stderr" = "$tool: write error: No space left on device" ] ||
			{ echo "$cmd: '$stderr'"; return 1; }
		[ -z "$output" ]
	done < <(uses)
}

@test "faults: the statistics file of ad-scale -o on a full disk fails loudly" {
	run -1 --separate-stderr sh -c "ad-scale -o /dev/full '$TMP/vec.adv' > /dev/null"
	[ "$stderr" = "ad-scale: /dev/full: write error: No space left on device" ]
}

@test "faults: a closed pipe (| head -1) ends quietly: no message, killed by SIGPIPE or exit 0" {
	while read -r cmd; do
		run -0 bash -c "$cmd 2> '$TMP/err' | head -1 > '$TMP/first'; echo \${PIPESTATUS[0]}"
		case $output in 0|141) ;; *) echo "$cmd: exit $output"; return 1 ;; esac
		[ ! -s "$TMP/err" ] || { echo "$cmd: $(cat "$TMP/err")"; return 1; }
		[ -s "$TMP/first" ] || { echo "$cmd: no first line"; return 1; }
	done < <(uses)
}

# A fifo whose writer writes part of the data, then stays (as `sleep`) until
# kill_writer kills it with SIGKILL.
cut_short() {   # cut_short BYTES FILE FIFO
	rm -f "$3"
	mkfifo "$3"
	sh -c 'head -c "$1" "$2"; exec sleep 60' sh "$1" "$2" > "$3" &
	writer=$!
}
kill_writer() {   # once the reader has opened the fifo and the bytes are written
	for _ in $(seq 200); do
		[ "$(cat /proc/$writer/comm 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	kill -9 "$writer"
}

@test "faults: an input whose writer dies in mid-record is an error, not a short result" {
	ad-load -b "$TMP/vec.adv" > "$TMP/vec.bin"
	for tool in ad-load ad-scale "ad-split -k 1 -p train"; do
		cut_short 1000 "$TMP/vec.bin" "$TMP/f"
		$tool "$TMP/f" > "$TMP/out" 2> "$TMP/err" &
		rd=$!
		kill_writer
		st=0; wait "$rd" || st=$?
		[ "$st" -eq 1 ] || { echo "$tool: exit $st"; return 1; }
		[ "$(cat "$TMP/err")" = "${tool%% *}: $TMP/f: record 49: truncated (16 of 20 bytes)" ] ||
			{ echo "$tool: $(cat "$TMP/err")"; return 1; }
	done
	# text: the last line stops in mid-row
	cut_short 1000 "$TMP/vec.adv" "$TMP/f"
	ad-scale "$TMP/f" > "$TMP/out" 2> "$TMP/err" &
	rd=$!
	kill_writer
	st=0; wait "$rd" || st=$?
	[ "$st" -eq 1 ]
	[ "$(cat "$TMP/err")" = "ad-scale: $TMP/f:62: expected 4 values, got 2" ]
	[ ! -s "$TMP/out" ]          # ad-scale fits first: nothing written
}

@test "faults: a score table cut in mid-row is an error for ad-zscore, ad-reject, ad-auroc" {
	for tool in ad-zscore ad-reject ad-auroc; do
		run -1 --separate-stderr $tool < <(printf '#label\tscore\n0\t1\n1\t')
		[ "$stderr" = "$tool: <stdin>:3: expected 2 columns, got 1" ] ||
			{ echo "$tool: $stderr"; return 1; }
	done
}

@test "faults: a directory as input is a read error naming it" {
	for tool in ad-load ad-scale "ad-split -k 1 -p train" ad-zscore ad-reject ad-auroc; do
		run -1 --separate-stderr $tool "$TMP"
		[ "$stderr" = "${tool%% *}: $TMP: read error: Is a directory" ] ||
			{ echo "$tool: $stderr"; return 1; }
		[ -z "$output" ]
	done
}

@test "limits: absurd dimensions and counts are refused without a giant allocation" {
	# 400 MB of address space, so that a giant allocation fails (not under the
	# sanitizers or valgrind, which reserve far more themselves)
	[ -n "${ASAN_OPTIONS:-}${AD_BIN:-}" ] || ulimit -v 400000
	# binary vector stream: dim over 2^24
	printf 'ADVB\001\000\000\000\001\000\000\001\001\000\000\000\001\000\000\000\001\000\000\001' \
		> "$TMP/over.bin"
	run -1 --separate-stderr ad-load "$TMP/over.bin"
	[ "$stderr" = "ad-load: $TMP/over.bin: bad binary header (dim 16777217, shape 1x1x16777217)" ]
	# text vector stream
	printf '#adv 1 dim=99999999999\n1\t2\n' > "$TMP/dim.adv"
	run -1 --separate-stderr ad-scale "$TMP/dim.adv"
	[ "$stderr" = "ad-scale: $TMP/dim.adv:1: bad dim in #adv header (1 to 16777216)" ]
	printf '#adv 1 shape=65536x65536x65536\n1\t2\n' > "$TMP/shape.adv"
	run -1 --separate-stderr ad-load "$TMP/shape.adv"
	[ "$stderr" = "ad-load: $TMP/shape.adv:1: bad shape in #adv header (expected CxHxW)" ]
	# IDX: a 65536x65536 item; four billion items with 100 bytes of data
	printf '\000\000\010\003\000\000\000\001\000\001\000\000\000\001\000\000' > "$TMP/item.idx"
	run -1 --separate-stderr ad-load -f idx "$TMP/item.idx"
	[ "$stderr" = "ad-load: $TMP/item.idx: bad IDX item size (dimension 3 is 65536)" ]
	{ printf '\000\000\010\003\356\153\050\000\000\000\000\034\000\000\000\034'
	  head -c 100 /dev/zero; } > "$TMP/many.idx"
	run -1 --separate-stderr ad-load "$TMP/many.idx"
	[ "$stderr" = "ad-load: $TMP/many.idx: item 1: truncated (100 of 784 bytes)" ]
	# statistics file claiming 2^24 features
	printf '#adscale 1 method=minmax dim=99999999 n=4 lower=0 upper=1\n' > "$TMP/s"
	run -1 --separate-stderr ad-scale -m "$TMP/s" "$TMP/vec.adv"
	[ "$stderr" = "ad-scale: $TMP/s:1: bad header values (dim=99999999 n=4 lower=0 upper=1)" ]
}
