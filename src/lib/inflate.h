/* inflate.h: a decoder of deflate data (RFC 1951) with the zlib (RFC 1950) and
 * gzip (RFC 1952) wrappers, streaming in constant memory (a 32 KiB window).
 *
 * Stored, fixed-Huffman and dynamic-Huffman blocks.  zlib: header check, no preset
 * dictionary, Adler-32 checked.  gzip: FEXTRA/FNAME/FCOMMENT skipped, FHCRC, CRC-32
 * and ISIZE checked, members concatenated (`cat a.gz b.gz`) decode as one stream.
 * Corrupt or truncated input gives -1 and ad_error("corrupt gzip data: REASON")
 * (or "corrupt zlib data: ...", "corrupt deflate data: ..."), never a crash: every
 * table access is bounds-checked and every loop consumes input or output. */
#ifndef AD_INFLATE_H
#define AD_INFLATE_H
#include <stddef.h>
#include <stdint.h>

enum { AD_Z_RAW = 0, AD_Z_ZLIB = 1, AD_Z_GZIP = 2 };

/* Input callback: fill buf with up to cap bytes; return the count, 0 at the end of
 * the input, or -1 after ad_error() on a read error. */
typedef long (*AdZRead)(void *ctx, unsigned char *buf, size_t cap);

typedef struct AdInflate AdInflate;

/* A decoder of one stream (wrap = AD_Z_RAW, AD_Z_ZLIB or AD_Z_GZIP) that pulls its
 * input through rd(ctx, ...). */
AdInflate *ad_inflate_new(int wrap, AdZRead rd, void *ctx);
/* The same on a buffer in memory (in[0..n) must stay valid while decoding). */
AdInflate *ad_inflate_new_mem(int wrap, const void *in, size_t n);
/* Decompress up to n bytes into buf: the count (> 0, less than n only at the end
 * of a block or the stream), 0 at the end of the stream (after its checks), or -1
 * + ad_error.  After -1 every further call returns -1 with the same message.
 * n must be > 0 (n == 0 returns 0, or -1 after an error). */
long ad_inflate_read(AdInflate *z, void *buf, size_t n);
/* The message of the error that stopped z, or NULL. */
const char *ad_inflate_error(const AdInflate *z);
/* Bytes of input consumed so far by a memory decoder (after the stream's end:
 * its exact length, wrapper included). */
size_t ad_inflate_consumed(const AdInflate *z);
void ad_inflate_free(AdInflate *z);

/* Whole buffer: decompress the stream in in[0..n) into a malloc'd *out of *out_n
 * bytes.  Output above max_out bytes is an error.  0, or -1 + ad_error. */
int ad_inflate_buf(int wrap, const void *in, size_t n, size_t max_out,
                   unsigned char **out, size_t *out_n);

/* Adler-32 of a buffer, continuing from a (1 to start). */
uint32_t ad_adler32(uint32_t a, const void *buf, size_t n);

#endif
