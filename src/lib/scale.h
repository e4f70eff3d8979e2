/* scale.h: per-feature scaling (ad-scale): fit statistics on one stream,
 * save them, re-apply them to another (train statistics on test data).
 *
 * min-max:  y = lower + (x - min) * (upper - lower) / (max - min)
 * z-score:  y = (x - mean) / std        (std: population, divisor n)
 * A constant feature (max = min, or std = 0) is divided by 1 instead:
 * y = lower + (x - min), or y = x - mean, so it is `lower` (0) on the data it
 * was fitted on and keeps any deviation elsewhere.  Values are not clipped.
 *
 * Statistics file (text, strict):
 *     #adscale 1 method=minmax dim=2 n=4 lower=0 upper=1
 *     #feature<TAB>min<TAB>max<TAB>mean<TAB>std
 *     1<TAB>1<TAB>6<TAB>3<TAB>1.8708286933869707
 *     ...one line per feature, numbered from 1, doubles with %.17g */
#ifndef AD_SCALE_H
#define AD_SCALE_H
#include <stdio.h>

enum { SCALE_MINMAX, SCALE_ZSCORE };

typedef struct {
	int method;
	double lower, upper;    /* min-max target range */
	int dim;
	long n;                 /* rows fitted */
	double *min, *max, *mean, *m2;   /* per feature; m2 = sum of squared deviations */
	double *sd;             /* per feature, set by scale_finish or scale_load */
} ScaleStats;

void scale_init(ScaleStats *s, int method, double lower, double upper, int dim);
/* Welford update with one row of dim values. */
void scale_add(ScaleStats *s, const float *x);
/* After the last scale_add: compute sd. */
void scale_finish(ScaleStats *s);
/* Write the statistics file; 0 or -1 + ad_error. */
int scale_save(const ScaleStats *s, FILE *f);
/* Read and check a statistics file; 0 or -1 + ad_error ("FILE:LINE: ..."). */
int scale_load(ScaleStats *s, const char *path);
/* y = scaled x; 0, or j + 1 for the first value j that is not finite. */
int scale_apply(const ScaleStats *s, const float *x, float *y);
void scale_free(ScaleStats *s);

#endif
