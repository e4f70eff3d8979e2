/* csv.c: CSV and TSV, streamed line by line (constant memory).
 *
 * One record per line; fields split at the delimiter (',' for CSV, TAB for
 * TSV, or -d).  Blanks around a field and a final CR are ignored.  A field may
 * be double-quoted ("1.5", with "" for a quote inside), but a record may not
 * span lines.  Empty lines are skipped.  One column may hold the label (an
 * integer, or any text with a normal label given: that text is 0, the rest 1);
 * every other kept field (all, or those of the keep list, less those of the
 * drop list) must be a finite number, or a missing-value token (ad_is_missing)
 * when missing values are imputed or their rows skipped.  Every record must
 * have as many fields as the first one (or as the header). */
#include "source.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char delim;
	int labcol;             /* 0-based, or -1 */
	long nf;                /* fields per record */
	long lineno;
	char *line;
	size_t cap;
	char **fld;
	long fcap;
	int pending;            /* the first record is already split in fld */
	unsigned char *use;     /* nf flags: 1 = a value column */
	const char *normal;     /* label text of normal rows, or NULL */
	const AdLabelVocab *vocab;  /* text label -> integer, or NULL */
	int missing;            /* AD_MISSING_* */
	float impute;
} Csv;

static int csv_getline(AdSource *s, Csv *c)
{
	long n;
	for (;;) {
		errno = 0;
		n = ad_getline(&c->line, &c->cap, s->f);
		if (n < 0)
			return ad_error("%s: %s", s->name, ad_ferror_msg(s->f));
		if (n == 0)
			return 0;
		c->lineno++;
		if ((size_t)n != strlen(c->line))
			return ad_error("%s:%ld: NUL byte in text input", s->name, c->lineno);
		while (n > 0 && (c->line[n - 1] == '\n' || c->line[n - 1] == '\r'))
			c->line[--n] = 0;
		if (strspn(c->line, " ") != (size_t)n)
			return 1;       /* else a blank line: skip it */
	}
}

static int isblank_c(char ch)
{
	return ch == ' ' || (ch == '\t');
}

/* Split c->line in place into c->fld; the count, or -1 + ad_error. */
static long split(AdSource *s, Csv *c)
{
	char *p = c->line;
	long k = 0;
	for (;;) {
		char *start, *w;
		if (k == c->fcap) {
			c->fcap = c->fcap ? 2 * c->fcap : 64;
			c->fld = ad_xrealloc(c->fld, ad_mul((size_t)c->fcap, sizeof *c->fld));
		}
		while (isblank_c(*p) && *p != c->delim)
			p++;
		if (*p == '"') {
			start = w = ++p;
			for (;;) {
				if (!*p)
					return ad_error("%s:%ld: field %ld: unterminated quote", s->name,
					                c->lineno, k + 1);
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				*w++ = *p++;
			}
			p++;
			while (isblank_c(*p) && *p != c->delim)
				p++;
			if (*p && *p != c->delim)
				return ad_error("%s:%ld: field %ld: text after the closing quote",
				                s->name, c->lineno, k + 1);
			while (w > start && isblank_c(w[-1]))
				w--;
			*w = 0;
			while (isblank_c(*start))
				start++;
		} else {
			start = p;
			while (*p && *p != c->delim)
				p++;
			w = p;
			while (w > start && isblank_c(w[-1]) && w[-1] != c->delim)
				w--;
		}
		c->fld[k++] = start;
		if (!*p) {
			*w = 0;
			return k;
		}
		*w = 0;
		p++;            /* past the delimiter (w <= p, so this byte is intact) */
	}
}

#define MISSING_HINT " (a missing value: -M VALUE imputes it, -M skip drops the row)"

