/* scale.h: per-feature scaling (ad-scale): fit statistics on one stream,
 * save them, re-apply them to another (train statistics on test data).
 *
 * min-max:  y = lower + (x - min) * (upper - lower) / (max - min)
 * z-score:  y = (x - mean) / std        (std: population, divisor n)
 * Options of the fit, applied the same way wherever the statistics are used:
 * contrast (per row, before anything else): global contrast normalisation
 *     x_j <- (x_j - m) / c,  m = mean_j x_j,
 *     c = mean_j |x_j - m| (l1) or sqrt(mean_j (x_j - m)^2) (l2); c = 0 -> 1
 *     (the per-image normalisation of the MNIST loaders of Deep SVDD, which
 *     the paper's image experiments build on: l1, then a global min-max);
 * global: one min, max, mean and std over all values of all features instead
 *     of one per feature (every feature line of the file then holds them).
 * A constant feature (max = min, or std = 0) is divided by 1 instead:
 * y = lower + (x - min), or y = x - mean, so it is `lower` (0) on the data it
 * was fitted on and keeps any deviation elsewhere.  Values are not clipped.
 *
 * Statistics file (text, strict):
 *     #adscale 1 method=minmax dim=2 n=4 lower=0 upper=1
 * or, with contrast normalisation or global statistics,
 *     #adscale 2 method=minmax dim=2 n=4 lower=0 upper=1 contrast=l1 global=1
 *     #feature<TAB>min<TAB>max<TAB>mean<TAB>std
 *     1<TAB>1<TAB>6<TAB>3<TAB>1.8708286933869707
 *     ...one line per feature, numbered from 1, doubles with %.17g */
#ifndef AD_SCALE_H
#define AD_SCALE_H
#include <stdio.h>

enum { SCALE_MINMAX, SCALE_ZSCORE };
enum { SCALE_CONTRAST_NONE, SCALE_CONTRAST_L1, SCALE_CONTRAST_L2 };

typedef struct {
	int method;
	double lower, upper;    /* min-max target range */
	int contrast;           /* SCALE_CONTRAST_*: per-row normalisation first */
	int global;             /* 1: one set of statistics over all values */
	float *row;             /* scratch: the contrast-normalised row */
	int dim;
	long n;                 /* rows fitted */
	double *min, *max, *mean, *m2;   /* per feature; m2 = sum of squared deviations */
	double *sd;             /* per feature, set by scale_finish or scale_load */
} ScaleStats;

void scale_init(ScaleStats *s, int method, double lower, double upper, int dim);
/* The fit options (before the first scale_add); contrast: SCALE_CONTRAST_*. */
void scale_options(ScaleStats *s, int contrast, int global);
/* Name of a contrast setting ("none", "l1", "l2"), and back: -1 if unknown. */
const char *scale_contrast_name(int contrast);
int scale_contrast_parse(const char *name);
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
