/* inflate.c: see inflate.h.
 *
 * Input is pulled through a 64-bit bit buffer (deflate packs bits from the least
 * significant end of each byte).  Huffman codes are decoded through a table on the
 * next FAST bits; longer codes fall back to the canonical decode, one bit at a time,
 * from the code counts.  Output goes to the caller and into a 32 KiB ring window
 * that back references copy from.  The only suspension point is "caller's buffer
 * full": input is pulled (blocking) whenever needed. */
#include "inflate.h"
#include "bytes.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define WSIZE 32768u
#define WMASK (WSIZE - 1)
#define FAST 9
#define MAXBITS 15
#define NLIT 288
#define NDIST 32

typedef struct {
	uint16_t count[MAXBITS + 1];     /* codes of each length */
	int maxlen;                      /* longest code length in use */
	uint16_t sym[NLIT];              /* symbols in canonical order */
	uint16_t fast[1u << FAST];       /* (length << 9) | symbol; 0 = longer or invalid */
} Huff;

enum { S_HEAD, S_BLOCK, S_STORED, S_HUFF, S_TRAIL, S_NEXT, S_DONE, S_ERR };

struct AdInflate {
	int wrap, state, last;
	AdZRead rd;
	void *ctx;
	const unsigned char *ip, *iend, *istart;
	int ieof, ierr;
	uint64_t bb;                     /* bit buffer */
	int bn;                          /* bits in bb */
	uint32_t check;                  /* running CRC-32 or Adler-32 of the output */
	uint64_t osize;                  /* output bytes of the current member */
	size_t stored_left;
	unsigned mlen, mdist;            /* pending back reference */
	uint32_t wpos;
	Huff lit, dist;
	char msg[200];
	unsigned char win[WSIZE];
	unsigned char ibuf[16384];
};

static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
	31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3,
	3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
	193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
	8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

uint32_t ad_adler32(uint32_t a, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint32_t s1 = a & 0xffff, s2 = a >> 16;
	while (n) {
		size_t k = n < 5552 ? n : 5552;   /* largest run without 32-bit overflow */
		n -= k;
		while (k--) {
			s1 += *p++;
			s2 += s1;
		}
		s1 %= 65521;
		s2 %= 65521;
	}
	return s2 << 16 | s1;
}

static const char *wrapname(int wrap)
{
	return wrap == AD_Z_GZIP ? "gzip" : wrap == AD_Z_ZLIB ? "zlib" : "deflate";
}

static int fail(AdInflate *z, const char *why)
{
	if (z->state != S_ERR) {
		if (z->ierr) /* the read callback's own message */
			snprintf(z->msg, sizeof z->msg, "%s", ad_errmsg());
		else
			snprintf(z->msg, sizeof z->msg, "corrupt %s data: %s", wrapname(z->wrap), why);
		z->state = S_ERR;
	}
	ad_error("%s", z->msg);
	return -1;
}

static int truncated(AdInflate *z)
{
	return fail(z, "unexpected end of data");
}

/* Pull more input into ibuf; sets ieof or ierr when there is none. */
static void pull(AdInflate *z)
{
	long k;
	if (z->ieof || z->ierr)
		return;
	if (!z->rd) {
		z->ieof = 1;
		return;
	}
	k = z->rd(z->ctx, z->ibuf, sizeof z->ibuf);
	if (k < 0) {
		z->ierr = 1;
	} else if (k == 0) {
		z->ieof = 1;
	} else {
		z->ip = z->ibuf;
		z->iend = z->ibuf + k;
	}
}

static void refill(AdInflate *z)
{
	while (z->bn <= 56) {
		if (z->ip == z->iend) {
			pull(z);
			if (z->ip == z->iend)
				return;
		}
		z->bb |= (uint64_t)*z->ip++ << z->bn;
		z->bn += 8;
	}
}

/* n <= 32 bits, or -1 at the end of input. */
static long bits(AdInflate *z, int n)
{
	uint32_t v;
	if (z->bn < n) {
		refill(z);
		if (z->bn < n)
			return truncated(z);
	}
	v = (uint32_t)(z->bb & ((1ull << n) - 1));
	z->bb >>= n;
	z->bn -= n;
	return v;
}

static void align(AdInflate *z)
{
	int r = z->bn & 7;
	z->bb >>= r;
	z->bn -= r;
}

