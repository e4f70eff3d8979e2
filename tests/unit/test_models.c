/* test_models.c: the detectors of model.h.  Whole-model backward against finite
 * differences (AE conv, AE mlp, MemAE conv and mlp, DSVDD lenet and mlp in both
 * phases), the memory addressing / shrinkage / entropy gradient on its own,
 * architecture shapes and errors, tensor names, DSVDD centre, Adam against values
 * computed by hand (torch's update), and bit-identity across thread counts.
 * Loss for the checks: L = sum(out * r) + model_aux_loss(), so dL/dout = r.
 * Tolerance: central differences in float, step 1e-3; an element passes if
 * |num - ana| <= 3e-3 + 2e-2 |ana|.  Whole models contain leaky-ReLU kinks that a
 * step may cross, so up to 3% of the sampled elements may miss (typically 0). */
#include "unit.h"
#include "gradcheck.h"
#include "model.h"
#include "memae.h"
#include "nn.h"
#include "optim.h"
#include "util.h"

typedef struct {
	Model *m;
	const float *x, *r;
	int B;
} Ctx;

static double mloss(void *p)
{
	Ctx *c = p;
	if (model_forward(c->m, c->x, c->B, 1) < 0)
		return NAN;
	size_t n = (size_t)c->B * model_out_dim(c->m);
	return gc_dot(model_out(c->m), c->r, n) + model_aux_loss(c->m);
}

/* returns 1 if the model's gradients pass */
static float mstep = 2.5e-4f;

static int check_model(const char *what, Model *m, int B, Rng *rg)
{
	const ModelConfig *cfg = model_config(m);
	size_t nx = (size_t)B * cfg->dim, no = (size_t)B * model_out_dim(m);
	float *x = ad_xmalloc(nx * 4), *r = ad_xmalloc(no * 4);
	gc_fill(x, nx, 0.0, 1.0, rg);
	gc_fill(r, no, -1.0, 1.0, rg);
	Ctx c = { m, x, r, B };
	model_zero_grad(m);
	CHECK(model_forward(m, x, B, 1) == 0);
	model_backward(m, r, B);
	int bad = 0, total = 0, active = 0;
	for (int i = 0; i < model_ntensors(m); i++) {
		ModelTensor t = model_tensor(m, i);
		if (!t.grad || !t.active)
			continue;
		active++;
		float *g = ad_xmalloc(t.n * 4);
		memcpy(g, t.grad, t.n * 4);
		char nm[128];
		snprintf(nm, sizeof nm, "%s %s", what, t.name);
		size_t maxn = 30;
		total += (int)(t.n < maxn ? t.n : (t.n + (t.n + maxn - 1) / maxn - 1) / ((t.n + maxn - 1) / maxn));
		bad += gc_check(nm, mloss, &c, t.data, g, t.n, mstep, 3e-3, 2e-2, maxn);
		free(g);
	}
	free(x);
	free(r);
	if (getenv("GC_VERBOSE"))
		fprintf(stderr, "%s: %d of %d sampled elements off, %d tensors\n", what, bad, total, active);
	return active > 0 && bad <= total / 100;
}

static float slope;   /* != 0: override the default LeakyReLU slope */

static Model *make(int kind, const char *arch, int c, int h, int w, uint64_t seed)
{
	ModelConfig cfg;
	model_config_defaults(&cfg, kind);
	if (slope != 0)
		cfg.slope = slope;
	if (arch)
		snprintf(cfg.arch, sizeof cfg.arch, "%s", arch);
	cfg.dim = c * h * w;
	cfg.shape[0] = c;
	cfg.shape[1] = h;
	cfg.shape[2] = w;
	cfg.seed = seed;
	return model_new(&cfg);
}

static int find(Model *m, const char *name)
{
	for (int i = 0; i < model_ntensors(m); i++)
		if (!strcmp(model_tensor(m, i).name, name))
			return i;
	return -1;
}

typedef struct { Mem *mem; const float *z, *r; int Q; } MemCtx;

static double memloss(void *p)
{
	MemCtx *c = p;
	float *o = mem_forward(c->mem, c->z, c->Q);
	return gc_dot(o, c->r, (size_t)c->mem->C * c->Q) + c->mem->aux;
}

