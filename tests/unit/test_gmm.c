/* test_gmm.c: the two-component mixture EM and its intersection (gmm.h), and the
 * adaptive rejection of a batch (aar.h), against independent computations:
 * samples drawn from known parameters (tolerances from the sampling error),
 * one EM step redone here in long double at the fitted parameters (a fit must
 * be a fixed point), the intersection from the plain quadratic formula and the
 * density equality, and the degenerate batches. */
#include "unit.h"
#include "aar.h"
#include "gmm.h"
#include "rng.h"
#include "stats.h"
#include <float.h>
#include <stdlib.h>
#include <string.h>

#define NBIG 20000

static double x[NBIG], y[NBIG], scr[3 * NBIG], w[NBIG];
static int lab[NBIG];

/* n values, a share p1 from N(mu1, sd1^2) (label 1), the rest from N(mu0, sd0^2) */
static void draw(Rng *r, size_t n, double p1, double mu0, double sd0, double mu1, double sd1)
{
	for (size_t i = 0; i < n; i++) {
		lab[i] = rng_uniform(r) < p1;
		x[i] = lab[i] ? mu1 + sd1 * rng_normal(r) : mu0 + sd0 * rng_normal(r);
	}
}

/* One EM step in long double at the fit's parameters (with the fit's variance
 * floor, GMM_REG var(x)); the fit must reproduce itself. */
static void check_fixed_point(const double *v, size_t n, const Gmm2 *g)
{
	long double m = 0, var = 0, n0 = 0, n1 = 0, s0 = 0, s1 = 0, q0 = 0, q1 = 0, reg;
	for (size_t i = 0; i < n; i++)
		m += v[i];
	m /= n;
	for (size_t i = 0; i < n; i++)
		var += (v[i] - m) * (v[i] - m);
	reg = GMM_REG * var / n;
	for (size_t i = 0; i < n; i++) {
		long double d0 = (v[i] - g->mu[0]) / g->sd[0], d1 = (v[i] - g->mu[1]) / g->sd[1];
		long double p0 = g->pi[0] / g->sd[0] * expl(-0.5L * d0 * d0);
		long double p1 = g->pi[1] / g->sd[1] * expl(-0.5L * d1 * d1);
		long double r1 = p1 / (p0 + p1), r0 = 1 - r1;
		n0 += r0; n1 += r1; s0 += r0 * v[i]; s1 += r1 * v[i];
	}
	for (size_t i = 0; i < n; i++) {
		long double d0 = (v[i] - g->mu[0]) / g->sd[0], d1 = (v[i] - g->mu[1]) / g->sd[1];
		long double p0 = g->pi[0] / g->sd[0] * expl(-0.5L * d0 * d0);
		long double p1 = g->pi[1] / g->sd[1] * expl(-0.5L * d1 * d1);
		long double r1 = p1 / (p0 + p1), r0 = 1 - r1;
		q0 += r0 * (v[i] - s0 / n0) * (v[i] - s0 / n0);
		q1 += r1 * (v[i] - s1 / n1) * (v[i] - s1 / n1);
	}
	/* converged to 1e-10 in the mean log-likelihood: parameters settle to ~1e-5
	 * of the data's spread */
	{
		double spread = sqrt((double)(var / n));
		CHECK_NEAR(g->mu[0], (double)(s0 / n0), 1e-5 * spread);
		CHECK_NEAR(g->mu[1], (double)(s1 / n1), 1e-5 * spread);
		CHECK_NEAR(g->sd[0], (double)sqrtl(q0 / n0 + reg), 1e-5 * spread);
		CHECK_NEAR(g->sd[1], (double)sqrtl(q1 / n1 + reg), 1e-5 * spread);
		CHECK_NEAR(g->pi[0], (double)(n0 / n), 1e-5);
	}
}

