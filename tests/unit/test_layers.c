/* test_layers.c: every layer type of nn.h against finite differences (input and
 * parameter gradients, batch-norm in train mode), convolutions against a naive
 * direct convolution, and bit-identity of a forward + backward across threads.
 * Loss: L = sum_i y_i r_i for a fixed random r, so dL/dy = r.
 * Tolerance: central differences in float with step 1e-2; an element passes if
 * |num - ana| <= 2e-3 + 1e-2 |ana| (inputs keep 0.05 away from any kink). */
#include "unit.h"
#include "gradcheck.h"
#include "nn.h"
#include "util.h"

/* the layers' scratch, as a model owns it */
static NnWork work;

typedef struct {
	Seq *s;
	float *x, *r;
	int B;
	size_t nout;
} Ctx;

static double loss(void *p)
{
	Ctx *c = p;
	float *y = seq_forward(c->s, &work, c->x, c->B, 1);
	return gc_dot(y, c->r, c->nout);
}

/* Finite-difference check of a sequence on input [C][B][HW]: input gradient and
 * every parameter.  Returns the number of failing elements. */
static float step = 1e-2f;

static int check_seq(const char *what, Seq *s, int B, int away, Rng *rg)
{
	int c, h, w;
	size_t nin = (size_t)s->L[0].ic * s->L[0].ih * s->L[0].iw * B;
	seq_out_shape(s, &c, &h, &w);
	size_t nout = (size_t)c * h * w * B;
	float *x = ad_xmalloc(nin * 4), *r = ad_xmalloc(nout * 4), *dx = ad_xmalloc(nin * 4);
	if (away)
		gc_fill_away(x, nin, 0.05, 1.0, rg);
	else
		gc_fill(x, nin, -1.0, 1.0, rg);
	gc_fill(r, nout, -1.0, 1.0, rg);
	Ctx ctx = { s, x, r, B, nout };
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		if (l->gw) memset(l->gw, 0, l->nw * 4);
		if (l->gb) memset(l->gb, 0, (size_t)l->oc * 4);
	}
	seq_forward(s, &work, x, B, 1);
	seq_backward(s, &work, r, dx, B);
	char name[80];
	int bad = 0;
	snprintf(name, sizeof name, "%s dx", what);
	bad += gc_check(name, loss, &ctx, x, dx, nin, step, 2e-3, 1e-2, 400);
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		size_t nb = l->type == NN_BN ? (size_t)l->ic : (size_t)l->oc;
		if (l->gw) {
			float *g = ad_xmalloc(l->nw * 4);
			memcpy(g, l->gw, l->nw * 4);
			snprintf(name, sizeof name, "%s %s.weight", what, l->name);
			bad += gc_check(name, loss, &ctx, l->w, g, l->nw, step, 2e-3, 1e-2, 400);
			free(g);
		}
		if (l->gb) {
			float *g = ad_xmalloc(nb * 4);
			memcpy(g, l->gb, nb * 4);
			snprintf(name, sizeof name, "%s %s.bias", what, l->name);
			bad += gc_check(name, loss, &ctx, l->b, g, nb, step, 2e-3, 1e-2, 400);
			free(g);
		}
	}
	free(x); free(r); free(dx);
	return bad;
}

/* naive direct convolution, input and output [C][B][H][W] */
static void naive_conv(const Layer *l, const float *x, float *y, int B)
{
	for (int co = 0; co < l->oc; co++)
		for (int b = 0; b < B; b++)
			for (int oy = 0; oy < l->oh; oy++)
				for (int ox = 0; ox < l->ow; ox++) {
					double s = l->bias ? l->b[co] : 0.0;
					for (int ci = 0; ci < l->ic; ci++)
						for (int ky = 0; ky < l->k; ky++)
							for (int kx = 0; kx < l->k; kx++) {
								int iy = oy * l->stride - l->pad + ky;
								int ix = ox * l->stride - l->pad + kx;
								if (iy < 0 || iy >= l->ih || ix < 0 || ix >= l->iw)
									continue;
								s += (double)l->w[((co * l->ic + ci) * l->k + ky) * l->k + kx] *
								     x[(((size_t)ci * B + b) * l->ih + iy) * l->iw + ix];
							}
					y[(((size_t)co * B + b) * l->oh + oy) * l->ow + ox] = (float)s;
				}
}