static int check_mem(float shrink, float ew, Rng *rg)
{
	Mem mem;
	int N = 7, C = 4, Q = 6;
	mem_init(&mem, N, C, 0.0f, ew, rg);
	float z[24], r[24], dz[24];
	gc_fill(z, 24, -1, 1, rg);
	gc_fill(r, 24, -1, 1, rg);
	/* sharpen the memory so the weights spread out on both sides of lambda */
	for (int i = 0; i < N * C; i++)
		mem.w[i] *= 6.0f;
	/* lambda: the value near `shrink` farthest from every softmax weight (no kink) */
	mem_forward(&mem, z, Q);
	float best = shrink, bestd = 0;
	for (int k = -10; k <= 10 && shrink > 0; k++) {
		float lam = shrink * (1.0f + 0.03f * k), d = 1;
		for (int i = 0; i < N * Q; i++)
			d = fminf(d, fabsf(mem.soft[i] - lam));
		if (d > bestd) {
			bestd = d;
			best = lam;
		}
	}
	mem.shrink = best;
	mem_forward(&mem, z, Q);
	int kink = shrink > 0 && bestd < 0.003f;
	int below = 0;
	for (int i = 0; i < N * Q; i++)
		below += shrink > 0 && mem.what[i] == 0.0f;
	memset(mem.gw, 0, sizeof(float) * N * C);
	mem_backward(&mem, r, dz);
	float *gw = ad_xmalloc(sizeof(float) * N * C);
	memcpy(gw, mem.gw, sizeof(float) * N * C);
	MemCtx c = { &mem, z, r, Q };
	int bad = gc_check("mem dz", memloss, &c, z, dz, 24, 1e-3f, 1e-3, 1e-2, 100) +
	          gc_check("mem weight", memloss, &c, mem.w, gw, (size_t)N * C, 1e-3f, 1e-3, 1e-2, 100);
	CHECK(!kink);
	if (shrink > 0)
		CHECK(below > 0);   /* the shrinkage really cut some weights */
	/* every row of the final weights sums to 1 */
	for (int q = 0; q < Q; q++) {
		double s = 0;
		for (int i = 0; i < N; i++)
			s += mem.what[q * N + i];
		CHECK_NEAR(s, 1.0, 1e-5);
	}
	free(gw);
	mem_free(&mem);
	return bad == 0;
}

/* forward + backward + Adam step of a model with t threads; all tensors copied */
static size_t run_threads(int kind, const char *arch, int c, int h, int w, int t, float *dst)
{
	Rng r;
	rng_seed(&r, 99);
	nn_set_threads(t);
	Model *m = make(kind, arch, c, h, w, 5);
	int B = 23;
	size_t nx = (size_t)B * c * h * w;
	float *x = ad_xmalloc(nx * 4);
	gc_fill(x, nx, 0, 1, &r);
	Adam *a = adam_new(m, 1e-3f, 1e-6f);
	for (int it = 0; it < 2; it++) {
		model_zero_grad(m);
		model_forward(m, x, B, 1);
		int D = model_out_dim(m);
		float *d = ad_xmalloc((size_t)B * D * 4);
		for (int i = 0; i < B * D; i++)
			d[i] = 2.0f * (model_out(m)[i] - model_target(m)[i]) / B;
		model_backward(m, d, B);
		adam_step(a);
		free(d);
	}
	model_forward(m, x, B, 0);
	size_t k = 0;
	for (int i = 0; i < model_ntensors(m); i++) {
		ModelTensor tt = model_tensor(m, i);
		memcpy(dst + k, tt.data, tt.n * 4);
		k += tt.n;
	}
	memcpy(dst + k, model_out(m), (size_t)B * model_out_dim(m) * 4);
	k += (size_t)B * model_out_dim(m);
	/* 4B other rows in evaluation mode: passes of a few rows, spread over the
	 * workers when t > 1 */
	float *x4 = ad_xmalloc(4 * nx * 4);
	gc_fill(x4, 4 * nx, 0, 1, &r);
	model_forward(m, x4, 4 * B, 0);
	memcpy(dst + k, model_out(m), (size_t)4 * B * model_out_dim(m) * 4);
	k += (size_t)4 * B * model_out_dim(m);
	free(x4);
	adam_free(a);
	model_free(m);
	free(x);
	nn_set_threads(1);
	return k;
}

/* model_eval_scores() (the scoring path: passes straight into scores, rows at a
 * stride) against model_forward() + model_scores() on contiguous rows, to the
 * bit, for threads 1 and 2 and both score modes; and a non-finite output is
 * MODEL_DIVERGED from both. */
