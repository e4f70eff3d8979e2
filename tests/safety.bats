#!/usr/bin/env bats
# Data safety and hostile inputs: an output never overwrites an input, strict
# headers, streams of one encoding, no overflow in the batch statistics, clear
# messages.  One test per failure found by probing the tools by hand.
setup() {
	load test_helper
	printf '#adv 1 dim=2\n0\t1\t2\n1\t3\t4\n' > "$TMP/s.adv"
	printf '#label\tscore\n0\t1\n1\t2\n0\t3\n' > "$TMP/s.tsv"
}

# ---- an output never overwrites an input (device and inode, through links) ----

@test "safety: ad-scale -o refuses an input as the statistics file, through links too" {
	cp "$TMP/s.adv" "$TMP/keep.adv"
	ln -s s.adv "$TMP/sym.adv"
	ln "$TMP/s.adv" "$TMP/hard.adv"
	for o in s.adv sym.adv hard.adv; do
		run -1 --separate-stderr ad-scale -o "$TMP/$o" "$TMP/s.adv"
		[ "$stderr" = "ad-scale: $TMP/$o: is the same file as the input $TMP/s.adv: refusing to overwrite it" ]
		[ -z "$output" ]
		cmp "$TMP/s.adv" "$TMP/keep.adv"
	done
	# the statistics file given to -m is an input too
	ad-scale -o "$TMP/st" "$TMP/s.adv" > /dev/null
	run -1 --separate-stderr sh -c "ad-scale -m '$TMP/st' '$TMP/s.adv' >> '$TMP/st'"
	[ "$stderr" = "ad-scale: the standard output: is the same file as the input $TMP/st: refusing to overwrite it" ]
}

@test "safety: ad-load -w refuses its input as the vocabulary file" {
	cp "$FIX/kdd/train.csv" "$TMP/k.txt"
	cp "$TMP/k.txt" "$TMP/keep.txt"
	run -1 --separate-stderr ad-load -f kdd -w "$TMP/k.txt" "$TMP/k.txt"
	[ "$stderr" = "ad-load: $TMP/k.txt: is the same file as the input $TMP/k.txt: refusing to overwrite it" ]
	cmp "$TMP/k.txt" "$TMP/keep.txt"
}

@test "safety: appending the standard output to an input is refused (it would never end)" {
	cp "$TMP/s.adv" "$TMP/keep.adv"
	cp "$TMP/s.tsv" "$TMP/keep.tsv"
	for cmd in "ad-load $TMP/s.adv" "ad-load -b - < $TMP/s.adv" "ad-scale $TMP/s.adv" \
	           "ad-split -k 0 -p train -P tabular $TMP/s.adv"; do
		run -1 --separate-stderr timeout 10 sh -c "$cmd >> '$TMP/s.adv'"
		[[ "$stderr" == *": the standard output: is the same file as the input "* ]] ||
			{ echo "$cmd: $stderr"; return 1; }
		cmp "$TMP/s.adv" "$TMP/keep.adv"
	done
	for cmd in "ad-zscore $TMP/s.tsv" "ad-reject < $TMP/s.tsv" "ad-auroc $TMP/s.tsv"; do
		run -1 --separate-stderr timeout 10 sh -c "$cmd >> '$TMP/s.tsv'"
		[[ "$stderr" == *": the standard output: is the same file as the input "* ]] ||
			{ echo "$cmd: $stderr"; return 1; }
		cmp "$TMP/s.tsv" "$TMP/keep.tsv"
	done
	# other files and /dev/null are fine
	run -0 sh -c "ad-load '$TMP/s.adv' > /dev/null"
}

# ---- text headers and line ends (adv(5)) ----

@test "safety: lone CR line ends are an error naming the line, CRLF is read" {
	printf '#adv 1 dim=2\r0\t1\t2\r1\t3\t4\r' > "$TMP/cr.adv"
	run -1 --separate-stderr ad-load "$TMP/cr.adv"
	[ "$stderr" = "ad-load: $TMP/cr.adv:1: carriage return inside a line: only LF or CRLF line ends are read (convert with tr '\r' '\n')" ]
	run -1 --separate-stderr ad-train -q -n 0 -o "$TMP/m" "$TMP/cr.adv"
	[[ "$stderr" == "ad-train: $TMP/cr.adv:1: carriage return inside a line"* ]]
	printf '#adv 1 dim=2\r\n0\t1\t2\r\n1\t3\t4\r\n' > "$TMP/crlf.adv"
	run -0 ad-load "$TMP/crlf.adv"
	[ "$output" = "$(cat "$TMP/s.adv")" ]
}

