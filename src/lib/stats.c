/* stats.c: quantiles by selection, modified z-score, alpha and rejection weights. */
#include "stats.h"
#include <float.h>
#include <math.h>
#include <string.h>

/* Rearrange a[0..n-1] so that a[k] holds the k-th smallest value, everything
 * before it is <= a[k] and everything after it >= a[k] (Hoare partition with a
 * median-of-three pivot). */
static void select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i, j;
		double t, p;
		/* order a[lo], a[mid], a[hi]; the median of the three is the pivot */
		if (a[mid] < a[lo]) { t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
		if (a[hi] < a[lo]) { t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
		if (a[hi] < a[mid]) { t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
		p = a[mid];
		i = lo;
		j = hi;
		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				t = a[i]; a[i] = a[j]; a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		/* now a[lo..j] <= p <= a[i..hi], and j < i */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;       /* j < k < i: a[k] == p, in place */
	}
}

double ad_quantile(const double *x, size_t n, double q, double *scratch)
{
	double h, t, a, b;
	size_t k;
	if (n == 0 || !(q >= 0 && q <= 1))
		return NAN;
	memcpy(scratch, x, n * sizeof *x);
	h = (double)(n - 1) * q;
	k = (size_t)floor(h);
	if (k >= n - 1)
		k = n - 1;
	t = h - (double)k;
	select_kth(scratch, n, k);
	a = scratch[k];
	if (t == 0 || k == n - 1)
		return a;
	/* the next order statistic is the smallest value above position k */
	b = scratch[k + 1];
	for (size_t i = k + 2; i < n; i++)
		if (scratch[i] < b)
			b = scratch[i];
	/* numpy's _lerp: exact at both ends, the same value for t = 0.5 either way;
	 * b - a overflows only for values of opposite signs near DBL_MAX, where the
	 * weighted sum cannot */
	if (isinf(b - a))
		return a * (1 - t) + b * t;
	return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

double ad_median(const double *x, size_t n, double *scratch)
{
	return ad_quantile(x, n, 0.5, scratch);
}

double ad_mad(const double *x, size_t n, double center, double *scratch)
{
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(x[i] - center);
	/* ad_quantile copies its input into scratch: the same buffer is fine */
	return ad_quantile(scratch, n, 0.5, scratch);
}

double ad_meanad(const double *x, size_t n, double center)
{
	double sum = 0;
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		sum += fabs(x[i] - center);
	return sum / (double)n;
}

/* v, or +-DBL_MAX in place of an infinity */
static double clamp_finite(double v)
{
	return isinf(v) ? copysign(DBL_MAX, v) : v;
}

double modz_batch(const double *s, size_t n, double *z, double *scratch)
{
	double med, mad, meanad, tiny, big = 0, c = 1;
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (fabs(s[i]) > big)
			big = fabs(s[i]);
	if (big > 0x1p1000) {
		/* s - med and the sums could overflow: the z-score does not change with
		 * the scale, so work on c s with c = 2^-64 (exact), in z */
		c = 0x1p-64;
		for (size_t i = 0; i < n; i++)
			z[i] = s[i] * c;
		s = z;
	}
	med = ad_median(s, n, scratch);
	mad = ad_mad(s, n, med, scratch);
	tiny = 1e-12 * fmax(c, fabs(med));      /* 1e-12 max(1, |med|) before scaling */
	if (mad > tiny) {
		for (size_t i = 0; i < n; i++)
			z[i] = clamp_finite(AD_MODZ_K * (s[i] - med) / mad);
		return med / c;
	}
	meanad = ad_meanad(s, n, med);
	if (meanad > tiny) {
		for (size_t i = 0; i < n; i++)
			z[i] = clamp_finite((s[i] - med) / (AD_MEANAD_K * meanad));
		return med / c;
	}
	for (size_t i = 0; i < n; i++)
		z[i] = 0;
	return med / c;
}

void alpha_batch(const double *z, size_t n, double alpha_r, double zfloor, double *alpha)
{
	double m = zfloor;
	for (size_t i = 0; i < n; i++)
		if (fabs(z[i]) > m)
			m = fabs(z[i]);
	for (size_t i = 0; i < n; i++) {
		double r = z[i] / m;
		alpha[i] = z[i] > 0 ? 2 - (2 - alpha_r) * r * r : 2;
	}
}

void reject_batch(const double *s, size_t n, double q, double ts, double *w, double *scratch)
{
	double sq;
	if (n == 0)
		return;
	sq = ad_quantile(s, n, q, scratch);
	for (size_t i = 0; i < n; i++)
		w[i] = s[i] > sq ? ts : 1;
}

void hetero_batch(const double *s, size_t n, double q, double ts, double alpha_r,
                  double *z, double *alpha, double *w, double *scratch)
{
	modz_batch(s, n, z, scratch);
	alpha_batch(z, n, alpha_r, AD_ZFLOOR, alpha);
	reject_batch(s, n, q, ts, w, scratch);
}
