/* test_auroc.c: AUROC with midrank ties, ROC points, average precision; all
 * expected values worked by hand (comments). */
#include "unit.h"
#include "auroc.h"
#include "util.h"
#include <string.h>

int main(void)
{
	/* anomalies 0.4, 0.8, 0.4; normals 0.1, 0.35, 0.4.  Pairs (a, n) won:
	 * 0.4: 1 + 1 + 0.5, 0.8: 3, 0.4: 2.5 -> 8 of 9.  Midranks ascending:
	 * 0.1:1 0.35:2 0.4:4 (three tied at 3,4,5) 0.8:6; R1 = 4+6+4 = 14, 14 - 6 = 8. */
	static const double s[] = { 0.1, 0.4, 0.35, 0.8, 0.4, 0.4 };
	static const int l[] = { 0, 1, 0, 1, 0, 1 };
	/* ROC: (0,0) inf; 0.8 -> (0,1/3); 0.4 -> tp 3 fp 1 (1/3,1); 0.35 (2/3,1); 0.1 (1,1).
	 * AP: 0.8: R 1/3 P 1 -> 1/3; 0.4: R 1 P 3/4 -> 2/3 * 3/4 = 1/2; total 5/6. */
	static const double efpr[] = { 0, 0, 1.0 / 3, 2.0 / 3, 1 };
	static const double etpr[] = { 0, 1.0 / 3, 1, 1, 1 };
	static const double ethr[] = { 0, 0.8, 0.4, 0.35, 0.1 };
	double fpr[7], tpr[7], thr[7];
	size_t m;
	CHECK_NEAR(ad_auroc(s, l, 6), 8.0 / 9.0, 1e-15);
	m = ad_roc(s, l, 6, fpr, tpr, thr);
	CHECK(m == 5);
	for (size_t k = 0; k < m && k < 5; k++) {
		CHECK_NEAR(fpr[k], efpr[k], 1e-15);
		CHECK_NEAR(tpr[k], etpr[k], 1e-15);
		if (k > 0)
			CHECK(thr[k] == ethr[k]);
	}
	CHECK(thr[0] == INFINITY);
	CHECK_NEAR(ad_auprc(s, l, 6), 5.0 / 6.0, 1e-15);

	/* all scores tied: 0.5; AP = prevalence (one threshold: R 1, P 3/6) */
	{
		static const double t[] = { 2, 2, 2, 2, 2, 2 };
		CHECK_NEAR(ad_auroc(t, l, 6), 0.5, 1e-15);
		CHECK_NEAR(ad_auprc(t, l, 6), 0.5, 1e-15);
		CHECK(ad_roc(t, l, 6, fpr, tpr, thr) == 2);
	}
	/* perfect and reversed rankings */
	{
		static const double a[] = { 1, 2, 3, 4 };
		static const int up[] = { 0, 0, 1, 1 }, down[] = { 1, 1, 0, 0 };
		CHECK(ad_auroc(a, up, 4) == 1);
		CHECK(ad_auroc(a, down, 4) == 0);
		CHECK(ad_auprc(a, up, 4) == 1);
		/* reversed: 4 (n) 3 (n) 2 (a): R .5 P 1/3; 1 (a): R 1 P 2/4 -> 1/6 + 1/4 */
		CHECK_NEAR(ad_auprc(a, down, 4), 1.0 / 6 + 0.25, 1e-15);
	}
	/* a tie across classes at the top: 0.9 (a), 0.9 (n), 0.2 (a), 0.1 (n):
	 * pairs: 0.9a vs 0.9n 0.5, vs 0.1n 1; 0.2a vs 0.9n 0, vs 0.1n 1 -> 2.5/4.
	 * AP: 0.9: R 1/2 P 1/2 -> 1/4; 0.2: R 1 P 2/3 -> 1/3; total 7/12. */
	{
		static const double a[] = { 0.9, 0.9, 0.2, 0.1 };
		static const int b[] = { 1, 0, 1, 0 };
		CHECK_NEAR(ad_auroc(a, b, 4), 0.625, 1e-15);
		CHECK_NEAR(ad_auprc(a, b, 4), 7.0 / 12, 1e-15);
	}
	/* one class only: NaN and a message */
	{
		static const int zero[] = { 0, 0, 0, 0, 0, 0 }, one[] = { 1, 1, 1, 1, 1, 1 };
		CHECK(isnan(ad_auroc(s, zero, 6)));
		CHECK(!strcmp(ad_errmsg(), "only one class: 6 normal, 0 anomalous"));
		CHECK(isnan(ad_auroc(s, one, 6)));
		CHECK(!strcmp(ad_errmsg(), "only one class: 0 normal, 6 anomalous"));
		CHECK(ad_roc(s, one, 6, fpr, tpr, thr) == 0);
		CHECK(isnan(ad_auprc(s, zero, 6)));
		CHECK(ad_auprc(s, one, 6) == 1);
		CHECK(isnan(ad_auroc(s, l, 0)));
	}
	return UNIT_DONE();
}