@test "safety: #adv headers are strict: version 1, decimal dim and shape, no junk" {
	bad() {
		printf "$1\n0\t1\t2\n" > "$TMP/h.adv"
		run -1 --separate-stderr ad-load "$TMP/h.adv"
		[ "$stderr" = "ad-load: $TMP/h.adv:1: $2" ] || { echo "$1: $stderr"; return 1; }
	}
	bad '#adv 7 dim=2' "unsupported #adv version '7' (this reader knows 1)"
	bad '#adv 01 dim=2' "unsupported #adv version '01' (this reader knows 1)"
	bad '#adv dim=2' "#adv header without a version (expected '#adv 1 dim=N')"
	bad '#adv 1 dim=2.9' "bad dim in #adv header (1 to 16777216)"
	bad '#adv 1 dim=2x' "bad dim in #adv header (1 to 16777216)"
	bad '#adv 1 dim=0x10' "bad dim in #adv header (1 to 16777216)"
	bad '#adv 1 dim=+2' "bad dim in #adv header (1 to 16777216)"
	bad '#adv 1 shape=1x2.5' "bad shape in #adv header (expected CxHxW)"
	bad '#adv 1 dim=2 junk' "unexpected 'junk' in #adv header (fields: dim=N, shape=CxHxW, once each)"
	bad '#adv 1 dim=2 dim=2' "unexpected 'dim=2' in #adv header (fields: dim=N, shape=CxHxW, once each)"
	# the binary header was strict already
	printf 'ADVB\002\0\0\0\002\0\0\0\002\0\0\0\001\0\0\0\001\0\0\0' > "$TMP/v2.bin"
	run -1 --separate-stderr ad-load "$TMP/v2.bin"
	[ "$stderr" = "ad-load: $TMP/v2.bin: unsupported binary version 2" ]
	# what is right still reads
	printf '#adv 1 shape=1x2 \n0\t1\t2\n' > "$TMP/ok.adv"
	run -0 ad-load "$TMP/ok.adv"
	[ "${lines[0]}" = "#adv 1 dim=2 shape=1x1x2" ]
}

@test "safety: 1e39 is out of the float32 range, not 'not finite'" {
	printf '#adv 1 dim=2\n0\t1e39\t2\n' > "$TMP/x.adv"
	run -1 --separate-stderr ad-load "$TMP/x.adv"
	[ "$stderr" = "ad-load: $TMP/x.adv:2: field 2: '1e39' is out of the float32 range (magnitude at most 3.4e38)" ]
	printf '#adv 1 dim=2\n0\tinf\t2\n' > "$TMP/x.adv"
	run -1 --separate-stderr ad-load "$TMP/x.adv"
	[ "$stderr" = "ad-load: $TMP/x.adv:2: field 2: value is not finite 'inf'" ]
}

@test "safety: a UTF-8 byte order mark is named, in ad-load and in the other readers" {
	printf '\357\273\277#adv 1 dim=2\n0\t1\t2\n' > "$TMP/bom.adv"
	msg="$TMP/bom.adv:1: the file starts with a UTF-8 byte order mark: remove it (sed '1s/^\xEF\xBB\xBF//')"
	run -1 --separate-stderr ad-load "$TMP/bom.adv"
	[ "$stderr" = "ad-load: $msg" ]
	run -1 --separate-stderr ad-train -q -n 0 -o "$TMP/m" "$TMP/bom.adv"
	[ "$stderr" = "ad-train: $msg" ]
}

@test "safety: ad-load reads a vector stream without an #adv line (adv(5) allows it)" {
	printf '0\t1\t2\n1\t3\t4\n' > "$TMP/nohdr"
	run -0 ad-load "$TMP/nohdr"
	[ "$output" = "$(cat "$TMP/s.adv")" ]
	run -0 sh -c "printf '# a comment\n0 1 2\n1 3 4\n' | ad-load"
	[ "$output" = "$(cat "$TMP/s.adv")" ]
}

