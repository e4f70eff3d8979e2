/* memae.h: the memory module of MemAE (Gong et al., "Memorizing Normality to Detect
 * Anomaly: Memory-augmented Deep Autoencoder", ICCV 2019).
 *
 * Queries are the columns of z [C][Q] (one per spatial location of a conv
 * encoder map, one per sample for an MLP).  Per query: cosine similarity to each
 * of the N memory rows (both normalised as v / max(||v||, 1e-12)), softmax over
 * the N slots, hard shrinkage in the continuous form
 *     u_i = max(w_i - lambda, 0) w_i / (|w_i - lambda| + 1e-12)
 * and L1 renormalisation u / max(sum u, 1e-12) (both only if lambda > 0), then
 * out = sum_i w_hat_i m_i.  The entropy loss is entropy_weight times the mean over
 * queries of -sum_i w_hat_i log(w_hat_i + 1e-12); its gradient is added by
 * mem_backward(). */
#ifndef AD_MEMAE_H
#define AD_MEMAE_H
#include "gemm.h"
#include "rng.h"

typedef struct {
	int N, C;
	float shrink, entropy_weight;
	float *w, *gw;            /* memory N x C and its gradient */
	int Q, maxQ;              /* queries of the last forward */
	float *zhat, *znorm;      /* normalised queries [C][Q], norms [Q] */
	float *mhat, *mnorm;      /* normalised memory [N][C], norms [N] */
	float *soft, *what;       /* softmax and final weights, [Q][N] */
	float *logw;              /* log(what + 1e-12), [Q][N] */
	float *usum;              /* sum of the shrunk weights per query [Q] */
	double *ent;              /* entropy per query [Q] */
	float *out;               /* [C][Q] */
	float *dwh, *dzhat, *dmhat;
	double aux;               /* entropy_weight * mean entropy */
	SgemmWork work;           /* sgemm's scratch */
} Mem;

/* Memory initialised U(-1/sqrt(C), 1/sqrt(C)) from r. */
void mem_init(Mem *m, int N, int C, float shrink, float entropy_weight, Rng *r);
void mem_free(Mem *m);
/* z [C][Q] -> returns out [C][Q] (owned by m). */
float *mem_forward(Mem *m, const float *z, int Q);
/* dout [C][Q] -> dz [C][Q]; accumulates into gw; adds the entropy gradient. */
void mem_backward(Mem *m, const float *dout, float *dz);

#endif
