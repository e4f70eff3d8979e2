/* test_loss.c: the training losses: golden values and finite-difference checks
 * of every gradient.  Golden batch A (batchA): the values were computed
 * independently in double precision from Algorithm 1 of "Heterogeneous loss
 * function with aggressive rejection for contaminated data in anomaly detection"
 * with q = 0.5, t_s = 0.1, alpha_r = 1.5, c^2 = 0.5 (median 0.275, MAD 0.165). */
#include "loss.h"
#include "rng.h"
#include "unit.h"
#include <stdlib.h>
#include <string.h>

static const double batchA[10] = { 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.50, 1.00, 2.00, 5.00 };

/* s_i from out/target in double, as the models do (sum or mean over D) */
static void scores(const float *out, const float *tg, int B, int D, int mean, double *s)
{
	for (int i = 0; i < B; i++) {
		double a = 0;
		for (int j = 0; j < D; j++) {
			double r = (double)out[i * D + j] - tg[i * D + j];
			a += r * r;
		}
		s[i] = mean ? a / D : a;
	}
}

static void test_golden(void)
{
	LossConfig c;
	Loss *l;
	double w[10], alpha[10], z[10], L;
	float out[10], tg[10] = { 0 }, dout[10];
	int rej[10];
	loss_config_defaults(&c, LOSS_HETERO);
	CHECK_NEAR(c.q, 0.5, 0);
	CHECK_NEAR(c.ts, 0.1, 0);
	CHECK_NEAR(c.alpha_r, 1.5, 0);
	CHECK_NEAR(c.c * c.c, 0.5, 1e-15);
	l = loss_new(&c, 1, 10);
	for (int i = 0; i < 10; i++)
		out[i] = (float)sqrt(batchA[i]);
	loss_weights(l, batchA, 10, w, alpha, z);
	CHECK_NEAR(w[4], 1, 0);
	CHECK_NEAR(w[5], 0.1, 0);
	CHECK_NEAR(z[0], -0.715379, 1e-6);
	CHECK_NEAR(z[9], 19.315227, 1e-6);
	CHECK_NEAR(alpha[5], 1.999986, 1e-6);
	CHECK_NEAR(alpha[8], 1.933359, 1e-6);
	CHECK_NEAR(alpha[9], 1.5, 1e-12);
	CHECK_NEAR(alpha[0], 2, 0);
	L = loss_eval(l, 1, out, tg, batchA, w, alpha, 10, dout, rej);
	CHECK_NEAR(L, 0.147104, 5e-7);
	CHECK(rej[4] == 0 && rej[5] == 1 && rej[9] == 1);
	/* dL/dout = w dL/ds 2 r / B: row 5.00: 0.1 * 0.467138 * 2 sqrt(5) / 10 */
	CHECK_NEAR(dout[9], 0.1 * 0.467138 * 2 * out[9] / 10, 1e-6);
	CHECK_NEAR(dout[0], 1.0 * 2 * out[0] / 10, 1e-7);
	loss_free(l);

	/* MSE(q = 0.5, ts = 0.1): the same weights, alpha fixed at 2 */
	loss_config_defaults(&c, LOSS_MSE);
	CHECK_NEAR(c.q, 1, 0);
	CHECK_NEAR(c.ts, 1, 0);
	c.q = 0.5;
	c.ts = 0.1;
	l = loss_new(&c, 1, 10);
	loss_weights(l, batchA, 10, w, alpha, z);
	CHECK_NEAR(alpha[9], 2, 0);
	L = loss_eval(l, 1, out, tg, batchA, w, alpha, 10, dout, rej);
	CHECK_NEAR(L, 0.17, 1e-12);
	loss_free(l);

	/* plain MSE: mean of s */
	loss_config_defaults(&c, LOSS_MSE);
	l = loss_new(&c, 1, 10);
	loss_weights(l, batchA, 10, w, alpha, z);
	L = loss_eval(l, 1, out, tg, batchA, w, alpha, 10, dout, rej);
	CHECK_NEAR(L, 0.962, 1e-12);
	CHECK(w[9] == 1 && rej[9] == 0);
	loss_free(l);

	/* Hetero(1, 1): alpha from z, no rejection */
	loss_config_defaults(&c, LOSS_HETERO);
	c.q = 1;
	c.ts = 1;
	l = loss_new(&c, 1, 10);
	loss_weights(l, batchA, 10, w, alpha, z);
	CHECK(w[9] == 1);
	CHECK_NEAR(alpha[9], 1.5, 1e-12);
	L = loss_eval(l, 1, out, tg, batchA, w, alpha, 10, dout, rej);
	/* 0.82 + L_GA of the 5 upper rows (the golden batch A) */
	CHECK_NEAR(L, (0.82 + 0.299980 + 0.498361 + 0.975761 + 1.799659 + 2.936633) / 10, 3e-6);
	loss_free(l);

	/* pseudo-Huber at s = 1: 0.732051, slope 0.577350 */
	loss_config_defaults(&c, LOSS_HUBER);
	l = loss_new(&c, 1, 1);
	{
		double s1 = 1, w1, a1, z1;
		float o1 = 1, t1 = 0, d1 = 0;   /* d1: written by loss_eval() (cppcheck) */
		loss_weights(l, &s1, 1, &w1, &a1, &z1);
		CHECK_NEAR(loss_eval(l, 1, &o1, &t1, &s1, &w1, &a1, 1, &d1, NULL), 0.732051, 1e-6);
		CHECK_NEAR(d1, 0.577350 * 2, 1e-6);
	}
	loss_free(l);

	/* validation loss (hard rejection, q = 0.5: ad-train -y): rows <= median 0.275 */
	{
		double scr[10];
		CHECK_NEAR(loss_val_batch(batchA, 10, scr), 0.82, 1e-12);
	}

	/* LOE soft, after the warm-up: 9 normal, 1 anomalous (5.00) */
	loss_config_defaults(&c, LOSS_LOE);
	l = loss_new(&c, 1, 10);
	loss_weights(l, batchA, 10, w, alpha, z);
	L = loss_eval(l, 3, out, tg, batchA, w, alpha, 10, dout, rej);
	CHECK_NEAR(L, (4.62 + 2.5 + 0.5 / (5 + 1e-8)) / 10, 1e-12);
	CHECK(rej[9] == 1 && rej[8] == 0);
	L = loss_eval(l, 2, out, tg, batchA, w, alpha, 10, dout, rej);
	CHECK_NEAR(L, 0.962, 1e-12);   /* warm-up: mean L_n */
	CHECK(rej[9] == 0);
	loss_free(l);
	/* LOE, B = 512: 460 normal + 51 anomalous, one row dropped */
	{
		double s[512], ww[512], aa[512], zz[512];
		float o[512], t[512] = { 0 }, d[512];
		int rj[512], nrej = 0;
		for (int i = 0; i < 512; i++) {
			s[i] = 1 + i;
			o[i] = (float)sqrt(s[i]);
		}
		loss_config_defaults(&c, LOSS_LOE);
		l = loss_new(&c, 1, 512);
		loss_weights(l, s, 512, ww, aa, zz);
		loss_eval(l, 3, o, t, s, ww, aa, 512, d, rj);
		for (int i = 0; i < 512; i++)
			nrej += rj[i];
		CHECK(nrej == 51);
		CHECK(rj[460] == 0 && d[460] == 0);   /* the dropped middle row */
		CHECK(rj[461] == 1 && d[459] != 0);
		loss_free(l);
	}
}

