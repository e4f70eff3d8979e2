/* train.h: the training loop of ad-train (man/ad-train.1).
 *
 * Per epoch the rows are shuffled (Fisher-Yates with the RNG stream
 * (seed, 1); the initialisation uses the model seed), cut into batches of
 * `batch` rows (the last batch is smaller and kept, except that a last batch
 * of a single row is left out of that epoch: batch-norm and the batch
 * statistics need two rows; the row left out differs with each shuffle), and
 * for each batch:
 * forward in train mode, scores s_i, weights (in-process or from the weigher
 * co-process), loss and dL/dout (loss.h), backward, one Adam step (torch
 * semantics: L2 weight decay added to the gradient, b1 0.9, b2 0.999, eps 1e-8).
 *
 * DSVDD: pretrain_epochs epochs of the AE with plain MSE and its own Adam, then
 * the centre (model_init_center over all rows, eval mode) and a new Adam for the
 * main epochs with the chosen loss.
 *
 * Model selection (ad-train -y): with a validation set, after every main epoch the
 * validation loss (hard rejection per batch, loss_val_batch) is computed in eval
 * mode; the tensors of the lowest one (the earliest on a tie) are restored at the
 * end.  Without one, the last model is kept.
 *
 * Checkpoints (checkpoint.c) hold everything the loop needs to continue bit for bit: model,
 * Adam and loss state, the RNG state at the start of the current epoch, the
 * position in it, the best-validation tensors, the epoch's trace accumulators. */
#ifndef AD_TRAIN_H
#define AD_TRAIN_H
#include "advec.h"
#include "loss.h"
#include "model.h"
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
	int epochs;              /* main epochs */
	int pretrain_epochs;     /* DSVDD AE pretraining epochs */
	int batch;
	double lr, wd;
	uint64_t seed;           /* shuffling stream (seed, 1) */
	LossConfig loss;
	const char *weigh;       /* weigher command, or NULL */
	double weigh_timeout;    /* seconds without an answer before giving up; 0 = never */
	const AdvData *val;      /* validation rows, or NULL */
	const AdvData *eval;     /* labelled held-out rows for the AUROC trace, or NULL */
	int eval_every;          /* epochs between AUROC evaluations */
	FILE *trace;             /* per-epoch TSV, or NULL */
	int trace_header;        /* 1: write the header line first */
	int trace_batches;       /* 1: a row per batch too */
	const char *checkpoint;  /* checkpoint file, or NULL */
	int checkpoint_every;    /* epochs */
	const char *resume;      /* checkpoint to resume from, or NULL */
	int progress;            /* TRAIN_PROGRESS_*: what train_run prints on stderr */
	volatile sig_atomic_t *stop;  /* set asynchronously: checkpoint and stop */
	/* lock-in remedies (train.c, "remedies"; man/ad-train.1 LOCK-IN) */
	int warmup;              /* main epochs with w = 1, alpha = 2 before rejection;
	                          * TRAIN_WARMUP_AUTO: train_lockin_resolve() sets it */
	int reject_stat;         /* TRAIN_STAT_SCORE, _RESID, or _AUTO (resolved first) */
	int resid_epochs;        /* with _RESID: the residual up to this main epoch, the
	                          * score after it (Algorithm 1); 0: every epoch */
	/* out, or NULL: d->n doubles, each row's rejection weight w in the last
	 * epoch of the kept model (with a validation set the selected epoch; 1 for
	 * a row that epoch left out), for the clean-weighted score distribution */
	double *row_weight;
} TrainConfig;

/* The statistic the per-batch weights (w, z, alpha) are computed from:
 * the score s_i (Algorithm 1), or its residual after the batch's
 * least-squares line in the input's energy e_i = ||x_i||^2 (ink). */
enum { TRAIN_STAT_SCORE, TRAIN_STAT_RESID, TRAIN_STAT_AUTO };

/* The lock-in remedy's defaults (ad-train -x auto and -m left unset; man
 * ad-train(1), LOCK-IN).  TRAIN_STAT_AUTO becomes TRAIN_STAT_RESID for the ae
 * model with the hetero loss and quantile rejection, no weigher, on images
 * given as pixels (a stream with a C x H x W shape, H and W > 1, loaded in the
 * compact form of adv_load_compact(): at most 256 distinct values), where the
 * seed study of the README measured it, and TRAIN_STAT_SCORE (Algorithm 1)
 * otherwise, contrast-normalised images (ad-scale -c) included, where the
 * study measured the residual harmful; the remedy's residual ranks up to main
 * epoch TRAIN_REMEDY_RESID_EPOCHS, the score after it (-x resid:30), where
 * the 300-epoch rows of the README measured it.  A warm-up of
 * TRAIN_WARMUP_AUTO becomes TRAIN_REMEDY_WARMUP epochs where the remedy was
 * chosen so and 0 elsewhere (an explicit resid keeps 0: -x resid -m 0).
 * train_config_defaults() gives the score and no warm-up: the library's
 * default is Algorithm 1. */
#define TRAIN_WARMUP_AUTO (-1)
#define TRAIN_REMEDY_WARMUP 2
#define TRAIN_REMEDY_RESID_EPOCHS 30
void train_lockin_resolve(TrainConfig *tc, int model_kind, const AdvData *data);

typedef struct {
	int epochs_done;         /* epochs run in total (pretraining included) */
	int best_epoch;          /* main epoch (from 1) of the selected model; 0 if none */
	double best_val;         /* its validation loss (NaN without --val) */
	double last_loss;        /* mean batch loss of the last epoch */
	int interrupted;         /* 1: stopped by *stop */
	long samples;            /* rows trained on by this call (resumed epochs not counted) */
} TrainResult;

/* Progress on stderr: none; on a terminal one line rewritten after every batch
 * with the elapsed time and an ETA; elsewhere (make, nohup, tee) one line per
 * epoch with its loss, validation loss and time. */
enum { TRAIN_PROGRESS_NONE, TRAIN_PROGRESS_TTY, TRAIN_PROGRESS_LOG };

void train_config_defaults(TrainConfig *tc);

/* Train m on d.  0 when done, 1 when stopped by *stop (checkpoint written if
 * configured), -1 + ad_error on failure (non-finite loss, weigher failure, bad
 * checkpoint).  m must have been built with the same configuration as the
 * checkpoint when resuming. */
int train_run(Model *m, const AdvData *d, const TrainConfig *tc, TrainResult *res);

/* The settings lines ("key=value\n") recorded in the model file: loss, score,
 * epochs, batch, lr, wd, seed, the knobs of the loss, DSVDD pretraining epochs,
 * and best_epoch/val_loss when a validation set selected the model.  Not the
 * thread count nor a weigher command: they do not change the model. */
void train_settings(const TrainConfig *tc, const Model *m, const TrainResult *res,
                    char *buf, size_t size);

/* The residual r_i = s_i - (a + b e_i) of the least-squares line of s on the
 * energy e_i = sum_j x_ij^2 of the nb rows x (dim values each), in double;
 * b = 0 when every e_i is equal.  The -x resid rejection statistic. */
void train_energy_resid(const float *x, size_t dim, const double *s, int nb, double *r);

/* train_score_all(), the scores of a whole data set: evaluate.h. */
#include "evaluate.h"

#endif
