/* ad-reject: append soft-rejection weights w (ts above the q-quantile of the
 * score, else 1; or the adaptive weights 1, ts, 0 of aar.h with -A) to a score
 * table, or drop the rejected rows, per group. */
#include "aar.h"
#include "longopt.h"
#include "util.h"
#include "scores.h"
#include "stats.h"
#include <stdlib.h>
#include <unistd.h>

static char usage[2048];

/* the rejection flags have the letters of ad-train: -Q quantile, -t ts */
static const char optstring[] = "dn:c:Q:q:t:AJ:X:W:hV";
static const AdLongOpt longs[] = {
	{ "quantile", 'Q' }, { "q", 'Q' }, { "ts", 't' }, { "drop", 'd' }, { "rows", 'n' },
	{ "column", 'c' }, { "adaptive", 'A' }, { "aar-tau", 'J' }, { "aar-guard", 'X' },
	{ "aar-warmup", 'W' }, { NULL, 0 }
};

static void make_usage(void)
{
	snprintf(usage, sizeof usage,
	"usage: ad-reject [-d] [-n rows] [-c column] [-Q quantile] [-t ts] [file]\n"
	"       ad-reject -A [-d] [-n rows] [-c column] [-t ts] [-J tau] [-X guard]\n"
	"                 [-W groups] [file]\n"
	"\n"
	"Append a column w: ts for rows whose score is above the q-quantile of their\n"
	"group (strictly; linear interpolation), 1 for the others.  A group is the\n"
	"whole input, at most -n rows, or the rows up to an empty line; each group is\n"
	"written, then its empty line, then flushed.\n"
	"  -d           drop the rejected rows instead (no column is added)\n"
	"  -n rows      rows per group, 0 = no limit [0]\n"
	"  -c column    score column, name or 1-based number [score]\n"
	"  -Q quantile  rejection quantile, 0 to 1 [%g] (--quantile)\n"
	"  -t ts        weight of a rejected row, 0 to 1 (0: hard rejection) [%g] (--ts)\n"
	"  -A           adaptive: w = 0 above the modified z-score tau, ts above the\n"
	"               intersection of a two-Gaussian fit, else 1; adds the columns\n"
	"               w, t_hard, t_soft, contam (see ad-reject(1))\n"
	"  -J tau       -A: hard-rejection threshold on the modified z-score [%g]\n"
	"  -X guard     -A: soft threshold at least mean + guard sd of the normal\n"
	"               component [%g]\n"
	"  -W groups    -A: warm-up, no soft rejection in the first groups [0]\n"
	"  -h, --help   this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < train.adv | ad-zscore | ad-reject -Q 0.9\n"
	"See also: ad-zscore(1), ad-auroc(1), ad-train(1)\n", AD_Q_DEFAULT, AD_TS_DEFAULT,
	AAR_TAU, AAR_GUARD);
}

typedef struct {
	double q, ts;
	int drop;
	int adaptive;
	AarConfig aar;
	long warmup, groups;     /* warm-up groups; non-empty groups seen */
	double *scratch;         /* 3n for aar_batch */
	size_t cap;
} Reject;

/* ex: w, t_hard, t_soft, contam of every row */
static void weigh_adaptive(Reject *o, const double *s, size_t n, double *ex,
                           unsigned char *keep)
{
	AarInfo a;
	if (n == 0)
		return;
	o->groups++;
	if (n > o->cap) {
		o->cap = n;
		o->scratch = ad_xrealloc(o->scratch, ad_mul(3, ad_mul(n, sizeof *o->scratch)));
	}
	o->aar.ts = o->drop ? 0 : o->ts;
	aar_batch(s, n, &o->aar, o->groups <= o->warmup, ex, &a, o->scratch);
	for (size_t i = 0; i < n; i++) {
		ex[n + i] = a.t_hard;
		ex[2 * n + i] = a.t_soft;
		ex[3 * n + i] = a.contam;
		if (o->drop)
			keep[i] = ex[i] == 1;
	}
}

static void weigh(void *ctx, const double *s, size_t n, double *scratch, double *w,
                  unsigned char *keep)
{
	Reject *o = ctx;
	(void)scratch;
	if (o->adaptive) {
		weigh_adaptive(o, s, n, w, keep);
		return;
	}
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
	Reject o = { 0 };
	int opt, qset = 0, aset = 0;
	static const char *const extra[] = { "w", "t_hard", "t_soft", "contam" };

	ad_setprogname(argv[0]);
	make_usage();
	o.q = AD_Q_DEFAULT;
	o.ts = AD_TS_DEFAULT;
	aar_config_defaults(&o.aar);
	argv = ad_longopts(&argc, argv, optstring, longs, usage);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, optstring)) != -1) {
		switch (opt) {
		case 'd': o.drop = 1; break;
		case 'n': nmax = ad_opt_long(usage, 'n', optarg, 0, 1L << 40); break;
		case 'c': col = optarg; break;
		case 'Q': o.q = ad_opt_double(usage, 'Q', optarg, 0, 1); qset = 1; break;
		case 'q':
			ad_usage_error(usage, "-q: the quantile is -Q (or --quantile): one letter, one "
			               "meaning in every tool, and -q is quiet in ad-train");
		case 't': o.ts = ad_opt_double(usage, 't', optarg, 0, 1); break;
		case 'A': o.adaptive = 1; break;
		case 'J': o.aar.tau = ad_opt_double(usage, 'J', optarg, 0, 1e6); aset = 1; break;
		case 'X': o.aar.guard = ad_opt_double(usage, 'X', optarg, -1e6, 1e6); aset = 1; break;
		case 'W': o.warmup = ad_opt_long(usage, 'W', optarg, 0, 1L << 40); aset = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (o.adaptive && qset)
		ad_usage_error(usage, "-Q does not apply to -A (adaptive rejection)");
	if (!o.adaptive && aset)
		ad_usage_error(usage, "-J, -X and -W apply to -A (adaptive rejection) only");
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (optind < argc)
		path = argv[optind];
	if (scores_filter(path, col, (size_t)nmax, stdout, o.adaptive ? 4 : 1, extra,
	                  o.drop ? 0 : o.adaptive ? 4 : 1, weigh, &o))
		ad_die("%s", ad_errmsg());
	free(o.scratch);
	return ad_finish_stdout();
}
