/* svmlight.c: the LIBSVM / svmlight sparse text format, as many anomaly
 * detection sets ship (the LIBSVM data sets page):
 *
 *     <label> <index>:<value> <index>:<value> ... [# comment]
 *
 * one row per line, indices from 1 in increasing order, absent indices 0.  An
 * optional qid:N (ranking) is skipped; empty lines and lines starting with '#'
 * too.  Labels are integers ("+1" and "-1" included), or any text with a normal
 * label given (opts->normal: that text is 0, the rest 1).  The dimension is the
 * largest index in the file, or opts->dim (an index above it is an error), so
 * that a test file missing the last features gets the training file's width.
 * The whole file is read before the first row is given (the dimension comes
 * from the last line). */
#include "source.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ad_svmlight_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	char *line = NULL;
	size_t cap = 0, nent = 0, entcap = 0, nrow = 0, rowcap = 0;
	int *idx = NULL, *lab = NULL, rc = 0;
	float *val = NULL;
	size_t *start = NULL;
	long lineno = 0, maxidx = 0, *lines = NULL;
	ssize_t n;
	AdvData d;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		char *p, *tok, *save = NULL;
		long prev = 0;
		lineno++;
		if ((size_t)n != strlen(line)) {
			rc = ad_error("%s:%ld: NUL byte in text input", s->name, lineno);
			break;
		}
		if ((p = strchr(line, '#')))
			*p = 0;
		tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		if (nrow == rowcap) {
			rowcap = rowcap ? 2 * rowcap : 1024;
			lab = ad_xrealloc(lab, ad_mul(rowcap, sizeof *lab));
			lines = ad_xrealloc(lines, ad_mul(rowcap, sizeof *lines));
			start = ad_xrealloc(start, ad_mul(rowcap + 1, sizeof *start));
		}
		if ((rc = ad_text_label(tok, o->normal, o->vocab, &lab[nrow])) != 0) {
			if (rc == -2)
				rc = ad_error("%s:%ld: label '%s' is not in the vocabulary %s", s->name,
				              lineno, ad_printable(tok), ad_name(o->vocab->path));
			else
				rc = ad_error("%s:%ld: label '%s' is not an integer (-N names the normal "
				              "label of text labels, -L a vocabulary)", s->name, lineno,
				              ad_printable(tok));
			break;
		}
		lines[nrow] = lineno;
		start[nrow] = nent;
		while (rc == 0 && (tok = strtok_r(NULL, " \t\r\n", &save))) {
			char *colon = strchr(tok, ':'), *end;
			long i;
			float v;
			if (!strncmp(tok, "qid:", 4))
				continue;
			if (!colon || ad_parse_long((*colon = 0, tok), 1, INT_MAX, &i)) {
				if (colon)
					*colon = ':';
				rc = ad_error("%s:%ld: '%s' is not index:value (index from 1)", s->name,
				              lineno, ad_printable(tok));
				break;
			}
			if (i <= prev) {
				rc = ad_error("%s:%ld: index %ld after %ld (indices must increase)", s->name,
				              lineno, i, prev);
				break;
			}
			if (o->dim && i > o->dim) {
				rc = ad_error("%s:%ld: index %ld above the dimension %d (-D)", s->name,
				              lineno, i, o->dim);
				break;
			}
			if (i > ADV_MAX_DIM) {
				rc = ad_error("%s:%ld: index %ld: too many features", s->name, lineno, i);
				break;
			}
			errno = 0;
			v = strtof(colon + 1, &end);
			if (end == colon + 1 || *end || !isfinite(v)) {
				rc = ad_error("%s:%ld: index %ld: bad value '%s'", s->name, lineno, i,
				              ad_printable(colon + 1));
				break;
			}
			prev = i;
			if (i > maxidx)
				maxidx = i;
			if (nent == entcap) {
				entcap = entcap ? 2 * entcap : 4096;
				idx = ad_xrealloc(idx, ad_mul(entcap, sizeof *idx));
				val = ad_xrealloc(val, ad_mul(entcap, sizeof *val));
			}
			idx[nent] = (int)i;
			val[nent++] = v;
		}
		nrow++;
	}
	if (rc == 0 && ferror(f))
		rc = ad_error("%s: %s", s->name, ad_ferror_msg(f));
	if (rc == 0 && nrow == 0)
		rc = ad_error("%s: empty input", s->name);
	if (rc == 0 && !o->dim && maxidx == 0)
		rc = ad_error("%s: no feature in any row (give the dimension with -D)", s->name);
	if (rc == 0) {
		int dim = o->dim ? o->dim : (int)maxidx;
		memset(&d, 0, sizeof d);
		start[nrow] = nent;
		d.info.dim = dim;
		d.info.shape[0] = dim;
		d.info.shape[1] = d.info.shape[2] = 1;
		d.n = (long)nrow;
		d.label = lab;
		lab = NULL;
		d.x = ad_xcalloc(ad_mul(nrow, (size_t)dim), sizeof *d.x);
		for (size_t r = 0; r < nrow; r++)
			for (size_t k = start[r]; k < start[r + 1]; k++)
				d.x[r * (size_t)dim + (size_t)(idx[k] - 1)] = val[k];
		ad_source_from_data_lines(s, &d, lines);
		lines = NULL;
	}
	free(line);
	free(idx);
	free(val);
	free(lab);
	free(lines);
	free(start);
	return rc;
}
