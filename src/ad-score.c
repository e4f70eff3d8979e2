/* ad-score: anomaly scores of a vector stream under a trained model. */
#include "advec.h"
#include "model.h"
#include "modelfile.h"
#include "nn.h"
#include "scores.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ad-score [-B rows] [-T threads] model [file]\n"
"\n"
"Score every row of the vector stream FILE (default stdin) with MODEL (written\n"
"by ad-train) in evaluation mode, and write \"label<TAB>score\" per row under the\n"
"header \"#label<TAB>score\".  Reads and scores blocks of rows: constant memory.\n"
"\n"
"  -B rows     rows per block [256]\n"
"  -T threads  worker threads [online CPUs]\n"
"  -h          this help;  -V: the version\n"
"\n"
"e.g.  ad-score ae.model test.adv | ad-auroc\n"
"See also: ad-train(1), ad-auroc(1), ad-zscore(1), ad-model(5).\n";

int main(int argc, char **argv)
{
	long block = 256, cap = 0, threads = sysconf(_SC_NPROCESSORS_ONLN);
	int c, score_mean = 0, rc, dim;
	const char *mpath, *in;
	Model *m;
	AdvReader *r;
	float *x;
	int *lab;
	double *s;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((c = getopt(argc, argv, ":B:T:hV")) != -1) {
		switch (c) {
		case 'B': block = ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'T': threads = ad_opt_long(usage, c, optarg, 1, 1024); break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind < 1)
		ad_usage_error(usage, "no model file given");
	if (argc - optind > 2)
		ad_usage_error(usage, "too many operands");
	mpath = argv[optind];
	in = optind + 1 < argc ? argv[optind + 1] : "-";
	{
		const char *out[] = { "-" }, *ins[] = { mpath, in };
		if (ad_check_outputs(out, 1, ins, 2))
			ad_die("%s", ad_errmsg());
	}
	nn_set_threads((int)(threads > 0 ? threads : 1));
	if (!(m = modelfile_load(mpath, &score_mean, NULL)))
		ad_die("%s", ad_errmsg());
	if (!(r = adv_open(in)))
		ad_die("%s", ad_errmsg());
	dim = adv_info(r)->dim;
	if (dim != model_config(m)->dim)
		ad_die("%s: dimension %d, the model %s expects %d", ad_name(in), dim, mpath,
		       model_config(m)->dim);
	/* a shape on both sides must agree (a flat model is {dim, 1, 1}) */
	if (model_config(m)->shape[0] != dim && adv_info(r)->has_shape &&
	    memcmp(model_config(m)->shape, adv_info(r)->shape, sizeof adv_info(r)->shape))
		ad_die("%s: shape %dx%dx%d, the model %s expects %dx%dx%d", ad_name(in),
		       adv_info(r)->shape[0], adv_info(r)->shape[1], adv_info(r)->shape[2], mpath,
		       model_config(m)->shape[0], model_config(m)->shape[1], model_config(m)->shape[2]);
	/* the block buffers grow with the rows actually read, up to -B: a large -B
	 * on a small stream allocates no more than the stream needs */
	x = NULL;
	lab = NULL;
	s = NULL;
	fputs("#label\tscore\n", stdout);
	do {
		long n = 0;
		while (n < block) {
			if (n == cap) {
				cap = cap * 2 > block ? block : cap ? cap * 2 : block < 64 ? block : 64;
				x = ad_xrealloc(x, ad_mul(ad_mul((size_t)cap, (size_t)dim), sizeof(float)));
				lab = ad_xrealloc(lab, ad_mul((size_t)cap, sizeof(int)));
				s = ad_xrealloc(s, ad_mul((size_t)cap, sizeof(double)));
			}
			if ((rc = adv_read(r, &lab[n], x + (size_t)n * dim)) != 1)
				break;
			n++;
		}
		if (rc < 0)
			ad_die("%s", ad_errmsg());
		if (n == 0)
			break;
		if (model_forward(m, x, (int)n, 0))
			ad_die("%s: %s", ad_name(in), ad_errmsg());
		model_scores(m, (int)n, score_mean, s);
		for (long i = 0; i < n; i++) {
			printf("%d\t", lab[i]);
			scores_write_double(stdout, s[i]);
			putchar('\n');
		}
	} while (rc == 1);
	adv_close(r);
	model_free(m);
	free(x);
	free(lab);
	free(s);
	return ad_finish_stdout();
}
