/* zstats.h: the statistics of the modified z-score (stats.h) fitted on one set
 * of scores and applied to another (ad-zscore -o / -m), as ad-scale does for
 * features: with training scores as the reference, a z-score threshold of 3.5
 * on new data is measured against the training scores' median and MAD.
 *
 * z = 0.6745 (s - median) / MAD, or (s - median) / (1.253314 MeanAD) when
 * MAD <= tiny, or 0 when MeanAD <= tiny too, tiny = 1e-12 max(1, |median|):
 * the rules of modz_batch, so fitting and applying on the same scores gives
 * modz_batch's z bit for bit.
 *
 * File (text; doubles written exactly, scores.h):
 *     #adzscore 1
 *     n<TAB>675
 *     median<TAB>12.25
 *     mad<TAB>3.5
 *     meanad<TAB>4.0625
 * every key once, in any order after the first line. */
#ifndef AD_ZSTATS_H
#define AD_ZSTATS_H
#include <stddef.h>

typedef struct {
	double n, median, mad, meanad;
} ZStats;

/* Fit on s[0..n-1], n >= 1; scratch holds n doubles. */
void zstats_fit(ZStats *z, const double *s, size_t n, double *scratch);
/* z[i] of s[i] under the fitted statistics. */
void zstats_apply(const ZStats *z, const double *s, size_t n, double *out);
/* 0, or -1 + ad_error ("FILE:LINE: ..."). */
int zstats_save(const char *path, const ZStats *z);
int zstats_load(const char *path, ZStats *z);

#endif