static void test_recovery(void)
{
	Rng r;
	Gmm2 g;
	/* truth: 70 % N(1, 0.5^2), 30 % N(6, 1.5^2), n = 20000.  Standard errors:
	 * mean sd/sqrt(n_k) (0.0042, 0.019), sd sd/sqrt(2 n_k) (0.0030, 0.014),
	 * weight sqrt(p(1-p)/n) = 0.0032; the components overlap by < 1e-4 of the
	 * mass, so the fit error is the sampling error: 5 standard errors each. */
	rng_seed(&r, 12);
	draw(&r, NBIG, 0.3, 1, 0.5, 6, 1.5);
	CHECK(gmm2_fit(x, NBIG, &g, scr) == GMM_TWO);
	CHECK(g.converged);
	CHECK_NEAR(g.mu[0], 1, 5 * 0.0042);
	CHECK_NEAR(g.mu[1], 6, 5 * 0.019);
	CHECK_NEAR(g.sd[0], 0.5, 5 * 0.0030);
	CHECK_NEAR(g.sd[1], 1.5, 5 * 0.014);
	CHECK_NEAR(g.pi[1], 0.3, 5 * 0.0032);
	CHECK_NEAR(g.pi[0] + g.pi[1], 1, 1e-12);
	check_fixed_point(x, NBIG, &g);

	/* overlapping components, unequal weights: 85 % N(0, 1), 15 % N(3, 1),
	 * n = 20000 (a harder fit: 8 standard errors of the separated case) */
	rng_seed(&r, 99);
	draw(&r, NBIG, 0.15, 0, 1, 3, 1);
	CHECK(gmm2_fit(x, NBIG, &g, scr) == GMM_TWO);
	CHECK_NEAR(g.mu[0], 0, 0.05);
	CHECK_NEAR(g.mu[1], 3, 0.15);
	CHECK_NEAR(g.sd[0], 1, 0.05);
	CHECK_NEAR(g.sd[1], 1, 0.12);
	CHECK_NEAR(g.pi[1], 0.15, 0.03);
	check_fixed_point(x, NBIG, &g);
	/* the intersection of the fit: its weighted densities are equal there */
	{
		double t = gmm2_fit_intersect(&g), d0, d1;
		CHECK(t > g.mu[0] && t < g.mu[1]);
		d0 = log(g.pi[0] / g.sd[0]) - 0.5 * pow((t - g.mu[0]) / g.sd[0], 2);
		d1 = log(g.pi[1] / g.sd[1]) - 0.5 * pow((t - g.mu[1]) / g.sd[1], 2);
		CHECK_NEAR(d0, d1, 1e-9);
	}
	/* deterministic: the same data, the same bits; the order of the data does
	 * not matter beyond rounding */
	{
		Gmm2 g2;
		gmm2_fit(x, NBIG, &g2, scr);
		CHECK(!memcmp(g.mu, g2.mu, sizeof g.mu) && !memcmp(g.sd, g2.sd, sizeof g.sd));
		for (size_t i = 0; i < NBIG; i++)
			y[i] = x[NBIG - 1 - i];
		gmm2_fit(y, NBIG, &g2, scr);
		CHECK_NEAR(g2.mu[1], g.mu[1], 1e-6);
		CHECK_NEAR(g2.pi[1], g.pi[1], 1e-6);
	}
}

/* the plain quadratic formula in long double */
static long double naive_root(long double p0, long double m0, long double s0,
                              long double p1, long double m1, long double s1, int plus)
{
	long double v0 = s0 * s0, v1 = s1 * s1;
	long double A = 0.5L / v0 - 0.5L / v1, B = m1 / v1 - m0 / v0;
	long double C = m0 * m0 / (2 * v0) - m1 * m1 / (2 * v1) + logl(s0 * p1 / (s1 * p0));
	if (A == 0)
		return -C / B;
	return (-B + (plus ? 1 : -1) * sqrtl(B * B - 4 * A * C)) / (2 * A);
}

