/* test_gemm.c: sgemm against a naive triple loop (odd sizes, every transpose
 * combination, alpha/beta), bit-identity across thread counts, and the summation
 * order of gemm.h bit for bit. */
#include "unit.h"
#include "gemm.h"
#include "pool.h"
#include "rng.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static void fill(float *p, size_t n, Rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(2.0 * rng_uniform(r) - 1.0);
}

static double run(int ta, int tb, int M, int N, int K, float alpha, float beta, Rng *r)
{
	int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 1;
	float *A = ad_xmalloc(sizeof(float) * (size_t)(ta ? K : M) * lda);
	float *B = ad_xmalloc(sizeof(float) * (size_t)(tb ? N : K) * ldb);
	float *C = ad_xmalloc(sizeof(float) * (size_t)M * ldc);
	fill(A, (size_t)(ta ? K : M) * lda, r);
	fill(B, (size_t)(tb ? N : K) * ldb, r);
	fill(C, (size_t)M * ldc, r);
	double *ref = ad_xmalloc(sizeof(double) * (size_t)M * N);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double s = 0.0;
			for (int k = 0; k < K; k++) {
				double a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
				double b = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
				s += a * b;
			}
			ref[(size_t)i * N + j] = alpha * s + (beta == 0.0f ? 0.0 : beta * C[(size_t)i * ldc + j]);
		}
	float guard = C[(size_t)(M - 1) * ldc + N]; /* outside the M x N block */
	SgemmWork w = { 0 };
	sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, &w);
	sgemm_work_free(&w);
	double worst = 0.0;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double e = fabs(C[(size_t)i * ldc + j] - ref[(size_t)i * N + j]) / (1.0 + sqrt((double)K));
			if (e > worst)
				worst = e;
		}
	if (C[(size_t)(M - 1) * ldc + N] != guard)
		worst = 1e9;
	free(A); free(B); free(C); free(ref);
	return worst;
}

/* the same product with 1, 2, 3 threads gives the same bits */
static int same_bits(int ta, int tb, int M, int N, int K, float beta, Rng *r)
{
	size_t na = (size_t)M * K, nb = (size_t)K * N, nc = (size_t)M * N;
	float *A = ad_xmalloc(na * 4), *B = ad_xmalloc(nb * 4), *C[3];
	fill(A, na, r);
	fill(B, nb, r);
	for (int t = 0; t < 3; t++) {
		C[t] = ad_xmalloc(nc * 4);
		for (size_t i = 0; i < nc; i++)
			C[t][i] = beta == 0.0f ? NAN : 0.25f;   /* beta 0: C must not be read */
		nn_set_threads(t + 1);
		SgemmWork w = { 0 };
		sgemm(ta, tb, M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, beta, C[t], N, &w);
		sgemm_work_free(&w);
		for (size_t i = 0; i < nc; i++)
			if (!isfinite(C[t][i]))
				return 0;
	}
	nn_set_threads(1);
	int ok = !memcmp(C[0], C[1], nc * 4) && !memcmp(C[0], C[2], nc * 4);
	free(A); free(B);
	for (int t = 0; t < 3; t++)
		free(C[t]);
	return ok;
}

/* The summation order that model files depend on (gemm.h): each element of C is
 * summed over k in slices of SGEMM_KSLICE, each slice from 0 in k order, and the
 * slices' sums are added to C in order (beta = 0: to +0).  With alpha = 1 the
 * result must equal, bit for bit, that order computed here one element at a time,
 * with fused multiply-adds (where the library's kernels use FMA instructions) or
 * with separate products and sums (where they cannot); whatever kernel shape or
 * thread split computes it. */
