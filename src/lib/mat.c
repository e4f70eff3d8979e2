/* mat.c: see mat.h.  Layout from MathWorks' "MAT-File Format" (Level 5). */
#include "mat.h"
#include "bytes.h"
#include "inflate.h"
#include "numarray.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { miINT8 = 1, miUINT8, miINT16, miUINT16, miINT32, miUINT32, miSINGLE, miDOUBLE = 9,
       miINT64 = 12, miUINT64, miMATRIX, miCOMPRESSED };
enum { mxSPARSE = 5, mxDOUBLE = 6, mxUINT64 = 15 };

typedef struct {
	const char *file;
	int big;
} Mat;

typedef struct {
	const char *want;            /* name asked for */
	int found;
	unsigned char *own;          /* decompressed element that a holds on to */
	AdNumArray a;
} Var;

static uint32_t u32(const Mat *m, const unsigned char *p)
{
	return m->big ? ad_be32(p) : ad_le32(p);
}

typedef struct {
	uint32_t type;
	const unsigned char *data;
	size_t len;
	size_t next;                 /* offset of the following element */
} Elem;

/* The data element at b[*p], within b[0..n).  1, 0 at the end, -1 on error. */
static int element(const Mat *m, const unsigned char *b, size_t n, size_t p, Elem *e,
                   const char *where)
{
	uint32_t t;
	if (p >= n)
		return 0;
	if (n - p < 8)
		return ad_error("%s: truncated data element tag (%s)", m->file, where);
	t = u32(m, b + p);
	if (t >> 16) { /* small data element: type and size in one word, data in the next 4 */
		e->type = t & 0xffff;
		e->len = t >> 16;
		if (e->len > 4)
			return ad_error("%s: bad small data element (%zu bytes, %s)", m->file, e->len,
			                where);
		e->data = b + p + 4;
		e->next = p + 8;
		return 1;
	}
	e->type = t;
	e->len = u32(m, b + p + 4);
	if (e->len > n - p - 8)
		return ad_error("%s: truncated: data element of %zu bytes runs past the end (%s)", m->file,
		                e->len, where);
	e->data = b + p + 8;
	e->next = p + 8 + e->len;
	if (t != miCOMPRESSED) /* padded to 8 bytes; compressed elements are not */
		e->next = e->len > n - p - 8 - 7 ? n : (e->next + 7) & ~(size_t)7;
	return 1;
}

static int numtype(uint32_t mi)
{
	switch (mi) {
	case miINT8: return AD_NUM_I8;
	case miUINT8: return AD_NUM_U8;
	case miINT16: return AD_NUM_I16;
	case miUINT16: return AD_NUM_U16;
	case miINT32: return AD_NUM_I32;
	case miUINT32: return AD_NUM_U32;
	case miSINGLE: return AD_NUM_F32;
	case miDOUBLE: return AD_NUM_F64;
	case miINT64: return AD_NUM_I64;
	case miUINT64: return AD_NUM_U64;
	}
	return -1;
}

static const char *classname(uint32_t c)
{
	static const char *names[] = {"unknown", "cell", "struct", "object", "char", "sparse",
		"double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32",
		"int64", "uint64", "function", "opaque"};
	return c < sizeof names / sizeof *names ? names[c] : "unknown";
}

/* An miMATRIX body b[0..n): if its name is one of vars', fill that var.  own is the
 * buffer b lives in when it must be kept (decompressed), else NULL; the function
 * takes it over.  names collects variable names for messages. */
static int matrix(const Mat *m, const unsigned char *b, size_t n, unsigned char *own,
                  Var *vars, int nvars, char *names, size_t names_cap)
{
	Elem fl, dm, nm, re;
	uint32_t flags, cls;
	char name[64];
	int64_t dims[2] = {1, 1};
	int ndims, v, t;
	if (element(m, b, n, 0, &fl, "array flags") != 1 || fl.type != miUINT32 || fl.len != 8)
		goto bad;
	if (element(m, b, n, fl.next, &dm, "dimensions") != 1 || dm.type != miINT32 ||
	    dm.len % 4 || dm.len < 8)
		goto bad;
	if (element(m, b, n, dm.next, &nm, "array name") != 1 || nm.type != miINT8)
		goto bad;
	flags = u32(m, fl.data);
	cls = flags & 0xff;
	snprintf(name, sizeof name, "%.*s", (int)(nm.len < 63 ? nm.len : 63), (const char *)nm.data);
	ad_printable(name);
	if (strlen(names) + strlen(name) + 3 < names_cap) {
		if (*names)
			strcat(names, ", ");
		strcat(names, name);
	}
	for (v = 0; v < nvars; v++)
		if (vars[v].want && !vars[v].found && !strcmp(vars[v].want, name))
			break;
	if (v == nvars) {
		free(own);
		return 0;
	}
	if (cls < mxDOUBLE || cls > mxUINT64) {
		free(own);
		return ad_error("%s: variable '%s' is a %s array, not a numeric matrix", m->file,
		                name, classname(cls));
	}
	if (flags & 0x800) {
		free(own);
		return ad_error("%s: variable '%s' is complex", m->file, name);
	}
	ndims = (int)(dm.len / 4);
	for (int k = 0; k < ndims; k++) {
		int32_t x = (int32_t)u32(m, dm.data + 4 * k);
		if (x < 0)
			goto bad;
		if (k < 2)
			dims[k] = x;
		else if (x != 1) {
			free(own);
			return ad_error("%s: variable '%s' has %d dimensions (2 expected)", m->file,
			                name, ndims);
		}
	}
	if (element(m, b, n, nm.next, &re, "real part") != 1 || (t = numtype(re.type)) < 0)
		goto bad;
	if ((uint64_t)dims[0] * (uint64_t)dims[1] != re.len / ad_num_size(t) ||
	    re.len % ad_num_size(t)) {
		free(own);
		return ad_error("%s: variable '%s': %lld x %lld matrix but %zu bytes of %s data",
		                m->file, name, (long long)dims[0], (long long)dims[1], re.len,
		                classname(cls));
	}
	vars[v].found = 1;
	vars[v].own = own;
	vars[v].a.data = re.data;
	vars[v].a.type = t;
	vars[v].a.big = m->big;
	vars[v].a.rows = (long)dims[0];
	vars[v].a.cols = (long)dims[1];
	vars[v].a.colmajor = 1;
	return 0;
bad:
	free(own);
	return ad_error("%s: malformed miMATRIX element", m->file);
}

