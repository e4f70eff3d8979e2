/* model.h: the detectors (AE, MemAE, Deep SVDD) behind one interface.
 *
 * A model maps a batch x (B x dim, float32) to an output `out` (B x out_dim) and
 * a `target` of the same size; the per-sample score is
 *     s_i = sum_j (out_ij - target_ij)^2        (or the mean over j: --score mean)
 * AE / MemAE: out = reconstruction, target = x.  DSVDD: out = embedding phi(x),
 * target = the centre c (pretraining phase: out = AE reconstruction, target = x).
 * Every loss (mse, huber, ga, loe, hetero) works on out/target/s, and hands back
 * dL/d(out) to model_backward().  MemAE's entropy term is internal: its value is
 * model_aux_loss() and its gradient is added by model_backward().
 *
 * Threads: nn_set_threads() (nn.h) sets the worker count; results are bit-identical
 * for every thread count. */
#ifndef AD_MODEL_H
#define AD_MODEL_H
#include <stddef.h>
#include <stdint.h>

typedef struct Model Model;

enum { MODEL_AE, MODEL_MEMAE, MODEL_DSVDD };
enum { PHASE_MAIN, PHASE_PRETRAIN };        /* DSVDD only */

typedef struct {
	int kind;             /* MODEL_AE, MODEL_MEMAE, MODEL_DSVDD */
	char arch[128];       /* "conv:16-32-64", "conv:64-128-128-256", "mlp:128-64-32",
	                         "lenet" (DSVDD on images), "mlp:32-16-8" ... */
	int dim;              /* input elements per sample */
	int shape[3];         /* C, H, W (conv models need it); {dim,1,1} for flat data */
	uint64_t seed;        /* initialisation */
	float slope;          /* LeakyReLU slope (default 0.2 AE/MemAE, 0.01 DSVDD) */
	int relu;             /* 1: ReLU instead of LeakyReLU (the paper's KDD setting) */
	int mem_slots;        /* MemAE: N memory items (default 100) */
	float shrink;         /* MemAE: shrinkage threshold lambda; 0 = none; negative
	                         (the default): 1/mem_slots, whatever mem_slots is set to */
	float entropy_weight; /* MemAE: weight of the entropy loss (default 0.0002) */
	int rep_dim;          /* DSVDD: embedding size (default 32 MNIST-like, 128 CIFAR-like) */
} ModelConfig;

/* Fill the defaults for a kind (arch left empty: the model picks the paper's). */
void model_config_defaults(ModelConfig *cfg, int kind);
/* Parse "ae", "memae", "dsvdd" -> kind; -1 if unknown. */
int model_kind_parse(const char *s);
const char *model_kind_name(int kind);

/* Build and initialise (PyTorch-like default init from cfg->seed).  NULL + ad_error
 * on a bad architecture string or a shape it cannot take. */
Model *model_new(const ModelConfig *cfg);
void model_free(Model *m);
const ModelConfig *model_config(const Model *m);

/* Forward a batch.  train = 1: batch-norm uses batch statistics and updates the
 * running ones, and activations are cached for model_backward(); train = 0: eval
 * mode.  B may vary between calls (the last batch is smaller); returns 0,
 * MODEL_DIVERGED + ad_error when an output is not finite (NaN or Inf: training
 * diverged), or -1 + ad_error on another failure. */
#define MODEL_DIVERGED (-2)
int model_forward(Model *m, const float *x, int B, int train);
int model_out_dim(const Model *m);
const float *model_out(const Model *m);     /* B x out_dim, valid after forward */
/* B x out_dim, valid after forward.  Where the target is the input (AE, MemAE,
 * DSVDD pretraining) it is x itself, not a copy; and with one input channel the
 * layers read x in place, also in model_backward().  So x must stay as it is
 * until the caller is done with the target and, after train = 1, with
 * model_backward(). */
const float *model_target(const Model *m);
/* s[i] for the last forward (rows spread over the workers); mean = 1 divides by
 * out_dim. */
void model_scores(const Model *m, int B, int mean, double *s);
/* Evaluation-mode scores of B rows of x (row i at x + i * ldx, ldx >= dim) into s:
 * the values of model_forward(m, x, B, 0) then model_scores(m, B, mean, s), to the
 * bit, computed pass by pass without keeping the outputs (model_out() and
 * model_target() are not valid afterwards).  0, MODEL_DIVERGED + ad_error or -1 +
 * ad_error as model_forward(). */
int model_eval_scores(Model *m, const float *x, size_t ldx, int B, int mean, double *s);
/* MemAE: entropy_weight * mean entropy of the addressing weights of the last
 * forward; 0 for the other models. */
double model_aux_loss(const Model *m);

/* Backward after a forward with train = 1: dout = dL/d(out), B x out_dim.
 * Accumulates into the parameter gradients (adds the aux-loss gradient too). */
void model_zero_grad(Model *m);
void model_backward(Model *m, const float *dout, int B);

/* DSVDD.  Phase PRETRAIN trains the AE (out = reconstruction, target = x), MAIN the
 * encoder against the centre.  model_init_center(): eval-mode forward over n rows,
 * c = mean embedding, then the eps = 0.1 fix of Ruff et al.'s Deep SVDD code: a
 * coordinate closer than 0.1 to zero becomes +-0.1 (an exact 0 becomes +0.1). */
void model_set_phase(Model *m, int phase);
int model_phase(const Model *m);
int model_init_center(Model *m, const float *x, int n);

/* Every parameter and state tensor, named, in a fixed order: weights and biases,
 * batch-norm running mean/var, MemAE memory, DSVDD centre.  `grad` is NULL for
 * non-trainable state.  The model file and the optimiser go through these. */
typedef struct {
	const char *name;     /* e.g. "enc.0.conv.weight", "enc.0.bn.running_mean", "center" */
	float *data;
	float *grad;          /* NULL: state, not trained */
	size_t n;
	int decay;            /* 1: weight decay applies (all trainable tensors, as torch Adam) */
	int active;           /* 1: trained in the current phase (DSVDD main phase: encoder only) */
} ModelTensor;
int model_ntensors(const Model *m);
/* The layer sequences (nn.h), for per-layer profiling: part 0 the encoder, 1 the
 * decoder (MemAE's memory module sits between them, outside both). */
struct Seq *model_seq(Model *m, int part);
ModelTensor model_tensor(Model *m, int i);

#endif
