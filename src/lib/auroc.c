/* auroc.c: AUROC with midranks, ROC points, average precision. */
#include "auroc.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>

struct pair {
	double s;
	int pos;
};

static int by_score_desc(const void *a, const void *b)
{
	double x = ((const struct pair *)a)->s, y = ((const struct pair *)b)->s;
	return (x < y) - (x > y);
}

/* The pairs sorted by decreasing score, and the class counts; NULL (with
 * ad_error) when a class is absent and `need_both`, or when there are no
 * anomalies. */
static struct pair *sorted(const double *score, const int *label, size_t n,
                           int need_both, double *npos, double *nneg)
{
	struct pair *p;
	*npos = *nneg = 0;
	for (size_t i = 0; i < n; i++)
		*npos += label[i] != 0;
	*nneg = (double)n - *npos;
	if (*npos == 0 || (need_both && *nneg == 0)) {
		ad_error("only one class: %.0f normal, %.0f anomalous", *nneg, *npos);
		return NULL;
	}
	p = ad_xmalloc(ad_mul(n, sizeof *p));
	for (size_t i = 0; i < n; i++) {
		p[i].s = score[i];
		p[i].pos = label[i] != 0;
	}
	qsort(p, n, sizeof *p, by_score_desc);
	return p;
}

double ad_auroc(const double *score, const int *label, size_t n)
{
	double npos, nneg, rsum = 0;
	struct pair *p = sorted(score, label, n, 1, &npos, &nneg);
	if (!p)
		return NAN;
	/* ascending rank of position i (descending order) is n - i; a tie block
	 * [i, j) shares the midrank n - (i + j - 1)/2 */
	for (size_t i = 0, j; i < n; i = j) {
		double mid, k = 0;
		for (j = i; j < n && p[j].s == p[i].s; j++)
			k += p[j].pos;
		mid = (double)n - ((double)i + (double)j - 1) / 2;
		rsum += k * mid;
	}
	free(p);
	return (rsum - npos * (npos + 1) / 2) / (npos * nneg);
}

size_t ad_roc(const double *score, const int *label, size_t n,
              double *fpr, double *tpr, double *thr)
{
	double npos, nneg, tp = 0, fp = 0;
	size_t m = 0;
	struct pair *p = sorted(score, label, n, 1, &npos, &nneg);
	if (!p)
		return 0;
	fpr[m] = 0;
	tpr[m] = 0;
	thr[m++] = INFINITY;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && p[j].s == p[i].s; j++) {
			tp += p[j].pos;
			fp += !p[j].pos;
		}
		fpr[m] = fp / nneg;
		tpr[m] = tp / npos;
		thr[m++] = p[i].s;
	}
	free(p);
	return m;
}

double ad_auprc(const double *score, const int *label, size_t n)
{
	double npos, nneg, tp = 0, fp = 0, rprev = 0, ap = 0;
	struct pair *p = sorted(score, label, n, 0, &npos, &nneg);
	if (!p)
		return NAN;
	for (size_t i = 0, j; i < n; i = j) {
		double r;
		for (j = i; j < n && p[j].s == p[i].s; j++) {
			tp += p[j].pos;
			fp += !p[j].pos;
		}
		r = tp / npos;
		ap += (r - rprev) * (tp / (tp + fp));
		rprev = r;
	}
	free(p);
	return ap;
}
