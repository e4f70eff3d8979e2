/* train.c: the training loop (train.h); its trace is in trace.c, its
 * evaluation passes in evaluate.c, the checkpoint file in checkpoint.c. */
#include "trainer.h"
#include "evaluate.h"
#include "trace.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void train_config_defaults(TrainConfig *tc)
{
	memset(tc, 0, sizeof *tc);
	tc->epochs = 30;
	tc->pretrain_epochs = 150;
	tc->batch = 100;
	tc->lr = 1e-4;
	tc->wd = 1e-6;
	tc->seed = 1;
	loss_config_defaults(&tc->loss, LOSS_HETERO);
	tc->eval_every = 1;
	tc->checkpoint_every = 1;
	tc->weigh_timeout = WEIGH_TIMEOUT_DEFAULT;
}

void train_lockin_resolve(TrainConfig *tc, int model_kind, const AdvData *data)
{
	const AdvInfo *in = &data->info;
	int pixels = in->has_shape && in->shape[1] > 1 && in->shape[2] > 1 && data->code;
	int remedy = tc->reject_stat == TRAIN_STAT_AUTO && model_kind == MODEL_AE &&
	             tc->loss.kind == LOSS_HETERO && tc->loss.reject == LOSS_REJECT_QUANTILE &&
	             !tc->weigh && pixels;
	if (tc->reject_stat == TRAIN_STAT_AUTO) {
		tc->reject_stat = remedy ? TRAIN_STAT_RESID : TRAIN_STAT_SCORE;
		tc->resid_epochs = remedy ? TRAIN_REMEDY_RESID_EPOCHS : 0;
	}
	if (tc->warmup == TRAIN_WARMUP_AUTO)
		tc->warmup = remedy ? TRAIN_REMEDY_WARMUP : 0;
}

static int is_dsvdd(const Trainer *T) { return model_config(T->m)->kind == MODEL_DSVDD; }

/* DSVDD's AE pretraining phase (the other models have the main phase only). */
static int pretraining(const Trainer *T)
{
	return is_dsvdd(T) && model_phase(T->m) == PHASE_PRETRAIN;
}

/* The epoch number within the current phase, from 1: what the trace, the
 * progress line, the messages, model selection and the LOE warm-up count. */
static int phase_epoch(const Trainer *T)
{
	return T->epoch + 1 - (pretraining(T) ? 0 : T->pre);
}

/* ---- optimiser ---- */

/* A new optimiser over the tensors active in the current phase. */
void trainer_adam_reset(Trainer *T)
{
	adam_free(T->opt);
	T->opt = adam_new(T->m, (float)T->tc->lr, (float)T->tc->wd);
}

static void copy_tensors(Trainer *T, float **dst, int to_model)
{
	for (int i = 0; i < T->nt; i++) {
		ModelTensor mt = model_tensor(T->m, i);
		if (to_model)
			memcpy(mt.data, dst[i], mt.n * sizeof(float));
		else
			memcpy(dst[i], mt.data, mt.n * sizeof(float));
	}
}

/* DSVDD centre over every training row (unpacked for the call if compact) */
static int init_center(Model *m, const AdvData *d)
{
	float *x = NULL;
	int r;
	if (d->code) {
		x = ad_xmalloc(ad_mul(ad_mul((size_t)d->n, (size_t)d->info.dim), sizeof *x));
		adv_rows(d, 0, d->n, x);
	}
	r = model_init_center(m, x ? x : d->x, (int)d->n);
	free(x);
	return r;
}

/* ---- the loop ---- */

static void trainer_free(Trainer *T)
{
	for (int i = 0; i < T->nt; i++)
		free(T->best[i]);
	free(T->best);
	adam_free(T->opt);
	loss_free(T->loss);
	loss_free(T->loss_pre);
	free(T->fingerprint);
	free(T->perm); free(T->lab); free(T->x); free(T->dout);
	free(T->s); free(T->w); free(T->alpha); free(T->z); free(T->scratch); free(T->rej);
	free(T->roww); free(T->bestw);
}

/* ---- remedies for the lock-in of median rejection (man/ad-train.1 LOCK-IN) ---- */

