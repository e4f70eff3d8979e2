/* test_rows.c: the work of a training batch around the network's layers, bit for
 * bit against plain serial computations written here, for 1, 2 and 3 threads:
 * the batch's rows gathered from the data (adv_gather()), the per-sample scores
 * s_i = sum_j (out_ij - target_ij)^2 (model_scores(), model.h), the loss
 * gradient dL/d(out_ij) = 2 dL/ds_i (out_ij - target_ij) (loss_eval(), with the
 * hetero loss of Algorithm 1 of "Heterogeneous loss function with aggressive
 * rejection for contaminated data in anomaly detection" and plain MSE), the GA
 * loss (its equation 3: Barron's loss per dimension, ga.h) with its terms
 * computed together (ga_terms()), and Adam's update (optim.h, torch.optim.Adam's
 * formula).  The sizes are above the
 * work under which the pool runs a job on the calling thread alone. */
#include "advec.h"
#include "ga.h"
#include "gradcheck.h"
#include "loss.h"
#include "model.h"
#include "nn.h"
#include "optim.h"
#include "util.h"
#include "unit.h"
#include <string.h>

static void test_gather(int compact)
{
	const int dim = 1000, n = 50, nb = 41;
	Rng r;
	rng_seed(&r, 7 + compact);
	AdvData d;
	memset(&d, 0, sizeof d);
	d.info.dim = dim;
	d.n = n;
	d.label = ad_xmalloc(n * sizeof *d.label);
	float *want = ad_xmalloc((size_t)nb * dim * 4), *got = ad_xmalloc((size_t)nb * dim * 4);
	int idx[41], lab[41];
	if (compact) {
		d.code = ad_xmalloc((size_t)n * dim);
		d.palette = ad_xmalloc(256 * sizeof(float));
		for (int k = 0; k < 256; k++)
			d.palette[k] = (float)rng_uniform(&r);
		for (size_t k = 0; k < (size_t)n * dim; k++)
			d.code[k] = (unsigned char)(rng_uniform(&r) * 256);
	} else {
		d.x = ad_xmalloc((size_t)n * dim * 4);
		gc_fill(d.x, (size_t)n * dim, -1, 1, &r);
	}
	for (int i = 0; i < n; i++)
		d.label[i] = rng_uniform(&r) < 0.3;
	for (int i = 0; i < nb; i++)
		idx[i] = (int)(rng_uniform(&r) * n);
	for (int i = 0; i < nb; i++)
		for (int j = 0; j < dim; j++) {
			size_t at = (size_t)idx[i] * dim + j;
			want[(size_t)i * dim + j] = compact ? d.palette[d.code[at]] : d.x[at];
		}
	for (int t = 1; t <= 3; t++) {
		nn_set_threads(t);
		memset(got, 0xff, (size_t)nb * dim * 4);
		memset(lab, 0xff, sizeof lab);
		adv_gather(&d, idx, nb, got, lab);
		CHECK(!memcmp(got, want, (size_t)nb * dim * 4));
		int same = 1;
		for (int i = 0; i < nb; i++)
			same &= lab[i] == d.label[idx[i]];
		CHECK(same);
		adv_gather(&d, idx, nb, got, NULL);   /* rows only */
		CHECK(!memcmp(got, want, (size_t)nb * dim * 4));
	}
	nn_set_threads(1);
	free(want);
	free(got);
	adv_data_free(&d);
}

static Model *make(int kind, const char *arch, int c, int h, int w)
{
	ModelConfig cfg;
	model_config_defaults(&cfg, kind);
	snprintf(cfg.arch, sizeof cfg.arch, "%s", arch);
	cfg.dim = c * h * w;
	cfg.shape[0] = c;
	cfg.shape[1] = h;
	cfg.shape[2] = w;
	cfg.seed = 3;
	return model_new(&cfg);
}

/* model_scores() after a training forward against the sums written out here;
 * the target is x itself for the AEs, the centre for DSVDD's main phase */
