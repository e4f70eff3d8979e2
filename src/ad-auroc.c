/* ad-auroc: area under the ROC curve of anomaly scores (midrank ties), the ROC
 * points for plotting, or the average precision. */
#include "gzfile.h"
#include "util.h"
#include "scores.h"
#include "auroc.h"
#include "threshold.h"
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
	"usage: ad-auroc [-p | -r] [-l column] [-c column] [file]\n"
	"       ad-auroc -a [-t threshold | -m file | -d column] [-n N] [-l column]\n"
	"                [-c column] [file]\n"
	"\n"
	"Print the AUROC of the scores against the labels (1 = anomaly, 0 = normal;\n"
	"a higher score is more anomalous; ties count one half), as a number with six\n"
	"decimals.  Empty lines are ignored: the whole input is one set.\n"
	"  -p          print AUROC and AUPRC (average precision), TAB separated\n"
	"  -r          print the ROC curve instead: #fpr tpr threshold, one point\n"
	"              per distinct score, from (0, 0) to (1, 1)\n"
	"  -a          named metrics: a header line, then one row: n, anomalies,\n"
	"              auroc, auprc, at_n and precision_at_n; with a threshold also\n"
	"              threshold (not with -d), tp, fp, tn, fn, precision, recall,\n"
	"              f1 and fpr (a score strictly above the threshold is flagged)\n"
	"  -t x        metrics at the threshold x (implies -a)\n"
	"  -m file     metrics at the threshold saved by ad-score -o (implies -a)\n"
	"  -d column   metrics of a 0/1 predicted-label column, e.g. pred (implies -a)\n"
	"  -n N        precision@N: the share of anomalies among the N highest scores\n"
	"              (rows tied with the N-th included) [the number of anomalies]\n"
	"  -l column   label column, name or 1-based number [label]\n"
	"  -c column   score column, name or 1-based number [score]\n"
	"  -h, --help  this text;  -V, --version  the version\n"
	"e.g. ad-score ae.model < test.adv | ad-auroc\n"
	"     ad-score -m ae.thr ae.model test.adv | ad-auroc -d pred\n"
	"See also: ad-score(1), ad-zscore(1), ad-reject(1)\n";

int main(int argc, char **argv)
{
	const char *lcol = "label", *scol = "score", *path = NULL, *pcol = NULL, *thrf = NULL;
	int curve = 0, prc = 0, all = 0, opt, rc, nthr = 0;
	double thr = NAN;
	long atn = 0, pc = -1;
	unsigned char *pred = NULL;
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
	while ((opt = getopt(argc, argv, "prl:c:at:m:d:n:hV")) != -1) {
		switch (opt) {
		case 'p': prc = 1; break;
		case 'r': curve = 1; break;
		case 'l': lcol = optarg; break;
		case 'c': scol = optarg; break;
		case 'a': all = 1; break;
		case 't': thr = ad_opt_double(usage, 't', optarg, -1e300, 1e300); all = 1; nthr++; break;
		case 'm': thrf = optarg; all = 1; nthr++; break;
		case 'd': pcol = optarg; all = 1; nthr++; break;
		case 'n': atn = ad_opt_long(usage, 'n', optarg, 1, 1L << 40); all = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (curve + prc + all > 1)
		ad_usage_error(usage, "-p, -r and -a (or -t, -m, -d, -n) cannot be combined");
	if (nthr > 1)
		ad_usage_error(usage, "-t, -m and -d exclude each other (one threshold)");
	if (thrf && thr_load(thrf, &thr))
		ad_die("%s", ad_errmsg());
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
	    (lc = scores_column(r, lcol)) < 0 || (sc = scores_column(r, scol)) < 0 ||
	    (pcol && (pc = scores_column(r, pcol)) < 0))
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
				if (pc >= 0)
					pred = ad_xrealloc(pred, cap);
			}
			if (pc >= 0) {
				double p = scores_get(&g, i, (size_t)pc);
				if (p != 0 && p != 1)
					ad_die("%s:%ld: predicted label must be 0 or 1, got %s", ad_name(path),
					       g.line[i], scores_text(&g, i));
				pred[n] = p == 1;
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
		double *cut = ad_xmalloc(ad_mul(n + 1, sizeof *cut));
		size_t m = ad_roc(s, lab, n, fpr, tpr, cut);
		if (m == 0)
			ad_die("%s: %s", ad_name(path), ad_errmsg());
		printf("#fpr\ttpr\tthreshold\n");
		for (size_t k = 0; k < m; k++) {
			double row[3] = { fpr[k], tpr[k], cut[k] };
			for (int i = 0; i < 3; i++) {
				if (i)
					putchar('\t');
				scores_write_double(stdout, row[i]);
			}
			putchar('\n');
		}
		free(fpr);
		free(tpr);
		free(cut);
	} else if (all) {
		double auc = ad_auroc(s, lab, n), ap, pn;
		size_t npos = 0;
		if (auc != auc)
			ad_die("%s: %s", ad_name(path), ad_errmsg());
		for (size_t i = 0; i < n; i++)
			npos += lab[i];
		ap = ad_auprc(s, lab, n);
		if (atn == 0)
			atn = (long)npos;
		if ((size_t)atn > n)
			ad_die("%s: -n %ld: only %zu rows", ad_name(path), atn, n);
		pn = thr_precision_at(s, lab, n, (size_t)atn);
		printf("#n\tanomalies\tauroc\tauprc\tat_n\tprecision_at_n");
		if (nthr)
			printf("%s\ttp\tfp\ttn\tfn\tprecision\trecall\tf1\tfpr", pc >= 0 ? "" : "\tthreshold");
		printf("\n%zu\t%zu\t%.6f\t%.6f\t%ld\t%.6f", n, npos, auc, ap, atn, pn);
		if (nthr) {
			Confusion c = { 0, 0, 0, 0 };
			double prec, rec, f1, fpr;
			if (pc >= 0) {
				for (size_t i = 0; i < n; i++) {
					if (lab[i])
						pred[i] ? c.tp++ : c.fn++;
					else
						pred[i] ? c.fp++ : c.tn++;
				}
			} else {
				c = thr_confusion(s, lab, n, thr);
				putchar('\t');
				scores_write_double(stdout, thr);
			}
			/* an empty denominator gives 0, as scikit-learn's zero_division */
			prec = c.tp + c.fp ? (double)c.tp / (double)(c.tp + c.fp) : 0;
			rec = c.tp + c.fn ? (double)c.tp / (double)(c.tp + c.fn) : 0;
			f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
			fpr = c.fp + c.tn ? (double)c.fp / (double)(c.fp + c.tn) : 0;
			printf("\t%zu\t%zu\t%zu\t%zu\t%.6f\t%.6f\t%.6f\t%.6f", c.tp, c.fp, c.tn, c.fn,
			       prec, rec, f1, fpr);
		}
		putchar('\n');
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
	free(pred);
	return ad_finish_stdout();
}