static void eval_scores_match(int kind, const char *arch, int c, int h, int w)
{
	Rng rs;
	int B = 77, dim = c * h * w, ld = dim + 3;
	float *x = ad_xmalloc((size_t)B * dim * 4), *xs = ad_xmalloc((size_t)B * ld * 4);
	double *s0 = ad_xmalloc((size_t)B * sizeof *s0), *s1 = ad_xmalloc((size_t)B * sizeof *s1);
	rng_seed(&rs, 21);
	gc_fill(x, (size_t)B * dim, 0, 1, &rs);
	for (int i = 0; i < B; i++) {
		memcpy(xs + (size_t)i * ld, x + (size_t)i * dim, (size_t)dim * 4);
		for (int k = dim; k < ld; k++)
			xs[(size_t)i * ld + k] = 1e30f;   /* padding a stride bug would read */
	}
	for (int t = 1; t <= 2; t++) {
		nn_set_threads(t);
		Model *m = make(kind, arch, c, h, w, 17);
		REQUIRE(m != NULL);
		for (int mean = 0; mean <= 1; mean++) {
			CHECK(model_forward(m, x, B, 0) == 0);
			model_scores(m, B, mean, s0);
			memset(s1, 0, (size_t)B * sizeof *s1);
			CHECK(model_eval_scores(m, xs, (size_t)ld, B, mean, s1) == 0);
			CHECK(memcmp(s0, s1, (size_t)B * sizeof *s0) == 0);
			CHECK(model_eval_scores(m, x, (size_t)dim, B, mean, s1) == 0);
			CHECK(memcmp(s0, s1, (size_t)B * sizeof *s0) == 0);
		}
		/* a NaN in every tensor (in the last layer's weights at least: an
		 * activation or a max-pool can swallow one earlier) */
		for (int k = 0; k < model_ntensors(m); k++)
			model_tensor(m, k).data[0] = NAN;
		CHECK(model_forward(m, x, B, 0) == MODEL_DIVERGED);
		CHECK(model_eval_scores(m, xs, (size_t)ld, B, 0, s1) == MODEL_DIVERGED);
		model_free(m);
	}
	nn_set_threads(1);
	free(x); free(xs); free(s0); free(s1);
}

static void threads_identical(int kind, const char *arch, int c, int h, int w)
{
	size_t cap = 2000000;
	float *a = ad_xmalloc(cap * 4), *b = ad_xmalloc(cap * 4);
	size_t na = run_threads(kind, arch, c, h, w, 1, a);
	for (int t = 2; t <= 3; t++) {
		size_t nb = run_threads(kind, arch, c, h, w, t, b);
		CHECK(na == nb && na < cap);
		CHECK(memcmp(a, b, na * 4) == 0);
	}
	free(a);
	free(b);
}

/* ---- golden values from PyTorch ----
 * The model is built here (seed 5), its tensors were loaded into the same network
 * written with torch.nn.functional in float64 (conv2d, conv_transpose2d with the
 * computed output_padding, batch_norm, leaky_relu, max_pool2d, interpolate, the
 * MemAE formulas of memae.h), and these values were printed there.  Input
 * x[i] = (i*37 mod 101)/100, B = 3; one train forward, backward of
 * L = sum(out * dout) (+ aux) with dout = out - target, one torch.optim.Adam step
 * (lr 0.01, weight decay 0.001), then an eval forward. */
typedef struct {
	const char *kind, *arch;
	int c, h, w, pretrain;
	double out[5], sum, aux;
	const char *g1;
	double gv1[3];
	const char *g2;
	double gv2[3];
	double eval[5];
} Golden;

static void golden(const Golden *G)
{
	ModelConfig cfg;
	int kind = model_kind_parse(G->kind);
	model_config_defaults(&cfg, kind);
	snprintf(cfg.arch, sizeof cfg.arch, "%s", G->arch);
	cfg.shape[0] = G->c; cfg.shape[1] = G->h; cfg.shape[2] = G->w;
	cfg.dim = G->c * G->h * G->w;
	if (kind == MODEL_MEMAE) { cfg.mem_slots = 7; cfg.shrink = 0.1f; cfg.entropy_weight = 0.05f; }
	cfg.seed = 5;
	Model *m = model_new(&cfg);
	CHECK(m != NULL);
	if (!m)
		return;
	int B = 3, D = cfg.dim, idx[5] = { 0, 1, 7, 50, 100 };
	float *x = ad_xmalloc(sizeof(float) * B * D);
	for (int i = 0; i < B * D; i++)
		x[i] = (float)((i * 37 % 101) / 100.0);
	if (kind == MODEL_DSVDD) {
		if (G->pretrain)
			model_set_phase(m, PHASE_PRETRAIN);
		else
			CHECK(model_init_center(m, x, B) == 0);
	}
	Adam *a = adam_new(m, 0.01f, 0.001f);
	model_zero_grad(m);
	CHECK(model_forward(m, x, B, 1) == 0);
	int O = model_out_dim(m);
	const float *o = model_out(m);
	double sum = 0;
	for (int i = 0; i < B * O; i++)
		sum += o[i];
	for (int k = 0; k < 5; k++)
		if (idx[k] < B * O)
			CHECK_NEAR(o[idx[k]], G->out[k], 1e-4 * fabs(G->out[k]) + 1e-6);
	CHECK_NEAR(sum, G->sum, 1e-5 * fabs(G->sum) + 1e-5);
	CHECK_NEAR(model_aux_loss(m), G->aux, 1e-5 * G->aux + 1e-9);
	float *d = ad_xmalloc(sizeof(float) * B * O);
	for (int i = 0; i < B * O; i++)
		d[i] = model_out(m)[i] - model_target(m)[i];
	model_backward(m, d, B);
	const float *g1 = model_tensor(m, find(m, G->g1)).grad, *g2 = model_tensor(m, find(m, G->g2)).grad;
	for (int k = 0; k < 3; k++) {
		CHECK_NEAR(g1[k], G->gv1[k], 1e-3 * fabs(G->gv1[k]) + 1e-5);
		if (G->gv2[k] != 0)
			CHECK_NEAR(g2[k], G->gv2[k], 1e-3 * fabs(G->gv2[k]) + 1e-5);
	}
	adam_step(a);
	CHECK(model_forward(m, x, B, 0) == 0);
	for (int k = 0; k < 5; k++)
		if (idx[k] < B * O)
			CHECK_NEAR(model_out(m)[idx[k]], G->eval[k], 1e-4 * fabs(G->eval[k]) + 1e-6);
	adam_free(a);
	model_free(m);
	free(x);
	free(d);
}

