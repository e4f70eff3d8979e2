# Transparent gzip reading (src/lib/gzfile.c, inflate.c) through ad_fopen_read(),
# exercised with tests/unit/test_inflate's "cat" mode on files gzip makes here.
setup() {
	load test_helper
	ZCAT="$TOP/tests/unit/test_inflate"
	head -c 300000 /dev/urandom > "$TMP/random"
	seq 1 60000 > "$TMP/seq"
	{ yes 'the quick brown fox' | head -c 200000; head -c 5000 /dev/urandom; seq 1 3000; } > "$TMP/mixed"
}

@test "gzip -9 and -1 of random and structured data round-trip" {
	for f in random seq mixed; do
		for lvl in 1 9; do
			gzip -$lvl -c "$TMP/$f" > "$TMP/$f.$lvl.gz"
			"$ZCAT" cat "$TMP/$f.$lvl.gz" > "$TMP/out"
			cmp "$TMP/out" "$TMP/$f"
		done
	done
}

@test "gzip data on stdin, from a pipe and from a file" {
	gzip -9 -c "$TMP/mixed" | "$ZCAT" cat - > "$TMP/out"
	cmp "$TMP/out" "$TMP/mixed"
	gzip -1 -c "$TMP/seq" > "$TMP/seq.gz"
	"$ZCAT" cat - < "$TMP/seq.gz" > "$TMP/out"
	cmp "$TMP/out" "$TMP/seq"
}

# first block's type: bits 1-2 of the byte after the 10-byte header (no FNAME)
btype() { echo $(( ($(od -An -tu1 -j10 -N1 "$1") >> 1) & 3 )); }

@test "stored, fixed and dynamic blocks as gzip writes them" {
	gzip -9 -n -c "$TMP/random" > "$TMP/s.gz"
	[ "$(btype "$TMP/s.gz")" = 0 ]
	"$ZCAT" cat "$TMP/s.gz" | cmp - "$TMP/random"
	yes abc | head -c 1000 > "$TMP/abc"
	gzip -9 -n -c "$TMP/abc" > "$TMP/f.gz"
	[ "$(btype "$TMP/f.gz")" = 1 ]
	"$ZCAT" cat "$TMP/f.gz" | cmp - "$TMP/abc"
	gzip -1 -n -c "$TMP/seq" > "$TMP/d.gz"
	[ "$(btype "$TMP/d.gz")" = 2 ]
	"$ZCAT" cat "$TMP/d.gz" | cmp - "$TMP/seq"
}

@test "header with a file name (gzip -N)" {
	cp "$TMP/seq" "$TMP/named"
	gzip -9 -N "$TMP/named"
	[ "$(head -c 4 "$TMP/named.gz" | od -An -tx1 | tr -d ' ')" = 1f8b0808 ]
	"$ZCAT" cat "$TMP/named.gz" | cmp - "$TMP/seq"
}

@test "concatenated gzip members read as one stream" {
	{ gzip -c "$TMP/seq"; gzip -1 -c "$TMP/random"; } > "$TMP/cat.gz"
	"$ZCAT" cat "$TMP/cat.gz" > "$TMP/out"
	cat "$TMP/seq" "$TMP/random" | cmp - "$TMP/out"
}

@test "uncompressed input passes unchanged, from files and pipes" {
	"$ZCAT" cat "$TMP/seq" | cmp - "$TMP/seq"
	cat "$TMP/random" | "$ZCAT" cat - | cmp - "$TMP/random"
	printf '\037' > "$TMP/one"
	run -0 --separate-stderr "$ZCAT" cat "$TMP/one"
	[ "$output" = "$(printf '\037')" ]
	printf '\037' | "$ZCAT" cat - | cmp - "$TMP/one"
	printf '\037abc\n' > "$TMP/near"
	printf '\037abc\n' | "$ZCAT" cat - | cmp - "$TMP/near"
	"$ZCAT" cat "$TMP/near" | cmp - "$TMP/near"
	: > "$TMP/empty"
	run -0 --separate-stderr "$ZCAT" cat "$TMP/empty"
	[ -z "$output" ]
}

@test "truncated gzip file: clear error, exit 1" {
	gzip -9 -c "$TMP/seq" > "$TMP/t.gz"
	head -c 20000 "$TMP/t.gz" > "$TMP/trunc.gz"
	run -1 --separate-stderr "$ZCAT" cat "$TMP/trunc.gz"
	[ "$stderr" = "test_inflate: $TMP/trunc.gz: corrupt gzip data: unexpected end of data" ]
	run -1 --separate-stderr sh -c "cat '$TMP/trunc.gz' | '$ZCAT' cat -"
	[ "$stderr" = "test_inflate: <stdin>: corrupt gzip data: unexpected end of data" ]
}

@test "gzip file with a wrong CRC or a damaged block: clear error" {
	gzip -9 -c "$TMP/seq" > "$TMP/c.gz"
	n=$(wc -c < "$TMP/c.gz")
	printf 'XXXX' | dd of="$TMP/c.gz" bs=1 seek=$((n - 8)) conv=notrunc 2>/dev/null
	run -1 --separate-stderr "$ZCAT" cat "$TMP/c.gz"
	[ "$stderr" = "test_inflate: $TMP/c.gz: corrupt gzip data: CRC-32 check failed" ]
	gzip -9 -c "$TMP/seq" > "$TMP/d.gz"
	printf '\377\377\377\377\377\377\377\377' | dd of="$TMP/d.gz" bs=1 seek=10 conv=notrunc 2>/dev/null
	run -1 --separate-stderr "$ZCAT" cat "$TMP/d.gz"
	[[ "$stderr" == "test_inflate: $TMP/d.gz: corrupt gzip data: "* ]]
}

@test "trailing garbage after a gzip member is an error" {
	{ gzip -c "$TMP/seq"; echo junk; } > "$TMP/g.gz"
	run -1 --separate-stderr "$ZCAT" cat "$TMP/g.gz"
	[ "$stderr" = "test_inflate: $TMP/g.gz: corrupt gzip data: trailing garbage after the last member" ]
}

@test "missing file" {
	run -1 --separate-stderr "$ZCAT" cat "$TMP/nope.gz"
	[ "$stderr" = "test_inflate: $TMP/nope.gz: No such file or directory" ]
}