@test "safety: raw data given to a vector reader points at ad-load" {
	printf '1,2,3\n4,5,6\n' > "$TMP/d.csv"
	run -1 --separate-stderr ad-train -q -n 0 -o "$TMP/m" "$TMP/d.csv"
	[ "$stderr" = "ad-train: $TMP/d.csv:1: a row needs a label and at least one value (not a vector stream? convert data sets with ad-load)" ]
	printf '\0\0\10\3\0\0\0\1\0\0\0\2\0\0\0\2abcd' > "$TMP/raw-idx"
	run -1 --separate-stderr ad-train -q -n 0 -o "$TMP/m" "$TMP/raw-idx"
	[ "$stderr" = "ad-train: $TMP/raw-idx:1: NUL byte in text stream (not a vector stream? convert data sets with ad-load)" ]
}

# ---- binary streams ----

@test "safety: the binary writer refuses labels whose bytes read ADVB or #adv" {
	for l in 1112949825 1986289955; do
		printf '#adv 1 dim=2\n%s\t1\t2\n' $l > "$TMP/l.adv"
		run -1 --separate-stderr ad-load -b "$TMP/l.adv"
		[[ "$stderr" == "ad-load: label $l cannot be stored in a binary stream: its bytes read '"* ]]
		# text keeps it
		run -0 sh -c "ad-load '$TMP/l.adv' | ad-load"
		[ "${lines[1]}" = "$l	1	2" ]
	done
}

@test "safety: binary then text (and text then binary) is an error, not garbage rows" {
	# 24-byte header + records of 12 bytes: "#adv 1 dim=2\n0\t1\t2\n" is 20 bytes,
	# padded to 24 so that the text would decode as two whole records
	ad-load -b "$TMP/s.adv" > "$TMP/s.bin"
	printf '#adv 1 dim=2\n0\t1\t2\n    ' > "$TMP/t.adv"
	run -1 --separate-stderr sh -c "cat '$TMP/s.bin' '$TMP/t.adv' | ad-load"
	[ "$stderr" = "ad-load: <stdin>: record 3: a text stream after binary records: concatenate streams of one encoding (ad-load converts)" ]
	run -1 --separate-stderr sh -c "cat '$TMP/s.adv' '$TMP/s.bin' | ad-load"
	[ "$stderr" = "ad-load: <stdin>:4: a binary stream after text rows: concatenate streams of one encoding (ad-load converts)" ]
}

# ---- the batch statistics do not overflow ----

@test "safety: ad-reject and ad-zscore on scores near DBL_MAX: no overflow" {
	printf '#label\tscore\n0\t-1.7e308\n1\t1.7e308\n' > "$TMP/big.tsv"
	# the median is 0: only the large score is above it
	run -0 ad-reject -t 0 "$TMP/big.tsv"
	[ "${lines[1]}" = "0	-1.7e308	1" ]
	[ "${lines[2]}" = "1	1.7e308	0" ]
	run -0 ad-zscore "$TMP/big.tsv"
	[ "${lines[1]}" = "0	-1.7e308	-0.6745	2" ]
	[ "${lines[2]}" = "1	1.7e308	0.6745	1.9814306020408163" ]
	# median 1.7e308, MAD 0, MeanAD 3.4e308 / 3: z = -3.4e308 / (1.253314 * 3.4e308 / 3)
	printf '#label\tscore\n0\t-1.7e308\n1\t1.7e308\n1\t1.7e308\n' > "$TMP/big3.tsv"
	run -0 ad-zscore "$TMP/big3.tsv"
	z=$(awk 'NR == 2 { print $3 }' <<< "$output")
	awk -v z="$z" 'BEGIN { e = -3 / 1.253314; exit !(z - e < 1e-12 && e - z < 1e-12) }'
	run -1 grep -q nan <<< "$output"
}

# ---- column names ----

