/* gemms.c: the time of each GEMM of one training step of the bench's conv AE
 * (conv:16-32-64+sigmoid on 1x28x28, batch 100), alone, on the library's
 * sgemm() (not a test; README "Where the time goes").
 *
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread \
 *      tests/bench/gemms.c src/lib/libad.a -lm -o gemms && ./gemms [THREADS]
 *
 * Each product is run 60 times on the same operands (in cache as far as they
 * fit) and its best CPU time kept: what the GEMM costs with nothing else
 * between the calls.  Shapes as nn.c calls them on the whole batch (the
 * forward and data-gradient products, and the weight gradients, which nn.c
 * runs in pieces of the same total). */
#include "gemm.h"
#include "nn.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int ta, tb, M, N, K;
	} s[] = {
		{ "enc.0 fwd", 0, 0, 16, 19600, 9 },    { "enc.0 gw", 0, 1, 16, 9, 19600 },
		{ "enc.3 fwd", 0, 0, 32, 4900, 144 },   { "enc.3 gw", 0, 1, 32, 144, 4900 },
		{ "enc.3 dx", 1, 0, 144, 4900, 32 },    { "enc.6 fwd", 0, 0, 64, 1600, 288 },
		{ "enc.6 gw", 0, 1, 64, 288, 1600 },    { "enc.6 dx", 1, 0, 288, 1600, 64 },
		{ "dec.0 fwd", 1, 0, 288, 1600, 64 },   { "dec.0 gw", 0, 1, 64, 288, 1600 },
		{ "dec.0 dx", 0, 0, 64, 1600, 288 },    { "dec.3 fwd", 1, 0, 144, 4900, 32 },
		{ "dec.3 gw", 0, 1, 32, 144, 4900 },    { "dec.3 dx", 0, 0, 32, 4900, 144 },
		{ "dec.6 fwd", 1, 0, 9, 19600, 16 },    { "dec.6 gw", 0, 1, 16, 9, 19600 },
		{ "dec.6 dx", 0, 0, 16, 19600, 9 },
	};
	int ns = (int)(sizeof s / sizeof *s);
	nn_set_threads(argc > 1 ? atoi(argv[1]) : 1);
	size_t n = 3000000;
	float *A = malloc(n * sizeof *A), *B = malloc(n * sizeof *B), *C = malloc(n * sizeof *C);
	if (!A || !B || !C)
		return 1;
	for (size_t i = 0; i < n; i++) {
		A[i] = (float)(i % 7) * 0.1f;
		B[i] = (float)(i % 5) * 0.1f;
		C[i] = 0.0f;
	}
	SgemmWork w = { NULL, 0 };
	double tot = 0.0, flop = 0.0;
	printf("%-10s %4s %6s %6s %9s %7s\n", "product", "M", "N", "K", "best ms", "GF/s");
	for (int i = 0; i < ns; i++) {
		int M = s[i].M, N = s[i].N, K = s[i].K;
		int lda = s[i].ta ? M : K, ldb = s[i].tb ? K : N;
		double best = 1e30;
		for (int r = 0; r < 60; r++) {
			double t0 = cpu_now();
			sgemm(s[i].ta, s[i].tb, M, N, K, 1.0f, A, lda, B, ldb, s[i].tb ? 1.0f : 0.0f, C,
			      N, &w);
			double t = cpu_now() - t0;
			if (r >= 3 && t < best)
				best = t;
		}
		double f = 2.0 * M * N * K;
		tot += best;
		flop += f;
		printf("%-10s %4d %6d %6d %9.3f %7.1f\n", s[i].name, M, N, K, best * 1e3,
		       f / best * 1e-9);
	}
	printf("all        %.3f ms, %.1f GFLOP/s\n", tot * 1e3, flop / tot * 1e-9);
	sgemm_work_free(&w);
	free(A);
	free(B);
	free(C);
	return 0;
}
