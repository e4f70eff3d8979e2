/* evaluate.c: the evaluation passes of training (evaluate.h). */
#include "evaluate.h"
#include "auroc.h"
#include "loss.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>

int train_score_all(Model *m, const AdvData *d, int batch, int score_mean, double *s)
{
	if (batch > d->n)
		batch = d->n > 0 ? (int)d->n : 1;     /* buffers for the rows there are */
	float *buf = d->code ? ad_xmalloc(ad_mul(ad_mul((size_t)batch, (size_t)d->info.dim),
	                                         sizeof *buf)) : NULL;
	for (long i = 0; i < d->n; i += batch) {
		int nb = (int)(d->n - i < batch ? d->n - i : batch);
		if (model_eval_scores(m, adv_rows(d, i, nb, buf), (size_t)d->info.dim, nb, score_mean,
		                      s + i)) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	for (long i = 0; i < d->n; i++)
		if (!isfinite(s[i]))
			return ad_error("row %ld: the score is not finite", i + 1);
	return 0;
}

int eval_val_loss(Model *m, const AdvData *v, int batch, int score_mean, double *out)
{
	double *s = ad_xmalloc(ad_mul((size_t)v->n, sizeof(double)));
	int B = batch < v->n ? batch : (int)v->n;
	double *scr = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	double sum = 0;
	if (train_score_all(m, v, B, score_mean, s)) {
		free(s); free(scr);
		return ad_error("validation set: %s", ad_errmsg());
	}
	for (long i = 0; i < v->n; i += B) {
		int nb = (int)(v->n - i < B ? v->n - i : B);
		sum += loss_val_batch(s + i, nb, scr);
	}
	*out = sum / (double)v->n;
	free(s);
	free(scr);
	return 0;
}

int eval_auroc(Model *m, const AdvData *e, int batch, int score_mean, double *out)
{
	double *s = ad_xmalloc(ad_mul((size_t)e->n, sizeof(double)));
	if (train_score_all(m, e, batch, score_mean, s)) {
		free(s);
		return ad_error("evaluation set: %s", ad_errmsg());
	}
	*out = ad_auroc(s, e->label, (size_t)e->n);
	free(s);
	return 0;
}