@test "safety: a column name twice in a header is refused by every score reader" {
	printf '#label\tscore\tscore\n0\t1\t5\n1\t2\t3\n' > "$TMP/dup.tsv"
	for tool in ad-auroc ad-zscore ad-reject; do
		run -1 --separate-stderr $tool "$TMP/dup.tsv"
		[ "$stderr" = "$tool: $TMP/dup.tsv: column name 'score' appears twice in the header (columns 2 and 3): names must be unique" ]
	done
	# a filter does not add a column the input has already
	run -1 --separate-stderr sh -c "ad-zscore '$TMP/s.tsv' | ad-zscore"
	[ "$stderr" = "ad-zscore: <stdin>: the input has a column 'z' already (column 3): names must be unique" ]
}

@test "safety: the weigher's answer may not name a column twice" {
	awk 'BEGIN { print "#adv 1 dim=3"; for (i = 0; i < 40; i++) printf "%d\t%d\t%d\t%d\n", i % 2, i % 5, i % 3, i % 7 }' > "$TMP/w.adv"
	run -1 --separate-stderr timeout 60 ad-train -q -A mlp:4 -B 20 -n 1 \
		-P "ad-zscore | ad-reject | sed -u '1s/\$/\talpha/; 1!s/.\$/&\t2/'" \
		-o "$TMP/m" "$TMP/w.adv"
	[[ "$stderr" == *"column name 'alpha' appears twice"* ]]
}

# ---- messages ----

@test "safety: ad-auroc names the bad label value and its column, not the whole row" {
	run -1 --separate-stderr ad-auroc -l 2 "$TMP/s.tsv"
	[ "$stderr" = "ad-auroc: $TMP/s.tsv:3: column 2 (score): a label must be 0 or 1, got 2" ]
}

@test "safety: corrupt gzip data (CRC-32) is named, not reported as a row error" {
	awk 'BEGIN { print "#adv 1 dim=3"; for (i = 0; i < 3000; i++) printf "%d\t%d\t%d\t%d\n", i % 2, i, 3 * i, 7 * i }' |
		gzip -c > "$TMP/g.gz"
	# flip a byte of the CRC-32 in the trailer: the data decode, the check fails
	n=$(wc -c < "$TMP/g.gz")
	{ head -c $((n - 6)) "$TMP/g.gz"; printf '\377'; tail -c 5 "$TMP/g.gz"; } > "$TMP/crc.gz"
	run -1 --separate-stderr ad-load "$TMP/crc.gz"
	[ "$stderr" = "ad-load: $TMP/crc.gz: corrupt gzip data: CRC-32 check failed" ]
	awk 'BEGIN { print "#label\tscore"; for (i = 0; i < 30000; i++) printf "%d\t%d\n", i % 2, i }' |
		gzip -c > "$TMP/s.gz"
	n=$(wc -c < "$TMP/s.gz")
	{ head -c $((n - 6)) "$TMP/s.gz"; printf '\377'; tail -c 5 "$TMP/s.gz"; } > "$TMP/scrc.gz"
	run -1 --separate-stderr ad-auroc "$TMP/scrc.gz"
	[ "$stderr" = "ad-auroc: $TMP/scrc.gz: corrupt gzip data: CRC-32 check failed" ]
	printf 'a,b\n1,2\n' | gzip -c > "$TMP/c.csv.gz"
	n=$(wc -c < "$TMP/c.csv.gz")
	{ head -c $((n - 6)) "$TMP/c.csv.gz"; printf '\377'; tail -c 5 "$TMP/c.csv.gz"; } > "$TMP/ccrc.csv.gz"
	run -1 --separate-stderr ad-load -H "$TMP/ccrc.csv.gz"
	[ "$stderr" = "ad-load: $TMP/ccrc.csv.gz: corrupt gzip data: CRC-32 check failed" ]
}

# ---- ad-score ----

@test "safety: ad-score refuses a stream of another shape with the same dim" {
	load gen_images
	gen_images 3 40 5 > "$TMP/img.adv"
	sed '1s/shape=1x8x8/shape=1x4x16/' "$TMP/img.adv" > "$TMP/img2.adv"
	sed '1s/ shape=1x8x8//' "$TMP/img.adv" > "$TMP/flat.adv"
	ad-train -q -A mlp:8 -n 0 -o "$TMP/m" "$TMP/img.adv"
	run -1 --separate-stderr ad-score "$TMP/m" "$TMP/img2.adv"
	[ "$stderr" = "ad-score: $TMP/img2.adv: shape 1x4x16, the model $TMP/m expects 1x8x8" ]
	# a stream without a shape is read in the model's
	run -0 ad-score "$TMP/m" "$TMP/flat.adv"
	[ "${#lines[@]}" -eq 41 ]
}