static const Golden goldens[] = {
	{ "ae", "conv:2-3", 1, 6, 6, 0,
	  { 0.106930831, -0.0450704983, -0.157204522, 0.161326937, 0.127752775 }, 9.84784207, 0,
	  "enc.0.conv.weight", { -1.18203526, -3.11154556, -1.60875613 },
	  "dec.1.convt.bias", { -43.372158, 0, 0 },
	  { 0.0951894119, 0.0946401937, 0.0769070274, 0.0926882189, 0.0940391685 } },
	{ "memae", "mlp:5-4", 7, 1, 1, 0,
	  { -0.151320294, -0.195824639, -0.344336017, 0, 0 }, -4.04820604, 0.0666555001,
	  "enc.0.linear.weight", { -0.0954736848, -0.0954736848, 0.045016252 },
	  "mem.weight", { -0.0799818023, 0.687866111, -0.299129431 },
	  { -0.346075433, 0.372721685, -0.343190011, 0, 0 } },
	{ "dsvdd", "lenet", 1, 28, 28, 1,
	  { 0.629422797, 0.536710008, 0.568641419, 0.518317645, 0.661729744 }, 1503.94316, 0,
	  "enc.0.conv.weight", { -1.35911161, 3.13584392, 1.34918309 },
	  "dec.2.convt.weight", { 19.3006664, 21.3326492, 19.3319543 },
	  { 0.503162866, 0.501247379, 0.502489384, 0.50177695, 0.502729205 } },
	{ "dsvdd", "lenet", 1, 28, 28, 0,
	  { -0.0503963259, 1.05239306, 0.954969862, 1.01330143, 0 }, 16.2854876, 0,
	  "enc.2.linear.weight", { 0.0949655585, -1.17949715, -0.490009657 },
	  "enc.0.conv.weight", { 0.186382793, 2.64097254, -0.938001071 },
	  { 0.356665955, -0.120849627, -0.224963854, -0.15811918, 0 } },
};

