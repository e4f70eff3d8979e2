/* nn.c: layers (forward and backward) and the sequential container.  See nn.h. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "no-trapping-math")
#endif
#include "nn.h"
#include "gemm.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t layer_out_size(const Layer *l) { return (size_t)l->oc * l->oh * l->ow; }
size_t layer_in_size(const Layer *l) { return (size_t)l->ic * l->ih * l->iw; }

/* ---- im2col / col2im --------------------------------------------------------
 * An "image" src [C][B][Hs][Ws] seen through a k x k window at stride s, padding p,
 * at the Hd x Wd window positions: col[(c,ky,kx)][(b,y,x)] = src[c][b][y*s-p+ky][x*s-p+kx]
 * (0 outside).  col2im is the adjoint: it sums col back onto the image. */
typedef struct {
	const float *src;
	float *dst;
	int C, B, Hs, Ws, Hd, Wd, k, s, p;
} ColJob;

/* tasks: (channel, chunk of BCHUNK samples); every output element belongs to one */
#define BCHUNK 8

/* window positions x with 0 <= x*s - p + kx < W: [*lo, *hi) */
static void valid_range(int kx, int s, int p, int W, int Wd, int *lo, int *hi)
{
	int a = p - kx, b = W - 1 + p - kx;   /* need a <= x*s <= b */
	int l = a <= 0 ? 0 : (a + s - 1) / s;
	int h = b < 0 ? 0 : b / s + 1;
	*lo = l < Wd ? l : Wd;
	*hi = h < Wd ? h : Wd;
	if (*hi < *lo)
		*hi = *lo;
}

static void im2col_task(void *ctx, int t, int tid)
{
	const ColJob *j = ctx;
	(void)tid;
	int nb = (j->B + BCHUNK - 1) / BCHUNK, c = t / nb, b0 = (t % nb) * BCHUNK;
	int b1 = b0 + BCHUNK < j->B ? b0 + BCHUNK : j->B;
	int k = j->k, Hd = j->Hd, Wd = j->Wd, s = j->s;
	size_t ncols = (size_t)j->B * Hd * Wd;
	for (int ky = 0; ky < k; ky++)
		for (int kx = 0; kx < k; kx++) {
			float *row = j->dst + ((size_t)(c * k + ky) * k + kx) * ncols;
			int lo, hi;
			valid_range(kx, s, j->p, j->Ws, Wd, &lo, &hi);
			for (int b = b0; b < b1; b++) {
				const float *img = j->src + ((size_t)c * j->B + b) * j->Hs * j->Ws;
				for (int y = 0; y < Hd; y++) {
					int iy = y * s - j->p + ky;
					float *r = row + ((size_t)b * Hd + y) * Wd;
					if (iy < 0 || iy >= j->Hs) {
						memset(r, 0, (size_t)Wd * sizeof *r);
						continue;
					}
					const float *irow = img + (size_t)iy * j->Ws - j->p + kx;
					for (int x = 0; x < lo; x++)
						r[x] = 0.0f;
					if (s == 1)
						for (int x = lo; x < hi; x++)
							r[x] = irow[x];
					else if (s == 2)
						for (int x = lo; x < hi; x++)
							r[x] = irow[2 * x];
					else
						for (int x = lo; x < hi; x++)
							r[x] = irow[x * s];
					for (int x = hi; x < Wd; x++)
						r[x] = 0.0f;
				}
			}
		}
}

