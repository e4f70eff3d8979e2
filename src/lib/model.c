/* model.c: AE, MemAE and Deep SVDD behind model.h.
 *
 * Architectures (PyTorch-equivalent layer shapes, padding and default init):
 *  AE/MemAE "conv:c1-c2-..": encoder per level conv k3 s2 p1 -> BN2d -> LeakyReLU;
 *    decoder mirrors it with ConvTranspose2d k3 s2 p1, output_padding chosen so the
 *    sizes invert exactly, BN + activation after every decoder layer but the last.
 *  AE/MemAE "mlp:h1-h2-..": Linear -> BN1d -> activation per encoder layer and per
 *    decoder layer, then a final Linear back to dim.
 *  MemAE: the memory module (memae.h) between encoder and decoder.
 *  DSVDD "lenet[:c1-c2-..]": per level conv k5 p2 -> BN2d(no affine, eps 1e-4) ->
 *    LeakyReLU -> max-pool, then Linear to rep_dim; no bias anywhere.  Pretraining
 *    decoder (Ruff et al.): view rep_dim/16 x 4 x 4 -> LeakyReLU -> nearest x2 up
 *    until the size reaches the pooled size, ConvTranspose k5 -> BN -> LeakyReLU,
 *    then per level: up x2, ConvTranspose k5 (padding set so the size matches the
 *    encoder's) -> BN -> LeakyReLU, the last one -> sigmoid.
 *  AE/MemAE arch + "+sigmoid" (e.g. "conv:16-32-64+sigmoid"): a sigmoid on the output.
 *  DSVDD "mlp:h1-..-rep": bias-free Linear -> BN1d(no affine, eps 1e-4) -> activation,
 *    the last Linear gives the embedding; the decoder mirrors it (final Linear, no
 *    activation).
 * Tensor names: "<enc|dec>.<i>.<conv|convt|linear|bn>.<weight|bias|running_mean|
 * running_var>" (i counts the levels of each half), "mem.weight", "center"; weight
 * layouts as torch (Linear [out][in], Conv2d [cout][cin][k][k], ConvTranspose2d
 * [cin][cout][k][k]), so a state dict maps one to one.  Input rows are C x H x W in
 * torch's order. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")   /* vectorises the row loops; sums keep their order */
#endif
#include "model.h"
#include "clones.h"
#include "memae.h"
#include "nn.h"
#include "util.h"
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEV 16
/* batch-norm epsilon: torch's default for the AE and MemAE, 1e-4 (no affine) in
 * Ruff et al.'s Deep SVDD networks */
#define BN_EPS_AE    1e-5f
#define BN_EPS_DSVDD 1e-4f

typedef struct {
	char name[64];
	float *data, *grad;
	size_t n;
	int decay;
	int part;        /* 0 encoder, 1 decoder, 2 memory, 3 centre */
} Entry;

struct Model {
	ModelConfig cfg;
	int is_conv;             /* input kept as [C][B][H*W] (else [dim][B]) */
	int C, S;                /* input layout */
	Seq enc, dec;
	NnWork work;             /* the layers' scratch, shared by enc and dec */
	int has_mem;
	Mem mem;
	float *center;
	int phase;
	int B, maxB, out_dim;
	float *xin, *out, *target, *dbuf, *dz, *dh;
	/* the last forward's outputs and targets, rows of out_dim: m->out and
	 * m->target, or, where the layout allows (rows_in_place()), the decoder's
	 * output and the caller's x themselves */
	const float *outp, *tgtp;
	float *ev;               /* evaluation passes' buffers, per worker (eval_task()) */
	size_t nev;
	SgemmWork *evg;          /* their sgemm scratch, per worker */
	int nevg;
	Entry *t;
	int nt;
};

void model_config_defaults(ModelConfig *cfg, int kind)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->kind = kind;
	cfg->slope = kind == MODEL_DSVDD ? 0.01f : 0.2f;
	cfg->mem_slots = 100;
	cfg->shrink = -1;  /* 1/mem_slots, resolved by model_new() */
	cfg->entropy_weight = 0.0002f;
	cfg->rep_dim = 0;  /* 0: 32 for 1-channel images, 128 for more channels */
}

int model_kind_parse(const char *s)
{
	if (!strcmp(s, "ae")) return MODEL_AE;
	if (!strcmp(s, "memae")) return MODEL_MEMAE;
	if (!strcmp(s, "dsvdd")) return MODEL_DSVDD;
	return -1;
}