/* Decompress an miCOMPRESSED body; its content must be one data element. */
static int compressed(const Mat *m, const Elem *e, Var *vars, int nvars, char *names,
                      size_t names_cap)
{
	AdInflate *z = ad_inflate_new_mem(AD_Z_ZLIB, e->data, e->len);
	unsigned char tag[8], extra[64], *buf = NULL;
	size_t got = 0, size;
	long k;
	while (got < 8 && (k = ad_inflate_read(z, tag + got, 8 - got)) > 0)
		got += (size_t)k;
	if (got < 8)
		goto zfail;
	size = u32(m, tag + 4);
	if (u32(m, tag) != miMATRIX) { /* something else compressed: skip it */
		ad_inflate_free(z);
		return 0;
	}
	/* deflate expands at most about 1032:1; a larger claim is corrupt */
	if (size / 1032 > e->len + 64) {
		ad_inflate_free(z);
		return ad_error("%s: compressed element claims %zu bytes from %zu", m->file, size,
		                e->len);
	}
	buf = ad_xmalloc(size ? size : 1);
	got = 0;
	while (got < size && (k = ad_inflate_read(z, buf + got, size - got)) > 0)
		got += (size_t)k;
	if (got < size)
		goto zfail;
	got = 0;   /* up to 7 bytes of padding may follow; then the stream must end */
	while ((k = ad_inflate_read(z, extra, sizeof extra)) > 0)
		got += (size_t)k;
	if (k < 0)
		goto zfail;
	if (got > 7) {
		free(buf);
		ad_inflate_free(z);
		return ad_error("%s: compressed element longer than its tag says", m->file);
	}
	ad_inflate_free(z);
	return matrix(m, buf, size, buf, vars, nvars, names, names_cap);
zfail:
	free(buf);
	if (k < 0 || ad_inflate_error(z))
		ad_error("%s: miCOMPRESSED element: %s", m->file, ad_errmsg());
	else
		ad_error("%s: miCOMPRESSED element shorter than its tag says", m->file);
	ad_inflate_free(z);
	return -1;
}

int ad_mat_load(const char *path, const char *xname, const char *yname, AdvData *d)
{
	return ad_slurp_parse(path, ad_mat_parse, xname, yname, d);
}

int ad_mat_parse(const unsigned char *b, size_t n, const char *file, const char *xname,
                 const char *yname, AdvData *d)
{
	Mat m = {file, 0};
	Var vars[2] = {{xname, 0, NULL, {0}}, {yname, 0, NULL, {0}}};
	size_t p = 128;
	char names[256] = "";
	int r = -1;
	Elem e;
	memset(d, 0, sizeof *d);
	if (n < 128) {
		ad_error("%s: not a MATLAB 5 MAT-file (%zu bytes, header is 128)", m.file, n);
		goto out;
	}
	if (!memcmp(b + 126, "MI", 2))
		m.big = 1;
	else if (memcmp(b + 126, "IM", 2)) {
		if (!memcmp(b, "MATLAB 7.3", 10))
			ad_error("%s: MATLAB v7.3 (HDF5) files are not supported; save with -v7", m.file);
		else if (!b[0] || !b[1] || !b[2] || !b[3])
			ad_error("%s: MATLAB v4 files are not supported; save with -v7", m.file);
		else
			ad_error("%s: not a MATLAB 5 MAT-file (no endian indicator)", m.file);
		goto out;
	}
	if ((m.big ? ad_be16(b + 124) : ad_le16(b + 124)) != 0x0100) {
		if (!memcmp(b, "MATLAB 7.3", 10))
			ad_error("%s: MATLAB v7.3 (HDF5) files are not supported; save with -v7", m.file);
		else
			ad_error("%s: unsupported MAT-file version", m.file);
		goto out;
	}
	for (;;) {
		int k = element(&m, b, n, p, &e, "top level");
		if (k < 0)
			goto out;
		if (k == 0)
			break;
		if (e.type == miCOMPRESSED) {
			if (compressed(&m, &e, vars, 2, names, sizeof names) < 0)
				goto out;
		} else if (e.type == miMATRIX) {
			if (matrix(&m, e.data, e.len, NULL, vars, 2, names, sizeof names) < 0)
				goto out;
		}
		if (vars[0].found && (!yname || vars[1].found))
			break;
		p = e.next;
	}
	for (int v = 0; v < 2; v++)
		if (vars[v].want && !vars[v].found) {
			ad_error("%s: no numeric variable '%s' (variables: %s)", m.file, vars[v].want,
			         *names ? names : "none");
			goto out;
		}
	{
		AdNumArray *y = yname ? &vars[1].a : NULL;
		if (y && y->rows != 1 && y->cols != 1) {
			ad_error("%s: label variable '%s' is %ld x %ld, not a vector", m.file, yname,
			         y->rows, y->cols);
			goto out;
		}
		r = ad_numarray_to_adv(m.file, xname, &vars[0].a, yname, y, d);
	}
out:
	free(vars[0].own);
	free(vars[1].own);
	return r;
}
