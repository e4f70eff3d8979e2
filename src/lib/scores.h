/* scores.h: score tables, the text stream between ad-score, ad-zscore, ad-reject,
 * ad-auroc and the --weigh co-process of ad-train.
 *
 *     #label<TAB>score<TAB>z<TAB>alpha
 *     0<TAB>12.25<TAB>-0.81<TAB>2
 *     1<TAB>30.5<TAB>3.02<TAB>1.94
 *     <empty line: end of a group>
 *
 * - The first '#' line before any row is the header: it names the columns
 *   (separated by TABs or spaces).  Every other '#' line is a comment and is
 *   skipped (so concatenated tables are fine).  Without a header the columns
 *   are named by position: one column is "score", two or more start with
 *   "label", "score" (the layout ad-score writes); further ones have no name.
 * - A row is numbers separated by TABs (or spaces); every row has as many as
 *   the header (or the first row).  Numbers must be finite.
 * - An empty line (or one of blanks only) ends a group.
 * - Doubles are written with the shortest of %.15g, %.16g, %.17g that reads
 *   back as the same double, so a value survives the text round trip bit for
 *   bit (0.1 stays "0.1"); rows passed through keep their text as read.
 *
 * Errors (ad_error, then -1/NULL): "FILE:LINE: expected N columns, got M",
 * "FILE:LINE: column K: bad number 'X'", "FILE:LINE: column K: not a finite
 * number 'X'", "FILE:LINE: line too long", "FILE: read error: ...". */
#ifndef AD_SCORES_H
#define AD_SCORES_H
#include <stddef.h>
#include <stdio.h>

typedef struct ScoreReader ScoreReader;

/* One group of rows.  Zero-initialise before the first scores_next(). */
typedef struct {
	size_t nrow, ncol;
	double *v;            /* nrow x ncol values, row-major */
	long *line;           /* line number of each row */
	size_t *off;          /* start of each row's text in buf */
	char *buf;            /* the rows' text, each NUL-terminated, newline removed */
	int blank;            /* 1 if the group ended with an empty line (not EOF/limit) */
	size_t cap, vcap, bufcap, buflen;
} ScoreGroup;

/* Start reading f (name for messages; the reader does not close f).  Reads
 * comment lines up to the first row, so that the header and the column count
 * are known.  NULL + ad_error on a read error, a bad first row, or when the
 * input holds no row at all ("FILE: no rows"). */
ScoreReader *scores_open(FILE *f, const char *name);
void scores_close(ScoreReader *r);

/* Where the lines come from when not from a FILE: like getline(3), store the
 * next line NUL-terminated (with its newline, if it has one) in *line, which
 * the function may grow with realloc (capacity *cap).  Returns its length, 0 at
 * the end of the input, or -1 + ad_error (the reader passes that message on). */
typedef long ScoreLineFn(void *ctx, char **line, size_t *cap);
/* A reader over the lines of fn, for a stream answered group by group while
 * its writer waits (the --weigh co-process, weigh.h): it reads nothing until
 * the first scores_next(), and an empty line before the first row is an empty
 * group there, not skipped.  Otherwise as scores_open(); an input with no rows
 * is simply the end (scores_next() returns 0). */
ScoreReader *scores_open_fn(ScoreLineFn *fn, void *ctx, const char *name);

/* Next group: rows up to an empty line, at most maxrows rows (0: no limit), or
 * up to the end of input.  1 = a group (possibly with no rows, when an empty
 * line follows an empty line), 0 = end of input, -1 = error. */
int scores_next(ScoreReader *r, size_t maxrows, ScoreGroup *g);
void scores_group_free(ScoreGroup *g);

static inline double scores_get(const ScoreGroup *g, size_t row, size_t col)
{
	return g->v[row * g->ncol + col];
}
static inline const char *scores_text(const ScoreGroup *g, size_t row)
{
	return g->buf + g->off[row];
}

size_t scores_ncol(const ScoreReader *r);
/* Number of the last line read (the empty line that ended a group, say). */
long scores_lineno(const ScoreReader *r);
int scores_has_header(const ScoreReader *r);
/* Column name ("" if unnamed). */
const char *scores_colname(const ScoreReader *r, size_t col);
/* Column by name, or by 1-based number when spec is all digits.  0-based index,
 * or -1 + ad_error "FILE: no column 'x' (columns: label, score)" /
 * "FILE: column 7 out of range (2 columns)". */
long scores_column(const ScoreReader *r, const char *spec);

/* Copy column col of the group's rows into out[0..nrow-1]; returns out. */
double *scores_column_values(const ScoreGroup *g, size_t col, double *out);

/* "#name<TAB>...<TAB>extra...\n" if the input had a header; nothing otherwise. */
void scores_write_header(FILE *f, const ScoreReader *r, const char *const *extra, size_t nextra);
/* Row `row` of g as read, then TAB and each extra value (scores_write_double),
 * then a newline. */
void scores_write_row(FILE *f, const ScoreGroup *g, size_t row, const double *extra, size_t nextra);
/* One double, shortest exact form (see above); the format form fills buf (NUL
 * terminated) and returns the length. */
#define SCORES_DOUBLE_LEN 40
void scores_write_double(FILE *f, double x);
size_t scores_format_double(char buf[SCORES_DOUBLE_LEN], double x);

/* A filter over a score table, the loop of ad-zscore and ad-reject: for every
 * group, fn gets the values s[0..n-1] of the chosen column and scratch room for n
 * doubles, writes nex values per row into ex (value k of row i at ex[k*n + i]), and may clear keep[i]
 * to drop row i.  Each kept row is written to out with the first nwrite of its
 * values appended (the header gains the names extra[0..nwrite-1]); the group's
 * empty line is passed on and out is flushed, so a co-process gets its answer
 * before the next group is read.  0, or -1 + ad_error. */
typedef void ScoreFilterFn(void *ctx, const double *s, size_t n, double *scratch,
                           double *ex, unsigned char *keep);
int scores_filter(const char *path, const char *col, size_t maxrows, FILE *out,
                  size_t nex, const char *const *extra, size_t nwrite,
                  ScoreFilterFn *fn, void *ctx);

#endif