const char *model_kind_name(int kind)
{
	switch (kind) {
	case MODEL_AE: return "ae";
	case MODEL_MEMAE: return "memae";
	case MODEL_DSVDD: return "dsvdd";
	}
	return "?";
}

const ModelConfig *model_config(const Model *m) { return &m->cfg; }

struct Seq *model_seq(Model *m, int part) { return part == 0 ? &m->enc : &m->dec; }

/* "a-b-c" -> widths; returns the count or -1 */
static int parse_widths(const char *s, int *w)
{
	int n = 0;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > 100000 || n == MAXLEV)
			return -1;
		w[n++] = (int)v;
		s = end;
		if (*s == '-')
			s++;
		else if (*s)
			return -1;
		if (s[-1] == '-' && !*s)
			return -1;
	}
	return n;
}

static void act(Seq *s, const ModelConfig *c)
{
	if (c->relu)
		seq_relu(s);
	else
		seq_lrelu(s, c->slope);
}

static void name(char *buf, const char *part, int i, const char *what)
{
	snprintf(buf, NN_NAME_MAX, "%s.%d.%s", part, i, what);
}

static int build_ae_conv(Model *m, const int *ch, int L, Rng *r)
{
	int C = m->cfg.shape[0], H = m->cfg.shape[1], W = m->cfg.shape[2];
	int hs[MAXLEV + 1], ws[MAXLEV + 1];
	char nm[NN_NAME_MAX];
	seq_input(&m->enc, C, H, W);
	for (int i = 0; i < L; i++) {
		hs[i] = m->enc.h;
		ws[i] = m->enc.w;
		if (m->enc.h < 2 || m->enc.w < 2)
			return ad_error("architecture %s: input %dx%d too small for %d levels",
			                m->cfg.arch, H, W, L);
		name(nm, "enc", i, "conv");
		seq_conv(&m->enc, nm, ch[i], 3, 2, 1, 1, r);
		name(nm, "enc", i, "bn");
		seq_bn(&m->enc, nm, 1, BN_EPS_AE);
		act(&m->enc, &m->cfg);
	}
	seq_input(&m->dec, m->enc.c, m->enc.h, m->enc.w);
	for (int i = L - 1, d = 0; i >= 0; i--, d++) {
		int oc = i > 0 ? ch[i - 1] : C;
		int oph = hs[i] - (2 * m->dec.h - 1), opw = ws[i] - (2 * m->dec.w - 1);
		if (oph < 0 || oph > 1 || opw < 0 || opw > 1)
			return ad_error("architecture %s: cannot mirror a %dx%d input", m->cfg.arch, H, W);
		name(nm, "dec", d, "convt");
		seq_convt2(&m->dec, nm, oc, 3, 2, 1, oph, opw, 1, r);
		if (i > 0) {
			name(nm, "dec", d, "bn");
			seq_bn(&m->dec, nm, 1, BN_EPS_AE);
			act(&m->dec, &m->cfg);
		}
	}
	return 0;
}

static void build_ae_mlp(Model *m, const int *wd, int L, Rng *r)
{
	char nm[NN_NAME_MAX];
	seq_input(&m->enc, m->cfg.dim, 1, 1);
	for (int i = 0; i < L; i++) {
		name(nm, "enc", i, "linear");
		seq_linear(&m->enc, nm, wd[i], 1, r);
		name(nm, "enc", i, "bn");
		seq_bn(&m->enc, nm, 1, BN_EPS_AE);
		act(&m->enc, &m->cfg);
	}
	seq_input(&m->dec, wd[L - 1], 1, 1);
	for (int i = L - 2, d = 0; i >= 0; i--, d++) {
		name(nm, "dec", d, "linear");
		seq_linear(&m->dec, nm, wd[i], 1, r);
		name(nm, "dec", d, "bn");
		seq_bn(&m->dec, nm, 1, BN_EPS_AE);
		act(&m->dec, &m->cfg);
	}
	name(nm, "dec", L - 1, "linear");
	seq_linear(&m->dec, nm, m->cfg.dim, 1, r);
}

