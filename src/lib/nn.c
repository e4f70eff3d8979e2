/* nn.c: layers and the sequential container.  See nn.h.
 *
 * Layout: the im2col / col2im machinery, per-channel helpers, then one section per
 * layer type with its forward and backward next to each other (linear, conv,
 * conv-transpose, batch norm, activations, max-pool, upsample, flatten); the table
 * layer_ops dispatches on the type.  Scratch buffers belong to the caller's NnWork. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "no-trapping-math")
#endif
#include "nn.h"
#include "clones.h"
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
 * (0 outside).  col2im is the adjoint: it sums col back onto the image.
 *
 * Both work on one image plane at a time, copied into (im2col) or summed in (col2im)
 * the worker's scratch (in L1): the plane's Hs*Ws values followed by NTRASH more,
 * through a map built once per call of the offset in it of every tap (ky,kx) and
 * window position (y,x).  A position in the padding reads (im2col: always 0) or
 * collects (col2im: dropped) one of the extra values, so the loops have no
 * branches.  col2im clears the plane and adds the taps one after the other, taps
 * ascending: every pixel is +0 plus its taps in that order. */
typedef struct {
	const float *src;
	float *dst;
	int C, B, Hs, Ws, Hd, Wd, kk;   /* kk = k * k taps */
	size_t cs;                      /* image: channel stride (B * Hs * Ws, or more) */
	const int *off;                 /* [kk][Hd*Wd]: offset in the scratch plane */
} ColJob;

/* extra values after the plane: the padding positions of consecutive window
 * positions use different ones (col2im then has no chain of additions to one) */
#define NTRASH 8

/* tasks: (channel, chunk of BCHUNK samples); every output element belongs to one */
#define BCHUNK 8

/* task t of those over B samples: its channel, and (returned) its chunk's first sample */
static int col_task(int B, int t, int *c)
{
	int nb = nn_ntasks(B, BCHUNK);
	*c = t / nb;
	return (t % nb) * BCHUNK;
}

static void colmap(ColJob *j, int k, int s, int p)
{
	int nd = j->Hd * j->Wd, ns = j->Hs * j->Ws;
	int *off = ad_xmalloc(ad_mul(ad_mul((size_t)j->kk, (size_t)nd), sizeof *off));
	for (int ky = 0; ky < k; ky++)
		for (int kx = 0; kx < k; kx++)
			for (int y = 0; y < j->Hd; y++)
				for (int x = 0; x < j->Wd; x++) {
					int iy = y * s - p + ky, ix = x * s - p + kx;
					int in = iy >= 0 && iy < j->Hs && ix >= 0 && ix < j->Ws;
					off[((size_t)(ky * k + kx) * j->Hd + y) * j->Wd + x] =
						in ? iy * j->Ws + ix : ns + x % NTRASH;
				}
	j->off = off;
}

static void colmap_free(ColJob *j)
{
	free((void *)j->off);
}

AD_CLONES
static void im2col_task(void *ctx, int t, int tid)
{
	const ColJob *j = ctx;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t nd = (size_t)j->Hd * j->Wd, ns = (size_t)j->Hs * j->Ws, ncols = (size_t)j->B * nd;
	float *pl = nn_scratch(tid, ns + NTRASH);
	memset(pl + ns, 0, NTRASH * sizeof *pl);   /* what the padding reads */
	for (int b = b0; b < b1; b++) {
		memcpy(pl, j->src + (size_t)c * j->cs + (size_t)b * ns, ns * sizeof *pl);
		for (int kk = 0; kk < j->kk; kk++) {
			const int *restrict off = j->off + kk * nd;
			float *restrict r = j->dst + ((size_t)c * j->kk + kk) * ncols + (size_t)b * nd;
			for (size_t q = 0; q < nd; q++)
				r[q] = pl[off[q]];
		}
	}
}

AD_CLONES
static void col2im_task(void *ctx, int t, int tid)
{
	const ColJob *j = ctx;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t nd = (size_t)j->Hd * j->Wd, ns = (size_t)j->Hs * j->Ws, ncols = (size_t)j->B * nd;
	float *pl = nn_scratch(tid, ns + NTRASH);
	const float *rows = j->src + (size_t)c * j->kk * ncols;
	for (int b = b0; b < b1; b++) {
		memset(pl, 0, (ns + NTRASH) * sizeof *pl);
		for (int kk = 0; kk < j->kk; kk++) {
			const int *restrict off = j->off + kk * nd;
			const float *restrict r = rows + (size_t)kk * ncols + (size_t)b * nd;
			for (size_t q = 0; q < nd; q++)
				pl[off[q]] += r[q];
		}
		memcpy(j->dst + (size_t)c * j->cs + (size_t)b * ns, pl, ns * sizeof *pl);
	}
}

/* The stride-2 path (every convolution of the conv AEs; GCC, on CPUs with AVX-512,
 * where it was measured), for up to 16 window positions per row spanning at most
 * 32 columns.  im2col: a window row of one tap is the even elements of 32
 * consecutive values of a bordered copy of the plane (P2W values per row, the
 * image at row and column p, zeros around it), taken with two 16-float loads and
 * one shuffle, and stored as 16 values (those beyond Wd land on the next rows,
 * written afterwards; the last rows of a plane go through a buffer).  col2im,
 * one image row at a time: the taps that reach the row (ky ascending, kx
 * ascending within) are spread onto even lanes, shifted by kx (one two-vector
 * permutation each) and added into two registers (32 lanes) that start at +0.
 * The lanes in between receive +0, which leaves every value as it was (none is
 * ever -0: each starts at +0 and only has values added), so every pixel is +0
 * plus its taps in ascending order, as in the general path. */
int nn_col2_off;

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define COL2_FAST 1
/* these paths run only where AVX-512 is (col2_fits(), col4_fits()): compiled for
 * that alone, not in the three clones of AD_CLONES */
#define COL2_TARGET __attribute__((target("arch=x86-64-v4")))
typedef float v16 __attribute__((vector_size(16 * sizeof(float))));
typedef float v16u __attribute__((vector_size(16 * sizeof(float)), aligned(4)));
typedef int v16i __attribute__((vector_size(16 * sizeof(int))));
#define P2W 48
#define P2KMAX 8
/* im2col's path wastes 16 - Wd of 16 lanes: with 4 window positions a row
 * (the 4x4 planes of conv:16-32-64) it was slower than the general path */
#define IM2COL2_MIN_WD 6

typedef struct {
	const float *src;
	float *dst;
	int C, B, Hs, Ws, Hd, Wd, k, p;
	size_t cs, nimg;   /* image: channel stride; im2col: floats readable from src */
} Col2Job;

static int col2_fits(int Ws, int Wd, int k, int s, int p)
{
	return !nn_col2_off && s == 2 && k <= P2KMAX && p >= 0 && p < k && Wd >= 1 && Wd <= 16 &&
	       2 * (Wd - 1) + k <= 32 && Ws + p <= 32 && __builtin_cpu_supports("avx512f");
}

/* lanes i < n of v, the others +0 */
#define lanes_below(v, n) ((v16)((v16i)(v) & (IOTA16 < (n))))
#define IOTA16 ((v16i){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 })

/* the short copies of the last rows stay loops, not calls to memcpy */
#define NO_MEMCPY __attribute__((optimize("no-tree-loop-distribute-patterns")))

