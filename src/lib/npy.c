/* npy.c: see npy.h.  Format from NumPy's "A Simple File Format for NumPy Arrays"
 * (numpy/lib/format.py documentation). */
#include "npy.h"
#include "bytes.h"
#include "util.h"
#include "zip.h"
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADER 65536

typedef struct {
	const char *p, *end;
} Lex;

static void ws(Lex *l)
{
	while (l->p < l->end && isspace((unsigned char)*l->p))
		l->p++;
}

static int eat(Lex *l, char c)
{
	ws(l);
	if (l->p < l->end && *l->p == c) {
		l->p++;
		return 1;
	}
	return 0;
}

/* A quoted Python string into buf; 0 or -1. */
static int pystr(Lex *l, char *buf, size_t cap)
{
	char q;
	size_t k = 0;
	ws(l);
	if (l->p >= l->end || (*l->p != '\'' && *l->p != '"'))
		return -1;
	q = *l->p++;
	while (l->p < l->end && *l->p != q) {
		if (k + 1 >= cap)
			return -1;
		buf[k++] = *l->p++;
	}
	if (l->p >= l->end)
		return -1;
	l->p++;
	buf[k] = 0;
	return 0;
}

/* The header dict: descr, fortran_order, shape.  0, or -1 with *why set. */
static int header(Lex *l, char *descr, int *fortran, int *ndim, int64_t shape[8],
                  const char **why)
{
	int have = 0;
	*why = "malformed header dictionary";
	if (!eat(l, '{'))
		return -1;
	while (!eat(l, '}')) {
		char key[32];
		if (pystr(l, key, sizeof key) < 0 || !eat(l, ':'))
			return -1;
		ws(l);
		if (!strcmp(key, "descr")) {
			if (l->p < l->end && *l->p == '[') {
				*why = "structured dtypes are not supported";
				return -1;
			}
			if (pystr(l, descr, 16) < 0)
				return -1;
			have |= 1;
		} else if (!strcmp(key, "fortran_order")) {
			if (l->end - l->p >= 4 && !memcmp(l->p, "True", 4)) {
				*fortran = 1;
				l->p += 4;
			} else if (l->end - l->p >= 5 && !memcmp(l->p, "False", 5)) {
				*fortran = 0;
				l->p += 5;
			} else {
				return -1;
			}
			have |= 2;
		} else if (!strcmp(key, "shape")) {
			if (!eat(l, '('))
				return -1;
			*ndim = 0;
			while (!eat(l, ')')) {
				int64_t v = 0;
				ws(l);
				if (l->p >= l->end || !isdigit((unsigned char)*l->p))
					return -1;
				while (l->p < l->end && isdigit((unsigned char)*l->p)) {
					if (v > (INT64_MAX - 9) / 10) {
						*why = "dimension too large";
						return -1;
					}
					v = v * 10 + (*l->p++ - '0');
				}
				if (l->p < l->end && *l->p == 'L') /* Python 2 long */
					l->p++;
				if (*ndim == 8) {
					*why = "too many dimensions";
					return -1;
				}
				shape[(*ndim)++] = v;
				if (!eat(l, ',') && !(ws(l), l->p < l->end && *l->p == ')'))
					return -1;
			}
			have |= 4;
		} else {
			return -1;
		}
		if (!eat(l, ','))
			if (!(ws(l), l->p < l->end && *l->p == '}'))
				return -1;
	}
	if (have != 7) {
		*why = "header lacks descr, fortran_order or shape";
		return -1;
	}
	return 0;
}

static int dtype(const char *d, int *type, int *big)
{
	static const struct { const char *s; int t; } tab[] = {
		{"f4", AD_NUM_F32}, {"f8", AD_NUM_F64}, {"i1", AD_NUM_I8}, {"i2", AD_NUM_I16},
		{"i4", AD_NUM_I32}, {"i8", AD_NUM_I64}, {"u1", AD_NUM_U8}, {"u2", AD_NUM_U16},
		{"u4", AD_NUM_U32}, {"u8", AD_NUM_U64}, {"b1", AD_NUM_BOOL}};
	if (!strchr("<>|=", d[0]) || !d[0])
		return -1;
	*big = d[0] == '>';
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (!strcmp(d + 1, tab[i].s)) {
			if (d[0] == '|' && ad_num_size(tab[i].t) > 1)
				return -1;
			*type = tab[i].t;
			return 0;
		}
	return -1;
}

