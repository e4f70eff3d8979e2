/* aar.c: see aar.h. */
#include "aar.h"
#include "stats.h"
#include <math.h>
#include <string.h>

void aar_config_defaults(AarConfig *c)
{
	c->tau = AAR_TAU;
	c->guard = AAR_GUARD;
	c->ts = AAR_TS;
}

void aar_batch(const double *s, size_t n, const AarConfig *c, int warm, double *w,
               AarInfo *info, double *scratch)
{
	AarInfo loc;
	AarInfo *a = info ? info : &loc;
	double med, mad, scale = 0, tiny, smax, *fit = scratch;
	size_t m = 0;
	memset(a, 0, sizeof *a);
	a->t_int = a->mu_n = a->sd_n = NAN;
	a->fit.status = GMM_FEW;
	if (n == 0) {
		a->t_hard = a->t_soft = a->contam = NAN;
		return;
	}
	smax = s[0];
	for (size_t i = 1; i < n; i++)
		if (s[i] > smax)
			smax = s[i];
	/* 1. hard threshold: modified z-score > tau, with the fallback of modz_batch */
	med = ad_median(s, n, scratch);
	mad = ad_mad(s, n, med, scratch);
	tiny = 1e-12 * fmax(1.0, fabs(med));
	if (mad > tiny)
		scale = mad / AD_MODZ_K;
	else {
		double meanad = ad_meanad(s, n, med);
		if (meanad > tiny)
			scale = AD_MEANAD_K * meanad;
	}
	a->t_hard = scale > 0 ? med + c->tau * scale : smax;
	if (!isfinite(a->t_hard))      /* overflowed */
		a->t_hard = smax;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] > a->t_hard))
			fit[m++] = s[i];
	a->n_hard = n - m;
	/* 2. the mixture on the fit set */
	gmm2_fit(fit, m, &a->fit, scratch + n);
	/* 3. soft threshold */
	switch (a->fit.status) {
	case GMM_TWO:
		a->mu_n = a->fit.mu[0];
		a->sd_n = a->fit.sd[0];
		a->t_int = gmm2_fit_intersect(&a->fit);
		a->t_soft = a->mu_n + c->guard * a->sd_n;
		if (a->t_int > a->t_soft)
			a->t_soft = a->t_int;
		break;
	case GMM_ONE:
		a->mu_n = a->fit.mean;
		a->sd_n = a->fit.sd1;
		a->t_soft = a->mu_n + c->guard * a->sd_n;
		break;
	default:
		a->t_soft = a->t_hard;
	}
	/* 4. warm-up */
	if (warm || !(a->t_soft < a->t_hard))
		a->t_soft = a->t_hard;
	for (size_t i = 0; i < n; i++) {
		if (s[i] > a->t_hard)
			w[i] = 0;
		else if (s[i] > a->t_soft) {
			w[i] = c->ts;
			a->n_soft++;
		} else
			w[i] = 1;
	}
	/* 5. contamination estimate */
	a->contam = ((double)a->n_hard +
	             (a->fit.status == GMM_TWO ? a->fit.pi[1] * (double)m : 0)) / (double)n;
}