void train_energy_resid(const float *x, size_t dim, const double *s, int nb, double *r)
{
	double me = 0, ms = 0, sxx = 0, sxy = 0, b;
	for (int i = 0; i < nb; i++) {
		double e = 0;
		for (size_t j = 0; j < dim; j++)
			e += (double)x[i * dim + j] * x[i * dim + j];
		r[i] = e;
		me += e;
		ms += s[i];
	}
	me /= nb;
	ms /= nb;
	for (int i = 0; i < nb; i++) {
		sxx += (r[i] - me) * (r[i] - me);
		sxy += (r[i] - me) * (s[i] - ms);
	}
	b = sxx > 0 ? sxy / sxx : 0;
	for (int i = 0; i < nb; i++)
		r[i] = s[i] - ms - b * (r[i] - me);
}

/* The rejection statistic of a batch: s itself, or (TRAIN_STAT_RESID) its
 * residual after the batch's line in input energy (train_energy_resid): a
 * network that has not learnt the normal class yet ranks rows by ink, and the
 * residual takes the linear ink trend out of the ranking.  With resid_epochs
 * K > 0 the residual ranks only up to main epoch K, while the mode is being
 * set, and the score itself afterwards (-x resid:K).  r: nb doubles (the
 * trainer's scratch buffer). */
static const double *reject_statistic(const Trainer *T, int nb, double *r)
{
	const TrainConfig *tc = T->tc;
	if (tc->reject_stat != TRAIN_STAT_RESID ||
	    (tc->resid_epochs && phase_epoch(T) > tc->resid_epochs))
		return T->s;
	train_energy_resid(T->x, (size_t)T->d->info.dim, T->s, nb, r);
	return r;
}

/* Warm-up: the first `warmup` main epochs give every row w = 1 and alpha = 2
 * (plain MSE for hetero); z stays as computed, for the trace. */
static void warmup_weights(const Trainer *T, int nb)
{
	if (pretraining(T) || phase_epoch(T) > T->tc->warmup)
		return;
	for (int i = 0; i < nb; i++) {
		T->w[i] = 1.0;
		T->alpha[i] = 2.0;
	}
}

/* A batch diverged: its output, a score or the loss is not finite (the error
 * message says which).  run_epochs() adds the learning-rate hint. */
#define DIVERGED (-2)

/* A trace row of the current epoch (batch: from 1, or 0 for the epoch's row). */
static void trace_epoch_row(const Trainer *T, const TrainAcc *a, int batch, double val,
                            double auc)
{
	trace_row(T->tc->trace, T->tc->trace_batches, phase_epoch(T), batch, pretraining(T),
	          T->any_anom, a, val, auc);
}

/* Batch b (nb rows of the current permutation): forward, scores, weights, loss,
 * backward, one Adam step.  0, DIVERGED, or -1 + ad_error. */
static int run_batch(Trainer *T, int b, int nb)
{
	const TrainConfig *tc = T->tc;
	int pretrain = pretraining(T);
	Loss *loss = pretrain ? T->loss_pre : T->loss;
	double L;
	int rc;
	adv_gather(T->d, T->perm + (size_t)b * tc->batch, nb, T->x, T->lab);
	if ((rc = model_forward(T->m, T->x, nb, 1)) != 0)
		return rc == MODEL_DIVERGED ? DIVERGED : -1;
	model_scores(T->m, nb, tc->loss.score_mean, T->s);
	for (int i = 0; i < nb; i++)
		if (!isfinite(T->s[i])) {
			ad_error("the score is not finite (NaN or Inf)");
			return DIVERGED;
		}
	if (T->wg && !pretrain) {
		if (weigh_batch(T->wg, T->lab, T->s, nb, T->alpha, T->w, T->z))
			return -1;
		weigh_last_aar(T->wg, &T->aar[0], &T->aar[1], &T->aar[2]);
	} else {
		loss_weights_at(loss, phase_epoch(T), reject_statistic(T, nb, T->scratch), nb, T->w,
		                T->alpha, T->z);
		loss_aar_info(loss, &T->aar[0], &T->aar[1], &T->aar[2]);
	}
	warmup_weights(T, nb);
	for (int i = 0; i < nb; i++)
		T->roww[T->perm[(size_t)b * tc->batch + i]] = T->w[i];
	L = loss_eval(loss, phase_epoch(T), model_out(T->m), model_target(T->m), T->s, T->w,
	              T->alpha, nb, T->dout, T->rej);
	L += model_aux_loss(T->m);
	if (!isfinite(L)) {
		ad_error("the loss is not finite (NaN or Inf)");
		return DIVERGED;
	}
	model_zero_grad(T->m);
	model_backward(T->m, T->dout, nb);
	adam_step(T->opt);
	loss_step(loss, (float)tc->lr);
	trace_acc_batch(&T->acc, L, nb, T->z, T->alpha, T->rej, T->lab, T->aar);
	if (tc->trace && tc->trace_batches) {
		TrainAcc one;
		trace_acc_reset(&one);
		trace_acc_batch(&one, L, nb, T->z, T->alpha, T->rej, T->lab, T->aar);
		trace_epoch_row(T, &one, b + 1, NAN, NAN);
	}
	return 0;
}

