/* memae.c: MemAE memory addressing, shrinkage and entropy loss.  See memae.h. */
#include "memae.h"
#include "gemm.h"
#include "pool.h"
#include "util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEPS 1e-12   /* norm floor (F.normalize) */
#define SEPS 1e-12f  /* shrinkage and entropy eps */
#define QCHUNK 64    /* queries per task */

void mem_init(Mem *m, int N, int C, float shrink, float entropy_weight, Rng *r)
{
	memset(m, 0, sizeof *m);
	m->N = N;
	m->C = C;
	m->shrink = shrink;
	m->entropy_weight = entropy_weight;
	m->w = ad_xmalloc(ad_mul((size_t)N * C, sizeof(float)));
	m->gw = ad_xcalloc((size_t)N * C, sizeof(float));
	double b = 1.0 / sqrt((double)C);
	for (size_t i = 0; i < (size_t)N * C; i++)
		m->w[i] = (float)((2.0 * rng_uniform(r) - 1.0) * b);
	m->mhat = ad_xmalloc(ad_mul((size_t)N * C, sizeof(float)));
	m->dmhat = ad_xmalloc(ad_mul((size_t)N * C, sizeof(float)));
	m->mnorm = ad_xmalloc(ad_mul((size_t)N, sizeof(float)));
}

static void free_q(Mem *m)
{
	free(m->zhat); free(m->znorm); free(m->soft); free(m->what); free(m->logw); free(m->usum);
	free(m->ent); free(m->out); free(m->dwh); free(m->dzhat);
}

void mem_free(Mem *m)
{
	free_q(m);
	free(m->w); free(m->gw); free(m->mhat); free(m->dmhat); free(m->mnorm);
	sgemm_work_free(&m->work);
	memset(m, 0, sizeof *m);
}

static void ensure(Mem *m, int Q)
{
	if (Q <= m->maxQ)
		return;
	free_q(m);
	size_t q = (size_t)Q, nq = ad_mul(q, (size_t)m->N), cq = ad_mul(q, (size_t)m->C);
	m->zhat = ad_xmalloc(ad_mul(cq, 4));
	m->znorm = ad_xmalloc(ad_mul(q, 4));
	m->soft = ad_xmalloc(ad_mul(nq, 4));
	m->what = ad_xmalloc(ad_mul(nq, 4));
	m->logw = ad_xmalloc(ad_mul(nq, 4));
	m->usum = ad_xmalloc(ad_mul(q, 4));
	m->ent = ad_xmalloc(ad_mul(q, sizeof(double)));
	m->out = ad_xmalloc(ad_mul(cq, 4));
	m->dwh = ad_xmalloc(ad_mul(nq, 4));
	m->dzhat = ad_xmalloc(ad_mul(cq, 4));
	m->maxQ = Q;
}

typedef struct {
	Mem *m;
	const float *z, *dout;
	float *dz;
} Job;

/* column-wise normalisation of z [C][Q] for queries [q0, q1) */
static void normalise_task(void *ctx, int t, int tid)
{
	Job *j = ctx;
	Mem *m = j->m;
	(void)tid;
	int Q = m->Q, q0 = t * QCHUNK, q1 = q0 + QCHUNK < Q ? q0 + QCHUNK : Q;
	double ss[QCHUNK] = { 0 };
	for (int c = 0; c < m->C; c++)
		for (int q = q0; q < q1; q++) {
			double v = j->z[(size_t)c * Q + q];
			ss[q - q0] += v * v;
		}
	for (int q = q0; q < q1; q++) {
		double n = sqrt(ss[q - q0]);
		m->znorm[q] = (float)n;
		ss[q - q0] = 1.0 / (n > NEPS ? n : NEPS);
	}
	for (int c = 0; c < m->C; c++)
		for (int q = q0; q < q1; q++)
			m->zhat[(size_t)c * Q + q] = (float)(j->z[(size_t)c * Q + q] * ss[q - q0]);
}