static void test_scores(int kind, const char *arch, int c, int h, int w)
{
	const int B = 45;
	Model *m = make(kind, arch, c, h, w);
	REQUIRE(m);
	int dim = c * h * w;
	Rng r;
	rng_seed(&r, 11);
	float *x = ad_xmalloc((size_t)B * dim * 4);
	gc_fill(x, (size_t)B * dim, 0, 1, &r);
	if (kind == MODEL_DSVDD)
		REQUIRE(model_init_center(m, x, B) == 0);
	for (int t = 1; t <= 3; t++) {
		nn_set_threads(t);
		REQUIRE(model_forward(m, x, B, 1) == 0);
		int D = model_out_dim(m);
		const float *o = model_out(m), *tg = model_target(m);
		if (kind == MODEL_DSVDD) {
			ModelTensor ct = model_tensor(m, model_ntensors(m) - 1);
			int same = !strcmp(ct.name, "center") && (int)ct.n == D;
			for (int i = 0; i < B && same; i++)
				same = !memcmp(tg + (size_t)i * D, ct.data, (size_t)D * 4);
			CHECK(same);
		} else {
			CHECK(D == dim && !memcmp(tg, x, (size_t)B * dim * 4));
		}
		for (int mean = 0; mean < 2; mean++) {
			double s[45], want[45];
			for (int i = 0; i < B; i++) {
				double a = 0;
				for (int j = 0; j < D; j++) {
					double e = (double)o[(size_t)i * D + j] - tg[(size_t)i * D + j];
					a += e * e;
				}
				want[i] = mean ? a / D : a;
			}
			memset(s, 0xff, sizeof s);
			model_scores(m, B, mean, s);
			if (memcmp(s, want, sizeof s))
				fprintf(stderr, "scores of %s %dx%dx%d, %d threads, mean %d differ\n",
				        arch, c, h, w, t, mean);
			CHECK(!memcmp(s, want, sizeof s));
		}
	}
	nn_set_threads(1);
	free(x);
	model_free(m);
}

/* loss_eval()'s dL/d(out) against 2 g_i (out - target) [/ D] with g_i = dL/ds_i
 * written out: w_i / B for MSE, w_i rho'(s_i; alpha_i, c) / B for hetero */
static void test_loss_grad(int kind, int mean)
{
	const int B = 37, D = 1000;
	Rng r;
	rng_seed(&r, 5);
	LossConfig c;
	loss_config_defaults(&c, kind);
	c.score_mean = mean;
	Loss *l = loss_new(&c, D, B);
	REQUIRE(l);
	float *out = ad_xmalloc((size_t)B * D * 4), *tg = ad_xmalloc((size_t)B * D * 4);
	float *d = ad_xmalloc((size_t)B * D * 4), *want = ad_xmalloc((size_t)B * D * 4);
	double s[37], w[37], alpha[37], z[37];
	gc_fill(out, (size_t)B * D, 0, 1, &r);
	gc_fill(tg, (size_t)B * D, 0, 1, &r);
	for (int i = 0; i < B; i++) {   /* a few rows far off: rejected or soft-weighted */
		double a = 0, k = i % 9 == 0 ? 3.0 : 1.0;
		for (int j = 0; j < D; j++) {
			out[(size_t)i * D + j] *= (float)k;
			double e = (double)out[(size_t)i * D + j] - tg[(size_t)i * D + j];
			a += e * e;
		}
		s[i] = mean ? a / D : a;
	}
	loss_weights(l, s, B, w, alpha, z);
	for (int i = 0; i < B; i++) {
		double g = kind == LOSS_HETERO ? w[i] * ga_drho_ds(s[i], alpha[i], c.c) / B
		                               : w[i] / B;
		double f = 2.0 * g / (mean ? D : 1);
		for (int j = 0; j < D; j++) {
			size_t k = (size_t)i * D + j;
			want[k] = (float)(f * ((double)out[k] - (double)tg[k]));
		}
	}
	for (int t = 1; t <= 3; t++) {
		nn_set_threads(t);
		memset(d, 0xff, (size_t)B * D * 4);
		double L = loss_eval(l, 1, out, tg, s, w, alpha, B, d, NULL);
		CHECK(isfinite(L));
		if (memcmp(d, want, (size_t)B * D * 4))
			fprintf(stderr, "loss %s mean %d, %d threads: dL/dout differs\n",
			        loss_kind_name(kind), mean, t);
		CHECK(!memcmp(d, want, (size_t)B * D * 4));
	}
	nn_set_threads(1);
	free(out); free(tg); free(d); free(want);
	loss_free(l);
}

