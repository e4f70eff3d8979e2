/* ad-split: one-vs-rest contamination protocols: write the train, val or test
 * part of a labelled vector stream.  See man/ad-split.1 and split.h. */
#include "advec.h"
#include "split.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: ad-split [-bv] -k class -p train|val|test [-g gamma] [-s seed]\n"
	"                [-P image|image-all|entire|natural|tabular] [-t testfile]\n"
	"                [-a share] [-e share]\n"
	"                [file]\n"
	"\n"
	"Split a labelled vector stream (standard input if no file) one-vs-rest: class\n"
	"K is normal (label 0), every other class an anomaly (label 1); write one part.\n"
	"\n"
	"  -k class    the normal class (required)\n"
	"  -p part     the part to write: train, val or test (required)\n"
	"  -g gamma    contamination of the training pool, 0 <= gamma < 1: add\n"
	"              round(gamma/(1-gamma)*N) anomalies to the N normals (default 0)\n"
	"  -s seed     random seed (default 0); the same seed gives the same parts\n"
	"  -P proto    image (default): the paper's section 5.1, training normals twice\n"
	"              the test normals, drawn by the seed; image-all: every training row\n"
	"              of the class; entire: the paper's appendix E, every training row\n"
	"              of the class and the whole test set; natural: every training row,\n"
	"              natural contamination, and the whole test set; tabular: half of\n"
	"              the normals to train, synthetic training anomalies\n"
	"  -t file     the data set's own test stream (not tabular); without it a\n"
	"              third of each side of the input is cut off as the test set\n"
	"  -a share    anomaly share of the test part (image, image-all; default 0.3)\n"
	"  -e share    share of the training pool held out as the val part\n"
	"              (default 0.1; tabular 0)\n"
	"  -b          write the binary vector stream\n"
	"  -v          print the counts of every part on standard error\n"
	"  -h, --help  this help;  -V, --version  the version\n"
	"\n"
	"e.g.  ad-split -k 0 -g 0.2 -s 1 -p train -t test.adv train.adv > tr.adv\n"
	"See also: ad-load(1), ad-scale(1), adv(5)\n";

int main(int argc, char **argv)
{
	SplitOpts o = {SPLIT_IMAGE, 0, 0.0, 0.3, 0.1, 0};
	const char *test_path = NULL, *in;
	int binary = 0, verbose = 0, part = -1, c, have_k = 0, have_g = 0, have_a = 0,
	    have_e = 0;
	static const char *parts[] = {"train", "val", "test"};
	/* in the order of SPLIT_IMAGE ... SPLIT_TABULAR */
	static const char *protos[] = {"image", "image-all", "entire", "natural", "tabular"};
	AdvData tr, te;
	Split s;
	AdvWriter *w;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((c = getopt(argc, argv, ":a:be:g:hk:P:p:s:t:Vv")) != -1) {
		switch (c) {
		case 'a':
			o.test_anom = ad_opt_double(usage, c, optarg, 0, 0.99);
			have_a = 1;
			break;
		case 'b': binary = 1; break;
		case 'e':
			o.val = ad_opt_double(usage, c, optarg, 0, 0.99);
			have_e = 1;
			break;
		case 'g':
			o.gamma = ad_opt_double(usage, c, optarg, 0, 0.99);
			have_g = 1;
			break;
		case 'h': ad_help(usage);
		case 'k':
			o.normal = (int)ad_opt_long(usage, c, optarg, -2147483647L - 1, 2147483647L);
			have_k = 1;
			break;
		case 'P':
			for (o.protocol = 4; o.protocol >= 0 && strcmp(optarg, protos[o.protocol]);
			     o.protocol--)
				;
			if (o.protocol < 0)
				ad_usage_error(usage, "-P: unknown protocol '%s' (image, image-all, "
				               "entire, natural or tabular)", optarg);
			break;
		case 'p':
			for (part = 2; part >= 0 && strcmp(optarg, parts[part]); part--)
				;
			if (part < 0)
				ad_usage_error(usage, "-p: unknown part '%s' (train, val or test)", optarg);
			break;
		case 's':
			o.seed = (uint64_t)ad_opt_long(usage, c, optarg, 0, 2147483647L);
			break;
		case 't': test_path = optarg; break;
		case 'V': ad_version();
		case 'v': verbose = 1; break;
		default: ad_bad_option(usage);
		}
	}
	if (!have_k)
		ad_usage_error(usage, "-k: the normal class is required");
	if (part < 0)
		ad_usage_error(usage, "-p: the part (train, val or test) is required");
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (o.protocol == SPLIT_NATURAL && have_g)
		ad_usage_error(usage, "-g is not used with -P natural (the contamination is natural)");
	if (o.protocol != SPLIT_IMAGE && o.protocol != SPLIT_IMAGE_ALL && have_a)
		ad_usage_error(usage, "-a is used only with -P image and image-all");
	if (o.protocol == SPLIT_TABULAR && test_path)
		ad_usage_error(usage, "-t is not used with -P tabular");
	if (o.protocol == SPLIT_TABULAR && !have_e)
		o.val = 0;
	in = optind < argc ? argv[optind] : "-";
	if (test_path && !strcmp(test_path, "-") && !strcmp(in, "-"))
		ad_usage_error(usage, "-t: the input and the test file cannot both be standard input");

	{
		const char *out[] = { "-" }, *ins[] = { in, test_path };
		if (ad_check_outputs(out, 1, ins, 2))
			ad_die("%s", ad_errmsg());
	}
	if (adv_load(in, &tr))
		ad_die("%s", ad_errmsg());
	if (test_path) {
		if (adv_load(test_path, &te))
			ad_die("%s", ad_errmsg());
		if (te.info.dim != tr.info.dim)
			ad_die("%s: rows of %d values, but %s has %d", test_path, te.info.dim,
			       ad_name(in), tr.info.dim);
	}
	if (split_make(&tr, ad_name(in), test_path ? &te : NULL, test_path, &o, &s))
		ad_die("%s", ad_errmsg());
	if (verbose) {
		fprintf(stderr, "%s:", ad_progname);
		for (int k = 0; k < 3; k++)
			fprintf(stderr, "%s %s %ld (%ld normal, %ld anomalies)", k ? "," : "", parts[k],
			        s.part[k].n, s.part[k].n - s.part[k].n_anom, s.part[k].n_anom);
		fprintf(stderr, "\n");
	}
	if (!(w = adv_writer(stdout, binary, &tr.info)))
		ad_die("%s", ad_errmsg());
	for (long i = 0; i < s.part[part].n; i++)
		if (adv_write(w, s.part[part].label[i], s.part[part].row[i]))
			ad_die("%s", ad_errmsg());
	if (adv_writer_close(w))
		ad_die("%s", ad_errmsg());
	split_free(&s);
	adv_data_free(&tr);
	if (test_path)
		adv_data_free(&te);
	return ad_finish_stdout();
}