@test "safety: ad-score on a checkpoint says what it is and how to get a model" {
	load gen_images
	gen_images 3 40 5 > "$TMP/img.adv"
	ad-train -q -A mlp:8 -n 1 -C "$TMP/ck" -o "$TMP/m" "$TMP/img.adv"
	run -1 --separate-stderr ad-score "$TMP/ck" "$TMP/img.adv"
	[ "$stderr" = "ad-score: $TMP/ck: a checkpoint of ad-train (-C), not a model: finish the run with ad-train -R $TMP/ck -o MODEL (it writes the model at once if every epoch is done)" ]
}

@test "safety: ad-score -B 1048576 on a small stream allocates for the rows it has" {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "address space limits do not apply under ASan"
	awk 'BEGIN { print "#adv 1 dim=784"; for (i = 0; i < 30; i++) { printf "%d", i % 2; for (j = 0; j < 784; j++) printf "\t%d", (i * j) % 7; print "" } }' > "$TMP/wide.adv"
	ad-train -q -A mlp:4 -n 0 -o "$TMP/m" "$TMP/wide.adv"
	# 1048576 x 784 floats would be 3.3 GB; 1 GB of address space is plenty for 30 rows
	run -0 bash -c "ulimit -v 1000000; ad-score -T 1 -B 1048576 '$TMP/m' '$TMP/wide.adv'"
	[ "${#lines[@]}" -eq 31 ]
	[ "$output" = "$(ad-score -T 1 "$TMP/m" "$TMP/wide.adv")" ]
}

# ---- ad-train ----

tdata() {
	awk 'BEGIN { print "#adv 1 dim=4"; for (i = 0; i < 300; i++) printf "%d\t%d\t%d\t%d\t%d\n", i % 2, i % 5, i % 3, i % 7, i % 11 }' > "$TMP/t.adv"
	A=(-q -A mlp:4 -B 50)
}

@test "safety: ad-train refuses an output that is an input, or two outputs that are one file" {
	tdata
	cp "$TMP/t.adv" "$TMP/keep.adv"
	ln -s t.adv "$TMP/sym.adv"
	run -1 --separate-stderr ad-train "${A[@]}" -n 1 -o "$TMP/sym.adv" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP/sym.adv: is the same file as the input $TMP/t.adv: refusing to overwrite it" ]
	run -1 --separate-stderr ad-train "${A[@]}" -n 1 -C "$TMP/t.adv" -o "$TMP/m" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP/t.adv: is the same file as the input $TMP/t.adv: refusing to overwrite it" ]
	run -1 --separate-stderr ad-train "${A[@]}" -n 1 -g "$TMP/t.adv" -o "$TMP/m" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP/t.adv: is the same file as the input $TMP/t.adv: refusing to overwrite it" ]
	run -1 --separate-stderr ad-train "${A[@]}" -n 1 -y "$TMP/sym.adv" -o "$TMP/t.adv" "$TMP/keep.adv"
	[ "$stderr" = "ad-train: $TMP/t.adv: is the same file as the input $TMP/sym.adv: refusing to overwrite it" ]
	cmp "$TMP/t.adv" "$TMP/keep.adv"
	# -C x -o x: the model would replace the checkpoint (x does not exist yet)
	run -1 --separate-stderr ad-train "${A[@]}" -n 1 -C "$TMP/x" -o "$TMP/./x" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP/x: is the same file as the output $TMP/./x: give two different files" ]
	[ ! -e "$TMP/x" ]
	# resuming from the checkpoint it keeps writing is the normal use; from the model file not
	ad-train "${A[@]}" -n 1 -C "$TMP/ck" -o "$TMP/m" "$TMP/t.adv"
	run -0 ad-train "${A[@]}" -n 2 -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/m" "$TMP/t.adv"
	run -1 --separate-stderr ad-train "${A[@]}" -n 2 -R "$TMP/ck" -o "$TMP/ck" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP/ck: is the same file as the input $TMP/ck: refusing to overwrite it" ]
}