static int build_lenet(Model *m, const int *ch, int L, Rng *r)
{
	int C = m->cfg.shape[0], H = m->cfg.shape[1], W = m->cfg.shape[2];
	int rep = m->cfg.rep_dim, sz[MAXLEV];
	char nm[NN_NAME_MAX];
	float sl = m->cfg.slope;
	if (H != W)
		return ad_error("architecture lenet: needs a square image (got %dx%d)", H, W);
	if (rep % 16)
		return ad_error("architecture lenet: rep_dim %d is not a multiple of 16", rep);
	seq_input(&m->enc, C, H, W);
	for (int i = 0; i < L; i++) {
		sz[i] = m->enc.h;
		if (m->enc.h < 2)
			return ad_error("architecture %s: input %dx%d too small for %d levels",
			                m->cfg.arch, H, W, L);
		name(nm, "enc", i, "conv");
		seq_conv(&m->enc, nm, ch[i], 5, 1, 2, 0, r);
		name(nm, "enc", i, "bn");
		seq_bn(&m->enc, nm, 0, BN_EPS_DSVDD);
		act(&m->enc, &m->cfg);
		seq_maxpool(&m->enc);
	}
	int P = m->enc.h;
	seq_flatten(&m->enc);
	name(nm, "enc", L, "linear");
	seq_linear(&m->enc, nm, rep, 0, r);

	/* pretraining decoder */
	seq_input(&m->dec, rep, 1, 1);
	seq_unflatten(&m->dec, rep / 16, 4, 4);
	if (m->cfg.relu) seq_relu(&m->dec); else seq_lrelu(&m->dec, sl);
	while (m->dec.h < P)
		seq_upsample(&m->dec);
	name(nm, "dec", 0, "convt");
	seq_convt(&m->dec, nm, ch[L - 1], 5, 1, 2, 0, 0, r);
	name(nm, "dec", 0, "bn");
	seq_bn(&m->dec, nm, 0, BN_EPS_DSVDD);
	act(&m->dec, &m->cfg);
	for (int i = L - 1, d = 1; i >= 0; i--, d++) {
		seq_upsample(&m->dec);
		int c = m->dec.h, p2 = c + 4 - sz[i];
		if (p2 < 0 || p2 % 2 || p2 / 2 > 4)
			return ad_error("architecture lenet: no decoder for a %dx%d input", H, W);
		name(nm, "dec", d, "convt");
		seq_convt(&m->dec, nm, i > 0 ? ch[i - 1] : C, 5, 1, p2 / 2, 0, 0, r);
		if (i > 0) {
			name(nm, "dec", d, "bn");
			seq_bn(&m->dec, nm, 0, BN_EPS_DSVDD);
			act(&m->dec, &m->cfg);
		} else {
			seq_sigmoid(&m->dec);
		}
	}
	return 0;
}

static void build_dsvdd_mlp(Model *m, const int *wd, int L, Rng *r)
{
	char nm[NN_NAME_MAX];
	seq_input(&m->enc, m->cfg.dim, 1, 1);
	for (int i = 0; i < L; i++) {
		name(nm, "enc", i, "linear");
		seq_linear(&m->enc, nm, wd[i], 0, r);
		if (i < L - 1) {
			name(nm, "enc", i, "bn");
			seq_bn(&m->enc, nm, 0, BN_EPS_DSVDD);
			act(&m->enc, &m->cfg);
		}
	}
	seq_input(&m->dec, wd[L - 1], 1, 1);
	for (int i = L - 2, d = 0; i >= 0; i--, d++) {
		name(nm, "dec", d, "linear");
		seq_linear(&m->dec, nm, wd[i], 0, r);
		name(nm, "dec", d, "bn");
		seq_bn(&m->dec, nm, 0, BN_EPS_DSVDD);
		act(&m->dec, &m->cfg);
	}
	name(nm, "dec", L - 1, "linear");
	seq_linear(&m->dec, nm, m->cfg.dim, 0, r);
}

static void add_entry(Model *m, const char *nm, float *data, float *grad, size_t n, int part)
{
	m->t = ad_xrealloc(m->t, (size_t)(m->nt + 1) * sizeof *m->t);
	Entry *e = &m->t[m->nt++];
	snprintf(e->name, sizeof e->name, "%s", nm);
	e->data = data;
	e->grad = grad;
	e->n = n;
	e->decay = grad != NULL;
	e->part = part;
}

static void add_seq_entries(Model *m, Seq *s, int part)
{
	char nm[64];
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		size_t nb = l->type == NN_BN ? (size_t)l->ic : (size_t)l->oc;
		if (l->w) {
			snprintf(nm, sizeof nm, "%s.weight", l->name);
			add_entry(m, nm, l->w, l->gw, l->nw, part);
		}
		if (l->b) {
			snprintf(nm, sizeof nm, "%s.bias", l->name);
			add_entry(m, nm, l->b, l->gb, nb, part);
		}
		if (l->rmean) {
			snprintf(nm, sizeof nm, "%s.running_mean", l->name);
			add_entry(m, nm, l->rmean, NULL, nb, part);
			snprintf(nm, sizeof nm, "%s.running_var", l->name);
			add_entry(m, nm, l->rvar, NULL, nb, part);
		}
	}
}

