/* gmm.h: a deterministic two-component 1-D Gaussian mixture, fitted by EM, and
 * the intersection of its two weighted densities (the soft-rejection threshold
 * of the adaptive rejection, aar.h; man/ad-reject.1 "ADAPTIVE REJECTION").
 *
 * The fit (every choice stated, see also ad-reject(1)):
 * - Units.  The data are mapped to u = (x - min) / (max - min) in [0, 1]
 *   (computed as (x/2 - min/2) / h with h = max/2 - min/2, so that no
 *   difference overflows even for a range near DBL_MAX); EM runs on u and the
 *   result is mapped back.  The fit is therefore the same, up to rounding, for
 *   x and a x + b (a > 0).
 * - Initialisation: the sorted data cut in two halves (the lower floor(n/2)
 *   values and the rest); each component starts with its half's mean and
 *   variance and weight 1/2.  No randomness: the same data give the same fit.
 * - Variance floor: GMM_REG times the variance of u is added to every variance
 *   (at the start and after every M-step; scikit-learn's reg_covar, relative).
 * - E-step in log space (log-sum-exp), sums in index order.  At most
 *   GMM_MAX_ITER iterations; stop when the mean log-likelihood grows by less
 *   than GMM_TOL (in u units) from one iteration to the next.
 * - Degenerate fits, in `status`:
 *     GMM_FEW   fewer than GMM_MIN_N values: no fit;
 *     GMM_FLAT  all values equal: no fit;
 *     GMM_ONE   one mode: a component's total responsibility fell below one
 *               value's worth (weight < 1/n), the two means coincide, or one
 *               Gaussian explains the data as well by the Bayesian
 *               information criterion (Schwarz): BIC = -2 logL + p ln n with
 *               p = 2 for one Gaussian and 5 for the mixture, two components
 *               only if BIC_2 < BIC_1 (one Gaussian: the data's mean and
 *               variance, plus the same floor);
 *     GMM_TWO   two components.
 *   For GMM_ONE the two-component fit is still reported; `mean` and `sd`
 *   (population moments of the data) describe the one Gaussian.
 * - Components are ordered by mean: 0 is the lower one (on equal means, the
 *   narrower one). */
#ifndef AD_GMM_H
#define AD_GMM_H
#include <stddef.h>

#define GMM_MIN_N    8
#define GMM_MAX_ITER 1000
#define GMM_TOL      1e-12
#define GMM_REG      1e-6

enum { GMM_TWO, GMM_ONE, GMM_FLAT, GMM_FEW };

typedef struct {
	int status;          /* GMM_TWO, GMM_ONE, GMM_FLAT, GMM_FEW */
	int iter;            /* EM iterations run */
	int converged;       /* 1: stopped by GMM_TOL, 0: by GMM_MAX_ITER or a collapse */
	double pi[2], mu[2], sd[2];    /* weights, means, standard deviations */
	double mean, sd1;    /* one Gaussian: mean and standard deviation of the data */
	/* normalised units: x = lo + 2 h u */
	double lo, h;
	double u_mu[2], u_sd[2];
} Gmm2;

/* Fit x[0..n-1] (finite values).  scratch: 2n doubles.  Returns g->status. */
int gmm2_fit(const double *x, size_t n, Gmm2 *g, double *scratch);

/* The point t between mu0 and mu1 where pi0 N(t; mu0, sd0) = pi1 N(t; mu1, sd1):
 * the root in [mu0, mu1] of A t^2 + B t + C = 0 with
 *   A = 1/(2 sd0^2) - 1/(2 sd1^2),  B = mu1/sd1^2 - mu0/sd0^2,
 *   C = mu0^2/(2 sd0^2) - mu1^2/(2 sd1^2) + log(sd0 pi1 / (sd1 pi0))
 * (the lower one if both are), the linear root when A = 0.  NaN if there is
 * none in [mu0, mu1] (requires mu0 <= mu1, sd > 0, pi > 0). */
double gmm2_intersect(double pi0, double mu0, double sd0, double pi1, double mu1, double sd1);

/* The intersection of a fit (GMM_TWO or GMM_ONE), computed in normalised units
 * and mapped back; NaN if none between the means or no fit. */
double gmm2_fit_intersect(const Gmm2 *g);

/* Map a value in normalised units back: lo + 2 h u without overflow. */
double gmm2_from_unit(const Gmm2 *g, double u);

#endif
