/* memsrc.c: the whole-file formats of ad-load (npy, npz, mat, kdd) as sources:
 * the input is read and converted in memory (npy.h, mat.h, kdd.h), then its rows
 * are served by ad_source_from_data(). */
#include "kdd.h"
#include "mat.h"
#include "npy.h"
#include "source.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static int mem_source(AdSource *s, AdvData *d)
{
	ad_source_from_data(s, d);
	return 0;
}

static const char *yvar(const AdSourceOpts *o)
{
	if (!o->yvar)
		return "y";
	return strcmp(o->yvar, "none") ? o->yvar : NULL;
}

/* The input's bytes, then parse(bytes) into d. */
static int whole(AdSource *s, FILE *f, const AdSourceOpts *o,
                 int (*parse)(const unsigned char *, size_t, AdSource *, const AdSourceOpts *,
                              AdvData *))
{
	unsigned char *b;
	size_t n;
	AdvData d;
	int r;
	if (ad_slurp_file(f, s->name, &b, &n) < 0)
		return -1;
	if (n == 0) {
		free(b);
		return ad_error("%s: empty input", s->name);
	}
	r = parse(b, n, s, o, &d);
	free(b);
	return r < 0 ? -1 : mem_source(s, &d);
}

static int npy_parse(const unsigned char *b, size_t n, AdSource *s, const AdSourceOpts *o,
                     AdvData *d)
{
	return ad_npy_parse_xy(b, n, s->name, o->labels, d);
}

static int npz_parse(const unsigned char *b, size_t n, AdSource *s, const AdSourceOpts *o,
                     AdvData *d)
{
	return ad_npz_parse(b, n, s->name, o->xvar ? o->xvar : "X", yvar(o), d);
}

static int mat_parse(const unsigned char *b, size_t n, AdSource *s, const AdSourceOpts *o,
                     AdvData *d)
{
	return ad_mat_parse(b, n, s->name, o->xvar ? o->xvar : "X", yvar(o), d);
}

int ad_npy_open(AdSource *s, FILE *f, const AdSourceOpts *o) { return whole(s, f, o, npy_parse); }
int ad_npz_open(AdSource *s, FILE *f, const AdSourceOpts *o) { return whole(s, f, o, npz_parse); }
int ad_mat_open(AdSource *s, FILE *f, const AdSourceOpts *o) { return whole(s, f, o, mat_parse); }

int ad_kdd_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	AdKddOpts ko = {o->kdd_rev ? AD_KDD_LABELS_REV : AD_KDD_LABELS_KDD, o->seed,
	                o->vocab_in, o->vocab_out};
	AdKddStats st;
	AdvData d;
	if (ad_kdd_read(f, s->name, &ko, &d, &st) < 0)
		return -1;
	if (st.unknown_rows)
		ad_warn("%s: %ld records have values not in the vocabulary (first: %s); "
		        "their one-hot groups are all zeros", s->name, st.unknown_rows,
		        st.unknown_example);
	return mem_source(s, &d);
}

int ad_npy_sniff(const unsigned char *h, size_t n)
{
	return n >= 4 && !memcmp(h, "\x93NUM", 4);
}

int ad_npz_sniff(const unsigned char *h, size_t n)
{
	return n >= 4 && (!memcmp(h, "PK\3\4", 4) || !memcmp(h, "PK\5\6", 4));
}

int ad_mat_sniff(const unsigned char *h, size_t n)
{
	return n >= 4 && !memcmp(h, "MATL", 4);
}