Model *model_new(const ModelConfig *cfg)
{
	Model *m = ad_xcalloc(1, sizeof *m);
	m->cfg = *cfg;
	ModelConfig *c = &m->cfg;
	c->arch[sizeof c->arch - 1] = '\0';
	if (c->kind != MODEL_AE && c->kind != MODEL_MEMAE && c->kind != MODEL_DSVDD) {
		ad_error("unknown model kind %d", c->kind);
		goto fail;
	}
	if (c->dim < 1) {
		ad_error("model: input dimension %d", c->dim);
		goto fail;
	}
	if (c->shape[0] <= 0) {
		c->shape[0] = c->dim;
		c->shape[1] = c->shape[2] = 1;
	}
	if (c->shape[1] < 1 || c->shape[2] < 1 ||
	    (long)c->shape[0] * c->shape[1] * c->shape[2] != c->dim) {
		ad_error("model: shape %dx%dx%d does not match dimension %d", c->shape[0],
		         c->shape[1], c->shape[2], c->dim);
		goto fail;
	}
	int image = c->shape[1] > 1 || c->shape[2] > 1;
	if (!c->arch[0]) {
		const char *a = c->kind == MODEL_DSVDD ? (image ? "lenet" : "mlp:32-16-8")
		              : image ? (c->shape[0] == 1 ? "conv:16-32-64" : "conv:64-128-128-256")
		              : "mlp:128-64-32";
		snprintf(c->arch, sizeof c->arch, "%s", a);
	}
	int wd[MAXLEV], L;
	char arch[sizeof c->arch];
	snprintf(arch, sizeof arch, "%s", c->arch);
	/* "+sigmoid": a sigmoid on the AE output (as the PyTorch reference's conv AE) */
	size_t al = strlen(arch), sl = strlen("+sigmoid");
	int out_sigmoid = al > sl && !strcmp(arch + al - sl, "+sigmoid");
	if (out_sigmoid)
		arch[al - sl] = '\0';
	int kind_conv = !strncmp(arch, "conv:", 5), kind_mlp = !strncmp(arch, "mlp:", 4);
	int kind_lenet = !strcmp(arch, "lenet") || !strncmp(arch, "lenet:", 6);
	if (kind_conv)
		L = parse_widths(arch + 5, wd);
	else if (kind_mlp)
		L = parse_widths(arch + 4, wd);
	else if (kind_lenet && arch[5] == ':')
		L = parse_widths(arch + 6, wd);
	else if (kind_lenet) {
		L = c->shape[0] == 1 ? 2 : 3;
		int d1[] = { 8, 4 }, d3[] = { 32, 64, 128 };
		memcpy(wd, L == 2 ? d1 : d3, (size_t)L * sizeof *wd);
	} else
		L = -1;
	if (L < 1 || (c->kind == MODEL_DSVDD && (kind_conv || out_sigmoid)) ||
	    (c->kind != MODEL_DSVDD && kind_lenet)) {
		ad_error("bad architecture '%s' for %s", c->arch, model_kind_name(c->kind));
		goto fail;
	}
	if ((kind_conv || kind_lenet) && !image) {
		ad_error("architecture %s needs an image shape (C,H,W)", arch);
		goto fail;
	}
	if (c->kind == MODEL_MEMAE && c->mem_slots < 1) {
		ad_error("memae: %d memory slots", c->mem_slots);
		goto fail;
	}
	if (c->shrink < 0)   /* the default 1/N (recorded for every kind, used by MemAE) */
		c->shrink = 1.0f / c->mem_slots;
	if (c->kind == MODEL_DSVDD) {
		if (kind_mlp)
			c->rep_dim = wd[L - 1];
		else if (c->rep_dim <= 0)
			c->rep_dim = c->shape[0] == 1 ? 32 : 128;
	}
	Rng r;
	rng_seed(&r, c->seed);
	seq_init(&m->enc);
	seq_init(&m->dec);
	m->is_conv = kind_conv || kind_lenet;
	m->C = m->is_conv ? c->shape[0] : c->dim;
	m->S = m->is_conv ? c->shape[1] * c->shape[2] : 1;
	if (kind_conv && build_ae_conv(m, wd, L, &r) < 0)
		goto fail;
	if (kind_lenet && build_lenet(m, wd, L, &r) < 0)
		goto fail;
	if (kind_mlp) {
		if (c->kind == MODEL_DSVDD)
			build_dsvdd_mlp(m, wd, L, &r);
		else
			build_ae_mlp(m, wd, L, &r);
	}
	if (out_sigmoid)
		seq_sigmoid(&m->dec);
	add_seq_entries(m, &m->enc, 0);
	if (c->kind == MODEL_MEMAE) {
		m->has_mem = 1;
		mem_init(&m->mem, c->mem_slots, m->enc.c, c->shrink, c->entropy_weight, &r);
		add_entry(m, "mem.weight", m->mem.w, m->mem.gw, (size_t)c->mem_slots * m->enc.c, 2);
	}
	add_seq_entries(m, &m->dec, 1);
	if (c->kind == MODEL_DSVDD) {
		m->center = ad_xcalloc((size_t)c->rep_dim, sizeof(float));
		add_entry(m, "center", m->center, NULL, (size_t)c->rep_dim, 3);
	}
	m->phase = PHASE_MAIN;
	m->out_dim = c->kind == MODEL_DSVDD ? c->rep_dim : c->dim;
	return m;
fail:
	model_free(m);
	return NULL;
}

