/* stats.h: robust batch statistics for the heterogeneous loss (steps 2-6 of
 * Algorithm 1 of "Heterogeneous loss function with aggressive rejection for
 * contaminated data in anomaly detection"; the modified z-score of Iglewicz and
 * Hoaglin, 1993).
 *
 * All in double.  Inputs must be finite (the readers reject NaN/Inf); n = 0 is
 * allowed and does nothing (quantile/median return NaN).  Every function that
 * takes `scratch` needs n doubles there and leaves the input untouched.
 *
 * Conventions where the paper leaves the choice open (also in ad-zscore(1) and
 * ad-reject(1)):
 * - quantile: linear interpolation on h = (n-1) q, numpy's default (R type 7),
 *   without overflow between values of opposite signs near DBL_MAX;
 *   the median is ad_quantile(q = 0.5), for an even count the mean of the two
 *   middle values.  One median serves z and s_q, so with q = 0.5 the rejected
 *   set {s > s_q} equals {z > 0} whenever MAD > 0.
 * - modified z-score: z = 0.6745 (s - med) / MAD; if MAD <= tiny, z = (s - med) /
 *   (1.253314 MeanAD) with MeanAD = mean |s - med|; if that is <= tiny too,
 *   z = 0.  tiny = 1e-12 max(1, |med|).  A batch of one has z = 0.  Scores
 *   near DBL_MAX do not overflow (the batch is scaled by 2^-64 first, which
 *   leaves z unchanged); a |z| beyond DBL_MAX is clamped to DBL_MAX.
 * - alpha (the paper's equation 5): m = max(zfloor, max |z|), alpha = 2 - (2 - alpha_r)(z/m)^2 for
 *   z > 0, else 2.
 * - rejection: w = ts if s > s_q strictly (ties with s_q are kept), else 1;
 *   a batch of one has w = 1. */
#ifndef AD_STATS_H
#define AD_STATS_H
#include <stddef.h>

#define AD_MODZ_K      0.6745     /* Phi^-1(0.75), Iglewicz & Hoaglin */
#define AD_MEANAD_K    1.253314   /* sqrt(pi/2): MeanAD -> sigma */
#define AD_ZFLOOR      3.5        /* floor of the alpha normaliser m */

/* The defaults of the heterogeneous loss with aggressive rejection (the paper's
 * settings): lowest shape alpha_r, rejection quantile q, soft-rejection weight
 * t_s.  loss_config_defaults() (hetero), ad-zscore and ad-reject take them from here. */
#define AD_ALPHA_R_DEFAULT 1.5
#define AD_Q_DEFAULT       0.5
#define AD_TS_DEFAULT      0.1

/* q-quantile of x[0..n-1], q in [0, 1], linear interpolation. NaN if n == 0. */
double ad_quantile(const double *x, size_t n, double q, double *scratch);
/* Median (= ad_quantile(x, n, 0.5)). */
double ad_median(const double *x, size_t n, double *scratch);
/* Median absolute deviation around `center`: med |x_i - center| (no scaling). */
double ad_mad(const double *x, size_t n, double center, double *scratch);
/* Mean absolute deviation around `center`: (1/n) sum |x_i - center|. */
double ad_meanad(const double *x, size_t n, double center);

/* Modified z-scores z[0..n-1] of s with the MAD = 0 fallback above; returns the
 * median.  z may not alias s. */
double modz_batch(const double *s, size_t n, double *z, double *scratch);
/* Per-sample GA shape from z (eq. 5).  alpha may alias z. */
void alpha_batch(const double *z, size_t n, double alpha_r, double zfloor, double *alpha);
/* Soft-rejection weights: w_i = ts if s_i > q-quantile(s), else 1.  w may not alias s. */
void reject_batch(const double *s, size_t n, double q, double ts, double *w, double *scratch);
/* The whole per-batch step of Algorithm 1 (steps 2-6): z, alpha and w from the
 * scores, with the 3.5 floor.  The in-process loss and the filters ad-zscore and
 * ad-reject all go through these functions. */
void hetero_batch(const double *s, size_t n, double q, double ts, double alpha_r,
                  double *z, double *alpha, double *w, double *scratch);

#endif
