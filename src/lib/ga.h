/* ga.h: Barron's general robust loss on the squared residual, and the partition
 * function of its adaptive form (J. T. Barron, "A General and Adaptive Robust Loss
 * Function", CVPR 2019; the GA loss of equation 3 of the heterogeneous-loss paper,
 * man/ad-train.1).
 *
 * The argument is s = x^2 (the sample's squared error), y = s / c^2, b = |alpha - 2|:
 *     rho = (b / alpha) ((y/b + 1)^(alpha/2) - 1)
 * computed as (b/alpha) expm1((alpha/2) log1p(y/b)) with the reference clamps
 * b >= eps32, |alpha| >= eps32 (sign of 0 counts as +), eps32 = 1.1920929e-7.
 * Exact special cases (selected by floating-point equality, as the reference):
 *     alpha = 2     y/2                 (with c^2 = 0.5: rho = s, plain MSE)
 *     alpha = 1     sqrt(y + 1) - 1     (pseudo-Huber; computed y/(sqrt(y+1)+1))
 *     alpha = 0     log1p(y/2)          (Cauchy)
 *     alpha = -inf  -expm1(-y/2)        (Welsch)
 *     alpha = +inf  expm1(y/2)
 * s >= 0 and c > 0 are the caller's business. */
#ifndef AD_GA_H
#define AD_GA_H

#define GA_EPS 1.1920929e-7

double ga_rho(double s, double alpha, double c);
/* d rho / d s = (1/c^2) 0.5 (y/b + 1)^(alpha/2 - 1), with the same special cases. */
double ga_drho_ds(double s, double alpha, double c);
/* d rho / d alpha (differentiating the form above).  Exactly 0 at alpha in {0, 2, +-inf}, as the
 * reference (the true derivative diverges logarithmically towards alpha = 2). */
double ga_drho_dalpha(double s, double alpha, double c);
/* d rho / d c = -(2 y / c) d rho / d y. */
double ga_drho_dc(double s, double alpha, double c);
/* All four at once, the values of the functions above to the bit: the general
 * case computes log1p(y/b) once and shares it (the GA loss needs all four for
 * every element). */
typedef struct {
	double rho, ds, dalpha, dc;
} GaTerms;
void ga_terms(double s, double alpha, double c, GaTerms *t);

/* log Z(alpha), Z(alpha) = integral over the real line of exp(-rho(x^2, alpha, 1)) dx,
 * for alpha in [0, 4]; NaN outside.  A table computed once (thread-safe, on the
 * first call, or by ga_init(); about 0.13 s) and interpolated with cubic Hermite
 * polynomials in w = cbrt(alpha - 2), 4097 knots: within 1e-9 of the quadrature
 * (measured 6e-10 worst), and the closed forms log Z(0) = log(pi sqrt 2),
 * log Z(2) = log sqrt(2 pi) (tests/unit/test_stats.c).  The NLL of the
 * adaptive loss is rho + log c + log Z(alpha). */
double ga_logz(double alpha);
/* d log Z / d alpha, from the same interpolant (within 1e-7 of a central
 * difference of the quadrature for alpha >= 0.05, 1e-6 below).  -inf at alpha = 2,
 * where the true derivative diverges (log Z(2 - b) - log Z(2) ~ b log b; about
 * -1.41 at 1.999, -2.56 at 1.99999); NaN outside [0, 4]. */
double ga_dlogz(double alpha);
/* Build the table now (optional; ga_logz does it on first use).  Thread-safe. */
void ga_init(void);
/* log Z(alpha) by direct quadrature (slow, about 1e-13): for tests and the table. */
double ga_logz_quad(double alpha);

#endif
