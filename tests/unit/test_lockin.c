/* test_lockin.c: the -X resid rejection statistic (train_energy_resid) against
 * residuals known by construction and against the 2x2 normal equations. */
#include "train.h"
#include "unit.h"
#include <stdlib.h>

int main(void)
{
	double r[64];

	/* x = 1..4 (one value a row): e = 1, 4, 9, 16; d = (1, -3, 3, -1) sums to 0
	 * and is orthogonal to e, so s = 5 + 0.5 e + d has the residual d */
	{
		const float x[4] = {1, 2, 3, 4};
		const double s[4] = {6.5, 4, 12.5, 12}, d[4] = {1, -3, 3, -1};
		train_energy_resid(x, 1, s, 4, r);
		for (int i = 0; i < 4; i++)
			CHECK_NEAR(r[i], d[i], 1e-12);
	}
	/* two values a row: e = x1^2 + x2^2 = 1, 4, 9, 16 again (0+1, 0+4, 9+0, 16+0) */
	{
		const float x[8] = {0, 1, 2, 0, 0, 3, 4, 0};
		const double s[4] = {6.5, 4, 12.5, 12}, d[4] = {1, -3, 3, -1};
		train_energy_resid(x, 2, s, 4, r);
		for (int i = 0; i < 4; i++)
			CHECK_NEAR(r[i], d[i], 1e-12);
	}
	/* equal energies: no slope, the residual is s less its mean */
	{
		const float x[3] = {2, -2, 2};
		const double s[3] = {1, 2, 6};
		train_energy_resid(x, 1, s, 3, r);
		CHECK_NEAR(r[0], -2, 1e-12);
		CHECK_NEAR(r[1], -1, 1e-12);
		CHECK_NEAR(r[2], 3, 1e-12);
	}
	/* pseudo-random rows: the line from the normal equations
	 * [n  Se; Se See] (a, b) = (Ss, Ses), solved by Cramer's rule */
	{
		enum { N = 50, D = 3 };
		float x[N * D];
		double s[N], n = N, Se = 0, See = 0, Ss = 0, Ses = 0, e[N];
		unsigned long v = 12345;
		for (int i = 0; i < N; i++) {
			e[i] = 0;
			for (int j = 0; j < D; j++) {
				v = v * 6364136223846793005UL + 1442695040888963407UL;
				x[i * D + j] = (float)((v >> 40) % 1000) / 1000.0f;
				e[i] += (double)x[i * D + j] * x[i * D + j];
			}
			v = v * 6364136223846793005UL + 1442695040888963407UL;
			s[i] = 2.0 + 3.0 * e[i] + (double)((v >> 33) % 1000) / 250.0;
			Se += e[i]; See += e[i] * e[i]; Ss += s[i]; Ses += e[i] * s[i];
		}
		double det = n * See - Se * Se;
		double a = (Ss * See - Se * Ses) / det, b = (n * Ses - Se * Ss) / det;
		double sum = 0;
		train_energy_resid(x, D, s, N, r);
		for (int i = 0; i < N; i++) {
			CHECK_NEAR(r[i], s[i] - a - b * e[i], 1e-9);
			sum += r[i];
		}
		CHECK_NEAR(sum, 0, 1e-9);
	}
	return UNIT_DONE();
}