static void col2im_task(void *ctx, int t, int tid)
{
	const ColJob *j = ctx;
	(void)tid;
	int nb = (j->B + BCHUNK - 1) / BCHUNK, c = t / nb, b0 = (t % nb) * BCHUNK;
	int b1 = b0 + BCHUNK < j->B ? b0 + BCHUNK : j->B;
	int k = j->k, Hd = j->Hd, Wd = j->Wd, s = j->s;
	size_t ncols = (size_t)j->B * Hd * Wd;
	float *plane = j->dst + (size_t)c * j->B * j->Hs * j->Ws;
	memset(plane + (size_t)b0 * j->Hs * j->Ws, 0, (size_t)(b1 - b0) * j->Hs * j->Ws * sizeof *plane);
	for (int ky = 0; ky < k; ky++)
		for (int kx = 0; kx < k; kx++) {
			const float *row = j->src + ((size_t)(c * k + ky) * k + kx) * ncols;
			int lo, hi;
			valid_range(kx, s, j->p, j->Ws, Wd, &lo, &hi);
			for (int b = b0; b < b1; b++) {
				float *img = plane + (size_t)b * j->Hs * j->Ws;
				for (int y = 0; y < Hd; y++) {
					int iy = y * s - j->p + ky;
					if (iy < 0 || iy >= j->Hs)
						continue;
					const float *r = row + ((size_t)b * Hd + y) * Wd;
					float *irow = img + (size_t)iy * j->Ws - j->p + kx;
					if (s == 1)
						for (int x = lo; x < hi; x++)
							irow[x] += r[x];
					else
						for (int x = lo; x < hi; x++)
							irow[x * s] += r[x];
				}
			}
		}
}

static void im2col(const float *src, float *col, int C, int B, int Hs, int Ws, int Hd,
                   int Wd, int k, int s, int p)
{
	ColJob j = { src, col, C, B, Hs, Ws, Hd, Wd, k, s, p };
	nn_parallel_work(C * ((B + BCHUNK - 1) / BCHUNK), (size_t)C * k * k * B * Hd * Wd,
	                 im2col_task, &j);
}

static void col2im(const float *col, float *dst, int C, int B, int Hs, int Ws, int Hd,
                   int Wd, int k, int s, int p)
{
	ColJob j = { col, dst, C, B, Hs, Ws, Hd, Wd, k, s, p };
	nn_parallel_work(C * ((B + BCHUNK - 1) / BCHUNK), (size_t)C * k * k * B * Hd * Wd,
	                 col2im_task, &j);
}

static float *grow(float *p, size_t *have, size_t need)
{
	if (*have >= need)
		return p;
	free(p);
	*have = need;
	return ad_xmalloc(ad_mul(need, sizeof(float)));
}

/* ---- per-channel kernels ------------------------------------------------------ */
typedef struct {
	Layer *l;
	const float *x, *y, *dy;
	float *out, *dx;
	int B, train;
	size_t S;     /* spatial size of the input plane */
} ChJob;

static void bias_add_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	float b = j->l->b[c], *y = j->out + (size_t)c * n;
	for (size_t i = 0; i < n; i++)
		y[i] += b;
}

/* sum of x[0..n) in double, in 8 interleaved lanes (a fixed order that vectorises) */
static double sum8(const float *x, size_t n)
{
	double a[8] = { 0 };
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++)
			a[l] += x[i + l];
	for (; i < n; i++)
		a[i & 7] += x[i];
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

static void bias_grad_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	j->l->gb[c] += (float)sum8(j->dy + (size_t)c * n, n);
}

static void bias_add(Layer *l, float *y, int B, size_t S)
{
	ChJob j = { .l = l, .out = y, .B = B, .S = S };
	nn_parallel_work(l->oc, (size_t)l->oc * B * S, bias_add_task, &j);
}

static void bias_grad(Layer *l, const float *dy, int B, size_t S)
{
	ChJob j = { .l = l, .dy = dy, .B = B, .S = S };
	nn_parallel_work(l->oc, (size_t)l->oc * B * S, bias_grad_task, &j);
}

static void bn_fwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	Layer *l = j->l;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	const float *x = j->x + (size_t)c * n;
	float *y = j->out + (size_t)c * n;
	double mean, invstd;
	if (j->train) {
		mean = sum8(x, n) / (double)n;
		double a[8] = { 0 }, ss;
		size_t i = 0;
		for (; i + 8 <= n; i += 8)
			for (int l = 0; l < 8; l++) {
				double d = x[i + l] - mean;
				a[l] += d * d;
			}
		for (; i < n; i++) {
			double d = x[i] - mean;
			a[i & 7] += d * d;
		}
		ss = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
		double var = ss / (double)n;
		invstd = 1.0 / sqrt(var + l->eps);
		l->mean[c] = mean;
		l->invstd[c] = invstd;
		l->rmean[c] = (float)((1.0 - l->momentum) * l->rmean[c] + l->momentum * mean);
		l->rvar[c] = (float)((1.0 - l->momentum) * l->rvar[c] +
		                     l->momentum * ss / (double)(n - 1));
	} else {
		mean = l->rmean[c];
		invstd = 1.0 / sqrt((double)l->rvar[c] + l->eps);
	}
	double g = l->affine ? l->w[c] : 1.0, b = l->affine ? l->b[c] : 0.0;
	float a = (float)(g * invstd), m = (float)mean, o = (float)b;
	for (size_t i = 0; i < n; i++)
		y[i] = (x[i] - m) * a + o;
}

