/* torch_dump.c: print a model's tensors, a train forward, the backward of
 * L = sum(out * (out - target)) (+ aux), one Adam step (lr 0.01, wd 0.001) and an
 * eval forward, as text lines "TAG name n values...", for torch_check.py (a manual
 * cross-check against PyTorch; not part of make check).
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc/lib -pthread \
 *      -o tests/bench/torch_dump tests/bench/torch_dump.c src/lib/libad.a -lm
 *   tests/bench/torch_dump kind arch C H W [pretrain] */
#include "model.h"
#include "optim.h"
#include "nn.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void put(FILE *f, const char *tag, const char *name, const float *v, size_t n)
{
	fprintf(f, "%s %s %zu", tag, name, n);
	for (size_t i = 0; i < n; i++) fprintf(f, " %.9g", v[i]);
	fprintf(f, "\n");
}
int main(int argc, char **argv)
{
	ModelConfig cfg;
	int kind = model_kind_parse(argv[1]);
	model_config_defaults(&cfg, kind);
	snprintf(cfg.arch, sizeof cfg.arch, "%s", argv[2]);
	cfg.shape[0] = atoi(argv[3]); cfg.shape[1] = atoi(argv[4]); cfg.shape[2] = atoi(argv[5]);
	cfg.dim = cfg.shape[0] * cfg.shape[1] * cfg.shape[2];
	int pre = argc > 6 ? atoi(argv[6]) : 0;
	if (kind == MODEL_MEMAE) { cfg.mem_slots = 7; cfg.shrink = 0.1f; cfg.entropy_weight = 0.05f; }
	cfg.seed = 5;
	Model *m = model_new(&cfg);
	if (!m) { fprintf(stderr, "%s\n", ad_errmsg()); return 1; }
	int B = 3, D = cfg.dim;
	float *x = malloc(sizeof(float) * B * D);
	for (int i = 0; i < B * D; i++) x[i] = (float)((i * 37 % 101) / 100.0);
	FILE *f = stdout;
	put(f, "X", "x", x, (size_t)B * D);
	if (kind == MODEL_DSVDD) {
		if (pre) model_set_phase(m, PHASE_PRETRAIN);
		else model_init_center(m, x, B);
	}
	for (int i = 0; i < model_ntensors(m); i++) { ModelTensor t = model_tensor(m, i); put(f, "P", t.name, t.data, t.n); }
	Adam *a = adam_new(m, 0.01f, 0.001f);
	model_zero_grad(m);
	model_forward(m, x, B, 1);
	int O = model_out_dim(m);
	put(f, "O", "out", model_out(m), (size_t)B * O);
	fprintf(f, "A aux 1 %.9g\n", model_aux_loss(m));
	float *d = malloc(sizeof(float) * B * O);
	for (int i = 0; i < B * O; i++) d[i] = model_out(m)[i] - model_target(m)[i];
	model_backward(m, d, B);
	for (int i = 0; i < model_ntensors(m); i++) { ModelTensor t = model_tensor(m, i); if (t.grad) put(f, "G", t.name, t.grad, t.n); }
	adam_step(a);
	for (int i = 0; i < model_ntensors(m); i++) { ModelTensor t = model_tensor(m, i); put(f, "U", t.name, t.data, t.n); }
	model_forward(m, x, B, 0);
	put(f, "E", "eval", model_out(m), (size_t)B * O);
	return 0;
}
