/* nn.h: float32 neural-network layers with forward and backward side by side, and
 * a sequential container.
 *
 * Activation layout: every tensor is feature-major with the batch inside,
 * [C][B][H*W] ("CNHW"); flat data is [F][B] (H = W = 1).  Convolutions are
 * im2col + sgemm over the whole batch, batch-norm statistics are contiguous per
 * channel, and every weight-gradient reduction over the batch is one GEMM whose
 * summation order does not depend on the thread count: results are bit-identical
 * for any nn_set_threads().  Parameter layouts and initialisation follow PyTorch:
 * Linear [out][in], Conv2d [cout][cin][k][k], ConvTranspose2d [cin][cout][k][k]. */
#ifndef AD_NN_H
#define AD_NN_H
#include <stddef.h>
#include "gemm.h"
#include "pool.h"
#include "rng.h"

/* Bytes of a layer's tensor name prefix ("enc.0.conv"), NUL included. */
#define NN_NAME_MAX 40

enum {
	NN_LINEAR, NN_CONV, NN_CONVT, NN_BN, NN_LRELU, NN_RELU, NN_MAXPOOL,
	NN_UPSAMPLE, NN_SIGMOID, NN_FLATTEN, NN_UNFLATTEN
};

typedef struct {
	int type;
	int ic, ih, iw;             /* input shape per sample (flat: ic features, 1, 1) */
	int oc, oh, ow;             /* output shape per sample */
	int k, stride, pad, opad;   /* conv / conv-transpose geometry */
	int opadw;                  /* conv-transpose output padding along W (opad: H) */
	int bias;                   /* linear / conv: has a bias */
	int affine;                 /* batch-norm: learnable weight and bias */
	float eps, momentum;        /* batch-norm */
	float slope;                /* leaky ReLU */
	float *w, *b, *gw, *gb;     /* parameters and gradients (NULL if absent) */
	size_t nw;                  /* elements of w */
	float *rmean, *rvar;        /* batch-norm running statistics */
	double *mean, *invstd;      /* batch-norm statistics of the last train forward */
	char name[NN_NAME_MAX];     /* tensor name prefix, e.g. "enc.0.conv" */
} Layer;

/* Scratch of the layers (the im2col matrix, sgemm's partial products): owned by
 * the model that runs them and shared by its Seqs, grown on demand, never shared
 * between two models.  Zero-initialise; free with nn_work_free(). */
typedef struct {
	float *col;
	size_t ncol;
	SgemmWork gemm;
} NnWork;
void nn_work_free(NnWork *w);

/* Output elements per sample. */
size_t layer_out_size(const Layer *l);
size_t layer_in_size(const Layer *l);

/* x: input [ic][B][ih*iw]; y: output [oc][B][oh*ow].  train = 1: batch-norm uses
 * and records batch statistics.  Returns 0, or -1 + ad_error (batch-norm in
 * training with one value per channel). */
int layer_forward(Layer *l, NnWork *w, const float *x, float *y, int B, int train);
/* After a train forward of the same x, y: accumulate parameter gradients and,
 * if dx != NULL, write dL/dx (overwritten, not accumulated). */
void layer_backward(Layer *l, NnWork *w, const float *x, const float *y, const float *dy,
                    float *dx, int B);

/* A sequence of layers; activations of the last forward are kept. */
typedef struct Seq {
	Layer *L;
	int n, cap;
	int c, h, w;         /* shape after the last layer added */
	int maxB;            /* activations are allocated for this many samples */
	float **act;         /* act[i] = output of layer i; an activation layer writes
	                        over its input (act[i] == act[i-1]) when its backward
	                        pass does not need the input (nn.c in_place()) */
	const float *in;     /* input of the last forward */
	float *g0, *g1;      /* backward scratch */
	size_t gn;
	double *prof;        /* NULL, or seconds spent per layer: prof[2i] forward,
	                        prof[2i+1] backward of layer i, summed (seq_profile());
	                        a batch-norm fused with its activation counts as the
	                        batch-norm's */
} Seq;

void seq_init(Seq *s);
void seq_free(Seq *s);
/* Builders: each appends a layer whose input shape is the previous output (or the
 * given c, h, w for the first layer: seq_input()).  Parameters are initialised as
 * PyTorch does, drawing from r in order (weight, then bias). */
void seq_input(Seq *s, int c, int h, int w);
void seq_linear(Seq *s, const char *name, int out, int bias, Rng *r);
void seq_conv(Seq *s, const char *name, int cout, int k, int stride, int pad, int bias, Rng *r);
void seq_convt(Seq *s, const char *name, int cout, int k, int stride, int pad, int opad,
               int bias, Rng *r);
/* The same with separate output padding along H and W. */
void seq_convt2(Seq *s, const char *name, int cout, int k, int stride, int pad, int oph,
                int opw, int bias, Rng *r);
void seq_bn(Seq *s, const char *name, int affine, float eps);
void seq_lrelu(Seq *s, float slope);
void seq_relu(Seq *s);
void seq_maxpool(Seq *s);
void seq_upsample(Seq *s);
void seq_sigmoid(Seq *s);
void seq_flatten(Seq *s);
void seq_unflatten(Seq *s, int c, int h, int w);
/* Per-layer wall-clock timing into s->prof (on: allocate and zero; off: free). */
void seq_profile(Seq *s, int on);
/* Multiply-adds per sample of layer l's forward pass (0 for the layers without). */
double layer_macs(const Layer *l);
/* Shape after the last layer. */
void seq_out_shape(const Seq *s, int *c, int *h, int *w);

/* Forward x ([C][B][HW]); returns the output buffer (owned by s) or NULL + ad_error. */
float *seq_forward(Seq *s, NnWork *w, const float *x, int B, int train);
/* Backward of the last train forward; dx may be NULL (then the first layer skips
 * its input gradient). */
void seq_backward(Seq *s, NnWork *w, const float *dy, float *dx, int B);

/* Evaluation passes of several workers at once (nn_parallel() tasks, the model's
 * scoring): each worker forwards b rows of x in evaluation mode with its own
 * scratch w (an im2col buffer of at least seq_col_need(s, b) floats, nn_work_col()
 * carves one slice per worker, and its own sgemm scratch) through two buffers of
 * its own, pp[0] and pp[1], of b * seq_act_max(s) floats each: layer i writes the
 * one its input is not in (in-place activations excepted), so a pass touches two
 * activation buffers, not one per layer.  x may be pp[0] or pp[1] (the output of
 * another Seq's pass); returns the output (pp[0] or pp[1]) or NULL + ad_error.
 * The same values as seq_forward() in evaluation mode. */
size_t seq_col_need(const Seq *s, int rows);
size_t seq_act_max(const Seq *s);
float *nn_work_col(NnWork *w, size_t n);
float *seq_forward_eval(Seq *s, NnWork *w, const float *x, int b, float *const pp[2]);
/* Tests only: nonzero turns off nn.c's stride-2 im2col / col2im path (the results
 * must not change, to the bit). */
extern int nn_col2_off;

/* Layout changes between row-major samples [B][C][HW] and [C][B][HW]. */
void nn_to_cnhw(const float *x, float *y, int B, int C, int S);
void nn_from_cnhw(const float *x, float *y, int B, int C, int S);

#endif
