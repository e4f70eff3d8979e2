/* ad-reject: append soft-rejection weights w (ts above the q-quantile of the
 * score, else 1) to a score table, or drop the rejected rows, per group. */
#include "util.h"
#include "scores.h"
#include "stats.h"
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
	"See also: ad-zscore(1), ad-auroc(1), ad-train(1)\n", AD_Q_DEFAULT, AD_TS_DEFAULT);
}

typedef struct {
	double q, ts;
	int drop;
} Reject;

static void weigh(void *ctx, const double *s, size_t n, double *scratch, double *w,
                  unsigned char *keep)
{
	const Reject *o = ctx;
	/* drop mode: weight 0 marks the rejected rows */
	reject_batch(s, n, o->q, o->drop ? 0 : o->ts, w, scratch);
	if (o->drop)
		for (size_t i = 0; i < n; i++)
			keep[i] = w[i] == 1;
}

int main(int argc, char **argv)
{
	long nmax = 0;
	const char *col = "score", *path = NULL;
	Reject o = { AD_Q_DEFAULT, AD_TS_DEFAULT, 0 };
	int opt;
	static const char *const extra[] = { "w" };

	ad_setprogname(argv[0]);
	make_usage();
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, "dn:c:q:t:hV")) != -1) {
		switch (opt) {
		case 'd': o.drop = 1; break;
		case 'n': nmax = ad_opt_long(usage, 'n', optarg, 0, 1L << 40); break;
		case 'c': col = optarg; break;
		case 'q': o.q = ad_opt_double(usage, 'q', optarg, 0, 1); break;
		case 't': o.ts = ad_opt_double(usage, 't', optarg, 0, 1); break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (optind < argc)
		path = argv[optind];
	if (scores_filter(path, col, (size_t)nmax, stdout, 1, extra, o.drop ? 0 : 1, weigh, &o))
		ad_die("%s", ad_errmsg());
	return ad_finish_stdout();
}
