/* test_modelfile.c: model file round trip, and every kind of damage refused
 * with a message naming it (CRC recomputed, so the later checks are reached). */
#include "model.h"
#include "modelfile.h"
#include "stats.h"
#include "threshold.h"
#include "util.h"
#include "unit.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[200], path2[256];

static unsigned char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	unsigned char *b = malloc(1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void spit(const char *p, const unsigned char *b, size_t n, int fix_crc)
{
	FILE *f = fopen(p, "wb");
	unsigned char *c = malloc(n);
	memcpy(c, b, n);
	if (fix_crc && n >= 4) {
		uint32_t crc = ad_crc32(0, c, n - 4);
		for (int i = 0; i < 4; i++)
			c[n - 4 + i] = (unsigned char)(crc >> (8 * i));
	}
	fwrite(c, 1, n, f);
	fclose(f);
	free(c);
}

static int fails_with(const char *p, const char *msg)
{
	Model *m = modelfile_load(p, NULL, NULL);
	if (m) {
		model_free(m);
		fprintf(stderr, "loaded, expected: %s\n", msg);
		return 0;
	}
	if (!strstr(ad_errmsg(), msg)) {
		fprintf(stderr, "got '%s', expected '%s'\n", ad_errmsg(), msg);
		return 0;
	}
	return 1;
}

static size_t find(const unsigned char *b, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(b + i, s, k))
			return i;
	return (size_t)-1;
}

