/* ad-zscore: append the modified z-score and the GA shape alpha to a score table,
 * per group of rows (whole input, -n rows, or rows up to an empty line). */
#include "util.h"
#include "scores.h"
#include "stats.h"
#include <stdlib.h>
#include <unistd.h>

static char usage[2048];

static void make_usage(void)
{
	snprintf(usage, sizeof usage,
	"usage: ad-zscore [-n rows] [-c column] [-a alpha_r] [-z floor] [file]\n"
	"\n"
	"Append columns z (modified z-score 0.6745 (s - median) / MAD of the score s)\n"
	"and alpha (2 - (2 - alpha_r) (z/m)^2 for z > 0, else 2; m = max(floor, max |z|))\n"
	"per group.  A group is the whole input, at most -n rows, or the rows up to an\n"
	"empty line; each group is written, then its empty line, then flushed.\n"
	"  -n rows     rows per group, 0 = no limit [0]\n"
	"  -c column   score column, name or 1-based number [score]\n"
	"  -a alpha_r  lowest alpha [%g]\n"
	"  -z floor    floor of the normaliser m [%g]\n"
	"  -h, --help  this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < train.adv | ad-zscore -n 100 | ad-reject\n"
	"See also: ad-reject(1), ad-auroc(1), ad-train(1)\n", 1.5, AD_ZFLOOR);
}

int main(int argc, char **argv)
{
	long nmax = 0;
	const char *col = "score", *path = NULL;
	double alpha_r = 1.5, zfloor = AD_ZFLOOR;
	static const char *const extra[] = { "z", "alpha" };
	ScoreReader *r;
	ScoreGroup g = { 0 };
	double *s = NULL, *z = NULL, *alpha = NULL, *scratch = NULL, ex[2];
	size_t cap = 0;
	long c;
	int opt, rc;
	FILE *f;

	ad_setprogname(argv[0]);
	make_usage();
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, "n:c:a:z:hV")) != -1) {
		switch (opt) {
		case 'n': nmax = ad_opt_long(usage, 'n', optarg, 0, 1L << 40); break;
		case 'c': col = optarg; break;
		case 'a': alpha_r = ad_opt_double(usage, 'a', optarg, -100, 2); break;
		case 'z': zfloor = ad_opt_double(usage, 'z', optarg, 0, 1e6); break;
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
	scores_write_header(stdout, r, extra, 2);
	while ((rc = scores_next(r, (size_t)nmax, &g)) == 1) {
		if (g.nrow > cap) {
			cap = g.nrow;
			s = ad_xrealloc(s, ad_mul(cap, sizeof *s));
			z = ad_xrealloc(z, ad_mul(cap, sizeof *z));
			alpha = ad_xrealloc(alpha, ad_mul(cap, sizeof *alpha));
			scratch = ad_xrealloc(scratch, ad_mul(cap, sizeof *scratch));
		}
		scores_column_values(&g, (size_t)c, s);
		modz_batch(s, g.nrow, z, scratch);
		alpha_batch(z, g.nrow, alpha_r, zfloor, alpha);
		for (size_t i = 0; i < g.nrow; i++) {
			ex[0] = z[i];
			ex[1] = alpha[i];
			scores_write_row(stdout, &g, i, ex, 2);
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
	free(z);
	free(alpha);
	free(scratch);
	return ad_finish_stdout();
}
