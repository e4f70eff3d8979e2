/* ad-load: read data set files (IDX, CIFAR, CSV/TSV, NumPy, MATLAB, KDD'99, vector
 * streams; gzip-compressed or not) and
 * write one vector stream.  See man/ad-load.1. */
#include "advec.h"
#include "source.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: ad-load [-bH] [-f format] [-l labels] [-c column] [-d delim] [-S scale]\n"
	"               [-k columns] [-K columns] [-M value|skip] [-N normal | -L vocab]\n"
	"               [-D dim] [-x name] [-y name] [-m kdd|kdd-rev] [-s seed]\n"
	"               [-v vocab] [-w vocab] [-i idfile] [file ...]\n"
	"\n"
	"Read data set files (standard input if none or '-'; gzip-compressed or not)\n"
	"and write their rows, in order, as one vector stream (text, or binary with -b).\n"
	"\n"
	"  -b          write the binary vector stream (ADVB)\n"
	"  -f format   input format (default: detected from the magic number, then\n"
	"              from the file name); one of:\n"
	"%s"
	"  -l labels   IDX labels file read in step with the (single) IDX input, or\n"
	"              the 1-D .npy array of labels of the (single) .npy input\n"
	"  -c column   CSV/TSV label column: a number from 1 (-1 for the last, -2 the\n"
	"              one before...), or a header name with -H; 0 or 'none' for no\n"
	"              label column, every label 0 (default none)\n"
	"  -H          CSV/TSV: the first line is a header\n"
	"  -d delim    CSV/TSV field delimiter, one character or '\\t' (default ',' for\n"
	"              csv, TAB for tsv)\n"
	"  -k columns  CSV/TSV: keep only these value columns: numbers from 1, ranges\n"
	"              (3-7) or header names (-H), comma-separated\n"
	"  -K columns  CSV/TSV: leave these columns out (the same syntax)\n"
	"  -M value    CSV/TSV: a missing value (empty, NA, N/A, NaN, nan, ?, null)\n"
	"              becomes value; '-M skip' drops its row (default: an error\n"
	"              naming the line)\n"
	"  -N normal   CSV/TSV/svmlight: text labels; this one is normal (0), every\n"
	"              other label 1\n"
	"  -L vocab    CSV/TSV/svmlight: text labels by a written vocabulary, lines\n"
	"              label<TAB>integer ('*' for every label not listed; without it\n"
	"              an unlisted label is an error naming its line)\n"
	"  -D dim      svmlight: the dimension (default: the largest index)\n"
	"  -S scale    divide every value by scale (e.g. 255 for pixels; default 1)\n"
	"  -x name     npz/mat: the data array, one row per sample (default X)\n"
	"  -y name     npz/mat: the label vector (default y; 'none': every label 0)\n"
	"  -m labels   kdd: 'kdd' (normal = 1, attack = 0; the default) or 'kdd-rev'\n"
	"              (normal = 0, attack = 1, attacks subsampled to 20%% of the rows)\n"
	"  -s seed     kdd-rev: seed of the attack subsampling (default 0)\n"
	"  -v vocab    kdd: read the one-hot vocabulary from this file\n"
	"  -w vocab    kdd: write the one-hot vocabulary used to this file\n"
	"  -i idfile   write where each row comes from, a TSV \"#id<TAB>file<TAB>line\":\n"
	"              id = the row's number in the output (ad-score -i), line = its\n"
	"              line in a text input (CSV, TSV, svmlight), else its number\n"
	"              among the rows read from that file\n"
	"  -h, --help  this help;  -V, --version  the version\n"
	"\n"
	"e.g.  ad-load -b -S 255 -l train-labels-idx1-ubyte.gz train-images-idx3-ubyte.gz\n"
	"      ad-load -b -w kdd.vocab kddcup.data_10_percent.gz > kdd.adv\n"
	"      ad-load -H -c class -N normal -K id -M 0 data.csv > data.adv\n"
	"      ad-load -H -c -1 -L labels.vocab -i data.ids data.csv > data.adv\n"
	"See also: ad-scale(1), ad-split(1), adv(5)\n";

