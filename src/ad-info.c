/* ad-info: what a model file holds (kind, architecture, parameters, how it was
 * trained, the training data's fingerprint and score distribution, thresholds). */
#include "model.h"
#include "modelfile.h"
#include "scores.h"
#include "threshold.h"
#include "util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ad-info [-d | -w] [-c contamination] model\n"
"\n"
"Describe the model file MODEL (written by ad-train) as key<TAB>value lines:\n"
"format, kind, arch, input shape, parameters (trained values), state (batch-norm\n"
"statistics, memory, centre), the training settings (loss and its knobs,\n"
"epochs, best_epoch and val_loss with a validation set), the training rows,\n"
"their labelled anomalies and data_crc (CRC-32 fingerprint of the training\n"
"data), the training score quantiles and the thresholds at contaminations\n"
"0.01, 0.05 and 0.1 (what ad-score -c uses), the clean-weighted rows and\n"
"weight and the thresholds at clean rates 0.01, 0.05 and 0.1 (ad-score -r).\n"
"\n"
"  -c frac     also the threshold at contamination frac\n"
"  -d          print the stored training score distribution instead: #level\n"
"              score, one line per stored quantile\n"
"  -w          the same for the clean-weighted distribution\n"
"  -h          this help;  -V: the version\n"
"\n"
"e.g.  ad-info ae.model\n"
"      ad-info ae.model | awk -F '\\t' '$1 == \"val_loss\" { print $2 }'\n"
"See also: ad-train(1), ad-score(1), ad-model(5).\n";

static void kv_double(const char *key, double v)
{
	printf("%s\t", key);
	scores_write_double(stdout, v);
	putchar('\n');
}

int main(int argc, char **argv)
{
	int c, dump = 0, wdump = 0, score_mean = 0;
	double extra = -1;
	const char *path;
	char *settings = NULL;
	ScoreDist dist;
	uint32_t version = 0;
	Model *m;
	const ModelConfig *mc;
	size_t params = 0, state = 0;
	int nt;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((c = getopt(argc, argv, ":c:dwhV")) != -1) {
		switch (c) {
		case 'c': extra = ad_opt_double(usage, c, optarg, 0, 0.999999); break;
		case 'd': dump = 1; break;
		case 'w': wdump = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (argc - optind < 1)
		ad_usage_error(usage, "no model file given");
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if ((dump || wdump) && extra >= 0)
		ad_usage_error(usage, "-c and -d or -w exclude each other");
	if (dump && wdump)
		ad_usage_error(usage, "-d and -w exclude each other");
	path = argv[optind];
	if (!(m = modelfile_load_dist(path, &score_mean, &settings, &dist, &version)))
		ad_die("%s", ad_errmsg());
	if (dump || wdump) {
		uint32_t k = dump ? dist.k : dist.ck;
		const double *q = dump ? dist.q : dist.cq, *l = dump ? NULL : dist.cl;
		if (k == 0)
			ad_die("%s: no %straining score distribution (format %lu)", path,
			       wdump ? "clean-weighted " : "", (unsigned long)version);
		printf("#level\tscore\n");
		for (uint32_t i = 0; i < k; i++) {
			scores_write_double(stdout, l ? l[i] : k > 1 ? (double)i / (k - 1) : 1);
			putchar('\t');
			scores_write_double(stdout, q[i]);
			putchar('\n');
		}
	} else {
		mc = model_config(m);
		nt = model_ntensors(m);
		for (int i = 0; i < nt; i++) {
			ModelTensor t = model_tensor(m, i);
			if (t.grad)
				params += t.n;
			else
				state += t.n;
		}
		printf("file\t%s\nformat\t%lu\nkind\t%s\narch\t%s\ninput\t%dx%dx%d\ndim\t%d\n",
		       path, (unsigned long)version, model_kind_name(mc->kind), mc->arch,
		       mc->shape[0], mc->shape[1], mc->shape[2], mc->dim);
		printf("tensors\t%d\nparameters\t%zu\nstate\t%zu\n", nt, params, state);
		printf("slope\t%g\n", (double)mc->slope);
		printf("relu\t%d\n", mc->relu);
		if (mc->kind == MODEL_MEMAE) {
			printf("mem_slots\t%d\n", mc->mem_slots);
			printf("shrink\t%g\n", (double)mc->shrink);
			printf("entropy_weight\t%g\n", (double)mc->entropy_weight);
		}
		if (mc->kind == MODEL_DSVDD)
			printf("rep_dim\t%d\n", mc->rep_dim);
		/* the settings, key=value lines, as key<TAB>value */
		for (char *p = settings, *e; p && *p; p = e + (*e != 0)) {
			char *eq;
			e = p + strcspn(p, "\n");
			eq = memchr(p, '=', (size_t)(e - p));
			if (eq)
				printf("%.*s\t%.*s\n", (int)(eq - p), p, (int)(e - eq - 1), eq + 1);
			else if (e > p)
				printf("setting\t%.*s\n", (int)(e - p), p);
		}
		if (dist.rows) {
			static const double cs[] = { 0.01, 0.05, 0.1 };
			printf("training_rows\t%llu\ntraining_anomalies\t%llu\ndata_crc\t%08lx\n",
			       (unsigned long long)dist.rows, (unsigned long long)dist.anomalies,
			       (unsigned long)dist.data_crc);
			printf("score_quantiles\t%lu\n", (unsigned long)dist.k);
			kv_double("score_min", dist.q[0]);
			kv_double("score_median", scoredist_quantile(&dist, 0.5));
			kv_double("score_max", dist.q[dist.k - 1]);
			for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
				char key[64];
				snprintf(key, sizeof key, "threshold_c%g", cs[i]);
				kv_double(key, thr_contamination(&dist, cs[i]));
			}
			if (extra >= 0) {
				char key[64];
				snprintf(key, sizeof key, "threshold_c%g", extra);
				kv_double(key, thr_contamination(&dist, extra));
			}
			if (dist.ck) {
				printf("clean_rows\t%llu\n", (unsigned long long)dist.clean_rows);
				kv_double("clean_weight", dist.clean_weight);
				printf("clean_quantiles\t%lu\n", (unsigned long)dist.ck);
				kv_double("clean_median", scoredist_clean_quantile(&dist, 0.5));
				for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
					char key[64];
					snprintf(key, sizeof key, "threshold_r%g", cs[i]);
					kv_double(key, thr_clean(&dist, cs[i]));
				}
			} else {
				printf("clean_rows\t-\n");
			}
		} else {
			printf("training_rows\t-\n");
			if (extra >= 0)
				ad_die("%s: no training score distribution (format %lu): no threshold by "
				       "contamination", path, (unsigned long)version);
		}
	}
	free(settings);
	scoredist_free(&dist);
	model_free(m);
	return ad_finish_stdout();
}
