/* scores.c: reading and writing score tables (see scores.h). */
#include "scores.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (1 << 20)

struct ScoreReader {
	FILE *f;                /* the input, or NULL when lines come from fn */
	ScoreLineFn *fn;
	void *ctx;
	const char *name;
	long lineno;
	char *line;             /* current line (getline buffer) */
	size_t linecap;
	int pending;            /* 1: `line` holds a data row not yet consumed */
	int eof;
	int has_header;
	int saw_hash;           /* a '#' line came (the first one is the header) */
	int started;            /* the first row has set the columns */
	size_t ncol;
	char **names;           /* ncol names ("" if unnamed) */
	size_t nnames;
	double *row;            /* scratch for one parsed row */
};

/* Read the next line into r->line without its newline: 1, 0 at EOF, -1 error. */
static int read_line(ScoreReader *r)
{
	long n;
	errno = 0;
	if (r->fn) {
		if ((n = r->fn(r->ctx, &r->line, &r->linecap)) < 0)
			return -1;
	} else if ((n = ad_getline(&r->line, &r->linecap, r->f)) < 0) {
		return ad_error("%s: %s", r->name, ad_ferror_msg(r->f));
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->lineno++;
	if (n > MAX_LINE)
		return ad_error("%s:%ld: line too long", r->name, r->lineno);
	if ((size_t)n != strlen(r->line))
		return ad_error("%s:%ld: NUL byte in a text line", r->name, r->lineno);
	while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
		r->line[--n] = '\0';
	return 1;
}

static int is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Split the header into names. */
static void parse_header(ScoreReader *r, const char *s)
{
	size_t n = 0;
	const char *p = s + 1;        /* skip '#' */
	for (;;) {
		size_t len;
		p += strspn(p, " \t");
		if (!*p)
			break;
		len = strcspn(p, " \t");
		r->names = ad_xrealloc(r->names, (n + 1) * sizeof *r->names);
		r->names[n] = ad_xmalloc(len + 1);
		memcpy(r->names[n], p, len);
		r->names[n][len] = '\0';
		n++;
		p += len;
	}
	r->nnames = n;
}

/* Count the fields of a row. */
static size_t count_fields(const char *s)
{
	size_t n = 0;
	for (;;) {
		s += strspn(s, " \t");
		if (!*s)
			return n;
		n++;
		s += strcspn(s, " \t");
	}
}

/* Parse r->line into r->row (r->ncol values). */
static int parse_row(ScoreReader *r)
{
	const char *p = r->line;
	size_t k = 0;
	for (;;) {
		size_t len;
		double v;
		p += strspn(p, " \t");
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (k < r->ncol) {
			int rc = ad_num_f64(p, len, &v);
			if (rc == AD_NUM_BAD)
				return ad_error("%s:%ld: column %zu: bad number '%.*s'", r->name,
				                r->lineno, k + 1, (int)(len > 40 ? 40 : len), p);
			if (rc != AD_NUM_OK)
				return ad_error("%s:%ld: column %zu: not a finite number '%.*s'", r->name,
				                r->lineno, k + 1, (int)(len > 40 ? 40 : len), p);
			r->row[k] = v;
		}
		k++;
		p += len;
	}
	if (k != r->ncol)
		return ad_error("%s:%ld: expected %zu columns, got %zu", r->name, r->lineno,
		                r->ncol, k);
	return 0;
}

/* Read comment lines (the first one is the header) up to the first row, which
 * sets the column count and is left pending.  An empty line on the way is
 * skipped, or ends the search when blank_ends (a reader of groups in step with
 * a writer: it is an empty group).  1 = the first row is pending, 0 = end of
 * input, 2 = an empty line (blank_ends only), -1 = error. */
static int start(ScoreReader *r, int blank_ends)
{
	int rc;
	while ((rc = read_line(r)) == 1) {
		if (r->line[0] == '#') {
			if (!r->saw_hash)
				parse_header(r, r->line);
			r->saw_hash = 1;
			continue;
		}
		if (is_blank(r->line)) {
			if (blank_ends)
				return 2;
			continue;
		}
		break;
	}
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < r->nnames; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->names[i], r->names[j]))
				return ad_error("%s: column name '%s' appears twice in the header "
				                "(columns %zu and %zu): names must be unique", r->name,
				                ad_printable(r->names[i]), j + 1, i + 1);
	if (rc == 0)
		return 0;
	r->started = 1;
	r->pending = 1;
	r->has_header = r->saw_hash && r->nnames > 0;
	r->ncol = r->has_header ? r->nnames : count_fields(r->line);
	if (!r->has_header) {
		static const char *const def1[] = { "score" }, *const def2[] = { "label", "score" };
		const char *const *def = r->ncol == 1 ? def1 : def2;
		size_t ndef = r->ncol == 1 ? 1 : 2;
		for (size_t i = 0; i < r->nnames; i++)
			free(r->names[i]);
		r->names = ad_xrealloc(r->names, r->ncol * sizeof *r->names);
		for (size_t i = 0; i < r->ncol; i++)
			r->names[i] = ad_xstrdup(i < ndef ? def[i] : "");
		r->nnames = r->ncol;
	}
	r->row = ad_xmalloc(ad_mul(r->ncol, sizeof *r->row));
	return parse_row(r) < 0 ? -1 : 1;
}

