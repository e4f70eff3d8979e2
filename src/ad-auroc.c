/* ad-auroc: area under the ROC curve of anomaly scores (midrank ties), the ROC
 * points for plotting, or the average precision. */
#include "gzfile.h"
#include "util.h"
#include "scores.h"
#include "auroc.h"
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
	"usage: ad-auroc [-p | -r] [-l column] [-c column] [file]\n"
	"\n"
	"Print the AUROC of the scores against the labels (1 = anomaly, 0 = normal;\n"
	"a higher score is more anomalous; ties count one half), as a number with six\n"
	"decimals.  Empty lines are ignored: the whole input is one set.\n"
	"  -p          print AUROC and AUPRC (average precision), TAB separated\n"
	"  -r          print the ROC curve instead: #fpr tpr threshold, one point\n"
	"              per distinct score, from (0, 0) to (1, 1)\n"
	"  -l column   label column, name or 1-based number [label]\n"
	"  -c column   score column, name or 1-based number [score]\n"
	"  -h, --help  this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < test.adv | ad-auroc\n"
	"See also: ad-score(1), ad-zscore(1), ad-reject(1)\n";

int main(int argc, char **argv)
{
	const char *lcol = "label", *scol = "score", *path = NULL;
	int curve = 0, prc = 0, opt, rc;
	ScoreReader *r;
	ScoreGroup g = { 0 };
	double *s = NULL;
	int *lab = NULL;
	size_t n = 0, cap = 0;
	long lc, sc;
	FILE *f;

	ad_setprogname(argv[0]);
	ad_stdopts(argc, argv, usage);
	opterr = 0;
	while ((opt = getopt(argc, argv, "prl:c:hV")) != -1) {
		switch (opt) {
		case 'p': prc = 1; break;
		case 'r': curve = 1; break;
		case 'l': lcol = optarg; break;
		case 'c': scol = optarg; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (curve && prc)
		ad_usage_error(usage, "-p and -r cannot be combined");
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (optind < argc)
		path = argv[optind];
	{
		const char *out[] = { "-" }, *ins[] = { path ? path : "-" };
		if (ad_check_outputs(out, 1, ins, 1))
			ad_die("%s", ad_errmsg());
	}
	if (!(f = ad_fopen_read(path)) || !(r = scores_open(f, ad_name(path))) ||
	    (lc = scores_column(r, lcol)) < 0 || (sc = scores_column(r, scol)) < 0)
		ad_die("%s", ad_errmsg());
	while ((rc = scores_next(r, 0, &g)) == 1) {
		for (size_t i = 0; i < g.nrow; i++) {
			double l = scores_get(&g, i, (size_t)lc);
			if (l != 0 && l != 1)
				ad_die("%s:%ld: column %ld (%s): a label must be 0 or 1, got %.17g",
				       ad_name(path), g.line[i], lc + 1, scores_colname(r, (size_t)lc), l);
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				s = ad_xrealloc(s, ad_mul(cap, sizeof *s));
				lab = ad_xrealloc(lab, ad_mul(cap, sizeof *lab));
			}
			s[n] = scores_get(&g, i, (size_t)sc);
			lab[n++] = l == 1;
		}
	}
	if (rc < 0)
		ad_die("%s", ad_errmsg());
	if (curve) {
		double *fpr = ad_xmalloc(ad_mul(n + 1, sizeof *fpr));
		double *tpr = ad_xmalloc(ad_mul(n + 1, sizeof *tpr));
		double *thr = ad_xmalloc(ad_mul(n + 1, sizeof *thr));
		size_t m = ad_roc(s, lab, n, fpr, tpr, thr);
		if (m == 0)
			ad_die("%s: %s", ad_name(path), ad_errmsg());
		printf("#fpr\ttpr\tthreshold\n");
		for (size_t k = 0; k < m; k++) {
			double row[3] = { fpr[k], tpr[k], thr[k] };
			for (int i = 0; i < 3; i++) {
				if (i)
					putchar('\t');
				scores_write_double(stdout, row[i]);
			}
			putchar('\n');
		}
		free(fpr);
		free(tpr);
		free(thr);
	} else {
		double auc = ad_auroc(s, lab, n);
		if (auc != auc)
			ad_die("%s: %s", ad_name(path), ad_errmsg());
		if (prc)
			printf("%.6f\t%.6f\n", auc, ad_auprc(s, lab, n));
		else
			printf("%.6f\n", auc);
	}
	scores_group_free(&g);
	scores_close(r);
	if (f != stdin)
		fclose(f);
	free(s);
	free(lab);
	return ad_finish_stdout();
}
