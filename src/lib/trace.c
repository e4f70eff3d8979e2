/* trace.c: the trace of ad-train -g (trace.h). */
#include "trace.h"
#include <math.h>
#include <string.h>

void trace_acc_reset(TrainAcc *a)
{
	memset(a, 0, sizeof *a);
	a->zmax = -INFINITY;
	a->amin = INFINITY;
}

void trace_acc_batch(TrainAcc *a, double L, int nb, const double *z, const double *alpha,
                     const int *rej, const int *lab, const double aar[3])
{
	a->loss += L;
	a->nb++;
	if (!isnan(aar[0]) && !isnan(aar[1]) && !isnan(aar[2])) {
		a->th += aar[0];
		a->tsf += aar[1];
		a->ct += aar[2];
		a->tn++;
	}
	for (int i = 0; i < nb; i++) {
		if (!isnan(z[i])) {
			a->zsum += z[i];
			a->zn++;
			if (z[i] > a->zmax)
				a->zmax = z[i];
		}
		if (alpha[i] < a->amin)
			a->amin = alpha[i];
		a->asum += alpha[i];
		a->rows++;
		a->rej += rej[i];
		a->anom += lab[i] != 0;
		a->rej_anom += rej[i] && lab[i] != 0;
	}
}

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("\tNA", f);
	else
		fprintf(f, "\t%.9g", v);
}

void trace_header(FILE *f, int batches)
{
	fputs("#epoch", f);
	if (batches)
		fputs("\tbatch", f);
	fputs("\tphase\tloss\tz_mean\tz_max\talpha_min\talpha_mean\trejected"
	      "\tanom_of_rejected\tanom_rejected\tval_loss\teval_auroc"
	      "\tt_hard\tt_soft\tcontam\n", f);
}

void trace_row(FILE *f, int batches, int epoch, int batch, int pre, int any_anom,
               const TrainAcc *a, double val, double auc)
{
	fprintf(f, "%d", epoch);
	if (batches) {
		if (batch > 0)
			fprintf(f, "\t%d", batch);
		else
			fputs("\tall", f);
	}
	fputs(pre ? "\tpre" : "\tmain", f);
	put_num(f, a->nb ? a->loss / a->nb : NAN);
	put_num(f, a->zn ? a->zsum / a->zn : NAN);
	put_num(f, a->zn ? a->zmax : NAN);
	put_num(f, a->rows ? a->amin : NAN);
	put_num(f, a->rows ? a->asum / a->rows : NAN);
	put_num(f, a->rows ? (double)a->rej / a->rows : NAN);
	put_num(f, any_anom && a->rej ? (double)a->rej_anom / a->rej : NAN);
	put_num(f, any_anom && a->anom ? (double)a->rej_anom / a->anom : NAN);
	put_num(f, val);
	put_num(f, auc);
	put_num(f, a->tn ? a->th / a->tn : NAN);
	put_num(f, a->tn ? a->tsf / a->tn : NAN);
	put_num(f, a->tn ? a->ct / a->tn : NAN);
	fputc('\n', f);
}
