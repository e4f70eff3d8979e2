/* ad-score: anomaly scores of a vector stream under a trained model; optionally a
 * predicted label from a threshold (threshold.h) and the row number. */
#include "advec.h"
#include "model.h"
#include "modelfile.h"
#include "nn.h"
#include "scores.h"
#include "threshold.h"
#include "util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ad-score [-iq] [-B rows] [-T threads] [-c contamination | -r rate |\n"
"                -f rate -v file | -t threshold | -m file] [-o file] model [file]\n"
"\n"
"Score every row of the vector stream FILE (default stdin) with MODEL (written\n"
"by ad-train) in evaluation mode, and write \"label<TAB>score\" per row under the\n"
"header \"#label<TAB>score\".  Reads and scores blocks of rows: constant memory.\n"
"With a threshold, a column pred is appended: 1 (anomaly) when the score is\n"
"strictly above the threshold, else 0; the threshold is printed on stderr.\n"
"\n"
"  -c frac     threshold at an assumed contamination: the (1 - frac) quantile\n"
"              of the training scores stored in the model (PyOD's contamination)\n"
"  -r rate     threshold at a rate of the clean training rows: the (1 - rate)\n"
"              quantile of the training scores weighted by their rejection\n"
"              weights in the kept model's last epoch (format 3 models)\n"
"  -f rate     threshold for a false-positive rate: at most this share of the\n"
"              normal rows (label 0) of the -v file scores above it\n"
"  -v file     labelled validation vector stream for -f\n"
"  -t x        the threshold x\n"
"  -m file     the threshold saved in file by -o\n"
"  -o file     save the threshold in use to file (for -m on other data)\n"
"  -i          append the row number (column id, from 1)\n"
"  -q          do not print the threshold\n"
"  -B rows     rows per block [256]\n"
"  -T threads  worker threads [online CPUs]\n"
"  -h          this help;  -V: the version\n"
"\n"
"e.g.  ad-score ae.model test.adv | ad-auroc\n"
"      ad-score -c 0.1 -o ae.thr ae.model train.adv > train.scores\n"
"      ad-score -m ae.thr ae.model new.adv | awk '$3 == 1'\n"
"See also: ad-train(1), ad-auroc(1), ad-zscore(1), ad-info(1), ad-model(5).\n";

typedef struct {
	Model *m;
	int score_mean;
	long block;
	float *x;
	int *lab;
	double *s;
	char (*txt)[SCORES_DOUBLE_LEN];   /* the block's scores as text */
	long cap;
} Scorer;

/* The scores of a block formatted by the worker threads (scores_format_double()
 * tries up to three precisions, each read back: a few microseconds a row), in
 * tasks of FMT_ROWS rows; the main thread then writes them in order. */
#define FMT_ROWS 64
typedef struct {
	const double *s;
	char (*txt)[SCORES_DOUBLE_LEN];
	long n;
} FmtJob;

static void fmt_task(void *ctx, int t, int tid)
{
	const FmtJob *j = ctx;
	long i0 = (long)t * FMT_ROWS, i1 = j->n - i0 < FMT_ROWS ? j->n : i0 + FMT_ROWS;
	(void)tid;
	for (long i = i0; i < i1; i++)
		scores_format_double(j->txt[i], j->s[i]);
}

/* Open path and check its dimension (and shape) against the model. */
static AdvReader *open_input(const Scorer *S, const char *path, const char *mpath)
{
	AdvReader *r = adv_open(path);
	const ModelConfig *mc = model_config(S->m);
	int dim;
	if (!r)
		ad_die("%s", ad_errmsg());
	dim = adv_info(r)->dim;
	if (dim != mc->dim)
		ad_die("%s: dimension %d, the model %s expects %d", ad_name(path), dim, mpath,
		       mc->dim);
	/* a shape on both sides must agree (a flat model is {dim, 1, 1}) */
	if (mc->shape[0] != dim && adv_info(r)->has_shape &&
	    memcmp(mc->shape, adv_info(r)->shape, sizeof adv_info(r)->shape))
		ad_die("%s: shape %dx%dx%d, the model %s expects %dx%dx%d", ad_name(path),
		       adv_info(r)->shape[0], adv_info(r)->shape[1], adv_info(r)->shape[2], mpath,
		       mc->shape[0], mc->shape[1], mc->shape[2]);
	return r;
}