/* "m:ss" or "h:mm:ss" */
static const char *hms(double sec, char *buf, size_t size)
{
	long t = sec > 0 && sec < 1e9 ? (long)(sec + 0.5) : 0;
	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
	return buf;
}

/* Progress (TRAIN_PROGRESS_*): after batch b of nbatch (done: the epoch is
 * complete, val its validation loss or NaN). */
static void progress(Trainer *T, int b, int nbatch, int done, double val)
{
	int pre = pretraining(T), mode = T->tc->progress;
	double el = ad_now() - T->t0, loss = T->acc.nb ? T->acc.loss / T->acc.nb : NAN;
	char e[32], r[32];
	if (mode == TRAIN_PROGRESS_TTY) {
		/* ETA from the batches run by this call */
		double run = (double)(T->epoch - T->epoch0) * nbatch + b - T->batch0;
		double left = (double)(T->total - T->epoch - 1) * nbatch + nbatch - b;
		fprintf(stderr, "\r%sepoch %d/%d batch %d/%d loss %.6g  %s elapsed, ETA %s   ",
		        pre ? "pretrain " : "", phase_epoch(T), pre ? T->pre : T->tc->epochs, b,
		        nbatch, loss, hms(el, e, sizeof e),
		        run > 0 ? hms(el / run * left, r, sizeof r) : "?");
		if (done)
			fputc('\n', stderr);
	} else if (mode == TRAIN_PROGRESS_LOG && done) {
		fprintf(stderr, "%s: %sepoch %d/%d loss %.6g", ad_progname, pre ? "pretrain " : "",
		        phase_epoch(T), pre ? T->pre : T->tc->epochs, loss);
		if (!isnan(val))
			fprintf(stderr, " val %.6g", val);
		fprintf(stderr, " (%s elapsed)\n", hms(el, e, sizeof e));
	}
	fflush(stderr);
}

static int stop_requested(const Trainer *T) { return T->tc->stop && *T->tc->stop; }

/* The start of an epoch: DSVDD moves from pretraining to the main phase (centre,
 * new Adam) at epoch `pre`; a fresh epoch keeps the RNG state it starts from
 * (for checkpoints), a resumed one rewinds to it; then the permutation. */
static int begin_epoch(Trainer *T)
{
	long n = T->d->n;
	if (pretraining(T) && T->epoch >= T->pre) {
		model_set_phase(T->m, PHASE_MAIN);
		if (init_center(T->m, T->d))
			return -1;
		trainer_adam_reset(T);
	}
	if (T->batch_next == 0) {
		T->shuf_epoch = T->shuf;
		trace_acc_reset(&T->acc);
		for (long i = 0; i < n; i++)
			T->roww[i] = 1;
	} else {
		T->shuf = T->shuf_epoch;
	}
	for (long i = 0; i < n; i++)
		T->perm[i] = (int)i;
	rng_shuffle(&T->shuf, T->perm, (size_t)n);
	return 0;
}

/* The end of a main-phase epoch: validation loss and model selection, AUROC. */
static int end_main_epoch(Trainer *T, double *val, double *auc)
{
	const TrainConfig *tc = T->tc;
	int e = phase_epoch(T);
	if (tc->val) {
		if (eval_val_loss(T->m, tc->val, tc->batch, tc->loss.score_mean, val))
			return -1;
		if (!T->has_best || *val < T->best_val) {
			T->has_best = 1;
			T->best_val = *val;
			T->best_epoch = e;
			copy_tensors(T, T->best, 0);
			memcpy(T->bestw, T->roww, (size_t)T->d->n * sizeof *T->bestw);
		}
	}
	if (tc->eval && e % tc->eval_every == 0) {
		if (eval_auroc(T->m, tc->eval, tc->batch, tc->loss.score_mean, auc))
			return -1;
		if (!tc->trace)
			fprintf(stderr, "%sepoch %d: eval AUROC %.4f\n",
			        tc->progress == TRAIN_PROGRESS_TTY ? "\n" : "", e, *auc);
	}
	return 0;
}

