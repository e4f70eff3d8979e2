/* bench_nn.c: training and scoring throughput of a model (not part of make check).
 *
 * Build and run from the top directory after `make`:
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread \
 *      -o tests/bench/bench_nn tests/bench/bench_nn.c src/lib/libad.a -lm
 *   tests/bench/bench_nn [kind [arch [C H W [batch [iterations]]]]]
 * Defaults: ae conv:16-32-64 1 28 28, batch 100, 60 iterations (after 5 warm-up ones).  One training
 * iteration = forward (train mode) + MSE gradient + backward + Adam step.  Prints
 * samples/s (overall and of the best 10-iteration chunk) for 1 and 2 threads, and
 * GFLOP/s for the default conv AE (2 flops per multiply-add; training counted as 3x
 * the forward work), and the training samples per CPU-second of the process (less
 * sensitive to other load on a shared machine than the wall-clock rate). */
#include "model.h"
#include "nn.h"
#include "optim.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	ModelConfig cfg;
	int kind = argc > 1 ? model_kind_parse(argv[1]) : MODEL_AE;
	if (kind < 0)
		return 2;
	model_config_defaults(&cfg, kind);
	if (argc > 2)
		snprintf(cfg.arch, sizeof cfg.arch, "%s", argv[2]);
	cfg.shape[0] = argc > 3 ? atoi(argv[3]) : 1;
	cfg.shape[1] = argc > 4 ? atoi(argv[4]) : 28;
	cfg.shape[2] = argc > 5 ? atoi(argv[5]) : 28;
	cfg.dim = cfg.shape[0] * cfg.shape[1] * cfg.shape[2];
	int B = argc > 6 ? atoi(argv[6]) : 100, iters = argc > 7 ? atoi(argv[7]) : 60;
	Rng r;
	rng_seed(&r, 1);
	float *x = ad_xmalloc((size_t)B * cfg.dim * 4);
	for (size_t i = 0; i < (size_t)B * cfg.dim; i++)
		x[i] = (float)rng_uniform(&r);
	for (int t = 1; t <= 2; t++) {
		nn_set_threads(t);
		Model *m = model_new(&cfg);
		if (!m) {
			fprintf(stderr, "%s\n", ad_errmsg());
			return 1;
		}
		if (kind == MODEL_DSVDD)
			model_init_center(m, x, B);
		Adam *a = adam_new(m, 1e-4f, 1e-6f);
		int D = model_out_dim(m);
		float *d = ad_xmalloc((size_t)B * D * 4);
		/* timed in chunks of 10 iterations: the best chunk is reported too, as the
		 * machine may be shared */
		double t0 = 0, best = 1e30, tc = 0;
		clock_t c0 = 0;
		for (int it = -5; it < iters; it++) {
			if (it == 0) {
				t0 = tc = ad_now();
				c0 = clock();
			}
			model_zero_grad(m);
			model_forward(m, x, B, 1);
			for (int i = 0; i < B * D; i++)
				d[i] = 2.0f * (model_out(m)[i] - model_target(m)[i]) / B;
			model_backward(m, d, B);
			adam_step(a);
			if (it >= 0 && (it + 1) % 10 == 0) {
				double now = ad_now();
				if (now - tc < best)
					best = now - tc;
				tc = now;
			}
		}
		double dt = ad_now() - t0;
		double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
		double t1 = ad_now();
		for (int it = 0; it < iters; it++)
			model_forward(m, x, B, 0);
		double de = ad_now() - t1;
		/* GFLOP/s for the default conv AE: 1,097,856 multiply-adds per sample
		 * forward (conv 28224 + 225792 + 294912, convT 294912 + 225792 + 28224);
		 * training = 3x forward (backward: data and weight gradients) */
		double flop = 0;
		if (kind == MODEL_AE && !strcmp(model_config(m)->arch, "conv:16-32-64") && cfg.dim == 784)
			flop = 2.0 * 1097856.0;
		double sps = iters * (double)B / dt, bsps = 10.0 * B / best, esps = iters * (double)B / de;
		printf("%s %s threads %d: train %.0f samples/s (best 10-batch chunk %.0f), "
		       "eval %.0f samples/s", model_kind_name(kind), model_config(m)->arch, t,
		       sps, bsps, esps);
		if (flop > 0)
			printf("; train %.1f GFLOP/s (best %.1f), eval %.1f GFLOP/s",
			       3 * flop * sps * 1e-9, 3 * flop * bsps * 1e-9, flop * esps * 1e-9);
		printf("; %.0f samples per CPU-second\n", iters * (double)B / cpu);
		adam_free(a);
		model_free(m);
		free(d);
	}
	free(x);
	return 0;
}