int ad_npy_parse(const unsigned char *buf, size_t n, const char *file, const char *what,
                 AdNumArray *a, int *ndim_out, long shape_out[4])
{
	size_t hlen, off, count = 1, bytes;
	char descr[16];
	int fortran = 0, ndim = 0;
	int64_t shape[8];
	const char *why;
	Lex l;
	memset(a, 0, sizeof *a);
	if (n < 10 || memcmp(buf, "\x93NUMPY", 6))
		return ad_error("%s: %s: not a NumPy .npy array (bad magic)", file, what);
	if (buf[6] < 1 || buf[6] > 3)
		return ad_error("%s: %s: unsupported .npy format version %d.%d", file, what, buf[6],
		                buf[7]);
	if (buf[6] == 1) {
		hlen = ad_le16(buf + 8);
		off = 10;
	} else {
		if (n < 12)
			return ad_error("%s: %s: truncated .npy header", file, what);
		hlen = ad_le32(buf + 8);
		off = 12;
	}
	if (hlen > MAX_HEADER)
		return ad_error("%s: %s: .npy header of %zu bytes is too large (at most %d)", file,
		                what, hlen, MAX_HEADER);
	if (hlen > n - off)
		return ad_error("%s: %s: truncated .npy header", file, what);
	l.p = (const char *)buf + off;
	l.end = l.p + hlen;
	if (header(&l, descr, &fortran, &ndim, shape, &why) < 0)
		return ad_error("%s: %s: bad .npy header: %s", file, what, why);
	off += hlen;
	if (dtype(descr, &a->type, &a->big) < 0) {
		ad_printable(descr);
		return ad_error("%s: %s: unsupported dtype '%s' (f4 f8 i1-i8 u1-u8 b1)", file, what,
		                descr);
	}
	if (ndim == 0 || ndim > 4)
		return ad_error("%s: %s: %d-dimensional array (1 to 4 supported)", file, what, ndim);
	if (fortran && ndim > 2)
		return ad_error("%s: %s: Fortran-order arrays of %d dimensions are not supported",
		                file, what, ndim);
	for (int k = 0; k < ndim; k++) {
		if ((uint64_t)shape[k] > (uint64_t)LONG_MAX || ad_mul(count, (size_t)shape[k]) ==
		    (size_t)-1)
			return ad_error("%s: %s: array too large", file, what);
		count *= (size_t)shape[k];
	}
	bytes = ad_mul(count, ad_num_size(a->type));
	if (bytes == (size_t)-1 || bytes > n - off)
		return ad_error("%s: %s: truncated array data (%zu bytes, %zu expected)", file, what,
		                n - off, bytes);
	if (bytes < n - off)
		return ad_error("%s: %s: %zu bytes after the array data", file, what,
		                n - off - bytes);
	a->data = buf + off;
	a->rows = (long)shape[0];
	a->cols = ndim == 1 ? 1 : (long)(count / (shape[0] ? (size_t)shape[0] : 1));
	if (shape[0] == 0)
		a->cols = ndim == 1 ? 1 : (long)shape[1];
	a->colmajor = fortran && ndim == 2;
	if (ndim_out)
		*ndim_out = ndim;
	if (shape_out)
		for (int k = 0; k < 4; k++)
			shape_out[k] = k < ndim ? (long)shape[k] : 1;
	return 0;
}

