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
	for _ in $(seq 1200); do      # up to a minute on a loaded machine
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

# ---- training: interruptions and a full disk while saving ----

train_data() {
	load gen_images
	gen_images 7 200 5 > "$TMP/train.adv"
	T=(-q -A conv:4-8 -B 20 -r 0.01)
}

@test "faults: SIGINT or SIGTERM from outside mid-run: exit 128+n, checkpoint kept, resume gives the same model" {
	train_data
	ad-train "${T[@]}" -n 300 -o "$TMP/straight" "$TMP/train.adv"
	for sig in INT TERM; do
		n=2; [ "$sig" = TERM ] && n=15
		rm -f "$TMP/ck" "$TMP/m"
		ad-train "${T[@]}" -n 300 -C "$TMP/ck" -o "$TMP/m" "$TMP/train.adv" 2> "$TMP/err" &
		pid=$!
		# signal once the first checkpoint is there (the handlers are installed)
		for _ in $(seq 2000); do [ -e "$TMP/ck" ] && break; sleep 0.01; done
		kill -s "$sig" "$pid"
		st=0; wait "$pid" || st=$?
		[ "$st" -eq $((128 + n)) ] || { echo "$sig: exit $st"; return 1; }
		if [ "$sig" = TERM ]; then
			[ "$(cat "$TMP/err")" = "ad-train: interrupted by signal 15; checkpoint written to $TMP/ck (resume with -R $TMP/ck)" ]
			[ ! -e "$TMP/m" ]
		else
			# Ctrl-C writes the model so far too
			[[ "$(cat "$TMP/err")" == "ad-train: interrupted by signal 2; the model so far ("*" of 300 epochs finished) written to $TMP/m; checkpoint written to $TMP/ck (resume with -R $TMP/ck)" ]]
			[ -s "$TMP/m" ]
		fi
		ad-train "${T[@]}" -n 300 -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/m" "$TMP/train.adv"
		cmp "$TMP/straight" "$TMP/m"
	done
}

# A small tmpfs at $TMP/disk (root only; skipped where mounting is not allowed).
small_disk() {
	mkdir -p "$TMP/disk"
	if ! mount -t tmpfs -o size="$1" tmpfs "$TMP/disk" 2> /dev/null; then
		skip "cannot mount a tmpfs here (not root, or in a container)"
	fi
	DISK="$TMP/disk"
}
fill_disk() {   # fill what is left of $DISK
	dd if=/dev/zero of="$DISK/fill" bs=1024 2> /dev/null || true
	sync
}
teardown() {
	if [ -n "${DISK:-}" ]; then
		umount "$DISK" 2> /dev/null || true
	fi
}

@test "faults: a full disk while saving the model: clear error, the old model survives, no temp file" {
	train_data
	small_disk 256k
	ad-train "${T[@]}" -n 1 -o "$DISK/model" "$TMP/train.adv"
	cp "$DISK/model" "$TMP/old"
	fill_disk
	run -1 --separate-stderr ad-train "${T[@]}" -n 2 -s 2 -o "$DISK/model" "$TMP/train.adv"
	[[ "$stderr" == "ad-train: $DISK/model"*"No space left on device" ]] || { echo "$stderr"; return 1; }
	[ "${#stderr_lines[@]}" -eq 1 ]
	cmp "$DISK/model" "$TMP/old"
	[ "$(ls "$DISK")" = "$(printf 'fill\nmodel')" ]
	# the old model still scores
	ad-score "$DISK/model" "$TMP/train.adv" > /dev/null
}

@test "faults: a full disk while writing a checkpoint: clear error, the last checkpoint survives" {
	train_data
	small_disk 256k
	ad-train "${T[@]}" -n 1 -C "$DISK/ck" -o "$TMP/m1" "$TMP/train.adv"
	cp "$DISK/ck" "$TMP/old"
	fill_disk
	run -1 --separate-stderr ad-train "${T[@]}" -n 3 -C "$DISK/ck" -R "$DISK/ck" -o "$TMP/m" "$TMP/train.adv"
	[[ "$stderr" == "ad-train: $DISK/ck"*"No space left on device" ]] || { echo "$stderr"; return 1; }
	cmp "$DISK/ck" "$TMP/old"
	[ "$(ls "$DISK")" = "$(printf 'ck\nfill')" ]
	[ ! -e "$TMP/m" ]
	# room again: the run resumes from the surviving checkpoint and ends as an
	# uninterrupted one
	rm "$DISK/fill"
	ad-train "${T[@]}" -n 3 -C "$DISK/ck" -R "$DISK/ck" -o "$TMP/m" "$TMP/train.adv"
	ad-train "${T[@]}" -n 3 -o "$TMP/straight" "$TMP/train.adv"
	cmp "$TMP/straight" "$TMP/m"
}
