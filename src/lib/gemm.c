/* gemm.c: cache-blocked SGEMM with an 8x16 register-blocked kernel.  See gemm.h.
 *
 * Blocks of C (MC x NC) are the parallel tasks.  Inside a task, K is walked in
 * fixed KC slices; for each slice op(B) is packed into 16-column strips and op(A)
 * into 8-row strips (zero padded), and the kernel sums k in order into local
 * accumulators that are then added to C.  The summation order of an element
 * depends only on K, never on the task grid or thread count. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=fast")
#endif
#include "gemm.h"
#include "clones.h"
#include "pool.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define MR 8
#define NR 16
#define MC 96
#define NC 256
#define KC SGEMM_KSLICE

#define KERNEL_CLONES AD_CLONES

/* 16 floats: one AVX-512 register, two AVX ones, four SSE ones */
typedef float vf __attribute__((vector_size(NR * sizeof(float))));
typedef float vfu __attribute__((vector_size(NR * sizeof(float)), aligned(4)));

/* s = sum_k ap[k][0..MR) x bp[k*ldb + 0..NR) over kc values of k, k in order; then
 * c == NULL: acc = s (MR x NR); else c[r][0..NR) += s[r] (row stride ldc).  Both
 * give the same bits as adding acc to c afterwards. */
KERNEL_CLONES
static void kernel(int kc, const float *restrict ap, const float *restrict bp, size_t ldb,
                   float *restrict acc, float *restrict c, int ldc, int store)
{
	vf c0 = { 0 }, c1 = { 0 }, c2 = { 0 }, c3 = { 0 }, c4 = { 0 }, c5 = { 0 }, c6 = { 0 },
	   c7 = { 0 };
	for (int k = 0; k < kc; k++) {
		vf b = *(const vfu *)(bp + (size_t)k * ldb);
		const float *a = ap + (size_t)k * MR;
		c0 += a[0] * b;
		c1 += a[1] * b;
		c2 += a[2] * b;
		c3 += a[3] * b;
		c4 += a[4] * b;
		c5 += a[5] * b;
		c6 += a[6] * b;
		c7 += a[7] * b;
	}
	if (!c) {
		*(vfu *)(acc + 0 * NR) = c0;
		*(vfu *)(acc + 1 * NR) = c1;
		*(vfu *)(acc + 2 * NR) = c2;
		*(vfu *)(acc + 3 * NR) = c3;
		*(vfu *)(acc + 4 * NR) = c4;
		*(vfu *)(acc + 5 * NR) = c5;
		*(vfu *)(acc + 6 * NR) = c6;
		*(vfu *)(acc + 7 * NR) = c7;
		return;
	}
	if (store) {   /* C was "zero": 0 + s, which turns -0 into +0 as the sum would */
		vf z = { 0 };
		*(vfu *)(c + 0 * (size_t)ldc) = z + c0;
		*(vfu *)(c + 1 * (size_t)ldc) = z + c1;
		*(vfu *)(c + 2 * (size_t)ldc) = z + c2;
		*(vfu *)(c + 3 * (size_t)ldc) = z + c3;
		*(vfu *)(c + 4 * (size_t)ldc) = z + c4;
		*(vfu *)(c + 5 * (size_t)ldc) = z + c5;
		*(vfu *)(c + 6 * (size_t)ldc) = z + c6;
		*(vfu *)(c + 7 * (size_t)ldc) = z + c7;
		return;
	}
	*(vfu *)(c + 0 * (size_t)ldc) += c0;
	*(vfu *)(c + 1 * (size_t)ldc) += c1;
	*(vfu *)(c + 2 * (size_t)ldc) += c2;
	*(vfu *)(c + 3 * (size_t)ldc) += c3;
	*(vfu *)(c + 4 * (size_t)ldc) += c4;
	*(vfu *)(c + 5 * (size_t)ldc) += c5;
	*(vfu *)(c + 6 * (size_t)ldc) += c6;
	*(vfu *)(c + 7 * (size_t)ldc) += c7;
}