/* naive transposed convolution: scatter every input pixel through the kernel */
static void naive_convt(const Layer *l, const float *x, float *y, int B)
{
	size_t no = (size_t)l->oc * B * l->oh * l->ow;
	double *acc = calloc(no, sizeof *acc);
	for (int ci = 0; ci < l->ic; ci++)
		for (int b = 0; b < B; b++)
			for (int iy = 0; iy < l->ih; iy++)
				for (int ix = 0; ix < l->iw; ix++) {
					double v = x[(((size_t)ci * B + b) * l->ih + iy) * l->iw + ix];
					for (int co = 0; co < l->oc; co++)
						for (int ky = 0; ky < l->k; ky++)
							for (int kx = 0; kx < l->k; kx++) {
								int oy = iy * l->stride - l->pad + ky;
								int ox = ix * l->stride - l->pad + kx;
								if (oy < 0 || oy >= l->oh || ox < 0 || ox >= l->ow)
									continue;
								acc[(((size_t)co * B + b) * l->oh + oy) * l->ow + ox] +=
									v * l->w[((ci * l->oc + co) * l->k + ky) * l->k + kx];
							}
				}
	for (size_t i = 0; i < no; i++) {
		int co = (int)(i / ((size_t)B * l->oh * l->ow));
		y[i] = (float)(acc[i] + (l->bias ? l->b[co] : 0.0));
	}
	free(acc);
}

static double conv_vs_naive(Seq *s, int B, Rng *rg)
{
	Layer *l = &s->L[0];
	size_t nin = layer_in_size(l) * B, nout = layer_out_size(l) * B;
	float *x = ad_xmalloc(nin * 4), *ref = ad_xmalloc(nout * 4);
	gc_fill(x, nin, -1, 1, rg);
	float *y = seq_forward(s, &work, x, B, 0);
	if (l->type == NN_CONV)
		naive_conv(l, x, ref, B);
	else
		naive_convt(l, x, ref, B);
	double worst = 0.0;
	for (size_t i = 0; i < nout; i++)
		if (fabs(y[i] - ref[i]) > worst)
			worst = fabs(y[i] - ref[i]);
	free(x); free(ref);
	return worst;
}

/* Forward, then backward of one conv / conv-transpose layer (output, dx, weight and
 * bias gradients, concatenated into out), with nn.c's stride-2 im2col / col2im
 * path on or off (nn_col2_off). */
static size_t run_col(const int *c, int transposed, int B, int off, float *out)
{
	Rng r;
	rng_seed(&r, 11);
	Seq s;
	seq_init(&s);
	seq_input(&s, c[0], c[1], c[2]);
	if (transposed)
		seq_convt2(&s, "t", c[3], c[4], 2, c[5], c[6], c[7], 1, &r);
	else
		seq_conv(&s, "c", c[3], c[4], 2, c[5], 1, &r);
	Layer *l = &s.L[0];
	size_t nin = layer_in_size(l) * B, nout = layer_out_size(l) * B, n = 0;
	float *x = ad_xmalloc(nin * 4), *dy = ad_xmalloc(nout * 4);
	gc_fill(x, nin, -1, 1, &r);
	gc_fill(dy, nout, -1, 1, &r);
	nn_col2_off = off;
	memcpy(out + n, seq_forward(&s, &work, x, B, 1), nout * 4);
	n += nout;
	memset(l->gw, 0, l->nw * 4);
	memset(l->gb, 0, (size_t)l->oc * 4);
	seq_backward(&s, &work, dy, out + n, B);
	n += nin;
	memcpy(out + n, l->gw, l->nw * 4);
	n += l->nw;
	memcpy(out + n, l->gb, (size_t)l->oc * 4);
	n += (size_t)l->oc;
	nn_col2_off = 0;
	free(x); free(dy);
	seq_free(&s);
	return n;
}

/* sum in double in 8 interleaved lanes, element i into lane i mod 8, the lanes
 * added pairwise: the order nn.h promises for the batch-norm statistics */
