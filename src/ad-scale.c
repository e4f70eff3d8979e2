/* ad-scale: per-feature min-max or z-score scaling of a vector stream, with
 * statistics fitted on one stream, saved, and re-applied to another.
 * See man/ad-scale.1 and scale.h. */
#include "advec.h"
#include "scale.h"
#include "util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: ad-scale [-bgz] [-c l1|l2] [-l lower] [-u upper] [-o stats] [file]\n"
	"       ad-scale [-b] -m stats [file]\n"
	"\n"
	"Scale every feature of a vector stream (standard input if no file): min-max\n"
	"to [lower, upper], or z-score with -z.  The first form fits the statistics on\n"
	"the input (held in memory) and can save them; the second applies saved\n"
	"statistics, streaming (train statistics on test data).\n"
	"\n"
	"  -z          z-score: (x - mean) / std (default: min-max)\n"
	"  -c l1|l2    first normalise every row's contrast: (x - mean of the row) /\n"
	"              its mean absolute (l1) or root mean square (l2) deviation\n"
	"  -g          global: one min, max, mean and std over all the values of\n"
	"              all features (default: one set per feature)\n"
	"  -l lower    min-max target lower bound (default 0)\n"
	"  -u upper    min-max target upper bound (default 1)\n"
	"  -o stats    write the fitted statistics to the file stats (-: to standard\n"
	"              output, instead of the scaled rows)\n"
	"  -m stats    apply the statistics in the file stats\n"
	"  -b          write the binary vector stream\n"
	"  -h, --help  this help;  -V, --version  the version\n"
	"\n"
	"A constant feature (max = min, std = 0) is shifted only: lower + (x - min),\n"
	"or x - mean.  Values are not clipped.\n"
	"\n"
	"e.g.  ad-scale -z -o train.stats train.adv > train.s.adv\n"
	"      ad-scale -c l1 -g -o train.stats train.adv > train.s.adv   (images)\n"
	"      ad-scale -m train.stats test.adv > test.s.adv\n"
	"See also: ad-load(1), ad-split(1), adv(5)\n";

static void write_row(AdvWriter *w, const ScaleStats *st, const char *name, long row,
                      int label, const float *x, float *y)
{
	int j = scale_apply(st, x, y);
	if (j)
		ad_die("%s: row %ld: scaled value %d is not finite", name, row, j);
	if (adv_write(w, label, y))
		ad_die("%s", ad_errmsg());
}

int main(int argc, char **argv)
{
	const char *save = NULL, *apply = NULL, *in;
	double lower = 0, upper = 1;
	int binary = 0, z = 0, c, fitopts = 0, lab, contrast = SCALE_CONTRAST_NONE, global = 0;
	ScaleStats st;
	AdvWriter *w;
	float *y;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((c = getopt(argc, argv, ":bc:ghl:m:o:u:Vz")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'c':
			if ((contrast = scale_contrast_parse(optarg)) <= SCALE_CONTRAST_NONE)
				ad_usage_error(usage, "-c: '%s' is not l1 or l2", optarg);
			fitopts = 1;
			break;
		case 'g': global = 1; fitopts = 1; break;
		case 'h': ad_help(usage);
		case 'l': lower = ad_opt_double(usage, c, optarg, -1e30, 1e30); fitopts = 1; break;
		case 'm': apply = optarg; break;
		case 'o': save = optarg; break;
		case 'u': upper = ad_opt_double(usage, c, optarg, -1e30, 1e30); fitopts = 1; break;
		case 'V': ad_version();
		case 'z': z = 1; fitopts = 1; break;
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (apply && save)
		ad_usage_error(usage, "-m and -o exclude each other (apply or fit)");
	if (apply && fitopts)
		ad_usage_error(usage, "-z, -c, -g, -l and -u are fitting options: with -m they come from the statistics file");
	if (lower >= upper)
		ad_usage_error(usage, "-l %g must be below -u %g", lower, upper);
	in = optind < argc ? argv[optind] : "-";
	{
		/* -o -: the statistics are the only output */
		const char *out[] = { save && strcmp(save, "-") ? save : NULL, "-" },
		           *ins[] = { in, apply };
		if (ad_check_outputs(out, 2, ins, 2))
			ad_die("%s", ad_errmsg());
	}

	if (apply) {
		/* streaming: one row in, one row out */
		AdvReader *r;
		float *x;
		long row = 0;
		int k;
		if (!strcmp(apply, "-") && !strcmp(in, "-"))
			ad_usage_error(usage, "-m: the statistics and the input cannot both be standard input");
		if (scale_load(&st, apply))
			ad_die("%s", ad_errmsg());
		if (!(r = adv_open(in)))
			ad_die("%s", ad_errmsg());
		if (adv_info(r)->dim != st.dim)
			ad_die("%s: rows of %d values, the statistics %s have %d", ad_name(in),
			       adv_info(r)->dim, apply, st.dim);
		x = ad_xmalloc(ad_mul((size_t)st.dim, sizeof *x));
		y = ad_xmalloc(ad_mul((size_t)st.dim, sizeof *y));
		if (!(w = adv_writer(stdout, binary, adv_info(r))))
			ad_die("%s", ad_errmsg());
		while ((k = adv_read(r, &lab, x)) == 1)
			write_row(w, &st, ad_name(in), ++row, lab, x, y);
		if (k < 0)
			ad_die("%s", ad_errmsg());
		adv_close(r);
		free(x);
	} else {
		AdvData d;
		FILE *f;
		if (adv_load(in, &d))
			ad_die("%s", ad_errmsg());
		if (d.n == 0)
			ad_die("%s: no rows to fit the statistics on", ad_name(in));
		scale_init(&st, z ? SCALE_ZSCORE : SCALE_MINMAX, lower, upper, d.info.dim);
		scale_options(&st, contrast, global);
		for (long i = 0; i < d.n; i++)
			scale_add(&st, d.x + (size_t)i * (size_t)d.info.dim);
		scale_finish(&st);
		if (save && !strcmp(save, "-")) {
			/* -o -: the statistics are the output; no rows follow them */
			if (scale_save(&st, stdout))
				ad_die("write error: %s", strerror(errno ? errno : EIO));
			adv_data_free(&d);
			scale_free(&st);
			return ad_finish_stdout();
		}
		if (save) {
			if (!(f = fopen(save, "w")))
				ad_die("%s: %s", save, strerror(errno));
			if (scale_save(&st, f) || fclose(f))
				ad_die("%s: write error: %s", save, strerror(errno ? errno : EIO));
		}
		y = ad_xmalloc(ad_mul((size_t)st.dim, sizeof *y));
		if (!(w = adv_writer(stdout, binary, &d.info)))
			ad_die("%s", ad_errmsg());
		for (long i = 0; i < d.n; i++)
			write_row(w, &st, ad_name(in), i + 1, d.label[i],
			          d.x + (size_t)i * (size_t)d.info.dim, y);
		adv_data_free(&d);
	}
	if (adv_writer_close(w))
		ad_die("%s", ad_errmsg());
	free(y);
	scale_free(&st);
	return ad_finish_stdout();
}