static void bn_bwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	Layer *l = j->l;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	const float *x = j->x + (size_t)c * n, *dy = j->dy + (size_t)c * n;
	double mean = l->mean[c], invstd = l->invstd[c];
	double sdy = sum8(dy, n), acc[8] = { 0 }, sdyx;
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++)
			acc[l] += dy[i + l] * ((x[i + l] - mean) * invstd);
	for (; i < n; i++)
		acc[i & 7] += dy[i] * ((x[i] - mean) * invstd);
	sdyx = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
	if (l->affine) {
		l->gw[c] += (float)sdyx;
		l->gb[c] += (float)sdy;
	}
	if (!j->dx)
		return;
	float *dx = j->dx + (size_t)c * n;
	double g = l->affine ? l->w[c] : 1.0;
	double k = g * invstd;
	/* dx = k (dy - sdy/n - xhat sdyx/n), xhat = (x - mean) invstd */
	float a = (float)k, m = (float)mean;
	float bx = (float)(-k * invstd * sdyx / (double)n);
	float o = (float)(-k * sdy / (double)n);
	for (i = 0; i < n; i++)
		dx[i] = a * dy[i] + bx * (x[i] - m) + o;
}

static void act_fwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	const float *x = j->x + (size_t)c * n;
	float *y = j->out + (size_t)c * n;
	switch (l->type) {
	case NN_LRELU: {
		float s = l->slope;
		for (size_t i = 0; i < n; i++) {   /* branch-free: vectorises */
			float v = x[i];
			y[i] = v * (v > 0.0f ? 1.0f : s);
		}
		break;
	}
	case NN_RELU:
		for (size_t i = 0; i < n; i++)
			y[i] = x[i] > 0.0f ? x[i] : 0.0f;
		break;
	case NN_SIGMOID:
		for (size_t i = 0; i < n; i++)
			y[i] = 1.0f / (1.0f + expf(-x[i]));
		break;
	}
}

static void act_bwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	const float *x = j->x + (size_t)c * n, *y = j->y + (size_t)c * n;
	const float *dy = j->dy + (size_t)c * n;
	float *dx = j->dx + (size_t)c * n;
	switch (l->type) {
	case NN_LRELU: {
		float s = l->slope;
		for (size_t i = 0; i < n; i++)
			dx[i] = dy[i] * (x[i] > 0.0f ? 1.0f : s);
		break;
	}
	case NN_RELU:
		for (size_t i = 0; i < n; i++)
			dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
		break;
	case NN_SIGMOID:
		for (size_t i = 0; i < n; i++)
			dx[i] = dy[i] * (y[i] * (1.0f - y[i]));
		break;
	}
}

/* max-pool 2x2 stride 2 (floor); the first maximum in row-major window order wins */
static void pool_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	int H = l->ih, W = l->iw, oh = l->oh, ow = l->ow;
	for (int b = 0; b < j->B; b++) {
		size_t pin = ((size_t)c * j->B + b) * H * W, pout = ((size_t)c * j->B + b) * oh * ow;
		const float *x = j->x + pin;
		if (!j->dx) {
			float *o = j->out + pout;
			for (int y = 0; y < oh; y++) {
				const float *r0 = x + (size_t)(2 * y) * W, *r1 = r0 + W;
				for (int xx = 0; xx < ow; xx++) {
					float m = r0[2 * xx], v;
					v = r0[2 * xx + 1]; if (v > m || v != v) m = v;
					v = r1[2 * xx]; if (v > m || v != v) m = v;
					v = r1[2 * xx + 1]; if (v > m || v != v) m = v;
					o[(size_t)y * ow + xx] = m;
				}
			}
			continue;
		}
		float *dx = j->dx + pin;
		const float *dy = j->dy + pout;
		memset(dx, 0, (size_t)H * W * sizeof(float));
		for (int y = 0; y < oh; y++)
			for (int xx = 0; xx < ow; xx++) {
				int best = 2 * y * W + 2 * xx, q;
				float m = x[best], v;
				q = best + 1; v = x[q]; if (v > m || v != v) { m = v; best = q; }
				q = 2 * y * W + W + 2 * xx; v = x[q]; if (v > m || v != v) { m = v; best = q; }
				q++; v = x[q]; if (v > m || v != v) { m = v; best = q; }
				dx[best] += dy[(size_t)y * ow + xx];
			}
	}
}

