/* loss.c: see loss.h. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")   /* vectorises the gradient rows; sums keep their order */
#endif
#include "loss.h"
#include "aar.h"
#include "clones.h"
#include "ga.h"
#include "optim.h"
#include "pool.h"
#include "stats.h"
#include "util.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GA_ALPHA_LO 0.001
#define GA_ALPHA_HI 1.999
#define GA_SCALE_LO 1e-5
#define GA_SCALE_INIT 1.0
#define LOG_E_MINUS_1 0.54132485461291810   /* log(e - 1): softplus(0 + it) = 1 */

struct Loss {
	LossConfig cfg;
	int D, max_batch;
	double *scratch;     /* max_batch */
	double *g;           /* dL/ds, max_batch */
	int *idx;            /* LOE ordering, max_batch */
	/* ga */
	float *theta_a, *theta_c, *grad_a, *grad_c, *m_a, *v_a, *m_c, *v_c;
	long t;
	double *alpha_j, *scale_j, *dlogz_j;
	double *rho;            /* the batch's rho per element, max_batch x D */
	/* aar */
	double *aar_scratch;    /* 3 max_batch */
	AarInfo aar;
	int aar_valid;
};

static const char *kind_names[] = { "mse", "huber", "ga", "loe", "hetero" };

void loss_config_defaults(LossConfig *c, int kind)
{
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->score_mean = 0;
	c->q = kind == LOSS_HETERO ? AD_Q_DEFAULT : 1.0;
	c->ts = kind == LOSS_HETERO ? AD_TS_DEFAULT : 1.0;
	c->alpha_r = AD_ALPHA_R_DEFAULT;
	c->c = LOSS_C_DEFAULT;
	c->loe_ratio = 0.1;
	c->loe_warmup = 2;
	c->loe_hard = 0;
	c->reject = LOSS_REJECT_QUANTILE;
	c->aar_tau = AAR_TAU;
	c->aar_guard = AAR_GUARD;
	c->aar_warmup = 1;
}

