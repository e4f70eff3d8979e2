/* train.c: see train.h. */
#include "train.h"
#include "auroc.h"
#include "modelfile.h"
#include "optim.h"
#include "rng.h"
#include "util.h"
#include "weigh.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_VERSION 1

/* Per-epoch trace accumulators (saved in checkpoints). */
typedef struct {
	double loss, zsum, zmax, amin, asum;
	long nb, zn, rows, rej, anom, rej_anom;
} Acc;

typedef struct {
	Model *m;
	const AdvData *d;
	const TrainConfig *tc;
	int nt;                      /* model tensors */
	Adam *opt;
	float **best;                /* best-validation tensors */
	int has_best, best_epoch;
	double best_val;
	Loss *loss, *loss_pre;       /* main loss; DSVDD pretraining MSE */
	Weigher *wg;
	Rng shuf, shuf_epoch;        /* shuffling stream; its state at the epoch start */
	int epoch, batch_next;       /* position: epoch (0-based over all phases), batch */
	int total;                   /* all epochs, pretraining included */
	int pre;                     /* pretraining epochs (DSVDD only) */
	Acc acc;
	char *fingerprint;
	int any_anom;
	/* buffers */
	int *perm, *lab;
	float *x, *dout;
	double *s, *w, *alpha, *z, *scratch;
	int *rej;
	int D;
} Trainer;

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
}

static int is_dsvdd(const Trainer *T) { return model_config(T->m)->kind == MODEL_DSVDD; }

/* ---- optimiser ---- */

/* A new optimiser over the tensors active in the current phase. */
static void adam_reset(Trainer *T)
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

/* ---- evaluation passes ---- */

int train_score_all(Model *m, const AdvData *d, int batch, int score_mean, double *s)
{
	float *buf = d->code ? ad_xmalloc(ad_mul(ad_mul((size_t)batch, (size_t)d->info.dim),
	                                         sizeof *buf)) : NULL;
	for (long i = 0; i < d->n; i += batch) {
		int nb = (int)(d->n - i < batch ? d->n - i : batch);
		if (model_forward(m, adv_rows(d, i, nb, buf), nb, 0)) {
			free(buf);
			return -1;
		}
		model_scores(m, nb, score_mean, s + i);
	}
	free(buf);
	for (long i = 0; i < d->n; i++)
		if (!isfinite(s[i]))
			return ad_error("row %ld: the score is not finite", i + 1);
	return 0;
}