/* softmax, shrinkage, renormalisation, entropy: rows of soft/what [q][N] */
static void address_task(void *ctx, int t, int tid)
{
	Job *j = ctx;
	Mem *m = j->m;
	(void)tid;
	int N = m->N, q0 = t * QCHUNK, q1 = q0 + QCHUNK < m->Q ? q0 + QCHUNK : m->Q;
	float lam = m->shrink;
	for (int q = q0; q < q1; q++) {
		float *s = m->soft + (size_t)q * N, *w = m->what + (size_t)q * N;
		float mx = s[0];
		for (int i = 1; i < N; i++)
			if (s[i] > mx)
				mx = s[i];
		double sum = 0.0;
		for (int i = 0; i < N; i++) {
			s[i] = expf(s[i] - mx);
			sum += s[i];
		}
		float inv = (float)(1.0 / sum);
		for (int i = 0; i < N; i++)
			s[i] *= inv;
		if (lam > 0.0f) {
			double us = 0.0;
			for (int i = 0; i < N; i++) {
				float d = s[i] - lam;
				w[i] = d > 0.0f ? d * s[i] / (fabsf(d) + SEPS) : 0.0f;
				us += w[i];
			}
			m->usum[q] = (float)us;
			float r = (float)(1.0 / (us > NEPS ? us : NEPS));
			for (int i = 0; i < N; i++)
				w[i] *= r;
		} else {
			memcpy(w, s, (size_t)N * sizeof *w);
		}
		float *lw = m->logw + (size_t)q * N;
		for (int i = 0; i < N; i++)
			lw[i] = logf(w[i] + SEPS);
		double e = 0.0;
		for (int i = 0; i < N; i++)
			e -= (double)w[i] * lw[i];
		m->ent[q] = e;
	}
}

float *mem_forward(Mem *m, const float *z, int Q)
{
	int N = m->N, C = m->C;
	ensure(m, Q);
	m->Q = Q;
	Job j = { m, z, NULL, NULL };
	/* memory rows normalised */
	for (int i = 0; i < N; i++) {
		const float *r = m->w + (size_t)i * C;
		double ss = 0.0;
		for (int c = 0; c < C; c++)
			ss += (double)r[c] * r[c];
		double n = sqrt(ss), inv = 1.0 / (n > NEPS ? n : NEPS);
		m->mnorm[i] = (float)n;
		for (int c = 0; c < C; c++)
			m->mhat[(size_t)i * C + c] = (float)(r[c] * inv);
	}
	int nt = (Q + QCHUNK - 1) / QCHUNK;
	nn_parallel_work(nt, (size_t)Q * C, normalise_task, &j);
	/* similarities soft[q][i] = zhat[:,q] . mhat[i,:] */
	sgemm(1, 1, Q, N, C, 1.0f, m->zhat, Q, m->mhat, C, 0.0f, m->soft, N, &m->work);
	nn_parallel_work(nt, (size_t)Q * N, address_task, &j);
	double e = 0.0;
	for (int q = 0; q < Q; q++)
		e += m->ent[q];
	m->aux = m->entropy_weight * e / Q;
	/* out[c][q] = sum_i what[q][i] w[i][c] */
	sgemm(1, 1, C, Q, N, 1.0f, m->w, C, m->what, N, 0.0f, m->out, Q, &m->work);
	return m->out;
}

/* per query: entropy gradient, renormalisation, shrinkage and softmax backward;
 * dwh [q][N] becomes dL/d(similarity) in place */