static void up_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	int H = l->ih, W = l->iw, OW = l->ow;
	for (int b = 0; b < j->B; b++) {
		size_t pin = ((size_t)c * j->B + b) * H * W, pout = ((size_t)c * j->B + b) * 4 * H * W;
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				size_t o = pout + (size_t)(2 * y) * OW + 2 * x;
				if (j->dx)
					j->dx[pin + (size_t)y * W + x] = j->dy[o] + j->dy[o + 1] +
						j->dy[o + OW] + j->dy[o + OW + 1];
				else {
					float v = j->x[pin + (size_t)y * W + x];
					j->out[o] = j->out[o + 1] = j->out[o + OW] = j->out[o + OW + 1] = v;
				}
			}
	}
}

/* [C][B][S] <-> [C*S][B] */
static void flatten(const float *x, float *y, int C, int B, int S, int inverse)
{
	for (int c = 0; c < C; c++)
		for (int b = 0; b < B; b++)
			for (int p = 0; p < S; p++) {
				size_t i = ((size_t)c * B + b) * S + p, o = ((size_t)c * S + p) * B + b;
				if (inverse)
					y[i] = x[o];
				else
					y[o] = x[i];
			}
}

void nn_to_cnhw(const float *x, float *y, int B, int C, int S)
{
	for (int b = 0; b < B; b++)
		for (int c = 0; c < C; c++)
			memcpy(y + ((size_t)c * B + b) * S, x + ((size_t)b * C + c) * S,
			       (size_t)S * sizeof *y);
}

void nn_from_cnhw(const float *x, float *y, int B, int C, int S)
{
	for (int b = 0; b < B; b++)
		for (int c = 0; c < C; c++)
			memcpy(y + ((size_t)b * C + c) * S, x + ((size_t)c * B + b) * S,
			       (size_t)S * sizeof *y);
}

/* ---- layer dispatch ------------------------------------------------------------ */
int layer_forward(Layer *l, const float *x, float *y, int B, int train)
{
	size_t Sin = (size_t)l->ih * l->iw, Sout = (size_t)l->oh * l->ow;
	ChJob j = { .l = l, .x = x, .out = y, .B = B, .train = train, .S = Sin };
	switch (l->type) {
	case NN_LINEAR:
		sgemm(0, 0, l->oc, B, l->ic, 1.0f, l->w, l->ic, x, B, 0.0f, y, B);
		if (l->bias)
			bias_add(l, y, B, 1);
		break;
	case NN_CONV: {
		int K = l->ic * l->k * l->k;
		size_t N = (size_t)B * Sout;
		l->col = grow(l->col, &l->ncol, (size_t)K * N);
		im2col(x, l->col, l->ic, B, l->ih, l->iw, l->oh, l->ow, l->k, l->stride, l->pad);
		sgemm(0, 0, l->oc, (int)N, K, 1.0f, l->w, K, l->col, (int)N, 0.0f, y, (int)N);
		if (l->bias)
			bias_add(l, y, B, Sout);
		break;
	}
	case NN_CONVT: {
		int K = l->oc * l->k * l->k;
		size_t N = (size_t)B * Sin;
		l->col = grow(l->col, &l->ncol, (size_t)K * N);
		sgemm(1, 0, K, (int)N, l->ic, 1.0f, l->w, K, x, (int)N, 0.0f, l->col, (int)N);
		col2im(l->col, y, l->oc, B, l->oh, l->ow, l->ih, l->iw, l->k, l->stride, l->pad);
		if (l->bias)
			bias_add(l, y, B, Sout);
		break;
	}
	case NN_BN:
		if (train && (size_t)B * Sin < 2)
			return ad_error("batch-norm: training needs more than one value per channel "
			                "(batch of %d)", B);
		nn_parallel_work(l->ic, layer_in_size(l) * B, bn_fwd_task, &j);
		break;
	case NN_LRELU: case NN_RELU: case NN_SIGMOID:
		nn_parallel_work(l->ic, layer_in_size(l) * B, act_fwd_task, &j);
		break;
	case NN_MAXPOOL:
		nn_parallel_work(l->ic, layer_in_size(l) * B, pool_task, &j);
		break;
	case NN_UPSAMPLE:
		nn_parallel_work(l->ic, layer_in_size(l) * B, up_task, &j);
		break;
	case NN_FLATTEN:
		flatten(x, y, l->ic, B, (int)Sin, 0);
		break;
	case NN_UNFLATTEN:
		flatten(x, y, l->oc, B, (int)Sout, 1);
		break;
	}
	return 0;
}

