/* test_stats.c: quantiles, modified z-score, alpha, rejection (steps 2-6 of
 * Algorithm 1 of "Heterogeneous loss function with aggressive rejection for
 * contaminated data in anomaly detection"), Barron's loss and its derivatives
 * ("A General and Adaptive Robust Loss Function", CVPR 2019), log Z.  The golden
 * batches A and B were computed independently in double precision with
 * q = 0.5, t_s = 0.1, alpha_r = 1.5, c^2 = 0.5. */
#include "unit.h"
#include "stats.h"
#include "ga.h"
#include <string.h>
#include "rng.h"
#include <stddef.h>
#include <stdlib.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static double scr[64], z[64], al[64], w[64];

/* expected values from numpy 1.24 (np.quantile, np.median, mean |x - med|) */
static void test_quantiles(void)
{
	static const double qs[] = { 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1 };
	static const double odd[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5 };
	static const double odd_q[] = { 1, 1, 2, 4, 5, 6.6000000000000005, 9 };
	static const double even[] = { 2.5, -1, 7.25, 0.5, 0.5, 3, 10, -4 };
	static const double even_q[] = { -4, -1.9, 0.125, 1.5, 4.0625, 8.075, 10 };
	static const double ties[] = { 1, 1, 1, 2, 2, 3 };
	static const double ties_q[] = { 1, 1, 1, 1.5, 2, 2.5, 3 };
	double copy[9];
	for (size_t i = 0; i < N(qs); i++) {
		CHECK_NEAR(ad_quantile(odd, N(odd), qs[i], scr), odd_q[i], 1e-12);
		CHECK_NEAR(ad_quantile(even, N(even), qs[i], scr), even_q[i], 1e-12);
		CHECK_NEAR(ad_quantile(ties, N(ties), qs[i], scr), ties_q[i], 1e-12);
	}
	CHECK(ad_median(odd, N(odd), scr) == 4);
	CHECK(ad_median(even, N(even), scr) == 1.5);
	CHECK(ad_median(ties, N(ties), scr) == 1.5);
	CHECK(ad_mad(odd, N(odd), 4, scr) == 2);
	CHECK(ad_mad(even, N(even), 1.5, scr) == 2);
	CHECK(ad_mad(ties, N(ties), 1.5, scr) == 0.5);
	CHECK_NEAR(ad_meanad(even, N(even), 1.5), 3.34375, 1e-15);
	CHECK_NEAR(ad_meanad(ties, N(ties), 1.5), 0.6666666666666666, 1e-15);
	/* the input is left alone */
	for (size_t i = 0; i < N(odd); i++)
		copy[i] = odd[i];
	ad_quantile(copy, N(odd), 0.3, scr);
	for (size_t i = 0; i < N(odd); i++)
		CHECK(copy[i] == odd[i]);
	/* n = 1, n = 0, bad q */
	CHECK(ad_quantile(odd, 1, 0.5, scr) == 3);
	CHECK(ad_quantile(odd, 1, 1, scr) == 3);
	CHECK(isnan(ad_quantile(odd, 0, 0.5, scr)));
	CHECK(isnan(ad_quantile(odd, 3, 1.5, scr)));
	/* selection against a sorted reference on a larger scrambled input with ties */
	{
		double x[61], s[61];
		for (int i = 0; i < 61; i++)
			x[i] = s[i] = (double)((i * 37) % 23);     /* values 0..22, repeated */
		for (int i = 1; i < 61; i++)                   /* insertion sort */
			for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
				double t = s[j]; s[j] = s[j - 1]; s[j - 1] = t;
			}
		for (int k = 0; k <= 60; k++)
			CHECK_NEAR(ad_quantile(x, 61, k / 60.0, scr), s[k], 1e-12);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* selection against a full sort, on random inputs full of ties, sorted and
 * reversed inputs, every size from 1 to 40 */
static void test_quantile_random(void)
{
	Rng rng;
	double x[40], s[40];
	int bad = 0;
	rng_seed(&rng, 3);
	for (int trial = 0; trial < 300; trial++) {
		size_t n = 1 + (size_t)trial % 40;
		int kind = trial % 3;
		for (size_t i = 0; i < n; i++)
			x[i] = kind == 0 ? (double)rng_below(&rng, 5) : kind == 1 ? (double)i : -(double)i;
		memcpy(s, x, n * sizeof *x);
		qsort(s, n, sizeof *s, cmp_double);
		for (int j = 0; j <= 20; j++) {
			double q = j / 20.0, h = (double)(n - 1) * q, lo = floor(h);
			size_t k = (size_t)lo;
			double ref = k + 1 < n ? s[k] + (h - lo) * (s[k + 1] - s[k]) : s[k];
			if (fabs(ad_quantile(x, n, q, scr) - ref) > 1e-12)
				bad++;
		}
	}
	CHECK(bad == 0);
}

/* golden batch A */
static void test_batch_a(void)
{
	static const double s[] = { 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.50, 1.00, 2.00, 5.00 };
	static const struct { int i; double w, z, alpha, L, dL, wL; } row[] = {
		{ 0, 1, -0.715379, 2, 0.100000, 1, 0.100000 },
		{ 4, 1, -0.102197, 2, 0.250000, 1, 0.250000 },
		{ 5, 0.1, 0.102197, 1.999986, 0.299980, 0.999925, 0.029998 },
		{ 6, 0.1, 0.919773, 1.998866, 0.498361, 0.996162, 0.049836 },
		{ 7, 0.1, 2.963712, 1.988228, 0.975761, 0.970193, 0.097576 },
		{ 8, 0.1, 7.051591, 1.933359, 1.799659, 0.871979, 0.179966 },
		{ 9, 0.1, 19.315227, 1.500000, 2.936633, 0.467138, 0.293663 },
	};
	double c = sqrt(0.5), sum = 0, med;
	med = modz_batch(s, N(s), z, scr);
	CHECK_NEAR(med, 0.275, 1e-15);
	CHECK_NEAR(ad_mad(s, N(s), med, scr), 0.165, 1e-15);
	hetero_batch(s, N(s), 0.5, 0.1, 1.5, z, al, w, scr);
	for (size_t k = 0; k < N(row); k++) {
		int i = row[k].i;
		CHECK(w[i] == row[k].w);
		CHECK_NEAR(z[i], row[k].z, 1e-6);
		CHECK_NEAR(al[i], row[k].alpha, 1e-6);
		CHECK_NEAR(ga_rho(s[i], al[i], c), row[k].L, 1e-6);
		CHECK_NEAR(ga_drho_ds(s[i], al[i], c), row[k].dL, 1e-6);
		CHECK_NEAR(w[i] * ga_rho(s[i], al[i], c), row[k].wL, 1e-6);
	}
	for (int i = 1; i <= 3; i++) {
		CHECK(w[i] == 1);
		CHECK(al[i] == 2);
		CHECK_NEAR(ga_rho(s[i], al[i], c), s[i], 1e-15);
	}
	CHECK(al[9] == 1.5);                   /* the sample with z = m gets alpha_r */
	for (size_t i = 0; i < N(s); i++)
		sum += w[i] * ga_rho(s[i], al[i], c);
	CHECK_NEAR(sum / N(s), 0.147104, 1e-6);
	/* q = 0.5: rejected set == {z > 0} */
	for (size_t i = 0; i < N(s); i++)
		CHECK((w[i] < 1) == (z[i] > 0));
}

/* golden batch B: the 3.5 floor is active */
static void test_batch_b(void)
{
	double s[10], c = sqrt(0.5);
	static const double ea[] = { 1.999257, 1.993315, 1.981431, 1.963604, 1.910124 };
	static const double eL[] = { 1.047293, 1.043202, 1.032972, 1.019596, 0.989425 };
	for (int i = 0; i < 9; i++)
		s[i] = 1.00 + 0.01 * i;
	s[9] = 1.10;
	CHECK_NEAR(modz_batch(s, 10, z, scr), 1.045, 1e-12);
	CHECK_NEAR(ad_mad(s, 10, 1.045, scr), 0.025, 1e-12);
	hetero_batch(s, 10, 0.5, 0.1, 1.5, z, al, w, scr);
	for (int i = 0; i < 5; i++) {
		CHECK(al[i] == 2);
		CHECK(w[i] == 1);
		CHECK_NEAR(al[5 + i], ea[i], 1e-6);
		CHECK_NEAR(ga_rho(s[5 + i], al[5 + i], c), eL[i], 1e-6);
		CHECK(w[5 + i] == 0.1);
	}
}

/* MAD = 0 and tiny batches (the fallback of stats.h: MeanAD, then z = 0) */
static void test_mad_zero(void)
{
	static const double s[] = { 1, 1, 1, 1, 2, 5 };   /* med 1, MAD 0, MeanAD 5/6 */
	static const double k[] = { 7, 7, 7 };
	double q = 1.253314 * 5.0 / 6.0;
	CHECK(modz_batch(s, N(s), z, scr) == 1);
	for (int i = 0; i < 4; i++)
		CHECK(z[i] == 0);
	CHECK_NEAR(z[4], 1 / q, 1e-12);
	CHECK_NEAR(z[5], 4 / q, 1e-12);
	alpha_batch(z, N(s), 1.5, 3.5, al);
	CHECK_NEAR(al[5], 1.5, 1e-12);                    /* |z| = 3.83 > 3.5 is the max */
	CHECK_NEAR(al[4], 2 - 0.5 / 16, 1e-12);
	/* constant batch: z = 0, alpha = 2, nothing above the median */
	hetero_batch(k, 3, 0.5, 0.1, 1.5, z, al, w, scr);
	for (int i = 0; i < 3; i++)
		CHECK(z[i] == 0 && al[i] == 2 && w[i] == 1);
	/* a batch of one */
	hetero_batch(s + 5, 1, 0.5, 0.1, 1.5, z, al, w, scr);
	CHECK(z[0] == 0 && al[0] == 2 && w[0] == 1);
	hetero_batch(s + 5, 1, 0.0, 0.1, 1.5, z, al, w, scr);
	CHECK(w[0] == 1);
	/* two values: z = +-0.6745, alpha from the 3.5 floor, the larger rejected */
	hetero_batch(s + 4, 2, 0.5, 0, 1, z, al, w, scr);
	CHECK_NEAR(z[0], -0.6745, 1e-12);
	CHECK_NEAR(z[1], 0.6745, 1e-12);
	CHECK_NEAR(al[1], 2 - (0.6745 / 3.5) * (0.6745 / 3.5), 1e-12);
	CHECK(w[0] == 1 && w[1] == 0);
	/* ties at s_q are kept (strict >), q = 0.25 on {1,1,1,1,2,5}: s_q = 1 */
	reject_batch(s, N(s), 0.25, 0.5, w, scr);
	CHECK(w[0] == 1 && w[3] == 1 && w[4] == 0.5 && w[5] == 0.5);
	/* q = 1 rejects nothing */
	reject_batch(s, N(s), 1, 0, w, scr);
	for (int i = 0; i < 6; i++)
		CHECK(w[i] == 1);
}

/* Barron's rho with c = 1 (rows alpha, columns x^2), computed independently,
 * and single values of the golden batch */
static void test_rho_tables(void)
{
	static const double xs[] = { 0.25, 1, 4, 25 };
	static const double alphas[] = { -INFINITY, -2, 0, 1, 1.5, 2 };
	static const double tab[6][4] = {
		{ 0.117503, 0.393469, 0.864665, 0.999996 },
		{ 0.117647, 0.400000, 1.000000, 1.724138 },
		{ 0.117783, 0.405465, 1.098612, 2.602690 },
		{ 0.118034, 0.414214, 1.236068, 4.099020 },
		{ 0.118468, 0.426502, 1.398717, 6.028120 },
		{ 0.125, 0.5, 2, 12.5 },
	};
	static const double a1[] = { 2, 1.5, 1, 0 };
	static const double L1[] = { 1, 0.781234, 0.732051, 0.693147 };
	static const double d1[] = { 1, 0.668740, 0.577350, 0.5 };
	double c = sqrt(0.5);
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 4; j++)
			CHECK_NEAR(ga_rho(xs[j], alphas[i], 1), tab[i][j], 1e-6);
	for (int i = 0; i < 4; i++) {
		CHECK_NEAR(ga_rho(1, a1[i], c), L1[i], 1e-6);
		CHECK_NEAR(ga_drho_ds(1, a1[i], c), d1[i], 1e-6);
	}
	/* alpha = +inf, closed forms, Geman-McClure, exact zero */
	CHECK_NEAR(ga_rho(1, INFINITY, 1), expm1(0.5), 1e-15);
	CHECK_NEAR(ga_rho(3, -2, 1), 6.0 / 7.0, 1e-14);
	CHECK(ga_rho(0, 1.5, 1) == 0 && ga_rho(0, -5, 2) == 0 && ga_rho(0, 0, 1) == 0);
	/* the special cases agree with the general form next to them */
	for (int j = 0; j < 4; j++) {
		CHECK_NEAR(ga_rho(xs[j], 2 - 1e-9, 1), ga_rho(xs[j], 2, 1), 1e-6);
		CHECK_NEAR(ga_rho(xs[j], 1 + 1e-12, 1), ga_rho(xs[j], 1, 1), 1e-10);
		CHECK_NEAR(ga_rho(xs[j], 1e-9, 1), ga_rho(xs[j], 0, 1), 1e-6);
		CHECK_NEAR(ga_rho(xs[j], -1e9, 1), ga_rho(xs[j], -INFINITY, 1), 1e-6);
	}
	/* precision at tiny s: rho ~ y/2 */
	CHECK_NEAR(ga_rho(1e-20, 1.5, 1) / 1e-20, 0.5, 1e-12);
	CHECK_NEAR(ga_rho(1e-20, 1e-3, 1) / 1e-20, 0.5, 1e-12);
}

