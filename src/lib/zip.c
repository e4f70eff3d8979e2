/* zip.c: see zip.h. */
#include "zip.h"
#include "bytes.h"
#include "inflate.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int ad_zip_open(AdZip *z, const unsigned char *buf, size_t n, const char *file)
{
	size_t p, lo;
	memset(z, 0, sizeof *z);
	z->buf = buf;
	z->n = n;
	z->file = file;
	if (n < 22)
		return ad_error("%s: not a zip archive (too short)", file);
	/* the end record is the last 22 bytes plus a comment of up to 65535 */
	lo = n > 22 + 65535 ? n - 22 - 65535 : 0;
	for (p = n - 22;; p--) {
		if (ad_le32(buf + p) == 0x06054b50 && p + 22 + ad_le16(buf + p + 20) == n)
			break;
		if (p == lo)
			return ad_error("%s: not a zip archive (no end of central directory)", file);
	}
	if (p >= 20 && ad_le32(buf + p - 20) == 0x07064b50)
		return ad_error("%s: zip64 archives are not supported", file);
	if (ad_le16(buf + p + 4) != 0 || ad_le16(buf + p + 6) != 0)
		return ad_error("%s: multi-disk zip archives are not supported", file);
	z->count = (long)ad_le16(buf + p + 10);
	z->cd_size = ad_le32(buf + p + 12);
	z->cd_off = ad_le32(buf + p + 16);
	if (z->count == 0xffff || z->cd_off == 0xffffffffu)
		return ad_error("%s: zip64 archives are not supported", file);
	if (z->cd_off > p || z->cd_size > p - z->cd_off)
		return ad_error("%s: bad zip archive (central directory out of bounds)", file);
	return 0;
}

typedef struct {
	const unsigned char *name;
	size_t namelen, csize, usize, local;
	unsigned method, flags;
	uint32_t crc;
} Entry;

/* Entry k of the central directory at *pos; advances *pos.  0 or -1. */
static int entry(const AdZip *z, size_t *pos, Entry *e)
{
	const unsigned char *b = z->buf + z->cd_off;
	size_t p = *pos, end = z->cd_size;
	if (end - p < 46 || ad_le32(b + p) != 0x02014b50)
		return ad_error("%s: bad zip central directory entry", z->file);
	e->flags = ad_le16(b + p + 8);
	e->method = ad_le16(b + p + 10);
	e->crc = ad_le32(b + p + 16);
	e->csize = ad_le32(b + p + 20);
	e->usize = ad_le32(b + p + 24);
	e->namelen = ad_le16(b + p + 28);
	e->local = ad_le32(b + p + 42);
	size_t skip = 46 + e->namelen + ad_le16(b + p + 30) + ad_le16(b + p + 32);
	if (skip > end - p)
		return ad_error("%s: bad zip central directory entry", z->file);
	e->name = b + p + 46;
	*pos = p + skip;
	return 0;
}

void ad_zip_names(const AdZip *z, char *buf, size_t cap)
{
	size_t pos = 0, len = 0;
	Entry e;
	buf[0] = 0;
	for (long k = 0; k < z->count && entry(z, &pos, &e) == 0; k++) {
		if (len + e.namelen + 6 >= cap) {
			snprintf(buf + len, cap - len, "%s...", k ? ", " : "");
			return;
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s%.*s", k ? ", " : "",
		                        (int)e.namelen, (const char *)e.name);
		ad_printable(buf);
	}
}

int ad_zip_get(const AdZip *z, const char *name, unsigned char **out, size_t *out_n)
{
	size_t pos = 0, nl = strlen(name), off;
	const unsigned char *lh;
	unsigned char *data;
	Entry e;
	long k;
	for (k = 0; k < z->count; k++) {
		if (entry(z, &pos, &e) < 0)
			return -1;
		if (e.namelen == nl && !memcmp(e.name, name, nl))
			break;
	}
	if (k == z->count)
		return 1;
	if (e.csize == 0xffffffffu || e.usize == 0xffffffffu || e.local == 0xffffffffu)
		return ad_error("%s: %s: zip64 members are not supported", z->file, name);
	if (e.flags & 1)
		return ad_error("%s: %s: encrypted zip members are not supported", z->file, name);
	if (e.method != 0 && e.method != 8)
		return ad_error("%s: %s: zip compression method %u is not supported (only stored "
		                "and deflated)", z->file, name, e.method);
	if (e.local > z->n || z->n - e.local < 30 || ad_le32(z->buf + e.local) != 0x04034b50)
		return ad_error("%s: %s: bad zip local header", z->file, name);
	lh = z->buf + e.local;
	off = e.local + 30 + ad_le16(lh + 26) + ad_le16(lh + 28);
	if (off > z->n || e.csize > z->n - off)
		return ad_error("%s: %s: zip member data runs past the end of the archive", z->file,
		                name);
	if (e.method == 0) {
		if (e.csize != e.usize)
			return ad_error("%s: %s: stored member with different sizes", z->file, name);
		data = ad_xmalloc(e.usize ? e.usize : 1);
		memcpy(data, z->buf + off, e.usize);
		*out_n = e.usize;
	} else {
		if (e.usize / 1032 > e.csize + 64)
			return ad_error("%s: %s: implausible size %zu from %zu compressed bytes", z->file,
			                name, e.usize, e.csize);
		if (ad_inflate_buf(AD_Z_RAW, z->buf + off, e.csize, e.usize, &data, out_n) < 0)
			return ad_error("%s: %s: %s", z->file, name, ad_errmsg());
		if (*out_n != e.usize) {
			free(data);
			return ad_error("%s: %s: %zu bytes after decompression, %zu expected", z->file,
			                name, *out_n, e.usize);
		}
	}
	if (ad_crc32(0, data, *out_n) != e.crc) {
		free(data);
		return ad_error("%s: %s: CRC-32 check failed", z->file, name);
	}
	*out = data;
	return 0;
}