void layer_backward(Layer *l, const float *x, const float *y, const float *dy,
                    float *dx, int B)
{
	size_t Sin = (size_t)l->ih * l->iw, Sout = (size_t)l->oh * l->ow;
	ChJob j = { .l = l, .x = x, .y = y, .dy = dy, .dx = dx, .B = B, .S = Sin };
	switch (l->type) {
	case NN_LINEAR:
		sgemm(0, 1, l->oc, l->ic, B, 1.0f, dy, B, x, B, 1.0f, l->gw, l->ic);
		if (l->bias)
			bias_grad(l, dy, B, 1);
		if (dx)
			sgemm(1, 0, l->ic, B, l->oc, 1.0f, l->w, l->ic, dy, B, 0.0f, dx, B);
		break;
	case NN_CONV: {
		int K = l->ic * l->k * l->k;
		int N = B * (int)Sout;
		sgemm(0, 1, l->oc, K, N, 1.0f, dy, N, l->col, N, 1.0f, l->gw, K);
		if (l->bias)
			bias_grad(l, dy, B, Sout);
		if (dx) {
			sgemm(1, 0, K, N, l->oc, 1.0f, l->w, K, dy, N, 0.0f, l->col, N);
			col2im(l->col, dx, l->ic, B, l->ih, l->iw, l->oh, l->ow, l->k, l->stride, l->pad);
		}
		break;
	}
	case NN_CONVT: {
		int K = l->oc * l->k * l->k;
		int N = B * (int)Sin;
		im2col(dy, l->col, l->oc, B, l->oh, l->ow, l->ih, l->iw, l->k, l->stride, l->pad);
		sgemm(0, 1, l->ic, K, N, 1.0f, x, N, l->col, N, 1.0f, l->gw, K);
		if (l->bias)
			bias_grad(l, dy, B, Sout);
		if (dx)
			sgemm(0, 0, l->ic, N, K, 1.0f, l->w, K, l->col, N, 0.0f, dx, N);
		break;
	}
	case NN_BN:
		nn_parallel_work(l->ic, layer_in_size(l) * B, bn_bwd_task, &j);
		break;
	case NN_LRELU: case NN_RELU: case NN_SIGMOID:
		if (dx)
			nn_parallel_work(l->ic, layer_in_size(l) * B, act_bwd_task, &j);
		break;
	case NN_MAXPOOL:
		if (dx)
			nn_parallel_work(l->ic, layer_in_size(l) * B, pool_task, &j);
		break;
	case NN_UPSAMPLE:
		if (dx)
			nn_parallel_work(l->ic, layer_in_size(l) * B, up_task, &j);
		break;
	case NN_FLATTEN:
		if (dx)
			flatten(dy, dx, l->ic, B, (int)Sin, 1);
		break;
	case NN_UNFLATTEN:
		if (dx)
			flatten(dy, dx, l->oc, B, (int)Sout, 0);
		break;
	}
}

/* ---- sequential container ------------------------------------------------------ */
void seq_init(Seq *s)
{
	memset(s, 0, sizeof *s);
}