/* Read and score the next block: rows in S->lab/S->s; 0 at the end.  The
 * buffers grow with the rows actually read, up to -B: a large -B on a small
 * stream allocates no more than the stream needs. */
static long next_block(Scorer *S, AdvReader *r, const char *path)
{
	int dim = model_config(S->m)->dim, rc = 1;
	long n = 0;
	while (n < S->block) {
		if (n == S->cap) {
			S->cap = S->cap * 2 > S->block ? S->block
			       : S->cap ? S->cap * 2 : S->block < 64 ? S->block : 64;
			S->x = ad_xrealloc(S->x, ad_mul(ad_mul((size_t)S->cap, (size_t)dim),
			                                sizeof(float)));
			S->lab = ad_xrealloc(S->lab, ad_mul((size_t)S->cap, sizeof(int)));
			S->s = ad_xrealloc(S->s, ad_mul((size_t)S->cap, sizeof(double)));
		}
		if ((rc = adv_read(r, &S->lab[n], S->x + (size_t)n * dim)) != 1)
			break;
		n++;
	}
	if (rc < 0)
		ad_die("%s", ad_errmsg());
	if (n == 0)
		return 0;
	if (model_eval_scores(S->m, S->x, (size_t)dim, (int)n, S->score_mean, S->s))
		ad_die("%s: %s", ad_name(path), ad_errmsg());
	return n;
}

/* The -f threshold: score the validation file whole (two numbers a row). */
static double fpr_threshold(Scorer *S, const char *vpath, const char *mpath, double rate,
                            char *rule, size_t rsize)
{
	AdvReader *r = open_input(S, vpath, mpath);
	double *s = NULL, t;
	int *lab = NULL;
	size_t n = 0, cap = 0;
	long k;
	Confusion c;
	while ((k = next_block(S, r, vpath)) > 0) {
		if (n + (size_t)k > cap) {
			cap = 2 * (n + (size_t)k);
			s = ad_xrealloc(s, ad_mul(cap, sizeof *s));
			lab = ad_xrealloc(lab, ad_mul(cap, sizeof *lab));
		}
		for (long i = 0; i < k; i++) {
			if (S->lab[i] != 0 && S->lab[i] != 1)
				ad_die("%s: row %zu: label %d (-f needs labels 0 and 1)", ad_name(vpath),
				       n + (size_t)i + 1, S->lab[i]);
			s[n + (size_t)i] = S->s[i];
			lab[n + (size_t)i] = S->lab[i];
		}
		n += (size_t)k;
	}
	adv_close(r);
	t = thr_fpr(s, lab, n, rate);
	if (isnan(t))
		ad_die("%s: %s", ad_name(vpath), ad_errmsg());
	c = thr_confusion(s, lab, n, t);
	snprintf(rule, rsize, "false-positive rate %g on %s: %zu of %zu normal rows above it"
	         ", %zu of %zu anomalies", rate, ad_name(vpath), c.fp, c.fp + c.tn, c.tp,
	         c.tp + c.fn);
	free(s);
	free(lab);
	return t;
}

