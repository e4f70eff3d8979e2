/* test_split.c: protocol counts, disjoint parts, determinism; scaling statistics. */
#include "advec.h"
#include "scale.h"
#include "split.h"
#include "util.h"
#include "unit.h"
#include <stdlib.h>
#include <string.h>

/* n rows, class i % k, value = row id */
static void make(AdvData *d, long n, int k, float base)
{
	memset(d, 0, sizeof *d);
	d->info.dim = 1;
	d->info.shape[0] = 1; d->info.shape[1] = 1; d->info.shape[2] = 1;
	for (long i = 0; i < n; i++) {
		float x = base + (float)i;
		adv_data_push(d, (int)(i % k), &x);
	}
}

/* every row id appears at most once over the parts; returns the total */
static long disjoint(const Split *s, long nid)
{
	char *seen = calloc((size_t)nid, 1);
	long total = 0, dup = 0;
	for (int p = 0; p < 3; p++)
		for (long i = 0; i < s->part[p].n; i++) {
			long id = (long)s->part[p].row[i][0];
			if (id >= 0 && id < nid)
				dup += seen[id]++ != 0;
			total++;
		}
	free(seen);
	return dup ? -1 : total;
}

int main(void)
{
	AdvData tr, te;
	Split s, s2;
	SplitOpts o = {SPLIT_IMAGE, 0, 0.2, 0.3, 0.1, 42};

	/* ties to even, as Python's round */
	CHECK(split_round(2.5) == 2);
	CHECK(split_round(3.5) == 4);
	CHECK(split_round(0.5) == 0);
	CHECK(split_round(1480.75) == 1481);
	CHECK(split_round(0.2 / (1 - 0.2) * 5923) == 1481);
	CHECK(split_round(0.1 * 7404) == 740);
	CHECK(split_round(0.3 / 0.7 * 980) == 420);

	/* MNIST-like sizes with a test set: 5923 of class 0 in 59230 rows */
	make(&tr, 59230, 10, 0);
	make(&te, 9800, 10, 100000);
	/* image (section 5.1): 2 * 980 = 1960 normals drawn, round(0.25 * 1960) = 490 anomalies,
	 * pool 2450, val 245, train 2205 */
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == 0);
	CHECK(s.part[SPLIT_TRAIN].n == 2205);
	CHECK(s.part[SPLIT_VAL].n == 245);
	CHECK(s.part[SPLIT_TRAIN].n_anom + s.part[SPLIT_VAL].n_anom == 490);
	CHECK(s.part[SPLIT_TEST].n == 1400);
	CHECK(s.part[SPLIT_TEST].n_anom == 420);
	CHECK(disjoint(&s, 59230) == 2205 + 245 + 1400);
	/* the same seed gives the same rows */
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s2) == 0);
	CHECK(s2.part[SPLIT_VAL].n == s.part[SPLIT_VAL].n);
	CHECK(!memcmp(s2.part[SPLIT_VAL].row, s.part[SPLIT_VAL].row,
	              (size_t)s.part[SPLIT_VAL].n * sizeof(float *)));
	split_free(&s2);
	split_free(&s);
	/* image-all: every class-0 row, 5923 + 1481 = 7404, val 740 */
	o.protocol = SPLIT_IMAGE_ALL;
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == 0);
	CHECK(s.part[SPLIT_TRAIN].n == 6664);
	CHECK(s.part[SPLIT_VAL].n == 740);
	CHECK(s.part[SPLIT_TRAIN].n_anom + s.part[SPLIT_VAL].n_anom == 1481);
	CHECK(s.part[SPLIT_TEST].n == 1400);
	CHECK(s.part[SPLIT_TEST].n_anom == 420);
	CHECK(disjoint(&s, 59230) == 6664 + 740 + 1400);
	o.protocol = SPLIT_IMAGE;
	/* labels agree with classes; test rows come from the test set, in order */
	{
		int bad = 0;
		for (int p = 0; p < 3; p++)
			for (long i = 0; i < s.part[p].n; i++) {
				long id = (long)s.part[p].row[i][0] % 100000;
				bad += (id % 10 == 0) != (s.part[p].label[i] == 0);
			}
		for (long i = 1; i < s.part[SPLIT_TEST].n; i++)
			bad += s.part[SPLIT_TEST].row[i][0] <= s.part[SPLIT_TEST].row[i - 1][0];
		bad += s.part[SPLIT_TEST].row[0][0] < 100000;
		CHECK(bad == 0);
	}
	split_free(&s);

	/* one stream: the cut: 1974 test zeros, 2 * 1974 = 3948 of the 3949 others drawn */
	CHECK(split_make(&tr, "tr", NULL, NULL, &o, &s) == 0);
	CHECK(s.part[SPLIT_TRAIN].n + s.part[SPLIT_VAL].n == 3948 + 987);
	CHECK(s.part[SPLIT_VAL].n == 494);
	CHECK(s.part[SPLIT_TEST].n == 1974 + 846);
	CHECK(disjoint(&s, 59230) == 4935 + 2820);
	split_free(&s);

	/* entire (Appendix E): the image-all pool, every test row */
	o.protocol = SPLIT_ENTIRE;
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == 0);
	CHECK(s.part[SPLIT_TRAIN].n == 6664 && s.part[SPLIT_VAL].n == 740);
	CHECK(s.part[SPLIT_TRAIN].n_anom + s.part[SPLIT_VAL].n_anom == 1481);
	CHECK(s.part[SPLIT_TEST].n == 9800 && s.part[SPLIT_TEST].n_anom == 8820);
	split_free(&s);

	/* natural: all rows */
	o.protocol = SPLIT_NATURAL;
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == 0);
	CHECK(s.part[SPLIT_TRAIN].n + s.part[SPLIT_VAL].n == 59230);
	CHECK(s.part[SPLIT_VAL].n == 5923);
	CHECK(s.part[SPLIT_TEST].n == 9800 && s.part[SPLIT_TEST].n_anom == 8820);
	split_free(&s);

	/* errors */
	o.protocol = SPLIT_IMAGE;
	o.normal = 11;
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == -1);
	CHECK(!strcmp(ad_errmsg(), "tr: no rows of class 11"));
	o.normal = 0;
	o.gamma = 0.97;   /* round(0.97/0.03 * 1960) */
	CHECK(split_make(&tr, "tr", &te, "te", &o, &s) == -1);
	CHECK(!strcmp(ad_errmsg(), "tr: 63373 training anomalies needed, only 53307 rows of other classes"));
	adv_data_free(&tr);
	adv_data_free(&te);

	/* tabular: 1 in 4 rows anomalous */
	make(&tr, 1000, 4, 0);
	for (long i = 0; i < tr.n; i++)
		tr.label[i] = tr.label[i] == 3;
	o.protocol = SPLIT_TABULAR;
	o.gamma = 0.1;
	o.val = 0;
	CHECK(split_make(&tr, "tr", NULL, NULL, &o, &s) == 0);
	/* 750 normals: 375 train, 375 test; 250 anomalies; round(375/9) = 42 synthetic */
	CHECK(s.part[SPLIT_TRAIN].n == 375 + 42 && s.part[SPLIT_TRAIN].n_anom == 42);
	CHECK(s.part[SPLIT_TEST].n == 375 + 250 && s.part[SPLIT_TEST].n_anom == 250);
	CHECK(s.part[SPLIT_VAL].n == 0);
	split_free(&s);
	adv_data_free(&tr);

	/* scaling statistics: Welford against the two-pass values */
	{
		ScaleStats st;
		float rows[4][2] = {{1, 7}, {2, 7}, {3, 7}, {6, 7}}, y[2];
		scale_init(&st, SCALE_ZSCORE, 0, 1, 2);
		for (int i = 0; i < 4; i++)
			scale_add(&st, rows[i]);
		scale_finish(&st);
		CHECK(st.min[0] == 1 && st.max[0] == 6 && st.mean[0] == 3);
		CHECK_NEAR(st.sd[0], 1.8708286933869707, 1e-15);
		CHECK(st.sd[1] == 0);
		float t[2] = {11, 8};
		CHECK(scale_apply(&st, t, y) == 0);
		CHECK_NEAR(y[0], 8 / 1.8708286933869707, 1e-6);
		CHECK(y[1] == 1);
		st.method = SCALE_MINMAX;
		CHECK(scale_apply(&st, t, y) == 0);
		CHECK(y[0] == 2 && y[1] == 1);
		scale_free(&st);
	}
	return UNIT_DONE();
}
