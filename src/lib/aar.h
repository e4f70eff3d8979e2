/* aar.h: adaptive rejection of one batch of scores: no assumed contamination
 * ratio (man/ad-reject.1 "ADAPTIVE REJECTION").  The procedure follows the
 * adaptive and aggressive rejection (AAR) of Lee, Kim, Zhang, Yoo and Byun,
 * "Anomaly Detection with Adaptive and Aggressive Rejection for Contaminated
 * Training Data" (arXiv 2511.21378, 2025), the follow-up that the paper's
 * conclusion announces as future work ("dynamic q"); where that paper's exact
 * formulas are not at hand the choices below are ours, each stated.
 *
 * For the scores s[0..n-1] of one batch (one group of ad-reject):
 * 1. Hard threshold from the modified z-score (the same median and scale as
 *    modz_batch, stats.h): t_hard = med + tau * scale, scale = MAD / 0.6745,
 *    or 1.253314 MeanAD when MAD is about 0; when both are about 0 nothing is
 *    hard-rejected and t_hard = max(s).  s > t_hard (strictly): w = 0.
 * 2. The two-component mixture (gmm.h) is fitted to the other scores (the fit
 *    set, s <= t_hard).  The normal component is the one with the lower mean.
 * 3. Soft threshold: t_soft = max(t_int, mu_n + guard sd_n), where t_int is
 *    the intersection of the two weighted densities between the means (left
 *    out when there is none), and mu_n, sd_n the normal component's mean and
 *    standard deviation (the stability guard: a poor fit cannot push the
 *    threshold into the bulk of the normal scores).  One mode (GMM_ONE): the
 *    normal component is one Gaussian with the fit set's mean and standard
 *    deviation and t_soft = mu + guard sd.  Too few scores (GMM_MIN_N) or all
 *    equal: no soft rejection, t_soft = t_hard.  Always t_soft <= t_hard.
 *    t_hard >= s > t_soft (strictly): w = ts.  Others: w = 1.
 * 4. Warm-up: no soft rejection (t_soft = t_hard, weights 0 or 1).
 * 5. Estimated contamination: (hard-rejected count + pi_a * fit-set size) / n,
 *    with pi_a the anomalous component's weight when the mixture has two
 *    components, else 0. */
#ifndef AD_AAR_H
#define AD_AAR_H
#include "gmm.h"
#include <stddef.h>

#define AAR_TAU   3.5    /* hard threshold on the modified z-score */
#define AAR_GUARD 1.0    /* t_soft >= mu_n + AAR_GUARD sd_n */
#define AAR_TS    0.1    /* weight of a soft-rejected score */

typedef struct {
	double tau, guard, ts;
} AarConfig;

typedef struct {
	double t_hard, t_soft, contam;
	double t_int;            /* intersection, NaN if none or no two-component fit */
	double mu_n, sd_n;       /* the normal component (NaN without a fit) */
	size_t n_hard, n_soft;
	Gmm2 fit;
} AarInfo;

void aar_config_defaults(AarConfig *c);

/* Weights w[0..n-1] in {1, ts, 0} of the batch s (w may not alias s); warm != 0:
 * warm-up (no soft rejection).  info may be NULL.  scratch: 3n doubles. */
void aar_batch(const double *s, size_t n, const AarConfig *c, int warm, double *w,
               AarInfo *info, double *scratch);

#endif
