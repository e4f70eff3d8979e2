/* bytes.h: fixed-width integers in a byte buffer, little- or big-endian,
 * independent of the host's byte order.  The file formats go through these:
 * adv (advec.c), the model and checkpoint files (modelfile.c), IDX (big-endian),
 * MAT (either order), npy, zip and gzip headers. */
#ifndef AD_BYTES_H
#define AD_BYTES_H
#include <stdint.h>

static inline uint32_t ad_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static inline uint32_t ad_le32(const unsigned char *p)
{
	return ad_le16(p) | ad_le16(p + 2) << 16;
}
static inline uint64_t ad_le64(const unsigned char *p)
{
	return (uint64_t)ad_le32(p) | (uint64_t)ad_le32(p + 4) << 32;
}
static inline uint32_t ad_be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | (uint32_t)p[1];
}
static inline uint32_t ad_be32(const unsigned char *p)
{
	return ad_be16(p) << 16 | ad_be16(p + 2);
}
static inline void ad_put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static inline void ad_put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

#endif
