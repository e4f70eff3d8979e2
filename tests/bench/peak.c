/* peak.c: the machine's measured single-precision FMA peak, for comparing the
 * GFLOP/s that adpipe achieves (tests/bench/bench.sh; not part of make check).
 *
 *   peak [threads]
 * Every thread runs 12 independent chains of 16-float fused multiply-adds, kept
 * in registers, for about 0.3 s; prints "threads N: X GFLOP/s wall" (2 flops per
 * multiply-add), and the rate per CPU-second of its threads (what a core gives
 * when it is not shared: a fair peak on a busy machine).  The kernel is compiled
 * for AVX-512, AVX2+FMA and baseline x86-64 and the CPU picks one at run time, as
 * for gemm.c.  Build with -ffp-contract=fast so that a*b+c is one instruction. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#elif defined(__x86_64__) && defined(__clang__) && __clang_major__ >= 14
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

typedef float vf __attribute__((vector_size(64)));

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

CLONES
static float chains(long n, float m)
{
	vf a[12], mm = { 0 }, c = { 0 };
	mm += m;
	c += 1e-7f;
	for (int i = 0; i < 12; i++)
		a[i] = mm * (float)(i + 1);
	for (long k = 0; k < n; k++) {
		a[0] = a[0] * mm + c; a[1] = a[1] * mm + c; a[2] = a[2] * mm + c;
		a[3] = a[3] * mm + c; a[4] = a[4] * mm + c; a[5] = a[5] * mm + c;
		a[6] = a[6] * mm + c; a[7] = a[7] * mm + c; a[8] = a[8] * mm + c;
		a[9] = a[9] * mm + c; a[10] = a[10] * mm + c; a[11] = a[11] * mm + c;
	}
	vf s = { 0 };
	for (int i = 0; i < 12; i++)
		s += a[i];
	float r = 0;
	for (int i = 0; i < 16; i++)
		r += s[i];
	return r;
}

static long iters;
static volatile float sink[64];
static double cpu_s[64];

static void *run(void *arg)
{
	int id = (int)(size_t)arg;
	struct timespec a, b;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	sink[id] = chains(iters, 0.9999f);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	cpu_s[id] = (b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec);
	return NULL;
}

int main(int argc, char **argv)
{
	int nt = argc > 1 ? atoi(argv[1]) : 1;
	if (nt < 1 || nt > 64)
		nt = 1;
	/* size the run to about 0.3 s from a short calibration */
	iters = 1000000;
	double t0 = now();
	sink[0] = chains(iters, 0.9999f);
	double dt = now() - t0;
	iters = (long)(iters * (0.3 / (dt > 1e-6 ? dt : 1e-6)));
	if (iters < 1000000)
		iters = 1000000;
	pthread_t th[64];
	t0 = now();
	for (int i = 0; i < nt; i++)
		if (pthread_create(&th[i], NULL, run, (void *)(size_t)i) != 0) {
			perror("peak: pthread_create");
			return 1;
		}
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	dt = now() - t0;
	double cpu = 0;
	for (int i = 0; i < nt; i++)
		cpu += cpu_s[i];
	double flop = 2.0 * 16 * 12 * (double)iters * nt;
	printf("threads %d: %.1f GFLOP/s wall, %.1f GFLOP per CPU-second\n", nt,
	       flop / dt * 1e-9, flop / cpu * 1e-9);
	return 0;
}