COL2_TARGET NO_MEMCPY
static void im2col2_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B), Wd = j->Wd, Ws = j->Ws, k = j->k;
	size_t nd = (size_t)j->Hd * Wd, ns = (size_t)j->Hs * Ws, ncols = (size_t)j->B * nd;
	size_t nsrc = j->nimg;
	int Hp = 2 * (j->Hd - 1) + k > j->Hs + j->p ? 2 * (j->Hd - 1) + k : j->Hs + j->p;
	size_t np = (size_t)Hp * P2W + 32;
	float *pl = nn_scratch(tid, np), tmp[16];
	const v16i even = { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30 };
	/* Wd <= 8: two window rows a store, the even elements of two 16-float loads */
	int pair = Wd <= 8;
	v16i two;
	for (int i = 0; i < 16; i++)
		two[i] = i < Wd ? 2 * i : i < 2 * Wd ? 16 + 2 * (i - Wd) : 0;
	memset(pl, 0, np * sizeof *pl);   /* the border stays 0 */
	for (int b = b0; b < b1; b++) {
		size_t o = (size_t)c * j->cs + (size_t)b * ns;
		for (int y = 0; y < j->Hs; y++, o += (size_t)Ws) {
			float *d = pl + (size_t)(y + j->p) * P2W + j->p;
			if (o + 32 <= nsrc) {   /* the lanes past the row write border zeros */
				*(v16u *)d = lanes_below(*(const v16u *)(j->src + o), Ws);
				if (Ws > 16)
					*(v16u *)(d + 16) = lanes_below(*(const v16u *)(j->src + o + 16),
					                                Ws - 16);
			} else
				for (int x = 0; x < Ws; x++)
					d[x] = j->src[o + (size_t)x];
		}
		/* a store may spill past the plane onto the next sample's, which this
		 * task writes afterwards, unless b is its last */
		size_t lim = b + 1 < b1 ? nd + nd : nd;
		for (int ky = 0; ky < k; ky++)
			for (int kx = 0; kx < k; kx++) {
				float *r = j->dst + ((size_t)c * k * k + ky * k + kx) * ncols + (size_t)b * nd;
				int y = 0;
				if (pair)   /* rows y and y + 1 at once */
					for (; y + 1 < j->Hd; y += 2) {
						const float *s0 = pl + (size_t)(2 * y + ky) * P2W + kx;
						v16 v = __builtin_shuffle(*(const v16u *)s0,
						                          *(const v16u *)(s0 + 2 * P2W), two);
						if ((size_t)y * Wd + 16 <= lim)
							*(v16u *)(r + (size_t)y * Wd) = v;
						else {
							*(v16u *)tmp = v;
							for (int x = 0; x < 2 * Wd; x++)
								r[(size_t)y * Wd + x] = tmp[x];
						}
					}
				for (; y < j->Hd; y++) {
					const float *s0 = pl + (size_t)(2 * y + ky) * P2W + kx;
					v16 v = __builtin_shuffle(*(const v16u *)s0, *(const v16u *)(s0 + 16),
					                          even);
					if ((size_t)y * Wd + 16 <= lim)
						*(v16u *)(r + (size_t)y * Wd) = v;
					else {
						*(v16u *)tmp = v;
						for (int x = 0; x < Wd; x++)
							r[(size_t)y * Wd + x] = tmp[x];
					}
				}
			}
	}
}

/* im2col of the 14 x 14 planes seen through a 3 x 3 window at stride 2, padding 1
 * (7 x 7 window positions: conv:16-32-64's second convolution and the weight
 * gradients of it and of the second transposed one; col7_fits()): the bordered
 * plane, row pitch 16 (image at row and column 1), is held in sixteen 16-float
 * registers, and tap (ky, kx)'s window rows y and y + 1 are one two-register
 * permutation of plane rows 2 y + ky and 2 y + 2 + ky, stored as in
 * im2col2_task() (14 of 16 lanes; the last row alone): no plane in memory to
 * load from again. */
COL2_TARGET NO_MEMCPY
static void im2col7_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	(void)tid;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t ncols = (size_t)j->B * 49;
	v16i two[3], one[3];
	const v16i right = { 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16 };
	for (int kx = 0; kx < 3; kx++)   /* window x of rows y, y + 1 <- plane column 2 x + kx */
		for (int i = 0; i < 16; i++) {
			two[kx][i] = i < 7 ? kx + 2 * i : i < 14 ? 16 + kx + 2 * (i - 7) : 0;
			one[kx][i] = i < 7 ? kx + 2 * i : 16;
		}
	const v16 z = { 0 };
	float tmp[16];
	for (int b = b0; b < b1; b++) {
		v16 a[16];
		a[0] = a[15] = z;
		size_t o = (size_t)c * j->cs + (size_t)b * 196;
#pragma GCC unroll 14
		for (int y = 0; y < 14; y++, o += 14) {
			v16 v;
			if (o + 16 <= j->nimg)
				v = *(const v16u *)(j->src + o);
			else {
				for (int x = 0; x < 16; x++)
					tmp[x] = x < 14 ? j->src[o + (size_t)x] : 0.0f;
				v = *(const v16u *)tmp;
			}
			a[y + 1] = __builtin_shuffle(v, z, right);   /* columns 1..14, zeros around */
		}
		/* a store may spill past the sample's part onto the next sample's, which
		 * this task writes afterwards, unless b is its last */
		int last = b + 1 == b1;
		float *r = j->dst + (size_t)c * 9 * ncols + (size_t)b * 49;
#pragma GCC unroll 9
		for (int kk = 0; kk < 9; kk++, r += ncols) {
			int ky = kk / 3, kx = kk % 3;
#pragma GCC unroll 3
			for (int y = 0; y < 6; y += 2)
				*(v16u *)(r + y * 7) = __builtin_shuffle(a[2 * y + ky], a[2 * y + 2 + ky],
				                                         two[kx]);
			v16 v = __builtin_shuffle(a[12 + ky], z, one[kx]);
			if (!last)
				*(v16u *)(r + 42) = v;
			else {
				*(v16u *)tmp = v;
				for (int x = 0; x < 7; x++)
					r[42 + x] = tmp[x];
			}
		}
	}
}

/* im2col of the 7 x 7 planes seen through a 3 x 3 window at stride 2, padding 1
 * (4 x 4 window positions: conv:16-32-64's third layer and the data gradient of
 * its first transposed one), where the path above would use 4 of 16 lanes: the
 * bordered plane, row pitch 8 (image at row and column 1), is held in five
 * registers, plane rows 2 q and 2 q + 1 in register q (three loads of two
 * image rows each, one of the first row, and a permutation each); the 16
 * values of tap (ky, kx), window (y, x) from plane row 2 y + ky, column 2 x + kx
 * (y, x < 4), are a permutation of registers ky / 2 and ky / 2 + 1 (y < 2), one
 * of the next two (y >= 2) and one joining their halves, one store. */
static int col4_fits(int Hs, int Ws, int k, int s, int p)
{
	return !nn_col2_off && s == 2 && k == 3 && p == 1 && Hs == 7 && Ws == 7 &&
	       __builtin_cpu_supports("avx512f");
}

COL2_TARGET NO_MEMCPY
static void im2col4_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	(void)tid;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t ncols = (size_t)j->B * 16;
	/* plane rows 2 q, 2 q + 1 in register q: image rows 2 q - 1, 2 q, 14 values
	 * from one load, at lanes 1..7 and 9..15 */
	v16i rows2, row1, m[2][3];
	const v16i join = { 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23 };
	for (int i = 0; i < 16; i++) {
		rows2[i] = i % 8 ? (i / 8) * 7 + i % 8 - 1 : 16;
		row1[i] = i > 8 ? i - 9 : 16;
	}
	/* lane i < 8 <- window (y, x) = (i / 4, i % 4): plane row 2 y + h of the
	 * pair in register y, column 2 x + kx (column 8, past the image, is the
	 * border: the row's column 0) */
	for (int h = 0; h < 2; h++)
		for (int kx = 0; kx < 3; kx++)
			for (int i = 0; i < 16; i++) {
				int col = 2 * (i % 4) + kx;
				m[h][kx][i] = ((i / 4) % 2) * 16 + 8 * h + (col < 8 ? col : 0);
			}
	const v16 z = { 0 };
	float tmp[16];
	for (int b = b0; b < b1; b++) {
		size_t o = (size_t)c * j->cs + (size_t)b * 49;
		v16 v[3];
		for (int q = 0; q < 3; q++) {   /* image rows 1..6 */
			size_t oq = o + 7 + 14 * (size_t)q;
			if (oq + 16 <= j->nimg)
				v[q] = *(const v16u *)(j->src + oq);
			else {
				for (int x = 0; x < 16; x++)
					tmp[x] = x < 14 ? j->src[oq + (size_t)x] : 0.0f;
				v[q] = *(const v16u *)tmp;
			}
		}
		v16 r0 = __builtin_shuffle(*(const v16u *)(j->src + o), z, row1);
		v16 r[5] = { r0, __builtin_shuffle(v[0], z, rows2), __builtin_shuffle(v[1], z, rows2),
		             __builtin_shuffle(v[2], z, rows2), z };
		float *d = j->dst + (size_t)c * 9 * ncols + (size_t)b * 16;
#pragma GCC unroll 9
		for (int kk = 0; kk < 9; kk++, d += ncols) {
			int ky = kk / 3, kx = kk % 3, q = ky / 2, h = ky % 2;
			v16 lo = __builtin_shuffle(r[q], r[q + 1], m[h][kx]);
			v16 hi = __builtin_shuffle(r[q + 2], r[q + 3], m[h][kx]);
			*(v16u *)d = __builtin_shuffle(lo, hi, join);
		}
	}
}