/* central differences, relative error */
static double rel(double a, double b)
{
	return fabs(a - b) / fmax(1e-3, fabs(b));
}

static void test_derivatives(void)
{
	static const double ss[] = { 0.01, 0.3, 1, 4.5, 30 };
	static const double as[] = { -8, -2, -0.5, 0.25, 0.999, 1, 1.5, 1.9, 2.5, 3.7 };
	static const double cs[] = { 0.3, 0.7071067811865476, 1, 2.5 };
	double worst = 0;
	for (size_t i = 0; i < N(ss); i++)
		for (size_t j = 0; j < N(as); j++)
			for (size_t k = 0; k < N(cs); k++) {
				double s = ss[i], a = as[j], c = cs[k], h, fd, e;
				h = 1e-6 * s;
				fd = (ga_rho(s + h, a, c) - ga_rho(s - h, a, c)) / (2 * h);
				e = rel(ga_drho_ds(s, a, c), fd);
				worst = fmax(worst, e);
				CHECK(e < 1e-6);
				h = 1e-6;
				fd = (ga_rho(s, a + h, c) - ga_rho(s, a - h, c)) / (2 * h);
				e = rel(ga_drho_dalpha(s, a, c), fd);
				if (a == 1)  /* the pseudo-Huber branch sits between general points */
					fd = (ga_rho(s, a + 2 * h, c) - ga_rho(s, a + h, c)) / h;
				worst = fmax(worst, e);
				CHECK(e < 1e-5);
				h = 1e-6 * c;
				fd = (ga_rho(s, a, c + h) - ga_rho(s, a, c - h)) / (2 * h);
				e = rel(ga_drho_dc(s, a, c), fd);
				worst = fmax(worst, e);
				CHECK(e < 1e-6);
			}
	printf("worst relative finite-difference error %.3g\n", worst);
	/* the special branches: derivatives in closed form */
	CHECK_NEAR(ga_drho_ds(3, 0, 1), 0.5 / 2.5, 1e-15);
	CHECK_NEAR(ga_drho_ds(3, -INFINITY, 1), 0.5 * exp(-1.5), 1e-15);
	CHECK_NEAR(ga_drho_ds(3, INFINITY, 1), 0.5 * exp(1.5), 1e-14);
	CHECK_NEAR(ga_drho_ds(3, 2, sqrt(0.5)), 1, 1e-15);
	CHECK_NEAR(ga_drho_dc(3, 2, 1), -3, 1e-15);
	CHECK(ga_drho_dalpha(3, 0, 1) == 0 && ga_drho_dalpha(3, 2, 1) == 0);
	CHECK(ga_drho_dalpha(3, INFINITY, 1) == 0 && ga_drho_dalpha(3, -INFINITY, 1) == 0);
	/* near alpha = 2 (where d rho / d alpha diverges slowly): at y = 1 the derivative is 1.23 at alpha = 1.999, 1.80 at 1.9999 */
	CHECK_NEAR(ga_drho_dalpha(1, 1.999, 1), 1.23, 0.005);
	CHECK_NEAR(ga_drho_dalpha(1, 1.9999, 1), 1.80, 0.005);
}

