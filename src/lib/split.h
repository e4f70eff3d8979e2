/* split.h: the one-vs-rest contamination protocols of the paper (ad-split).
 *
 * Every choice is drawn from rng streams derived from the seed, so the same
 * data, options and seed give the same parts in separate runs: train, val and
 * test never overlap.  Output labels are 0 (normal) and 1 (anomaly).
 * Counts are rounded to the nearest integer, ties to even (as Python's round).
 *
 * image   (default; the paper's section 5.1 for MNIST, F-MNIST and CIFAR-10)
 *   "training data is twice as much as test data": N = 2*Nt training rows of
 *   class K drawn without replacement by the seed (all of them if there are
 *   fewer), Nt the test rows of class K; the train pool is those N plus
 *   round(gamma/(1-gamma)*N) rows drawn without replacement, uniformly, from
 *   the training rows of the other classes; shuffled; the first
 *   round(val*total) rows are the validation part, the rest the train part.
 *   test: every test row of class K (Nt) plus round(a/(1-a)*Nt) test rows drawn
 *     without replacement from the other classes (a = 0.3), in input order.
 * image-all  as image, but every training row of class K is a training normal
 *   (N = all of them): about six to one on MNIST instead of two to one.
 * entire  (the paper's appendix E) the train pool as image-all (every training
 *   row of class K plus round(gamma/(1-gamma)*N) rows of the other classes),
 *   validation part as above; test: every test row.
 * natural (every class present, the natural contamination)
 *   train pool: every training row (class K normal, all others anomalies),
 *     shuffled, validation part as above; test: every test row.
 * tabular (single-file tabular data sets)
 *   the rows of class K are shuffled: the first floor(Nn/2) are the training
 *     normals, the others go to the test part with every anomaly (input order).
 *     round(gamma/(1-gamma)*Ntrain) synthetic anomalies are added to the
 *     training normals: each one a test anomaly drawn uniformly (with
 *     replacement) plus zero-mean Gaussian noise with, per feature, the
 *     standard deviation of the anomalies (population, ddof 0); shuffled;
 *     validation part as above (default val = 0).
 *
 * Without a separate test set (image, image-all, entire, natural), the one stream is first cut in
 * two: a third of the class-K rows and a third of the other rows, drawn by
 * the seed, form the test set, the rest the training set (so the normal
 * training rows are twice the normal test rows). */
#ifndef AD_SPLIT_H
#define AD_SPLIT_H
#include "advec.h"
#include <stdint.h>

enum { SPLIT_IMAGE, SPLIT_IMAGE_ALL, SPLIT_ENTIRE, SPLIT_NATURAL, SPLIT_TABULAR };
enum { SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST };

typedef struct {
	int protocol;           /* SPLIT_IMAGE, ... SPLIT_TABULAR */
	int normal;             /* the normal class K */
	double gamma;           /* contamination of the train pool, [0, 1) */
	double test_anom;       /* anomaly share of the test part (image), [0, 1) */
	double val;             /* share of the train pool held out, [0, 1) */
	uint64_t seed;
} SplitOpts;

typedef struct {
	long n;
	long n_anom;
	const float **row;      /* n pointers to dim values */
	int *label;             /* n labels, 0 or 1 */
} SplitPart;

typedef struct {
	SplitPart part[3];      /* SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST */
	float *synth;           /* storage of synthetic rows (tabular) */
} Split;

/* Round to nearest, ties to even. */
long split_round(double v);

/* Split train (and test, or NULL to cut train in two) by o.  Names are for
 * messages.  0, or -1 + ad_error. */
int split_make(const AdvData *train, const char *train_name, const AdvData *test,
               const char *test_name, const SplitOpts *o, Split *s);
void split_free(Split *s);

#endif
