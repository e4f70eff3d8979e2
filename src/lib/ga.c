/* ga.c: Barron's robust loss on the squared residual, its derivatives, and the
 * log-partition function of the adaptive loss (ga.h). */
#include "ga.h"
#include <math.h>
#include <pthread.h>

/* The clamped b = |alpha - 2| and alpha of the general branch. */
static double clamp_b(double alpha)
{
	return fmax(GA_EPS, fabs(alpha - 2));
}

static double clamp_a(double alpha)
{
	return alpha < 0 ? -fmax(GA_EPS, -alpha) : fmax(GA_EPS, alpha);
}

double ga_rho(double s, double alpha, double c)
{
	double y = s / (c * c), b, a;
	if (alpha == 2)
		return 0.5 * y;
	if (alpha == 1)
		return y / (sqrt(y + 1) + 1);
	if (alpha == 0)
		return log1p(0.5 * y);
	if (alpha == -INFINITY)
		return -expm1(-0.5 * y);
	if (alpha == INFINITY)
		return expm1(0.5 * y);
	b = clamp_b(alpha);
	a = clamp_a(alpha);
	return b / a * expm1(0.5 * a * log1p(y / b));
}

/* d rho / d y */
static double drho_dy(double y, double alpha)
{
	double b, a;
	if (alpha == 2)
		return 0.5;
	if (alpha == 1)
		return 0.5 / sqrt(y + 1);
	if (alpha == 0)
		return 0.5 / (1 + 0.5 * y);
	if (alpha == -INFINITY)
		return 0.5 * exp(-0.5 * y);
	if (alpha == INFINITY)
		return 0.5 * exp(0.5 * y);
	b = clamp_b(alpha);
	a = clamp_a(alpha);
	return 0.5 * exp((0.5 * a - 1) * log1p(y / b));
}

double ga_drho_ds(double s, double alpha, double c)
{
	double c2 = c * c;
	return drho_dy(s / c2, alpha) / c2;
}

void ga_terms(double s, double alpha, double c, GaTerms *t)
{
	double c2 = c * c, y = s / c2, dy;
	double b = clamp_b(alpha), a = clamp_a(alpha), l = 0, em = 0;
	int flat = alpha == 0 || alpha == 2 || isinf(alpha);   /* d rho/d alpha = 0 */
	if (!flat) {
		l = log1p(y / b);                       /* ln u, u = y/b + 1 */
		em = expm1(0.5 * a * l);                /* u^(alpha/2) - 1 */
	}
	if (flat || alpha == 1) {
		t->rho = ga_rho(s, alpha, c);
		dy = drho_dy(y, alpha);
	} else {   /* ga_rho() and drho_dy() of the general case, sharing l */
		t->rho = b / a * em;
		dy = 0.5 * exp((0.5 * a - 1) * l);
	}
	t->ds = dy / c2;
	t->dc = -2 * y / c * dy;
	if (flat) {
		t->dalpha = 0;
	} else {
		double sg = alpha > 2 ? 1 : -1, pw = exp(0.5 * a * l);   /* u^(alpha/2) */
		t->dalpha = 2 * sg / (a * a) * em
		            + b / a * pw * (0.5 * l - 0.5 * a * sg * y / (b * (y + b)));
	}
}

double ga_drho_dc(double s, double alpha, double c)
{
	GaTerms t;
	ga_terms(s, alpha, c, &t);
	return t.dc;
}

double ga_drho_dalpha(double s, double alpha, double c)
{
	GaTerms t;
	ga_terms(s, alpha, c, &t);
	return t.dalpha;
}

