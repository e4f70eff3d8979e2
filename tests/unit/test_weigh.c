/* test_weigh.c: the --weigh co-process reads its answer with the score-table
 * reader of scores.c, so an answer is accepted exactly when ad-zscore,
 * ad-reject and ad-auroc accept the same text as a table (separators, line
 * ends, empty lines, number syntax), and ad-train writes its scores the way
 * the tools do (the shortest exact form).  Each answer below is given to both:
 * as a file to scores_open() and as the output of a weigher `cat FILE` to
 * weigh_batch(); both must agree, and agree with the verdict written here. */
#include "unit.h"
#include "scores.h"
#include "util.h"
#include "weigh.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int lab[3] = { 0, 1, 0 };
static const double sc[3] = { 0.5, 0.1, 3 };
static char dir[] = "/tmp/test_weigh.XXXXXX";

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* The score-table reader: every group of the text reads without error. */
static int table_reads(const char *path)
{
	FILE *f = fopen(path, "r");
	ScoreReader *r = f ? scores_open(f, path) : NULL;
	ScoreGroup g = { 0 };
	int rc = r ? 1 : -1;
	while (rc == 1)
		rc = scores_next(r, 0, &g);
	scores_group_free(&g);
	scores_close(r);
	if (f)
		fclose(f);
	return rc == 0;
}

/* The weigher: a co-process that answers with the text, then reads what
 * ad-train sent into sent (when not NULL).  1 if the batch and the close
 * succeed; alpha and w of the answer in a and w. */
static int weigher_reads(const char *path, const char *sent, double *a, double *w)
{
	char cmd[512];
	double z[3];
	Weigher *wg;
	int ok;
	snprintf(cmd, sizeof cmd, "cat '%s'; cat > '%s'", path, sent ? sent : "/dev/null");
	wg = weigh_start(cmd);
	CHECK(wg != NULL);
	if (!wg)
		return 0;
	weigh_set_timeout(wg, 20);
	ok = weigh_batch(wg, lab, sc, 3, a, w, z) == 0;
	if (weigh_close(wg, !ok) != 0)
		ok = 0;
	return ok;
}

/* Both paths on one answer, and the expected verdict. */
static void same(const char *what, const char *answer, int accept)
{
	char path[64];
	double a[3], w[3];
	int t, p;
	snprintf(path, sizeof path, "%s/answer", dir);
	put(path, answer);
	t = table_reads(path);
	p = weigher_reads(path, NULL, a, w);
	if (t != accept || p != accept)
		fprintf(stderr, "%s: score reader %s, weigher %s, expected %s (%s)\n", what,
		        t ? "accepts" : "refuses", p ? "accepts" : "refuses",
		        accept ? "accept" : "refuse", ad_errmsg());
	CHECK(t == accept);
	CHECK(p == accept);
	if (p)   /* and the values are the ones in the answer */
		CHECK(a[0] == 2 && a[1] == 1.5 && a[2] == 2 && w[0] == 1 && w[1] == 0 && w[2] == 1);
}

static void test_same_answers(void)
{
	same("TABs", "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\t1.5\t0\n0\t3\t2\t1\n\n", 1);
	same("spaces", "#label score alpha w\n0 0.5 2 1\n1 0.1 1.5 0\n0 3 2 1\n\n", 1);
	same("runs of blanks", "#label\t\tscore  alpha\tw\n0\t\t0.5 \t2\t1\n1\t0.1\t1.5\t0 \n0\t3\t2\t1\n\n", 1);
	same("CRLF", "#label\tscore\talpha\tw\r\n0\t0.5\t2\t1\r\n1\t0.1\t1.5\t0\r\n0\t3\t2\t1\r\n\r\n", 1);
	same("a blank line of spaces ends the group",
	     "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\t1.5\t0\n0\t3\t2\t1\n \t \n", 1);
	same("other spellings of the numbers",
	     "#label\tscore\talpha\tw\n0.0\t5e-1\t2.000\t1\n1e0\t0.1\t15e-1\t-0\n+0\t3.\t0x1p1\t1\n\n", 1);
	same("a comment in the group",
	     "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n# note\n1\t0.1\t1.5\t0\n0\t3\t2\t1\n\n", 1);
	same("a text column", "#label\tscore\talpha\tw\tnote\n0\t0.5\t2\t1\tok\n1\t0.1\t1.5\t0\tok\n"
	     "0\t3\t2\t1\tok\n\n", 0);
	same("nan", "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\tnan\t0\n0\t3\t2\t1\n\n", 0);
	same("out of range", "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\t1.5\t1e999\n0\t3\t2\t1\n\n", 0);
	same("a short row", "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\t1.5\n0\t3\t2\t1\n\n", 0);
	same("a name twice", "#label\tscore\talpha\talpha\n0\t0.5\t2\t1\n1\t0.1\t1.5\t0\n0\t3\t2\t1\n\n", 0);
}

/* What ad-train sends: the header, then each score in the shortest form that
 * reads back as the same double (0.1, not 0.10000000000000001), as
 * scores_write_double() prints it for every tool. */
static void test_sent(void)
{
	char path[64], sent[64], buf[256] = "";
	double a[3], w[3];
	FILE *f;
	size_t n;
	snprintf(path, sizeof path, "%s/answer", dir);
	snprintf(sent, sizeof sent, "%s/sent", dir);
	put(path, "#label\tscore\talpha\tw\n0\t0.5\t2\t1\n1\t0.1\t1.5\t0\n0\t3\t2\t1\n\n");
	CHECK(weigher_reads(path, sent, a, w));
	f = fopen(sent, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (strcmp(buf, "#label\tscore\n0\t0.5\n1\t0.1\n0\t3\n\n"))
		fprintf(stderr, "sent '%s'\n", buf);
	CHECK(!strcmp(buf, "#label\tscore\n0\t0.5\n1\t0.1\n0\t3\n\n"));
	remove(sent);
}

int main(void)
{
	char path[64];
	CHECK(mkdtemp(dir) != NULL);
	test_same_answers();
	test_sent();
	snprintf(path, sizeof path, "%s/answer", dir);
	remove(path);
	rmdir(dir);
	return UNIT_DONE();
}