/* The epochs from T's position on.  0 when done, 1 when stopped by *stop (T is
 * then at the position to resume from), -1 + ad_error. */
static int run_epochs(Trainer *T, TrainResult *res)
{
	const TrainConfig *tc = T->tc;
	long n = T->d->n;
	/* a last batch of a single row is left out (batch-norm and the batch
	 * statistics need two); the row left out changes with every shuffle */
	long used = n > 1 && n % tc->batch == 1 ? n - 1 : n;
	int nbatch = (int)((used + tc->batch - 1) / tc->batch);
	for (; T->epoch < T->total; T->epoch++) {
		double val = NAN, auc = NAN;
		if (begin_epoch(T))
			return -1;
		for (int b = T->batch_next; b < nbatch; b++) {
			long left = used - (long)b * tc->batch;
			int nb = (int)(left < tc->batch ? left : tc->batch);
			int rc = run_batch(T, b, nb);
			if (rc == DIVERGED)
				return ad_error("%sepoch %d, batch %d: %s; try a smaller learning rate (-r)",
				                pretraining(T) ? "pretraining " : "", phase_epoch(T), b + 1,
				                ad_errmsg());
			if (rc)
				return ad_error("epoch %d, batch %d: %s", phase_epoch(T), b + 1,
				                ad_errmsg());
			T->batch_next = b + 1;
			res->samples += nb;
			if (tc->progress == TRAIN_PROGRESS_TTY)
				progress(T, b + 1, nbatch, 0, NAN);
			if (stop_requested(T) && b + 1 < nbatch) {
				res->interrupted = 1;
				return 1;
			}
		}
		T->batch_next = 0;
		if (!pretraining(T) && end_main_epoch(T, &val, &auc))
			return -1;
		res->last_loss = T->acc.nb ? T->acc.loss / T->acc.nb : NAN;
		if (tc->trace) {
			trace_epoch_row(T, &T->acc, 0, val, auc);
			if (fflush(tc->trace) != 0 || ferror(tc->trace))
				return ad_error("trace: write error");
		}
		if (tc->progress)
			progress(T, nbatch, nbatch, 1, val);
		res->epochs_done = T->epoch + 1;
		if (stop_requested(T)) {
			if (T->epoch + 1 < T->total) {
				/* to the start of the next epoch; train_run() writes the checkpoint */
				T->epoch++;
				T->shuf_epoch = T->shuf;
				trace_acc_reset(&T->acc);
				res->interrupted = 1;
				return 1;
			}
		} else if (tc->checkpoint && (T->epoch + 1) % tc->checkpoint_every == 0) {
			/* resumes at the start of the next epoch */
			TrainAcc empty;
			trace_acc_reset(&empty);
			if (ckpt_save(T, T->epoch + 1, 0, &T->shuf, &empty))
				return -1;
		}
	}
	return 0;
}

/* A training can diverge without a NaN in any output (huge inputs, a huge
 * learning rate): every parameter and statistic must be finite before a model
 * or checkpoint is kept.  0, or -1 + ad_error naming the first bad tensor. */
static int model_finite(Model *m)
{
	for (int i = 0; i < model_ntensors(m); i++) {
		ModelTensor t = model_tensor(m, i);
		for (size_t k = 0; k < t.n; k++)
			if (!isfinite(t.data[k]))
				return ad_error("the model diverged: %s holds a value that is not "
				                "finite; try a smaller learning rate (-r) or scale the "
				                "data (ad-scale)", t.name);
	}
	return 0;
}