/* Build the decoding tables from code lengths len[0..n) (each 0..15).  Returns 0 for
 * a complete code, > 0 for an incomplete one, -1 for an over-subscribed one. */
static int build(Huff *h, const uint8_t *len, int n)
{
	uint16_t offs[MAXBITS + 2];
	int left = 1;
	unsigned code = 0;
	int idx = 0;
	memset(h->count, 0, sizeof h->count);
	memset(h->fast, 0, sizeof h->fast);
	for (int i = 0; i < n; i++)
		h->count[len[i]]++;
	h->maxlen = 0;
	for (int l = 1; l <= MAXBITS; l++)
		if (h->count[l])
			h->maxlen = l;
	for (int l = 1; l <= MAXBITS; l++) {
		left = left * 2 - h->count[l];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (int l = 1; l < MAXBITS; l++)
		offs[l + 1] = offs[l] + h->count[l];
	for (int i = 0; i < n; i++)
		if (len[i])
			h->sym[offs[len[i]]++] = (uint16_t)i;
	for (int l = 1; l <= MAXBITS; l++) {
		for (int k = 0; k < h->count[l]; k++, code++, idx++) {
			unsigned rev = 0;
			if (l > FAST)
				continue;
			for (int b = 0; b < l; b++)
				rev |= ((code >> b) & 1u) << (l - 1 - b);
			for (unsigned f = rev; f < (1u << FAST); f += 1u << l)
				h->fast[f] = (uint16_t)(l << 9 | h->sym[idx]);
		}
		code <<= 1;
	}
	return left;
}

/* A code is usable if complete, or if it has a single code of length 1 (RFC 1951
 * allows one distance code; zlib accepts the same for literal/lengths). */
static int usable(const Huff *h, int n, int r)
{
	return r == 0 || (r > 0 && n - h->count[0] == h->count[1]);
}

/* Next symbol, or -1. */
static int decode(AdInflate *z, const Huff *h, const char *what)
{
	unsigned e;
	int code = 0, first = 0, index = 0;
	if (z->bn < MAXBITS)
		refill(z);
	e = h->fast[z->bb & ((1u << FAST) - 1)];
	if (e) {
		int l = (int)(e >> 9);
		if (l > z->bn)
			return truncated(z);
		z->bb >>= l;
		z->bn -= l;
		return (int)(e & 511);
	}
	for (int l = 1; l <= h->maxlen; l++) {
		int count;
		if (z->bn < 1)
			return truncated(z);
		code |= (int)(z->bb & 1);
		z->bb >>= 1;
		z->bn--;
		count = h->count[l];
		if (code - count < first) {
			int i = index + (code - first);
			if (i < 0 || i >= NLIT)
				break;
			return h->sym[i];
		}
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	char why[64];
	snprintf(why, sizeof why, "invalid %s code", what);
	return fail(z, why);
}

static int fixed_tables(AdInflate *z)
{
	uint8_t len[NLIT];
	int i;
	for (i = 0; i < 144; i++) len[i] = 8;
	for (; i < 256; i++) len[i] = 9;
	for (; i < 280; i++) len[i] = 7;
	for (; i < NLIT; i++) len[i] = 8;
	build(&z->lit, len, NLIT);
	for (i = 0; i < 30; i++) len[i] = 5;
	build(&z->dist, len, 30);   /* incomplete: codes 30 and 31 are invalid */
	return 0;
}

static int dynamic_tables(AdInflate *z)
{
	static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2,
		14, 1, 15};
	uint8_t len[NLIT + NDIST];
	long hlit, hdist, hclen, v;
	int n = 0, r;
	if ((hlit = bits(z, 5)) < 0 || (hdist = bits(z, 5)) < 0 || (hclen = bits(z, 4)) < 0)
		return -1;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286)
		return fail(z, "too many literal/length codes");
	if (hdist > 30)
		return fail(z, "too many distance codes");
	memset(len, 0, sizeof len);
	for (int i = 0; i < hclen; i++) {
		if ((v = bits(z, 3)) < 0)
			return -1;
		len[order[i]] = (uint8_t)v;
	}
	if (build(&z->lit, len, 19) != 0)
		return fail(z, "invalid code length code");
	while (n < hlit + hdist) {
		int sym = decode(z, &z->lit, "code length");
		int rep, val = 0;
		if (sym < 0)
			return -1;
		if (sym < 16) {
			len[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0)
				return fail(z, "repeat of a code length with no previous length");
			val = len[n - 1];
			if ((v = bits(z, 2)) < 0)
				return -1;
			rep = 3 + (int)v;
		} else if (sym == 17) {
			if ((v = bits(z, 3)) < 0)
				return -1;
			rep = 3 + (int)v;
		} else if (sym == 18) {
			if ((v = bits(z, 7)) < 0)
				return -1;
			rep = 11 + (int)v;
		} else {
			return fail(z, "invalid code length code");
		}
		if (n + rep > hlit + hdist)
			return fail(z, "code lengths repeat past the end of the table");
		while (rep--)
			len[n++] = (uint8_t)val;
	}
	if (len[256] == 0)
		return fail(z, "no end-of-block code");
	r = build(&z->lit, len, (int)hlit);
	if (!usable(&z->lit, (int)hlit, r))
		return fail(z, r < 0 ? "over-subscribed literal/length code"
		                     : "incomplete literal/length code");
	r = build(&z->dist, len + hlit, (int)hdist);
	if (!usable(&z->dist, (int)hdist, r))
		return fail(z, r < 0 ? "over-subscribed distance code" : "incomplete distance code");
	return 0;
}