/* The same sums for an 8 x 32 tile, two 16-column strips of B side by side (b0
 * and b1, each with its row stride: in place or packed), into C: 16 accumulators,
 * 2 loads of B and 8 of A for 16 multiply-adds (the 8 x 16 kernel: 1 and 8 for
 * 8), which leaves the FMA units less often waiting on loads and on the latency
 * of the additions.  Each element is still summed over k in order from 0, then
 * added to (or, store, stored as 0 + it into) C: the same values as two calls of
 * kernel().  Only where AVX-512 holds the 16 accumulators in registers (wide_ok). */
KERNEL_CLONES
static void kernel_w(int kc, const float *restrict ap, const float *restrict b0, size_t ldb0,
                     const float *restrict b1, size_t ldb1, float *restrict c, int ldc,
                     int store)
{
	vf c00 = { 0 }, c10 = { 0 }, c20 = { 0 }, c30 = { 0 }, c40 = { 0 }, c50 = { 0 },
	   c60 = { 0 }, c70 = { 0 };
	vf c01 = { 0 }, c11 = { 0 }, c21 = { 0 }, c31 = { 0 }, c41 = { 0 }, c51 = { 0 },
	   c61 = { 0 }, c71 = { 0 };
	for (int k = 0; k < kc; k++) {
		vf x = *(const vfu *)(b0 + (size_t)k * ldb0), y = *(const vfu *)(b1 + (size_t)k * ldb1);
		const float *a = ap + (size_t)k * MR;
		c00 += a[0] * x;
		c01 += a[0] * y;
		c10 += a[1] * x;
		c11 += a[1] * y;
		c20 += a[2] * x;
		c21 += a[2] * y;
		c30 += a[3] * x;
		c31 += a[3] * y;
		c40 += a[4] * x;
		c41 += a[4] * y;
		c50 += a[5] * x;
		c51 += a[5] * y;
		c60 += a[6] * x;
		c61 += a[6] * y;
		c70 += a[7] * x;
		c71 += a[7] * y;
	}
#define ROW_W(r, v0, v1) do { float *cr = c + (r) * (size_t)ldc; \
		if (store) { vf z = { 0 }; *(vfu *)cr = z + v0; *(vfu *)(cr + NR) = z + v1; } \
		else { *(vfu *)cr += v0; *(vfu *)(cr + NR) += v1; } } while (0)
	ROW_W(0, c00, c01);
	ROW_W(1, c10, c11);
	ROW_W(2, c20, c21);
	ROW_W(3, c30, c31);
	ROW_W(4, c40, c41);
	ROW_W(5, c50, c51);
	ROW_W(6, c60, c61);
	ROW_W(7, c70, c71);
#undef ROW_W
}

/* The transposed tile of a product with few columns (NT9 or fewer: the weight
 * gradients of one-channel convolutions, 9 taps of a 3 x 3 window, where a
 * 16-column strip of B would leave 7 lanes in 16 idle): the lanes run over 16 rows
 * of C instead, ap the 16 rows of A packed k-major (pack_rows16), and column j's
 * accumulator gets b[j][k] (row j of the stored B^T, contiguous in k) broadcast,
 * 1 load of A and NT9 of B for NT9 multiply-adds, every one useful.  Each
 * element is still summed over k in order from 0: the same values as kernel().
 * Then, for the in rows and jn columns that are real, by mode: 0 c = s (the
 * K-split's partial products), 1 c = 0 + s (C was "zero"), 2 c += s. */
#define NT9 9
KERNEL_CLONES
static void kernel_t(int kc, const float *restrict ap, const float *const *b, float *c, int ldc,
                     int in, int jn, int mode)
{
	vf s[NT9] = { { 0 } };
	for (int k = 0; k < kc; k++) {
		vf a = *(const vfu *)(ap + (size_t)k * NR);
		for (int j = 0; j < NT9; j++)
			s[j] += b[j][k] * a;
	}
	for (int j = 0; j < jn; j++)
		for (int r = 0; r < in; r++) {
			float *e = c + (size_t)r * ldc + j;
			if (mode == 0)
				*e = s[j][r];
			else if (mode == 1)
				*e = 0.0f + s[j][r];
			else
				*e += s[j][r];
		}
}

