/* peak.c: the machine's measured single-precision FMA peak, for comparing the
 * GFLOP/s that adpipe achieves (tests/bench/bench.sh; not part of make check).
 *
 *   peak [threads]
 * Every thread runs 12 independent chains of 16-float fused multiply-adds, kept
 * in registers, for about 0.3 s; prints "threads N: X GFLOP/s wall" (2 flops per
 * multiply-add), and the rate per CPU-second of its threads (what a core gives
 * when it is not shared: a fair peak on a busy machine).  The kernel is compiled
 * for AVX-512, AVX2+FMA and baseline x86-64 and the CPU picks one at run time, as
 * for gemm.c.  Build with -ffp-contract=fast so that a*b+c is one instruction.
 *
 *   peak bw
 * The memory bandwidth one core gets, at the sizes a training step's arrays have,
 * for the floors of the passes that are not products: for arrays of 32 KB (in
 * L1), 256 KB and 768 KB (a piece's im2col matrix, in L2), 4 MB (a batch's
 * largest activations and their gradients: beyond L2) and 64 MB (beyond the
 * last-level cache), the best of 5 measurements of about 64 MB each of reading (a
 * sum in 8 independent 16-float chains), writing (16-float stores of a constant)
 * and copying (libc's memcpy), in GB/s of bytes moved (a copy counts its read and
 * its write). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* n floats, n a multiple of 128 */
CLONES
static float rd(const float *p, size_t n)
{
	vf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, a4 = { 0 }, a5 = { 0 }, a6 = { 0 },
	   a7 = { 0 };   /* named, not an array: kept in registers at -O2 */
	for (size_t i = 0; i < n; i += 128) {
		const vf *v = (const vf *)(p + i);
		a0 += v[0]; a1 += v[1]; a2 += v[2]; a3 += v[3];
		a4 += v[4]; a5 += v[5]; a6 += v[6]; a7 += v[7];
	}
	vf s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
	float r = 0;
	for (int i = 0; i < 16; i++)
		r += s[i];
	return r;
}

CLONES
static void wr(float *p, size_t n, float v)
{
	vf x = { 0 };
	x += v;
	for (size_t i = 0; i < n; i += 16)
		*(vf *)(p + i) = x;
}

static volatile float bw_sink;

/* peak bw */
static int bandwidth(void)
{
	static const size_t kb[] = { 32, 256, 768, 4096, 65536 };
	size_t maxn = kb[sizeof kb / sizeof *kb - 1] * 256;   /* floats */
	float *a = aligned_alloc(64, maxn * sizeof(float)), *b = aligned_alloc(64, maxn * sizeof(float));
	if (!a || !b) {
		fprintf(stderr, "peak: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < maxn; i++)
		a[i] = b[i] = (float)(i & 255);
	printf("size KB   read GB/s  write GB/s  copy GB/s\n");
	for (size_t z = 0; z < sizeof kb / sizeof *kb; z++) {
		size_t n = kb[z] * 256, bytes = n * sizeof(float);
		/* passes: about 64 MB a measurement, at least 3 */
		int reps = (int)(((size_t)64 << 20) / bytes);
		reps = reps < 3 ? 3 : reps;
		double best[3] = { 1e30, 1e30, 1e30 };
		for (int round = 0; round < 5; round++) {
			double t = now();
			for (int r = 0; r < reps; r++)
				bw_sink = rd(a, n);
			t = (now() - t) / reps;
			best[0] = t < best[0] ? t : best[0];
			t = now();
			for (int r = 0; r < reps; r++)
				wr(b, n, (float)r);
			t = (now() - t) / reps;
			best[1] = t < best[1] ? t : best[1];
			t = now();
			for (int r = 0; r < reps; r++)
				memcpy(b, a, bytes);
			t = (now() - t) / reps;
			best[2] = t < best[2] ? t : best[2];
			bw_sink = b[n / 2];
		}
		printf("%7zu %11.1f %11.1f %10.1f\n", kb[z], bytes / best[0] * 1e-9,
		       bytes / best[1] * 1e-9, 2.0 * bytes / best[2] * 1e-9);
	}
	free(a);
	free(b);
	return 0;
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
	if (argc > 1 && !strcmp(argv[1], "bw"))
		return bandwidth();
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
