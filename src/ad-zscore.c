/* ad-zscore: append the modified z-score and the GA shape alpha to a score table,
 * per group of rows (whole input, -n rows, or rows up to an empty line). */
#include "util.h"
#include "longopt.h"
#include "scores.h"
#include "stats.h"
#include "zstats.h"
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char usage[2048];

static void make_usage(void)
{
	snprintf(usage, sizeof usage,
	"usage: ad-zscore [-n rows] [-c column] [-a alpha_r] [-z floor] [file]\n"
	"       ad-zscore -o stats [-c column] [-a alpha_r] [-z floor] [file]\n"
	"       ad-zscore -m stats [-n rows] [-c column] [-a alpha_r] [-z floor] [file]\n"
	"\n"
	"Append columns z (modified z-score 0.6745 (s - median) / MAD of the score s)\n"
	"and alpha (2 - (2 - alpha_r) (z/m)^2 for z > 0, else 2; m = max(floor, max |z|))\n"
	"per group.  A group is the whole input, at most -n rows, or the rows up to an\n"
	"empty line; each group is written, then its empty line, then flushed.\n"
	"  -n rows     rows per group, 0 = no limit [0]\n"
	"  -c column   score column, name or 1-based number [score]\n"
	"  -a alpha_r  lowest alpha [%g] (--alpha-r, as ad-train)\n"
	"  -z floor    floor of the normaliser m [%g]\n"
	"  -o stats    fit median, MAD and MeanAD on the whole input (one group) and\n"
	"              save them to the file stats\n"
	"  -m stats    z from the statistics in the file stats instead of each group's\n"
	"              (alpha's m is still the group's largest |z|)\n"
	"  -h, --help  this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < train.adv | ad-zscore -n 100 | ad-reject\n"
	"     ad-score ae.model train.adv | ad-zscore -o train.z > /dev/null\n"
	"     ad-score ae.model test.adv | ad-zscore -m train.z | awk '$3 > 3.5'\n"
	"See also: ad-reject(1), ad-auroc(1), ad-train(1)\n", AD_ALPHA_R_DEFAULT, AD_ZFLOOR);
}

static const char optstring[] = "n:c:a:z:o:m:hV";
static const AdLongOpt longs[] = {
	{ "alpha-r", 'a' }, { "floor", 'z' }, { "rows", 'n' }, { "column", 'c' }, { NULL, 0 }
};

typedef struct {
	double alpha_r, zfloor;
	const char *save;     /* -o: fit and save */
	int fitted;           /* -o: groups with rows seen */
	ZStats st;            /* -m: applied */
	int apply;
} Zscore;

/* ex: z of every row, then alpha of every row */
static void zscore(void *ctx, const double *s, size_t n, double *scratch, double *ex,
                   unsigned char *keep)
{
	Zscore *o = ctx;
	(void)keep;
	if (o->save && n) {
		ZStats st;
		if (o->fitted++)
			ad_die("-o fits one set of statistics: the input has more than one group "
			       "(an empty line before more rows)");
		zstats_fit(&st, s, n, scratch);
		if (zstats_save(o->save, &st))
			ad_die("%s", ad_errmsg());
	}
	if (o->apply)
		zstats_apply(&o->st, s, n, ex);
	else
		modz_batch(s, n, ex, scratch);
	alpha_batch(ex, n, o->alpha_r, o->zfloor, ex + n);
}

int main(int argc, char **argv)
{
	long nmax = 0;
	const char *col = "score", *path = NULL;
	Zscore o = { AD_ALPHA_R_DEFAULT, AD_ZFLOOR, NULL, 0, { 0, 0, 0, 0 }, 0 };
	const char *apply = NULL;
	int opt;
	static const char *const extra[] = { "z", "alpha" };

	ad_setprogname(argv[0]);
	make_usage();
	argv = ad_longopts(&argc, argv, optstring, longs, usage);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, optstring)) != -1) {
		switch (opt) {
		case 'n': nmax = ad_opt_long(usage, 'n', optarg, 0, 1L << 40); break;
		case 'c': col = optarg; break;
		case 'a': o.alpha_r = ad_opt_double(usage, 'a', optarg, -100, 2); break;
		case 'z': o.zfloor = ad_opt_double(usage, 'z', optarg, 0, 1e6); break;
		case 'o': o.save = optarg; break;
		case 'm': apply = optarg; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (optind < argc)
		path = argv[optind];
	if (o.save && apply)
		ad_usage_error(usage, "-o and -m exclude each other (fit or apply)");
	if (o.save && nmax)
		ad_usage_error(usage, "-o fits on the whole input: -n does not apply");
	if (o.save && !strcmp(o.save, "-"))
		ad_usage_error(usage, "-o -: standard output holds the score table");
	if (o.save && path && strcmp(path, "-")) {
		struct stat a, b;
		if (stat(o.save, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			ad_die("%s: is the input; the statistics would overwrite it", o.save);
	}
	if (apply) {
		if (zstats_load(apply, &o.st))
			ad_die("%s", ad_errmsg());
		o.apply = 1;
	}
	if (scores_filter(path, col, (size_t)nmax, stdout, 2, extra, 2, zscore, &o))
		ad_die("%s", ad_errmsg());
	return ad_finish_stdout();
}
