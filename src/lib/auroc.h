/* auroc.h: ranking metrics of anomaly scores.
 *
 * Higher score = more anomalous; label != 0 is an anomaly (positive), 0 normal.
 * Ties are handled by midranks: AUROC = (R1 - n1(n1+1)/2) / (n1 n0), where R1 is
 * the sum of the midranks of the anomalies, i.e. P(score_a > score_n) + 0.5
 * P(score_a == score_n), the area under the ROC curve whose tied scores form one
 * diagonal step.  Scores must be finite.
 *
 * When a class is absent the metrics are undefined: the functions return NaN
 * (ad_roc returns 0) and record "only one class: N normal, M anomalous" with
 * ad_error. */
#ifndef AD_AUROC_H
#define AD_AUROC_H
#include <stddef.h>

double ad_auroc(const double *score, const int *label, size_t n);

/* ROC curve: one point per distinct score, from (0, 0) (threshold +inf) down
 * to (1, 1) (the lowest score).  Point k classifies score >= thr[k] as anomalous
 * and has false-positive rate fpr[k], true-positive rate tpr[k].  The arrays
 * need n + 1 entries; returns the number of points, or 0 when a class is absent. */
size_t ad_roc(const double *score, const int *label, size_t n,
              double *fpr, double *tpr, double *thr);

/* Area under the precision-recall curve as average precision (the definition of
 * scikit-learn's average_precision_score): AP = sum_k (R_k - R_{k-1}) P_k over the
 * distinct score thresholds in decreasing order, with P_k and R_k the precision
 * and recall of "score >= threshold k" (tied scores enter together) and R_0 = 0.
 * Needs at least one anomaly (NaN otherwise; no normals gives 1). */
double ad_auprc(const double *score, const int *label, size_t n);

#endif
