/* checkpoint.c: the checkpoint file of ad-train (trainer.h; format "ADPC", the
 * modelfile.h containers).  It holds everything the loop needs to continue bit for
 * bit: the settings fingerprint, the model, the position, Adam and loss state, the
 * best-validation tensors and the epoch's trace accumulators. */
#include "trainer.h"
#include "modelfile.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_VERSION 3     /* 2: the trace state holds the adaptive rejection sums;
                              3: the rows' rejection weights follow (2 is read too) */
#define CKPT_FINGERPRINT_MAX 1024   /* bytes of the settings line, with its NUL */

char *ckpt_fingerprint(const TrainConfig *tc, const AdvData *d, Model *m)
{
	char buf[CKPT_FINGERPRINT_MAX];
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
	if (l->reject == LOSS_REJECT_AAR) {
		size_t k = strlen(buf);
		snprintf(buf + k, sizeof buf - k, " reject=aar aar_tau=%.17g aar_guard=%.17g "
		         "aar_warmup=%d", l->aar_tau, l->aar_guard, l->aar_warmup);
	}
	/* the lock-in remedy (ad-train -m, -x), only when set: the checkpoints of
	 * runs without it keep their key */
	if (tc->warmup || tc->reject_stat == TRAIN_STAT_RESID) {
		size_t k = strlen(buf);
		snprintf(buf + k, sizeof buf - k, " warmup=%d reject_stat=%s resid_epochs=%d",
		         tc->warmup, tc->reject_stat == TRAIN_STAT_RESID ? "resid" : "score",
		         tc->reject_stat == TRAIN_STAT_RESID ? tc->resid_epochs : 0);
	}
	return ad_xstrdup(buf);
}

static void put_acc(MfBuf *b, const TrainAcc *a)
{
	double dv[] = { a->loss, a->zsum, a->zmax, a->amin, a->asum, a->th, a->tsf, a->ct };
	long lv[] = { a->nb, a->zn, a->rows, a->rej, a->anom, a->rej_anom, a->tn };
	for (size_t i = 0; i < sizeof dv / sizeof *dv; i++)
		mf_put_f64(b, dv[i]);
	for (size_t i = 0; i < sizeof lv / sizeof *lv; i++)
		mf_put_u64(b, (uint64_t)lv[i]);
}

