/* fuzz_inflate: deflate data, raw, zlib and gzip wrapped, whole-buffer and
 * streaming (in small steps), which must agree. */
#include "fuzz.h"
#include "inflate.h"
#include <stdlib.h>
#include <string.h>

#define MAX_OUT (1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int wrap = AD_Z_RAW; wrap <= AD_Z_GZIP; wrap++) {
		unsigned char *out = NULL, buf[100];
		size_t n = 0, got = 0;
		int whole = ad_inflate_buf(wrap, data, size, MAX_OUT, &out, &n);
		AdInflate *z = ad_inflate_new_mem(wrap, data, size);
		long k;
		while (got <= MAX_OUT && (k = ad_inflate_read(z, buf, 1 + got % sizeof buf)) > 0) {
			if (!whole && (got + (size_t)k > n || memcmp(out + got, buf, (size_t)k)))
				abort();          /* the two decoders disagree */
			got += (size_t)k;
		}
		if (!whole && (k != 0 || got != n))
			abort();
		(void)ad_inflate_error(z);
		(void)ad_inflate_consumed(z);
		ad_inflate_free(z);
		if (!whole)
			free(out);
	}
	(void)ad_adler32(1, data, size);
	return 0;
}
