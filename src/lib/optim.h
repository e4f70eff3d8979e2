/* optim.h: Adam exactly as torch.optim.Adam (amsgrad off) with L2 weight decay:
 *     g <- g + wd w;  m <- m + (1 - b1)(g - m);  v <- b2 v + (1 - b2) g^2
 *     w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * t is the step number, starting at 1. */
#ifndef AD_OPTIM_H
#define AD_OPTIM_H
#include <stddef.h>
#include "model.h"

/* One Adam step over plain arrays (m, v start at 0). */
void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr,
                 float wd, float b1, float b2, float eps, long t);

/* An optimiser over the tensors of a model that are active when it is created
 * (so a DSVDD model in the main phase gets the encoder only; create a new one
 * after model_set_phase()).  betas 0.9/0.999, eps 1e-8.  Weight decay applies to
 * the tensors with decay = 1. */
typedef struct Adam Adam;
/* torch.optim.Adam's defaults, used by every optimiser of adpipe (the model's
 * and the ga loss's own parameters). */
#define ADAM_BETA1 0.9f
#define ADAM_BETA2 0.999f
#define ADAM_EPS   1e-8f
Adam *adam_new(Model *m, float lr, float wd);
void adam_free(Adam *a);
/* t <- t + 1, then update every tensor from its accumulated gradient. */
void adam_step(Adam *a);
void adam_set_lr(Adam *a, float lr);

/* State, for checkpoints: per tensor its name (as model_tensor), size and the
 * first/second moment arrays (writable); and the step count t. */
int adam_nstate(const Adam *a);
const char *adam_state(Adam *a, int i, float **m, float **v, size_t *n);
long adam_get_t(const Adam *a);
void adam_set_t(Adam *a, long t);

#endif