static int same_order(int ta, int tb, int M, int N, int K, float beta, int threads, Rng *r)
{
	int lda = (ta ? M : K) + 1, ldb = (tb ? K : N) + 3, ldc = N + 2;
	float *A = ad_xmalloc(sizeof(float) * (size_t)(ta ? K : M) * lda);
	float *B = ad_xmalloc(sizeof(float) * (size_t)(tb ? N : K) * ldb);
	float *C = ad_xmalloc(sizeof(float) * (size_t)M * ldc);
	float *F = ad_xmalloc(sizeof(float) * (size_t)M * N), *U = ad_xmalloc(sizeof(float) * (size_t)M * N);
	fill(A, (size_t)(ta ? K : M) * lda, r);
	fill(B, (size_t)(tb ? N : K) * ldb, r);
	fill(C, (size_t)M * ldc, r);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			float f = beta == 0.0f ? 0.0f : C[(size_t)i * ldc + j], u = f;
			for (int k0 = 0; k0 < K; k0 += SGEMM_KSLICE) {
				float sf = 0.0f, su = 0.0f;
				for (int k = k0; k < K && k < k0 + SGEMM_KSLICE; k++) {
					float a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
					float b = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
					sf = fmaf(a, b, sf);
					float p = a * b;
					su = su + p;
				}
				f = f + sf;
				u = u + su;
			}
			F[(size_t)i * N + j] = f;
			U[(size_t)i * N + j] = u;
		}
	if (beta == 0.0f)
		for (size_t i = 0; i < (size_t)M * ldc; i++)
			C[i] = NAN;   /* not read */
	nn_set_threads(threads);
	SgemmWork w = { 0 };
	sgemm(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc, &w);
	sgemm_work_free(&w);
	nn_set_threads(1);
	int fused = 1, unfused = 1;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			float c = C[(size_t)i * ldc + j];
			fused &= !memcmp(&c, &F[(size_t)i * N + j], sizeof c);
			unfused &= !memcmp(&c, &U[(size_t)i * N + j], sizeof c);
		}
	free(A); free(B); free(C); free(F); free(U);
	return fused || unfused;
}

int main(void)
{
	Rng r;
	rng_seed(&r, 42);
	int sizes[][3] = { { 1, 1, 1 }, { 3, 5, 7 }, { 17, 33, 9 }, { 65, 19, 300 },
	                   { 4, 16, 256 }, { 70, 260, 513 }, { 5, 300, 2 }, { 9, 1, 600 } };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int ta = 0; ta < 2; ta++)
			for (int tb = 0; tb < 2; tb++) {
				int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
				CHECK(run(ta, tb, M, N, K, 1.0f, 0.0f, &r) < 1e-5);
				CHECK(run(ta, tb, M, N, K, -0.5f, 1.0f, &r) < 1e-5);
				CHECK(run(ta, tb, M, N, K, 2.0f, 0.3f, &r) < 1e-5);
			}
	/* threads: the K-split path (small C, long K) and the block grid; sizes above
	 * the 2M multiply-add threading threshold of gemm.c */
	for (int z = 0; z < 2; z++) {
		float beta = z ? 0.0f : 1.0f;
		CHECK(same_bits(0, 1, 16, 9, 19600, beta, &r));
		CHECK(same_bits(0, 1, 64, 288, 1600, beta, &r));
		CHECK(same_bits(1, 0, 144, 4900, 16, beta, &r));
		CHECK(same_bits(0, 0, 70, 700, 300, beta, &r));
		CHECK(same_bits(0, 0, 16, 19600, 9, beta, &r));
		CHECK(same_bits(1, 1, 33, 257, 999, beta, &r));
	}
	/* the summation order, bit for bit: products of the conv AE's shapes (the
	 * K-split weight gradients, B read in place and packed, full 8 x 32 tiles and
	 * partial ones, the transposed tiles of products with 9 columns or fewer) and
	 * odd ones, at 1 and 2 threads */
	int shapes[][5] = { { 0, 1, 32, 144, 4900 }, { 0, 0, 64, 1600, 288 }, { 1, 0, 288, 1600, 64 },
	                    { 0, 1, 16, 9, 19600 }, { 0, 0, 17, 70, 600 }, { 1, 1, 23, 97, 513 },
	                    { 0, 1, 40, 33, 300 }, { 1, 0, 9, 200, 16 }, { 0, 1, 35, 9, 700 },
	                    { 0, 1, 20, 5, 300 }, { 0, 1, 16, 1, 9000 } };
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (int z = 0; z < 2; z++)
			for (int t = 1; t <= 2; t++)
				CHECK(same_order(shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3],
				                 shapes[s][4], z ? 0.0f : 1.0f, t, &r));
	/* threads give the same bits as the naive-checked single-thread path */
	nn_set_threads(2);
	CHECK(run(0, 1, 20, 30, 4000, 1.0f, 1.0f, &r) < 1e-5);
	nn_set_threads(1);
	return UNIT_DONE();
}