ScoreReader *scores_open(FILE *f, const char *name)
{
	ScoreReader *r = ad_xcalloc(1, sizeof *r);
	int rc;
	r->f = f;
	r->name = name;
	rc = start(r, 0);
	if (rc == 1)
		return r;
	if (rc == 0)
		ad_error("%s: no rows", name);
	scores_close(r);
	return NULL;
}

ScoreReader *scores_open_fn(ScoreLineFn *fn, void *ctx, const char *name)
{
	ScoreReader *r = ad_xcalloc(1, sizeof *r);
	r->fn = fn;
	r->ctx = ctx;
	r->name = name;
	return r;
}

void scores_close(ScoreReader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->line);
	free(r->row);
	free(r);
}

static void group_add(ScoreGroup *g, const ScoreReader *r)
{
	size_t len = strlen(r->line) + 1;
	if (g->nrow == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->line = ad_xrealloc(g->line, ad_mul(g->cap, sizeof *g->line));
		g->off = ad_xrealloc(g->off, ad_mul(g->cap, sizeof *g->off));
	}
	if ((g->nrow + 1) * r->ncol > g->vcap) {   /* a group may move to another reader */
		g->vcap = ad_mul(g->cap, r->ncol);
		g->v = ad_xrealloc(g->v, ad_mul(g->vcap, sizeof *g->v));
	}
	while (g->buflen + len > g->bufcap) {
		g->bufcap = g->bufcap ? 2 * g->bufcap : 4096;
		g->buf = ad_xrealloc(g->buf, g->bufcap);
	}
	memcpy(g->v + g->nrow * r->ncol, r->row, r->ncol * sizeof *r->row);
	g->line[g->nrow] = r->lineno;
	g->off[g->nrow] = g->buflen;
	memcpy(g->buf + g->buflen, r->line, len);
	g->buflen += len;
	g->nrow++;
}

int scores_next(ScoreReader *r, size_t maxrows, ScoreGroup *g)
{
	int rc;
	g->nrow = 0;
	g->buflen = 0;
	g->blank = 0;
	g->ncol = r->ncol;
	if (!r->started) {              /* scores_open_fn(): nothing read yet */
		rc = start(r, 1);
		if (rc != 1) {
			g->blank = rc == 2;
			return rc == 2 ? 1 : rc;
		}
		g->ncol = r->ncol;
	}
	if (r->pending) {
		group_add(g, r);
		r->pending = 0;
	}
	while (!(maxrows && g->nrow >= maxrows)) {
		rc = read_line(r);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return g->nrow > 0;
		if (r->line[0] == '#')
			continue;
		if (is_blank(r->line)) {
			g->blank = 1;
			return 1;
		}
		if (parse_row(r) < 0)
			return -1;
		group_add(g, r);
	}
	return 1;
}

void scores_group_free(ScoreGroup *g)
{
	free(g->v);
	free(g->line);
	free(g->off);
	free(g->buf);
	memset(g, 0, sizeof *g);
}

long scores_lineno(const ScoreReader *r)
{
	return r->lineno;
}

size_t scores_ncol(const ScoreReader *r)
{
	return r->ncol;
}

int scores_has_header(const ScoreReader *r)
{
	return r->has_header;
}

const char *scores_colname(const ScoreReader *r, size_t col)
{
	return col < r->nnames ? r->names[col] : "";
}

long scores_column(const ScoreReader *r, const char *spec)
{
	if (*spec && spec[strspn(spec, "0123456789")] == '\0') {
		long k;
		if (ad_parse_long(spec, 1, (long)r->ncol, &k) < 0)
			return ad_error("%s: column %s out of range (%zu column%s)", r->name, spec,
			                r->ncol, r->ncol == 1 ? "" : "s");
		return k - 1;
	}
	for (size_t i = 0; i < r->nnames; i++)
		if (*spec && !strcmp(r->names[i], spec))
			return (long)i;
	{
		char list[256] = "";
		size_t len = 0;
		for (size_t i = 0; i < r->nnames && len < sizeof list - 8; i++) {
			int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
			                 *r->names[i] ? r->names[i] : "-");
			if (w < 0)
				break;
			len += (size_t)w;
		}
		if (len >= sizeof list)
			strcpy(list + sizeof list - 4, "...");
		return ad_error("%s: no column '%s' (columns: %s)", r->name, spec, list);
	}
}