void seq_free(Seq *s)
{
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		free(l->w); free(l->b); free(l->gw); free(l->gb);
		free(l->rmean); free(l->rvar); free(l->mean); free(l->invstd); free(l->col);
	}
	if (s->act)
		for (int i = 0; i < s->n; i++)
			free(s->act[i]);
	free(s->act);
	free(s->L);
	free(s->g0);
	free(s->g1);
	memset(s, 0, sizeof *s);
}

void seq_input(Seq *s, int c, int h, int w)
{
	s->c = c;
	s->h = h;
	s->w = w;
}

void seq_out_shape(const Seq *s, int *c, int *h, int *w)
{
	*c = s->c;
	*h = s->h;
	*w = s->w;
}

static Layer *add(Seq *s, int type, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->L = ad_xrealloc(s->L, (size_t)s->cap * sizeof *s->L);
	}
	Layer *l = &s->L[s->n++];
	memset(l, 0, sizeof *l);
	l->type = type;
	l->ic = l->oc = s->c;
	l->ih = l->oh = s->h;
	l->iw = l->ow = s->w;
	if (name)
		snprintf(l->name, sizeof l->name, "%s", name);
	return l;
}

static void done(Seq *s, Layer *l)
{
	s->c = l->oc;
	s->h = l->oh;
	s->w = l->ow;
}

/* U(-bound, bound) */
static void uniform(float *p, size_t n, double bound, Rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)((2.0 * rng_uniform(r) - 1.0) * bound);
}

static void params(Layer *l, size_t nw, int nb, int fan_in, Rng *r)
{
	double bound = fan_in > 0 ? 1.0 / sqrt((double)fan_in) : 0.0;
	l->nw = nw;
	l->w = ad_xmalloc(ad_mul(nw, sizeof(float)));
	l->gw = ad_xcalloc(nw, sizeof(float));
	uniform(l->w, nw, bound, r);
	if (nb > 0) {
		l->b = ad_xmalloc(ad_mul((size_t)nb, sizeof(float)));
		l->gb = ad_xcalloc((size_t)nb, sizeof(float));
		uniform(l->b, (size_t)nb, bound, r);
	}
}

void seq_linear(Seq *s, const char *name, int out, int bias, Rng *r)
{
	Layer *l = add(s, NN_LINEAR, name);
	l->ic = s->c * s->h * s->w;
	l->ih = l->iw = 1;
	l->oc = out;
	l->oh = l->ow = 1;
	l->bias = bias;
	params(l, (size_t)out * l->ic, bias ? out : 0, l->ic, r);
	done(s, l);
}

void seq_conv(Seq *s, const char *name, int cout, int k, int stride, int pad, int bias, Rng *r)
{
	Layer *l = add(s, NN_CONV, name);
	l->oc = cout;
	l->k = k;
	l->stride = stride;
	l->pad = pad;
	l->bias = bias;
	l->oh = (l->ih + 2 * pad - k) / stride + 1;
	l->ow = (l->iw + 2 * pad - k) / stride + 1;
	params(l, (size_t)cout * l->ic * k * k, bias ? cout : 0, l->ic * k * k, r);
	done(s, l);
}

void seq_convt2(Seq *s, const char *name, int cout, int k, int stride, int pad, int oph,
                int opw, int bias, Rng *r)
{
	Layer *l = add(s, NN_CONVT, name);
	l->oc = cout;
	l->k = k;
	l->stride = stride;
	l->pad = pad;
	l->opad = oph;
	l->opadw = opw;
	l->bias = bias;
	l->oh = (l->ih - 1) * stride - 2 * pad + k + oph;
	l->ow = (l->iw - 1) * stride - 2 * pad + k + opw;
	/* torch computes fan_in from weight dim 1, which is cout for a transposed conv */
	params(l, (size_t)l->ic * cout * k * k, bias ? cout : 0, cout * k * k, r);
	done(s, l);
}

void seq_convt(Seq *s, const char *name, int cout, int k, int stride, int pad, int opad,
               int bias, Rng *r)
{
	seq_convt2(s, name, cout, k, stride, pad, opad, opad, bias, r);
}

