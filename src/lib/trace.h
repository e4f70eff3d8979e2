/* trace.h: the TSV trace of ad-train -g (man/ad-train.1, TRACE): a header
 * line, then a row per epoch (and, with -G, per batch) of the batch
 * statistics summed in a TrainAcc.  The accumulators of the current epoch are
 * saved in checkpoints (checkpoint.c), so a resumed epoch traces the same row. */
#ifndef AD_TRACE_H
#define AD_TRACE_H
#include <stdio.h>

/* Sums over the batches of an epoch (or over one batch). */
typedef struct {
	double loss, zsum, zmax, amin, asum;
	long nb, zn, rows, rej, anom, rej_anom;
	double th, tsf, ct;          /* adaptive rejection: sums of t_hard, t_soft, contam */
	long tn;                     /* batches that had them */
} TrainAcc;

/* Empty accumulators (zmax -Inf, amin +Inf). */
void trace_acc_reset(TrainAcc *a);
/* Add a batch: its loss L; per row (nb) the z-score (NaN: none), alpha, the
 * rejected flag and the label (non-zero: anomaly); aar = the batch's t_hard,
 * t_soft, contam (counted only when none is NaN). */
void trace_acc_batch(TrainAcc *a, double L, int nb, const double *z, const double *alpha,
                     const int *rej, const int *lab, const double aar[3]);

/* The header line; batches: the trace has a batch column (-G). */
void trace_header(FILE *f, int batches);
/* One row of a: epoch (from 1 within its phase), batch (from 1, or 0 for the
 * epoch's row "all"; written only when batches), pre (1: the DSVDD pretraining
 * phase), any_anom (0: the training rows have no anomaly labels, the anom_
 * columns are NA), val and auc (NaN: NA).  Means of the sums; %.9g. */
void trace_row(FILE *f, int batches, int epoch, int batch, int pre, int any_anom,
               const TrainAcc *a, double val, double auc);

#endif