static int getbyte(AdInflate *z)
{
	return (int)bits(z, 8);
}

/* The gzip member header after its first two bytes (already checked). */
static int gzip_header(AdInflate *z)
{
	unsigned char h[10];
	uint32_t crc;
	int c, flg;
	h[0] = 0x1f;
	h[1] = 0x8b;
	for (int i = 2; i < 10; i++) {
		if ((c = getbyte(z)) < 0)
			return -1;
		h[i] = (unsigned char)c;
	}
	if (h[2] != 8)
		return fail(z, "unknown compression method");
	flg = h[3];
	if (flg & 0xe0)
		return fail(z, "reserved header flags set");
	crc = ad_crc32(0, h, 10);
	if (flg & 4) { /* FEXTRA */
		unsigned char x[2];
		long xlen;
		for (int i = 0; i < 2; i++) {
			if ((c = getbyte(z)) < 0)
				return -1;
			x[i] = (unsigned char)c;
		}
		crc = ad_crc32(crc, x, 2);
		xlen = (long)ad_le16(x);
		while (xlen--) {
			unsigned char b;
			if ((c = getbyte(z)) < 0)
				return -1;
			b = (unsigned char)c;
			crc = ad_crc32(crc, &b, 1);
		}
	}
	for (int f = 8; f <= 16; f <<= 1) { /* FNAME, then FCOMMENT: zero-terminated */
		if (!(flg & f))
			continue;
		do {
			unsigned char b;
			if ((c = getbyte(z)) < 0)
				return -1;
			b = (unsigned char)c;
			crc = ad_crc32(crc, &b, 1);
		} while (c != 0);
	}
	if (flg & 2) { /* FHCRC */
		long v = bits(z, 16);
		if (v < 0)
			return -1;
		if ((uint32_t)v != (crc & 0xffff))
			return fail(z, "header CRC mismatch");
	}
	return 0;
}

static void begin_member(AdInflate *z)
{
	z->check = z->wrap == AD_Z_ZLIB ? 1 : 0;
	z->osize = 0;
	z->last = 0;
	z->mlen = 0;
}

static int header(AdInflate *z)
{
	long a, b;
	begin_member(z);
	if (z->wrap == AD_Z_RAW)
		return 0;
	if ((a = bits(z, 8)) < 0 || (b = bits(z, 8)) < 0)
		return -1;
	if (z->wrap == AD_Z_GZIP) {
		if (a != 0x1f || b != 0x8b)
			return fail(z, "not in gzip format (bad magic)");
		return gzip_header(z);
	}
	if ((a & 15) != 8)
		return fail(z, "unknown compression method");
	if ((a >> 4) > 7)
		return fail(z, "invalid window size");
	if ((a * 256 + b) % 31)
		return fail(z, "header check failed");
	if (b & 32)
		return fail(z, "preset dictionary not supported");
	return 0;
}