static int get_acc(MfRd *r, TrainAcc *a)
{
	double *dv[] = { &a->loss, &a->zsum, &a->zmax, &a->amin, &a->asum, &a->th, &a->tsf,
	                 &a->ct };
	long *lv[] = { &a->nb, &a->zn, &a->rows, &a->rej, &a->anom, &a->rej_anom, &a->tn };
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

int ckpt_save(Trainer *T, int epoch, int batch_next, const Rng *epoch_rng,
              const TrainAcc *acc)
{
	MfBuf b = { 0 };
	int rc;
	mf_put_bytes(&b, "ADPC", 4);
	mf_put_u32(&b, CKPT_VERSION);
	mf_put_str(&b, T->fingerprint);
	mf_put_model(&b, T->m, T->tc->loss.score_mean, "");
	mf_put_u32(&b, (uint32_t)epoch);
	mf_put_u32(&b, (uint32_t)batch_next);
	for (int i = 0; i < 4; i++)
		mf_put_u64(&b, epoch_rng->s[i]);
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
	put_acc(&b, acc);
	/* the rows' weights: of the epoch to resume (of the finished one at an
	 * epoch's end), then of the best epoch */
	for (long i = 0; i < T->d->n; i++)
		mf_put_f64(&b, T->roww[i]);
	if (T->has_best)
		for (long i = 0; i < T->d->n; i++)
			mf_put_f64(&b, T->bestw[i]);
	rc = mf_write_atomic(T->tc->checkpoint, &b);
	mf_free(&b);
	return rc;
}

/* The model part: the checkpoint's tensors into T->m (same names and sizes), and
 * its phase. */
static int get_model(Trainer *T, MfRd *r, const char *path)
{
	Model *cm = mf_get_model(r, NULL, NULL);
	int rc = 0;
	if (!cm)
		return -1;
	if (model_ntensors(cm) != T->nt)
		rc = ad_error("%s: the checkpoint's model does not match", path);
	for (int i = 0; i < T->nt && rc == 0; i++) {
		ModelTensor a = model_tensor(cm, i), b = model_tensor(T->m, i);
		if (a.n != b.n || strcmp(a.name, b.name))
			rc = ad_error("%s: the checkpoint's model does not match", path);
		else
			memcpy(b.data, a.data, a.n * sizeof(float));
	}
	if (rc == 0)
		model_set_phase(T->m, model_phase(cm));
	model_free(cm);
	return rc;
}

/* Adam: a new optimiser over the tensors of the checkpoint's phase, then its
 * step count and the moments of each tensor (names and sizes must match). */
static int get_adam(Trainer *T, MfRd *r, const char *path)
{
	uint64_t t;
	uint32_t u;
	trainer_adam_reset(T);
	if (mf_get_u64(r, &t, "optimiser step") || mf_get_u32(r, &u, "optimiser tensors"))
		return -1;
	adam_set_t(T->opt, (long)t);
	if ((int)u != adam_nstate(T->opt))
		return ad_error("%s: optimiser state for %lu tensors, expected %d", path,
		                (unsigned long)u, adam_nstate(T->opt));
	for (int i = 0; i < adam_nstate(T->opt); i++) {
		float *am, *av;
		size_t n;
		uint64_t cnt;
		char *name = NULL;
		const char *nm = adam_state(T->opt, i, &am, &av, &n);
		int ok;
		if (mf_get_str(r, &name, MF_MAX_NAME, "optimiser tensor name"))
			return -1;
		ok = mf_get_u64(r, &cnt, "optimiser tensor size") == 0;
		if (ok && (strcmp(name, nm) || cnt != n)) {
			ad_error("%s: optimiser state '%s' does not match '%s'", path, name, nm);
			ok = 0;
		}
		free(name);
		if (!ok || mf_get_f32s(r, am, n, nm) || mf_get_f32s(r, av, n, nm))
			return -1;
	}
	return 0;
}

int ckpt_load(Trainer *T, const char *path)
{
	MfRd r;
	char *fp = NULL;
	uint32_t u, e, bn, version;
	int rc = -1;
	if (mf_read_file_versions(path, "ADPC", 2, CKPT_VERSION, &r, &version))
		return -1;
	if (mf_get_str(&r, &fp, 4096, "settings"))
		goto out;
	if (strcmp(fp, T->fingerprint) != 0) {
		ad_error("%s: the checkpoint was made with other settings or data\n"
		         "  checkpoint: %s\n  this run:   %s", path, fp, T->fingerprint);
		goto out;
	}
	if (get_model(T, &r, path))
		goto out;
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
	if (get_adam(T, &r, path) || get_loss_state(&r, T->loss))
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
	/* version 2 has no weights: the rows weighed before the resume count 1 */
	for (long i = 0; version >= 3 && i < T->d->n; i++)
		if (mf_get_f64(&r, &T->roww[i], "row weights"))
			goto out;
	for (long i = 0; version >= 3 && T->has_best && i < T->d->n; i++)
		if (mf_get_f64(&r, &T->bestw[i], "best row weights"))
			goto out;
	for (long i = 0; i < T->d->n; i++)
		if (!(T->roww[i] >= 0 && T->roww[i] < HUGE_VAL) ||
		    (T->has_best && !(T->bestw[i] >= 0 && T->bestw[i] < HUGE_VAL))) {
			ad_error("%s: a row weight is negative or not finite", path);
			goto out;
		}
	if (r.off != r.n) {
		ad_error("%s: unexpected bytes at the end", path);
		goto out;
	}
	rc = 0;
out:
	free(fp);
	mf_rd_free(&r);
	return rc;
}