int train_run(Model *m, const AdvData *d, const TrainConfig *tc, TrainResult *res)
{
	Trainer T;
	int rc, B, D;
	memset(&T, 0, sizeof T);
	memset(res, 0, sizeof *res);
	res->best_val = NAN;
	if (d->n < 1)
		return ad_error("no training rows");
	if (tc->val && tc->val->n < 1)
		return ad_error("the validation set has no rows: it could not select a model");
	if (tc->eval && tc->eval->n < 1)
		return ad_error("the evaluation set has no rows");
	if (d->info.dim != model_config(m)->dim)
		return ad_error("the data has dimension %d, the model %d", d->info.dim,
		                model_config(m)->dim);
	T.m = m;
	T.d = d;
	T.tc = tc;
	T.nt = model_ntensors(m);
	T.pre = model_config(m)->kind == MODEL_DSVDD ? tc->pretrain_epochs : 0;
	T.total = T.pre + tc->epochs;
	T.best_val = NAN;
	/* no batch is larger than the data: the buffers need no more rows */
	B = tc->batch < d->n ? tc->batch : (int)d->n;
	T.best = ad_xcalloc((size_t)T.nt, sizeof(float *));
	for (int i = 0; i < T.nt && tc->val; i++)
		T.best[i] = ad_xmalloc(ad_mul(model_tensor(m, i).n, sizeof(float)));
	if (is_dsvdd(&T))
		model_set_phase(m, PHASE_PRETRAIN);
	else
		model_set_phase(m, PHASE_MAIN);
	/* the output size of the main phase sizes the main loss */
	{
		int ph = model_phase(m);
		model_set_phase(m, PHASE_MAIN);
		D = model_out_dim(m);
		T.loss = loss_new(&tc->loss, D, B);
		model_set_phase(m, ph);
	}
	if (!T.loss) {
		trainer_free(&T);
		return -1;
	}
	if (is_dsvdd(&T)) {
		LossConfig lc;
		loss_config_defaults(&lc, LOSS_MSE);
		lc.score_mean = tc->loss.score_mean;
		model_set_phase(m, PHASE_PRETRAIN);
		T.loss_pre = loss_new(&lc, model_out_dim(m), B);
	}
	D = model_out_dim(m) > D ? model_out_dim(m) : D;
	T.D = D;
	T.perm = ad_xmalloc(ad_mul((size_t)d->n, sizeof(int)));
	T.lab = ad_xmalloc(ad_mul((size_t)B, sizeof(int)));
	T.rej = ad_xmalloc(ad_mul((size_t)B, sizeof(int)));
	T.x = ad_xmalloc(ad_mul(ad_mul((size_t)B, (size_t)d->info.dim), sizeof(float)));
	T.dout = ad_xmalloc(ad_mul(ad_mul((size_t)B, (size_t)D), sizeof(float)));
	T.s = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	T.w = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	T.alpha = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	T.z = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	T.scratch = ad_xmalloc(ad_mul((size_t)B, sizeof(double)));
	T.roww = ad_xmalloc(ad_mul((size_t)d->n, sizeof(double)));
	T.bestw = tc->val ? ad_xmalloc(ad_mul((size_t)d->n, sizeof(double))) : NULL;
	for (long i = 0; i < d->n; i++) {
		T.roww[i] = 1;
		if (T.bestw)
			T.bestw[i] = 1;
	}
	for (long i = 0; i < d->n; i++)
		if (d->label[i] != 0)
			T.any_anom = 1;
	T.fingerprint = ckpt_fingerprint(tc, d, m);
	rng_seed2(&T.shuf, tc->seed, 1);
	trace_acc_reset(&T.acc);
	trainer_adam_reset(&T);
	if (tc->resume) {
		if (ckpt_load(&T, tc->resume)) {
			trainer_free(&T);
			return -1;
		}
		T.shuf = T.shuf_epoch;
		if (T.epoch > T.total) {
			ad_error("%s: the checkpoint is at epoch %d, beyond the %d asked for",
			         tc->resume, T.epoch, T.total);
			trainer_free(&T);
			return -1;
		}
	}
	if (tc->trace && tc->trace_header)
		trace_header(tc->trace, tc->trace_batches);
	/* a weigher only when a main-phase epoch remains (a finished checkpoint
	 * just writes the model; a weigher fed nothing may fail on empty input) */
	if (tc->weigh && T.epoch < T.total && !(T.wg = weigh_start(tc->weigh))) {
		trainer_free(&T);
		return -1;
	}
	if (T.wg && tc->stop)
		weigh_set_stop(T.wg, tc->stop);
	if (T.wg)
		weigh_set_timeout(T.wg, tc->weigh_timeout);
	T.t0 = ad_now();
	T.epoch0 = T.epoch;
	T.batch0 = T.batch_next;
	rc = run_epochs(&T, res);
	if (rc == 0 && is_dsvdd(&T) && model_phase(m) == PHASE_PRETRAIN) {
		/* no main epoch (-n 0): still give the model its centre */
		model_set_phase(m, PHASE_MAIN);
		if (init_center(m, d))
			rc = -1;
	}
	if (rc == 1 && tc->checkpoint &&
	    ckpt_save(&T, T.epoch, T.batch_next, &T.shuf_epoch, &T.acc))
		rc = -1;
	if (T.wg) {
		char keep[1024];
		snprintf(keep, sizeof keep, "%s", ad_errmsg());
		if (weigh_close(T.wg, rc != 0) && rc == 0)
			rc = -1;
		else if (rc != 0)
			ad_error("%s", keep);
	}
	/* done, or stopped: the model of the lowest validation loss so far */
	if (rc >= 0 && T.has_best) {
		copy_tensors(&T, T.best, 1);
		res->best_epoch = T.best_epoch;
		res->best_val = T.best_val;
	}
	if (rc >= 0 && tc->row_weight)
		memcpy(tc->row_weight, T.has_best ? T.bestw : T.roww,
		       (size_t)d->n * sizeof *tc->row_weight);
	if (rc >= 0 && model_finite(m))
		rc = -1;
	res->epochs_done = T.epoch;
	trainer_free(&T);
	return rc;
}

