/* test_scores.c: the score-table reader and writer: groups, limits, column
 * lookup, errors with file:line, and bit-exact text round trips. */
#include "unit.h"
#include "scores.h"
#include "rng.h"
#include "stats.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static FILE *text(const char *s)
{
	FILE *f = tmpfile();
	fputs(s, f);
	rewind(f);
	return f;
}

/* open must fail with message msg */
static void open_fails(const char *input, const char *msg)
{
	FILE *f = text(input);
	ScoreReader *r = scores_open(f, "t");
	CHECK(r == NULL);
	if (strcmp(ad_errmsg(), msg))
		fprintf(stderr, "got '%s', expected '%s'\n", ad_errmsg(), msg);
	CHECK(!strcmp(ad_errmsg(), msg));
	scores_close(r);
	fclose(f);
}

/* the first group must fail with message msg */
static void next_fails(const char *input, const char *msg)
{
	FILE *f = text(input);
	ScoreReader *r = scores_open(f, "t");
	ScoreGroup g = { 0 };
	CHECK(r != NULL);
	if (r) {
		int rc;
		while ((rc = scores_next(r, 0, &g)) == 1)
			;
		CHECK(rc == -1);
		if (strcmp(ad_errmsg(), msg))
			fprintf(stderr, "got '%s', expected '%s'\n", ad_errmsg(), msg);
		CHECK(!strcmp(ad_errmsg(), msg));
	}
	scores_group_free(&g);
	scores_close(r);
	fclose(f);
}

static void test_groups(void)
{
	FILE *f = text("#label\tscore\n# a comment\n0\t1.5\n1 2.5\r\n\n0\t3\n#label\tscore\n1\t4\n"
	               "0\t5\n\n\n0\t6\n");
	ScoreReader *r = scores_open(f, "t");
	ScoreGroup g = { 0 };
	CHECK(r && scores_has_header(r) && scores_ncol(r) == 2);
	CHECK(scores_column(r, "score") == 1 && scores_column(r, "label") == 0);
	CHECK(scores_column(r, "2") == 1 && scores_column(r, "1") == 0);
	CHECK(scores_column(r, "3") == -1);
	CHECK(!strcmp(ad_errmsg(), "t: column 3 out of range (2 columns)"));
	CHECK(scores_column(r, "0") == -1);
	CHECK(scores_column(r, "z") == -1);
	CHECK(!strcmp(ad_errmsg(), "t: no column 'z' (columns: label, score)"));
	/* group 1: two rows, blank */
	CHECK(scores_next(r, 0, &g) == 1 && g.nrow == 2 && g.blank == 1);
	CHECK(scores_get(&g, 0, 1) == 1.5 && scores_get(&g, 1, 1) == 2.5);
	CHECK(!strcmp(scores_text(&g, 1), "1 2.5") && g.line[1] == 4);
	/* group 2 with -n 2: a limit, then the rest up to the blank line */
	CHECK(scores_next(r, 2, &g) == 1 && g.nrow == 2 && g.blank == 0);
	CHECK(scores_get(&g, 1, 1) == 4 && g.line[1] == 8);
	CHECK(scores_next(r, 2, &g) == 1 && g.nrow == 1 && g.blank == 1);
	/* an empty group between two blank lines */
	CHECK(scores_next(r, 0, &g) == 1 && g.nrow == 0 && g.blank == 1);
	CHECK(scores_next(r, 0, &g) == 1 && g.nrow == 1 && g.blank == 0);
	CHECK(scores_get(&g, 0, 1) == 6);
	CHECK(scores_next(r, 0, &g) == 0);
	scores_group_free(&g);
	scores_close(r);
	fclose(f);

	/* no header: one column is "score"; two or more are label, score, ... */
	f = text("3\n1\n");
	r = scores_open(f, "t");
	CHECK(r && !scores_has_header(r) && scores_column(r, "score") == 0);
	scores_close(r);
	fclose(f);
	f = text("0 1 2\n");
	r = scores_open(f, "t");
	REQUIRE(r != NULL);
	CHECK(scores_column(r, "score") == 1 && scores_column(r, "3") == 2);
	CHECK(!strcmp(scores_colname(r, 2), ""));
	scores_close(r);
	fclose(f);
}