/* kernel_w only where AVX-512 is (with 16-float vectors in two or four registers
 * its accumulators would live in memory) */
static int wide_ok(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	static int ok = -1;
	if (ok < 0)
		ok = __builtin_cpu_supports("avx512f") ? 1 : 0;
	return ok;
#else
	return 0;
#endif
}

/* Packing by blocks transposed in registers: n vectors of 16 go through log2(n)
 * rounds of the perfect shuffle (vector i with vector i + n/2, interleaved), which
 * turns 16 rows of 16 into their transpose, and 8 rows of 16 into the 16 columns
 * of 8 one after the other.  Only data moves: the packed values are the same. */
#if defined(__clang__)
#define SHUF_LO(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, \
                                              6, 22, 7, 23)
#define SHUF_HI(a, b) __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, \
                                              13, 29, 14, 30, 15, 31)
#else
typedef int vi __attribute__((vector_size(NR * sizeof(int))));
#define SHUF_LO(a, b) __builtin_shuffle(a, b, (vi){ 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, \
                                                  6, 22, 7, 23 })
#define SHUF_HI(a, b) __builtin_shuffle(a, b, (vi){ 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, \
                                                  13, 29, 14, 30, 15, 31 })
#endif

/* d[k][0..NR) = src[j][k], j < NR, for kc values of k */
KERNEL_CLONES
static void pack_rows16(const float *const *src, int kc, float *restrict d)
{
	int k = 0;
	for (; k + 16 <= kc; k += 16) {
		vf r[16], t[16];
		for (int j = 0; j < 16; j++)
			r[j] = *(const vfu *)(src[j] + k);
		for (int round = 0; round < 4; round++) {
			for (int i = 0; i < 8; i++) {
				t[2 * i] = SHUF_LO(r[i], r[i + 8]);
				t[2 * i + 1] = SHUF_HI(r[i], r[i + 8]);
			}
			memcpy(r, t, sizeof r);
		}
		for (int j = 0; j < 16; j++)
			*(vfu *)(d + (size_t)(k + j) * NR) = r[j];
	}
	for (; k < kc; k++)
		for (int j = 0; j < NR; j++)
			d[(size_t)k * NR + j] = src[j][k];
}

/* d[k][0..MR) = src[r][k], r < MR, for kc values of k */
KERNEL_CLONES
static void pack_rows8(const float *const *src, int kc, float *restrict d)
{
	int k = 0;
	for (; k + 16 <= kc; k += 16) {
		vf r[8], t[8];
		for (int j = 0; j < 8; j++)
			r[j] = *(const vfu *)(src[j] + k);
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 4; i++) {
				t[2 * i] = SHUF_LO(r[i], r[i + 4]);
				t[2 * i + 1] = SHUF_HI(r[i], r[i + 4]);
			}
			memcpy(r, t, sizeof r);
		}
		for (int j = 0; j < 8; j++)
			*(vfu *)(d + (size_t)k * MR + 16 * j) = r[j];
	}
	for (; k < kc; k++)
		for (int j = 0; j < MR; j++)
			d[(size_t)k * MR + j] = src[j][k];
}

/* what the packing reads for the rows and columns beyond M and N */
static const float zeros[KC];

typedef struct {
	int transA, transB, M, N, K;
	float alpha, beta;
	const float *A, *B;
	float *C;
	int lda, ldb, ldc;
	int nbm, nbn, nks;  /* task grid: row blocks x column blocks (x K slices) */
	int mc, nc;         /* block sizes */
	float *part;        /* K-split mode: nks partial products, each M x N */
} Job;