@test "safety: ad-train checks every output location before the first epoch" {
	tdata
	# a million epochs would take hours: the error must come at once
	for o in "-o $TMP/nodir/m" "-o $TMP/m -C $TMP/nodir/ck" "-o $TMP/m -g $TMP/nodir/tr"; do
		run -1 --separate-stderr timeout 20 ad-train "${A[@]}" -n 1000000 $o "$TMP/t.adv"
		[[ "$stderr" == "ad-train: $TMP/nodir/"*": "*"No such file or directory" ]] || { echo "$o: $stderr"; return 1; }
	done
	run -1 --separate-stderr ad-train "${A[@]}" -n 1000000 -o '' "$TMP/t.adv"
	[ "$stderr" = "ad-train: an output file name is empty" ]
	run -1 --separate-stderr ad-train "${A[@]}" -n 1000000 -o "$TMP" "$TMP/t.adv"
	[ "$stderr" = "ad-train: $TMP: is a directory" ]
	[ -z "$(ls "$TMP" | grep tmp)" ]
}

@test "safety: an empty validation stream is refused, not a NaN validation loss" {
	tdata
	printf '#adv 1 dim=4\n' > "$TMP/empty.adv"
	run -1 --separate-stderr ad-train "${A[@]}" -n 2 -y "$TMP/empty.adv" -o "$TMP/m" "$TMP/t.adv"
	[ "$stderr" = "ad-train: the validation set has no rows: it could not select a model" ]
	[ ! -e "$TMP/m" ]
}

@test "safety: a training that diverges without a NaN output writes no model" {
	tdata
	# rows of +-3e38: finite outputs in epoch 1, an infinite running variance
	awk 'BEGIN { print "#adv 1 dim=4"; for (i = 0; i < 100; i++) printf "0\t%s\t%s\t1\t2\n", i % 2 ? "3e38" : "-3e38", i % 3 ? "3e38" : "-3e38" }' > "$TMP/huge.adv"
	run -1 --separate-stderr ad-train -q -A mlp:4 -n 1 -o "$TMP/m" "$TMP/huge.adv"
	[ "$stderr" = "ad-train: the model diverged: enc.0.bn.running_var holds a value that is not finite; try a smaller learning rate (-r) or scale the data (ad-scale)" ]
	[ ! -e "$TMP/m" ]
	# a learning rate of 1e10 with the default model
	run -1 --separate-stderr ad-train -q -n 2 -r 1e10 -o "$TMP/m" "$TMP/t.adv"
	[[ "$stderr" == "ad-train: "*"try a smaller learning rate (-r)"* ]]
	[ ! -e "$TMP/m" ]
}

@test "safety: a weigher that never answers times out (-I) with a message naming buffering" {
	tdata
	msg="a weigher must answer every group at its empty line; a filter that buffers its output never does (use mawk -W interactive, sed -u, stdbuf -oL CMD, or fflush() in awk)"
	run -1 --separate-stderr timeout 60 ad-train "${A[@]}" -n 1 -I 1 -P 'sleep 1000' -o "$TMP/m" "$TMP/t.adv"
	[ "$stderr" = "ad-train: epoch 1, batch 1: weigher: no answer from 'sleep 1000' for 1 s (--weigh-timeout): $msg" ]
	# a filter that buffers (awk writing to a pipe holds its output until the end)
	run -1 --separate-stderr timeout 60 ad-train "${A[@]}" -n 1 --weigh-timeout=1 \
		-P 'ad-zscore | ad-reject | awk "{ print }" | cat' -o "$TMP/m" "$TMP/t.adv"
	[[ "$stderr" == *"weigher: no answer from "*" for 1 s (--weigh-timeout): $msg" ]]
	# the weigher's whole process group is ended
	sleep 0.5
	run -1 pgrep -f 'sleep 1000'
	run -2 --separate-stderr ad-train "${A[@]}" -n 1 -I 5 -o "$TMP/m" "$TMP/t.adv"
	[ "${stderr_lines[0]}" = "ad-train: -I (--weigh-timeout) applies with -P (--weigh) only" ]
}