static char *usage_text(void)
{
	static char buf[8192];
	char list[2048];
	size_t n = 0;
	for (const AdFormat *F = ad_formats; F->name && n < sizeof list - 100; F++)
		n += (size_t)snprintf(list + n, sizeof list - n, "                %-9s %s\n",
		                      F->name, F->what);
	snprintf(buf, sizeof buf, usage, list);
	return buf;
}

int main(int argc, char **argv)
{
	AdSourceOpts o = {0};
	const char *fmt = NULL, *u;
	double scale = 1;
	int binary = 0, c, nin;
	char **in, *stdin_only[] = {"-"};
	AdvWriter *w = NULL;
	AdvInfo first = {0};
	float *x = NULL;
	long rows = 0;
	const char *vocabf = NULL, *idf = NULL;
	AdLabelVocab *vocab = NULL;
	FILE *ids = NULL;

	ad_setprogname(argv[0]);
	u = usage_text();
	ad_stdopts(argc, argv, u);
	opterr = 0;
	while ((c = getopt(argc, argv, ":bc:D:d:f:Hhi:k:K:L:l:M:m:N:S:s:Vv:w:x:y:")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'c': o.labelcol = optarg; break;
		case 'd':
			if (!strcmp(optarg, "\\t"))
				o.delim = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n')
				o.delim = optarg[0];
			else
				ad_usage_error(u, "-d: bad delimiter '%s' (one character, or '\\t')",
				               optarg);
			break;
		case 'f':
			if (!ad_format_find(optarg))
				ad_usage_error(u, "-f: unknown format '%s'", optarg);
			fmt = optarg;
			break;
		case 'H': o.header = 1; break;
		case 'i': idf = optarg; break;
		case 'L': vocabf = optarg; break;
		case 'k': o.keep = optarg; break;
		case 'K': o.drop = optarg; break;
		case 'M':
			if (!strcmp(optarg, "skip")) {
				o.missing = AD_MISSING_SKIP;
			} else {
				o.missing = AD_MISSING_IMPUTE;
				o.impute = (float)ad_opt_double(u, c, optarg, -3e38, 3e38);
			}
			break;
		case 'N':
			if (!*optarg)
				ad_usage_error(u, "-N: empty label");
			o.normal = optarg;
			break;
		case 'D': o.dim = (int)ad_opt_long(u, c, optarg, 1, ADV_MAX_DIM); break;
		case 'h': ad_help(u);
		case 'l': o.labels = optarg; break;
		case 'm':
			if (strcmp(optarg, "kdd") && strcmp(optarg, "kdd-rev"))
				ad_usage_error(u, "-m: bad value '%s' (expected kdd or kdd-rev)", optarg);
			o.kdd_rev = !strcmp(optarg, "kdd-rev");
			break;
		case 'S':
			scale = ad_opt_double(u, c, optarg, 1e-30, 1e30);
			break;
		case 's':
			o.seed = (uint64_t)ad_opt_long(u, c, optarg, 0, 2147483647L);
			break;
		case 'v': o.vocab_in = optarg; break;
		case 'w': o.vocab_out = optarg; break;
		case 'x': o.xvar = optarg; break;
		case 'y': o.yvar = optarg; break;
		case 'V': ad_version();
		default: ad_bad_option(u);
		}
	}
	nin = argc - optind;
	in = nin ? argv + optind : stdin_only;
	if (!nin)
		nin = 1;
	if (o.labelcol) {
		const char *d = o.labelcol + (o.labelcol[0] == '-');
		long v;
		if (!*o.labelcol)
			ad_usage_error(u, "-c: empty column");
		if (*d && strspn(d, "0123456789") == strlen(d)) {
			if (ad_parse_long(d, d == o.labelcol ? 0 : 1, 1L << 30, &v))
				ad_usage_error(u, "-c: bad column number '%s'", o.labelcol);
		} else if (!o.header && strcmp(o.labelcol, "none"))
			ad_usage_error(u, "-c: '%s' is a column name: it needs -H", o.labelcol);
	}
	if (o.labels && nin != 1)
		ad_usage_error(u, "-l: a labels file goes with exactly one input file");
	if (o.vocab_out && nin != 1)
		ad_usage_error(u, "-w: a vocabulary is written from exactly one input file");
	if (o.normal && vocabf)
		ad_usage_error(u, "-N and -L exclude each other (one normal label, or a vocabulary)");
	if (idf && !strcmp(idf, "-"))
		ad_usage_error(u, "-i -: standard output holds the rows");
	if ((o.xvar && !*o.xvar) || (o.yvar && !*o.yvar))
		ad_usage_error(u, "-%c: empty name", o.xvar && !*o.xvar ? 'x' : 'y');

	{
		/* the inputs, the labels and vocabulary files: none may be an output */
		const char **ins = ad_xmalloc(ad_mul((size_t)nin + 3, sizeof *ins));
		const char *out[] = { o.vocab_out, "-", idf };
		for (int i = 0; i < nin; i++)
			ins[i] = in[i];
		ins[nin] = o.labels;
		ins[nin + 1] = o.vocab_in;
		ins[nin + 2] = vocabf;
		if (ad_check_outputs(out, 3, ins, nin + 3))
			ad_die("%s", ad_errmsg());
		free(ins);
	}
	if (vocabf && !(vocab = ad_vocab_load(vocabf)))
		ad_die("%s", ad_errmsg());
	o.vocab = vocab;
	if (idf) {
		if (!(ids = fopen(idf, "w")))
			ad_die("%s: %s", idf, strerror(errno));
		fputs("#id\tfile\tline\n", ids);
	}
	for (int i = 0; i < nin; i++) {
		AdSource *s = ad_source_open(in[i], fmt, &o);
		int lab, k;
		long rec = 0;
		if (!s)
			ad_die("%s", ad_errmsg());
		if (!w) {
			first = s->info;
			x = ad_xmalloc((size_t)first.dim * sizeof *x);
			if (!(w = adv_writer(stdout, binary, &first)))
				ad_die("%s", ad_errmsg());
		} else if (s->info.dim != first.dim ||
		           memcmp(s->info.shape, first.shape, sizeof first.shape)) {
			ad_die("%s: rows of %d values (shape %dx%dx%d) differ from the first input's "
			       "%d (%dx%dx%d)", s->name, s->info.dim, s->info.shape[0],
			       s->info.shape[1], s->info.shape[2], first.dim, first.shape[0],
			       first.shape[1], first.shape[2]);
		}
		while ((k = ad_source_read(s, &lab, x)) == 1) {
			rows++;
			if (scale != 1) {
				float fs = (float)scale;
				for (int j = 0; j < first.dim; j++) {
					x[j] /= fs;
					if (!isfinite(x[j]))
						ad_die("%s: row %ld: value %d is not finite after scaling",
						       s->name, rows, j + 1);
				}
			}
			if (adv_write(w, lab, x))
				ad_die("%s", ad_errmsg());
			rec++;
			if (ids)
				fprintf(ids, "%ld\t%s\t%ld\n", rows, in[i], s->line > 0 ? s->line : rec);
		}
		if (k < 0)
			ad_die("%s", ad_errmsg());
		ad_source_close(s);
	}
	if (adv_writer_close(w))
		ad_die("%s", ad_errmsg());
	if (ids && (fflush(ids) != 0 || ferror(ids) || fclose(ids) != 0))
		ad_die("%s: write error: %s", idf, strerror(errno ? errno : EIO));
	ad_vocab_free(vocab);
	free(x);
	return ad_finish_stdout();
}
