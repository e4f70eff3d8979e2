/* threshold.h: from scores to decisions (ad-train, ad-score, ad-info, ad-auroc).
 *
 * Score distribution.  ad-train scores its training rows with the model it
 * writes (eval mode) and stores their distribution in the model file
 * (man/ad-model.5): k = min(n, SD_LEVELS) quantiles at the levels i/(k-1),
 * each the type-7 quantile of the n scores (linear interpolation on
 * h = (n-1) p, numpy's default, as stats.h).  When k = n they are the sorted
 * scores themselves and every quantile read back is exact; with more rows they
 * are exact at the levels 0, 0.001, ..., 1 and linear in between.  The rows are
 * not weighted: an assumed contamination c is, as PyOD's `contamination`, the
 * share of anomalies among all training rows, so the threshold it gives is the
 * (1 - c) quantile of all training scores (PyOD's threshold_).
 *
 * Clean-weighted distribution (format 3).  Beside it, the same scores with each
 * row weighted by its rejection weight w_i >= 0 (step 3 of Algorithm 1, or a
 * weigher's)
 * in the last epoch of the kept model: the epoch the model was trained in last
 * (with model selection, the selected epoch).  Rows with w_i = 0 drop out.
 * The m rows left, sorted by score x_1 <= ... <= x_m with weights w_j, sit at
 * the levels p_j = (w_1 + ... + w_(j-1)) / (W - w_m), W = w_1 + ... + w_m,
 * and the p-quantile interpolates linearly between the two x_j around p (a
 * weighted type-7 quantile: with equal weights p_j = (j-1)/(m-1), the
 * unweighted rule above).  Stored as knots (level, score): up to SD_LEVELS
 * rows every (p_j, x_j), so that every quantile read back is exact; with more
 * the quantiles at the levels 0, 0.001, ..., 1 (with equal weights those of
 * scoredist_fit, bit for bit), linear in between.  thr_clean(): the (1 - r)
 * quantile, a share r of the clean weight above it (ad-score -r).
 *
 * Decisions: a row is an anomaly (predicted label 1) when its score is
 * strictly above the threshold (as PyOD's labels_ and as ad-reject).
 *
 * Threshold file (text; written by ad-score -o, read by ad-score -m and
 * ad-auroc -m):
 *     #adthreshold 1
 *     threshold<TAB>12.25
 *     rule<TAB>contamination 0.1
 * The first line is required; then key<TAB>value lines in any order:
 * "threshold" (required, a finite number written exactly, scores.h), "rule"
 * and "model" (free text, for people).  Unknown keys are an error. */
#ifndef AD_THRESHOLD_H
#define AD_THRESHOLD_H
#include "advec.h"
#include "model.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SD_LEVELS 1001       /* quantiles stored at most: levels 0, 0.001, ..., 1 */

typedef struct {
	uint64_t rows;           /* training rows scored; 0: no distribution stored */
	uint64_t anomalies;      /* of them labelled != 0 */
	uint32_t data_crc;       /* fingerprint of the training data (thr_data_crc) */
	uint32_t k;              /* quantiles stored, 1 <= k <= min(rows, SD_LEVELS) */
	double *q;               /* k nondecreasing quantiles at the levels i/(k-1) */
	/* clean-weighted (version 3; ck = 0: not stored) */
	uint64_t clean_rows;     /* rows with w > 0 */
	double clean_weight;     /* W, the sum of their weights */
	uint32_t ck;             /* knots, 1 <= ck <= SD_LEVELS */
	double *cl;              /* their levels: 0 = cl[0] < ... < cl[ck-1] = 1 (ck > 1) */
	double *cq;              /* their scores, nondecreasing */
} ScoreDist;

/* Fit on n finite scores (labels may be NULL).  q is malloc'ed.
 * scoredist_fit_clean: the clean-weighted part from the weights w (n finite
 * values >= 0; NULL: none). */
void scoredist_fit(ScoreDist *d, const double *s, const int *label, size_t n);
void scoredist_fit_clean(ScoreDist *d, const double *s, const double *w, size_t n);
/* The weighted p-quantile of the n scores s with weights w (rule above; rows
 * with w = 0 left out).  NaN when no weight is positive. */
double weighted_quantile(const double *s, const double *w, size_t n, double p);
/* The p-quantile, p in [0, 1], by linear interpolation between the stored
 * quantiles; NaN when nothing is stored. */
double scoredist_quantile(const ScoreDist *d, double p);
/* The same over the clean-weighted quantiles. */
double scoredist_clean_quantile(const ScoreDist *d, double p);
void scoredist_free(ScoreDist *d);

/* The distribution ad-train stores: every row of d scored in eval mode in blocks
 * of 256 rows (as ad-score does, so ad-score on the training file gives the
 * same scores), fitted, with the labels and the fingerprint, and with the rows'
 * rejection weights w (d->n values, or NULL) the clean-weighted part.  0, or
 * -1 + ad_error.  The model is only read. */
int scoredist_training(ScoreDist *dist, Model *m, const AdvData *d, int score_mean,
                       const double *w);

/* CRC-32 of the labels (int32) then every row as float32, the fingerprint the
 * training checkpoint records too. */
uint32_t thr_data_crc(const AdvData *d);

/* Threshold at an assumed contamination c in [0, 1): the (1 - c) quantile of the
 * training scores.  NaN + ad_error when the distribution is missing. */
double thr_contamination(const ScoreDist *d, double c);
/* Threshold at a share r in [0, 1) of the clean-weighted training rows: the
 * (1 - r) quantile of the clean-weighted distribution.  NaN + ad_error when it
 * is missing. */
double thr_clean(const ScoreDist *d, double r);

/* Threshold for a target false-positive rate on labelled scores: with the n0
 * normal scores (label 0) sorted, the (m+1)-th highest, m = floor(rate n0 + 1e-9),
 * so that at most m of them (a share <= rate) are strictly above it.  rate in
 * [0, 1).  NaN + ad_error when there is no normal row. */
double thr_fpr(const double *s, const int *label, size_t n, double rate);

/* Threshold files (format above).  0, or -1 + ad_error "FILE:LINE: ...". */
int thr_save(const char *path, double thr, const char *rule, const char *model);
int thr_load(const char *path, double *thr);

/* Counts at a threshold: predicted anomaly when s > thr. */
typedef struct {
	size_t tp, fp, tn, fn;
} Confusion;
Confusion thr_confusion(const double *s, const int *label, size_t n, double thr);

/* precision@k (PyOD's precision_n_scores without interpolation): among the rows
 * whose score is at least the k-th highest score (ties with it included), the
 * share of anomalies.  k in [1, n]. */
double thr_precision_at(const double *s, const int *label, size_t n, size_t k);

#endif