static int val_loss(Trainer *T, double *out)
{
	const AdvData *v = T->tc->val;
	double *s = ad_xmalloc(ad_mul((size_t)v->n, sizeof(double)));
	double *scr = ad_xmalloc(ad_mul((size_t)T->tc->batch, sizeof(double)));
	double sum = 0;
	int B = T->tc->batch;
	if (train_score_all(T->m, v, B, T->tc->loss.score_mean, s)) {
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

static int eval_auroc(Trainer *T, double *out)
{
	const AdvData *e = T->tc->eval;
	double *s = ad_xmalloc(ad_mul((size_t)e->n, sizeof(double)));
	if (train_score_all(T->m, e, T->tc->batch, T->tc->loss.score_mean, s)) {
		free(s);
		return ad_error("evaluation set: %s", ad_errmsg());
	}
	*out = ad_auroc(s, e->label, (size_t)e->n);
	free(s);
	return 0;
}

/* ---- trace ---- */

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("\tNA", f);
	else
		fprintf(f, "\t%.9g", v);
}

static void trace_header(Trainer *T)
{
	FILE *f = T->tc->trace;
	fputs("#epoch", f);
	if (T->tc->trace_batches)
		fputs("\tbatch", f);
	fputs("\tphase\tloss\tz_mean\tz_max\talpha_min\talpha_mean\trejected"
	      "\tanom_of_rejected\tanom_rejected\tval_loss\teval_auroc\n", f);
}

static void trace_row(Trainer *T, const Acc *a, int batch, double val, double auc)
{
	FILE *f = T->tc->trace;
	int main_epoch = T->epoch + 1 - (model_phase(T->m) == PHASE_MAIN ? T->pre : 0);
	fprintf(f, "%d", main_epoch);
	if (T->tc->trace_batches) {
		if (batch > 0)
			fprintf(f, "\t%d", batch);
		else
			fputs("\tall", f);
	}
	fputs(model_phase(T->m) == PHASE_PRETRAIN && is_dsvdd(T) ? "\tpre" : "\tmain", f);
	put_num(f, a->nb ? a->loss / a->nb : NAN);
	put_num(f, a->zn ? a->zsum / a->zn : NAN);
	put_num(f, a->zn ? a->zmax : NAN);
	put_num(f, a->rows ? a->amin : NAN);
	put_num(f, a->rows ? a->asum / a->rows : NAN);
	put_num(f, a->rows ? (double)a->rej / a->rows : NAN);
	put_num(f, T->any_anom && a->rej ? (double)a->rej_anom / a->rej : NAN);
	put_num(f, T->any_anom && a->anom ? (double)a->rej_anom / a->anom : NAN);
	put_num(f, val);
	put_num(f, auc);
	fputc('\n', f);
}

static void acc_reset(Acc *a)
{
	memset(a, 0, sizeof *a);
	a->zmax = -INFINITY;
	a->amin = INFINITY;
}

static void acc_batch(Trainer *T, Acc *a, double L, int nb)
{
	a->loss += L;
	a->nb++;
	for (int i = 0; i < nb; i++) {
		if (!isnan(T->z[i])) {
			a->zsum += T->z[i];
			a->zn++;
			if (T->z[i] > a->zmax)
				a->zmax = T->z[i];
		}
		if (T->alpha[i] < a->amin)
			a->amin = T->alpha[i];
		a->asum += T->alpha[i];
		a->rows++;
		a->rej += T->rej[i];
		a->anom += T->lab[i] != 0;
		a->rej_anom += T->rej[i] && T->lab[i] != 0;
	}
}

/* ---- checkpoints ---- */

static char *make_fingerprint(const TrainConfig *tc, const AdvData *d, Model *m)
{
	char buf[1024];
	const LossConfig *l = &tc->loss;
	const ModelConfig *c = model_config(m);
	uint32_t crc = ad_crc32(0, d->label, (size_t)d->n * sizeof(int));
	float *row = ad_xmalloc((size_t)d->info.dim * sizeof *row);
	for (long i = 0; i < d->n; i++) {
		adv_row(d, i, row);
		crc = ad_crc32(crc, row, (size_t)d->info.dim * sizeof *row);
	}
	free(row);
	snprintf(buf, sizeof buf,
	         "model=%s arch=%s rows=%ld dim=%d data_crc=%08lx batch=%d lr=%.17g wd=%.17g "
	         "seed=%llu pretrain=%d loss=%s score=%s q=%.17g ts=%.17g alpha_r=%.17g "
	         "c=%.17g loe_ratio=%.17g loe_warmup=%d loe_hard=%d weigh=%s val=%ld",
	         model_kind_name(c->kind), c->arch, d->n, d->info.dim, (unsigned long)crc,
	         tc->batch, tc->lr, tc->wd, (unsigned long long)tc->seed,
	         c->kind == MODEL_DSVDD ? tc->pretrain_epochs : 0, loss_kind_name(l->kind),
	         l->score_mean ? "mean" : "sum", l->q, l->ts, l->alpha_r, l->c, l->loe_ratio,
	         l->loe_warmup, l->loe_hard, tc->weigh ? tc->weigh : "-",
	         tc->val ? tc->val->n : -1L);
	return ad_xstrdup(buf);
}

static void put_acc(MfBuf *b, const Acc *a)
{
	double dv[] = { a->loss, a->zsum, a->zmax, a->amin, a->asum };
	long lv[] = { a->nb, a->zn, a->rows, a->rej, a->anom, a->rej_anom };
	for (size_t i = 0; i < sizeof dv / sizeof *dv; i++)
		mf_put_f64(b, dv[i]);
	for (size_t i = 0; i < sizeof lv / sizeof *lv; i++)
		mf_put_u64(b, (uint64_t)lv[i]);
}

static int get_acc(MfRd *r, Acc *a)
{
	double *dv[] = { &a->loss, &a->zsum, &a->zmax, &a->amin, &a->asum };
	long *lv[] = { &a->nb, &a->zn, &a->rows, &a->rej, &a->anom, &a->rej_anom };
	for (size_t i = 0; i < sizeof dv / sizeof *dv; i++)
		if (mf_get_f64(r, dv[i], "trace state"))
			return -1;
	for (size_t i = 0; i < sizeof lv / sizeof *lv; i++) {
		uint64_t u;
		if (mf_get_u64(r, &u, "trace state"))
			return -1;
		*lv[i] = (long)u;
	}
	return 0;
}

static void put_loss_state(MfBuf *b, Loss *l)
{
	LossState st = loss_state(l);
	mf_put_u64(b, st.n);
	if (!st.n)
		return;
	mf_put_u64(b, (uint64_t)*st.t);
	mf_put_f32s(b, st.theta_a, st.n);
	mf_put_f32s(b, st.theta_c, st.n);
	mf_put_f32s(b, st.m_a, st.n);
	mf_put_f32s(b, st.v_a, st.n);
	mf_put_f32s(b, st.m_c, st.n);
	mf_put_f32s(b, st.v_c, st.n);
}

static int get_loss_state(MfRd *r, Loss *l)
{
	LossState st = loss_state(l);
	uint64_t n, t;
	if (mf_get_u64(r, &n, "loss state size"))
		return -1;
	if (n != st.n)
		return ad_error("%s: loss state has %llu values, expected %zu", r->path,
		                (unsigned long long)n, st.n);
	if (!n)
		return 0;
	if (mf_get_u64(r, &t, "loss state") ||
	    mf_get_f32s(r, st.theta_a, n, "loss state") ||
	    mf_get_f32s(r, st.theta_c, n, "loss state") ||
	    mf_get_f32s(r, st.m_a, n, "loss state") ||
	    mf_get_f32s(r, st.v_a, n, "loss state") ||
	    mf_get_f32s(r, st.m_c, n, "loss state") ||
	    mf_get_f32s(r, st.v_c, n, "loss state"))
		return -1;
	*st.t = (long)t;
	loss_sync(l);
	return 0;
}

static int save_checkpoint(Trainer *T)
{
	MfBuf b = { 0 };
	int rc;
	mf_put_bytes(&b, "ADPC", 4);
	mf_put_u32(&b, CKPT_VERSION);
	mf_put_str(&b, T->fingerprint);
	mf_put_model(&b, T->m, T->tc->loss.score_mean, "");
	mf_put_u32(&b, (uint32_t)T->epoch);
	mf_put_u32(&b, (uint32_t)T->batch_next);
	for (int i = 0; i < 4; i++)
		mf_put_u64(&b, T->shuf_epoch.s[i]);
	mf_put_u64(&b, (uint64_t)adam_get_t(T->opt));
	mf_put_u32(&b, (uint32_t)adam_nstate(T->opt));
	for (int i = 0; i < adam_nstate(T->opt); i++) {
		float *am, *av;
		size_t n;
		mf_put_str(&b, adam_state(T->opt, i, &am, &av, &n));
		mf_put_u64(&b, n);
		mf_put_f32s(&b, am, n);
		mf_put_f32s(&b, av, n);
	}
	put_loss_state(&b, T->loss);
	mf_put_u32(&b, (uint32_t)T->has_best);
	mf_put_u32(&b, (uint32_t)T->best_epoch);
	mf_put_f64(&b, T->best_val);
	if (T->has_best)
		for (int i = 0; i < T->nt; i++)
			mf_put_f32s(&b, T->best[i], model_tensor(T->m, i).n);
	put_acc(&b, &T->acc);
	rc = mf_write_atomic(T->tc->checkpoint, &b);
	mf_free(&b);
	return rc;
}

static int load_checkpoint(Trainer *T, const char *path)
{
	MfRd r;
	char *fp = NULL, *name = NULL;
	Model *cm = NULL;
	uint32_t u, e, bn;
	uint64_t t;
	int rc = -1;
	if (mf_read_file(path, "ADPC", CKPT_VERSION, &r))
		return -1;
	if (mf_get_str(&r, &fp, 4096, "settings"))
		goto out;
	if (strcmp(fp, T->fingerprint) != 0) {
		ad_error("%s: the checkpoint was made with other settings or data\n"
		         "  checkpoint: %s\n  this run:   %s", path, fp, T->fingerprint);
		goto out;
	}
	if (!(cm = mf_get_model(&r, NULL, NULL)))
		goto out;
	if (model_ntensors(cm) != T->nt) {
		ad_error("%s: the checkpoint's model does not match", path);
		goto out;
	}
	for (int i = 0; i < T->nt; i++) {
		ModelTensor a = model_tensor(cm, i), b = model_tensor(T->m, i);
		if (a.n != b.n || strcmp(a.name, b.name)) {
			ad_error("%s: the checkpoint's model does not match", path);
			goto out;
		}
		memcpy(b.data, a.data, a.n * sizeof(float));
	}
	model_set_phase(T->m, model_phase(cm));
	if (mf_get_u32(&r, &e, "epoch") || mf_get_u32(&r, &bn, "batch"))
		goto out;
	if (e > INT32_MAX || bn > INT32_MAX) {
		ad_error("%s: bad epoch or batch number", path);
		goto out;
	}
	T->epoch = (int)e;
	T->batch_next = (int)bn;
	for (int i = 0; i < 4; i++)
		if (mf_get_u64(&r, &T->shuf_epoch.s[i], "RNG state"))
			goto out;
	adam_reset(T);     /* over the tensors of the checkpoint's phase */
	if (mf_get_u64(&r, &t, "optimiser step") || mf_get_u32(&r, &u, "optimiser tensors"))
		goto out;
	adam_set_t(T->opt, (long)t);
	if ((int)u != adam_nstate(T->opt)) {
		ad_error("%s: optimiser state for %lu tensors, expected %d", path,
		         (unsigned long)u, adam_nstate(T->opt));
		goto out;
	}
	for (int i = 0; i < adam_nstate(T->opt); i++) {
		float *am, *av;
		size_t n;
		uint64_t cnt;
		const char *nm = adam_state(T->opt, i, &am, &av, &n);
		if (mf_get_str(&r, &name, MF_MAX_NAME, "optimiser tensor name") ||
		    mf_get_u64(&r, &cnt, "optimiser tensor size"))
			goto out;
		if (strcmp(name, nm) || cnt != n) {
			ad_error("%s: optimiser state '%s' does not match '%s'", path, name, nm);
			goto out;
		}
		free(name);
		name = NULL;
		if (mf_get_f32s(&r, am, n, nm) || mf_get_f32s(&r, av, n, nm))
			goto out;
	}
	if (get_loss_state(&r, T->loss))
		goto out;
	if (mf_get_u32(&r, &u, "best flag"))
		goto out;
	T->has_best = u != 0;
	if (T->has_best && !T->tc->val) {   /* T->best is only allocated with a validation set */
		ad_error("%s: the checkpoint holds a best model but the run has no validation set",
		         path);
		goto out;
	}
	if (mf_get_u32(&r, &u, "best epoch") || mf_get_f64(&r, &T->best_val, "best loss"))
		goto out;
	T->best_epoch = (int)u;
	if (T->has_best)
		for (int i = 0; i < T->nt; i++)
			if (mf_get_f32s(&r, T->best[i], model_tensor(T->m, i).n, "best tensors"))
				goto out;
	if (get_acc(&r, &T->acc))
		goto out;
	if (r.off != r.n) {
		ad_error("%s: unexpected bytes at the end", path);
		goto out;
	}
	rc = 0;
out:
	free(fp);
	free(name);
	model_free(cm);
	mf_rd_free(&r);
	return rc;
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
}

static int run_batch(Trainer *T, int b, int nb, int *bad)
{
	const TrainConfig *tc = T->tc;
	int dim = T->d->info.dim;
	int pretrain = model_phase(T->m) == PHASE_PRETRAIN && is_dsvdd(T);
	Loss *loss = pretrain ? T->loss_pre : T->loss;
	double L;
	for (int i = 0; i < nb; i++) {
		long r = T->perm[(size_t)b * tc->batch + i];
		adv_row(T->d, r, T->x + (size_t)i * dim);
		T->lab[i] = T->d->label[r];
	}
	if (model_forward(T->m, T->x, nb, 1)) {
		*bad = strstr(ad_errmsg(), "not finite") != NULL;
		return -1;
	}
	model_scores(T->m, nb, tc->loss.score_mean, T->s);
	for (int i = 0; i < nb; i++)
		if (!isfinite(T->s[i])) {
			*bad = 1;
			return ad_error("the score is not finite (NaN or Inf)");
		}
	if (T->wg && !pretrain) {
		if (weigh_batch(T->wg, T->lab, T->s, nb, T->alpha, T->w, T->z))
			return -1;
	} else {
		loss_weights(loss, T->s, nb, T->w, T->alpha, T->z);
	}
	L = loss_eval(loss, T->epoch + 1 - (pretrain ? 0 : T->pre), model_out(T->m),
	              model_target(T->m), T->s, T->w, T->alpha, nb, T->dout, T->rej);
	L += model_aux_loss(T->m);
	if (!isfinite(L)) {
		*bad = 1;
		return ad_error("the loss is not finite (NaN or Inf)");
	}
	model_zero_grad(T->m);
	model_backward(T->m, T->dout, nb);
	adam_step(T->opt);
	loss_step(loss, (float)tc->lr);
	acc_batch(T, &T->acc, L, nb);
	if (tc->trace && tc->trace_batches) {
		Acc one;
		acc_reset(&one);
		acc_batch(T, &one, L, nb);
		trace_row(T, &one, b + 1, NAN, NAN);
	}
	return 0;
}

static void progress(Trainer *T, int b, int nbatch, int done)
{
	int main_phase = model_phase(T->m) == PHASE_MAIN || !is_dsvdd(T);
	fprintf(stderr, "\r%s epoch %d/%d batch %d/%d loss %.6g   ", main_phase ? "" : "pretrain",
	        T->epoch + 1 - (main_phase ? T->pre : 0), main_phase ? T->tc->epochs : T->pre,
	        b, nbatch, T->acc.nb ? T->acc.loss / T->acc.nb : NAN);
	if (done)
		fputc('\n', stderr);
	fflush(stderr);
}

static int run_epochs(Trainer *T, TrainResult *res)
{
	const TrainConfig *tc = T->tc;
	long n = T->d->n;
	/* a last batch of a single row is left out (batch-norm and the batch
	 * statistics need two); the row left out changes with every shuffle */
	long used = n > 1 && n % tc->batch == 1 ? n - 1 : n;
	int nbatch = (int)((used + tc->batch - 1) / tc->batch);
	for (; T->epoch < T->total; T->epoch++) {
		int first_batch = T->batch_next;
		double val = NAN, auc = NAN;
		int main_epoch;
		if (is_dsvdd(T) && model_phase(T->m) == PHASE_PRETRAIN && T->epoch >= T->pre) {
			model_set_phase(T->m, PHASE_MAIN);
			if (init_center(T->m, T->d))
				return -1;
			adam_reset(T);
		}
		if (first_batch == 0) {
			T->shuf_epoch = T->shuf;
			acc_reset(&T->acc);
		} else {
			T->shuf = T->shuf_epoch;
		}
		for (long i = 0; i < n; i++)
			T->perm[i] = (int)i;
		rng_shuffle(&T->shuf, T->perm, (size_t)n);
		for (int b = first_batch; b < nbatch; b++) {
			long left = used - (long)b * tc->batch;
			int nb = (int)(left < tc->batch ? left : tc->batch);
			int bad = 0;
			if (run_batch(T, b, nb, &bad)) {
				int me = T->epoch + 1 - (model_phase(T->m) == PHASE_MAIN ? T->pre : 0);
				if (bad)
					return ad_error("%sepoch %d, batch %d: %s; try a smaller learning "
					                "rate (-r)",
					                model_phase(T->m) == PHASE_PRETRAIN && is_dsvdd(T)
					                    ? "pretraining " : "", me, b + 1, ad_errmsg());
				return ad_error("epoch %d, batch %d: %s", me, b + 1, ad_errmsg());
			}
			T->batch_next = b + 1;
			if (tc->progress)
				progress(T, b + 1, nbatch, 0);
			if (tc->stop && *tc->stop && !(b + 1 == nbatch)) {
				res->interrupted = 1;
				return 1;
			}
		}
		T->batch_next = 0;
		main_epoch = T->epoch + 1 - T->pre;
		if (model_phase(T->m) == PHASE_MAIN || !is_dsvdd(T)) {
			if (tc->val) {
				if (val_loss(T, &val))
					return -1;
				if (!T->has_best || val < T->best_val) {
					T->has_best = 1;
					T->best_val = val;
					T->best_epoch = main_epoch;
					copy_tensors(T, T->best, 0);
				}
			}
			if (tc->eval && main_epoch % tc->eval_every == 0) {
				if (eval_auroc(T, &auc))
					return -1;
				if (!tc->trace)
					fprintf(stderr, "%sepoch %d: eval AUROC %.4f\n", tc->progress ? "\n" : "",
					        main_epoch, auc);
			}
		}
		res->last_loss = T->acc.nb ? T->acc.loss / T->acc.nb : NAN;
		if (tc->trace) {
			trace_row(T, &T->acc, 0, val, auc);
			if (fflush(tc->trace) != 0 || ferror(tc->trace))
				return ad_error("trace: write error");
		}
		if (tc->progress)
			progress(T, nbatch, nbatch, 1);
		res->epochs_done = T->epoch + 1;
		if (tc->checkpoint && (T->epoch + 1) % tc->checkpoint_every == 0 &&
		    !(tc->stop && *tc->stop)) {
			T->epoch++;            /* the checkpoint resumes at the next epoch */
			T->shuf_epoch = T->shuf;
			acc_reset(&T->acc);
			if (save_checkpoint(T)) {
				T->epoch--;
				return -1;
			}
			T->epoch--;
		}
		if (tc->stop && *tc->stop && T->epoch + 1 < T->total) {
			T->epoch++;
			T->shuf_epoch = T->shuf;
			acc_reset(&T->acc);
			res->interrupted = 1;
			return 1;
		}
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
	B = tc->batch;
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
	for (long i = 0; i < d->n; i++)
		if (d->label[i] != 0)
			T.any_anom = 1;
	T.fingerprint = make_fingerprint(tc, d, m);
	rng_seed2(&T.shuf, tc->seed, 1);
	acc_reset(&T.acc);
	adam_reset(&T);
	if (tc->resume) {
		if (load_checkpoint(&T, tc->resume)) {
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
		trace_header(&T);
	if (tc->weigh && !(T.wg = weigh_start(tc->weigh))) {
		trainer_free(&T);
		return -1;
	}
	if (T.wg && tc->stop)
		weigh_set_stop(T.wg, tc->stop);
	rc = run_epochs(&T, res);
	if (rc == 0 && is_dsvdd(&T) && model_phase(m) == PHASE_PRETRAIN) {
		/* no main epoch (-n 0): still give the model its centre */
		model_set_phase(m, PHASE_MAIN);
		if (init_center(m, d))
			rc = -1;
	}
	if (rc == 1 && tc->checkpoint) {
		if (save_checkpoint(&T))
			rc = -1;
	}
	if (T.wg) {
		char keep[1024];
		snprintf(keep, sizeof keep, "%s", ad_errmsg());
		if (weigh_close(T.wg, rc != 0) && rc == 0)
			rc = -1;
		else if (rc != 0)
			ad_error("%s", keep);
	}
	if (rc == 0 && T.has_best) {
		copy_tensors(&T, T.best, 1);
		res->best_epoch = T.best_epoch;
		res->best_val = T.best_val;
	}
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
	if (kind == LOSS_HETERO || kind == LOSS_MSE || kind == LOSS_HUBER)
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
	if (res->best_epoch)
		PUT("best_epoch=%d\nval_loss=%.17g\n", res->best_epoch, res->best_val);
#undef PUT
}