/* col2im onto the 7 x 7 planes from 4 x 4 window positions (k 3, stride 2,
 * padding 1: conv:16-32-64's first transposed convolution and the data gradient
 * of its third convolution), where col2im2_task() would use 4 of 16 lanes: the
 * plane is summed in registers as a bordered one of row pitch 8 (image at row
 * and column 1), five 16-float accumulators from +0, tap (ky, kx)'s 16 values
 * going to positions 16 y + 2 x + 8 ky + kx (one permutation into each
 * accumulator, zeros where it has none of them), taps in ascending order: every
 * pixel is +0 plus its taps in that order, as in the general path (a lane given
 * +0 keeps its value: none is -0, see above).  Three permutations then pack the
 * image's first 48 values, stored as three vectors, and the 49th alone. */
static int col4t_fits(int Hs, int Ws, int Hd, int Wd, int k, int s, int p)
{
	return col4_fits(Hs, Ws, k, s, p) && Hd == 4 && Wd == 4;
}

COL2_TARGET
static void col2im4_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	(void)tid;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t ncols = (size_t)j->B * 16;
	v16i map[9][5], out[3];
	for (int kk = 0; kk < 9; kk++)   /* lane i of accumulator q <- window y * 4 + x */
		for (int q = 0; q < 5; q++)
			for (int i = 0; i < 16; i++) {
				int e = 16 * q + i - (8 * (kk / 3) + kk % 3);
				map[kk][q][i] = e >= 0 && e % 2 == 0 && e % 16 < 8 && e < 64
				              ? (e / 16) * 4 + (e % 16) / 2 : 16;
			}
	for (int m = 0; m < 3; m++)   /* pixel 16 m + i <- lane of accumulators m, m + 1 */
		for (int i = 0; i < 16; i++) {
			int px = 16 * m + i;
			out[m][i] = (px / 7 + 1) * 8 + px % 7 + 1 - 16 * m;
		}
	const v16 z = { 0 };
	const float *rows = j->src + (size_t)c * 9 * ncols;
	for (int b = b0; b < b1; b++) {
		v16 a0 = z, a1 = z, a2 = z, a3 = z, a4 = z;
		for (int kk = 0; kk < 9; kk++) {
			v16 v = *(const v16u *)(rows + (size_t)kk * ncols + (size_t)b * 16);
			a0 += __builtin_shuffle(v, z, map[kk][0]);
			a1 += __builtin_shuffle(v, z, map[kk][1]);
			a2 += __builtin_shuffle(v, z, map[kk][2]);
			a3 += __builtin_shuffle(v, z, map[kk][3]);
			a4 += __builtin_shuffle(v, z, map[kk][4]);
		}
		(void)a4;   /* positions 64 and up: the bottom border */
		float *img = j->dst + (size_t)c * j->cs + (size_t)b * 49;
		*(v16u *)img = __builtin_shuffle(a0, a1, out[0]);
		*(v16u *)(img + 16) = __builtin_shuffle(a1, a2, out[1]);
		*(v16u *)(img + 32) = __builtin_shuffle(a2, a3, out[2]);
		img[48] = a3[15];
	}
}

/* col2im onto the 14 x 14 planes from 7 x 7 window positions (k 3, stride 2,
 * padding 1: conv:16-32-64's second transposed convolution and the data
 * gradient of its second convolution), the same way as col2im4_task(): the
 * bordered plane, row pitch 16, in sixteen 16-float registers from +0; a tap's
 * window rows y and y + 1 one 16-float load, each row permuted onto the even or
 * odd lanes (by kx) of plane row 2 y + ky, taps in ascending order; then a
 * permutation by one lane a row, stored 16 wide (the two lanes past the row
 * land on the next, stored afterwards; the last row through a buffer). */
static int col7_fits(int Hs, int Ws, int Hd, int Wd, int k, int s, int p)
{
	return !nn_col2_off && s == 2 && k == 3 && p == 1 && Hs == 14 && Ws == 14 && Hd == 7 &&
	       Wd == 7 && __builtin_cpu_supports("avx512f");
}

COL2_TARGET
static void col2im7_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	(void)tid;
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B);
	size_t ncols = (size_t)j->B * 49, ncol = (size_t)j->C * 9 * ncols;
	v16i m0[3], m1[3], sh;
	for (int kx = 0; kx < 3; kx++)   /* lane i <- window x = (i - kx) / 2 of row y, y + 1 */
		for (int i = 0; i < 16; i++) {
			int e = i - kx, ok = e >= 0 && e % 2 == 0 && e / 2 < 7;
			m0[kx][i] = ok ? e / 2 : 16;
			m1[kx][i] = ok ? 7 + e / 2 : 16;
		}
	for (int i = 0; i < 16; i++)   /* image column i <- plane column i + 1 */
		sh[i] = i + 1;
	const v16 z = { 0 };
	float tmp[16];
	const float *rows = j->src + (size_t)c * 9 * ncols;
	for (int b = b0; b < b1; b++) {
		v16 a[16];
		for (int q = 0; q < 16; q++)
			a[q] = z;
#pragma GCC unroll 9
		for (int kk = 0; kk < 9; kk++) {
			int ky = kk / 3, kx = kk % 3;
			const float *r = rows + (size_t)kk * ncols + (size_t)b * 49;
#pragma GCC unroll 4
			for (int y = 0; y < 7; y += 2) {
				v16 v;
				size_t o = (size_t)(r - j->src) + (size_t)y * 7;
				if (o + 16 <= ncol)
					v = *(const v16u *)(r + y * 7);
				else {
					for (int x = 0; x < 16; x++)
						tmp[x] = x < 7 ? r[y * 7 + x] : 0.0f;
					v = *(const v16u *)tmp;
				}
				a[2 * y + ky] += __builtin_shuffle(v, z, m0[kx]);
				if (y + 1 < 7)
					a[2 * y + 2 + ky] += __builtin_shuffle(v, z, m1[kx]);
			}
		}
		float *img = j->dst + (size_t)c * j->cs + (size_t)b * 196;
#pragma GCC unroll 14
		for (int iy = 0; iy < 14; iy++) {
			v16 o = __builtin_shuffle(a[iy + 1], a[iy + 1], sh);
			if (iy < 13)
				*(v16u *)(img + iy * 14) = o;
			else {
				*(v16u *)tmp = o;
				for (int x = 0; x < 14; x++)
					img[iy * 14 + x] = tmp[x];
			}
		}
	}
}

/* The body of col2im2_task() for k taps a row and, if !wide (Ws + p <= 16: every
 * image column comes from the first 16 lanes of the row), without the upper 16
 * lanes, which then only reach the values written past the row's end, which
 * later rows overwrite; called with constant k and wide, so that the kx loop
 * unrolls and the lane maps stay in registers */
static inline __attribute__((always_inline))
void col2im2_body(const Col2Job *j, int t, int k, int wide)
{
	int c, b0 = col_task(j->B, t, &c), b1 = nn_task_end(b0 / BCHUNK, BCHUNK, j->B), Wd = j->Wd, Hd = j->Hd, Ws = j->Ws;
	int p = j->p;
	size_t nd = (size_t)Hd * Wd, ns = (size_t)j->Hs * Ws, ncols = (size_t)j->B * nd;
	size_t ncol = (size_t)j->C * k * k * ncols;
	v16i lo[P2KMAX], hi[P2KMAX], sh0, sh1;
	for (int kx = 0; kx < k; kx++)   /* lane i of the row <- window x = (i - kx) / 2 */
		for (int i = 0; i < 16; i++) {
			int e = i - kx, f = i + 16 - kx;
			lo[kx][i] = e >= 0 && e % 2 == 0 ? e / 2 : 16;
			hi[kx][i] = f >= 0 && f % 2 == 0 ? f / 2 : 16;
		}
	for (int i = 0; i < 16; i++) {   /* image column i <- row lane i + p */
		sh0[i] = i + p;
		sh1[i] = i + 16 + p < 32 ? i + 16 + p : 31;
	}
	const v16 z = { 0 };
	float tmp[32];
	const float *rows = j->src + (size_t)c * k * k * ncols;
	for (int b = b0; b < b1; b++) {
		float *img = j->dst + (size_t)c * j->cs + (size_t)b * ns;
		for (int iy = 0; iy < j->Hs; iy++) {
			int py = iy + p;   /* 2y + ky */
			v16 a0 = z, a1 = z;
			for (int ky = py % 2; ky < k && ky <= py; ky += 2) {
				int y = (py - ky) / 2;
				if (y >= Hd)
					continue;
				const float *r = rows + (size_t)ky * k * ncols + (size_t)b * nd +
				                 (size_t)y * Wd;
				size_t o = (size_t)(r - j->src);
				for (int kx = 0; kx < k; kx++, r += ncols, o += ncols) {
					v16 v;
					if (o + 16 <= ncol)
						v = lanes_below(*(const v16u *)r, Wd);
					else {
						for (int x = 0; x < 16; x++)
							tmp[x] = x < Wd ? r[x] : 0.0f;
						v = *(const v16u *)tmp;
					}
					a0 += __builtin_shuffle(v, z, lo[kx]);
					if (wide)
						a1 += __builtin_shuffle(v, z, hi[kx]);
				}
			}
			v16 o0 = __builtin_shuffle(a0, a1, sh0), o1 = __builtin_shuffle(a0, a1, sh1);
			float *d = img + (size_t)iy * Ws;
			if ((size_t)iy * Ws + (Ws > 16 ? 32 : 16) <= ns) {   /* spill onto later rows */
				*(v16u *)d = o0;
				if (Ws > 16)
					*(v16u *)(d + 16) = o1;
			} else {
				*(v16u *)tmp = o0;
				*(v16u *)(tmp + 16) = o1;
				for (int x = 0; x < Ws; x++)
					d[x] = tmp[x];
			}
		}
	}
}

