/* gradcheck.h: central finite differences against analytic gradients, for the
 * unit tests.  The caller supplies loss(ctx): a train-mode forward returning a
 * scalar in double.  An element passes if |num - ana| <= atol + rtol |ana| for the
 * step h, or else for h/4, h/16 or h/64: a step that crosses a kink of a (leaky) ReLU or
 * a max-pool switch is retried smaller, while a wrong gradient fails at every step
 * (and the smaller steps do not loosen the tolerance).  A point sitting exactly on
 * a kink (a batch-norm output of exactly 0 before a leaky ReLU happens) has no
 * central derivative; there the analytic value must match one of the one-sided
 * differences. */
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
		double num = 0.0, err = 0.0, lim = atol + rtol * fabs(ana[i]);
		for (float hh = h; hh >= h / 64; hh /= 4) {
			data[i] = keep + hh;
			double lp = loss(ctx);
			data[i] = keep - hh;
			double lm = loss(ctx);
			data[i] = keep;
			double hd = (double)(keep + hh) - (double)(keep - hh);  /* the step taken */
			double e = fabs((lp - lm) / hd - ana[i]);
			if (hh == h || e < err) {
				num = (lp - lm) / hd;
				err = e;
			}
			if (err <= lim)
				break;
		}
		if (err > lim) {
			double l0 = loss(ctx);
			for (float hh = h / 4; hh >= h / 64 && err > lim; hh /= 4) {
				data[i] = keep + hh;
				double lp = loss(ctx);
				data[i] = keep - hh;
				double lm = loss(ctx);
				data[i] = keep;
				double fwd = (lp - l0) / ((double)(keep + hh) - keep);
				double bwd = (l0 - lm) / (keep - (double)(keep - hh));
				if (fabs(fwd - ana[i]) <= lim || fabs(bwd - ana[i]) <= lim)
					err = 0.0;
			}
		}
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