/* L(out) with w, alpha held fixed (detached), as loss_eval sees it */
static double eval_at(Loss *l, int epoch, const float *out, const float *tg, int B, int D,
                      int mean, const double *w, const double *alpha, float *dout)
{
	double s[16];
	scores(out, tg, B, D, mean, s);
	return loss_eval(l, epoch, out, tg, s, w, alpha, B, dout, NULL);
}

static void fd_check(int kind, int mean, int epoch, int hard)
{
	enum { B = 10, D = 5 };
	LossConfig c;
	Loss *l;
	Rng r;
	float out[B * D], tg[B * D], dout[B * D], tmp[B * D];
	double s[B], w[B], alpha[B], z[B], maxerr = 0;
	rng_seed(&r, 42 + (uint64_t)kind);
	for (int k = 0; k < B * D; k++) {
		tg[k] = (float)rng_uniform(&r);
		out[k] = (float)(tg[k] + (0.2 + k % 7 * 0.3) * rng_normal(&r));
	}
	loss_config_defaults(&c, kind);
	c.score_mean = mean;
	c.loe_hard = hard;
	if (kind == LOSS_MSE) {   /* rejection on too */
		c.q = 0.6;
		c.ts = 0.2;
	}
	l = loss_new(&c, D, B);
	scores(out, tg, B, D, mean, s);
	loss_weights(l, s, B, w, alpha, z);
	eval_at(l, epoch, out, tg, B, D, mean, w, alpha, dout);
	for (int k = 0; k < B * D; k++) {
		float o = out[k], op = o + 1e-3f, om = o - 1e-3f;
		double lp, lm, g;
		out[k] = op;
		lp = eval_at(l, epoch, out, tg, B, D, mean, w, alpha, tmp);
		out[k] = om;
		lm = eval_at(l, epoch, out, tg, B, D, mean, w, alpha, tmp);
		out[k] = o;
		g = (lp - lm) / ((double)op - om);
		if (fabs(g - dout[k]) / (fabs(g) + 1e-3) > maxerr)
			maxerr = fabs(g - dout[k]) / (fabs(g) + 1e-3);
	}
	if (!(maxerr < 2e-4))
		fprintf(stderr, "loss %s mean %d epoch %d hard %d: max rel err %g\n",
		        loss_kind_name(kind), mean, epoch, hard, maxerr);
	CHECK(maxerr < 2e-4);

	if (kind == LOSS_GA) {
		/* gradients of the learned shape and scale */
		LossState st = loss_state(l);
		double ga[D], gc[D];
		memset(st.grad_a, 0, D * sizeof(float));
		memset(st.grad_c, 0, D * sizeof(float));
		/* move away from the initial point to a generic one */
		for (int j = 0; j < D; j++) {
			st.theta_a[j] = (float)(0.7 * rng_normal(&r));
			st.theta_c[j] = (float)(0.5 * rng_normal(&r));
		}
		loss_sync(l);
		eval_at(l, epoch, out, tg, B, D, mean, w, alpha, dout);
		for (int j = 0; j < D; j++) {
			ga[j] = st.grad_a[j];
			gc[j] = st.grad_c[j];
		}
		maxerr = 0;
		for (int j = 0; j < D; j++) {
			for (int which = 0; which < 2; which++) {
				float *th = which ? st.theta_c : st.theta_a;
				float t0 = th[j], tp = t0 + 1e-2f, tm = t0 - 1e-2f;
				double lp, lm, g, e;
				th[j] = tp; loss_sync(l);
				lp = eval_at(l, epoch, out, tg, B, D, mean, w, alpha, tmp);
				th[j] = tm; loss_sync(l);
				lm = eval_at(l, epoch, out, tg, B, D, mean, w, alpha, tmp);
				th[j] = t0; loss_sync(l);
				g = (lp - lm) / ((double)tp - tm);
				e = fabs(g - (which ? gc[j] : ga[j])) / (fabs(g) + 1e-3);
				if (e > maxerr)
					maxerr = e;
			}
		}
		if (!(maxerr < 1e-3))
			fprintf(stderr, "ga parameters mean %d: max rel err %g\n", mean, maxerr);
		CHECK(maxerr < 1e-3);
	}
	loss_free(l);
}