COL2_TARGET NO_MEMCPY
static void col2im2_task(void *ctx, int t, int tid)
{
	const Col2Job *j = ctx;
	(void)tid;
	int wide = j->Ws + j->p > 16;
	if (j->k == 3 && !wide)
		col2im2_body(j, t, 3, 0);
	else if (j->k == 3)
		col2im2_body(j, t, 3, 1);
	else
		col2im2_body(j, t, j->k, 1);
}

#endif

/* The image holds Bi samples, of which samples [b0, b0 + B) are seen: the
 * im2col matrix has their B * Hd * Wd columns. */
static void im2col(const float *img, int Bi, int b0, float *col, int C, int B, int Hs, int Ws,
                   int Hd, int Wd, int k, int s, int p)
{
	int ntask = C * nn_ntasks(B, BCHUNK);
	size_t work = (size_t)C * k * k * B * Hd * Wd, ns = (size_t)Hs * Ws, cs = (size_t)Bi * ns;
	const float *src = img + (size_t)b0 * ns;
#ifdef COL2_FAST
	if (col7_fits(Hs, Ws, Hd, Wd, k, s, p)) {
		Col2Job j = { src, col, C, B, Hs, Ws, Hd, Wd, k, p, cs, C * cs - (size_t)b0 * ns };
		nn_parallel_work(ntask, work, im2col7_task, &j);
		return;
	}
	if (col2_fits(Ws, Wd, k, s, p) && Wd >= IM2COL2_MIN_WD) {
		Col2Job j = { src, col, C, B, Hs, Ws, Hd, Wd, k, p, cs, C * cs - (size_t)b0 * ns };
		nn_parallel_work(ntask, work, im2col2_task, &j);
		return;
	}
	if (col4_fits(Hs, Ws, k, s, p)) {
		Col2Job j = { src, col, C, B, Hs, Ws, Hd, Wd, k, p, cs, C * cs - (size_t)b0 * ns };
		nn_parallel_work(ntask, work, im2col4_task, &j);
		return;
	}
#endif
	ColJob j = { src, col, C, B, Hs, Ws, Hd, Wd, k * k, cs, NULL };
	colmap(&j, k, s, p);
	nn_parallel_work(ntask, work, im2col_task, &j);
	colmap_free(&j);
}

/* the image's samples [b0, b0 + B) of Bi from the B * Hd * Wd columns of col */
static void col2im(const float *col, float *img, int Bi, int b0, int C, int B, int Hs, int Ws,
                   int Hd, int Wd, int k, int s, int p)
{
	int ntask = C * nn_ntasks(B, BCHUNK);
	size_t work = (size_t)C * k * k * B * Hd * Wd, ns = (size_t)Hs * Ws, cs = (size_t)Bi * ns;
	float *dst = img + (size_t)b0 * ns;
#ifdef COL2_FAST
	if (col7_fits(Hs, Ws, Hd, Wd, k, s, p)) {
		Col2Job j = { col, dst, C, B, Hs, Ws, Hd, Wd, k, p, cs, 0 };
		nn_parallel_work(ntask, work, col2im7_task, &j);
		return;
	}
	if (col4t_fits(Hs, Ws, Hd, Wd, k, s, p)) {
		Col2Job j = { col, dst, C, B, Hs, Ws, Hd, Wd, k, p, cs, 0 };
		nn_parallel_work(ntask, work, col2im4_task, &j);
		return;
	}
	if (col2_fits(Ws, Wd, k, s, p)) {
		Col2Job j = { col, dst, C, B, Hs, Ws, Hd, Wd, k, p, cs, 0 };
		nn_parallel_work(ntask, work, col2im2_task, &j);
		return;
	}
#endif
	ColJob j = { col, dst, C, B, Hs, Ws, Hd, Wd, k * k, cs, NULL };
	colmap(&j, k, s, p);
	nn_parallel_work(ntask, work, col2im_task, &j);
	colmap_free(&j);
}

/* The im2col matrix of the layer being computed lives in the model's NnWork: one
 * buffer for all layers (kernels run one at a time, see pool.h); a convolution's
 * backward pass builds its matrix again from the input rather than keeping one
 * per layer. */
static float *col_scratch(NnWork *w, size_t need)
{
	if (w->ncol < need) {
		free(w->col);
		w->col = ad_xmalloc(ad_mul(need, sizeof(float)));
		w->ncol = need;
	}
	return w->col;
}

void nn_work_free(NnWork *w)
{
	free(w->col);
	sgemm_work_free(&w->gemm);
	memset(w, 0, sizeof *w);
}

/* ---- per-channel kernels ------------------------------------------------------ */
typedef struct {
	Layer *l;
	const Layer *act;   /* batch-norm: the activation fused after it, or NULL */
	const float *x, *y, *dy;
	float *out, *dx;
	int B, train;
	size_t S;     /* spatial size of the input plane */
} ChJob;

AD_CLONES
static void bias_add_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	float b = j->l->b[c], *y = j->out + (size_t)c * n;
	for (size_t i = 0; i < n; i++)
		y[i] += b;
}

/* 8 doubles: the 8 interleaved lanes of a per-channel sum as one
 * vector (with AVX-512 one register) */
typedef double v8d __attribute__((vector_size(8 * sizeof(double))));
typedef float v8f __attribute__((vector_size(8 * sizeof(float)), aligned(4)));

static double hsum8(const v8d *v)   /* (by address: a 64-byte argument has no settled ABI) */
{
	v8d a = *v;
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* The per-channel sums (bias gradient, batch-norm statistics) are in double in 8
 * interleaved lanes, element i into lane i mod 8 in order, the lanes then added
 * pairwise (hsum8()): a fixed order that vectorises.  Each lane is a chain of
 * dependent additions, so a task sums BN_GROUP channels side by side. */
#define BN_GROUP 4

/* s[q] = the sum of x[q][0..n) in that order, q < G */
static inline __attribute__((always_inline))
void sum8_group(const float *const *x, size_t n, int G, double *s)
{
	v8d a[BN_GROUP] = { { 0 } };
	size_t i, n8 = n & ~(size_t)7;
	for (i = 0; i < n8; i += 8)
		for (int q = 0; q < G; q++)
			a[q] += __builtin_convertvector(*(const v8f *)(x[q] + i), v8d);
	for (int q = 0; q < G; q++) {
		for (i = n8; i < n; i++)
			a[q][i & 7] += x[q][i];
		s[q] = hsum8(&a[q]);
	}
}

/* channels [BN_GROUP t, BN_GROUP (t + 1)) */
AD_CLONES
static void bias_grad_task(void *ctx, int t, int tid)
{
	const ChJob *j = ctx;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	int c0 = t * BN_GROUP, G = j->l->oc - c0 < BN_GROUP ? j->l->oc - c0 : BN_GROUP;
	const float *xs[BN_GROUP];
	double s[BN_GROUP];
	for (int q = 0; q < G; q++)
		xs[q] = j->dy + (size_t)(c0 + q) * n;
	if (G == BN_GROUP)
		sum8_group(xs, n, BN_GROUP, s);
	else
		for (int q = 0; q < G; q++)
			sum8_group(xs + q, n, 1, s + q);
	for (int q = 0; q < G; q++)
		j->l->gb[c0 + q] += (float)s[q];
}

static void bias_add(Layer *l, float *y, int B, size_t S)
{
	ChJob j = { .l = l, .out = y, .B = B, .S = S };
	nn_parallel_work(l->oc, (size_t)l->oc * B * S, bias_add_task, &j);
}

static void bias_grad(Layer *l, const float *dy, int B, size_t S)
{
	ChJob j = { .l = l, .dy = dy, .B = B, .S = S };
	nn_parallel_work((l->oc + BN_GROUP - 1) / BN_GROUP, (size_t)l->oc * B * S, bias_grad_task, &j);
}

/* ---- layers: forward and backward side by side -----------------------------------
 * forward: x [ic][B][ih*iw] -> y [oc][B][oh*ow]; returns 0 or -1 + ad_error.
 * backward: after a train forward of the same x, y: accumulates parameter
 * gradients and, unless dx is NULL (the first layer), writes dL/dx. */
static size_t in_plane(const Layer *l) { return (size_t)l->ih * l->iw; }
static size_t out_plane(const Layer *l) { return (size_t)l->oh * l->ow; }

/* Linear: y = W x + b, W [oc][ic] */
static int linear_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)train;
	sgemm(0, 0, l->oc, B, l->ic, 1.0f, l->w, l->ic, x, B, 0.0f, y, B, &w->gemm);
	if (l->bias)
		bias_add(l, y, B, 1);
	return 0;
}