void model_free(Model *m)
{
	if (!m)
		return;
	seq_free(&m->enc);
	seq_free(&m->dec);
	nn_work_free(&m->work);
	if (m->has_mem)
		mem_free(&m->mem);
	free(m->center);
	free(m->xin); free(m->out); free(m->target); free(m->dbuf); free(m->dz); free(m->dh);
	free(m->ev);
	for (int i = 0; i < m->nevg; i++)
		sgemm_work_free(&m->evg[i]);
	free(m->evg);
	free(m->t);
	free(m);
}

int model_out_dim(const Model *m) { return m->out_dim; }
const float *model_out(const Model *m) { return m->outp; }
const float *model_target(const Model *m) { return m->tgtp; }
double model_aux_loss(const Model *m) { return m->has_mem ? m->mem.aux : 0.0; }

/* 1 when none of the n values is NaN or Inf (a loop without an exit: it vectorises) */
AD_CLONES
static int all_finite(const float *x, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		bad |= !isfinite(x[i]);
	return !bad;
}

static int ae_mode(const Model *m)
{
	return m->cfg.kind != MODEL_DSVDD || m->phase == PHASE_PRETRAIN;
}

/* One input channel: the layers' [C][B][H*W] layout is then the rows' own, so
 * the layers read the caller's rows and model_out() is the decoder's output,
 * with no copies. */
static int rows_in_place(const Model *m) { return m->C == 1; }

static void ensure(Model *m, int B)
{
	if (B <= m->maxB)
		return;
	size_t b = (size_t)B, d = (size_t)m->cfg.dim, o = (size_t)m->cfg.dim;
	if (m->cfg.kind == MODEL_DSVDD && (size_t)m->cfg.rep_dim > o)
		o = (size_t)m->cfg.rep_dim;
	size_t z = (size_t)m->enc.c * m->enc.h * m->enc.w;
	free(m->xin); free(m->out); free(m->target); free(m->dbuf); free(m->dz); free(m->dh);
	m->xin = ad_xmalloc(ad_mul(b * d, 4));
	m->out = ad_xmalloc(ad_mul(b * o, 4));
	m->target = ad_xmalloc(ad_mul(b * o, 4));
	m->dbuf = ad_xmalloc(ad_mul(b * o, 4));
	m->dz = ad_xmalloc(ad_mul(b * z, 4));
	m->dh = ad_xmalloc(ad_mul(b * z, 4));
	m->maxB = B;
}

/* Rows per pass in evaluation mode: samples are then independent, and a small pass
 * keeps the activations in cache (same results for any split). */
#define EVAL_ROWS 32

/* Forward the B rows of x; the outputs to m->outp. */
static int forward_rows(Model *m, const float *x, int B, int train)
{
	const float *in = x;
	if (!rows_in_place(m)) {
		nn_to_cnhw(x, m->xin, B, m->C, m->S);
		in = m->xin;
	}
	float *h = seq_forward(&m->enc, &m->work, in, B, train);
	if (!h)
		return -1;
	m->outp = m->out;
	if (ae_mode(m)) {
		if (m->has_mem)
			h = mem_forward(&m->mem, h, B * m->enc.h * m->enc.w);
		float *y = seq_forward(&m->dec, &m->work, h, B, train);
		if (!y)
			return -1;
		if (rows_in_place(m))
			m->outp = y;
		else
			nn_from_cnhw(y, m->out, B, m->C, m->S);
	} else {
		int R = m->cfg.rep_dim;
		nn_from_cnhw(h, m->out, B, R, 1);
	}
	return 0;
}

