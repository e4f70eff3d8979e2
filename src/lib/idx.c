/* idx.c: IDX files (MNIST, Fashion-MNIST), streamed item by item.
 *
 * Layout (big-endian): two zero bytes, a type byte (0x08 u8, 0x09 i8, 0x0B i16,
 * 0x0C i32, 0x0D f32, 0x0E f64), the number of dimensions, then one uint32 per
 * dimension, then the items.  The first dimension counts the items; the rest
 * is the item's shape: 3 dimensions give shape 1xHxW, 4 give CxHxW.  Labels
 * come from a second, one-dimensional integer IDX file read in step. */
#include "bytes.h"
#include "source.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IDX_MAX_RANK 8

typedef struct {
	int type, esize, rank;
	uint32_t d[IDX_MAX_RANK];
	long n;                 /* items */
	size_t isize;           /* values per item */
} IdxHdr;

typedef struct {
	IdxHdr h, lh;
	FILE *lf;               /* labels, or NULL */
	const char *lname;
	long i;                 /* items read */
	unsigned char *buf;
} Idx;

static int esize_of(int type)
{
	switch (type) {
	case 0x08: case 0x09: return 1;
	case 0x0B: return 2;
	case 0x0C: case 0x0D: return 4;
	case 0x0E: return 8;
	default: return 0;
	}
}

int ad_idx_sniff(const unsigned char *h, size_t n)
{
	return n >= 4 && h[0] == 0 && h[1] == 0 && esize_of(h[2]) && h[3] >= 1 &&
	       h[3] <= IDX_MAX_RANK;
}

static int read_hdr(FILE *f, const char *name, IdxHdr *h)
{
	unsigned char m[4 + 4 * IDX_MAX_RANK];
	size_t got = fread(m, 1, 4, f);
	if (got == 0 && !ferror(f))
		return ad_error("%s: empty input", name);
	if (got < 4 && ferror(f))
		return ad_error("%s: %s", name, ad_ferror_msg(f));
	if (got < 4 || !ad_idx_sniff(m, 4))
		return ad_error("%s: not an IDX file (bad magic)", name);
	h->type = m[2];
	h->esize = esize_of(m[2]);
	h->rank = m[3];
	if (fread(m + 4, 4, (size_t)h->rank, f) != (size_t)h->rank)
		return ad_error("%s: truncated IDX header", name);
	h->isize = 1;
	for (int k = 0; k < h->rank; k++) {
		h->d[k] = ad_be32(m + 4 + 4 * k);
		if (k > 0) {
			if (h->d[k] == 0 || h->isize * h->d[k] > ADV_MAX_DIM)
				return ad_error("%s: bad IDX item size (dimension %d is %u)", name,
				                k + 1, h->d[k]);
			h->isize *= h->d[k];
		}
	}
	h->n = (long)h->d[0];
	if (h->n == 0)
		return ad_error("%s: the IDX file holds no items", name);
	return 0;
}

/* value k of an item of type t at p */
static double get(const unsigned char *p, int t)
{
	uint32_t u;
	switch (t) {
	case 0x08: return p[0];
	case 0x09: return (signed char)p[0];
	case 0x0B: return (int16_t)(uint16_t)ad_be16(p);
	case 0x0C: return (int32_t)ad_be32(p);
	case 0x0D: {
		float v;
		u = ad_be32(p);
		memcpy(&v, &u, 4);
		return v;
	}
	default: {
		uint64_t w = (uint64_t)ad_be32(p) << 32 | ad_be32(p + 4);
		double v;
		memcpy(&v, &w, 8);
		return v;
	}
	}
}

/* 0 at a clean end, -1 + ad_error if bytes remain */
static int at_end(FILE *f, const char *name, long n)
{
	int c = getc(f);
	if (c != EOF)
		return ad_error("%s: trailing data after %ld items", name, n);
	if (ferror(f))
		return ad_error("%s: %s", name, ad_ferror_msg(f));
	return 0;
}

static int idx_read(AdSource *s, int *label, float *x)
{
	Idx *r = s->state;
	size_t nb = r->h.isize * (size_t)r->h.esize, got;
	if (r->i == r->h.n) {
		if (at_end(s->f, s->name, r->h.n) || (r->lf && at_end(r->lf, r->lname, r->lh.n)))
			return -1;
		return 0;
	}
	r->i++;
	got = fread(r->buf, 1, nb, s->f);
	if (got != nb) {
		if (ferror(s->f))
			return ad_error("%s: %s", s->name, ad_ferror_msg(s->f));
		return ad_error("%s: item %ld: truncated (%zu of %zu bytes)", s->name, r->i, got, nb);
	}
	if (r->h.type == 0x08) {
		for (size_t j = 0; j < r->h.isize; j++)
			x[j] = (float)r->buf[j];
	} else {
		for (size_t j = 0; j < r->h.isize; j++) {
			double v = get(r->buf + j * (size_t)r->h.esize, r->h.type);
			x[j] = (float)v;
			if (!isfinite(x[j]))
				return ad_error("%s: item %ld: value %zu is not finite", s->name, r->i,
				                j + 1);
		}
	}
	*label = 0;
	if (r->lf) {
		unsigned char b[4];
		size_t e = (size_t)r->lh.esize;
		got = fread(b, 1, e, r->lf);
		if (got != e) {
			if (ferror(r->lf))
				return ad_error("%s: %s", r->lname, ad_ferror_msg(r->lf));
			return ad_error("%s: item %ld: truncated (%zu of %zu bytes)", r->lname, r->i,
			                got, e);
		}
		*label = (int)get(b, r->lh.type);
	}
	return 1;
}

static void idx_close(AdSource *s)
{
	Idx *r = s->state;
	if (r->lf)
		fclose(r->lf);
	free(r->buf);
	free(r);
}

int ad_idx_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	Idx *r = ad_xcalloc(1, sizeof *r);
	if (read_hdr(f, s->name, &r->h))
		goto fail;
	if (o->labels) {
		r->lname = o->labels;
		if (!strcmp(o->labels, "-")) {
			ad_error("the labels file (-l) cannot be standard input");
			goto fail;
		}
		if (!(r->lf = ad_fopen_read(o->labels)) || read_hdr(r->lf, o->labels, &r->lh))
			goto fail;
		if (r->lh.rank != 1 || r->lh.type == 0x0D || r->lh.type == 0x0E) {
			ad_error("%s: not an IDX labels file (need one dimension of integers)",
			         o->labels);
			goto fail;
		}
		if (r->lh.n != r->h.n) {
			ad_error("%s: %ld labels for %ld items in %s", o->labels, r->lh.n, r->h.n,
			         s->name);
			goto fail;
		}
	}
	s->info.dim = (int)r->h.isize;
	s->info.shape[0] = (int)r->h.isize;
	s->info.shape[1] = s->info.shape[2] = 1;
	if (r->h.rank == 3 || r->h.rank == 4) {
		int k = r->h.rank == 3 ? 0 : 1;
		s->info.has_shape = 1;
		s->info.shape[0] = k ? (int)r->h.d[1] : 1;
		s->info.shape[1] = (int)r->h.d[1 + k];
		s->info.shape[2] = (int)r->h.d[2 + k];
	}
	r->buf = ad_xmalloc(r->h.isize * (size_t)r->h.esize);
	s->state = r;
	s->read = idx_read;
	s->close = idx_close;
	return 0;
fail:
	if (r->lf)
		fclose(r->lf);
	free(r);
	return -1;
}