static void linear_backward(Layer *l, NnWork *w, const float *x, const float *y,
                            const float *dy, float *dx, int B)
{
	(void)y;
	sgemm(0, 1, l->oc, l->ic, B, 1.0f, dy, B, x, B, 1.0f, l->gw, l->ic, &w->gemm);
	if (l->bias)
		bias_grad(l, dy, B, 1);
	if (dx)
		sgemm(1, 0, l->ic, B, l->oc, 1.0f, l->w, l->ic, dy, B, 0.0f, dx, B, &w->gemm);
}

/* The products of a convolution's forward pass (im2col, then W x col, then the
 * bias), of its data gradient (GEMM, then col2im) and of a transposed
 * convolution's forward pass (GEMM, col2im, bias) run in pieces of samples whose
 * im2col matrix (at most COL_PIECE floats) stays in cache between the steps.  A
 * column's values do not depend on the other columns of a product, so the
 * pieces give the same results.  With several workers each piece runs on one of
 * them, in its own part of the im2col buffer. */
#define COL_PIECE 65536
enum { PIECE_CONV, PIECE_CONV_DX, PIECE_CONVT };

typedef struct {
	const Layer *l;
	const float *in;   /* conv: x; conv data gradient: dy; transposed conv: x */
	float *out;        /* conv: y; conv data gradient: dx; transposed conv: y */
	float *col;
	size_t ncol;       /* floats of one worker's part of col */
	int kind, B, nb;   /* nb samples a piece */
} PieceJob;

/* y[c][b0 .. b0 + n) += b[c] */
AD_CLONES
static void bias_piece(const Layer *l, float *y, int B, size_t P, int b0, int n)
{
	for (int c = 0; c < l->oc; c++) {
		float b = l->b[c], *r = y + ((size_t)c * B + b0) * P;
		for (size_t i = 0; i < (size_t)n * P; i++)
			r[i] += b;
	}
}

static void piece_run(const PieceJob *j, int b0, float *col)
{
	const Layer *l = j->l;
	int B = j->B, n = B - b0 < j->nb ? B - b0 : j->nb, k = l->k;
	if (j->kind == PIECE_CONV) {
		int K = l->ic * k * k, P = (int)out_plane(l), N = n * P;
		im2col(j->in, B, b0, col, l->ic, n, l->ih, l->iw, l->oh, l->ow, k, l->stride, l->pad);
		sgemm(0, 0, l->oc, N, K, 1.0f, l->w, K, col, N, 0.0f, j->out + (size_t)b0 * P, B * P,
		      NULL);
		if (l->bias)
			bias_piece(l, j->out, B, (size_t)P, b0, n);
	} else if (j->kind == PIECE_CONV_DX) {
		int K = l->ic * k * k, P = (int)out_plane(l), N = n * P;
		sgemm(1, 0, K, N, l->oc, 1.0f, l->w, K, j->in + (size_t)b0 * P, B * P, 0.0f, col, N,
		      NULL);
		col2im(col, j->out, B, b0, l->ic, n, l->ih, l->iw, l->oh, l->ow, k, l->stride, l->pad);
	} else {
		int K = l->oc * k * k, P = (int)in_plane(l), N = n * P;
		sgemm(1, 0, K, N, l->ic, 1.0f, l->w, K, j->in + (size_t)b0 * P, B * P, 0.0f, col, N,
		      NULL);
		col2im(col, j->out, B, b0, l->oc, n, l->oh, l->ow, l->ih, l->iw, k, l->stride, l->pad);
		if (l->bias)
			bias_piece(l, j->out, B, out_plane(l), b0, n);
	}
}

static void piece_task(void *ctx, int t, int tid)
{
	const PieceJob *j = ctx;
	piece_run(j, t * j->nb, j->col + (size_t)tid * j->ncol);
}

/* samples a piece, for K rows of P columns a sample in the im2col matrix */
static int piece_rows(int K, size_t P, int B, int nt)
{
	size_t nb = COL_PIECE / ((size_t)K * P);
	if (nt > 1 && nb > (size_t)(B + 4 * nt - 1) / (4 * nt))
		nb = (size_t)(B + 4 * nt - 1) / (4 * nt);   /* a few pieces a worker */
	return nb < 1 ? 1 : nb > (size_t)B ? B : (int)nb;
}

static void by_pieces(PieceJob *j, NnWork *w, int K, size_t P)
{
	int nt = nn_in_task() ? 1 : nn_threads(), B = j->B;
	j->nb = piece_rows(K, P, B, nt);
	j->ncol = (size_t)K * j->nb * P;
	j->col = col_scratch(w, ad_mul(j->ncol, (size_t)nt));
	int np = (B + j->nb - 1) / j->nb;
	if (nt == 1)
		for (int t = 0; t < np; t++)
			piece_run(j, t * j->nb, j->col);
	else
		nn_parallel(np, piece_task, j);
}

/* Conv2d: y = W im2col(x) + b, W [oc][ic*k*k] */
static int conv_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)train;
	PieceJob j = { .l = l, .in = x, .out = y, .kind = PIECE_CONV, .B = B };
	by_pieces(&j, w, l->ic * l->k * l->k, out_plane(l));
	return 0;
}

/* The weight gradient of a convolution, gw += dy im2col(x)^T (of a transposed
 * one, gw += x im2col(dy)^T), sums over the B * P window positions of the batch:
 * in pieces of whole K slices of the GEMM (SGEMM_KSLICE positions) so that each
 * piece's im2col matrix, made of the samples the piece touches, stays in cache.
 * One worker: the pieces' products are added to gw one after the other (beta =
 * 1), the same additions as one product over all positions.  Several: each
 * piece runs on one worker and writes each slice's sum to its own buffer; the
 * sums are then added to gw in slice order, the same additions again (gw starts
 * at +0 and so is never -0: adding 0 + s, as a GEMM with beta = 0 stores it,
 * equals adding s).  A transposed convolution's data gradient, dx = W im2col(dy),
 * is made from the same pieces. */
typedef struct {
	const Layer *l;
	const float *img, *a;   /* what im2col sees; the other factor [M][B * P] */
	float *dx;              /* transposed convolution: its data gradient, or NULL */
	float *col, *part;      /* one ncol part of col a worker; part: a sum a slice */
	size_t ncol;
	int B, P, M, K, C, Hs, Ws, Hd, Wd, npix;   /* npix: window positions a piece */
} GwJob;

static void gw_piece(const GwJob *j, int t, float *col, int par)
{
	const Layer *l = j->l;
	int N = j->B * j->P, a0 = t * j->npix, a1 = a0 + j->npix < N ? a0 + j->npix : N;
	int s0 = a0 / j->P, s1 = (a1 + j->P - 1) / j->P, ld = (s1 - s0) * j->P;
	im2col(j->img, j->B, s0, col, j->C, s1 - s0, j->Hs, j->Ws, j->Hd, j->Wd, l->k, l->stride,
	       l->pad);
	const float *c0 = col + (a0 - s0 * j->P);
	if (!par)
		sgemm(0, 1, j->M, j->K, a1 - a0, 1.0f, j->a + a0, N, c0, ld, 1.0f, l->gw, j->K, NULL);
	else
		for (int k0 = a0; k0 < a1; k0 += SGEMM_KSLICE) {
			int kc = a1 - k0 < SGEMM_KSLICE ? a1 - k0 : SGEMM_KSLICE;
			float *p = j->part + (size_t)(k0 / SGEMM_KSLICE) * j->M * j->K;
			sgemm(0, 1, j->M, j->K, kc, 1.0f, j->a + k0, N, c0 + (k0 - a0), ld, 0.0f, p,
			      j->K, NULL);
		}
	if (j->dx)
		sgemm(0, 0, j->M, a1 - a0, j->K, 1.0f, l->w, j->K, c0, ld, 0.0f, j->dx + a0, N, NULL);
}