int main(void)
{
	Rng r;
	rng_seed(&r, 3);
	Model *m;

	/* ---- architectures ---- */
	m = make(MODEL_AE, NULL, 1, 28, 28, 0);
	REQUIRE(m != NULL);
	CHECK(!strcmp(model_config(m)->arch, "conv:16-32-64"));
	CHECK(model_out_dim(m) == 784);
	CHECK(find(m, "enc.0.conv.weight") == 0);
	CHECK(model_tensor(m, 0).n == 16 * 9);
	CHECK(find(m, "dec.0.convt.weight") >= 0 && model_tensor(m, find(m, "dec.0.convt.weight")).n == 64 * 32 * 9);
	CHECK(find(m, "dec.2.convt.bias") >= 0 && find(m, "dec.2.bn.weight") < 0);
	CHECK(find(m, "enc.2.bn.running_var") >= 0);
	/* init bounds: conv 1/sqrt(9), conv-transpose 1/sqrt(cout*9) (torch's fan_in) */
	{
		ModelTensor t = model_tensor(m, 0);
		double mx = 0;
		for (size_t i = 0; i < t.n; i++) mx = fmax(mx, fabs(t.data[i]));
		CHECK(mx <= 1.0 / 3 && mx > 0.25);
		t = model_tensor(m, find(m, "dec.0.convt.weight"));
		mx = 0;
		for (size_t i = 0; i < t.n; i++) mx = fmax(mx, fabs(t.data[i]));
		CHECK(mx <= 1.0 / sqrt(32 * 9.0) && mx > 0.9 / sqrt(32 * 9.0));
		t = model_tensor(m, find(m, "enc.1.bn.weight"));
		CHECK(t.data[0] == 1.0f && t.grad);
		t = model_tensor(m, find(m, "enc.1.bn.running_mean"));
		CHECK(t.grad == NULL && t.data[0] == 0.0f && !t.active);
	}
	/* names unique */
	for (int i = 0; i < model_ntensors(m); i++)
		for (int j = i + 1; j < model_ntensors(m); j++)
			CHECK(strcmp(model_tensor(m, i).name, model_tensor(m, j).name) != 0);
	model_free(m);
	m = make(MODEL_AE, NULL, 3, 32, 32, 0);
	CHECK(m && !strcmp(model_config(m)->arch, "conv:64-128-128-256"));
	model_free(m);
	m = make(MODEL_AE, NULL, 20, 1, 1, 0);
	REQUIRE(m != NULL);
	CHECK(!strcmp(model_config(m)->arch, "mlp:128-64-32"));
	CHECK(find(m, "dec.2.linear.weight") >= 0 && find(m, "dec.2.bn.weight") < 0);
	CHECK(find(m, "enc.2.bn.weight") >= 0);
	model_free(m);
	m = make(MODEL_DSVDD, NULL, 1, 28, 28, 0);
	REQUIRE(m != NULL);
	CHECK(!strcmp(model_config(m)->arch, "lenet") && model_out_dim(m) == 32);
	CHECK(find(m, "enc.2.linear.weight") >= 0 && model_tensor(m, find(m, "enc.2.linear.weight")).n == 32 * 196);
	CHECK(find(m, "dec.1.convt.weight") >= 0 && model_tensor(m, find(m, "dec.1.convt.weight")).n == 4 * 8 * 25);
	CHECK(find(m, "center") == model_ntensors(m) - 1);
	for (int i = 0; i < model_ntensors(m); i++)
		CHECK(strstr(model_tensor(m, i).name, ".bias") == NULL);   /* bias-free */
	model_free(m);
	m = make(MODEL_DSVDD, NULL, 3, 32, 32, 0);
	CHECK(m && model_out_dim(m) == 128);
	model_free(m);
	m = make(MODEL_DSVDD, "mlp:10-6", 12, 1, 1, 0);
	CHECK(m && model_out_dim(m) == 6 && model_config(m)->rep_dim == 6);
	model_free(m);
	/* errors */
	CHECK(make(MODEL_AE, "conv:", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_AE, "conv:16--32", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_AE, "conv:16-32-", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_AE, "resnet", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_AE, "conv:4-4-4-4-4-4", 1, 28, 28, 0) == NULL);  /* too deep */
	CHECK(make(MODEL_AE, "conv:4", 5, 1, 1, 0) == NULL);              /* not an image */
	CHECK(make(MODEL_AE, "lenet", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_DSVDD, "lenet+sigmoid", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_AE, "+sigmoid", 1, 28, 28, 0) == NULL);
	{
		/* "+sigmoid": outputs in (0, 1), same tensors as without it */
		Model *a = make(MODEL_AE, "conv:4-8+sigmoid", 1, 12, 12, 0), *b = make(MODEL_AE, "conv:4-8", 1, 12, 12, 0);
		CHECK(a && b && model_ntensors(a) == model_ntensors(b));
		CHECK(!strcmp(model_config(a)->arch, "conv:4-8+sigmoid"));
		float x[144 * 2];
		gc_fill(x, 288, 0, 1, &r);
		CHECK(model_forward(a, x, 2, 0) == 0 && model_forward(b, x, 2, 0) == 0);
		for (int i = 0; i < 288; i++)
			CHECK_NEAR(model_out(a)[i], 1.0 / (1.0 + exp(-model_out(b)[i])), 1e-6);
		model_free(a);
		model_free(b);
	}
	CHECK(make(MODEL_DSVDD, "conv:4", 1, 28, 28, 0) == NULL);
	CHECK(make(MODEL_DSVDD, "lenet", 1, 28, 20, 0) == NULL);
	CHECK(model_kind_parse("memae") == MODEL_MEMAE && model_kind_parse("x") == -1);
	{
		ModelConfig cfg;
		model_config_defaults(&cfg, MODEL_MEMAE);
		CHECK(cfg.mem_slots == 100 && cfg.entropy_weight == 0.0002f);
		CHECK(cfg.slope == 0.2f && cfg.relu == 0);
		cfg.dim = 784; cfg.shape[0] = 1; cfg.shape[1] = 28; cfg.shape[2] = 28;
		m = model_new(&cfg);   /* the default shrinkage is 1/N: 1/100 */
		CHECK(m && model_config(m)->shrink == 1.0f / 100);
		model_free(m);
		cfg.mem_slots = 500;   /* the default follows N (ad-train -N 500) */
		m = model_new(&cfg);
		REQUIRE(m != NULL);
		CHECK(model_config(m)->shrink == 1.0f / 500);
		CHECK(model_tensor(m, find(m, "mem.weight")).n == 500 * 64);
		model_free(m);
		model_config_defaults(&cfg, MODEL_DSVDD);
		CHECK(cfg.slope == 0.01f);
	}
	CHECK(!strcmp(model_kind_name(MODEL_DSVDD), "dsvdd"));

	/* ---- gradients ----  a milder LeakyReLU (slope 0.7) keeps the error of a crossed
	 * kink small; the slope-0.2/0.01 paths are checked layer by layer.  The LeNet
	 * models (max-pool, BN with eps 1e-4 behind tiny activations) are so sensitive
	 * that they are checked with slope 1 (the wiring; the decoder's layer sequence
	 * with smooth activations is in test_layers). */
	slope = 0.7f;
	m = make(MODEL_AE, "conv:3-4", 1, 10, 10, 1);
	CHECK(check_model("ae-conv", m, 4, &r));
	model_free(m);
	m = make(MODEL_AE, "conv:2-3", 2, 9, 9, 2);
	CHECK(check_model("ae-conv-odd", m, 3, &r));
	model_free(m);
	m = make(MODEL_AE, "conv:2-3", 1, 7, 10, 8);   /* 7 -> 4 -> 2, 10 -> 5 -> 3: op (1,0), (0,1) */
	REQUIRE(m != NULL);
	CHECK(model_out_dim(m) == 70);
	CHECK(check_model("ae-conv-7x10", m, 3, &r));
	model_free(m);
	m = make(MODEL_AE, "mlp:5-3", 6, 1, 1, 3);
	CHECK(check_model("ae-mlp", m, 5, &r));
	model_free(m);
	m = make(MODEL_AE, "conv:3-4+sigmoid", 1, 8, 8, 9);
	CHECK(check_model("ae-conv-sigmoid", m, 3, &r));
	model_free(m);
	{
		ModelConfig cfg;
		model_config_defaults(&cfg, MODEL_AE);
		snprintf(cfg.arch, sizeof cfg.arch, "mlp:4");
		cfg.dim = 5;
		cfg.relu = 1;
		m = model_new(&cfg);
		CHECK(check_model("ae-mlp-relu", m, 6, &r));
		model_free(m);
	}
	CHECK(check_mem(0.1f, 0.5f, &r));
	CHECK(check_mem(0.0f, 0.5f, &r));
	CHECK(check_mem(0.12f, 0.0f, &r));
	{
		ModelConfig cfg;
		model_config_defaults(&cfg, MODEL_MEMAE);
		cfg.slope = slope;
		snprintf(cfg.arch, sizeof cfg.arch, "conv:3-4");
		cfg.dim = 64; cfg.shape[0] = 1; cfg.shape[1] = 8; cfg.shape[2] = 8;
		cfg.mem_slots = 6; cfg.shrink = 0.05f; cfg.entropy_weight = 0.1f; cfg.seed = 4;
		m = model_new(&cfg);
		CHECK(find(m, "mem.weight") >= 0);
		CHECK(check_model("memae-conv", m, 3, &r));
		CHECK(model_aux_loss(m) > 0);
		model_free(m);
		model_config_defaults(&cfg, MODEL_MEMAE);
		cfg.slope = slope;
		snprintf(cfg.arch, sizeof cfg.arch, "mlp:5-4");
		cfg.dim = 7; cfg.mem_slots = 5; cfg.shrink = 0.02f; cfg.entropy_weight = 0.1f;
		m = model_new(&cfg);
		CHECK(check_model("memae-mlp", m, 6, &r));
		model_free(m);
	}
	{
		ModelConfig cfg;
		model_config_defaults(&cfg, MODEL_DSVDD);
		cfg.slope = slope;
		snprintf(cfg.arch, sizeof cfg.arch, "lenet:2-3");
		cfg.dim = 144; cfg.shape[0] = 1; cfg.shape[1] = 12; cfg.shape[2] = 12;
		cfg.rep_dim = 16; cfg.seed = 6; cfg.slope = 1.0f;
		m = model_new(&cfg);
		REQUIRE(m != NULL);
		model_set_phase(m, PHASE_PRETRAIN);
		CHECK(model_phase(m) == PHASE_PRETRAIN && model_out_dim(m) == 144);
		CHECK(check_model("dsvdd-lenet-pretrain", m, 4, &r));
		model_set_phase(m, PHASE_MAIN);
		float x[144 * 5];
		gc_fill(x, 144 * 5, 0, 1, &r);
		CHECK(model_init_center(m, x, 5) == 0);
		ModelTensor c = model_tensor(m, find(m, "center"));
		for (size_t j = 0; j < c.n; j++)
			CHECK(fabsf(c.data[j]) >= 0.1f - 1e-7f);
		int dec_active = 0;
		for (int i = 0; i < model_ntensors(m); i++) {
			ModelTensor t = model_tensor(m, i);
			if (t.active && !strncmp(t.name, "dec.", 4)) dec_active++;
		}
		CHECK(dec_active == 0);
		CHECK(check_model("dsvdd-lenet", m, 4, &r));
		CHECK(model_forward(m, x, 5, 0) == 0);
		CHECK(!memcmp(model_target(m) + 16, c.data, 16 * 4));
		model_free(m);

		model_config_defaults(&cfg, MODEL_DSVDD);
		cfg.slope = slope;
		snprintf(cfg.arch, sizeof cfg.arch, "mlp:6-4");
		cfg.dim = 5; cfg.seed = 8;
		m = model_new(&cfg);
		model_set_phase(m, PHASE_PRETRAIN);
		CHECK(model_out_dim(m) == 5);
		CHECK(check_model("dsvdd-mlp-pretrain", m, 5, &r));
		model_set_phase(m, PHASE_MAIN);
		CHECK(model_out_dim(m) == 4);
		CHECK(check_model("dsvdd-mlp", m, 5, &r));
		model_free(m);
	}

	slope = 0;

	/* ---- centre: mean of eval-mode embeddings, then |c| < 0.1 -> +-0.1 ---- */
	{
		m = make(MODEL_DSVDD, "mlp:3", 2, 1, 1, 0);
		int iw = find(m, "enc.0.linear.weight");
		float *w = model_tensor(m, iw).data;
		float W[6] = { 1, 0, 0, 1, 0.01f, -0.01f };
		memcpy(w, W, sizeof W);
		float x[4] = { 1, 3, 0.5f, -1 };   /* rows (1,3), (0.5,-1) */
		CHECK(model_init_center(m, x, 2) == 0);
		float *c = model_tensor(m, find(m, "center")).data;
		CHECK_NEAR(c[0], 0.75, 1e-7);
		CHECK_NEAR(c[1], 1.0, 1e-7);
		CHECK_NEAR(c[2], -0.1, 1e-7);   /* 0.0075 - 0.01 = -0.0025 -> -0.1 */
		memset(w, 0, 6 * 4);
		CHECK(model_init_center(m, x, 2) == 0);
		CHECK(c[0] == 0.1f && c[1] == 0.1f);   /* exact 0 -> +eps */
		/* scores against the centre: sum and mean */
		memcpy(w, W, sizeof W);
		CHECK(model_forward(m, x, 2, 0) == 0);
		double s[2];
		model_scores(m, 2, 0, s);
		CHECK_NEAR(s[0], (1 - 0.1) * (1 - 0.1) + (3 - 0.1) * (3 - 0.1) + (-0.02 - 0.1) * (-0.02 - 0.1), 1e-5);
		model_scores(m, 2, 1, s);
		CHECK_NEAR(s[1], ((0.5 - 0.1) * (0.5 - 0.1) + (-1 - 0.1) * (-1 - 0.1) + (0.015 - 0.1) * (0.015 - 0.1)) / 3, 1e-5);
		CHECK(model_init_center(m, x, 0) < 0);
		model_free(m);
	}

	/* ---- Adam: values from torch's update rule, worked in double ---- */
	{
		float w = 1, g = 0.5f, mm = 0, v = 0;
		adam_update(&w, &g, &mm, &v, 1, 0.01f, 0.1f, 0.9f, 0.999f, 1e-8f, 1);
		CHECK_NEAR(w, 0.9900000001666667, 2e-7);
		adam_update(&w, &g, &mm, &v, 1, 0.01f, 0.1f, 0.9f, 0.999f, 1e-8f, 2);
		CHECK_NEAR(w, 0.9800004386015699, 2e-7);
		g = -2.0f;
		adam_update(&w, &g, &mm, &v, 1, 0.01f, 0.1f, 0.9f, 0.999f, 1e-8f, 3);
		CHECK_NEAR(w, 0.9826908165706689, 2e-7);
	}
	{
		m = make(MODEL_DSVDD, "mlp:3-2", 4, 1, 1, 0);
		Adam *a = adam_new(m, 0.1f, 0.0f);
		int nenc = 0;
		for (int i = 0; i < model_ntensors(m); i++) {
			ModelTensor t = model_tensor(m, i);
			nenc += t.grad && !strncmp(t.name, "enc.", 4);
		}
		CHECK(adam_nstate(a) == nenc);
		float *am, *av;
		size_t n;
		CHECK(!strcmp(adam_state(a, 0, &am, &av, &n), "enc.0.linear.weight") && n == 12);
		ModelTensor t0 = model_tensor(m, 0);
		float before = t0.data[0];
		model_zero_grad(m);
		t0.grad[0] = 1.0f;
		adam_step(a);
		CHECK(adam_get_t(a) == 1);
		CHECK_NEAR(t0.data[0], before - 0.1, 1e-6);
		CHECK_NEAR(am[0], 0.1, 1e-7);
		CHECK(t0.data[1] == model_tensor(m, 0).data[1]);
		adam_set_t(a, 5);
		CHECK(adam_get_t(a) == 5);
		adam_free(a);
		model_set_phase(m, PHASE_PRETRAIN);
		a = adam_new(m, 0.1f, 0.0f);
		CHECK(adam_nstate(a) > nenc);
		adam_free(a);
		model_free(m);
	}

	/* ---- adam_step() in tasks over the workers: bit for bit adam_update() on
	 * each tensor (the conv AE's tensors span up to 5 tasks of values) ---- */
	{
		Model *p = make(MODEL_AE, NULL, 1, 28, 28, 5), *q = make(MODEL_AE, NULL, 1, 28, 28, 5);
		Adam *a = adam_new(p, 1e-3f, 1e-2f);
		int nt = model_ntensors(q), same = 1, states = 0;
		float **qm = ad_xcalloc((size_t)nt, sizeof *qm), **qv = ad_xcalloc((size_t)nt, sizeof *qv);
		Rng gr;
		rng_seed(&gr, 77);
		nn_set_threads(2);
		for (long step = 1; step <= 3; step++) {
			for (int i = 0; i < nt; i++) {
				ModelTensor tp = model_tensor(p, i), tq = model_tensor(q, i);
				if (!tq.grad)
					continue;
				for (size_t k = 0; k < tq.n; k++)
					tp.grad[k] = tq.grad[k] = (float)(rng_uniform(&gr) - 0.5);
			}
			adam_step(a);
			for (int i = 0; i < nt; i++) {
				ModelTensor tq = model_tensor(q, i);
				if (!tq.grad || !tq.active)
					continue;
				if (!qm[i]) {
					qm[i] = ad_xcalloc(tq.n, sizeof(float));
					qv[i] = ad_xcalloc(tq.n, sizeof(float));
				}
				adam_update(tq.data, tq.grad, qm[i], qv[i], tq.n, 1e-3f, tq.decay ? 1e-2f : 0.0f,
				            ADAM_BETA1, ADAM_BETA2, ADAM_EPS, step);
			}
		}
		nn_set_threads(1);
		for (int i = 0; i < nt; i++) {
			ModelTensor tp = model_tensor(p, i), tq = model_tensor(q, i);
			same &= tp.n == tq.n && !memcmp(tp.data, tq.data, tq.n * sizeof(float));
		}
		for (int s = 0; s < adam_nstate(a); s++) {
			float *am, *av;
			size_t n;
			const char *name = adam_state(a, s, &am, &av, &n);
			for (int i = 0; i < nt; i++)
				if (qm[i] && !strcmp(model_tensor(q, i).name, name)) {
					same &= !memcmp(am, qm[i], n * sizeof(float)) &&
					        !memcmp(av, qv[i], n * sizeof(float));
					states++;
				}
		}
		CHECK(same);
		CHECK(states == adam_nstate(a) && states > 0);
		for (int i = 0; i < nt; i++) {
			free(qm[i]);
			free(qv[i]);
		}
		free(qm);
		free(qv);
		adam_free(a);
		model_free(p);
		model_free(q);
	}

	for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++)
		golden(&goldens[i]);

	/* ---- determinism: same seed same model; threads 1/2/3 bit-identical ---- */
	{
		Model *a = make(MODEL_AE, NULL, 1, 28, 28, 11), *b = make(MODEL_AE, NULL, 1, 28, 28, 11);
		Model *c = make(MODEL_AE, NULL, 1, 28, 28, 12);
		ModelTensor ta = model_tensor(a, 0), tb = model_tensor(b, 0), tc = model_tensor(c, 0);
		CHECK(!memcmp(ta.data, tb.data, ta.n * 4) && memcmp(ta.data, tc.data, ta.n * 4));
		model_free(a); model_free(b); model_free(c);
	}
	/* evaluation mode: a row's output does not depend on the rows scored with it
	 * (model_forward runs in passes of a few rows), for 1 and 2 threads */
	for (int t = 1; t <= 2; t++) {
		Rng rs;
		rng_seed(&rs, 5);
		nn_set_threads(t);
		Model *me = make(MODEL_AE, NULL, 1, 28, 28, 13);
		int B = 150, same = 1;
		float *x = ad_xmalloc((size_t)B * 784 * 4), *all = ad_xmalloc((size_t)B * 784 * 4);
		gc_fill(x, (size_t)B * 784, 0, 1, &rs);
		CHECK(model_forward(me, x, B, 0) == 0);
		memcpy(all, model_out(me), (size_t)B * 784 * 4);
		for (int r0 = 0; r0 < B; r0 += 7) {
			int n = B - r0 < 7 ? B - r0 : 7;
			CHECK(model_forward(me, x + (size_t)r0 * 784, n, 0) == 0);
			same &= !memcmp(all + (size_t)r0 * 784, model_out(me), (size_t)n * 784 * 4);
		}
		CHECK(same);
		free(x);
		free(all);
		model_free(me);
		nn_set_threads(1);
	}
	threads_identical(MODEL_AE, NULL, 1, 28, 28);
	threads_identical(MODEL_MEMAE, "conv:8-16", 1, 16, 16);
	threads_identical(MODEL_AE, "mlp:64-16", 40, 1, 1);
	threads_identical(MODEL_DSVDD, NULL, 1, 28, 28);
	eval_scores_match(MODEL_AE, NULL, 1, 28, 28);
	eval_scores_match(MODEL_AE, "conv:8-16", 3, 16, 16);
	eval_scores_match(MODEL_AE, "mlp:64-16", 40, 1, 1);
	eval_scores_match(MODEL_MEMAE, "conv:8-16", 1, 16, 16);
	eval_scores_match(MODEL_DSVDD, NULL, 1, 28, 28);
	eval_scores_match(MODEL_DSVDD, "mlp:32-8", 40, 1, 1);
	return UNIT_DONE();
}