static void test_ga_init_and_step(void)
{
	LossConfig c;
	Loss *l;
	double a[3], sc[3], s[2] = { 0 }, w[2] = { 1, 1 }, al[2] = { 2, 2 };
	float out[6] = { 3, 0, 0, 3, 0, 0 }, tg[6] = { 0 }, d[6];
	loss_config_defaults(&c, LOSS_GA);
	l = loss_new(&c, 3, 2);
	loss_ga_params(l, a, sc);
	CHECK_NEAR(a[0], 1.0, 1e-12);
	CHECK_NEAR(sc[0], 1.0, 1e-6);
	/* NLL at alpha = 1, c = 1: rho(9) + 0 + log Z(1) for the large residuals,
	 * log Z(1) for the zero ones (log Z(1) = 1.1854952323 by quadrature of exp(-rho(x, 1, 1))) */
	{
		double L = loss_eval(l, 1, out, tg, s, w, al, 2, d, NULL);
		double rho9 = sqrt(9.0 + 1) - 1;   /* sqrt(y + 1) - 1, y = 9 */
		CHECK_NEAR(L, (2 * rho9 + 6 * 1.1854952323) / 2, 1e-6);
	}
	/* large residuals on dim 0: a step grows its scale */
	loss_step(l, 0.01f);
	loss_ga_params(l, a, sc);
	CHECK(sc[0] > 1.0);
	CHECK(sc[1] < 1.0);   /* zero residuals: the scale shrinks */
	loss_free(l);
}

int main(void)
{
	test_golden();
	for (int mean = 0; mean < 2; mean++) {
		fd_check(LOSS_MSE, mean, 1, 0);
		fd_check(LOSS_HUBER, mean, 1, 0);
		fd_check(LOSS_HETERO, mean, 1, 0);
		fd_check(LOSS_LOE, mean, 1, 0);
		fd_check(LOSS_LOE, mean, 3, 0);
		fd_check(LOSS_LOE, mean, 3, 1);
		fd_check(LOSS_GA, mean, 1, 0);
	}
	test_ga_init_and_step();
	CHECK(loss_kind_parse("hetero") == LOSS_HETERO);
	CHECK(loss_kind_parse("ga") == LOSS_GA);
	CHECK(loss_kind_parse("nope") == -1);
	return UNIT_DONE();
}