static void test_logz(void)
{
	static const struct { double a, lz, tol; } g[] = {
		{ 0, 1.4913034761, 1e-9 }, { 2, 0.9189385332, 1e-9 },
		{ 0.5, 1.2917070310, 1e-9 }, { 1, 1.1854952323, 1e-9 },
		{ 1.5, 1.0871889193, 1e-9 }, { 3, 0.7669564346, 1e-9 },
		{ 0.1, 1.4266337063, 1e-9 }, { 0.01, 1.483038, 1e-6 },
		{ 1.9, 0.978466, 1e-6 }, { 1.99, 0.929939, 1e-6 }, { 1.999, 0.920600, 1e-6 },
	};
	double worst = 0, worstd = 0;
	ga_init();
	for (size_t i = 0; i < N(g); i++) {
		CHECK_NEAR(ga_logz(g[i].a), g[i].lz, g[i].tol);
		CHECK_NEAR(ga_logz_quad(g[i].a), g[i].lz, g[i].tol);
	}
	CHECK_NEAR(ga_logz(0), log(3.14159265358979323846 * sqrt(2)), 1e-12);
	CHECK_NEAR(ga_logz(2), 0.5 * log(2 * 3.14159265358979323846), 1e-12);
	/* the interpolant against the quadrature between knots, and its slope against
	 * central differences of the quadrature */
	for (int i = 0; i < 97; i++) {
		double a = 4.0 * (i + 0.31) / 97, h = 1e-5, fd;
		worst = fmax(worst, fabs(ga_logz(a) - ga_logz_quad(a)));
		fd = (ga_logz_quad(a + h) - ga_logz_quad(a - h)) / (2 * h);
		if (a > 0.05 && fabs(a - 2) > 1e-3)
			worstd = fmax(worstd, fabs(ga_dlogz(a) - fd));
	}
	printf("log Z: worst table error %.3g, worst slope error %.3g\n", worst, worstd);
	CHECK(worst < 5e-9);
	CHECK(worstd < 1e-6);
	/* the slope diverges slowly towards alpha = 2 from both sides */
	CHECK(ga_dlogz(1.999) < ga_dlogz(1.99) && ga_dlogz(1.99) < ga_dlogz(1.9));
	CHECK(ga_dlogz(2.001) < ga_dlogz(2.01));
	CHECK(ga_dlogz(2) == -INFINITY);
	CHECK(isnan(ga_logz(-0.1)) && isnan(ga_logz(4.5)) && isnan(ga_dlogz(-1)));
}

int main(void)
{
	test_quantiles();
	test_quantile_random();
	test_batch_a();
	test_batch_b();
	test_mad_zero();
	test_rho_tables();
	test_derivatives();
	test_logz();
	return UNIT_DONE();
}
