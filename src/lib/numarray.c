/* numarray.c: see numarray.h. */
#include "numarray.h"
#include "gzfile.h"
#include "util.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t ad_num_size(int type)
{
	static const size_t sz[] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 1};
	return type >= 0 && type <= AD_NUM_BOOL ? sz[type] : 0;
}

static uint64_t load(const unsigned char *p, size_t n, int big)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

double ad_num_get(const unsigned char *p, int type, int big)
{
	uint64_t v = load(p, ad_num_size(type), big);
	switch (type) {
	case AD_NUM_I8: return (int8_t)v;
	case AD_NUM_U8: return (uint8_t)v;
	case AD_NUM_I16: return (int16_t)v;
	case AD_NUM_U16: return (uint16_t)v;
	case AD_NUM_I32: return (int32_t)v;
	case AD_NUM_U32: return (uint32_t)v;
	case AD_NUM_I64: return (double)(int64_t)v;
	case AD_NUM_U64: return (double)v;
	case AD_NUM_BOOL: return v != 0;
	case AD_NUM_F32: {
		uint32_t u = (uint32_t)v;
		float f;
		memcpy(&f, &u, 4);
		return f;
	}
	case AD_NUM_F64: {
		double d;
		memcpy(&d, &v, 8);
		return d;
	}
	}
	return 0;
}

double ad_numarray_at(const AdNumArray *a, long i, long j)
{
	size_t k = a->colmajor ? (size_t)j * (size_t)a->rows + (size_t)i
	                       : (size_t)i * (size_t)a->cols + (size_t)j;
	return ad_num_get(a->data + k * ad_num_size(a->type), a->type, a->big);
}

static const char *what(double v)
{
	return isnan(v) ? "NaN" : isinf(v) ? "infinite" : "out of float range";
}

int ad_numarray_to_adv(const char *file, const char *xname, const AdNumArray *x,
                       const char *yname, const AdNumArray *y, AdvData *d)
{
	size_t dim;
	memset(d, 0, sizeof *d);
	if (x->rows < 1 || x->cols < 1)
		return ad_error("%s: %s is empty (%ld x %ld)", file, xname, x->rows, x->cols);
	if (x->cols > ADV_MAX_DIM)
		return ad_error("%s: %s has %ld columns (at most %d)", file, xname, x->cols,
		                ADV_MAX_DIM);
	if (y && y->rows * y->cols != x->rows)
		return ad_error("%s: %s has %ld elements but %s has %ld rows", file, yname,
		                y->rows * y->cols, xname, x->rows);
	dim = (size_t)x->cols;
	if (ad_mul(ad_mul((size_t)x->rows, dim), sizeof(float)) == (size_t)-1)
		return ad_error("%s: %s is too large", file, xname);
	d->info.dim = (int)dim;
	d->info.shape[0] = (int)dim;
	d->info.shape[1] = d->info.shape[2] = 1;
	d->x = ad_xmalloc((size_t)x->rows * dim * sizeof *d->x);
	d->label = ad_xcalloc((size_t)x->rows, sizeof *d->label);
	for (long i = 0; i < x->rows; i++) {
		for (long j = 0; j < x->cols; j++) {
			double v = ad_numarray_at(x, i, j);
			if (!isfinite(v) || fabs(v) > FLT_MAX) {
				ad_error("%s: %s row %ld, column %ld: %s", file, xname, i + 1, j + 1,
				         what(v));
				goto fail;
			}
			d->x[(size_t)i * dim + (size_t)j] = (float)v;
		}
		if (y) {
			/* y is a vector: element i whatever its orientation */
			double v = y->rows == 1 ? ad_numarray_at(y, 0, i) : ad_numarray_at(y, i, 0);
			if (!(v == floor(v) && v >= INT_MIN && v <= INT_MAX)) {
				ad_error("%s: %s element %ld: %g is not an integer label", file, yname,
				         i + 1, v);
				goto fail;
			}
			d->label[i] = (int)v;
		}
	}
	d->n = x->rows;
	return 0;
fail:
	free(d->x);
	free(d->label);
	memset(d, 0, sizeof *d);
	return -1;
}

int ad_slurp_file(FILE *f, const char *name, unsigned char **buf, size_t *n)
{
	size_t cap = 65536, len = 0, k;
	unsigned char *p = ad_xmalloc(cap);
	while ((k = fread(p + len, 1, cap - len, f)) > 0) {
		len += k;
		if (len == cap) {
			if (cap > ((size_t)-1) / 4) {
				free(p);
				return ad_error("%s: file too large", name);
			}
			cap *= 2;
			p = ad_xrealloc(p, cap);
		}
	}
	if (ferror(f)) {
		free(p);
		return ad_error("%s: %s", name, ad_ferror_msg(f));
	}
	*buf = p;
	*n = len;
	return 0;
}

int ad_slurp(const char *path, unsigned char **buf, size_t *n)
{
	FILE *f = ad_fopen_read(path);
	int r;
	if (!f)
		return -1;
	r = ad_slurp_file(f, ad_name(path), buf, n);
	if (f != stdin)
		fclose(f);
	return r;
}

int ad_slurp_parse(const char *path, AdArraysParse *parse, const char *xname,
                   const char *yname, AdvData *d)
{
	unsigned char *b;
	size_t n;
	int r;
	memset(d, 0, sizeof *d);
	if (ad_slurp(path, &b, &n) < 0)
		return -1;
	r = parse(b, n, ad_name(path), xname, yname, d);
	free(b);
	return r;
}