static void test_intersection(void)
{
	static const double cases[][6] = {
		{ 0.5, 0, 1, 0.5, 4, 1 },          /* symmetric: the midpoint */
		{ 0.9, 0, 1, 0.1, 4, 1 },          /* equal variances: linear */
		{ 0.7, 1, 0.5, 0.3, 6, 1.5 },
		{ 0.6, 10, 2, 0.4, 12, 0.5 },      /* the narrow one above */
		{ 0.95, 0.01, 0.003, 0.05, 0.05, 0.02 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const double *c = cases[k];
		double t = gmm2_intersect(c[0], c[1], c[2], c[3], c[4], c[5]);
		long double ra = naive_root(c[0], c[1], c[2], c[3], c[4], c[5], 1);
		long double rb = naive_root(c[0], c[1], c[2], c[3], c[4], c[5], 0);
		long double want = (ra >= c[1] && ra <= c[4]) ? ra : rb;
		double d0 = log(c[0] / c[2]) - 0.5 * pow((t - c[1]) / c[2], 2);
		double d1 = log(c[3] / c[5]) - 0.5 * pow((t - c[4]) / c[5], 2);
		CHECK(t >= c[1] && t <= c[4]);
		CHECK_NEAR(t, (double)want, 1e-9 * (fabs(c[4]) + 1));
		CHECK_NEAR(d0, d1, 1e-8);
	}
	CHECK(gmm2_intersect(0.5, 0, 1, 0.5, 4, 1) == 2);
	/* equal variances: t = (m0 + m1)/2 + v ln(p0/p1)/(m1 - m0) */
	CHECK_NEAR(gmm2_intersect(0.9, 0, 1, 0.1, 4, 1), 2 + log(9) / 4, 1e-12);
	/* no crossing between the means: a tiny far component of the same width */
	CHECK(isnan(gmm2_intersect(0.999, 0, 1, 0.001, 1, 1)));
	/* bad arguments */
	CHECK(isnan(gmm2_intersect(0.5, 4, 1, 0.5, 0, 1)));
	CHECK(isnan(gmm2_intersect(0.5, 0, 0, 0.5, 4, 1)));
	CHECK(isnan(gmm2_intersect(0, 0, 1, 1, 4, 1)));
}

static void test_degenerate(void)
{
	Rng r;
	Gmm2 g, h;
	/* all equal */
	for (int i = 0; i < 50; i++)
		x[i] = 3.25;
	CHECK(gmm2_fit(x, 50, &g, scr) == GMM_FLAT);
	CHECK(g.mean == 3.25 && g.sd1 == 0);
	CHECK(isnan(gmm2_fit_intersect(&g)));
	/* too few */
	x[0] = 1; x[1] = 2; x[2] = 10;
	CHECK(gmm2_fit(x, GMM_MIN_N - 1, &g, scr) == GMM_FEW);
	CHECK(gmm2_fit(x, 0, &g, scr) == GMM_FEW);
	CHECK(gmm2_fit(x, 1, &g, scr) == GMM_FEW);
	/* one mode: 2000 values from one Gaussian; BIC keeps one component */
	rng_seed(&r, 5);
	for (int i = 0; i < 2000; i++)
		x[i] = 10 + 2 * rng_normal(&r);
	CHECK(gmm2_fit(x, 2000, &g, scr) == GMM_ONE);
	CHECK_NEAR(g.mean, 10, 5 * 2 / sqrt(2000.0));
	CHECK_NEAR(g.sd1, 2, 5 * 2 / sqrt(4000.0));
	/* two tight clusters and nothing between: still two */
	for (int i = 0; i < 40; i++)
		x[i] = i < 30 ? 1 + 0.001 * (i % 3) : 5 + 0.001 * (i % 2);
	CHECK(gmm2_fit(x, 40, &g, scr) == GMM_TWO);
	CHECK_NEAR(g.pi[1], 0.25, 1e-9);
	CHECK_NEAR(g.mu[0], 1.001, 1e-9);
	CHECK_NEAR(g.mu[1], 5.0005, 1e-9);
	/* two exact values: each component's variance is the floor alone,
	 * GMM_REG var(x) (var(x) = 0.25 * 0.75 * 16 = 3) */
	for (int i = 0; i < 40; i++)
		x[i] = i < 30 ? 1 : 5;
	CHECK(gmm2_fit(x, 40, &g, scr) == GMM_TWO);
	CHECK_NEAR(g.sd[0], sqrt(GMM_REG * 3), 1e-9);
	CHECK_NEAR(g.sd[1], sqrt(GMM_REG * 3), 1e-9);
	CHECK_NEAR(g.pi[1], 0.25, 1e-12);
	CHECK_NEAR(gmm2_fit_intersect(&g), 3 + GMM_REG * 3 * log(3) / 4, 1e-9);
	/* huge and tiny ranges: a x + b gives a mu + b, a sd (the fit runs in
	 * normalised units) */
	rng_seed(&r, 12);
	draw(&r, 4000, 0.3, 1, 0.5, 6, 1.5);
	CHECK(gmm2_fit(x, 4000, &g, scr) == GMM_TWO);
	{
		static const double ab[][2] = { { 1e250, 0 }, { 1e-250, 0 }, { 1, 1e9 },
		                                { 1e-300, 1e-290 }, { 1.5e307, -1e308 } };
		for (size_t k = 0; k < sizeof ab / sizeof *ab; k++) {
			double a = ab[k][0], b = ab[k][1];
			for (int i = 0; i < 4000; i++)
				y[i] = a * x[i] + b;
			CHECK(gmm2_fit(y, 4000, &h, scr) == GMM_TWO);
			for (int c = 0; c < 2; c++) {
				CHECK_NEAR((h.mu[c] - b) / a, g.mu[c], 1e-6 * (b != 0 ? fabs(b / a) : 1));
				CHECK_NEAR(h.sd[c] / a, g.sd[c], 1e-6);
				CHECK_NEAR(h.pi[c], g.pi[c], 1e-6);
			}
			CHECK(isfinite(gmm2_fit_intersect(&h)));
			CHECK_NEAR((gmm2_fit_intersect(&h) - b) / a, gmm2_fit_intersect(&g),
			           1e-6 * (b != 0 ? fabs(b / a) : 1));
		}
	}
}

/* an independent hard threshold: sort, median, MAD */
static double sorted_median(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void test_aar(void)
{
	Rng r;
	AarConfig c;
	AarInfo a;
	size_t n = 1000, nh = 0, ns = 0;
	aar_config_defaults(&c);
	CHECK(c.tau == 3.5 && c.guard == 1 && c.ts == 0.1);

	/* 30 % anomalies clearly above: all hard-rejected by the z-score, the rest
	 * is one mode; the estimate finds 0.3 (sampling error sqrt(.21/1000) =
	 * 0.014; 3 of them) */
	rng_seed(&r, 3);
	draw(&r, n, 0.3, 1, 0.2, 3, 0.3);
	aar_batch(x, n, &c, 0, w, &a, scr);
	{
		double med, mad;
		memcpy(y, x, n * sizeof *x);
		med = sorted_median(y, n);
		for (size_t i = 0; i < n; i++)
			y[i] = fabs(x[i] - med);
		mad = sorted_median(y, n);
		CHECK_NEAR(a.t_hard, med + 3.5 * mad / 0.6745, 1e-12 * a.t_hard);
	}
	CHECK(a.fit.status == GMM_ONE);
	CHECK_NEAR(a.contam, 0.3, 3 * 0.014);
	CHECK_NEAR(a.t_soft, a.fit.mean + a.fit.sd1, 1e-12);
	for (size_t i = 0; i < n; i++)
		CHECK(!lab[i] || w[i] == 0);
	/* 20 % anomalies overlapping the normal scores, N(1.7, 0.25^2) against
	 * N(1, 0.2^2): two components; estimate within 4 sampling errors
	 * (sqrt(.16/1000) = 0.013) */
	rng_seed(&r, 3);
	draw(&r, n, 0.2, 1, 0.2, 1.7, 0.25);
	aar_batch(x, n, &c, 0, w, &a, scr);
	CHECK(a.fit.status == GMM_TWO);
	CHECK_NEAR(a.contam, 0.2, 4 * 0.013);
	CHECK(a.t_soft <= a.t_hard);
	CHECK(a.t_soft >= a.mu_n + a.sd_n);
	CHECK(a.t_soft == (a.t_int > a.mu_n + a.sd_n ? a.t_int : a.mu_n + a.sd_n));
	CHECK(a.t_int > a.fit.mu[0] && a.t_int < a.fit.mu[1]);
	CHECK_NEAR(log(a.fit.pi[0] / a.fit.sd[0]) - 0.5 * pow((a.t_int - a.fit.mu[0]) / a.fit.sd[0], 2),
	           log(a.fit.pi[1] / a.fit.sd[1]) - 0.5 * pow((a.t_int - a.fit.mu[1]) / a.fit.sd[1], 2),
	           1e-9);
	for (size_t i = 0; i < n; i++) {
		double want = x[i] > a.t_hard ? 0 : x[i] > a.t_soft ? 0.1 : 1;
		CHECK(w[i] == want);
		nh += w[i] == 0;
		ns += w[i] == 0.1;
	}
	CHECK(nh == a.n_hard && ns == a.n_soft);
	CHECK(nh > 0 && ns > 0);
	/* most anomalies rejected, most normals kept */
	{
		size_t anom_kept = 0, norm_rej = 0, nanom = 0;
		for (size_t i = 0; i < n; i++) {
			nanom += lab[i];
			anom_kept += lab[i] && w[i] == 1;
			norm_rej += !lab[i] && w[i] < 1;
		}
		CHECK(anom_kept < nanom / 5);
		CHECK(norm_rej < (n - nanom) / 10);
	}
	/* warm-up: hard rejection only */
	aar_batch(x, n, &c, 1, y, &a, scr);
	CHECK(a.t_soft == a.t_hard && a.n_soft == 0);
	for (size_t i = 0; i < n; i++)
		CHECK(y[i] == (x[i] > a.t_hard ? 0 : 1));

	/* far anomalies are hard-rejected; the rest is one mode, guard threshold */
	rng_seed(&r, 4);
	for (size_t i = 0; i < 100; i++)
		x[i] = i < 90 ? 1 + 0.1 * rng_normal(&r) : 50 + i;
	aar_batch(x, 100, &c, 0, w, &a, scr);
	CHECK(a.n_hard == 10);
	for (size_t i = 90; i < 100; i++)
		CHECK(w[i] == 0);
	CHECK(a.fit.status == GMM_ONE);
	CHECK_NEAR(a.t_soft, a.fit.mean + a.fit.sd1, 1e-12);
	CHECK_NEAR(a.contam, 0.1, 1e-12);

	/* all equal: nothing rejected */
	for (size_t i = 0; i < 64; i++)
		x[i] = 7;
	aar_batch(x, 64, &c, 0, w, &a, scr);
	CHECK(a.t_hard == 7 && a.t_soft == 7 && a.contam == 0 && a.n_hard == 0);
	for (size_t i = 0; i < 64; i++)
		CHECK(w[i] == 1);
	/* one row; a few rows (no mixture: hard rejection only) */
	aar_batch(x, 1, &c, 0, w, &a, scr);
	CHECK(w[0] == 1 && a.t_hard == 7);
	x[0] = 1; x[1] = 1.1; x[2] = 0.9; x[3] = 1.05; x[4] = 100;
	aar_batch(x, 5, &c, 0, w, &a, scr);
	CHECK(a.fit.status == GMM_FEW && a.t_soft == a.t_hard);
	CHECK(w[4] == 0 && w[0] == 1 && w[1] == 1 && w[2] == 1 && w[3] == 1);
	/* MAD = 0 (more than half the values equal): the MeanAD scale */
	for (size_t i = 0; i < 40; i++)
		x[i] = i < 30 ? 2 : 2 + (double)i;
	aar_batch(x, 40, &c, 0, w, &a, scr);
	CHECK_NEAR(a.t_hard, 2 + 3.5 * 1.253314 * ad_meanad(x, 40, 2), 1e-12);
	/* huge values: thresholds stay finite */
	for (size_t i = 0; i < 40; i++)
		x[i] = i < 30 ? 1e307 * (1 + 0.01 * (double)(i % 7)) : 1.7e308;
	aar_batch(x, 40, &c, 0, w, &a, scr);
	CHECK(isfinite(a.t_hard) && isfinite(a.t_soft) && isfinite(a.contam));
	CHECK(w[39] == 0);
}

int main(void)
{
	test_recovery();
	test_intersection();
	test_degenerate();
	test_aar();
	return UNIT_DONE();
}
