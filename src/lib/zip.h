/* zip.h: reading members of a zip archive held in memory (PKWARE APPNOTE):
 * the end-of-central-directory record, central directory entries, local headers;
 * members stored (method 0) or deflated (method 8, inflate.h), CRC-32 checked.
 * Sizes come from the central directory, so local headers with zip64 extra fields
 * (as NumPy writes them) are fine; zip64 archives or members (4 GiB and over),
 * encrypted members and other methods are refused with a message. */
#ifndef AD_ZIP_H
#define AD_ZIP_H
#include <stddef.h>

typedef struct {
	const unsigned char *buf;
	size_t n;
	const char *file;            /* for messages */
	size_t cd_off, cd_size;      /* central directory */
	long count;                  /* entries */
} AdZip;

/* 0, or -1 + ad_error("FILE: ..."). */
int ad_zip_open(AdZip *z, const unsigned char *buf, size_t n, const char *file);
/* Extract member name into a malloc'd *out of *out_n bytes: 0; 1 if there is no
 * such member; -1 + ad_error on a damaged archive or member. */
int ad_zip_get(const AdZip *z, const char *name, unsigned char **out, size_t *out_n);
/* Member names, ", "-separated and cut to fit cap bytes (for messages). */
void ad_zip_names(const AdZip *z, char *buf, size_t cap);

#endif