static void test_errors(void)
{
	open_fails("", "t: no rows");
	open_fails("#label\tscore\n\n", "t: no rows");
	open_fails("#label\tscore\n0\t1\t2\n", "t:2: expected 2 columns, got 3");
	open_fails("0\tx1\n", "t:1: column 2: bad number 'x1'");
	open_fails("0\t1e999\n", "t:1: column 2: not a finite number '1e999'");
	next_fails("#label\tscore\n0\t1\n1\t2\n0\n", "t:4: expected 2 columns, got 1");
	next_fails("0\t1\n\n1\tnan\n", "t:3: column 2: not a finite number 'nan'");
	next_fails("0\t1\n1\t-inf\n", "t:2: column 2: not a finite number '-inf'");
	next_fails("0\t1\n1\t2,5\n", "t:2: column 2: bad number '2,5'");
}

/* values written with scores_write_double read back bit for bit */
static void test_roundtrip(void)
{
	Rng rng;
	FILE *f = tmpfile();
	double x[2000];
	ScoreReader *r;
	ScoreGroup g = { 0 };
	int same = 1;
	rng_seed(&rng, 7);
	for (int i = 0; i < 2000; i++) {
		double u = rng_normal(&rng);
		x[i] = i % 4 == 0 ? u : i % 4 == 1 ? u * 1e-300 : i % 4 == 2 ? exp(40 * u) : 0.1 * i;
	}
	fputs("#score\n", f);
	for (int i = 0; i < 2000; i++) {
		scores_write_double(f, x[i]);
		fputc('\n', f);
	}
	rewind(f);
	r = scores_open(f, "t");
	CHECK(r && scores_next(r, 0, &g) == 1 && g.nrow == 2000);
	for (int i = 0; i < 2000 && (size_t)i < g.nrow; i++)
		same &= memcmp(&g.v[i], &x[i], sizeof x[i]) == 0;
	CHECK(same);
	scores_group_free(&g);
	scores_close(r);
	fclose(f);
}

/* The --weigh path: the trainer writes its batch scores as text, the filters
 * compute z, alpha, w from what they read and write them as text, the trainer
 * reads them back.  Every step must give the same bits as hetero_batch on the
 * trainer's own doubles. */
static void test_weigh_path(void)
{
	enum { B = 100 };
	Rng rng;
	double s[B], z[B], al[B], w[B], scr[B], z2[B], al2[B], w2[B], got[B][3];
	FILE *f = tmpfile(), *g2 = tmpfile();
	ScoreReader *r;
	ScoreGroup g = { 0 };
	int same = 1;
	rng_seed(&rng, 11);
	for (int i = 0; i < B; i++) {
		double u = rng_normal(&rng);
		s[i] = 15 + 4 * u * u * u;    /* skewed, like reconstruction errors */
	}
	s[7] = s[8];
	hetero_batch(s, B, 0.5, 0.1, 1.5, z, al, w, scr);
	/* trainer -> filter */
	fputs("#label\tscore\n", f);
	for (int i = 0; i < B; i++) {
		fputs("0\t", f);
		scores_write_double(f, s[i]);
		fputc('\n', f);
	}
	fputc('\n', f);
	rewind(f);
	r = scores_open(f, "t");
	CHECK(r && scores_next(r, 0, &g) == 1 && g.nrow == B && g.blank);
	if (!r || g.nrow != B)
		return;
	/* filter: what ad-zscore and ad-reject compute */
	{
		double sr[B];
		scores_column_values(&g, 1, sr);
		modz_batch(sr, B, z2, scr);
		alpha_batch(z2, B, 1.5, AD_ZFLOOR, al2);
		reject_batch(sr, B, 0.5, 0.1, w2, scr);
	}
	/* filter -> trainer */
	fputs("#label\tscore\tz\talpha\tw\n", g2);
	for (int i = 0; i < B; i++) {
		double ex[3] = { z2[i], al2[i], w2[i] };
		scores_write_row(g2, &g, (size_t)i, ex, 3);
	}
	scores_close(r);
	rewind(g2);
	r = scores_open(g2, "t2");
	CHECK(r && scores_next(r, 0, &g) == 1 && g.nrow == B);
	for (int i = 0; r && i < B && (size_t)i < g.nrow; i++)
		for (int k = 0; k < 3; k++)
			got[i][k] = scores_get(&g, (size_t)i, (size_t)(2 + k));
	for (int i = 0; i < B; i++)
		same &= !memcmp(&got[i][0], &z[i], sizeof z[i]) && !memcmp(&got[i][1], &al[i], sizeof al[i])
		        && !memcmp(&got[i][2], &w[i], sizeof w[i]);
	CHECK(same);
	scores_group_free(&g);
	scores_close(r);
	fclose(f);
	fclose(g2);
}

int main(void)
{
	test_weigh_path();
	test_groups();
	test_errors();
	test_roundtrip();
	return UNIT_DONE();
}