/* one 8 x 16 tile (in rows, jn columns of it real) of a slice's product: see slice() */
static void tile(const Job *g, int kc, const float *ap, const float *b, size_t ldb, float *acc,
                 float *c0, int ldd, int in, int jn, int add, int zero)
{
	if (add && g->alpha == 1.0f && in == MR && jn == NR) {
		kernel(kc, ap, b, ldb, NULL, c0, ldd, zero);
		return;
	}
	kernel(kc, ap, b, ldb, acc, NULL, 0, 0);
	for (int r = 0; r < in; r++) {
		float *c = c0 + (size_t)r * ldd;
		const float *a = acc + r * NR;
		if (!add)
			memcpy(c, a, (size_t)jn * sizeof *c);
		else if (zero && g->alpha == 1.0f)
			for (int j = 0; j < jn; j++)
				c[j] = 0.0f + a[j];
		else if (zero)
			for (int j = 0; j < jn; j++)
				c[j] = 0.0f + g->alpha * a[j];
		else if (g->alpha == 1.0f)
			for (int j = 0; j < jn; j++)
				c[j] += a[j];
		else
			for (int j = 0; j < jn; j++)
				c[j] += g->alpha * a[j];
	}
}

/* The product of the K slice [k0, k0+kc) for the block at (i0, j0): if add, C +=
 * alpha * slice (zero: C = 0 + alpha * slice, C not read); else the slice is stored
 * into dst (row stride ldd). */
