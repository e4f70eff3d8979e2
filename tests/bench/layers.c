/* layers.c: per-layer time of a training step (forward, backward) and its GFLOP/s,
 * for `make bench` (tests/bench/bench.sh builds and runs it; not a test).
 *
 *   layers THREADS [ITERS [ARCH [BATCH]]]
 * Defaults: 200 iterations (after 10 warm-up ones) of the bench's conv AE
 * (conv:16-32-64+sigmoid, LeakyReLU 0.01, 1x28x28 inputs), batch 100, on random
 * inputs.  One iteration = train-mode forward + MSE gradient + backward + Adam
 * step.  Times are wall clock per batch; GFLOP/s counts 2 flops per multiply-add
 * (backward: the weight gradient and, except for the first layer, the data
 * gradient).  "other": the loss gradient, the Adam step, and what is outside the
 * layers.  A batch norm fused with the activation after it carries the pair's time.
 * Each figure is given as the mean over the iterations and as the best (least)
 * time of any iteration: on a shared machine the best is the closer to what the
 * code costs. */
#include "model.h"
#include "nn.h"
#include "optim.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU seconds of all the process's threads: unlike the wall clock, it does not
 * count the time other processes hold the cores (a fair cost on a shared machine,
 * though it counts the workers' spinning at 2 threads) */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *type_name(int t)
{
	static const char *n[] = { "linear", "conv", "convT", "bn", "lrelu", "relu", "maxpool",
	                           "upsample", "sigmoid", "flatten", "unflatten" };
	return t >= 0 && t < (int)(sizeof n / sizeof *n) ? n[t] : "?";
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1, iters = argc > 2 ? atoi(argv[2]) : 200;
	int B = argc > 4 ? atoi(argv[4]) : 100;
	ModelConfig cfg;
	model_config_defaults(&cfg, MODEL_AE);
	snprintf(cfg.arch, sizeof cfg.arch, "%s", argc > 3 ? argv[3] : "conv:16-32-64+sigmoid");
	cfg.slope = 0.01f;
	cfg.shape[0] = 1;
	cfg.shape[1] = cfg.shape[2] = 28;
	cfg.dim = 784;
	if (!strncmp(cfg.arch, "mlp", 3)) {
		cfg.shape[0] = cfg.dim = 121;
		cfg.shape[1] = cfg.shape[2] = 1;
	}
	nn_set_threads(threads);
	Model *m = model_new(&cfg);
	if (!m) {
		fprintf(stderr, "layers: %s\n", ad_errmsg());
		return 1;
	}
	Rng r;
	rng_seed(&r, 1);
	float *x = ad_xmalloc((size_t)B * cfg.dim * sizeof *x);
	for (size_t i = 0; i < (size_t)B * cfg.dim; i++)
		x[i] = (float)rng_uniform(&r);
	Adam *a = adam_new(m, 1e-4f, 1e-6f);
	int D = model_out_dim(m);
	float *d = ad_xmalloc((size_t)B * D * sizeof *d);
	double t0 = 0.0, tb = 0.0, best_total = 1e30, c0 = 0.0, cb = 0.0, best_cpu = 1e30;
	struct Seq *sq[2] = { model_seq(m, 0), model_seq(m, 1) };
	size_t np = 2 * (size_t)(sq[0]->n + sq[1]->n);
	double *last = ad_xcalloc(np, sizeof *last), *best = ad_xmalloc(np * sizeof *best);
	for (size_t i = 0; i < np; i++)
		best[i] = 1e30;
	for (int it = -10; it < iters; it++) {
		if (it == 0) {
			seq_profile(sq[0], 1);
			seq_profile(sq[1], 1);
			t0 = ad_now();
			c0 = cpu_now();
		}
		if (it >= 0) {
			tb = ad_now();
			cb = cpu_now();
		}
		model_zero_grad(m);
		if (model_forward(m, x, B, 1) < 0) {
			fprintf(stderr, "layers: %s\n", ad_errmsg());
			return 1;
		}
		for (int i = 0; i < B * D; i++)
			d[i] = 2.0f * (model_out(m)[i] - model_target(m)[i]) / B;
		model_backward(m, d, B);
		adam_step(a);
		if (it < 0)
			continue;
		double now = ad_now(), cnow = cpu_now();
		if (now - tb < best_total)
			best_total = now - tb;
		if (cnow - cb < best_cpu)
			best_cpu = cnow - cb;
		for (size_t i = 0, k = 0; k < 2; k++)
			for (int q = 0; q < 2 * sq[k]->n; q++, i++) {
				double v = sq[k]->prof[q] - last[i];
				last[i] = sq[k]->prof[q];
				if (v < best[i])
					best[i] = v;
			}
	}
	double cpu = (cpu_now() - c0) / iters * 1e3;
	double total = (ad_now() - t0) / iters * 1e3, inside = 0.0, macs = 0.0, bsum = 0.0;
	printf("%-14s %-20s %7s %7s %7s %7s %8s %8s %6s\n", "layer", "shape", "fwd ms", "bwd ms",
	       "best f", "best b", "fwd GF/s", "bwd GF/s", "share");
	for (int part = 0, o = 0; part < 2; o += 2 * sq[part]->n, part++) {
		struct Seq *s = sq[part];
		for (int i = 0; i < s->n; i++) {
			const Layer *l = &s->L[i];
			double f = s->prof[2 * i] / iters * 1e3, b = s->prof[2 * i + 1] / iters * 1e3;
			double bf = best[o + 2 * i] * 1e3, bb = best[o + 2 * i + 1] * 1e3;
			if (f + b == 0.0)
				continue;   /* an activation fused into the batch norm before it */
			double mf = layer_macs(l) * B, mb = mf * (part == 0 && i == 0 ? 1 : 2);
			char nm[64], shape[64];
			snprintf(nm, sizeof nm, "%s.%d.%s", part ? "dec" : "enc", i, type_name(l->type));
			snprintf(shape, sizeof shape, "%dx%dx%d>%dx%dx%d", l->ic, l->ih, l->iw, l->oc,
			         l->oh, l->ow);
			printf("%-14s %-20s %7.3f %7.3f %7.3f %7.3f ", nm, shape, f, b, bf, bb);
			if (mf > 0)
				printf("%8.1f %8.1f", 2e-6 * mf / f, 2e-6 * mb / b);
			else
				printf("%8s %8s", "-", "-");
			printf(" %5.1f%%\n", 100.0 * (f + b) / total);
			inside += f + b;
			bsum += bf + bb;
			macs += mf + mb;
		}
	}
	printf("%-14s %-20s %7.3f %7s %7s %7s %8s %8s %5.1f%%\n", "other", "loss grad, Adam",
	       total - inside, "", "", "", "", "", 100.0 * (total - inside) / total);
	printf("total: %.3f ms per batch of %d (%.0f samples/s, %.1f GFLOP/s); best batch %.3f ms "
	       "(%.1f GFLOP/s); sum of the layers' best times %.3f ms (%.1f GFLOP/s)\n", total, B,
	       B / total * 1e3, 2e-6 * macs / total, best_total * 1e3, 2e-9 * macs / best_total,
	       bsum, 2e-6 * macs / bsum);
	printf("CPU time of all threads: %.3f ms per batch, best batch %.3f ms\n", cpu,
	       best_cpu * 1e3);
	free(last);
	free(best);
	adam_free(a);
	model_free(m);
	free(x);
	free(d);
	return 0;
}