static void gw_task(void *ctx, int t, int tid)
{
	const GwJob *j = ctx;
	gw_piece(j, t, j->col + (size_t)tid * j->ncol, 1);
}

/* gw row i += the slices' sums, in slice order */
AD_CLONES
static void gw_reduce_task(void *ctx, int i, int tid)
{
	const GwJob *j = ctx;
	(void)tid;
	int ns = (j->B * j->P + SGEMM_KSLICE - 1) / SGEMM_KSLICE;
	float *g = j->l->gw + (size_t)i * j->K;
	for (int s = 0; s < ns; s++) {
		const float *p = j->part + ((size_t)s * j->M + i) * j->K;
		for (int c = 0; c < j->K; c++)
			g[c] += p[c];
	}
}

static void gw_pieces(GwJob *j, NnWork *w)
{
	int nt = nn_in_task() ? 1 : nn_threads(), N = j->B * j->P;
	/* slices a piece: at least 8 samples' positions (a piece's first and last
	 * samples are only partly used) */
	int m = (8 * j->P + SGEMM_KSLICE - 1) / SGEMM_KSLICE;
	j->npix = m * SGEMM_KSLICE;
	int np = (N + j->npix - 1) / j->npix;
	size_t spp = (size_t)(j->npix + j->P - 1) / j->P + 1;   /* samples a piece touches */
	j->ncol = (size_t)j->K * spp * j->P;
	j->col = col_scratch(w, ad_mul(j->ncol, (size_t)nt));
	if (nt == 1 || np == 1) {
		for (int t = 0; t < np; t++)
			gw_piece(j, t, j->col, 0);
		return;
	}
	int ns = (N + SGEMM_KSLICE - 1) / SGEMM_KSLICE;
	size_t need = ad_mul(ad_mul((size_t)ns, (size_t)j->M), (size_t)j->K);
	if (w->gemm.npart < need) {
		free(w->gemm.part);
		w->gemm.part = ad_xmalloc(ad_mul(need, sizeof(float)));
		w->gemm.npart = need;
	}
	j->part = w->gemm.part;
	nn_parallel(np, gw_task, j);
	nn_parallel(j->M, gw_reduce_task, j);
}

static void conv_backward(Layer *l, NnWork *w, const float *x, const float *y,
                          const float *dy, float *dx, int B)
{
	(void)y;
	int K = l->ic * l->k * l->k;
	GwJob g = { .l = l, .img = x, .a = dy, .B = B, .P = (int)out_plane(l), .M = l->oc,
	            .K = K, .C = l->ic, .Hs = l->ih, .Ws = l->iw, .Hd = l->oh, .Wd = l->ow };
	gw_pieces(&g, w);
	if (l->bias)
		bias_grad(l, dy, B, out_plane(l));
	if (dx) {
		PieceJob j = { .l = l, .in = dy, .out = dx, .kind = PIECE_CONV_DX, .B = B };
		by_pieces(&j, w, K, out_plane(l));
	}
}

/* ConvTranspose2d: y = col2im(W^T x) + b, W [ic][oc*k*k]: the adjoint of a conv */
static int convt_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)train;
	PieceJob j = { .l = l, .in = x, .out = y, .kind = PIECE_CONVT, .B = B };
	by_pieces(&j, w, l->oc * l->k * l->k, in_plane(l));
	return 0;
}

static void convt_backward(Layer *l, NnWork *w, const float *x, const float *y,
                           const float *dy, float *dx, int B)
{
	(void)y;
	GwJob g = { .l = l, .img = dy, .a = x, .dx = dx, .B = B, .P = (int)in_plane(l),
	            .M = l->ic, .K = l->oc * l->k * l->k, .C = l->oc, .Hs = l->oh, .Ws = l->ow,
	            .Hd = l->ih, .Wd = l->iw };
	gw_pieces(&g, w);
	if (l->bias)
		bias_grad(l, dy, B, out_plane(l));
}

/* mean and sum of squared deviations of G channels of n values, x[q] the q-th */
static inline __attribute__((always_inline))
void bn_moments(const float *const *x, size_t n, int G, double *mean, double *ss)
{
	v8d a[BN_GROUP] = { { 0 } };
	size_t i, n8 = n & ~(size_t)7;
	sum8_group(x, n, G, mean);
	for (int q = 0; q < G; q++)
		mean[q] /= (double)n;
	for (i = 0; i < n8; i += 8)
		for (int q = 0; q < G; q++) {
			v8d d = __builtin_convertvector(*(const v8f *)(x[q] + i), v8d) - mean[q];
			a[q] += d * d;
		}
	for (int q = 0; q < G; q++) {
		for (i = n8; i < n; i++) {
			double d = x[q][i] - mean[q];
			a[q][i & 7] += d * d;
		}
		ss[q] = hsum8(&a[q]);
	}
}

/* Batch norm, per channel over batch and plane; j->act: a ReLU / LeakyReLU fused
 * after it (seq_forward()), applied with the activation's own expressions.  Task t:
 * channels [BN_GROUP t, BN_GROUP (t + 1)). */
AD_CLONES
static void bn_fwd_task(void *ctx, int t, int tid)
{
	const ChJob *j = ctx;
	Layer *l = j->l;
	(void)tid;
	size_t n = (size_t)j->B * j->S;
	int c0 = t * BN_GROUP, G = l->ic - c0 < BN_GROUP ? l->ic - c0 : BN_GROUP;
	double means[BN_GROUP], sss[BN_GROUP];
	if (j->train) {
		const float *xs[BN_GROUP];
		for (int q = 0; q < G; q++)
			xs[q] = j->x + (size_t)(c0 + q) * n;
		if (G == BN_GROUP)
			bn_moments(xs, n, BN_GROUP, means, sss);
		else
			for (int q = 0; q < G; q++)
				bn_moments(xs + q, n, 1, means + q, sss + q);
	}
	for (int c = c0; c < c0 + G; c++) {
		const float *x = j->x + (size_t)c * n;
		float *y = j->out + (size_t)c * n;
		double mean, invstd;
		if (j->train) {
			double ss = sss[c - c0];
			mean = means[c - c0];
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
		if (!j->act)
			for (size_t i = 0; i < n; i++)
				y[i] = (x[i] - m) * a + o;
		else if (j->act->type == NN_LRELU) {   /* the activation's own expressions */
			float s = j->act->slope;
			for (size_t i = 0; i < n; i++) {
				float v = (x[i] - m) * a + o;
				y[i] = v * (v > 0.0f ? 1.0f : s);
			}
		} else
			for (size_t i = 0; i < n; i++) {
				float v = (x[i] - m) * a + o;
				y[i] = v > 0.0f ? v : 0.0f;
			}
	}
}

typedef int v8i __attribute__((vector_size(8 * sizeof(int))));

/* The first pass of bn_bwd_task() for mode 0 (no activation), 1 (LeakyReLU of
 * slope s), 2 (ReLU), a constant in each call */
static inline __attribute__((always_inline))
void bn_bwd_sums(const float *dy, const float *ay, const float *x, float *g, size_t n,
                 double mean, double invstd, int mode, float s, double *sdy, double *sdyx)
{
	v8d sa = { 0 }, sb = { 0 };
	const v8f one = { 1, 1, 1, 1, 1, 1, 1, 1 }, slope = { s, s, s, s, s, s, s, s };
	const v8f zero = { 0 };
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		v8f d = *(const v8f *)(dy + i);
		if (mode) {   /* the activation's own expressions, lanes chosen by masks */
			v8i pos = *(const v8f *)(ay + i) > zero;
			if (mode == 1)
				d = d * (v8f)(((v8i)one & pos) | ((v8i)slope & ~pos));
			else
				d = (v8f)((v8i)d & pos);
			*(v8f *)(g + i) = d;
		}
		v8d dd = __builtin_convertvector(d, v8d);
		v8d xd = __builtin_convertvector(*(const v8f *)(x + i), v8d);
		sa += dd;
		sb += dd * ((xd - mean) * invstd);
	}
	for (; i < n; i++) {
		float d = dy[i];
		if (mode) {
			d = mode == 2 ? (ay[i] > 0.0f ? d : 0.0f) : d * (ay[i] > 0.0f ? 1.0f : s);
			g[i] = d;
		}
		sa[i & 7] += d;
		sb[i & 7] += d * ((x[i] - mean) * invstd);
	}
	*sdy = hsum8(&sa);
	*sdyx = hsum8(&sb);
}

/* The backward pass of a batch norm (and of the activation fused after it): one
 * pass makes the activation's gradient g (into the worker's scratch, in cache)
 * and both sums over g, of g and of g (x - mean) invstd, in the same
 * 8 lanes and order as sum8_group() (two independent chains of additions instead of
 * two passes of one each); a second pass writes dx. */