void train_settings(const TrainConfig *tc, const Model *m, const TrainResult *res,
                    char *buf, size_t size)
{
	const LossConfig *l = &tc->loss;
	int kind = l->kind;
	size_t k = 0;
#define PUT(...) do { int n_ = snprintf(buf + k, size - k, __VA_ARGS__); \
	if (n_ > 0) k += (size_t)n_ < size - k ? (size_t)n_ : size - k - 1; } while (0)
	buf[0] = 0;
	PUT("loss=%s\nscore=%s\nepochs=%d\nbatch=%d\nlr=%.17g\nwd=%.17g\nseed=%llu\n",
	    loss_kind_name(kind), l->score_mean ? "mean" : "sum", tc->epochs, tc->batch,
	    tc->lr, tc->wd, (unsigned long long)tc->seed);
	if (l->reject == LOSS_REJECT_AAR)
		PUT("reject=aar\nts=%.17g\naar_tau=%.17g\naar_guard=%.17g\naar_warmup=%d\n",
		    l->ts, l->aar_tau, l->aar_guard, l->aar_warmup);
	else if (kind == LOSS_HETERO || kind == LOSS_MSE || kind == LOSS_HUBER)
		PUT("q=%.17g\nts=%.17g\n", l->q, l->ts);
	if (kind == LOSS_HETERO)
		PUT("alpha_r=%.17g\n", l->alpha_r);
	if (kind == LOSS_HETERO || kind == LOSS_HUBER)
		PUT("c=%.17g\n", l->c);
	if (kind == LOSS_LOE)
		PUT("loe_ratio=%.17g\nloe_warmup=%d\nloe=%s\n", l->loe_ratio, l->loe_warmup,
		    l->loe_hard ? "hard" : "soft");
	if (model_config(m)->kind == MODEL_DSVDD)
		PUT("pretrain_epochs=%d\n", tc->pretrain_epochs);
	if (tc->warmup)
		PUT("warmup=%d\n", tc->warmup);
	if (tc->reject_stat == TRAIN_STAT_RESID)
		PUT("reject_stat=resid\n");
	if (tc->reject_stat == TRAIN_STAT_RESID && tc->resid_epochs)
		PUT("resid_epochs=%d\n", tc->resid_epochs);
	if (res->best_epoch)
		PUT("best_epoch=%d\nval_loss=%.17g\n", res->best_epoch, res->best_val);
	if (res->interrupted)
		PUT("interrupted=after %d of %d epochs\n", res->epochs_done,
		    (model_config(m)->kind == MODEL_DSVDD ? tc->pretrain_epochs : 0) + tc->epochs);
#undef PUT
}
