/* threshold.c: the training score distribution, thresholds by contamination or
 * by false-positive rate, threshold files, counts at a threshold. */
#include "threshold.h"
#include "scores.h"
#include "train.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Linear interpolation between a and b at t in [0, 1], exact at both ends
 * (numpy's _lerp, as ad_quantile). */
static double lerp(double a, double b, double t)
{
	return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

/* Type-7 quantile of sorted x[0..n-1] at level p. */
static double sorted_quantile(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t k = (size_t)floor(h);
	if (k >= n - 1)
		return x[n - 1];
	return h - (double)k == 0 ? x[k] : lerp(x[k], x[k + 1], h - (double)k);
}

void scoredist_fit(ScoreDist *d, const double *s, const int *label, size_t n)
{
	double *x;
	memset(d, 0, sizeof *d);
	if (n == 0)
		return;
	x = ad_xmalloc(ad_mul(n, sizeof *x));
	memcpy(x, s, n * sizeof *x);
	qsort(x, n, sizeof *x, cmp_double);
	d->rows = n;
	for (size_t i = 0; label && i < n; i++)
		d->anomalies += label[i] != 0;
	if (n <= SD_LEVELS) {
		d->k = (uint32_t)n;
		d->q = x;
		return;
	}
	d->k = SD_LEVELS;
	d->q = ad_xmalloc(SD_LEVELS * sizeof *d->q);
	for (size_t i = 0; i < SD_LEVELS; i++)
		d->q[i] = sorted_quantile(x, n, (double)i / (SD_LEVELS - 1));
	free(x);
}

double scoredist_quantile(const ScoreDist *d, double p)
{
	if (!d || d->k == 0 || !(p >= 0 && p <= 1))
		return NAN;
	if (d->k == 1)
		return d->q[0];
	return sorted_quantile(d->q, d->k, p);
}

/* Linear interpolation in the k knots (level l[j], value x[j]), l[0] = 0 <
 * ... < l[k-1] = 1, at p in [0, 1]. */
static double knots_quantile(const double *l, const double *x, size_t k, double p)
{
	size_t lo = 0, hi;
	if (k == 1 || p <= 0)
		return x[0];
	if (p >= 1)
		return x[k - 1];
	/* the last j with l[j] <= p */
	hi = k - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (l[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return l[lo] == p ? x[lo] : lerp(x[lo], x[lo + 1], (p - l[lo]) / (l[lo + 1] - l[lo]));
}

double scoredist_clean_quantile(const ScoreDist *d, double p)
{
	if (!d || d->ck == 0 || !(p >= 0 && p <= 1))
		return NAN;
	return knots_quantile(d->cl, d->cq, d->ck, p);
}

typedef struct {
	double s, w;
} ScoreW;

static int cmp_scorew(const void *a, const void *b)
{
	double x = ((const ScoreW *)a)->s, y = ((const ScoreW *)b)->s;
	double u = ((const ScoreW *)a)->w, v = ((const ScoreW *)b)->w;
	/* ties by weight: the order of equal scores changes no quantile, but the
	 * sums of the weights before them are then the same on every libc */
	return (x > y) - (x < y) ? (x > y) - (x < y) : (u > v) - (u < v);
}

/* The rows with w > 0, sorted; m of them. */
static ScoreW *positive_sorted(const double *s, const double *w, size_t n, size_t *m)
{
	ScoreW *x = ad_xmalloc(ad_mul(n ? n : 1, sizeof *x));
	*m = 0;
	for (size_t i = 0; i < n; i++)
		if (w[i] > 0) {
			x[*m].s = s[i];
			x[(*m)++].w = w[i];
		}
	qsort(x, *m, sizeof *x, cmp_scorew);
	return x;
}

/* The levels of the m sorted rows: cum[j] (the weight before x[j]) divided by
 * W - w_m, overwritten in place; 0 < ... and the last exactly 1. */
static void levels(double *cum, size_t m)
{
	double den = cum[m - 1];
	for (size_t j = 0; j + 1 < m; j++)
		cum[j] /= den;
	cum[m - 1] = 1;
}

static double *cumulative(const ScoreW *x, size_t m)
{
	double *cum = ad_xmalloc(ad_mul(m ? m : 1, sizeof *cum)), c = 0;
	for (size_t j = 0; j < m; j++) {
		cum[j] = c;
		c += x[j].w;
	}
	return cum;
}

/* The scores of x[0..m-1] as an array. */
static double *scores_of(const ScoreW *x, size_t m)
{
	double *v = ad_xmalloc(ad_mul(m ? m : 1, sizeof *v));
	for (size_t j = 0; j < m; j++)
		v[j] = x[j].s;
	return v;
}

double weighted_quantile(const double *s, const double *w, size_t n, double p)
{
	size_t m;
	ScoreW *x = positive_sorted(s, w, n, &m);
	double *cum, *v, q = NAN;
	if (m > 0 && p >= 0 && p <= 1) {
		cum = cumulative(x, m);
		if (m > 1)
			levels(cum, m);
		v = scores_of(x, m);
		q = knots_quantile(cum, v, m, p);
		free(v);
		free(cum);
	}
	free(x);
	return q;
}

void scoredist_fit_clean(ScoreDist *d, const double *s, const double *w, size_t n)
{
	size_t m;
	ScoreW *x;
	double *cum, *v;
	int equal = 1;
	free(d->cq);
	free(d->cl);
	d->cq = d->cl = NULL;
	d->ck = 0;
	d->clean_rows = 0;
	d->clean_weight = 0;
	if (!w || n == 0)
		return;
	x = positive_sorted(s, w, n, &m);
	if (m == 0) {
		free(x);
		return;
	}
	cum = cumulative(x, m);
	d->clean_rows = m;
	d->clean_weight = cum[m - 1] + x[m - 1].w;
	for (size_t j = 1; j < m; j++)
		equal &= x[j].w == x[0].w;
	v = scores_of(x, m);
	if (m == 1) {
		d->ck = 1;
		d->cl = cum;                     /* 0 */
		d->cq = v;
	} else if (m <= SD_LEVELS) {
		/* every knot: exact at every level */
		d->ck = (uint32_t)m;
		if (equal)                       /* the unweighted levels j/(m-1) */
			for (size_t j = 0; j < m; j++)
				cum[j] = (double)j / (double)(m - 1);
		else
			levels(cum, m);
		d->cl = cum;
		d->cq = v;
	} else {
		/* the levels 0, 0.001, ..., 1; equal weights: the unweighted rule of
		 * scoredist_fit, to the bit */
		d->ck = SD_LEVELS;
		d->cl = ad_xmalloc(SD_LEVELS * sizeof *d->cl);
		d->cq = ad_xmalloc(SD_LEVELS * sizeof *d->cq);
		if (!equal)
			levels(cum, m);
		for (uint32_t i = 0; i < SD_LEVELS; i++) {
			d->cl[i] = (double)i / (SD_LEVELS - 1);
			d->cq[i] = equal ? sorted_quantile(v, m, d->cl[i])
			                 : knots_quantile(cum, v, m, d->cl[i]);
		}
		free(cum);
		free(v);
	}
	free(x);
}

void scoredist_free(ScoreDist *d)
{
	free(d->q);
	free(d->cq);
	free(d->cl);
	memset(d, 0, sizeof *d);
}

int scoredist_training(ScoreDist *dist, Model *m, const AdvData *d, int score_mean,
                       const double *w)
{
	double *s = ad_xmalloc(ad_mul((size_t)(d->n ? d->n : 1), sizeof *s));
	memset(dist, 0, sizeof *dist);
	if (train_score_all(m, d, 256, score_mean, s)) {
		free(s);
		return ad_error("training rows: %s", ad_errmsg());
	}
	scoredist_fit(dist, s, d->label, (size_t)d->n);
	scoredist_fit_clean(dist, s, w, (size_t)d->n);
	dist->data_crc = thr_data_crc(d);
	free(s);
	return 0;
}

uint32_t thr_data_crc(const AdvData *d)
{
	uint32_t crc = ad_crc32(0, d->label, (size_t)d->n * sizeof(int));
	float *row = ad_xmalloc(ad_mul((size_t)d->info.dim, sizeof *row));
	for (long i = 0; i < d->n; i++) {
		adv_row(d, i, row);
		crc = ad_crc32(crc, row, (size_t)d->info.dim * sizeof *row);
	}
	free(row);
	return crc;
}

double thr_contamination(const ScoreDist *d, double c)
{
	if (!d || d->k == 0) {
		ad_error("no training score distribution stored");
		return NAN;
	}
	return scoredist_quantile(d, 1 - c);
}

double thr_clean(const ScoreDist *d, double r)
{
	if (!d || d->ck == 0) {
		ad_error("no clean-weighted training score distribution stored");
		return NAN;
	}
	return scoredist_clean_quantile(d, 1 - r);
}

double thr_fpr(const double *s, const int *label, size_t n, double rate)
{
	size_t n0 = 0, m;
	double *x, t;
	for (size_t i = 0; i < n; i++)
		n0 += label[i] == 0;
	if (n0 == 0) {
		ad_error("no normal row (label 0) to measure a false-positive rate on");
		return NAN;
	}
	x = ad_xmalloc(ad_mul(n0, sizeof *x));
	n0 = 0;
	for (size_t i = 0; i < n; i++)
		if (label[i] == 0)
			x[n0++] = s[i];
	qsort(x, n0, sizeof *x, cmp_double);
	m = (size_t)floor(rate * (double)n0 + 1e-9);
	if (m >= n0)
		m = n0 - 1;
	t = x[n0 - 1 - m];
	free(x);
	return t;
}

int thr_save(const char *path, double thr, const char *rule, const char *model)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int bad;
	if (!f)
		return ad_error("%s: %s", path, strerror(errno));
	fputs("#adthreshold 1\nthreshold\t", f);
	scores_write_double(f, thr);
	fputc('\n', f);
	if (rule && *rule)
		fprintf(f, "rule\t%s\n", rule);
	if (model && *model)
		fprintf(f, "model\t%s\n", model);
	bad = fflush(f) != 0 || ferror(f);
	if (f != stdout)
		bad |= fclose(f) != 0;
	if (bad)
		return ad_error("%s: write error: %s", ad_name(path), strerror(errno ? errno : EIO));
	return 0;
}

int thr_load(const char *path, double *thr)
{
	FILE *f = ad_fopen_read(path);
	char line[4096];
	long ln = 0;
	int have = 0, rc = 0;
	if (!f)
		return -1;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		char *tab;
		ln++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			rc = ad_error("%s:%ld: line too long", ad_name(path), ln);
			break;
		}
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (ln == 1) {
			if (strcmp(line, "#adthreshold 1"))
				rc = ad_error("%s:1: not a threshold file (expected '#adthreshold 1')",
				              ad_name(path));
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (!(tab = strchr(line, '\t'))) {
			rc = ad_error("%s:%ld: expected key<TAB>value", ad_name(path), ln);
			break;
		}
		*tab++ = 0;
		if (!strcmp(line, "threshold")) {
			if (ad_parse_double(tab, -HUGE_VAL, HUGE_VAL, thr) || !isfinite(*thr))
				rc = ad_error("%s:%ld: threshold: bad number '%s'", ad_name(path), ln,
				              ad_printable(tab));
			have = 1;
		} else if (strcmp(line, "rule") && strcmp(line, "model")) {
			rc = ad_error("%s:%ld: unknown key '%s' (threshold, rule, model)",
			              ad_name(path), ln, ad_printable(line));
		}
	}
	if (rc == 0 && ferror(f))
		rc = ad_error("%s: %s", ad_name(path), ad_ferror_msg(f));
	if (rc == 0 && ln == 0)
		rc = ad_error("%s: empty file (not a threshold file)", ad_name(path));
	if (rc == 0 && !have)
		rc = ad_error("%s: no threshold line", ad_name(path));
	if (f != stdin)
		fclose(f);
	return rc;
}

Confusion thr_confusion(const double *s, const int *label, size_t n, double thr)
{
	Confusion c = { 0, 0, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		int p = s[i] > thr;
		if (label[i])
			p ? c.tp++ : c.fn++;
		else
			p ? c.fp++ : c.tn++;
	}
	return c;
}

double thr_precision_at(const double *s, const int *label, size_t n, size_t k)
{
	double *x, t;
	size_t sel = 0, pos = 0;
	if (k == 0 || k > n)
		return NAN;
	x = ad_xmalloc(ad_mul(n, sizeof *x));
	memcpy(x, s, n * sizeof *x);
	qsort(x, n, sizeof *x, cmp_double);
	t = x[n - k];
	free(x);
	for (size_t i = 0; i < n; i++)
		if (s[i] >= t) {
			sel++;
			pos += label[i] != 0;
		}
	return (double)pos / (double)sel;
}