static void slice(const Job *g, int i0, int mc, int j0, int nc, int k0, int kc,
                  int tid, float *dst, int ldd, int add, int zero)
{
	if (!g->transA && g->transB && nc <= NT9 && g->alpha == 1.0f && wide_ok()) {
		/* few columns: kernel_t() on strips of 16 rows */
		float *ap = nn_scratch(tid, (size_t)KC * NR);
		const float *bj[NT9];
		for (int j = 0; j < NT9; j++)   /* the padding columns read zeros */
			bj[j] = j < nc ? g->B + (size_t)(j0 + j) * g->ldb + k0 : zeros;
		for (int i = 0; i < mc; i += NR) {
			int in = mc - i < NR ? mc - i : NR;
			const float *src[NR];
			for (int r = 0; r < NR; r++)
				src[r] = r < in ? g->A + (size_t)(i0 + i + r) * g->lda + k0 : zeros;
			pack_rows16(src, kc, ap);
			kernel_t(kc, ap, bj, dst + (size_t)i * ldd, ldd, in, nc, !add ? 0 : zero ? 1 : 2);
		}
		return;
	}
	int nstrip = (nc + NR - 1) / NR, mstrip = (mc + MR - 1) / MR;
	float *bp = nn_scratch(tid, (size_t)KC * NR * nstrip + (size_t)KC * MR * mstrip + MR * NR);
	float *ap = bp + (size_t)KC * NR * nstrip;
	float *acc = ap + (size_t)KC * MR * mstrip;

	for (int s = 0; s < nstrip; s++) {
		float *d = bp + (size_t)s * kc * NR;
		int jn = nc - s * NR < NR ? nc - s * NR : NR;
		if (!g->transB && jn == NR)
			continue;   /* the kernel reads B in place */
		if (g->transB) {
			/* row j of the stored B is contiguous in k: read the jn rows side by
			 * side so that the packed strip is written in order */
			const float *src[NR];
			for (int j = 0; j < NR; j++)   /* the padding columns read zeros */
				src[j] = j < jn ? g->B + (size_t)(j0 + s * NR + j) * g->ldb + k0 : zeros;
			pack_rows16(src, kc, d);
			continue;
		}
		for (int k = 0; k < kc; k++) {
			float *dk = d + (size_t)k * NR;
			const float *src = g->B + (size_t)(k0 + k) * g->ldb + j0 + s * NR;
			for (int j = 0; j < jn; j++)
				dk[j] = src[j];
			for (int j = jn; j < NR; j++)
				dk[j] = 0.0f;
		}
	}
	for (int s = 0; s < mstrip; s++) {
		float *d = ap + (size_t)s * kc * MR;
		int in = mc - s * MR < MR ? mc - s * MR : MR;
		int i = i0 + s * MR;
		if (g->transA && in == MR) {
			for (int k = 0; k < kc; k++)
				memcpy(d + (size_t)k * MR, g->A + (size_t)(k0 + k) * g->lda + i,
				       MR * sizeof *d);
		} else if (g->transA) {
			for (int k = 0; k < kc; k++) {
				const float *src = g->A + (size_t)(k0 + k) * g->lda + i;
				for (int r = 0; r < in; r++)
					d[k * MR + r] = src[r];
				for (int r = in; r < MR; r++)
					d[k * MR + r] = 0.0f;
			}
		} else {
			const float *src[MR];
			for (int r = 0; r < MR; r++)   /* the padding rows read zeros */
				src[r] = r < in ? g->A + (size_t)(i + r) * g->lda + k0 : zeros;
			pack_rows8(src, kc, d);
		}
	}
	int wide = add && g->alpha == 1.0f && wide_ok();
	for (int sj = 0; sj < nstrip; sj++) {
		int jn = nc - sj * NR < NR ? nc - sj * NR : NR;
		const float *b = bp + (size_t)sj * kc * NR;
		size_t ldb = NR;
		if (!g->transB && jn == NR) {
			b = g->B + (size_t)k0 * g->ldb + j0 + sj * NR;
			ldb = (size_t)g->ldb;
		}
		/* two full strips: the 8 x 32 kernel on the full tiles */
		int jn1 = nc - (sj + 1) * NR < NR ? nc - (sj + 1) * NR : NR;
		int pair = wide && jn == NR && sj + 1 < nstrip && jn1 == NR;
		const float *b1 = NULL;
		size_t ldb1 = NR;
		if (pair) {
			b1 = bp + (size_t)(sj + 1) * kc * NR;
			if (!g->transB) {
				b1 = g->B + (size_t)k0 * g->ldb + j0 + (sj + 1) * NR;
				ldb1 = (size_t)g->ldb;
			}
		}
		for (int si = 0; si < mstrip; si++) {
			int in = mc - si * MR < MR ? mc - si * MR : MR;
			float *c0 = dst + (size_t)(si * MR) * ldd + sj * NR;
			if (pair && in == MR) {
				kernel_w(kc, ap + (size_t)si * kc * MR, b, ldb, b1, ldb1, c0, ldd, zero);
				continue;
			}
			tile(g, kc, ap + (size_t)si * kc * MR, b, ldb, acc, c0, ldd, in, jn, add, zero);
			if (pair)
				tile(g, kc, ap + (size_t)si * kc * MR, b1, ldb1, acc, c0 + NR, ldd, in, NR,
				     add, zero);
		}
		sj += pair;
	}
}

static void scale_c(const Job *g, int i0, int mc, int j0, int nc)
{
	for (int i = 0; i < mc; i++) {
		float *c = g->C + (size_t)(i0 + i) * g->ldc + j0;
		if (g->beta == 0.0f)
			memset(c, 0, (size_t)nc * sizeof *c);
		else if (g->beta != 1.0f)
			for (int j = 0; j < nc; j++)
				c[j] *= g->beta;
	}
}

static void block_bounds(const Job *g, int b, int *i0, int *mc, int *j0, int *nc)
{
	*i0 = (b / g->nbn) * g->mc;
	*j0 = (b % g->nbn) * g->nc;
	*mc = g->M - *i0 < g->mc ? g->M - *i0 : g->mc;
	*nc = g->N - *j0 < g->nc ? g->N - *j0 : g->nc;
}

