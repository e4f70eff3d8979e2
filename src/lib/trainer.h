/* trainer.h: the state of one training run, shared by train.c (the loop) and
 * checkpoint.c (the checkpoint file).  Internal to the library: the tools use
 * train.h. */
#ifndef AD_TRAINER_H
#define AD_TRAINER_H
#include "advec.h"
#include "loss.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "trace.h"
#include "train.h"
#include "weigh.h"

typedef struct {
	Model *m;
	const AdvData *d;
	const TrainConfig *tc;
	int nt;                      /* model tensors */
	Adam *opt;
	float **best;                /* best-validation tensors (allocated with a validation set) */
	int has_best, best_epoch;
	double best_val;
	Loss *loss, *loss_pre;       /* main loss; DSVDD pretraining MSE */
	Weigher *wg;
	Rng shuf, shuf_epoch;        /* shuffling stream; its state at the epoch start */
	int epoch, batch_next;       /* position: epoch (0-based over all phases), next batch */
	int total;                   /* all epochs, pretraining included */
	int pre;                     /* pretraining epochs (DSVDD only) */
	TrainAcc acc;                /* the current epoch's trace sums (trace.h) */
	char *fingerprint;
	int any_anom;
	/* rejection weight w of every row in the current (or last) epoch, 1 for a row
	 * not weighed yet; with a validation set, those of the selected epoch
	 * (threshold.h, clean-weighted distribution; saved in checkpoints) */
	double *roww, *bestw;
	/* per-batch buffers */
	int *perm, *lab;
	float *x, *dout;
	double *s, *w, *alpha, *z;
	double *scratch;             /* the batch's rejection statistic with -x resid */
	int *rej;
	double aar[3];               /* the batch's t_hard, t_soft, contam (NaN: none) */
	int D;
	/* progress: start time, and the position where this call started */
	double t0;
	int epoch0, batch0;
} Trainer;

/* A new optimiser over the tensors active in the current phase. */
void trainer_adam_reset(Trainer *T);

/* ---- checkpoint.c ---- */

/* The settings and data a checkpoint must have been made with, as one line. */
char *ckpt_fingerprint(const TrainConfig *tc, const AdvData *d, Model *m);
/* Write tc->checkpoint (atomically): the fingerprint, the model, Adam and loss
 * state and the best-validation tensors of T, and the position to resume at:
 * `epoch` (0-based over all phases), its next batch, the shuffling RNG state at
 * that epoch's start and the epoch's trace accumulators.  0, or -1 + ad_error. */
int ckpt_save(Trainer *T, int epoch, int batch_next, const Rng *epoch_rng,
              const TrainAcc *acc);
/* Read a checkpoint into T: model tensors and phase, position (epoch,
 * batch_next, shuf_epoch, acc), a new Adam with the saved state, loss state, best
 * tensors.  -1 + ad_error if it does not match T's settings, model or data. */
int ckpt_load(Trainer *T, const char *path);

#endif