AD_CLONES
static void bn_bwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	Layer *l = j->l;
	size_t n = (size_t)j->B * j->S;
	const float *x = j->x + (size_t)c * n, *dy = j->dy + (size_t)c * n;
	double mean = l->mean[c], invstd = l->invstd[c], sdy, sdyx;
	if (!j->act)
		bn_bwd_sums(dy, NULL, x, NULL, n, mean, invstd, 0, 0.0f, &sdy, &sdyx);
	else {
		/* y is the activation's output */
		const float *ay = j->y + (size_t)c * n;
		float *g = nn_scratch(tid, n);
		if (j->act->type == NN_LRELU)
			bn_bwd_sums(dy, ay, x, g, n, mean, invstd, 1, j->act->slope, &sdy, &sdyx);
		else
			bn_bwd_sums(dy, ay, x, g, n, mean, invstd, 2, 0.0f, &sdy, &sdyx);
		dy = g;
	}
	if (l->affine) {
		l->gw[c] += (float)sdyx;
		l->gb[c] += (float)sdy;
	}
	if (!j->dx)
		return;
	float *dx = j->dx + (size_t)c * n;
	double gm = l->affine ? l->w[c] : 1.0;
	double k = gm * invstd;
	/* dx = k (dy - sdy/n - xhat sdyx/n), xhat = (x - mean) invstd */
	float a = (float)k, m = (float)mean;
	float bx = (float)(-k * invstd * sdyx / (double)n);
	float o = (float)(-k * sdy / (double)n);
	for (size_t i = 0; i < n; i++)
		dx[i] = a * dy[i] + bx * (x[i] - m) + o;
}

static int bn_check(int B, size_t S, int train)
{
	if (train && (size_t)B * S < 2)
		return ad_error("batch-norm: training needs more than one value per channel "
		                "(batch of %d)", B);
	return 0;
}

/* act: the fused activation or NULL */
static int bn_forward_act(Layer *l, const Layer *act, const float *x, float *y, int B,
                          int train)
{
	if (bn_check(B, in_plane(l), train) < 0)
		return -1;
	ChJob j = { .l = l, .act = act, .x = x, .out = y, .B = B, .train = train,
	            .S = in_plane(l) };
	nn_parallel_work((l->ic + BN_GROUP - 1) / BN_GROUP, layer_in_size(l) * B, bn_fwd_task, &j);
	return 0;
}

/* y: the output of act if act, else unused */
static void bn_backward_act(Layer *l, const Layer *act, const float *x, const float *y,
                            const float *dy, float *dx, int B)
{
	ChJob j = { .l = l, .act = act, .x = x, .y = y, .dy = dy, .dx = dx, .B = B,
	            .S = in_plane(l) };
	nn_parallel_work(l->ic, layer_in_size(l) * B, bn_bwd_task, &j);
}

static int bn_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w;
	return bn_forward_act(l, NULL, x, y, B, train);
}

static void bn_backward(Layer *l, NnWork *w, const float *x, const float *y,
                        const float *dy, float *dx, int B)
{
	(void)w;
	bn_backward_act(l, NULL, x, y, dy, dx, B);
}

/* Elementwise activations: LeakyReLU, ReLU, sigmoid */
/* Elementwise: tasks of ACT_CHUNK values of the whole [C][B][plane] array (a
 * one-channel sigmoid is spread over the workers too) */
#define ACT_CHUNK 8192

static size_t act_span(const ChJob *j, int c, size_t *o)
{
	size_t n = (size_t)j->l->ic * j->B * j->S;
	*o = (size_t)c * ACT_CHUNK;
	return n - *o < ACT_CHUNK ? n - *o : ACT_CHUNK;
}

static int act_tasks(const Layer *l, int B)
{
	return (int)((layer_in_size(l) * B + ACT_CHUNK - 1) / ACT_CHUNK);
}

static void act_fwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	size_t o, n = act_span(j, c, &o);
	const float *x = j->x + o;
	float *y = j->out + o;
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

AD_CLONES
static void act_bwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	size_t o, n = act_span(j, c, &o);
	const float *x = j->x + o, *y = j->y + o, *dy = j->dy + o;
	float *dx = j->dx + o;
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

static int act_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w; (void)train;
	ChJob j = { .l = l, .x = x, .out = y, .B = B, .S = in_plane(l) };
	nn_parallel_work(act_tasks(l, B), layer_in_size(l) * B, act_fwd_task, &j);
	return 0;
}

static void act_backward(Layer *l, NnWork *w, const float *x, const float *y,
                         const float *dy, float *dx, int B)
{
	(void)w;
	if (!dx)
		return;
	ChJob j = { .l = l, .x = x, .y = y, .dy = dy, .dx = dx, .B = B, .S = in_plane(l) };
	nn_parallel_work(act_tasks(l, B), layer_in_size(l) * B, act_bwd_task, &j);
}

/* Max-pool 2x2 stride 2 (floor); the first maximum in row-major window order wins
 * (a NaN counts as the maximum) */
static void maxpool_fwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	int H = l->ih, W = l->iw, oh = l->oh, ow = l->ow;
	for (int b = 0; b < j->B; b++) {
		const float *x = j->x + ((size_t)c * j->B + b) * H * W;
		float *o = j->out + ((size_t)c * j->B + b) * oh * ow;
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
	}
}

static void maxpool_bwd_task(void *ctx, int c, int tid)
{
	const ChJob *j = ctx;
	const Layer *l = j->l;
	(void)tid;
	int H = l->ih, W = l->iw, oh = l->oh, ow = l->ow;
	for (int b = 0; b < j->B; b++) {
		size_t pin = ((size_t)c * j->B + b) * H * W, pout = ((size_t)c * j->B + b) * oh * ow;
		const float *x = j->x + pin, *dy = j->dy + pout;
		float *dx = j->dx + pin;
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

static int maxpool_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w; (void)train;
	ChJob j = { .l = l, .x = x, .out = y, .B = B };
	nn_parallel_work(l->ic, layer_in_size(l) * B, maxpool_fwd_task, &j);
	return 0;
}

static void maxpool_backward(Layer *l, NnWork *w, const float *x, const float *y,
                             const float *dy, float *dx, int B)
{
	(void)w; (void)y;
	if (!dx)
		return;
	ChJob j = { .l = l, .x = x, .dy = dy, .dx = dx, .B = B };
	nn_parallel_work(l->ic, layer_in_size(l) * B, maxpool_bwd_task, &j);
}

/* Nearest-neighbour upsampling x2 */
static void upsample_fwd_task(void *ctx, int c, int tid)
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
				float v = j->x[pin + (size_t)y * W + x];
				j->out[o] = j->out[o + 1] = j->out[o + OW] = j->out[o + OW + 1] = v;
			}
	}
}

static void upsample_bwd_task(void *ctx, int c, int tid)
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
				j->dx[pin + (size_t)y * W + x] = j->dy[o] + j->dy[o + 1] +
					j->dy[o + OW] + j->dy[o + OW + 1];
			}
	}
}

static int upsample_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w; (void)train;
	ChJob j = { .l = l, .x = x, .out = y, .B = B };
	nn_parallel_work(l->ic, layer_in_size(l) * B, upsample_fwd_task, &j);
	return 0;
}

static void upsample_backward(Layer *l, NnWork *w, const float *x, const float *y,
                              const float *dy, float *dx, int B)
{
	(void)w; (void)x; (void)y;
	if (!dx)
		return;
	ChJob j = { .l = l, .dy = dy, .dx = dx, .B = B };
	nn_parallel_work(l->ic, layer_in_size(l) * B, upsample_bwd_task, &j);
}

/* Flatten [C][B][S] -> [C*S][B] and its inverse, unflatten */
static void to_flat(const float *x, float *y, int C, int B, size_t S)
{
	for (int c = 0; c < C; c++)
		for (int b = 0; b < B; b++)
			for (size_t p = 0; p < S; p++)
				y[((size_t)c * S + p) * B + b] = x[((size_t)c * B + b) * S + p];
}

static void from_flat(const float *x, float *y, int C, int B, size_t S)
{
	for (int c = 0; c < C; c++)
		for (int b = 0; b < B; b++)
			for (size_t p = 0; p < S; p++)
				y[((size_t)c * B + b) * S + p] = x[((size_t)c * S + p) * B + b];
}

static int flatten_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w; (void)train;
	to_flat(x, y, l->ic, B, in_plane(l));
	return 0;
}