void seq_bn(Seq *s, const char *name, int affine, float eps)
{
	Layer *l = add(s, NN_BN, name);
	int C = l->ic;
	l->affine = affine;
	l->eps = eps;
	l->momentum = 0.1f;
	if (affine) {
		l->nw = (size_t)C;
		l->w = ad_xmalloc(ad_mul((size_t)C, sizeof(float)));
		l->b = ad_xcalloc((size_t)C, sizeof(float));
		l->gw = ad_xcalloc((size_t)C, sizeof(float));
		l->gb = ad_xcalloc((size_t)C, sizeof(float));
		for (int c = 0; c < C; c++)
			l->w[c] = 1.0f;
	}
	l->rmean = ad_xcalloc((size_t)C, sizeof(float));
	l->rvar = ad_xmalloc(ad_mul((size_t)C, sizeof(float)));
	for (int c = 0; c < C; c++)
		l->rvar[c] = 1.0f;
	l->mean = ad_xcalloc((size_t)C, sizeof(double));
	l->invstd = ad_xcalloc((size_t)C, sizeof(double));
	done(s, l);
}

void seq_lrelu(Seq *s, float slope)
{
	Layer *l = add(s, NN_LRELU, NULL);
	l->slope = slope;
	done(s, l);
}

void seq_relu(Seq *s) { done(s, add(s, NN_RELU, NULL)); }
void seq_sigmoid(Seq *s) { done(s, add(s, NN_SIGMOID, NULL)); }

void seq_maxpool(Seq *s)
{
	Layer *l = add(s, NN_MAXPOOL, NULL);
	l->oh = l->ih / 2;
	l->ow = l->iw / 2;
	done(s, l);
}

void seq_upsample(Seq *s)
{
	Layer *l = add(s, NN_UPSAMPLE, NULL);
	l->oh = 2 * l->ih;
	l->ow = 2 * l->iw;
	done(s, l);
}

void seq_flatten(Seq *s)
{
	Layer *l = add(s, NN_FLATTEN, NULL);
	l->oc = l->ic * l->ih * l->iw;
	l->oh = l->ow = 1;
	done(s, l);
}

void seq_unflatten(Seq *s, int c, int h, int w)
{
	Layer *l = add(s, NN_UNFLATTEN, NULL);
	l->oc = c;
	l->oh = h;
	l->ow = w;
	done(s, l);
}

static void ensure_batch(Seq *s, int B)
{
	if (s->act && B <= s->maxB)
		return;
	if (s->act)
		for (int i = 0; i < s->n; i++)
			free(s->act[i]);
	free(s->act);
	s->act = ad_xmalloc(ad_mul((size_t)s->n, sizeof *s->act));
	size_t big = 0;
	for (int i = 0; i < s->n; i++) {
		size_t no = layer_out_size(&s->L[i]), ni = layer_in_size(&s->L[i]);
		s->act[i] = ad_xmalloc(ad_mul(ad_mul(no, (size_t)B), sizeof(float)));
		if (no > big) big = no;
		if (ni > big) big = ni;
	}
	free(s->g0);
	free(s->g1);
	s->gn = big * (size_t)B;
	s->g0 = ad_xmalloc(ad_mul(s->gn, sizeof(float)));
	s->g1 = ad_xmalloc(ad_mul(s->gn, sizeof(float)));
	s->maxB = B;
}

float *seq_forward(Seq *s, const float *x, int B, int train)
{
	ensure_batch(s, B);
	s->in = x;
	const float *cur = x;
	for (int i = 0; i < s->n; i++) {
		if (layer_forward(&s->L[i], cur, s->act[i], B, train) < 0)
			return NULL;
		cur = s->act[i];
	}
	return s->n ? s->act[s->n - 1] : (float *)x;
}

void seq_backward(Seq *s, const float *dy, float *dx, int B)
{
	const float *d = dy;
	for (int i = s->n - 1; i >= 0; i--) {
		const float *xin = i ? s->act[i - 1] : s->in;
		float *out = i ? (d == s->g0 ? s->g1 : s->g0) : dx;
		layer_backward(&s->L[i], xin, s->act[i], d, out, B);
		d = out;
	}
}