static int trailer(AdInflate *z)
{
	uint32_t v[2] = {0, 0};
	align(z);
	if (z->wrap == AD_Z_ZLIB) {
		for (int i = 0; i < 4; i++) {
			int c = getbyte(z);
			if (c < 0)
				return -1;
			v[0] = v[0] << 8 | (uint32_t)c;
		}
		if (v[0] != z->check)
			return fail(z, "Adler-32 check failed");
	} else if (z->wrap == AD_Z_GZIP) {
		for (int k = 0; k < 2; k++)
			for (int i = 0; i < 4; i++) {
				int c = getbyte(z);
				if (c < 0)
					return -1;
				v[k] |= (uint32_t)c << (8 * i);
			}
		if (v[0] != z->check)
			return fail(z, "CRC-32 check failed");
		if (v[1] != (uint32_t)z->osize)
			return fail(z, "length check failed (ISIZE)");
	}
	return 0;
}

/* After a gzip member: another member, or the end of input. */
static int next_member(AdInflate *z)
{
	long a, b;
	if (z->bn < 8)
		refill(z);
	if (z->bn == 0) {
		if (z->ierr)
			return fail(z, "");
		return 0;
	}
	if ((a = bits(z, 8)) < 0)
		return -1;
	if (a == 0x1f) {
		if ((b = bits(z, 8)) < 0)
			return -1;
		if (b == 0x8b) {
			begin_member(z);
			if (gzip_header(z) < 0)
				return -1;
			return 1;
		}
	}
	return fail(z, "trailing garbage after the last member");
}

static void update_check(AdInflate *z, const unsigned char *p, size_t n)
{
	if (z->wrap == AD_Z_GZIP)
		z->check = ad_crc32(z->check, p, n);
	else if (z->wrap == AD_Z_ZLIB)
		z->check = ad_adler32(z->check, p, n);
	z->osize += n;
}

static int block_header(AdInflate *z)
{
	long last, type;
	if ((last = bits(z, 1)) < 0 || (type = bits(z, 2)) < 0)
		return -1;
	z->last = (int)last;
	if (type == 0) {
		long len, nlen;
		align(z);
		if ((len = bits(z, 16)) < 0 || (nlen = bits(z, 16)) < 0)
			return -1;
		if ((len ^ 0xffff) != nlen)
			return fail(z, "stored block length check failed");
		z->stored_left = (size_t)len;
		z->state = S_STORED;
		return 0;
	}
	if (type == 3)
		return fail(z, "invalid block type");
	if ((type == 1 ? fixed_tables(z) : dynamic_tables(z)) < 0)
		return -1;
	z->state = S_HUFF;
	return 0;
}

static inline void put(AdInflate *z, unsigned char *out, size_t *o, unsigned char c)
{
	z->win[z->wpos++ & WMASK] = c;
	out[(*o)++] = c;
}

/* Decode a Huffman block into out[*o..n).  1 at the block's end, 0 when out is full. */
static int huff(AdInflate *z, unsigned char *out, size_t *o, size_t n)
{
	while (*o < n) {
		int sym;
		if (z->mlen) {
			while (z->mlen && *o < n) {
				put(z, out, o, z->win[(z->wpos - z->mdist) & WMASK]);
				z->mlen--;
			}
			continue;
		}
		if ((sym = decode(z, &z->lit, "literal/length")) < 0)
			return -1;
		if (sym < 256) {
			put(z, out, o, (unsigned char)sym);
		} else if (sym == 256) {
			return 1;
		} else {
			long e, d;
			sym -= 257;
			if (sym >= 29)
				return fail(z, "invalid literal/length code");
			if ((e = bits(z, len_extra[sym])) < 0)
				return -1;
			z->mlen = len_base[sym] + (unsigned)e;
			if ((d = decode(z, &z->dist, "distance")) < 0)
				return -1;
			if (d >= 30)
				return fail(z, "invalid distance code");
			if ((e = bits(z, dist_extra[d])) < 0)
				return -1;
			z->mdist = dist_base[d] + (unsigned)e;
			/* osize counts only output already checksummed; add this call's part */
			if (z->mdist > z->osize + *o)
				return fail(z, "distance too far back");
		}
	}
	return 0;
}