/* a[r] += sum_q (o[r ldo + q] - t[r ldt + q])^2 for the n rows r, in double,
 * each row's terms added in the order of q: the sums of a score (model.h).  Four
 * rows at a time, so that four chains of dependent additions overlap. */
static void add_sq_diffs(double *a, const float *o, size_t ldo, const float *t, size_t ldt,
                         size_t S, int n)
{
	int r = 0;
	for (; r + 4 <= n; r += 4) {
		const float *o0 = o + r * ldo, *o1 = o0 + ldo, *o2 = o1 + ldo, *o3 = o2 + ldo;
		const float *t0 = t + r * ldt, *t1 = t0 + ldt, *t2 = t1 + ldt, *t3 = t2 + ldt;
		double a0 = a[r], a1 = a[r + 1], a2 = a[r + 2], a3 = a[r + 3];
		for (size_t q = 0; q < S; q++) {
			double d0 = (double)o0[q] - t0[q], d1 = (double)o1[q] - t1[q];
			double d2 = (double)o2[q] - t2[q], d3 = (double)o3[q] - t3[q];
			a0 += d0 * d0;
			a1 += d1 * d1;
			a2 += d2 * d2;
			a3 += d3 * d3;
		}
		a[r] = a0, a[r + 1] = a1, a[r + 2] = a2, a[r + 3] = a3;
	}
	for (; r < n; r++) {
		const float *orow = o + r * ldo, *trow = t + r * ldt;
		double s = a[r];
		for (size_t q = 0; q < S; q++) {
			double d = (double)orow[q] - trow[q];
			s += d * d;
		}
		a[r] = s;
	}
}

/* Evaluation passes spread over the workers, each pass of EVAL_ROWS rows on one
 * worker (the layers' kernels then run on it alone) with buffers of its own: the
 * input in the [C][B][HW] layout (none when the rows are already in it: one
 * channel, rows contiguous), two activation buffers the layers write in turn
 * (seq_forward_eval()), its slice of the im2col buffer and its sgemm scratch, all
 * kept from call to call: no fork and join per layer, and a pass's data stays in
 * the worker's cache.  The outputs go to m->out (model_forward()) or straight into
 * scores (model_eval_scores()). */
typedef struct {
	Model *m;
	const float *x;
	size_t ldx;              /* floats from one row of x to the next */
	int B;
	float *col;
	size_t ncol;
	size_t amax, nper;       /* activation floats per row; floats per worker */
	double *s;               /* NULL: outputs to m->out */
	int mean;
	atomic_int fail;         /* 1: a pass failed; 2: an output is not finite */
} EvalJob;

static void eval_task(void *ctx, int t, int tid)
{
	EvalJob *j = ctx;
	Model *m = j->m;
	int r0 = t * EVAL_ROWS, b = j->B - r0 < EVAL_ROWS ? j->B - r0 : EVAL_ROWS;
	int ae = ae_mode(m), C = ae ? m->C : m->cfg.rep_dim, S = ae ? m->S : 1;
	size_t D = (size_t)C * S, ldx = j->ldx;
	float *w0 = m->ev + (size_t)tid * j->nper;
	float *const pp[2] = { w0, w0 + EVAL_ROWS * j->amax };
	float *xin = pp[1] + EVAL_ROWS * j->amax;
	const float *xr = j->x + (size_t)r0 * ldx, *in = xr;
	if (m->C != 1 || ldx != (size_t)m->cfg.dim) {
		for (int n = 0; n < b; n++)
			for (int c = 0; c < m->C; c++)
				memcpy(xin + ((size_t)c * b + n) * m->S, xr + n * ldx + (size_t)c * m->S,
				       (size_t)m->S * sizeof *xin);
		in = xin;
	}
	NnWork w = { j->col + (size_t)tid * j->ncol, j->ncol, m->evg[tid] };
	const float *o = seq_forward_eval(&m->enc, &w, in, b, pp);
	if (o && ae)
		o = seq_forward_eval(&m->dec, &w, o, b, pp);
	m->evg[tid] = w.gemm;
	if (!o) {
		atomic_store(&j->fail, 1);
		return;
	}
	if (!j->s) {
		nn_from_cnhw(o, m->out + (size_t)r0 * D, b, C, S);
		return;
	}
	if (!all_finite(o, D * b)) {
		atomic_store(&j->fail, 2);
		return;
	}
	/* model_scores() on these rows: the same sums in the same order, with x (or
	 * the centre) as the target */
	double *a = j->s + r0;
	for (int n = 0; n < b; n++)
		a[n] = 0.0;
	for (int c = 0; c < C; c++) {
		if (ae)
			add_sq_diffs(a, o + (size_t)c * b * S, (size_t)S, xr + (size_t)c * S, ldx,
			             (size_t)S, b);
		else
			add_sq_diffs(a, o + (size_t)c * b, 1, m->center + c, 0, 1, b);
	}
	for (int n = 0; n < b && j->mean; n++)
		a[n] /= (double)D;
}