int main(void)
{
	ModelConfig c;
	Model *m, *m2;
	char *set = NULL;
	int smean = -1, nt;
	unsigned char *b, *t;
	size_t n, off;
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/test_modelfile.%ld", tmp ? tmp : "/tmp", (long)getpid());
	snprintf(path2, sizeof path2, "%s.bad", path);

	model_config_defaults(&c, MODEL_AE);
	strcpy(c.arch, "mlp:8-4");
	c.dim = 12;
	c.shape[0] = 12; c.shape[1] = 1; c.shape[2] = 1;
	c.seed = 3;
	m = model_new(&c);
	CHECK(m != NULL);
	if (!m)
		return UNIT_DONE();
	nt = model_ntensors(m);
	for (int i = 0; i < nt; i++) {
		ModelTensor mt = model_tensor(m, i);
		for (size_t k = 0; k < mt.n; k++)
			mt.data[k] = (float)(i * 1000 + k) * 0.001f - 0.5f;
	}
	CHECK(modelfile_save(path, m, 1, "loss=hetero\nepochs=3\n") == 0);
	/* overwrite in place: still one file, no temporary left */
	CHECK(modelfile_save(path, m, 1, "loss=hetero\nepochs=3\n") == 0);
	m2 = modelfile_load(path, &smean, &set);
	CHECK(m2 != NULL);
	if (m2) {
		CHECK(smean == 1);
		CHECK(set && !strcmp(set, "loss=hetero\nepochs=3\n"));
		CHECK(model_config(m2)->dim == 12 && !strcmp(model_config(m2)->arch, "mlp:8-4"));
		CHECK(model_ntensors(m2) == nt);
		for (int i = 0; i < nt && i < model_ntensors(m2); i++) {
			ModelTensor a = model_tensor(m, i), z = model_tensor(m2, i);
			CHECK(a.n == z.n && !strcmp(a.name, z.name) &&
			      !memcmp(a.data, z.data, a.n * sizeof(float)));
		}
		model_free(m2);
	}
	free(set);

	b = slurp(path, &n);
	CHECK(n > 100 && !memcmp(b, "ADPM", 4));
	/* every truncation is refused (and never crashes) */
	for (size_t k = 0; k < n; k++) {
		Model *x;
		spit(path2, b, k, 0);
		x = modelfile_load(path2, NULL, NULL);
		CHECK(x == NULL);
		model_free(x);
	}
	/* every truncation with a valid CRC is refused too, by the field checks */
	for (size_t k = 12; k < n; k++) {
		Model *x;
		t = malloc(k);
		memcpy(t, b, k);
		spit(path2, t, k, 1);
		x = modelfile_load(path2, NULL, NULL);
		CHECK(x == NULL);
		model_free(x);
		free(t);
	}
	spit(path2, b, 3, 0);
	CHECK(fails_with(path2, "bad magic (not an adpipe model file)"));
	t = malloc(n + 8);
	/* a flipped byte in a weight */
	memcpy(t, b, n);
	t[n - 10] ^= 1;
	spit(path2, t, n, 0);
	CHECK(fails_with(path2, "CRC-32 mismatch (file damaged or truncated)"));
	/* version */
	memcpy(t, b, n);
	t[4] = 4;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "unsupported format version 4 (expected 1 to 3)"));
	/* a format 1 file marked 2 or 3 lacks the score distribution */
	t[4] = 2;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "training rows"));
	t[4] = 3;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "training rows"));
	/* a tensor renamed */
	memcpy(t, b, n);
	off = find(t, n, model_tensor(m, 0).name);
	CHECK(off != (size_t)-1);
	t[off] = 'X';
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "tensor 1 is 'X"));
	/* a tensor size changed (the u64 count after the first name) */
	memcpy(t, b, n);
	off += strlen(model_tensor(m, 0).name);
	t[off] ^= 4;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "values, expected"));
	/* an absurd architecture length */
	memcpy(t, b, n);
	off = find(t, n, "mlp:8-4") - 4;
	t[off + 3] = 0x7f;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "architecture: length"));
	/* an unknown model kind */
	memcpy(t, b, n);
	t[8] = 9;
	spit(path2, t, n, 1);
	CHECK(fails_with(path2, "model kind = 9 out of range"));
	/* bytes after the last tensor */
	memcpy(t, b, n - 4);
	memset(t + n - 4, 0, 8);
	spit(path2, t, n + 4, 1);
	CHECK(fails_with(path2, "4 unexpected bytes after the last tensor"));
	free(t);
	free(b);

	/* format 3: the same bytes as format 1 up to the last tensor, then the
	 * training score distribution and the clean-weighted one (none here:
	 * u64 0, f64 0, u32 0); read back exactly */
	{
		double sc[5] = { 3, 1, 2, 2, 9 };
		int lab[5] = { 0, 0, 1, 0, 1 };
		ScoreDist d, d2;
		unsigned char *b1, *b2;
		size_t n1, n2;
		uint32_t v = 0;
		CHECK(modelfile_save(path, m, 0, "loss=mse\n") == 0);
		b1 = slurp(path, &n1);
		scoredist_fit(&d, sc, lab, 5);
		d.data_crc = 0x12345678;
		CHECK(d.k == 5 && d.rows == 5 && d.anomalies == 2);
		CHECK(d.q[0] == 1 && d.q[1] == 2 && d.q[2] == 2 && d.q[3] == 3 && d.q[4] == 9);
		CHECK(scoredist_quantile(&d, 0.5) == 2);
		CHECK(scoredist_quantile(&d, 0.875) == 6);     /* h = 3.5: between 3 and 9 */
		CHECK(modelfile_save_dist(path, m, 0, "loss=mse\n", &d) == 0);
		b2 = slurp(path, &n2);
		CHECK(n2 == n1 + 8 + 8 + 4 + 4 + 5 * 8 + 8 + 8 + 4);
		CHECK(b1[4] == 1 && b2[4] == 3);
		CHECK(!memcmp(b1, b2, 4) && !memcmp(b1 + 5, b2 + 5, n1 - 4 - 5));
		m2 = modelfile_load_dist(path, NULL, NULL, &d2, &v);
		CHECK(m2 != NULL && v == 3);
		if (m2) {
			CHECK(d2.rows == 5 && d2.anomalies == 2 && d2.data_crc == 0x12345678 && d2.k == 5);
			CHECK(d2.ck == 0 && d2.clean_rows == 0 && d2.cq == NULL);
			CHECK(d2.k == 5 && !memcmp(d2.q, d.q, 5 * sizeof *d.q));
			scoredist_free(&d2);
			model_free(m2);
		}
		/* damaged trailers, CRC fixed so that the field checks are reached */
		b1 = ad_xrealloc(b1, n2 + 8);
		memcpy(b1, b2, n2);
		b1[n2 - 24 - 8] = 0;             /* last quantile 9 -> a smaller double */
		b1[n2 - 24 - 1] = 0;
		spit(path2, b1, n2, 1);
		CHECK(fails_with(path2, "score quantile 5 is below the one before it"));
		memcpy(b1, b2, n2);
		b1[n2 - 24 - 5 * 8 - 4] = 6;     /* k = 6 > rows */
		spit(path2, b1, n2, 1);
		CHECK(fails_with(path2, "6 score quantiles for 5 training rows"));
		memcpy(b1, b2, n2);
		b1[n2 - 24] = 1;                 /* clean rows 1 with weight 0 */
		spit(path2, b1, n2, 1);
		CHECK(fails_with(path2, "clean weight 0 of 1 rows among 5 training rows"));
		memcpy(b1, b2, n2 - 4);
		memset(b1 + n2 - 4, 0, 8);
		spit(path2, b1, n2 + 4, 1);
		CHECK(fails_with(path2, "4 unexpected bytes after the clean score quantiles"));
		/* a format 2 file (the distribution only) still loads */
		memcpy(b1, b2, n2 - 24);
		b1[4] = 2;
		spit(path2, b1, n2 - 20, 1);
		m2 = modelfile_load_dist(path2, NULL, NULL, &d2, &v);
		CHECK(m2 != NULL && v == 2 && d2.k == 5 && d2.ck == 0);
		model_free(m2);
		scoredist_free(&d2);

		/* the clean-weighted part: scores 3 1 2 2 9, weights 1 0.1 0 1 1; the
		 * 0-weight row drops out, the rest sorted 1 (0.1), 2, 3, 9 (1 each) sit
		 * at the levels 0, 0.1/2.1, 1.1/2.1, 1 (the knots stored); the
		 * quantile at 1/3 is 2 + 0.6 (1/3 - 0.1/2.1 = 0.6/2.1), at 2/3
		 * 3 + 6 * 0.3, at 0.5 2 + 0.95 */
		{
			double w[5] = { 1, 0.1, 0, 1, 1 }, want[4] = { 1, 2.6, 4.8, 9 };
			double lv[4] = { 0, 0.1 / 2.1, 1.1 / 2.1, 1 }, kq[4] = { 1, 2, 3, 9 };
			scoredist_fit_clean(&d, sc, w, 5);
			CHECK(d.clean_rows == 4 && fabs(d.clean_weight - 3.1) < 1e-12 && d.ck == 4);
			for (int i = 0; i < 4 && d.ck == 4; i++) {
				CHECK(d.cq[i] == kq[i] && fabs(d.cl[i] - lv[i]) < 1e-15);
				CHECK(fabs(weighted_quantile(sc, w, 5, i / 3.0) - want[i]) < 1e-12);
				CHECK(fabs(scoredist_clean_quantile(&d, i / 3.0) - want[i]) < 1e-12);
			}
			CHECK(fabs(thr_clean(&d, 0.5) - 2.95) < 1e-12);
			CHECK(isnan(weighted_quantile(sc, (double[5]){ 0, 0, 0, 0, 0 }, 5, 0.5)));
			CHECK(modelfile_save_dist(path, m, 0, "loss=mse\n", &d) == 0);
			m2 = modelfile_load_dist(path, NULL, NULL, &d2, &v);
			CHECK(m2 != NULL && v == 3 && d2.ck == 4 && d2.clean_rows == 4);
			if (m2)
				CHECK(!memcmp(d2.cq, d.cq, 4 * sizeof *d.cq) &&
				      !memcmp(d2.cl, d.cl, 4 * sizeof *d.cl) &&
				      d2.clean_weight == d.clean_weight);
			model_free(m2);
			scoredist_free(&d2);
			/* levels that do not rise, CRC fixed */
			free(b1);
			b1 = slurp(path, &n1);
			{
				size_t at = n1 - 4 - 8 * 8 + 8;      /* the second level */
				memset(b1 + at, 0, 8);
				spit(path2, b1, n1, 1);
				CHECK(fails_with(path2, "clean level 2 is 0 (levels go from 0 up to 1)"));
			}
			/* equal weights: the unweighted quantiles, bit for bit */
			for (int i = 0; i < 5; i++)
				w[i] = 0.25;
			scoredist_fit_clean(&d, sc, w, 5);
			CHECK(d.ck == d.k && !memcmp(d.cq, d.q, d.k * sizeof *d.q));
		}
		/* a version 1 file gives an empty distribution */
		CHECK(modelfile_save(path, m, 0, "") == 0);
		m2 = modelfile_load_dist(path, NULL, NULL, &d2, &v);
		CHECK(m2 != NULL && v == 1 && d2.rows == 0 && d2.k == 0 && d2.q == NULL);
		model_free(m2);
		scoredist_free(&d);
		free(b1);
		free(b2);
	}
	/* more rows than SD_LEVELS: exact type-7 quantiles at the levels i/1000 */
	{
		size_t nn = 5003;
		double *x = malloc(nn * sizeof *x), *scr = malloc(nn * sizeof *scr);
		ScoreDist d;
		for (size_t i = 0; i < nn; i++)
			x[i] = (double)((i * 7919) % nn) * 0.25 + 1;
		scoredist_fit(&d, x, NULL, nn);
		CHECK(d.k == SD_LEVELS && d.rows == nn && d.anomalies == 0);
		for (int i = 0; i <= 1000; i += 37)
			CHECK(d.q[i] == ad_quantile(x, nn, i / 1000.0, scr));
		CHECK(scoredist_quantile(&d, 0.9) == ad_quantile(x, nn, 0.9, scr));
		/* equal weights: the same quantiles; other weights: the weighted
		 * quantiles at the levels i/1000 */
		{
			double *w = malloc(nn * sizeof *w);
			for (size_t i = 0; i < nn; i++)
				w[i] = 0.5;
			scoredist_fit_clean(&d, x, w, nn);
			CHECK(d.ck == SD_LEVELS && !memcmp(d.cq, d.q, SD_LEVELS * sizeof *d.q));
			for (size_t i = 0; i < nn; i++)
				w[i] = i % 3 ? 1 : i % 2 ? 0.25 : 0;
			scoredist_fit_clean(&d, x, w, nn);
			CHECK(d.ck == SD_LEVELS && d.clean_rows == nn - (nn + 5) / 6);
			for (int i = 0; i <= 1000; i += 37)
				CHECK(d.cl[i] == i / 1000.0 && d.cq[i] == weighted_quantile(x, w, nn, i / 1000.0));
			free(w);
		}
		scoredist_free(&d);
		free(x);
		free(scr);
	}

	/* an unwritable path: error, nothing left behind */
	CHECK(modelfile_save("/nonexistent-dir/m", m, 0, "") == -1);
	CHECK(strstr(ad_errmsg(), "/nonexistent-dir/m: cannot create a temporary file") != NULL);
	CHECK(fails_with("/nonexistent-dir/m", "No such file or directory"));
	model_free(m);
	unlink(path);
	unlink(path2);
	return UNIT_DONE();
}