static int csv_read(AdSource *s, int *label, float *x)
{
	Csv *c = s->state;
	long nf;
	int j;
again:
	j = 0;
	if (c->pending) {
		c->pending = 0;
		nf = c->nf;
	} else {
		int k = csv_getline(s, c);
		if (k <= 0)
			return k;
		if ((nf = split(s, c)) < 0)
			return -1;
	}
	if (nf != c->nf)
		return ad_error("%s:%ld: expected %ld fields, got %ld", s->name, c->lineno, c->nf,
		                nf);
	*label = 0;
	for (long k = 0; k < nf; k++) {
		const char *f = c->fld[k];
		int rc;
		float v;
		if (k == c->labcol) {
			int lr = ad_text_label(f, c->normal, c->vocab, label);
			if (lr == -2)
				return ad_error("%s:%ld: field %ld: label '%s' is not in the vocabulary %s",
				                s->name, c->lineno, k + 1, f, ad_name(c->vocab->path));
			if (lr)
				return ad_error("%s:%ld: field %ld: label '%s' is not an integer (-N "
				                "names the normal label of text labels, -L a vocabulary)",
				                s->name, c->lineno, k + 1, f);
			continue;
		}
		if (!c->use[k])
			continue;
		if (c->missing != AD_MISSING_REFUSE && ad_is_missing(f)) {
			if (c->missing == AD_MISSING_SKIP)
				goto again;
			x[j++] = c->impute;
			continue;
		}
		if (!*f)
			return ad_error("%s:%ld: field %ld: empty" MISSING_HINT, s->name, c->lineno,
			                k + 1);
		rc = ad_num_f32(f, AD_NUM_NUL, &v);
		if (rc == AD_NUM_BAD)
			return ad_error("%s:%ld: field %ld: not a number '%s'%s", s->name, c->lineno,
			                k + 1, f, ad_is_missing(f) ? MISSING_HINT : "");
		if (rc == AD_NUM_RANGE)
			return ad_error("%s:%ld: field %ld: value out of float range '%s'", s->name,
			                c->lineno, k + 1, f);
		if (rc != AD_NUM_OK)
			return ad_error("%s:%ld: field %ld: value is not finite '%s'%s", s->name,
			                c->lineno, k + 1, f, isnan(v) ? MISSING_HINT : "");
		x[j++] = v;
	}
	s->line = c->lineno;
	return 1;
}

static void csv_close(AdSource *s)
{
	Csv *c = s->state;
	free(c->line);
	free(c->fld);
	free(c->use);
	free(c);
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Mark in c->use (value v) the columns of list ("3,5-7,name"): numbers from 1,
 * ranges, or header names (names holds the header fields, or NULL). */
static int mark_columns(AdSource *s, Csv *c, const char *list, char **names,
                        unsigned char v, const char *opt)
{
	char *copy = ad_xstrdup(list), *save = NULL, *tok;
	int rc = 0;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		long a = -1, b = -1;
		char *dash = strchr(tok, '-');
		if (all_digits(tok)) {
			if (ad_parse_long(tok, 1, 1L << 30, &a))
				a = 0;
			b = a;
		} else if (dash && dash > tok) {
			*dash = 0;
			if (all_digits(tok) && all_digits(dash + 1) &&
			    !ad_parse_long(tok, 1, 1L << 30, &a) && !ad_parse_long(dash + 1, 1, 1L << 30, &b)
			    && a <= b) {
				/* a range */
			} else {
				*dash = '-';
				a = b = -1;
			}
		}
		if (a < 0 && names) {
			for (long i = 0; i < c->nf && a < 0; i++)
				if (!strcmp(names[i], tok))
					a = b = i + 1;
			if (a < 0)
				rc = ad_error("%s: %s: no column named '%s' in the header", s->name, opt,
				              tok);
		} else if (a < 0) {
			rc = ad_error("%s: %s: '%s' is not a column number or range (names need -H)",
			              s->name, opt, tok);
		} else if (a < 1 || b > c->nf) {
			rc = ad_error("%s: %s: column %s out of range (%ld fields)", s->name, opt, tok,
			              c->nf);
		}
		for (long i = a; rc == 0 && i <= b; i++) {
			if (i - 1 != c->labcol)
				c->use[i - 1] = v;
			else if (a == b)       /* a range passes over the label column */
				rc = ad_error("%s: %s: column %ld is the label column", s->name, opt, i);
		}
	}
	free(copy);
	return rc;
}