/* one C block over all of K */
static void task_block(void *ctx, int t, int tid)
{
	const Job *g = ctx;
	int i0, mc, j0, nc;
	block_bounds(g, t, &i0, &mc, &j0, &nc);
	int zero = g->beta == 0.0f && g->K > 0;   /* the first slice writes C */
	if (!zero)
		scale_c(g, i0, mc, j0, nc);
	for (int k0 = 0; k0 < g->K; k0 += KC) {
		int kc = g->K - k0 < KC ? g->K - k0 : KC;
		slice(g, i0, mc, j0, nc, k0, kc, tid, g->C + (size_t)i0 * g->ldc + j0, g->ldc, 1,
		      zero && k0 == 0);
	}
}

/* K-split mode: one (block, K slice) product into its partial buffer */
static void task_part(void *ctx, int t, int tid)
{
	const Job *g = ctx;
	int b = t / g->nks, s = t % g->nks;
	int i0, mc, j0, nc;
	block_bounds(g, b, &i0, &mc, &j0, &nc);
	int k0 = s * KC, kc = g->K - k0 < KC ? g->K - k0 : KC;
	float *p = g->part + (size_t)s * g->M * g->N;
	slice(g, i0, mc, j0, nc, k0, kc, tid, p + (size_t)i0 * g->N + j0, g->N, 0, 0);
}

/* K-split mode: C row i = beta C + alpha p_0 + alpha p_1 ..., in slice order,
 * exactly the additions task_block() makes */
static void task_reduce(void *ctx, int i, int tid)
{
	const Job *g = ctx;
	(void)tid;
	scale_c(g, i, 1, 0, g->N);
	float *c = g->C + (size_t)i * g->ldc;
	for (int s = 0; s < g->nks; s++) {
		const float *p = g->part + ((size_t)s * g->M + i) * g->N;
		if (g->alpha == 1.0f)
			for (int j = 0; j < g->N; j++)
				c[j] += p[j];
		else
			for (int j = 0; j < g->N; j++)
				c[j] += g->alpha * p[j];
	}
}

void sgemm_work_free(SgemmWork *w)
{
	free(w->part);
	w->part = NULL;
	w->npart = 0;
}

void sgemm(int transA, int transB, int M, int N, int K, float alpha,
           const float *A, int lda, const float *B, int ldb, float beta,
           float *C, int ldc, SgemmWork *w)
{
	if (M <= 0 || N <= 0)
		return;
	if (K < 0)
		K = 0;
	Job g = { transA, transB, M, N, K, alpha, beta, A, B, C, lda, ldb, ldc,
	          0, 0, 1, MC, NC, NULL };
	int nt = nn_threads();
	double work = (double)M * N * (K > 0 ? K : 1);
	/* below ~2M multiply-adds (some 25 us) waking the workers costs more than it
	 * gains (the MLP AE's layers at batch 100 stay on one thread); inside a task
	 * the caller's worker does it all */
	if (nt == 1 || work < 2097152.0 || nn_in_task()) {
		int tid = nn_tid();
		g.nbm = (M + MC - 1) / MC;
		g.nbn = (N + NC - 1) / NC;
		for (int t = 0; t < g.nbm * g.nbn; t++)
			task_block(&g, t, tid);
		return;
	}
	/* The grid only decides who computes what: results do not depend on it. */
	g.nbm = (M + MC - 1) / MC;
	g.nbn = (N + NC - 1) / NC;
	if (g.nbm * g.nbn < 4 * nt && N > 64) {
		g.nc = 64;
		g.nbn = (N + 63) / 64;
	}
	int nks = (K + KC - 1) / KC;
	if (g.nbm * g.nbn < 2 * nt && nks > 1 && w) {
		size_t need = ad_mul(ad_mul((size_t)nks, (size_t)M), (size_t)N);
		if (w->npart < need) {
			free(w->part);
			w->part = ad_xmalloc(ad_mul(need, sizeof *w->part));
			w->npart = need;
		}
		g.part = w->part;
		g.nks = nks;
		nn_parallel(g.nbm * g.nbn * nks, task_part, &g);
		nn_parallel(M, task_reduce, &g);
		return;
	}
	nn_parallel(g.nbm * g.nbn, task_block, &g);
}
