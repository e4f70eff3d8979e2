/* gradcheck.h: central finite differences against analytic gradients, for the
 * unit tests.  The caller supplies loss(ctx): a train-mode forward returning a
 * scalar in double.  An element passes if |num - ana| <= atol + rtol |ana|. */
#ifndef AD_GRADCHECK_H
#define AD_GRADCHECK_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rng.h"

typedef double (*gc_loss_fn)(void *ctx);

/* Checks up to `maxn` elements of data (evenly spread) against ana[].  Returns the
 * number of elements that fail. */
static inline int gc_check(const char *what, gc_loss_fn loss, void *ctx, float *data,
                    const float *ana, size_t n, float h, double atol, double rtol,
                    size_t maxn)
{
	size_t step = n > maxn ? (n + maxn - 1) / maxn : 1;
	int bad = 0;
	double worst = 0.0;
	for (size_t i = 0; i < n; i += step) {
		float keep = data[i];
		data[i] = keep + h;
		double lp = loss(ctx);
		data[i] = keep - h;
		double lm = loss(ctx);
		data[i] = keep;
		double num = (lp - lm) / (2.0 * h);
		double err = fabs(num - ana[i]);
		double lim = atol + rtol * fabs(ana[i]);
		if (err / lim > worst)
			worst = err / lim;
		if (err > lim) {
			if (bad < 5)
				fprintf(stderr, "%s[%zu]: numeric %.6g analytic %.6g\n", what, i, num,
				        (double)ana[i]);
			bad++;
		}
	}
	if (getenv("GC_VERBOSE"))
		fprintf(stderr, "%s: n=%zu worst err/limit %.3g\n", what, n, worst);
	return bad;
}

static inline void gc_fill(float *p, size_t n, double lo, double hi, Rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(lo + (hi - lo) * rng_uniform(r));
}

/* values in +-[lo, hi] with random sign: keeps away from the kink at 0 */
static inline void gc_fill_away(float *p, size_t n, double lo, double hi, Rng *r)
{
	for (size_t i = 0; i < n; i++) {
		double v = lo + (hi - lo) * rng_uniform(r);
		p[i] = (float)(rng_uniform(r) < 0.5 ? -v : v);
	}
}

static inline double gc_dot(const float *y, const float *r, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += (double)y[i] * r[i];
	return s;
}

#endif