static int open_delim(AdSource *s, const AdSourceOpts *o, char delim)
{
	Csv *c = ad_xcalloc(1, sizeof *c);
	const char *lc = o->labelcol;
	int k, from_end = 0;
	c->delim = o->delim ? o->delim : delim;
	c->labcol = -1;
	c->normal = o->normal;
	c->vocab = o->vocab;
	c->missing = o->missing;
	c->impute = o->impute;
	s->state = c;
	s->close = csv_close;
	if (lc && strcmp(lc, "none") && strcmp(lc, "0")) {
		if (all_digits(lc)) {
			long v;
			if (ad_parse_long(lc, 1, 1L << 30, &v))
				return ad_error("bad label column '%s'", lc);
			c->labcol = (int)v - 1;
		} else if (lc[0] == '-' && all_digits(lc + 1)) {
			long v;
			if (ad_parse_long(lc + 1, 1, 1L << 30, &v))
				return ad_error("bad label column '%s'", lc);
			from_end = (int)v;      /* counted from the last field: -1 is the last */
		} else if (!o->header) {
			return ad_error("label column '%s' is a name: it needs a header line (-H)", lc);
		}
	} else
		lc = NULL;
	k = csv_getline(s, c);
	if (k < 0)
		return -1;
	if (k == 0)
		return ad_error("%s: empty input", s->name);
	if ((c->nf = split(s, c)) < 0)
		return -1;
	c->use = ad_xmalloc((size_t)c->nf);
	if (o->header) {
		char **names;
		int rc = 0;
		if (lc && c->labcol < 0) {
			for (long i = 0; i < c->nf && c->labcol < 0; i++)
				if (!strcmp(c->fld[i], lc))
					c->labcol = (int)i;
			if (c->labcol < 0)
				return ad_error("%s:%ld: no column named '%s' in the header", s->name,
				                c->lineno, lc);
		}
		/* the header's names, copied: the next line is read into the same buffer */
		names = ad_xmalloc(ad_mul((size_t)c->nf, sizeof *names));
		for (long i = 0; i < c->nf; i++)
			names[i] = ad_xstrdup(c->fld[i]);
		memset(c->use, o->keep ? 0 : 1, (size_t)c->nf);
		if (o->keep)
			rc = mark_columns(s, c, o->keep, names, 1, "-k");
		if (rc == 0 && o->drop)
			rc = mark_columns(s, c, o->drop, names, 0, "-K");
		for (long i = 0; i < c->nf; i++)
			free(names[i]);
		free(names);
		if (rc)
			return -1;
		k = csv_getline(s, c);
		if (k < 0)
			return -1;
		if (k == 0)
			return ad_error("%s: no data after the header", s->name);
		long nf = split(s, c);
		if (nf < 0)
			return -1;
		if (nf != c->nf)
			return ad_error("%s:%ld: expected %ld fields (as the header), got %ld",
			                s->name, c->lineno, c->nf, nf);
	}
	if (from_end) {
		if (from_end > c->nf)
			return ad_error("%s:%ld: label column -%d, but the rows have %ld fields",
			                s->name, c->lineno, from_end, c->nf);
		c->labcol = (int)(c->nf - from_end);
	}
	if (c->labcol >= c->nf)
		return ad_error("%s:%ld: label column %d, but the rows have %ld fields", s->name,
		                c->lineno, c->labcol + 1, c->nf);
	if (!o->header) {
		memset(c->use, o->keep ? 0 : 1, (size_t)c->nf);
		if ((o->keep && mark_columns(s, c, o->keep, NULL, 1, "-k")) ||
		    (o->drop && mark_columns(s, c, o->drop, NULL, 0, "-K")))
			return -1;
	}
	if (c->labcol >= 0)
		c->use[c->labcol] = 0;
	long dim = 0;
	for (long i = 0; i < c->nf; i++)
		dim += c->use[i];
	if (dim < 1)
		return ad_error("%s:%ld: no value columns besides the label", s->name, c->lineno);
	if (dim > ADV_MAX_DIM)
		return ad_error("%s:%ld: too many fields (%ld)", s->name, c->lineno, c->nf);
	c->pending = 1;
	s->info.dim = (int)dim;
	s->info.shape[0] = s->info.dim;
	s->info.shape[1] = s->info.shape[2] = 1;
	s->read = csv_read;
	return 0;
}

int ad_csv_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	(void)f;
	return open_delim(s, o, ',');
}

int ad_tsv_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	(void)f;
	return open_delim(s, o, '\t');
}