int main(int argc, char **argv)
{
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int c, ids = 0, quiet = 0, nrules = 0;
	double contam = -1, rate = -1, crate = -1, thr = NAN;
	const char *mpath, *in, *valf = NULL, *thrf = NULL, *save = NULL;
	char rule[512] = "";
	Scorer S = { NULL, 0, 256, NULL, NULL, NULL, NULL, 0 };
	ScoreDist dist;
	AdvReader *r;
	long n, row = 0, ntxt = 0;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((c = getopt(argc, argv, ":B:T:c:r:f:v:t:m:o:iqhV")) != -1) {
		switch (c) {
		case 'B': S.block = ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'T': threads = ad_opt_long(usage, c, optarg, 1, POOL_MAX_THREADS); break;
		case 'c': contam = ad_opt_double(usage, c, optarg, 0, 0.999999); nrules++; break;
		case 'r': crate = ad_opt_double(usage, c, optarg, 0, 0.999999); nrules++; break;
		case 'f': rate = ad_opt_double(usage, c, optarg, 0, 0.999999); nrules++; break;
		case 'v': valf = optarg; break;
		case 't':
			thr = ad_opt_double(usage, c, optarg, -1e300, 1e300);
			nrules++;
			break;
		case 'm': thrf = optarg; nrules++; break;
		case 'o': save = optarg; break;
		case 'i': ids = 1; break;
		case 'q': quiet = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind < 1)
		ad_usage_error(usage, "no model file given");
	if (argc - optind > 2)
		ad_usage_error(usage, "too many operands");
	if (nrules > 1)
		ad_usage_error(usage, "-c, -r, -f, -t and -m exclude each other (one threshold)");
	if ((rate >= 0) != (valf != NULL))
		ad_usage_error(usage, "-f and -v go together (a rate and the file to measure it on)");
	if (save && nrules == 0)
		ad_usage_error(usage, "-o saves a threshold: give one with -c, -r, -f, -t or -m");
	if (save && !strcmp(save, "-"))
		ad_usage_error(usage, "-o -: standard output holds the scores");
	mpath = argv[optind];
	in = optind + 1 < argc ? argv[optind + 1] : "-";
	{
		const char *out[] = { "-", save }, *ins[] = { mpath, in, valf, thrf };
		if (ad_check_outputs(out, 2, ins, 4))
			ad_die("%s", ad_errmsg());
	}
	nn_set_threads((int)(threads > 0 ? threads : 1));
	if (!(S.m = modelfile_load_dist(mpath, &S.score_mean, NULL, &dist, NULL)))
		ad_die("%s", ad_errmsg());

	if (contam >= 0) {
		if (dist.k == 0)
			ad_die("%s: no training score distribution (a model file of format 1, from an "
			       "older ad-train): use -f, -t or -m", mpath);
		thr = thr_contamination(&dist, contam);
		snprintf(rule, sizeof rule, "contamination %g: the %g quantile of %llu training "
		         "scores", contam, 1 - contam, (unsigned long long)dist.rows);
	} else if (crate >= 0) {
		if (dist.ck == 0)
			ad_die("%s: no clean-weighted training score distribution (a model file of "
			       "format %s, from an older ad-train): use -c, -f, -t or -m", mpath,
			       dist.k ? "2" : "1");
		thr = thr_clean(&dist, crate);
		snprintf(rule, sizeof rule, "clean rate %g: the %g quantile of %llu training "
		         "scores weighted by their rejection weights (%llu rows, weight %.6g)",
		         crate, 1 - crate, (unsigned long long)dist.rows,
		         (unsigned long long)dist.clean_rows, dist.clean_weight);
	} else if (rate >= 0) {
		thr = fpr_threshold(&S, valf, mpath, rate, rule, sizeof rule);
	} else if (thrf) {
		if (thr_load(thrf, &thr))
			ad_die("%s", ad_errmsg());
		snprintf(rule, sizeof rule, "from %s", thrf);
	} else if (nrules) {
		snprintf(rule, sizeof rule, "given");
	}
	if (nrules && !quiet) {
		fprintf(stderr, "%s: threshold ", ad_progname);
		scores_write_double(stderr, thr);
		fprintf(stderr, " (%s)\n", rule);
	}
	if (save && thr_save(save, thr, rule, mpath))
		ad_die("%s", ad_errmsg());

	r = open_input(&S, in, mpath);
	printf("#label\tscore%s%s\n", nrules ? "\tpred" : "", ids ? "\tid" : "");
	while ((n = next_block(&S, r, in)) > 0) {
		if (n > ntxt) {   /* as the block's other buffers: the rows read */
			ntxt = n;
			S.txt = ad_xrealloc(S.txt, ad_mul((size_t)ntxt, sizeof *S.txt));
		}
		FmtJob fj = { S.s, S.txt, n };
		nn_parallel((int)((n + FMT_ROWS - 1) / FMT_ROWS), fmt_task, &fj);
		for (long i = 0; i < n; i++) {
			printf("%d\t", S.lab[i]);
			fputs(S.txt[i], stdout);
			if (nrules)
				fputs(S.s[i] > thr ? "\t1" : "\t0", stdout);
			if (ids)
				printf("\t%ld", row + i + 1);
			putchar('\n');
		}
		row += n;
	}
	adv_close(r);
	model_free(S.m);
	scoredist_free(&dist);
	free(S.x);
	free(S.lab);
	free(S.s);
	free(S.txt);
	return ad_finish_stdout();
}
