/* ad-reject: append soft-rejection weights w (ts above the q-quantile of the
 * score, else 1) to a score table, or drop the rejected rows, per group. */
#include "util.h"
#include "scores.h"
#include "stats.h"
#include <stdlib.h>
#include <unistd.h>

static char usage[2048];

static void make_usage(void)
{
	snprintf(usage, sizeof usage,
	"usage: ad-reject [-d] [-n rows] [-c column] [-q quantile] [-t ts] [file]\n"
	"\n"
	"Append a column w: ts for rows whose score is above the q-quantile of their\n"
	"group (strictly; linear interpolation), 1 for the others.  A group is the\n"
	"whole input, at most -n rows, or the rows up to an empty line; each group is\n"
	"written, then its empty line, then flushed.\n"
	"  -d           drop the rejected rows instead (no column is added)\n"
	"  -n rows      rows per group, 0 = no limit [0]\n"
	"  -c column    score column, name or 1-based number [score]\n"
	"  -q quantile  rejection quantile, 0 to 1 [%g]\n"
	"  -t ts        weight of a rejected row, 0 to 1 (0: hard rejection) [%g]\n"
	"  -h, --help   this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < train.adv | ad-zscore | ad-reject -q 0.9\n"
	"See also: ad-zscore(1), ad-auroc(1), ad-train(1)\n", 0.5, 0.1);
}

int main(int argc, char **argv)
{
	long nmax = 0;
	const char *col = "score", *path = NULL;
	double q = 0.5, ts = 0.1;
	int drop = 0, opt, rc;
	static const char *const extra[] = { "w" };
	ScoreReader *r;
	ScoreGroup g = { 0 };
	double *s = NULL, *w = NULL, *scratch = NULL;
	size_t cap = 0;
	long c;
	FILE *f;

	ad_setprogname(argv[0]);
	make_usage();
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, "dn:c:q:t:hV")) != -1) {
		switch (opt) {
		case 'd': drop = 1; break;
		case 'n': nmax = ad_opt_long(usage, 'n', optarg, 0, 1L << 40); break;
		case 'c': col = optarg; break;
		case 'q': q = ad_opt_double(usage, 'q', optarg, 0, 1); break;
		case 't': ts = ad_opt_double(usage, 't', optarg, 0, 1); break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (optind < argc)
		path = argv[optind];
	if (!(f = ad_fopen_read(path)) || !(r = scores_open(f, ad_name(path))) ||
	    (c = scores_column(r, col)) < 0)
		ad_die("%s", ad_errmsg());
	scores_write_header(stdout, r, extra, drop ? 0 : 1);
	while ((rc = scores_next(r, (size_t)nmax, &g)) == 1) {
		if (g.nrow > cap) {
			cap = g.nrow;
			s = ad_xrealloc(s, ad_mul(cap, sizeof *s));
			w = ad_xrealloc(w, ad_mul(cap, sizeof *w));
			scratch = ad_xrealloc(scratch, ad_mul(cap, sizeof *scratch));
		}
		scores_column_values(&g, (size_t)c, s);
		/* drop mode: weight 0 marks the rejected rows */
		reject_batch(s, g.nrow, q, drop ? 0 : ts, w, scratch);
		for (size_t i = 0; i < g.nrow; i++) {
			if (!drop)
				scores_write_row(stdout, &g, i, &w[i], 1);
			else if (w[i] == 1)
				scores_write_row(stdout, &g, i, NULL, 0);
		}
		if (g.blank)
			putchar('\n');
		ad_check_write(stdout, NULL);     /* the answer to a co-process batch */
	}
	if (rc < 0)
		ad_die("%s", ad_errmsg());
	scores_group_free(&g);
	scores_close(r);
	if (f != stdin)
		fclose(f);
	free(s);
	free(w);
	free(scratch);
	return ad_finish_stdout();
}