/* ---- log Z(alpha) ---------------------------------------------------------
 *
 * Quadrature: Z = 2 int_0^inf exp(-rho(x^2)) dx; with x = e^t this is
 * 2 int exp(-rho(e^2t)) e^t dt over the real line, an integrand that decays
 * like e^t on the left and at least like e^-t on the right (rho grows with
 * alpha; alpha = 0 gives 1/(1 + x^2/2)).  It is analytic in a strip of
 * half-width min(pi/2, pi/(2 alpha)) around the real axis, so the trapezoid rule
 * converges like exp(-2 pi d / h): h = 0.25 / max(1, alpha) is good to ~1e-16.
 *
 * Table: log Z is smooth on [0, 2) and (2, 4] but has a b log b singularity at
 * alpha = 2 (b = |alpha - 2|; its slope diverges logarithmically).  So the knots
 * are uniform in w with alpha = 2 + w^3, where log Z is a smooth function of w
 * plus a w^3 log|w| term; cubic Hermite interpolation in w with tangents from
 * central differences of the quadrature. */

#define LZ_N    4096                      /* intervals in w */
#define LZ_T0   (-40.0)                   /* left end of the t range: e^-40 ~ 4e-18 */
#define LZ_TMAX 45.0                      /* right end (alpha = 0 needs ~40) */

static double lz_val[LZ_N + 1], lz_tan[LZ_N + 1];
static double lz_w0, lz_h;                /* w of knot 0, knot spacing */
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;

double ga_logz_quad(double alpha)
{
	double h = 0.25 / fmax(1.0, alpha), sum = 0, peak = 0;
	if (!(alpha >= 0) || isinf(alpha))
		return NAN;
	for (double t = LZ_T0; t <= LZ_TMAX; t += h) {
		double x = exp(t), f = exp(-ga_rho(x * x, alpha, 1)) * x;
		sum += f;
		if (f > peak)
			peak = f;
		else if (t > 0 && f < 1e-20 * sum)
			break;
	}
	return log(2 * h * sum);
}

static double w_to_alpha(double w)
{
	return fmax(0.0, 2 + w * w * w);     /* cbrt(2)^3 may round below 2 */
}

static void lz_build(void)
{
	double wmax = cbrt(2.0), d = 1e-5;
	lz_w0 = -wmax;
	lz_h = 2 * wmax / LZ_N;
	for (int k = 0; k <= LZ_N; k++) {
		double w = k == LZ_N ? wmax : lz_w0 + k * lz_h;
		lz_val[k] = ga_logz_quad(w_to_alpha(w));
		if (k == 0)           /* one-sided: alpha < 0 is not normalisable */
			lz_tan[k] = (-3 * lz_val[k] + 4 * ga_logz_quad(w_to_alpha(w + d))
			             - ga_logz_quad(w_to_alpha(w + 2 * d))) / (2 * d);
		else
			lz_tan[k] = (ga_logz_quad(w_to_alpha(w + d))
			             - ga_logz_quad(w_to_alpha(w - d))) / (2 * d);
	}
}

void ga_init(void)
{
	pthread_once(&lz_once, lz_build);
}

/* Hermite interpolation at w: value, and d/dw in *dv. */
static double lz_eval(double w, double *dv)
{
	double t = (w - lz_w0) / lz_h, u, u2, u3, p0, p1, m0, m1;
	int k = (int)floor(t);
	if (k < 0)
		k = 0;
	if (k > LZ_N - 1)
		k = LZ_N - 1;
	u = t - k;
	u2 = u * u;
	u3 = u2 * u;
	p0 = lz_val[k];
	p1 = lz_val[k + 1];
	m0 = lz_tan[k] * lz_h;
	m1 = lz_tan[k + 1] * lz_h;
	if (dv)
		*dv = ((6 * u2 - 6 * u) * p0 + (3 * u2 - 4 * u + 1) * m0
		       + (-6 * u2 + 6 * u) * p1 + (3 * u2 - 2 * u) * m1) / lz_h;
	return (2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0
	       + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * m1;
}

double ga_logz(double alpha)
{
	if (!(alpha >= 0 && alpha <= 4))
		return NAN;
	ga_init();
	return lz_eval(cbrt(alpha - 2), NULL);
}

double ga_dlogz(double alpha)
{
	double w, dv;
	if (!(alpha >= 0 && alpha <= 4))
		return NAN;
	if (alpha == 2)
		return -INFINITY;
	ga_init();
	w = cbrt(alpha - 2);
	lz_eval(w, &dv);
	return dv / (3 * w * w);
}
