/* evaluate.h: the evaluation passes of training, in eval mode and in batches:
 * the scores of a whole data set, the validation loss that selects the model
 * (ad-train -y) and the AUROC on a labelled held-out set (ad-train -e). */
#ifndef AD_EVALUATE_H
#define AD_EVALUATE_H
#include "advec.h"
#include "model.h"

/* Scores of every row of d in eval mode, in batches of `batch` rows (sum or,
 * with score_mean, mean of the squared errors).  0, or -1 + ad_error (a
 * score that is not finite names its row). */
int train_score_all(Model *m, const AdvData *d, int batch, int score_mean, double *s);

/* The validation loss of v: the mean over its rows of loss_val_batch() (hard
 * rejection per batch of `batch` rows, q = 0.5; loss.h).  0, or -1 + ad_error
 * "validation set: ...". */
int eval_val_loss(Model *m, const AdvData *v, int batch, int score_mean, double *out);

/* The AUROC of the scores of e against its labels (auroc.h).  0, or -1 +
 * ad_error "evaluation set: ...". */
int eval_auroc(Model *m, const AdvData *e, int batch, int score_mean, double *out);

#endif
