/* optim.c: Adam as torch.optim.Adam.  See optim.h.
 *
 * The update vectorises (O3 below, the -fno-math-errno the Makefile gives this
 * file: with errno, GCC keeps sqrtf scalar); a vector square root and division
 * round as the scalar ones, so the values are the same. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include "optim.h"
#include "clones.h"
#include "util.h"
#include "pool.h"
#include <math.h>
#include <stdlib.h>

/* the update of n values */
AD_CLONES
static void adam_range(float *restrict w, const float *restrict g, float *restrict m,
                       float *restrict v, size_t n, float step, float bc2s, float wd,
                       float b2, float eps, float a1, float a2)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i];
		if (wd != 0.0f)
			gi += wd * w[i];
		m[i] += a1 * (gi - m[i]);
		v[i] = v[i] * b2 + a2 * gi * gi;
		float den = sqrtf(v[i]) / bc2s + eps;
		w[i] -= step * (m[i] / den);
	}
}

void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr,
                 float wd, float b1, float b2, float eps, long t)
{
	double bc1 = 1.0 - pow((double)b1, (double)t);
	double bc2 = 1.0 - pow((double)b2, (double)t);
	float step = (float)((double)lr / bc1);
	float bc2s = (float)sqrt(bc2);
	adam_range(w, g, m, v, n, step, bc2s, wd, b2, eps, 1.0f - b1, 1.0f - b2);
}

#define ADAM_CHUNK 4096   /* values a task of adam_step() */

typedef struct {
	int idx;          /* model tensor index */
	float *m, *v;
	size_t n;
	int nchunk;       /* tasks of ADAM_CHUNK values */
} Slot;

struct Adam {
	Model *model;
	float lr, wd;
	long t;
	Slot *s;
	int n;
};

Adam *adam_new(Model *model, float lr, float wd)
{
	Adam *a = ad_xcalloc(1, sizeof *a);
	a->model = model;
	a->lr = lr;
	a->wd = wd;
	int nt = model_ntensors(model);
	a->s = ad_xcalloc((size_t)nt, sizeof *a->s);
	for (int i = 0; i < nt; i++) {
		ModelTensor t = model_tensor(model, i);
		if (!t.grad || !t.active)
			continue;
		Slot *s = &a->s[a->n++];
		s->idx = i;
		s->m = ad_xcalloc(t.n, sizeof(float));
		s->v = ad_xcalloc(t.n, sizeof(float));
		s->n = t.n;
		s->nchunk = (int)((t.n + ADAM_CHUNK - 1) / ADAM_CHUNK);
	}
	return a;
}

void adam_free(Adam *a)
{
	if (!a)
		return;
	for (int i = 0; i < a->n; i++) {
		free(a->s[i].m);
		free(a->s[i].v);
	}
	free(a->s);
	free(a);
}

/* adam_step() in tasks of ADAM_CHUNK values of one tensor each, spread over the
 * workers (each value's update is independent of the others) */
typedef struct {
	Adam *a;
	float step, bc2s;
} StepJob;

static void step_task(void *ctx, int c, int tid)
{
	const StepJob *j = ctx;
	Adam *a = j->a;
	(void)tid;
	int i = 0;
	while (c >= a->s[i].nchunk)
		c -= a->s[i++].nchunk;
	ModelTensor t = model_tensor(a->model, a->s[i].idx);
	size_t o = (size_t)c * ADAM_CHUNK, n = t.n - o < ADAM_CHUNK ? t.n - o : ADAM_CHUNK;
	adam_range(t.data + o, t.grad + o, a->s[i].m + o, a->s[i].v + o, n, j->step, j->bc2s,
	           t.decay ? a->wd : 0.0f, ADAM_BETA2, ADAM_EPS, 1.0f - ADAM_BETA1,
	           1.0f - ADAM_BETA2);
}

void adam_step(Adam *a)
{
	a->t++;
	/* the constants exactly as adam_update() computes them */
	double bc1 = 1.0 - pow((double)ADAM_BETA1, (double)a->t);
	double bc2 = 1.0 - pow((double)ADAM_BETA2, (double)a->t);
	StepJob j = { a, (float)((double)a->lr / bc1), (float)sqrt(bc2) };
	int nchunk = 0;
	size_t work = 0;
	for (int i = 0; i < a->n; i++) {
		nchunk += a->s[i].nchunk;
		work += a->s[i].n;
	}
	nn_parallel_work(nchunk, work, step_task, &j);
}

void adam_set_lr(Adam *a, float lr) { a->lr = lr; }
int adam_nstate(const Adam *a) { return a->n; }
long adam_get_t(const Adam *a) { return a->t; }
void adam_set_t(Adam *a, long t) { a->t = t; }

const char *adam_state(Adam *a, int i, float **m, float **v, size_t *n)
{
	ModelTensor t = model_tensor(a->model, a->s[i].idx);
	*m = a->s[i].m;
	*v = a->s[i].v;
	*n = t.n;
	return t.name;
}
