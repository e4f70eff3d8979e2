/* gmm.c: see gmm.h. */
#include "gmm.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOG_2PI 1.83787706640934548356

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double gmm2_from_unit(const Gmm2 *g, double u)
{
	/* lo + 2 h u, with each partial sum inside [lo, hi] */
	double a = u * g->h;
	return g->lo + a + a;
}

/* log(pi N(u; mu, var)) */
static double log_wpdf(double u, double lpi, double mu, double var, double lvar)
{
	double d = u - mu;
	return lpi - 0.5 * (LOG_2PI + lvar) - d * d / (2 * var);
}

/* mean and population variance of u[0..n-1] */
static void moments(const double *u, size_t n, double *mean, double *var)
{
	double m = 0, v = 0;
	for (size_t i = 0; i < n; i++)
		m += u[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		v += (u[i] - m) * (u[i] - m);
	*mean = m;
	*var = v / (double)n;
}

int gmm2_fit(const double *x, size_t n, Gmm2 *g, double *scratch)
{
	double *u = scratch, *r = scratch + n;
	double lo, hi, h, umean, uvar, reg, mu[2], var[2], pi[2], prev = -INFINITY, ll = 0;
	double ll1, bic1, bic2;
	size_t k;
	memset(g, 0, sizeof *g);
	g->mean = g->sd1 = NAN;
	for (int c = 0; c < 2; c++)
		g->pi[c] = g->mu[c] = g->sd[c] = g->u_mu[c] = g->u_sd[c] = NAN;
	if (n == 0) {
		g->status = GMM_FEW;
		return g->status;
	}
	lo = hi = x[0];
	for (size_t i = 1; i < n; i++) {
		if (x[i] < lo) lo = x[i];
		if (x[i] > hi) hi = x[i];
	}
	g->lo = lo;
	g->h = h = hi / 2 - lo / 2;
	if (h == 0) {
		g->mean = lo;
		g->sd1 = 0;
		g->status = n < GMM_MIN_N ? GMM_FEW : GMM_FLAT;
		return g->status;
	}
	for (size_t i = 0; i < n; i++)
		u[i] = (x[i] / 2 - lo / 2) / h;
	moments(u, n, &umean, &uvar);
	g->mean = gmm2_from_unit(g, umean);
	g->sd1 = sqrt(uvar) * 2 * h;
	if (n < GMM_MIN_N) {
		g->status = GMM_FEW;
		return g->status;
	}
	reg = GMM_REG * uvar;

	/* initialisation: the lower and the upper half of the sorted values */
	memcpy(r, u, n * sizeof *u);
	qsort(r, n, sizeof *r, cmp_double);
	k = n / 2;
	moments(r, k, &mu[0], &var[0]);
	moments(r + k, n - k, &mu[1], &var[1]);
	var[0] += reg;
	var[1] += reg;
	pi[0] = pi[1] = 0.5;

	g->converged = 0;
	for (g->iter = 1; g->iter <= GMM_MAX_ITER; g->iter++) {
		double lpi0 = log(pi[0]), lpi1 = log(pi[1]), lv0 = log(var[0]), lv1 = log(var[1]);
		double n0 = 0, n1 = 0, s0 = 0, s1 = 0, q0 = 0, q1 = 0;
		/* E-step: r[i] = responsibility of component 1 */
		ll = 0;
		for (size_t i = 0; i < n; i++) {
			double l0 = log_wpdf(u[i], lpi0, mu[0], var[0], lv0);
			double l1 = log_wpdf(u[i], lpi1, mu[1], var[1], lv1);
			double m = l0 > l1 ? l0 : l1;
			double lse = m + log(exp(l0 - m) + exp(l1 - m));
			r[i] = exp(l1 - lse);
			ll += lse;
		}
		ll /= (double)n;
		if (ll - prev < GMM_TOL) {
			g->converged = 1;
			break;
		}
		prev = ll;
		/* M-step */
		for (size_t i = 0; i < n; i++) {
			double r1 = r[i], r0 = 1 - r1;
			n0 += r0; n1 += r1;
			s0 += r0 * u[i]; s1 += r1 * u[i];
		}
		if (n0 < 1 || n1 < 1)      /* less than one value's worth: collapsed */
			break;
		mu[0] = s0 / n0;
		mu[1] = s1 / n1;
		for (size_t i = 0; i < n; i++) {
			double r1 = r[i], r0 = 1 - r1, d0 = u[i] - mu[0], d1 = u[i] - mu[1];
			q0 += r0 * d0 * d0;
			q1 += r1 * d1 * d1;
		}
		var[0] = q0 / n0 + reg;
		var[1] = q1 / n1 + reg;
		pi[0] = n0 / (double)n;
		pi[1] = n1 / (double)n;
	}
	if (g->iter > GMM_MAX_ITER)
		g->iter = GMM_MAX_ITER;

	/* order by mean (then by spread) */
	if (mu[1] < mu[0] || (mu[1] == mu[0] && var[1] < var[0])) {
		double t;
		t = mu[0]; mu[0] = mu[1]; mu[1] = t;
		t = var[0]; var[0] = var[1]; var[1] = t;
		t = pi[0]; pi[0] = pi[1]; pi[1] = t;
	}
	for (int c = 0; c < 2; c++) {
		g->pi[c] = pi[c];
		g->u_mu[c] = mu[c];
		g->u_sd[c] = sqrt(var[c]);
		g->mu[c] = gmm2_from_unit(g, mu[c]);
		g->sd[c] = g->u_sd[c] * 2 * h;
	}

	/* one Gaussian against two: BIC */
	ll1 = 0;
	{
		double v = uvar + reg, lv = log(v);
		for (size_t i = 0; i < n; i++)
			ll1 += log_wpdf(u[i], 0, umean, v, lv);
	}
	bic1 = -2 * ll1 + 2 * log((double)n);
	bic2 = -2 * ll * (double)n + 5 * log((double)n);
	if (pi[0] * (double)n < 1 || pi[1] * (double)n < 1 || mu[0] == mu[1] || !(bic2 < bic1))
		g->status = GMM_ONE;
	else
		g->status = GMM_TWO;
	return g->status;
}

double gmm2_intersect(double pi0, double mu0, double sd0, double pi1, double mu1, double sd1)
{
	double v0 = sd0 * sd0, v1 = sd1 * sd1;
	double A = 0.5 / v0 - 0.5 / v1;
	double B = mu1 / v1 - mu0 / v0;
	double C = mu0 * mu0 / (2 * v0) - mu1 * mu1 / (2 * v1) + log(sd0 * pi1 / (sd1 * pi0));
	double root[2];
	int nr = 0;
	if (!(mu0 <= mu1) || !(sd0 > 0) || !(sd1 > 0) || !(pi0 > 0) || !(pi1 > 0))
		return NAN;
	if (A == 0) {
		if (B == 0)
			return NAN;
		root[nr++] = -C / B;
	} else {
		double disc = B * B - 4 * A * C, q;
		if (disc < 0)
			return NAN;
		/* the stable pair of roots: q / A and C / q */
		q = -0.5 * (B + copysign(sqrt(disc), B));
		if (q == 0)
			root[nr++] = 0;
		else {
			root[nr++] = q / A;
			root[nr++] = C / q;
		}
	}
	{
		double best = NAN;
		for (int i = 0; i < nr; i++)
			if (root[i] >= mu0 && root[i] <= mu1 && !(root[i] >= best))
				best = root[i];
		return best;
	}
}

double gmm2_fit_intersect(const Gmm2 *g)
{
	double t;
	if (g->status != GMM_TWO && g->status != GMM_ONE)
		return NAN;
	t = gmm2_intersect(g->pi[0], g->u_mu[0], g->u_sd[0], g->pi[1], g->u_mu[1], g->u_sd[1]);
	return isnan(t) ? NAN : gmm2_from_unit(g, t);
}
