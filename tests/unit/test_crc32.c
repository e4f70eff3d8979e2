/* test_crc32.c: ad_crc32() against the published check values of CRC-32 (the
 * zlib/gzip polynomial) and against a bit-at-a-time CRC written here from the
 * polynomial alone, on every length 0..300 at every start offset 0..7 and when
 * the buffer is fed in two parts (the eight-byte steps and the byte-at-a-time tail
 * meet at every position). */
#include "unit.h"
#include "util.h"
#include <stdint.h>
#include <string.h>

/* one bit a step: the definition of the reflected CRC-32, 0xEDB88320 */
static uint32_t crc_bits(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

int main(void)
{
	/* the check value of the CRC-32 catalogues, and of zlib's crc32() */
	CHECK(ad_crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(ad_crc32(0, "The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u);
	CHECK(ad_crc32(0, "", 0) == 0);
	CHECK(ad_crc32(0, "a", 1) == 0xE8B7BE43u);
	/* continuing from a CRC: the same as one call over the whole */
	CHECK(ad_crc32(ad_crc32(0, "12345", 5), "6789", 4) == 0xCBF43926u);

	unsigned char buf[320];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	int bad = 0, bad_split = 0;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= 308; n++) {
			uint32_t want = crc_bits(0, buf + off, n);
			bad += ad_crc32(0, buf + off, n) != want;
			for (size_t cut = 0; cut <= n; cut += 3)
				bad_split += ad_crc32(ad_crc32(0, buf + off, cut), buf + off + cut, n - cut) != want;
		}
	CHECK(bad == 0);
	CHECK(bad_split == 0);
	/* a long buffer: 1 MB of the same pseudo-random bytes */
	size_t big = 1 << 20;
	unsigned char *b = malloc(big);
	REQUIRE(b);
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	CHECK(ad_crc32(0, b, big) == crc_bits(0, b, big));
	free(b);
	return UNIT_DONE();
}