/* ga_terms() against ga_rho() and ga_drho_ds() bit for bit, and d rho/dc =
 * -(2 y / c) d rho/dy, over the special shapes and general ones (ga_drho_dalpha()
 * and ga_drho_dc() are ga_terms()'s values: test_stats.c checks them against
 * finite differences) */
static void test_ga_terms(void)
{
	const double al[] = { 2, 1, 0, INFINITY, -INFINITY, 1.5, 0.001, 1.999, 1 + 1e-12, 2.5, -2, 4 };
	const double ss[] = { 0, 1e-20, 0.3, 1, 7.5, 1e4 }, cs[] = { 0.7071067811865476, 1, 2.5 };
	int same = 1;
	for (size_t a = 0; a < sizeof al / sizeof *al; a++)
		for (size_t k = 0; k < sizeof ss / sizeof *ss; k++)
			for (size_t m = 0; m < sizeof cs / sizeof *cs; m++) {
				GaTerms t;
				double s = ss[k], c = cs[m], alpha = al[a];
				ga_terms(s, alpha, c, &t);
				double y = s / (c * c), dc = -2 * y / c * ga_drho_ds(s, alpha, c) * (c * c);
				double want[2] = { ga_rho(s, alpha, c), ga_drho_ds(s, alpha, c) };
				double got[2] = { t.rho, t.ds };
				int dc_ok = t.dc == dc || fabs(t.dc - dc) <= 1e-12 * fabs(dc);
				if (memcmp(got, want, sizeof got) || !dc_ok) {
					fprintf(stderr, "ga_terms(%g, %g, %g) differs\n", s, alpha, c);
					same = 0;
				}
			}
	CHECK(same);
}

/* the GA loss over the threads against one thread's sums written out here: L is
 * the mean over rows of sum_j (rho + log c_j + log Z(alpha_j)) [/ D], added j by
 * j, row by row; dL/d(out) = rho'(s) 2 r [/ D] / B; the parameters' gradients the
 * same for every thread count */
