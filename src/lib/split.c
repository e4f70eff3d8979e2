/* split.c: one-vs-rest contamination protocols.  See split.h. */
#include "split.h"
#include "rng.h"
#include "util.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* rng streams, one per purpose, so changing one count moves nothing else */
enum { RS_TRAIN_ANOM = 1, RS_SHUFFLE = 2, RS_TEST_ANOM = 3, RS_CUT = 4, RS_SYNTH = 5,
       RS_TRAIN_NORM = 6 };

typedef struct {
	long n;
	int *i;                 /* row indices into one AdvData */
} List;

long split_round(double v)
{
	return (long)nearbyint(v);   /* the default rounding mode: ties to even */
}

static void list_push(List *l, int i)
{
	if ((l->n & (l->n - 1)) == 0)   /* 0 or a power of two: grow */
		l->i = ad_xrealloc(l->i, ad_mul(l->n ? 2 * (size_t)l->n : 1, sizeof *l->i));
	l->i[l->n++] = i;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Rows of d with class k (want = 1) or another class (want = 0), in order. */
static List by_class(const AdvData *d, int k, int want)
{
	List l = {0, NULL};
	for (long i = 0; i < d->n; i++)
		if ((d->label[i] == k) == want)
			list_push(&l, (int)i);
	return l;
}

/* k elements of l drawn without replacement (partial Fisher-Yates on l). */
static List draw(Rng *r, List *l, long k)
{
	List out = {k, ad_xmalloc(ad_mul((size_t)(k ? k : 1), sizeof(int)))};
	for (long i = 0; i < k; i++) {
		long j = i + (long)rng_below(r, (uint64_t)(l->n - i));
		int t = l->i[i];
		l->i[i] = l->i[j];
		l->i[j] = t;
		out.i[i] = l->i[i];
	}
	return out;
}

/* Cut l at a random subset of round(n/3) (into *cut, sorted); l keeps the rest, sorted. */
static void cut_third(Rng *r, List *l, List *cut)
{
	long k = split_round(l->n / 3.0);
	rng_shuffle(r, l->i, (size_t)l->n);
	cut->n = k;
	cut->i = ad_xmalloc(ad_mul((size_t)(k ? k : 1), sizeof(int)));
	memcpy(cut->i, l->i, (size_t)k * sizeof(int));
	memmove(l->i, l->i + k, (size_t)(l->n - k) * sizeof(int));
	l->n -= k;
	qsort(cut->i, (size_t)cut->n, sizeof(int), cmp_int);
	qsort(l->i, (size_t)l->n, sizeof(int), cmp_int);
}

static void part_alloc(SplitPart *p, long n)
{
	p->n = 0;
	p->n_anom = 0;
	p->row = ad_xmalloc(ad_mul((size_t)(n ? n : 1), sizeof *p->row));
	p->label = ad_xmalloc(ad_mul((size_t)(n ? n : 1), sizeof *p->label));
}

static void part_add(SplitPart *p, const float *row, int label)
{
	p->row[p->n] = row;
	p->label[p->n++] = label;
	p->n_anom += label;
}

static const float *row_of(const AdvData *d, int i)
{
	return d->x + (size_t)i * (size_t)d->info.dim;
}

/* Test part: the normal rows nl and anomalous rows al (both sorted) of d, in input order. */
static void make_test(SplitPart *p, const AdvData *d, const List *nl, const List *al)
{
	long a = 0, b = 0;
	part_alloc(p, nl->n + al->n);
	while (a < nl->n || b < al->n) {
		if (b == al->n || (a < nl->n && nl->i[a] < al->i[b]))
			part_add(p, row_of(d, nl->i[a++]), 0);
		else
			part_add(p, row_of(d, al->i[b++]), 1);
	}
}

/* Train pool (rows, labels, n): shuffle, then val = the first round(val*n), train = the rest. */
static void make_train(Split *s, const float **rows, const int *labels, long n,
                       const SplitOpts *o)
{
	Rng r;
	int *perm = ad_xmalloc(ad_mul((size_t)(n ? n : 1), sizeof *perm));
	long nval = split_round(o->val * (double)n);
	for (long i = 0; i < n; i++)
		perm[i] = (int)i;
	rng_seed2(&r, o->seed, RS_SHUFFLE);
	rng_shuffle(&r, perm, (size_t)n);
	part_alloc(&s->part[SPLIT_VAL], nval);
	part_alloc(&s->part[SPLIT_TRAIN], n - nval);
	for (long i = 0; i < n; i++)
		part_add(&s->part[i < nval ? SPLIT_VAL : SPLIT_TRAIN], rows[perm[i]],
		         labels[perm[i]]);
	free(perm);
}

static long anomalies_for(double share, long n)
{
	return share > 0 ? split_round(share / (1.0 - share) * (double)n) : 0;
}

static int tabular(const AdvData *d, const char *name, const SplitOpts *o, Split *s)
{
	List nl = by_class(d, o->normal, 1), al = by_class(d, o->normal, 0), tn;
	size_t dim = (size_t)d->info.dim;
	long ntr, nsyn, npool;
	const float **rows;
	int *labels, rc = -1;
	double *sd = NULL;
	Rng r;
	if (nl.n == 0) {
		ad_error("%s: no rows of class %d", name, o->normal);
		goto out;
	}
	rng_seed2(&r, o->seed, RS_CUT);
	rng_shuffle(&r, nl.i, (size_t)nl.n);
	ntr = nl.n / 2;
	tn.n = nl.n - ntr;
	tn.i = nl.i + ntr;
	qsort(tn.i, (size_t)tn.n, sizeof(int), cmp_int);
	nsyn = anomalies_for(o->gamma, ntr);
	if (nsyn > 0 && al.n == 0) {
		ad_error("%s: no anomalies (rows not of class %d) to make training anomalies from",
		         name, o->normal);
		goto out;
	}
	make_test(&s->part[SPLIT_TEST], d, &tn, &al);
	/* per-feature population std of the anomalies (two passes, double) */
	sd = ad_xcalloc(dim, sizeof *sd);
	if (nsyn > 0) {
		double *mean = ad_xcalloc(dim, sizeof *mean);
		for (long i = 0; i < al.n; i++)
			for (size_t j = 0; j < dim; j++)
				mean[j] += row_of(d, al.i[i])[j];
		for (size_t j = 0; j < dim; j++)
			mean[j] /= (double)al.n;
		for (long i = 0; i < al.n; i++)
			for (size_t j = 0; j < dim; j++) {
				double e = row_of(d, al.i[i])[j] - mean[j];
				sd[j] += e * e;
			}
		for (size_t j = 0; j < dim; j++)
			sd[j] = sqrt(sd[j] / (double)al.n);
		free(mean);
	}
	s->synth = ad_xmalloc(ad_mul(ad_mul((size_t)(nsyn ? nsyn : 1), dim), sizeof(float)));
	rng_seed2(&r, o->seed, RS_SYNTH);
	for (long i = 0; i < nsyn; i++) {
		const float *a = row_of(d, al.i[rng_below(&r, (uint64_t)al.n)]);
		float *y = s->synth + (size_t)i * dim;
		for (size_t j = 0; j < dim; j++) {
			y[j] = (float)(a[j] + sd[j] * rng_normal(&r));
			if (!isfinite(y[j])) {
				ad_error("%s: a synthetic anomaly is not finite (feature %zu)", name, j + 1);
				goto out;
			}
		}
	}
	npool = ntr + nsyn;
	rows = ad_xmalloc(ad_mul((size_t)(npool ? npool : 1), sizeof *rows));
	labels = ad_xmalloc(ad_mul((size_t)(npool ? npool : 1), sizeof *labels));
	for (long i = 0; i < ntr; i++) {
		rows[i] = row_of(d, nl.i[i]);
		labels[i] = 0;
	}
	for (long i = 0; i < nsyn; i++) {
		rows[ntr + i] = s->synth + (size_t)i * dim;
		labels[ntr + i] = 1;
	}
	make_train(s, rows, labels, npool, o);
	free(rows);
	free(labels);
	rc = 0;
out:
	free(sd);
	free(nl.i);
	free(al.i);
	return rc;
}

int split_make(const AdvData *train, const char *train_name, const AdvData *test,
               const char *test_name, const SplitOpts *o, Split *s)
{
	List trn, tro, ten = {0, NULL}, teo = {0, NULL}, pick = {0, NULL};
	const AdvData *te = test ? test : train;
	const char *tname = test ? test_name : train_name;
	const float **rows = NULL;
	int *labels = NULL, rc = -1;
	long npool = 0;
	Rng r;

	memset(s, 0, sizeof *s);
	if (train->n > INT_MAX || (test && test->n > INT_MAX))
		return ad_error("%s: too many rows", train_name);
	if (o->protocol == SPLIT_TABULAR) {
		if (tabular(train, train_name, o, s)) {
			split_free(s);
			return -1;
		}
		return 0;
	}
	trn = by_class(train, o->normal, 1);
	tro = by_class(train, o->normal, 0);
	if (trn.n == 0) {
		ad_error("%s: no rows of class %d", train_name, o->normal);
		goto out;
	}
	if (test) {
		ten = by_class(test, o->normal, 1);
		teo = by_class(test, o->normal, 0);
	} else {
		rng_seed2(&r, o->seed, RS_CUT);
		cut_third(&r, &trn, &ten);
		cut_third(&r, &tro, &teo);
	}
	if (ten.n == 0) {
		ad_error("%s: no rows of class %d for the test part", tname, o->normal);
		goto out;
	}

	/* the paper's 2:1 (section 5.1): N = 2 Nt training normals drawn by the seed */
	if (o->protocol == SPLIT_IMAGE && 2 * ten.n < trn.n) {
		List keep;
		rng_seed2(&r, o->seed, RS_TRAIN_NORM);
		keep = draw(&r, &trn, 2 * ten.n);
		qsort(keep.i, (size_t)keep.n, sizeof(int), cmp_int);
		free(trn.i);
		trn = keep;
	}

	/* train pool */
	if (o->protocol == SPLIT_NATURAL) {
		pick = tro;
		tro.i = NULL;
	} else {
		long k = anomalies_for(o->gamma, trn.n);
		if (k > tro.n) {
			ad_error("%s: %ld training anomalies needed, only %ld rows of other classes",
			         train_name, k, tro.n);
			goto out;
		}
		rng_seed2(&r, o->seed, RS_TRAIN_ANOM);
		pick = draw(&r, &tro, k);
	}
	npool = trn.n + pick.n;
	rows = ad_xmalloc(ad_mul((size_t)(npool ? npool : 1), sizeof *rows));
	labels = ad_xmalloc(ad_mul((size_t)(npool ? npool : 1), sizeof *labels));
	for (long i = 0; i < trn.n; i++) {
		rows[i] = row_of(train, trn.i[i]);
		labels[i] = 0;
	}
	for (long i = 0; i < pick.n; i++) {
		rows[trn.n + i] = row_of(train, pick.i[i]);
		labels[trn.n + i] = 1;
	}
	make_train(s, rows, labels, npool, o);

	/* test part */
	if (o->protocol == SPLIT_ENTIRE || o->protocol == SPLIT_NATURAL) {
		make_test(&s->part[SPLIT_TEST], te, &ten, &teo);
	} else {
		long k = anomalies_for(o->test_anom, ten.n);
		List tp;
		if (k > teo.n) {
			ad_error("%s: %ld test anomalies needed, only %ld rows of other classes", tname,
			         k, teo.n);
			goto out;
		}
		rng_seed2(&r, o->seed, RS_TEST_ANOM);
		tp = draw(&r, &teo, k);
		qsort(tp.i, (size_t)tp.n, sizeof(int), cmp_int);
		make_test(&s->part[SPLIT_TEST], te, &ten, &tp);
		free(tp.i);
	}
	rc = 0;
out:
	free(rows);
	free(labels);
	free(trn.i);
	free(tro.i);
	free(ten.i);
	free(teo.i);
	free(pick.i);
	if (rc)
		split_free(s);
	return rc;
}

void split_free(Split *s)
{
	for (int k = 0; k < 3; k++) {
		free(s->part[k].row);
		free(s->part[k].label);
	}
	free(s->synth);
	memset(s, 0, sizeof *s);
}