static double lanes8(const float *x, const float *w, double m, double sc, size_t n, int sq)
{
	double a[8] = { 0 };
	for (size_t i = 0; i < n; i++) {
		double d = sq ? (x[i] - m) : (w ? w[i] * ((x[i] - m) * sc) : (double)x[i]);
		a[i % 8] += sq ? d * d : d;
	}
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* Batch norm + LeakyReLU (fused) over C channels of B x S values, forward and
 * backward, against the formulas in that order: outputs, running statistics,
 * dx and the parameter gradients to the bit (C = 5: a group of channels side by
 * side and one alone; n = B S not a multiple of 8: the lanes' tails; n > 17) */
static void bn_exact(int C, int B, int S, Rng *r)
{
	Seq s;
	seq_init(&s);
	seq_input(&s, C, 1, S);
	seq_bn(&s, "bn", 1, 1e-5f);
	seq_lrelu(&s, 0.1f);
	Layer *l = &s.L[0];
	size_t n = (size_t)B * S, N = (size_t)C * n;
	gc_fill(l->w, C, 0.5, 1.5, r);
	gc_fill(l->b, C, -0.5, 0.5, r);
	float *x = ad_xmalloc(N * 4), *dy = ad_xmalloc(N * 4), *dx = ad_xmalloc(N * 4);
	float *y = ad_xmalloc(N * 4), *g = ad_xmalloc(n * 4);
	gc_fill(x, N, -2, 3, r);
	gc_fill(dy, N, -1, 1, r);
	for (int c = 0; c < C; c++) {   /* +-2^60 in lane 1: the values between them are
	                                   lost in another order of the lanes */
		x[c * n + 1] = 0x1p60f;
		x[c * n + 17] = -0x1p60f;
	}
	memcpy(y, seq_forward(&s, &work, x, B, 1), N * 4);
	memset(l->gw, 0, C * 4);
	memset(l->gb, 0, C * 4);
	seq_backward(&s, &work, dy, dx, B);
	int bad = 0;
	for (int c = 0; c < C; c++) {
		const float *xc = x + c * n, *dc = dy + c * n;
		double mean = lanes8(xc, NULL, 0, 0, n, 0) / (double)n;
		double ss = lanes8(xc, NULL, mean, 0, n, 1), invstd = 1.0 / sqrt(ss / n + 1e-5f);
		float a = (float)(l->w[c] * invstd), m = (float)mean, o = l->b[c];
		double mo = l->momentum;   /* running statistics from 0 and 1 */
		bad += l->rmean[c] != (float)((1.0 - mo) * 0.0 + mo * mean);
		bad += l->rvar[c] != (float)((1.0 - mo) * 1.0 + mo * ss / (double)(n - 1));
		for (size_t i = 0; i < n; i++) {
			float v = (xc[i] - m) * a + o, yv = v * (v > 0.0f ? 1.0f : 0.1f);
			bad += memcmp(&yv, &y[c * n + i], 4) != 0;
			g[i] = dc[i] * (yv > 0.0f ? 1.0f : 0.1f);
		}
		double sdy = lanes8(g, NULL, 0, 0, n, 0), sdyx = lanes8(xc, g, mean, invstd, n, 0);
		bad += l->gw[c] != (float)sdyx || l->gb[c] != (float)sdy;
		double k = l->w[c] * invstd;
		float bx = (float)(-k * invstd * sdyx / (double)n), ob = (float)(-k * sdy / (double)n);
		for (size_t i = 0; i < n; i++) {
			float d = (float)k * g[i] + bx * (xc[i] - m) + ob;
			bad += memcmp(&d, &dx[c * n + i], 4) != 0;
		}
	}
	CHECK(bad == 0);
	free(x); free(dy); free(dx); free(y); free(g);
	seq_free(&s);
}

/* A convolution's bias gradient (5 channels: a group summed side by side and one
 * alone) against the per-channel sums of dy in the 8-lane order, to the bit, with
 * +-2^60 in one lane (another lane order changes the sum) */
static void bias_exact(Rng *r)
{
	Seq s;
	seq_init(&s);
	seq_input(&s, 2, 5, 5);
	seq_conv(&s, "c", 5, 3, 1, 1, 1, r);
	Layer *l = &s.L[0];
	int B = 3;
	size_t n = (size_t)B * 25, nin = layer_in_size(l) * B;
	float *x = ad_xmalloc(nin * 4), *dy = ad_xmalloc(5 * n * 4);
	gc_fill(x, nin, -1, 1, r);
	gc_fill(dy, 5 * n, -1, 1, r);
	for (int c = 0; c < 5; c++) {
		dy[c * n + 1] = 0x1p60f;   /* lane 1 */
		dy[c * n + 72] = -0x1p60f;   /* in the tail (n = 75), lane 0 */
	}
	seq_forward(&s, &work, x, B, 1);
	memset(l->gb, 0, 5 * 4);
	seq_backward(&s, &work, dy, NULL, B);
	int bad = 0;
	for (int c = 0; c < 5; c++)
		bad += l->gb[c] != (float)lanes8(dy + c * n, NULL, 0, 0, n, 0);
	CHECK(bad == 0);
	free(x); free(dy);
	seq_free(&s);
}

/* seq_forward_eval() (evaluation through two ping-pong buffers) against
 * seq_forward() in evaluation mode (a buffer per layer), to the bit, with the input
 * outside the buffers and in either of them (as a second Seq's input is). */
static void eval_pingpong(Seq *s, int B, Rng *r)
{
	size_t nin = layer_in_size(&s->L[0]) * B, nout = layer_out_size(&s->L[s->n - 1]) * B;
	size_t na = seq_act_max(s) * B;
	float *x = ad_xmalloc(nin * 4), *ref = ad_xmalloc(nout * 4);
	gc_fill(x, nin, -1, 1, r);
	REQUIRE(na >= nin && seq_forward(s, &work, x, B, 1) != NULL);   /* running statistics */
	memcpy(ref, seq_forward(s, &work, x, B, 0), nout * 4);
	for (int where = 0; where < 3; where++) {
		float *pp[2] = { ad_xmalloc(na * 4), ad_xmalloc(na * 4) };
		NnWork w = { NULL, 0, { NULL, 0 } };
		nn_work_col(&w, seq_col_need(s, B));
		const float *in = x;
		if (where) {
			memcpy(pp[where - 1], x, nin * 4);
			in = pp[where - 1];
		}
		const float *y = seq_forward_eval(s, &w, in, B, pp);
		CHECK(y == pp[0] || y == pp[1]);
		CHECK(y && memcmp(y, ref, nout * 4) == 0);
		nn_work_free(&w);
		free(pp[0]);
		free(pp[1]);
	}
	free(x);
	free(ref);
	seq_free(s);
}

/* A small conv net with every kind of layer (3x20x20 in, 10 out); relu: a ReLU
 * after the second batch norm too */
static void mixed_conv_net(Seq *s, int relu, Rng *r)
{
	seq_init(s);
	seq_input(s, 3, 20, 20);
	seq_conv(s, "c1", 8, 3, 2, 1, 1, r);
	seq_bn(s, "b1", 1, 1e-5f);
	seq_lrelu(s, 0.2f);
	seq_conv(s, "c2", 16, 5, 1, 2, 0, r);
	seq_maxpool(s);
	seq_convt(s, "t1", 4, 3, 2, 1, 1, 1, r);
	seq_bn(s, "b2", 0, 1e-4f);
	if (relu)
		seq_relu(s);
	seq_upsample(s);
	seq_sigmoid(s);
	seq_flatten(s);
	seq_linear(s, "fc", 10, 1, r);
}

static void eval_pingpong_nets(void)
{
	Rng r;
	rng_seed(&r, 9);
	Seq s;
	mixed_conv_net(&s, 1, &r);
	eval_pingpong(&s, 13, &r);
	seq_init(&s);
	seq_input(&s, 40, 1, 1);
	seq_linear(&s, "l1", 30, 1, &r);
	seq_bn(&s, "b1", 1, 1e-5f);
	seq_lrelu(&s, 0.2f);
	seq_linear(&s, "l2", 40, 0, &r);
	seq_sigmoid(&s);
	eval_pingpong(&s, 9, &r);
}

/* forward + backward of a small conv net with t threads; gradients and outputs copied */
static void run_threads(int t, float *out, size_t nout, float *grads, size_t ng, float *dxo)
{
	Rng r;
	rng_seed(&r, 7);
	nn_set_threads(t);
	Seq s;
	mixed_conv_net(&s, 0, &r);
	int B = 37;
	size_t nin = (size_t)3 * 400 * B;
	float *x = ad_xmalloc(nin * 4), *dy = ad_xmalloc(10 * B * 4);
	gc_fill(x, nin, -1, 1, &r);
	gc_fill(dy, 10 * B, -1, 1, &r);
	float *y = seq_forward(&s, &work, x, B, 1);
	memcpy(out, y, nout * 4);
	seq_backward(&s, &work, dy, dxo, B);
	size_t k = 0;
	for (int i = 0; i < s.n; i++) {
		Layer *l = &s.L[i];
		if (l->gw) { memcpy(grads + k, l->gw, l->nw * 4); k += l->nw; }
		if (l->gb) { memcpy(grads + k, l->gb, (size_t)l->oc * 4); k += l->oc; }
		if (l->rvar) { memcpy(grads + k, l->rvar, (size_t)l->ic * 4); k += l->ic; }
	}
	CHECK(k <= ng);
	free(x); free(dy);
	seq_free(&s);
	nn_set_threads(1);
}

int main(void)
{
	Rng r;
	rng_seed(&r, 1);
	Seq s;

	/* Linear with and without bias */
	seq_init(&s); seq_input(&s, 7, 1, 1); seq_linear(&s, "fc", 5, 1, &r);
	CHECK(check_seq("linear", &s, 4, 0, &r) == 0); seq_free(&s);
	seq_init(&s); seq_input(&s, 2, 2, 2); seq_linear(&s, "fc", 3, 0, &r);
	CHECK(check_seq("linear-nobias", &s, 3, 0, &r) == 0); seq_free(&s);

	/* Conv2d: stride, padding, bias optional */
	int conv[][6] = { /* cin, h, cout, k, stride, pad */
		{ 2, 7, 3, 3, 2, 1 }, { 1, 8, 2, 5, 1, 2 }, { 3, 6, 2, 3, 1, 0 }, { 2, 9, 4, 3, 3, 2 } };
	for (int i = 0; i < 4; i++) {
		int *c = conv[i];
		seq_init(&s); seq_input(&s, c[0], c[1], c[1] - 1);
		seq_conv(&s, "conv", c[2], c[3], c[4], c[5], i != 1, &r);
		CHECK(check_seq("conv", &s, 3, 0, &r) == 0);
		CHECK(conv_vs_naive(&s, 3, &r) < 1e-5);
		seq_free(&s);
	}
	/* ConvTranspose2d: stride, padding, output_padding, bias optional */
	int convt[][7] = { /* cin, h, cout, k, stride, pad, opad */
		{ 3, 4, 2, 3, 2, 1, 0 }, { 2, 4, 3, 3, 2, 1, 1 }, { 2, 4, 2, 5, 1, 3, 0 },
		{ 2, 3, 2, 5, 1, 2, 0 }, { 1, 3, 2, 3, 3, 0, 2 } };
	for (int i = 0; i < 5; i++) {
		int *c = convt[i];
		seq_init(&s); seq_input(&s, c[0], c[1], c[1] + 1);
		seq_convt(&s, "convt", c[2], c[3], c[4], c[5], c[6], i % 2 == 0, &r);
		CHECK(check_seq("convt", &s, 2, 0, &r) == 0);
		CHECK(conv_vs_naive(&s, 3, &r) < 1e-5);
		seq_free(&s);
	}
	/* output sizes as the AE needs them: 4 -> 7 (op 0) -> 14 (op 1) -> 28 (op 1) */
	seq_init(&s); seq_input(&s, 1, 4, 4); 
	seq_convt(&s, "a", 1, 3, 2, 1, 0, 1, &r);
	CHECK(s.h == 7);
	seq_convt(&s, "b", 1, 3, 2, 1, 1, 1, &r);
	CHECK(s.h == 14);
	seq_free(&s);

	/* BatchNorm 1d / 2d in train mode, affine or not; eval mode uses running stats */
	seq_init(&s); seq_input(&s, 3, 1, 1); seq_bn(&s, "bn", 1, 1e-5f);
	gc_fill(s.L[0].w, 3, 0.5, 1.5, &r); gc_fill(s.L[0].b, 3, -0.5, 0.5, &r);
	CHECK(check_seq("bn1d", &s, 5, 0, &r) == 0); seq_free(&s);
	seq_init(&s); seq_input(&s, 2, 3, 2); seq_bn(&s, "bn", 0, 1e-4f);
	CHECK(check_seq("bn2d-noaffine", &s, 3, 0, &r) == 0); seq_free(&s);
	seq_init(&s); seq_input(&s, 2, 3, 3); seq_bn(&s, "bn", 1, 1e-5f);
	gc_fill(s.L[0].w, 2, 0.5, 1.5, &r); gc_fill(s.L[0].b, 2, -0.5, 0.5, &r);
	CHECK(check_seq("bn2d", &s, 2, 0, &r) == 0);
	{
		/* running stats: one train forward from (0, 1): rm = 0.1 mean, rv = 0.9 + 0.1 var_unbiased */
		float x[] = { 1, 2, 3, 4 }; /* 1 channel, B = 2, 1x2 */
		Seq t; seq_init(&t); seq_input(&t, 1, 1, 2); seq_bn(&t, "bn", 1, 1e-5f);
		float *y = seq_forward(&t, &work, x, 2, 1);
		CHECK_NEAR(t.L[0].rmean[0], 0.25, 1e-7);
		CHECK_NEAR(t.L[0].rvar[0], 0.9 + 0.1 * 5.0 / 3.0, 1e-6);
		CHECK_NEAR(y[0], -1.5 / sqrt(1.25 + 1e-5), 1e-6);
		y = seq_forward(&t, &work, x, 2, 0);
		CHECK_NEAR(y[3], (4 - 0.25) / sqrt(0.9 + 0.5 / 3.0 + 1e-5), 1e-5);
		CHECK(seq_forward(&t, &work, x, 1, 1) != NULL);   /* 2 values: fine */
		Seq u; seq_init(&u); seq_input(&u, 1, 1, 1); seq_bn(&u, "bn", 1, 1e-5f);
		CHECK(seq_forward(&u, &work, x, 1, 1) == NULL);  /* 1 value per channel: error */
		CHECK(seq_forward(&u, &work, x, 1, 0) != NULL);  /* eval mode: fine */
		seq_free(&t); seq_free(&u);
	}
	seq_free(&s);

	bn_exact(5, 3, 7, &r);
	bn_exact(8, 4, 49, &r);
	bias_exact(&r);

	/* activations, pooling, upsampling, flatten */
	seq_init(&s); seq_input(&s, 2, 3, 3); seq_lrelu(&s, 0.2f);
	CHECK(check_seq("lrelu", &s, 2, 1, &r) == 0); seq_free(&s);
	seq_init(&s); seq_input(&s, 2, 3, 3); seq_relu(&s);
	CHECK(check_seq("relu", &s, 2, 1, &r) == 0); seq_free(&s);
	seq_init(&s); seq_input(&s, 2, 3, 3); seq_sigmoid(&s);
	CHECK(check_seq("sigmoid", &s, 2, 0, &r) == 0); seq_free(&s);
	{
		/* elementwise activations over more values than one task takes (17280, in
		 * tasks of 8192), at 2 threads: every value is the activation's expression
		 * of its own input, forward and backward */
		int B = 40, n = 3 * 12 * 12 * B, bad = 0;
		float *x = ad_xmalloc(n * 4), *dy = ad_xmalloc(n * 4), *dx = ad_xmalloc(n * 4);
		gc_fill(x, n, -4, 4, &r);
		gc_fill(dy, n, -1, 1, &r);
		nn_set_threads(2);
		for (int a = 0; a < 3; a++) {
			seq_init(&s); seq_input(&s, 3, 12, 12);
			if (a == 0) seq_lrelu(&s, 0.2f); else if (a == 1) seq_relu(&s); else seq_sigmoid(&s);
			const float *y = seq_forward(&s, &work, x, B, 1);
			seq_backward(&s, &work, dy, dx, B);
			for (int i = 0; i < n; i++) {
				float v = x[i], f, g;
				if (a == 0) {
					f = v * (v > 0.0f ? 1.0f : 0.2f);
					g = dy[i] * (v > 0.0f ? 1.0f : 0.2f);
				} else if (a == 1) {
					f = v > 0.0f ? v : 0.0f;
					g = v > 0.0f ? dy[i] : 0.0f;
				} else {
					f = 1.0f / (1.0f + expf(-v));
					g = dy[i] * (f * (1.0f - f));
				}
				bad += memcmp(&y[i], &f, 4) != 0 || memcmp(&dx[i], &g, 4) != 0;
			}
			seq_free(&s);
		}
		nn_set_threads(1);
		CHECK(bad == 0);
		free(x); free(dy); free(dx);
	}
	seq_init(&s); seq_input(&s, 2, 2, 3); seq_upsample(&s);
	CHECK(s.h == 4 && s.w == 6);
	CHECK(check_seq("upsample", &s, 2, 0, &r) == 0); seq_free(&s);
	{
		/* max-pool: distinct values 0.1 apart, so no tie within the step */
		seq_init(&s); seq_input(&s, 2, 5, 4); seq_maxpool(&s);
		CHECK(s.h == 2 && s.w == 2);
		int B = 2, n = 2 * 5 * 4 * B;
		int *perm = ad_xmalloc(n * sizeof *perm);
		for (int i = 0; i < n; i++) perm[i] = i;
		rng_shuffle(&r, perm, n);
		float *x = ad_xmalloc(n * 4), *rr = ad_xmalloc(16 * 4), *dx = ad_xmalloc(n * 4);
		for (int i = 0; i < n; i++) x[i] = 0.1f * perm[i];
		gc_fill(rr, 16, -1, 1, &r);
		Ctx ctx = { &s, x, rr, B, 16 };
		seq_forward(&s, &work, x, B, 1);
		seq_backward(&s, &work, rr, dx, B);
		CHECK(gc_check("maxpool dx", loss, &ctx, x, dx, n, 1e-2f, 2e-3, 1e-2, 400) == 0);
		float *y = seq_forward(&s, &work, x, B, 0);
		CHECK(y[0] == fmaxf(fmaxf(x[0], x[1]), fmaxf(x[4], x[5])));
		free(perm); free(x); free(rr); free(dx); seq_free(&s);
	}
	seq_init(&s); seq_input(&s, 3, 2, 2); seq_flatten(&s); seq_linear(&s, "fc", 4, 1, &r);
	seq_unflatten(&s, 1, 2, 2); seq_conv(&s, "c", 2, 3, 1, 1, 1, &r);
	CHECK(check_seq("flatten", &s, 3, 0, &r) == 0); seq_free(&s);

	/* a stack: conv -> bn -> sigmoid -> convT -> bn(no affine) -> sigmoid (smooth, so
	 * no kink is crossed; the leaky ReLU is checked alone above) */
	seq_init(&s); seq_input(&s, 1, 6, 6);
	seq_conv(&s, "c", 3, 3, 2, 1, 1, &r); seq_bn(&s, "b", 1, 1e-5f); seq_sigmoid(&s);
	seq_convt(&s, "t", 2, 3, 2, 1, 1, 1, &r); seq_bn(&s, "b2", 0, 1e-4f); seq_sigmoid(&s);
	CHECK(s.h == 6);
	CHECK(check_seq("stack", &s, 3, 0, &r) == 0);
	seq_free(&s);

	/* the LeNet pretraining decoder's layer sequence (unflatten, upsampling,
	 * stride-1 transposed convs with padding 2 and 3, BN without affine), smooth
	 * activations */
	seq_init(&s); seq_input(&s, 16, 1, 1);
	seq_unflatten(&s, 1, 4, 4); seq_sigmoid(&s);
	seq_convt(&s, "d0", 3, 5, 1, 2, 0, 0, &r); seq_bn(&s, "b0", 0, 1e-4f); seq_sigmoid(&s);
	seq_upsample(&s); seq_convt(&s, "d1", 2, 5, 1, 3, 0, 0, &r); seq_bn(&s, "b1", 0, 1e-4f);
	seq_sigmoid(&s); seq_upsample(&s); seq_convt(&s, "d2", 1, 5, 1, 2, 0, 0, &r);
	seq_sigmoid(&s);
	CHECK(s.h == 12 && s.w == 12);
	CHECK(check_seq("lenet-decoder", &s, 4, 0, &r) == 0);
	seq_free(&s);

	/* The stride-2 im2col / col2im path (taken on CPUs with AVX-512) against the
	 * naive convolutions and, to the bit, against the general path: the AE's
	 * planes (28 -> 14 -> 7 -> 4 and back), the widest rows it takes (15 window
	 * positions; 29 columns + padding), kernel 5 with padding 2 and 0 padding,
	 * batches of one and of 2 chunks of samples (the last rows of the last plane
	 * take the buffered stores and loads) */
	{
		int cc[][8] = { /* cin, h, w, cout, k, pad (convT: + oph, opw) */
			{ 2, 28, 28, 3, 3, 1 }, { 3, 14, 14, 2, 3, 1 }, { 2, 7, 7, 3, 3, 1 },
			{ 1, 30, 29, 2, 3, 1 }, { 2, 20, 19, 2, 5, 2 }, { 2, 13, 14, 1, 3, 0 },
			{ 2, 9, 31, 2, 3, 1 } };
		int ct[][8] = {
			{ 3, 4, 4, 2, 3, 1, 0, 0 }, { 2, 7, 7, 3, 3, 1, 1, 1 }, { 2, 14, 14, 1, 3, 1, 1, 1 },
			{ 1, 15, 14, 2, 3, 1, 0, 1 }, { 2, 10, 9, 2, 5, 2, 1, 0 }, { 2, 6, 7, 1, 3, 0, 0, 0 } };
		int Bs[] = { 1, 9 };
		size_t cap = 400000;
		float *a = ad_xmalloc(cap * 4), *b = ad_xmalloc(cap * 4);
		for (int t = 0; t < 2; t++)
			for (int i = 0; i < (t ? 6 : 7); i++)
				for (int bi = 0; bi < 2; bi++) {
					const int *c = t ? ct[i] : cc[i];
					size_t n = run_col(c, t, Bs[bi], 0, a);
					CHECK(n <= cap);
					CHECK(run_col(c, t, Bs[bi], 1, b) == n);
					CHECK(memcmp(a, b, n * 4) == 0);
					Seq q;
					seq_init(&q); seq_input(&q, c[0], c[1], c[2]);
					if (t)
						seq_convt2(&q, "t", c[3], c[4], 2, c[5], c[6], c[7], 1, &r);
					else
						seq_conv(&q, "c", c[3], c[4], 2, c[5], 1, &r);
					CHECK(conv_vs_naive(&q, Bs[bi], &r) < 1e-5);
					if (bi == 0 && c[1] * c[2] <= 200)
						CHECK(check_seq(t ? "convt-s2" : "conv-s2", &q, 2, 0, &r) == 0);
					seq_free(&q);
				}
		free(a); free(b);
	}

	/* bit-identical forward + backward for 1, 2, 3 threads */
	{
		size_t nout = 10 * 37, ng = 200000, nin = 3 * 400 * 37;
		float *o[3], *g[3], *d[3];
		for (int t = 0; t < 3; t++) {
			o[t] = ad_xcalloc(nout, 4);
			g[t] = ad_xcalloc(ng, 4);
			d[t] = ad_xcalloc(nin, 4);
			run_threads(t + 1, o[t], nout, g[t], ng, d[t]);
		}
		for (int t = 1; t < 3; t++) {
			CHECK(memcmp(o[0], o[t], nout * 4) == 0);
			CHECK(memcmp(g[0], g[t], ng * 4) == 0);
			CHECK(memcmp(d[0], d[t], nin * 4) == 0);
		}
		for (int t = 0; t < 3; t++) { free(o[t]); free(g[t]); free(d[t]); }
	}
	eval_pingpong_nets();
	nn_work_free(&work);
	return UNIT_DONE();
}