/* X (and y) arrays to d; the vector shape from X's trailing dimensions. */
static int to_adv(const char *file, const char *xname, const AdNumArray *x, int ndim,
                  const long *shape, const char *yname, const AdNumArray *y, int yndim,
                  AdvData *d)
{
	if (y && yndim > 2)
		return ad_error("%s: %s: labels must be a vector (%d dimensions)", file, yname, yndim);
	if (y && y->rows != 1 && y->cols != 1)
		return ad_error("%s: %s: labels must be a vector (%ld x %ld)", file, yname, y->rows,
		                y->cols);
	if (ad_numarray_to_adv(file, xname, x, yname, y, d) < 0)
		return -1;
	if (ndim == 3 || ndim == 4) {
		d->info.shape[0] = ndim == 3 ? 1 : (int)shape[1];
		d->info.shape[1] = (int)shape[ndim - 2];
		d->info.shape[2] = (int)shape[ndim - 1];
		d->info.has_shape = 1;
	}
	return 0;
}

int ad_npy_parse_xy(const unsigned char *xb, size_t xn, const char *file, const char *ypath,
                    AdvData *d)
{
	unsigned char *yb = NULL;
	size_t yn;
	AdNumArray x, y;
	int xd, yd = 0, r = -1;
	long shape[4];
	memset(d, 0, sizeof *d);
	if (ad_npy_parse(xb, xn, file, "X", &x, &xd, shape) < 0)
		return -1;
	if (ypath) {
		if (ad_slurp(ypath, &yb, &yn) < 0)
			return -1;
		if (ad_npy_parse(yb, yn, ad_name(ypath), "y", &y, &yd, NULL) < 0)
			goto out;
		if (y.rows * y.cols != x.rows) {
			ad_error("%s: %ld labels but %s has %ld rows", ad_name(ypath), y.rows * y.cols,
			         file, x.rows);
			goto out;
		}
	}
	r = to_adv(file, "X", &x, xd, shape, ypath ? "y" : NULL, ypath ? &y : NULL, yd, d);
out:
	free(yb);
	return r;
}

/* ad_npy_parse_xy as an AdArraysParse: the file is one array, the labels' file
 * comes as yname. */
static int npy_parse(const unsigned char *b, size_t n, const char *file, const char *xname,
                     const char *ypath, AdvData *d)
{
	(void)xname;
	return ad_npy_parse_xy(b, n, file, ypath, d);
}

int ad_npy_load(const char *xpath, const char *ypath, AdvData *d)
{
	return ad_slurp_parse(xpath, npy_parse, NULL, ypath, d);
}

/* Member name or name.npy of the archive; 0, or -1 (missing: message lists members). */
static int member(const AdZip *z, const char *name, unsigned char **out, size_t *n)
{
	char full[512];
	int r = ad_zip_get(z, name, out, n);
	if (r == 1) {
		snprintf(full, sizeof full, "%s.npy", name);
		r = ad_zip_get(z, full, out, n);
	}
	if (r == 1) {
		char names[300];
		ad_zip_names(z, names, sizeof names);
		return ad_error("%s: no array '%s' in the archive (members: %s)", z->file, name,
		                *names ? names : "none");
	}
	return r;
}

int ad_npz_load(const char *path, const char *xname, const char *yname, AdvData *d)
{
	return ad_slurp_parse(path, ad_npz_parse, xname, yname, d);
}

int ad_npz_parse(const unsigned char *b, size_t n, const char *file, const char *xname,
                 const char *yname, AdvData *d)
{
	unsigned char *xb = NULL, *yb = NULL;
	size_t xn, yn;
	AdZip z;
	AdNumArray x, y;
	int xd, yd = 0, r = -1;
	long shape[4];
	memset(d, 0, sizeof *d);
	if (ad_zip_open(&z, b, n, file) < 0)
		goto out;
	if (member(&z, xname, &xb, &xn) < 0 ||
	    ad_npy_parse(xb, xn, file, xname, &x, &xd, shape) < 0)
		goto out;
	if (yname && (member(&z, yname, &yb, &yn) < 0 ||
	              ad_npy_parse(yb, yn, file, yname, &y, &yd, NULL) < 0))
		goto out;
	r = to_adv(file, xname, &x, xd, shape, yname, yname ? &y : NULL, yd, d);
out:
	free(xb);
	free(yb);
	return r;
}