static void address_bwd_task(void *ctx, int t, int tid)
{
	Job *j = ctx;
	Mem *m = j->m;
	(void)tid;
	int N = m->N, q0 = t * QCHUNK, q1 = q0 + QCHUNK < m->Q ? q0 + QCHUNK : m->Q;
	float lam = m->shrink;
	double ew = (double)m->entropy_weight / m->Q;
	for (int q = q0; q < q1; q++) {
		float *d = m->dwh + (size_t)q * N;
		const float *w = m->what + (size_t)q * N, *s = m->soft + (size_t)q * N;
		const float *lw = m->logw + (size_t)q * N;
		if (ew != 0.0)
			for (int i = 0; i < N; i++)
				d[i] += (float)(-ew * ((double)lw[i] + (double)w[i] / ((double)w[i] + SEPS)));
		if (lam > 0.0f) {
			double us = m->usum[q], dot = 0.0;
			for (int i = 0; i < N; i++)
				dot += (double)d[i] * w[i];
			for (int i = 0; i < N; i++) {
				/* renormalisation: du_i = (d_i - [u_i > 0] sum_j d_j w_j) / S */
				double du = us > NEPS ? (d[i] - (w[i] > 0.0f ? dot : 0.0)) / us : d[i] / NEPS;
				double x = s[i], dd = x - lam, g = 0.0;
				if (dd > 0.0) {
					double den = dd + SEPS;
					g = ((2.0 * x - lam) * den - dd * x) / (den * den);
				}
				d[i] = (float)(du * g);
			}
		}
		double dot = 0.0;
		for (int i = 0; i < N; i++)
			dot += (double)d[i] * s[i];
		for (int i = 0; i < N; i++)
			d[i] = (float)(s[i] * (d[i] - dot));
	}
}

/* normalisation backward for the queries */
static void znorm_bwd_task(void *ctx, int t, int tid)
{
	Job *j = ctx;
	Mem *m = j->m;
	(void)tid;
	int Q = m->Q, q0 = t * QCHUNK, q1 = q0 + QCHUNK < Q ? q0 + QCHUNK : Q;
	double dot[QCHUNK] = { 0 };
	for (int c = 0; c < m->C; c++)
		for (int q = q0; q < q1; q++)
			dot[q - q0] += (double)m->zhat[(size_t)c * Q + q] * m->dzhat[(size_t)c * Q + q];
	for (int c = 0; c < m->C; c++)
		for (int q = q0; q < q1; q++) {
			size_t k = (size_t)c * Q + q;
			double n = m->znorm[q];
			j->dz[k] = n > NEPS ? (float)((m->dzhat[k] - m->zhat[k] * dot[q - q0]) / n)
			                    : (float)(m->dzhat[k] / NEPS);
		}
}

void mem_backward(Mem *m, const float *dout, float *dz)
{
	int N = m->N, C = m->C, Q = m->Q;
	Job j = { m, NULL, dout, dz };
	/* dwh[q][i] = sum_c dout[c][q] w[i][c];  gw[i][c] += sum_q what[q][i] dout[c][q] */
	sgemm(1, 1, Q, N, C, 1.0f, dout, Q, m->w, C, 0.0f, m->dwh, N, &m->work);
	sgemm(1, 1, N, C, Q, 1.0f, m->what, N, dout, Q, 1.0f, m->gw, C, &m->work);
	int nt = (Q + QCHUNK - 1) / QCHUNK;
	nn_parallel_work(nt, (size_t)Q * N, address_bwd_task, &j);
	/* dzhat[c][q] = sum_i mhat[i][c] ds[q][i];  dmhat[i][c] = sum_q ds[q][i] zhat[c][q] */
	sgemm(1, 1, C, Q, N, 1.0f, m->mhat, C, m->dwh, N, 0.0f, m->dzhat, Q, &m->work);
	sgemm(1, 1, N, C, Q, 1.0f, m->dwh, N, m->zhat, Q, 0.0f, m->dmhat, C, &m->work);
	nn_parallel_work(nt, (size_t)Q * C, znorm_bwd_task, &j);
	for (int i = 0; i < N; i++) {
		const float *mh = m->mhat + (size_t)i * C, *dm = m->dmhat + (size_t)i * C;
		double dot = 0.0, n = m->mnorm[i];
		for (int c = 0; c < C; c++)
			dot += (double)mh[c] * dm[c];
		float *g = m->gw + (size_t)i * C;
		for (int c = 0; c < C; c++)
			g[c] += n > NEPS ? (float)((dm[c] - mh[c] * dot) / n) : (float)(dm[c] / NEPS);
	}
}