@test "safety: resuming a finished run writes the model, with --weigh as with -L hetero" {
	tdata
	ad-train "${A[@]}" -n 2 -P 'ad-zscore | ad-reject' -C "$TMP/ck" -o "$TMP/m1" "$TMP/t.adv"
	run -0 --separate-stderr ad-train "${A[@]}" -n 2 -P 'ad-zscore | ad-reject' -C "$TMP/ck" -R "$TMP/ck" -o "$TMP/m2" "$TMP/t.adv"
	[ -z "$stderr" ]
	cmp "$TMP/m1" "$TMP/m2"
}

@test "safety: ad-train -B 1048576 on 30 rows allocates for 30 rows, and gives the same model" {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "address space limits do not apply under ASan"
	awk 'BEGIN { print "#adv 1 dim=784"; for (i = 0; i < 30; i++) { printf "%d", i % 2; for (j = 0; j < 784; j++) printf "\t%d", (i * j) % 7; print "" } }' > "$TMP/wide.adv"
	run -0 bash -c "ulimit -v 1000000; ad-train -q -A mlp:4 -n 2 -B 1048576 -y '$TMP/wide.adv' -o '$TMP/a' '$TMP/wide.adv'"
	ad-train -q -A mlp:4 -n 2 -B 1048576 -y "$TMP/wide.adv" -o "$TMP/b" "$TMP/wide.adv"
	cmp "$TMP/a" "$TMP/b"
	# one batch of all 30 rows either way: only the recorded batch= differs
	ad-train -q -A mlp:4 -n 2 -B 30 -y "$TMP/wide.adv" -o "$TMP/c" "$TMP/wide.adv"
	run -0 ad-score "$TMP/a" "$TMP/wide.adv"
	[ "$output" = "$(ad-score "$TMP/c" "$TMP/wide.adv")" ]
}

@test "safety: Ctrl-C (SIGINT) writes the model so far and stops; a second one exits at once" {
	load gen_images
	gen_images 7 200 5 > "$TMP/train.adv"
	gen_images 13 50 0 > "$TMP/val.adv"
	T=(-q -A conv:4-8 -B 20 -r 0.01)
	# the weigher sends SIGINT after group $KILLAT (batches of 10 per epoch)
	KW='ad-zscore | ad-reject | { g=0; while IFS= read -r l; do printf "%s\n" "$l"; if [ -z "$l" ]; then g=$((g+1)); if [ "$g" = "$KILLAT" ]; then kill -INT $PPID; fi; fi; done; }'
	export KILLAT
	# with -y: mid-epoch 3, the model of the best of epochs 1 and 2
	KILLAT=25 run -130 --separate-stderr ad-train "${T[@]}" -n 5 -y "$TMP/val.adv" -P "$KW" -o "$TMP/m" "$TMP/train.adv"
	[[ "$stderr" =~ ^"ad-train: interrupted by signal 2; the model of epoch "[12]" (lowest validation loss so far) written to $TMP/m"$ ]]
	# it is the model a 2-epoch run selects (the same epochs, the same batches)
	ad-train "${T[@]}" -n 2 -y "$TMP/val.adv" -P 'ad-zscore | ad-reject' -o "$TMP/two" "$TMP/train.adv"
	[ "$(ad-score "$TMP/m" "$TMP/val.adv")" = "$(ad-score "$TMP/two" "$TMP/val.adv")" ]
	# two SIGINTs while ad-train waits for the answer to batch 5 (signals do not
	# queue: the second is sent after a pause): it ends at once, nothing written
	KW2='ad-zscore | ad-reject | { g=0; while IFS= read -r l; do if [ -z "$l" ]; then g=$((g+1)); if [ "$g" = 5 ]; then kill -INT $PPID; sleep 0.5; kill -INT $PPID; fi; fi; printf "%s\n" "$l"; done; }'
	run -130 --separate-stderr ad-train "${T[@]}" -n 5 -P "$KW2" -o "$TMP/m2" "$TMP/train.adv"
	[ -z "$stderr" ]
	[ ! -e "$TMP/m2" ]
	[ -z "$(ls "$TMP" | grep tmp)" ]
}