long ad_inflate_read(AdInflate *z, void *buf, size_t n)
{
	unsigned char *out = buf;
	size_t o = 0, ck = 0;    /* output produced; part of it already checksummed */
	if (n == 0)
		return z->state == S_ERR ? fail(z, "") : 0;
	if (n > (size_t)1 << 30)
		n = (size_t)1 << 30;
	while (o < n || z->state == S_TRAIL || z->state == S_NEXT || z->state == S_HEAD) {
		int r;
		switch (z->state) {
		case S_ERR:
			ad_error("%s", z->msg);
			return -1;
		case S_DONE:
			goto out;
		case S_HEAD:
			if (header(z) < 0)
				return -1;
			z->state = S_BLOCK;
			break;
		case S_BLOCK:
			if (block_header(z) < 0)
				return -1;
			break;
		case S_STORED:
			align(z);
			while (z->stored_left && o < n) {
				if (z->bn >= 8) {
					put(z, out, &o, (unsigned char)z->bb);
					z->bb >>= 8;
					z->bn -= 8;
					z->stored_left--;
					continue;
				}
				if (z->ip == z->iend) {
					pull(z);
					if (z->ip == z->iend)
						return truncated(z);
				}
				size_t k = (size_t)(z->iend - z->ip);
				if (k > z->stored_left)
					k = z->stored_left;
				if (k > n - o)
					k = n - o;
				for (size_t i = 0; i < k; i++)
					put(z, out, &o, z->ip[i]);
				z->ip += k;
				z->stored_left -= k;
			}
			if (z->stored_left == 0)
				z->state = z->last ? S_TRAIL : S_BLOCK;
			break;
		case S_HUFF:
			/* distances are checked against osize + (o - ck) */
			update_check(z, out + ck, o - ck);
			ck = o;
			{
				size_t oo = 0;
				r = huff(z, out + o, &oo, n - o);
				o += oo;
			}
			if (r < 0)
				return -1;
			if (r == 1)
				z->state = z->last ? S_TRAIL : S_BLOCK;
			break;
		case S_TRAIL:
			update_check(z, out + ck, o - ck);
			ck = o;
			if (trailer(z) < 0)
				return -1;
			z->state = z->wrap == AD_Z_GZIP ? S_NEXT : S_DONE;
			break;
		case S_NEXT:
			r = next_member(z);
			if (r < 0)
				return -1;
			z->state = r ? S_BLOCK : S_DONE;
			break;
		}
	}
out:
	update_check(z, out + ck, o - ck);
	return (long)o;
}

static AdInflate *alloc(int wrap)
{
	AdInflate *z = ad_xcalloc(1, sizeof *z);
	z->wrap = wrap;
	z->state = S_HEAD;
	return z;
}

AdInflate *ad_inflate_new(int wrap, AdZRead rd, void *ctx)
{
	AdInflate *z = alloc(wrap);
	z->rd = rd;
	z->ctx = ctx;
	z->ip = z->iend = z->istart = z->ibuf;
	return z;
}

AdInflate *ad_inflate_new_mem(int wrap, const void *in, size_t n)
{
	AdInflate *z = alloc(wrap);
	z->ip = z->istart = in;
	z->iend = z->ip + n;
	z->ieof = 1;
	return z;
}

const char *ad_inflate_error(const AdInflate *z)
{
	return z->state == S_ERR ? z->msg : NULL;
}

size_t ad_inflate_consumed(const AdInflate *z)
{
	return (size_t)(z->ip - z->istart) - (size_t)(z->bn / 8);
}

void ad_inflate_free(AdInflate *z)
{
	free(z);
}

int ad_inflate_buf(int wrap, const void *in, size_t n, size_t max_out,
                   unsigned char **out, size_t *out_n)
{
	AdInflate *z = ad_inflate_new_mem(wrap, in, n);
	size_t cap = n < 1024 ? 4096 : n * 4, len = 0;
	unsigned char *p;
	long k;
	if (max_out > (size_t)-1 / 4)
		max_out = (size_t)-1 / 4;
	if (cap > max_out + 1)
		cap = max_out + 1;
	p = ad_xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > max_out) {
				free(p);
				ad_inflate_free(z);
				return ad_error("corrupt %s data: more than %zu bytes of output",
				                wrapname(wrap), max_out);
			}
			cap = cap > max_out / 2 ? max_out + 1 : cap * 2;
			p = ad_xrealloc(p, cap);
		}
		k = ad_inflate_read(z, p + len, cap - len);
		if (k < 0) {
			free(p);
			ad_inflate_free(z);
			return -1;
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > max_out) {
			free(p);
			ad_inflate_free(z);
			return ad_error("corrupt %s data: more than %zu bytes of output",
			                wrapname(wrap), max_out);
		}
	}
	ad_inflate_free(z);
	*out = p;
	*out_n = len;
	return 0;
}