static void flatten_backward(Layer *l, NnWork *w, const float *x, const float *y,
                             const float *dy, float *dx, int B)
{
	(void)w; (void)x; (void)y;
	if (dx)
		from_flat(dy, dx, l->ic, B, in_plane(l));
}

static int unflatten_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	(void)w; (void)train;
	from_flat(x, y, l->oc, B, out_plane(l));
	return 0;
}

static void unflatten_backward(Layer *l, NnWork *w, const float *x, const float *y,
                               const float *dy, float *dx, int B)
{
	(void)w; (void)x; (void)y;
	if (dx)
		to_flat(dy, dx, l->oc, B, out_plane(l));
}

/* ---- layer dispatch ------------------------------------------------------------ */
static const struct {
	int (*forward)(Layer *, NnWork *, const float *, float *, int, int);
	void (*backward)(Layer *, NnWork *, const float *, const float *, const float *,
	                 float *, int);
} layer_ops[] = {
	[NN_LINEAR] = { linear_forward, linear_backward },
	[NN_CONV] = { conv_forward, conv_backward },
	[NN_CONVT] = { convt_forward, convt_backward },
	[NN_BN] = { bn_forward, bn_backward },
	[NN_LRELU] = { act_forward, act_backward },
	[NN_RELU] = { act_forward, act_backward },
	[NN_MAXPOOL] = { maxpool_forward, maxpool_backward },
	[NN_UPSAMPLE] = { upsample_forward, upsample_backward },
	[NN_SIGMOID] = { act_forward, act_backward },
	[NN_FLATTEN] = { flatten_forward, flatten_backward },
	[NN_UNFLATTEN] = { unflatten_forward, unflatten_backward },
};

int layer_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train)
{
	return layer_ops[l->type].forward(l, w, x, y, B, train);
}

void layer_backward(Layer *l, NnWork *w, const float *x, const float *y, const float *dy,
                    float *dx, int B)
{
	layer_ops[l->type].backward(l, w, x, y, dy, dx, B);
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

/* ---- sequential container ------------------------------------------------------ */
void seq_init(Seq *s)
{
	memset(s, 0, sizeof *s);
}

/* Layer i writes over the output of layer i-1: an elementwise activation whose
 * backward pass reads only the sign of its input (the same as its output's: ReLU,
 * LeakyReLU with a slope >= 0) or only its output (sigmoid), after a layer whose
 * own backward pass does not need its output (anything but a sigmoid).  Batch-norm
 * output, for one, is read only by the activation that follows it. */
static int in_place(const Seq *s, int i)
{
	if (i == 0 || s->L[i - 1].type == NN_SIGMOID)
		return 0;
	const Layer *l = &s->L[i];
	return l->type == NN_RELU || l->type == NN_SIGMOID ||
	       (l->type == NN_LRELU && l->slope >= 0.0f);
}

static void free_act(Seq *s)
{
	if (s->act)
		for (int i = 0; i < s->n; i++)
			if (!in_place(s, i))
				free(s->act[i]);
	free(s->act);
	s->act = NULL;
}

void seq_free(Seq *s)
{
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		free(l->w); free(l->b); free(l->gw); free(l->gb);
		free(l->rmean); free(l->rvar); free(l->mean); free(l->invstd);
	}
	free_act(s);
	free(s->L);
	free(s->g0);
	free(s->g1);
	free(s->prof);
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
	free_act(s);
	s->act = ad_xmalloc(ad_mul((size_t)s->n, sizeof *s->act));
	size_t big = 0;
	for (int i = 0; i < s->n; i++) {
		size_t no = layer_out_size(&s->L[i]), ni = layer_in_size(&s->L[i]);
		s->act[i] = in_place(s, i) ? s->act[i - 1]
		          : ad_xmalloc(ad_mul(ad_mul(no, (size_t)B), sizeof(float)));
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

/* Layer i is a batch-norm and layer i+1 a ReLU or LeakyReLU working in place on its
 * output: the two run as one pass, forward and backward (same values: the
 * activation is applied to the rounded batch-norm output with its own
 * expressions, and its backward reads only the sign of its output). */
static int fused_bn_act(const Seq *s, int i)
{
	return s->L[i].type == NN_BN && i + 1 < s->n && in_place(s, i + 1) &&
	       (s->L[i + 1].type == NN_LRELU || s->L[i + 1].type == NN_RELU);
}

void seq_profile(Seq *s, int on)
{
	free(s->prof);
	s->prof = on ? ad_xcalloc(2 * (size_t)(s->n ? s->n : 1), sizeof *s->prof) : NULL;
}

double layer_macs(const Layer *l)
{
	switch (l->type) {
	case NN_LINEAR:
		return (double)l->oc * l->ic;
	case NN_CONV:
		return (double)l->oc * l->ic * l->k * l->k * l->oh * l->ow;
	case NN_CONVT:
		return (double)l->oc * l->ic * l->k * l->k * l->ih * l->iw;
	}
	return 0.0;
}

/* profiling: add the time since *t to prof[k] */
static void tick(double *prof, int k, double *t)
{
	if (prof) {
		double now = ad_now();
		prof[k] += now - *t;
		*t = now;
	}
}

/* the layers' forward passes into act[0 .. s->n) */
static float *run_forward(Seq *s, float **act, NnWork *w, const float *x, int B, int train,
                          double *prof)
{
	const float *cur = x;
	double t = prof ? ad_now() : 0.0;
	for (int i = 0; i < s->n; i++) {
		Layer *l = &s->L[i];
		if (fused_bn_act(s, i)) {
			if (bn_forward_act(l, &s->L[i + 1], cur, act[i], B, train) < 0)
				return NULL;
			tick(prof, 2 * i, &t);
			cur = act[++i];
			continue;
		}
		if (layer_forward(l, w, cur, act[i], B, train) < 0)
			return NULL;
		tick(prof, 2 * i, &t);
		cur = act[i];
	}
	return s->n ? act[s->n - 1] : (float *)x;
}

float *seq_forward(Seq *s, NnWork *w, const float *x, int B, int train)
{
	ensure_batch(s, B);
	s->in = x;
	return run_forward(s, s->act, w, x, B, train, s->prof);
}

size_t seq_col_need(const Seq *s, int rows)
{
	size_t need = 0;
	for (int i = 0; i < s->n; i++) {
		const Layer *l = &s->L[i];
		size_t n = 0;
		if (l->type == NN_CONV) {
			int K = l->ic * l->k * l->k;
			n = (size_t)K * piece_rows(K, out_plane(l), rows, 1) * out_plane(l);
		} else if (l->type == NN_CONVT) {
			int K = l->oc * l->k * l->k;
			n = (size_t)K * piece_rows(K, in_plane(l), rows, 1) * in_plane(l);
		}
		if (n > need)
			need = n;
	}
	return need;
}

float *nn_work_col(NnWork *w, size_t n)
{
	return col_scratch(w, n);
}

size_t seq_act_max(const Seq *s)
{
	size_t big = 0;
	for (int i = 0; i < s->n; i++)
		if (layer_out_size(&s->L[i]) > big)
			big = layer_out_size(&s->L[i]);
	return big;
}

float *seq_forward_eval(Seq *s, NnWork *w, const float *x, int b, float *const pp[2])
{
	float *fixed[32], **act = s->n <= 32 ? fixed
	                        : ad_xmalloc(ad_mul((size_t)s->n, sizeof *act));
	int k = x == pp[0];   /* the buffer the next layer writes: not its input's */
	for (int i = 0; i < s->n; i++) {
		if (in_place(s, i))
			act[i] = act[i - 1];
		else {
			act[i] = pp[k];
			k ^= 1;
		}
	}
	float *y = run_forward(s, act, w, x, b, 0, NULL);
	if (act != fixed)
		free(act);
	return y;
}

void seq_backward(Seq *s, NnWork *w, const float *dy, float *dx, int B)
{
	const float *d = dy;
	double t = s->prof ? ad_now() : 0.0;
	for (int i = s->n - 1; i >= 0; i--) {
		if (i > 0 && fused_bn_act(s, i - 1)) {   /* activation i, batch-norm i-1 */
			Layer *l = &s->L[--i];
			const float *xin = i ? s->act[i - 1] : s->in;
			float *out = i ? (d == s->g0 ? s->g1 : s->g0) : dx;
			bn_backward_act(l, &s->L[i + 1], xin, s->act[i + 1], d, out, B);
			tick(s->prof, 2 * i + 1, &t);
			d = out;
			continue;
		}
		const float *xin = i ? s->act[i - 1] : s->in;
		float *out = i ? (d == s->g0 ? s->g1 : s->g0) : dx;
		layer_backward(&s->L[i], w, xin, s->act[i], d, out, B);
		tick(s->prof, 2 * i + 1, &t);
		d = out;
	}
}