/* Evaluation forward of B rows of x (row stride ldx) in passes over the workers:
 * 0, or -1 / MODEL_DIVERGED + ad_error (the latter only with s: see eval_task()). */
static int forward_eval(Model *m, const float *x, size_t ldx, int B, double *s, int mean)
{
	int parts = nn_threads(), ae = ae_mode(m);
	size_t ncol = seq_col_need(&m->enc, EVAL_ROWS), amax = seq_act_max(&m->enc);
	if (ae) {
		size_t nd = seq_col_need(&m->dec, EVAL_ROWS), ad = seq_act_max(&m->dec);
		ncol = nd > ncol ? nd : ncol;
		amax = ad > amax ? ad : amax;
	}
	size_t nper = ad_mul(EVAL_ROWS, ad_mul(2, amax) + (size_t)m->cfg.dim);
	if (m->nev < ad_mul(nper, (size_t)parts)) {
		free(m->ev);
		m->nev = ad_mul(nper, (size_t)parts);
		m->ev = ad_xmalloc(ad_mul(m->nev, sizeof(float)));
	}
	if (m->nevg < parts) {
		m->evg = ad_xrealloc(m->evg, ad_mul((size_t)parts, sizeof *m->evg));
		memset(m->evg + m->nevg, 0, (size_t)(parts - m->nevg) * sizeof *m->evg);
		m->nevg = parts;
	}
	EvalJob j = { m, x, ldx, B, nn_work_col(&m->work, ad_mul(ncol, (size_t)parts)), ncol,
	              amax, nper, s, mean, 0 };
	nn_parallel((B + EVAL_ROWS - 1) / EVAL_ROWS, eval_task, &j);
	int fail = atomic_load(&j.fail);
	if (fail == 2) {
		ad_error("model output is not finite (diverged?)");
		return MODEL_DIVERGED;
	}
	if (fail)
		return ad_error("model: an evaluation pass failed");
	return 0;
}

int model_eval_scores(Model *m, const float *x, size_t ldx, int B, int mean, double *s)
{
	if (B < 1)
		return ad_error("model: empty batch");
	if (!m->has_mem)
		return forward_eval(m, x, ldx, B, s, mean);
	/* MemAE: one pass over the whole batch (model_forward()), rows contiguous */
	float *c = NULL;
	size_t dim = (size_t)m->cfg.dim;
	if (ldx != dim) {
		c = ad_xmalloc(ad_mul(ad_mul((size_t)B, dim), sizeof *c));
		for (int i = 0; i < B; i++)
			memcpy(c + (size_t)i * dim, x + (size_t)i * ldx, dim * sizeof *c);
	}
	int rc = model_forward(m, c ? c : x, B, 0);
	if (rc == 0)
		model_scores(m, B, mean, s);   /* the target is c itself: before free(c) */
	free(c);
	return rc;
}

int model_forward(Model *m, const float *x, int B, int train)
{
	if (B < 1)
		return ad_error("model: empty batch");
	ensure(m, B);
	m->B = B;
	/* MemAE's entropy term is a mean over the whole batch: one pass */
	if (!train && !m->has_mem) {
		if (forward_eval(m, x, (size_t)m->cfg.dim, B, NULL, 0) < 0)
			return -1;
		m->outp = m->out;
	} else if (forward_rows(m, x, B, train) < 0)
		return -1;
	if (ae_mode(m)) {
		m->tgtp = x;
	} else {
		int R = m->cfg.rep_dim;
		for (int i = 0; i < B; i++)
			memcpy(m->target + (size_t)i * R, m->center, (size_t)R * sizeof(float));
		m->tgtp = m->target;
	}
	if (!all_finite(m->outp, (size_t)B * m->out_dim)) {
		ad_error("model output is not finite (diverged?)");
		return MODEL_DIVERGED;
	}
	return 0;
}

