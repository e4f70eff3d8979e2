/* loss.h: the training losses over a batch (man/ad-train.1, DESCRIPTION).  The
 * hetero loss is Algorithm 1 of "Heterogeneous loss function with aggressive
 * rejection for contaminated data in anomaly detection"; where the paper leaves a
 * choice open, the choice is stated here and in ad-train(1).
 *
 * Every loss works on the model's out/target (B x D, float32) and the per-sample
 * score s_i = sum_j (out_ij - target_ij)^2 (or the mean over j with score_mean),
 * and hands back dL/d(out).  The batch reduction is the mean over B.
 *
 *   mse     L_i = w_i s_i
 *   huber   L_i = w_i rho(s_i, 1, c)                 (pseudo-Huber, c = --c)
 *   hetero  L_i = w_i rho(s_i, alpha_i, c)           (the paper's Algorithm 1)
 *   ga      L_i = sum_j rho(r_ij^2, alpha_j, c_j) + log c_j + log Z(alpha_j)
 *           Barron's adaptive loss: per output dimension j a learned shape
 *           alpha_j = lo + (hi - lo) sigmoid(theta_a_j) in (0.001, 1.999) (starts
 *           at 1) and scale c_j = (1 - 1e-5) softplus(theta_c_j + log(e-1)) + 1e-5
 *           (starts at 1); their own Adam state (Barron, CVPR 2019, section 3).
 *   loe     soft Latent Outlier Exposure (Qiu et al., ICML 2022): L_n = s, L_a = 1/(s + 1e-8);
 *           after the warm-up epochs the floor(B ratio) largest scores are the
 *           anomaly set (loss 0.5 L_n + 0.5 L_a, or L_a with loe_hard), the
 *           floor(B (1 - ratio)) smallest the normal set (loss L_n), the rest of
 *           the batch is dropped; the mean runs over the kept terms.
 *
 * The weights w (rejection, step 3 of Algorithm 1) and shapes alpha come from the
 * DETACHED scores (no gradient flows through them): loss_weights() computes them in-process, or the caller
 * takes them from a weigher co-process (weigh.h).  With q = 1 and ts = 1 nothing
 * is rejected; mse and huber accept q/ts too, so the ablations of Table 3 are
 * flag settings: MSE(q, ts) = mse with q, ts; Hetero(1, 1) = hetero with q = ts = 1.
 *
 * reject = LOSS_REJECT_AAR replaces the quantile rule (q) of mse, huber and
 * hetero by the adaptive rejection of aar.h (weights 1, ts, 0; no assumed
 * contamination), with no soft rejection in the first aar_warmup epochs; the
 * hetero shapes alpha are unchanged.  The same weights as the co-process
 * 'ad-zscore | ad-reject -A -W G' with G = aar_warmup times the batches per
 * epoch (man/ad-train.1). */
#ifndef AD_LOSS_H
#define AD_LOSS_H
#include <stddef.h>

enum { LOSS_MSE, LOSS_HUBER, LOSS_GA, LOSS_LOE, LOSS_HETERO };
enum { LOSS_REJECT_QUANTILE, LOSS_REJECT_AAR };

#define LOSS_C_DEFAULT 0.70710678118654752440   /* sqrt(0.5): rho(alpha = 2) = s */
#define LOSS_LOE_EPS 1e-8

typedef struct {
	int kind;
	int score_mean;     /* 1: s is the mean over D, so dL/dout is divided by D */
	double q;           /* rejection quantile (hetero 0.5, others 1) */
	double ts;          /* soft-rejection weight (hetero 0.1, others 1) */
	double alpha_r;     /* hetero: lowest alpha (1.5) */
	double c;           /* GA scale for hetero and huber (sqrt(0.5)) */
	double loe_ratio;   /* LOE assumed contamination (0.1) */
	int loe_warmup;     /* LOE warm-up epochs with mean L_n (2) */
	int loe_hard;       /* 1: LOE hard (anomaly loss L_a) */
	int reject;         /* LOSS_REJECT_QUANTILE (q) or LOSS_REJECT_AAR */
	double aar_tau;     /* aar: hard threshold on the modified z-score (3.5) */
	double aar_guard;   /* aar: soft threshold >= mean + guard sd of the normal part (1) */
	int aar_warmup;     /* aar: epochs without soft rejection (1) */
} LossConfig;

void loss_config_defaults(LossConfig *c, int kind);
/* "mse", "huber", "ga", "loe", "hetero" -> kind; -1 if unknown. */
int loss_kind_parse(const char *s);
const char *loss_kind_name(int kind);

typedef struct Loss Loss;

/* D = output elements per sample; max_batch bounds B. */
Loss *loss_new(const LossConfig *cfg, int D, int max_batch);
void loss_free(Loss *l);
const LossConfig *loss_config(const Loss *l);

/* In-process weights of the batch from the detached scores s: w (rejection),
 * alpha (GA shape; 2 unless hetero) and z (modified z-score, for the trace). */
void loss_weights(Loss *l, const double *s, int B, double *w, double *alpha, double *z);
/* The same at main epoch `epoch` (from 1; the aar warm-up counts epochs).
 * loss_weights() is this past any warm-up. */
void loss_weights_at(Loss *l, int epoch, const double *s, int B, double *w, double *alpha,
                     double *z);
/* aar: the thresholds and the estimated contamination of the last batch
 * weighed (aar.h).  0, or -1 (and NaNs) for the other rules or before the first. */
int loss_aar_info(const Loss *l, double *t_hard, double *t_soft, double *contam);

/* The batch loss (mean over B) and dL/dout (B x D, overwritten).  epoch counts
 * from 1 (LOE warm-up).  rej (optional, B): 1 for the samples the loss treated as
 * anomalous (w < 1; LOE: the anomaly set).  For ga, it also accumulates the
 * gradient of its own parameters (applied by loss_step). */
double loss_eval(Loss *l, int epoch, const float *out, const float *target,
                 const double *s, const double *w, const double *alpha, int B,
                 float *dout, int *rej);

/* ga: one Adam step on (theta_a, theta_c) with the accumulated gradient, then the
 * gradient is zeroed.  No-op for the other losses. */
void loss_step(Loss *l, float lr);

/* Learned state (ga: theta_a, theta_c, their gradients, Adam m and v, each D
 * floats; and the Adam step count) for tests and checkpoints.  n = 0 for the
 * other losses. */
typedef struct {
	size_t n;
	float *theta_a, *theta_c, *grad_a, *grad_c;
	float *m_a, *v_a, *m_c, *v_c;
	long *t;
} LossState;
LossState loss_state(Loss *l);
/* Recompute alpha_j, scale_j after the state was written (checkpoint resume). */
void loss_sync(Loss *l);
/* ga: current alpha_j and scale_j (D each). */
void loss_ga_params(const Loss *l, double *alpha, double *scale);

/* Validation loss of a batch (ad-train -y; the paper measures it "by aggressive
 * and hard rejection", read as q = 0.5, t_s = 0): sum over i of s_i for s_i <= median(s), else
 * 0 (hard rejection, q = 0.5).  The caller divides the sum over all batches by
 * the row count.  scratch: B doubles. */
double loss_val_batch(const double *s, int B, double *scratch);

#endif
