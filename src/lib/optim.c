/* optim.c: Adam as torch.optim.Adam.  See optim.h. */
#include "optim.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>

void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr,
                 float wd, float b1, float b2, float eps, long t)
{
	double bc1 = 1.0 - pow((double)b1, (double)t);
	double bc2 = 1.0 - pow((double)b2, (double)t);
	float step = (float)((double)lr / bc1);
	float bc2s = (float)sqrt(bc2);
	float a1 = 1.0f - b1, a2 = 1.0f - b2;
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

typedef struct {
	int idx;          /* model tensor index */
	float *m, *v;
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

void adam_step(Adam *a)
{
	a->t++;
	for (int i = 0; i < a->n; i++) {
		ModelTensor t = model_tensor(a->model, a->s[i].idx);
		adam_update(t.data, t.grad, a->s[i].m, a->s[i].v, t.n, a->lr,
		            t.decay ? a->wd : 0.0f, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, a->t);
	}
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