/* model_scores() in tasks of SCORE_ROWS rows: a row's sum is the same whichever
 * worker adds it */
#define SCORE_ROWS 8

typedef struct {
	const Model *m;
	int B, mean;
	double *s;
} ScoreJob;

static void score_task(void *ctx, int t, int tid)
{
	const ScoreJob *j = ctx;
	int D = j->m->out_dim, end = nn_task_end(t, SCORE_ROWS, j->B);
	(void)tid;
	for (int i = t * SCORE_ROWS; i < end; i++)
		j->s[i] = 0.0;
	size_t o = (size_t)t * SCORE_ROWS * D;
	add_sq_diffs(j->s + t * SCORE_ROWS, j->m->outp + o, (size_t)D, j->m->tgtp + o, (size_t)D,
	             (size_t)D, end - t * SCORE_ROWS);
	for (int i = t * SCORE_ROWS; i < end && j->mean; i++)
		j->s[i] /= D;
}

void model_scores(const Model *m, int B, int mean, double *s)
{
	ScoreJob j = { m, B, mean, s };
	nn_parallel_work(nn_ntasks(B, SCORE_ROWS), (size_t)B * m->out_dim, score_task, &j);
}

void model_zero_grad(Model *m)
{
	for (int i = 0; i < m->nt; i++)
		if (m->t[i].grad)
			memset(m->t[i].grad, 0, m->t[i].n * sizeof(float));
}

void model_backward(Model *m, const float *dout, int B)
{
	if (ae_mode(m)) {
		const float *d = dout;
		if (!rows_in_place(m)) {
			nn_to_cnhw(dout, m->dbuf, B, m->C, m->S);
			d = m->dbuf;
		}
		seq_backward(&m->dec, &m->work, d, m->dz, B);
		float *dh = m->dz;
		if (m->has_mem) {
			mem_backward(&m->mem, m->dz, m->dh);
			dh = m->dh;
		}
		seq_backward(&m->enc, &m->work, dh, NULL, B);
	} else {
		nn_to_cnhw(dout, m->dbuf, B, m->cfg.rep_dim, 1);
		seq_backward(&m->enc, &m->work, m->dbuf, NULL, B);
	}
}

void model_set_phase(Model *m, int phase)
{
	if (m->cfg.kind != MODEL_DSVDD)
		return;
	m->phase = phase == PHASE_PRETRAIN ? PHASE_PRETRAIN : PHASE_MAIN;
	m->out_dim = m->phase == PHASE_PRETRAIN ? m->cfg.dim : m->cfg.rep_dim;
}

int model_phase(const Model *m) { return m->phase; }

int model_init_center(Model *m, const float *x, int n)
{
	if (m->cfg.kind != MODEL_DSVDD)
		return ad_error("model: only dsvdd has a centre");
	if (n < 1)
		return ad_error("dsvdd: no rows to compute the centre from");
	int R = m->cfg.rep_dim, chunk = 256;
	double *sum = ad_xcalloc((size_t)R, sizeof *sum);
	ensure(m, chunk < n ? chunk : n);
	for (int i0 = 0; i0 < n; i0 += chunk) {
		int b = n - i0 < chunk ? n - i0 : chunk;
		nn_to_cnhw(x + (size_t)i0 * m->cfg.dim, m->xin, b, m->C, m->S);
		float *h = seq_forward(&m->enc, &m->work, m->xin, b, 0);
		if (!h) {
			free(sum);
			return -1;
		}
		for (int j = 0; j < R; j++)
			for (int k = 0; k < b; k++)
				sum[j] += h[(size_t)j * b + k];
	}
	const double eps = 0.1;
	for (int j = 0; j < R; j++) {
		double c = sum[j] / n;
		if (!isfinite(c)) {
			free(sum);
			return ad_error("dsvdd: centre is not finite");
		}
		if (fabs(c) < eps)
			c = c < 0 ? -eps : eps;
		m->center[j] = (float)c;
	}
	free(sum);
	return 0;
}

int model_ntensors(const Model *m) { return m->nt; }

ModelTensor model_tensor(Model *m, int i)
{
	Entry *e = &m->t[i];
	ModelTensor t = { e->name, e->data, e->grad, e->n, e->decay, 0 };
	if (e->grad)
		t.active = m->cfg.kind != MODEL_DSVDD || m->phase == PHASE_PRETRAIN || e->part == 0;
	return t;
}