static void test_ga_loss(int mean)
{
	const int B = 30, D = 121;
	Rng r;
	rng_seed(&r, 21);
	LossConfig c;
	loss_config_defaults(&c, LOSS_GA);
	c.score_mean = mean;
	float *out = ad_xmalloc((size_t)B * D * 4), *tg = ad_xmalloc((size_t)B * D * 4);
	float *d = ad_xmalloc((size_t)B * D * 4), *want = ad_xmalloc((size_t)B * D * 4);
	float ga1[121], gc1[121];
	double s[30] = { 0 }, w[30], al[30], alpha[121], scale[121];
	gc_fill(out, (size_t)B * D, 0, 2, &r);
	gc_fill(tg, (size_t)B * D, 0, 1, &r);
	for (int t = 1; t <= 3; t++) {
		nn_set_threads(t);
		Loss *l = loss_new(&c, D, B);
		REQUIRE(l);
		float *ta = loss_state(l).theta_a, *tc = loss_state(l).theta_c;
		Rng rp;
		rng_seed(&rp, 22);   /* the same parameters for every thread count */
		for (int j = 0; j < D; j++) {   /* shapes and scales of every kind */
			ta[j] = (float)(4 * rng_uniform(&rp) - 2);
			tc[j] = (float)(2 * rng_uniform(&rp) - 1);
		}
		loss_sync(l);
		loss_ga_params(l, alpha, scale);
		double sc = mean ? 1.0 / D : 1.0, sum = 0, konst = 0;
		for (int j = 0; j < D; j++) {
			konst += log(scale[j]) + ga_logz(alpha[j]);
			for (int i = 0; i < B; i++) {
				size_t k = (size_t)i * D + j;
				double e = (double)out[k] - (double)tg[k];
				sum += ga_rho(e * e, alpha[j], scale[j]);
				want[k] = (float)(ga_drho_ds(e * e, alpha[j], scale[j]) * 2.0 * e * sc / B);
			}
		}
		double L = loss_eval(l, 1, out, tg, s, w, al, B, d, NULL);
		double wantL = (sum / B + konst) * sc;
		CHECK(!memcmp(&L, &wantL, sizeof L));
		CHECK(!memcmp(d, want, (size_t)B * D * 4));
		if (t == 1) {
			memcpy(ga1, loss_state(l).grad_a, sizeof ga1);
			memcpy(gc1, loss_state(l).grad_c, sizeof gc1);
		} else {
			CHECK(!memcmp(ga1, loss_state(l).grad_a, sizeof ga1));
			CHECK(!memcmp(gc1, loss_state(l).grad_c, sizeof gc1));
		}
		loss_free(l);
	}
	nn_set_threads(1);
	free(out); free(tg); free(d); free(want);
}

/* adam_update() over a long vector against torch.optim.Adam's step for each
 * value: m, v the moving averages, w -= lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps) */
static void test_adam(float wd)
{
	enum { N = 1003 };
	static float w[N], g[N], m[N], v[N], rw[N], rm[N], rv[N];
	Rng r;
	rng_seed(&r, 9);
	gc_fill(w, N, -1, 1, &r);
	memcpy(rw, w, sizeof w);
	memset(m, 0, sizeof m); memset(v, 0, sizeof v);
	memset(rm, 0, sizeof rm); memset(rv, 0, sizeof rv);
	const float lr = 1e-3f, b1 = ADAM_BETA1, b2 = ADAM_BETA2, eps = ADAM_EPS;
	for (long t = 1; t <= 3; t++) {
		gc_fill(g, N, -2, 2, &r);
		adam_update(w, g, m, v, N, lr, wd, b1, b2, eps, t);
		float lr_t = (float)((double)lr / (1.0 - pow((double)b1, (double)t)));
		float root = (float)sqrt(1.0 - pow((double)b2, (double)t));
		for (int i = 0; i < N; i++) {
			float gr = wd != 0.0f ? g[i] + wd * rw[i] : g[i];
			rm[i] = rm[i] + (1.0f - b1) * (gr - rm[i]);
			rv[i] = b2 * rv[i] + (1.0f - b2) * gr * gr;
			rw[i] = rw[i] - lr_t * (rm[i] / (sqrtf(rv[i]) / root + eps));
		}
		CHECK(!memcmp(m, rm, sizeof m) && !memcmp(v, rv, sizeof v));
		CHECK(!memcmp(w, rw, sizeof w));
	}
}

int main(void)
{
	test_gather(0);
	test_gather(1);
	test_scores(MODEL_AE, "conv:4-8", 1, 28, 28);   /* one channel: rows in place */
	test_scores(MODEL_AE, "conv:4-8", 3, 16, 16);
	test_scores(MODEL_AE, "mlp:16-8", 800, 1, 1);
	test_scores(MODEL_MEMAE, "conv:4-8", 1, 28, 28);
	test_scores(MODEL_DSVDD, "mlp:16-8", 800, 1, 1);
	for (int mean = 0; mean < 2; mean++) {
		test_loss_grad(LOSS_MSE, mean);
		test_loss_grad(LOSS_HETERO, mean);
	}
	test_ga_terms();
	test_ga_loss(0);
	test_ga_loss(1);
	test_adam(0.0f);
	test_adam(0.01f);
	return UNIT_DONE();
}