int loss_kind_parse(const char *s)
{
	for (int i = 0; i < (int)(sizeof kind_names / sizeof *kind_names); i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

const char *loss_kind_name(int kind)
{
	if (kind < 0 || kind >= (int)(sizeof kind_names / sizeof *kind_names))
		return "?";
	return kind_names[kind];
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double softplus(double x) { return x > 30 ? x : log1p(exp(x)); }

static void ga_update_params(Loss *l)
{
	for (int j = 0; j < l->D; j++) {
		double sa = sigmoid(l->theta_a[j]);
		l->alpha_j[j] = GA_ALPHA_LO + (GA_ALPHA_HI - GA_ALPHA_LO) * sa;
		l->scale_j[j] = (GA_SCALE_INIT - GA_SCALE_LO) *
			softplus((double)l->theta_c[j] + LOG_E_MINUS_1) + GA_SCALE_LO;
		l->dlogz_j[j] = ga_dlogz(l->alpha_j[j]);
	}
}

Loss *loss_new(const LossConfig *cfg, int D, int max_batch)
{
	Loss *l;
	if (D <= 0 || max_batch <= 0) {
		ad_error("loss: bad sizes D = %d, batch = %d", D, max_batch);
		return NULL;
	}
	l = ad_xcalloc(1, sizeof *l);
	l->cfg = *cfg;
	l->D = D;
	l->max_batch = max_batch;
	l->scratch = ad_xmalloc(ad_mul((size_t)max_batch, sizeof(double)));
	l->g = ad_xmalloc(ad_mul((size_t)max_batch, sizeof(double)));
	l->idx = ad_xmalloc(ad_mul((size_t)max_batch, sizeof(int)));
	if (cfg->reject == LOSS_REJECT_AAR)
		l->aar_scratch = ad_xmalloc(ad_mul(3 * (size_t)max_batch, sizeof(double)));
	if (cfg->kind == LOSS_GA) {
		size_t n = (size_t)D;
		float **fs[] = { &l->theta_a, &l->theta_c, &l->grad_a, &l->grad_c,
		                 &l->m_a, &l->v_a, &l->m_c, &l->v_c };
		for (size_t k = 0; k < sizeof fs / sizeof *fs; k++)
			*fs[k] = ad_xcalloc(n, sizeof(float));
		/* theta_a = 0: alpha = (lo + hi)/2 = 1; theta_c = 0: scale = 1 */
		l->alpha_j = ad_xmalloc(n * sizeof(double));
		l->scale_j = ad_xmalloc(n * sizeof(double));
		l->dlogz_j = ad_xmalloc(n * sizeof(double));
		l->rho = ad_xmalloc(ad_mul(ad_mul((size_t)max_batch, n), sizeof(double)));
		ga_update_params(l);
	}
	return l;
}

void loss_free(Loss *l)
{
	if (!l)
		return;
	free(l->scratch); free(l->g); free(l->idx); free(l->aar_scratch);
	free(l->theta_a); free(l->theta_c); free(l->grad_a); free(l->grad_c);
	free(l->m_a); free(l->v_a); free(l->m_c); free(l->v_c);
	free(l->alpha_j); free(l->scale_j); free(l->dlogz_j); free(l->rho);
	free(l);
}

const LossConfig *loss_config(const Loss *l) { return &l->cfg; }

void loss_weights(Loss *l, const double *s, int B, double *w, double *alpha, double *z)
{
	loss_weights_at(l, INT_MAX, s, B, w, alpha, z);
}

/* aar weights (the hetero shapes, if any, are already in alpha) */
static void aar_weights(Loss *l, int epoch, const double *s, int B, double *w)
{
	const LossConfig *c = &l->cfg;
	AarConfig ac;
	aar_config_defaults(&ac);
	ac.tau = c->aar_tau;
	ac.guard = c->aar_guard;
	ac.ts = c->ts;
	aar_batch(s, (size_t)B, &ac, epoch <= c->aar_warmup, w, &l->aar, l->aar_scratch);
	l->aar_valid = 1;
}

void loss_weights_at(Loss *l, int epoch, const double *s, int B, double *w, double *alpha,
                     double *z)
{
	const LossConfig *c = &l->cfg;
	size_t n = (size_t)B;
	int aar = c->reject == LOSS_REJECT_AAR &&
	          (c->kind == LOSS_MSE || c->kind == LOSS_HUBER || c->kind == LOSS_HETERO);
	if (c->kind == LOSS_HETERO && !aar) {
		hetero_batch(s, n, c->q, c->ts, c->alpha_r, z, alpha, w, l->scratch);
		return;
	}
	modz_batch(s, n, z, l->scratch);
	if (c->kind == LOSS_HETERO)
		alpha_batch(z, n, c->alpha_r, AD_ZFLOOR, alpha);
	else
		for (int i = 0; i < B; i++)
			alpha[i] = 2.0;
	if (aar)
		aar_weights(l, epoch, s, B, w);
	else if (c->kind == LOSS_MSE || c->kind == LOSS_HUBER)
		reject_batch(s, n, c->q, c->ts, w, l->scratch);
	else
		for (int i = 0; i < B; i++)
			w[i] = 1.0;
}

int loss_aar_info(const Loss *l, double *t_hard, double *t_soft, double *contam)
{
	if (!l->aar_valid) {
		*t_hard = *t_soft = *contam = NAN;
		return -1;
	}
	*t_hard = l->aar.t_hard;
	*t_soft = l->aar.t_soft;
	*contam = l->aar.contam;
	return 0;
}

/* LOE: order by s (L_n - L_a is increasing in s), ties by index. */
static void loe_order(Loss *l, const double *s, int B)
{
	/* insertion sort: deterministic and free of global state */
	int *idx = l->idx;
	for (int i = 0; i < B; i++) {
		int k = i;
		while (k > 0 && (s[idx[k - 1]] > s[i] ||
		                 (s[idx[k - 1]] == s[i] && idx[k - 1] > i))) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
	}
}

/* dL/ds_i into l->g and the loss value; per-sample score losses. */
static double score_loss(Loss *l, int epoch, const double *s, const double *w,
                         const double *alpha, int B, int *rej)
{
	const LossConfig *c = &l->cfg;
	double *g = l->g, sum = 0;
	int i;
	if (rej)
		for (i = 0; i < B; i++)
			rej[i] = w[i] < 1.0;
	switch (c->kind) {
	case LOSS_MSE:
		for (i = 0; i < B; i++) {
			sum += w[i] * s[i];
			g[i] = w[i] / B;
		}
		return sum / B;
	case LOSS_HUBER:
		for (i = 0; i < B; i++) {
			sum += w[i] * ga_rho(s[i], 1.0, c->c);
			g[i] = w[i] * ga_drho_ds(s[i], 1.0, c->c) / B;
		}
		return sum / B;
	case LOSS_HETERO:
		for (i = 0; i < B; i++) {
			sum += w[i] * ga_rho(s[i], alpha[i], c->c);
			g[i] = w[i] * ga_drho_ds(s[i], alpha[i], c->c) / B;
		}
		return sum / B;
	case LOSS_LOE: {
		long n_norm, n_anom, kept;
		if (rej)
			for (i = 0; i < B; i++)
				rej[i] = 0;
		if (epoch <= c->loe_warmup) {
			for (i = 0; i < B; i++) {
				sum += s[i];
				g[i] = 1.0 / B;
			}
			return sum / B;
		}
		n_norm = (long)floor(B * (1.0 - c->loe_ratio));
		n_anom = (long)floor(B * c->loe_ratio);
		kept = n_norm + n_anom;
		if (kept > B)   /* cannot happen for ratio in [0, 1]; be safe */
			n_norm = B - n_anom, kept = B;
		loe_order(l, s, B);
		for (i = 0; i < B; i++)
			g[i] = 0;
		for (long k = 0; k < n_norm; k++) {
			int j = l->idx[k];
			sum += s[j];
			g[j] = 1.0 / kept;
		}
		for (long k = B - n_anom; k < B; k++) {
			int j = l->idx[k];
			double e = s[j] + LOSS_LOE_EPS;
			double la = 1.0 / e, dla = -1.0 / (e * e);
			if (c->loe_hard) {
				sum += la;
				g[j] = dla / kept;
			} else {
				sum += 0.5 * s[j] + 0.5 * la;
				g[j] = (0.5 + 0.5 * dla) / kept;
			}
			if (rej)
				rej[j] = 1;
		}
		return kept > 0 ? sum / kept : 0.0;
	}
	}
	return NAN;
}

/* ga: per element NLL on the residuals, gradient for out and for the parameters.
 * Dimension j's elements, its dL/d(out) and its parameters' gradients are one
 * task's (GA_COLS dimensions a task); the rho of every element goes to l->rho
 * and is summed afterwards in the order of one thread: j, then i. */
#define GA_COLS 4

typedef struct {
	Loss *l;
	const float *out, *target;
	float *dout;
	int B;
	double scale;
} GaJob;

static void ga_task(void *ctx, int task, int tid)
{
	const GaJob *jb = ctx;
	Loss *l = jb->l;
	int D = l->D, B = jb->B, end = nn_task_end(task, GA_COLS, D);
	double scale = jb->scale;
	(void)tid;
	for (int j = task * GA_COLS; j < end; j++) {
		double ga = 0, gc = 0;
		double a = l->alpha_j[j], cj = l->scale_j[j];
		for (int i = 0; i < B; i++) {
			size_t k = (size_t)i * D + j;
			double r = (double)jb->out[k] - (double)jb->target[k];
			GaTerms t;
			ga_terms(r * r, a, cj, &t);
			l->rho[k] = t.rho;
			jb->dout[k] = (float)(t.ds * 2.0 * r * scale / B);
			ga += t.dalpha;
			gc += t.dc;
		}
		/* mean over B of (sum or mean over j) of NLL */
		ga = (ga / B + l->dlogz_j[j]) * scale;
		gc = (gc / B + 1.0 / cj) * scale;
		{
			double sa = sigmoid(l->theta_a[j]);
			double sc = sigmoid((double)l->theta_c[j] + LOG_E_MINUS_1);
			l->grad_a[j] += (float)(ga * (GA_ALPHA_HI - GA_ALPHA_LO) * sa * (1 - sa));
			l->grad_c[j] += (float)(gc * (GA_SCALE_INIT - GA_SCALE_LO) * sc);
		}
	}
}

static double ga_loss(Loss *l, const float *out, const float *target, int B, float *dout)
{
	int D = l->D;
	double scale = l->cfg.score_mean ? 1.0 / D : 1.0;
	double sum = 0;
	double konst = 0;
	for (int j = 0; j < D; j++)
		konst += log(l->scale_j[j]) + ga_logz(l->alpha_j[j]);
	GaJob jb = { l, out, target, dout, B, scale };
	nn_parallel(nn_ntasks(D, GA_COLS), ga_task, &jb);
	for (int j = 0; j < D; j++)
		for (int i = 0; i < B; i++)
			sum += l->rho[(size_t)i * D + j];
	return (sum / B + konst) * scale;
}

/* The score losses' dL/d(out) from dL/ds (s = sum_j (out_j - target_j)^2, or
 * the mean): row i is 2 dL/ds_i (out_i - target_i) [/ D], in tasks of
 * GRAD_ROWS rows, each value the same expression on whichever worker. */
#define GRAD_ROWS 8

typedef struct {
	const Loss *l;
	const float *out, *target;
	float *dout;
	int B;
} GradJob;

AD_CLONES
static void grad_row(float *restrict d, const float *restrict o, const float *restrict t,
                     int D, double f)
{
	for (int j = 0; j < D; j++)
		d[j] = (float)(f * ((double)o[j] - (double)t[j]));
}

static void grad_task(void *ctx, int task, int tid)
{
	const GradJob *j = ctx;
	int D = j->l->D, end = nn_task_end(task, GRAD_ROWS, j->B);
	(void)tid;
	for (int i = task * GRAD_ROWS; i < end; i++) {
		size_t o = (size_t)i * D;
		grad_row(j->dout + o, j->out + o, j->target + o, D,
		         2.0 * j->l->g[i] / (j->l->cfg.score_mean ? D : 1));
	}
}

double loss_eval(Loss *l, int epoch, const float *out, const float *target,
                 const double *s, const double *w, const double *alpha, int B,
                 float *dout, int *rej)
{
	double L;
	if (l->cfg.kind == LOSS_GA) {
		if (rej)
			for (int i = 0; i < B; i++)
				rej[i] = 0;
		return ga_loss(l, out, target, B, dout);
	}
	L = score_loss(l, epoch, s, w, alpha, B, rej);
	GradJob j = { l, out, target, dout, B };
	nn_parallel_work(nn_ntasks(B, GRAD_ROWS), (size_t)B * l->D, grad_task, &j);
	return L;
}

void loss_step(Loss *l, float lr)
{
	size_t n = (size_t)l->D;
	if (l->cfg.kind != LOSS_GA)
		return;
	l->t++;
	adam_update(l->theta_a, l->grad_a, l->m_a, l->v_a, n, lr, 0.0f, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, l->t);
	adam_update(l->theta_c, l->grad_c, l->m_c, l->v_c, n, lr, 0.0f, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, l->t);
	memset(l->grad_a, 0, n * sizeof(float));
	memset(l->grad_c, 0, n * sizeof(float));
	ga_update_params(l);
}

void loss_sync(Loss *l)
{
	if (l->cfg.kind == LOSS_GA)
		ga_update_params(l);
}

LossState loss_state(Loss *l)
{
	LossState st;
	memset(&st, 0, sizeof st);
	if (l->cfg.kind != LOSS_GA)
		return st;
	st.n = (size_t)l->D;
	st.theta_a = l->theta_a; st.theta_c = l->theta_c;
	st.grad_a = l->grad_a; st.grad_c = l->grad_c;
	st.m_a = l->m_a; st.v_a = l->v_a; st.m_c = l->m_c; st.v_c = l->v_c;
	st.t = &l->t;
	return st;
}

void loss_ga_params(const Loss *l, double *alpha, double *scale)
{
	for (int j = 0; l->cfg.kind == LOSS_GA && j < l->D; j++) {
		alpha[j] = l->alpha_j[j];
		scale[j] = l->scale_j[j];
	}
}

double loss_val_batch(const double *s, int B, double *scratch)
{
	double med, sum = 0;
	if (B <= 0)
		return 0;
	med = ad_median(s, (size_t)B, scratch);
	for (int i = 0; i < B; i++)
		if (s[i] <= med)
			sum += s[i];
	return sum;
}