double *scores_column_values(const ScoreGroup *g, size_t col, double *out)
{
	for (size_t i = 0; i < g->nrow; i++)
		out[i] = g->v[i * g->ncol + col];
	return out;
}

void scores_write_header(FILE *f, const ScoreReader *r, const char *const *extra, size_t nextra)
{
	if (!r->has_header)
		return;
	fputc('#', f);
	for (size_t i = 0; i < r->nnames; i++)
		fprintf(f, "%s%s", i ? "\t" : "", r->names[i]);
	for (size_t i = 0; i < nextra; i++)
		fprintf(f, "\t%s", extra[i]);
	fputc('\n', f);
}

size_t scores_format_double(char buf[SCORES_DOUBLE_LEN], double x)
{
	/* the shortest of %.15g, %.16g, %.17g that reads back as x: 0.1, not
	 * 0.10000000000000001, and still bit-exact */
	int n = 0;
	for (int p = 15; p <= 17; p++) {
		n = snprintf(buf, SCORES_DOUBLE_LEN, "%.*g", p, x);
		if (p == 17 || strtod(buf, NULL) == x)
			break;
	}
	return n > 0 ? (size_t)n : 0;
}

void scores_write_double(FILE *f, double x)
{
	char buf[SCORES_DOUBLE_LEN];
	scores_format_double(buf, x);
	fputs(buf, f);
}

void scores_write_row(FILE *f, const ScoreGroup *g, size_t row, const double *extra, size_t nextra)
{
	fputs(scores_text(g, row), f);
	for (size_t i = 0; i < nextra; i++) {
		fputc('\t', f);
		scores_write_double(f, extra[i]);
	}
	fputc('\n', f);
}

int scores_filter(const char *path, const char *col, size_t maxrows, FILE *out,
                  size_t nex, const char *const *extra, size_t nwrite,
                  ScoreFilterFn *fn, void *ctx)
{
	const char *outs[] = { "-" };
	FILE *f = out == stdout && ad_check_outputs(outs, 1, (const char *[]){ path ? path : "-" }, 1) ? NULL : ad_fopen_read(path);
	ScoreReader *r = f ? scores_open(f, ad_name(path)) : NULL;
	ScoreGroup g = { 0 };
	double *s = NULL, *scratch = NULL, *ex = NULL;
	unsigned char *keep = NULL;
	double *row = ad_xmalloc(ad_mul(nwrite ? nwrite : 1, sizeof *row));
	size_t cap = 0;
	long c = r ? scores_column(r, col) : -1;
	int rc = c < 0 ? -1 : 0;
	for (size_t k = 0; rc == 0 && r->has_header && k < nwrite; k++)
		for (size_t i = 0; rc == 0 && i < r->nnames; i++)
			if (!strcmp(extra[k], r->names[i]))
				rc = ad_error("%s: the input has a column '%s' already (column %zu): "
				              "names must be unique", r->name, extra[k], i + 1);
	if (rc == 0)
		scores_write_header(out, r, extra, nwrite);
	while (rc == 0 && (rc = scores_next(r, maxrows, &g)) == 1) {
		if (g.nrow > cap) {
			cap = g.nrow;
			s = ad_xrealloc(s, ad_mul(cap, sizeof *s));
			scratch = ad_xrealloc(scratch, ad_mul(cap, sizeof *scratch));
			ex = ad_xrealloc(ex, ad_mul(ad_mul(cap, nex ? nex : 1), sizeof *ex));
			keep = ad_xrealloc(keep, cap);
		}
		scores_column_values(&g, (size_t)c, s);
		memset(keep, 1, g.nrow);
		fn(ctx, s, g.nrow, scratch, ex, keep);
		for (size_t i = 0; i < g.nrow; i++) {
			if (!keep[i])
				continue;
			for (size_t k = 0; k < nwrite; k++)
				row[k] = ex[k * g.nrow + i];
			scores_write_row(out, &g, i, row, nwrite);
		}
		if (g.blank)
			putc('\n', out);
		if (fflush(out) != 0 || ferror(out))     /* the answer to a co-process batch */
			rc = ad_error("write error: %s", strerror(errno ? errno : EIO));
		else
			rc = 0;
	}
	scores_group_free(&g);
	if (r)
		scores_close(r);
	if (f && f != stdin)
		fclose(f);
	free(s);
	free(scratch);
	free(ex);
	free(keep);
	free(row);
	return rc < 0 ? -1 : 0;
}
