/* kdd.c: see kdd.h. */
#include "kdd.h"
#include "rng.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define NFIELD 41
#define NSYM 7
#define NNUM (NFIELD - NSYM)
#define MAXVOCAB 1000           /* values per symbolic field */
#define MAXVALUE 64             /* bytes per value */

static const int sym_field[NSYM] = {1, 2, 3, 6, 11, 20, 21};
static const char *const sym_name[NSYM] = {"protocol_type", "service", "flag", "land",
	"logged_in", "is_host_login", "is_guest_login"};

typedef struct {
	char **v;                   /* values */
	int n;
} Vocab;

static int lookup(const Vocab *vb, const char *s)
{
	for (int i = 0; i < vb->n; i++)
		if (!strcmp(vb->v[i], s))
			return i;
	return -1;
}

static void vocab_free(Vocab *vb)
{
	for (int f = 0; f < NSYM; f++) {
		for (int i = 0; i < vb[f].n; i++)
			free(vb[f].v[i]);
		free(vb[f].v);
		vb[f].v = NULL;
		vb[f].n = 0;
	}
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vocab_read(const char *path, Vocab *vb)
{
	FILE *f = ad_fopen_read(path);
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int field = 0;
	const char *name = ad_name(path);
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *save, *tok;
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		tok = strtok_r(line, "\t", &save);
		if (field == NSYM || !tok || strcmp(tok, sym_name[field])) {
			ad_error("%s:%ld: expected the field %s", name, lineno,
			         field == NSYM ? "list to end" : sym_name[field]);
			goto fail;
		}
		vb[field].v = ad_xmalloc(MAXVOCAB * sizeof *vb[field].v);
		while ((tok = strtok_r(NULL, "\t", &save))) {
			if (vb[field].n == MAXVOCAB || strlen(tok) >= MAXVALUE) {
				ad_error("%s:%ld: too many or too long values", name, lineno);
				goto fail;
			}
			if (lookup(&vb[field], tok) >= 0) {
				ad_error("%s:%ld: value '%s' listed twice", name, lineno,
				         ad_printable(tok));
				goto fail;
			}
			vb[field].v[vb[field].n++] = ad_xstrdup(tok);
		}
		if (vb[field].n == 0) {
			ad_error("%s:%ld: no values for %s", name, lineno, sym_name[field]);
			goto fail;
		}
		field++;
	}
	if (ferror(f)) {
		ad_error("%s: %s", name, ad_ferror_msg(f));
		goto fail;
	}
	if (field < NSYM) {
		ad_error("%s: not a KDD'99 vocabulary (no line for %s)", name, sym_name[field]);
		goto fail;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
fail:
	free(line);
	if (f != stdin)
		fclose(f);
	vocab_free(vb);
	return -1;
}

static int vocab_write(const char *path, const Vocab *vb)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return ad_error("%s: %s", path, strerror(errno));
	fprintf(f, "# adpipe KDD'99 vocabulary: each symbolic field, then its values in "
	           "column order\n");
	for (int k = 0; k < NSYM; k++) {
		fputs(sym_name[k], f);
		for (int i = 0; i < vb[k].n; i++)
			fprintf(f, "\t%s", vb[k].v[i]);
		fputc('\n', f);
	}
	if (fflush(f) != 0 || ferror(f)) {
		int e = errno;
		fclose(f);
		return ad_error("%s: write error: %s", path, strerror(e ? e : EIO));
	}
	if (fclose(f) != 0)
		return ad_error("%s: write error: %s", path, strerror(errno));
	return 0;
}

/* Parsed records, compact. */
typedef struct {
	long n, cap;
	float *num;                 /* n x NNUM */
	int *sym;                   /* n x NSYM: value index, -1 unknown */
	unsigned char *normal;      /* n */
} Rows;

static void rows_push(Rows *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4096;
		r->num = ad_xrealloc(r->num, ad_mul((size_t)r->cap, NNUM * sizeof(float)));
		r->sym = ad_xrealloc(r->sym, ad_mul((size_t)r->cap, NSYM * sizeof(int)));
		r->normal = ad_xrealloc(r->normal, (size_t)r->cap);
	}
	r->n++;
}

/* One CSV line into row r->n - 1; fixed: vocabulary is read-only. */
static int parse(char *line, const char *name, long lineno, Rows *r, Vocab *vb, int fixed,
                 AdKddStats *st)
{
	char *fld[NFIELD + 2];
	int nf = 0, k = 0, unknown = 0;
	long i = r->n - 1;
	char *p = line;
	for (;;) {
		if (nf < NFIELD + 2)
			fld[nf] = p;
		nf++;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	if (nf != NFIELD + 1)
		return ad_error("%s:%ld: %d comma-separated fields (expected 41 features and a "
		                "label)", name, lineno, nf);
	for (int f = 0, s = 0; f < NFIELD; f++) {
		if (s < NSYM && sym_field[s] == f) {
			int v;
			/* a TAB would split the value in the vocabulary file */
			if (!*fld[f] || strlen(fld[f]) >= MAXVALUE || strchr(fld[f], '\t'))
				return ad_error("%s:%ld: field %d (%s): empty, too long or with a TAB",
				                name, lineno, f + 1, sym_name[s]);
			v = lookup(&vb[s], fld[f]);
			if (v < 0 && !fixed) {
				if (vb[s].n == MAXVOCAB)
					return ad_error("%s:%ld: field %d (%s): more than %d distinct values",
					                name, lineno, f + 1, sym_name[s], MAXVOCAB);
				if (!vb[s].v)
					vb[s].v = ad_xmalloc(MAXVOCAB * sizeof *vb[s].v);
				vb[s].v[vb[s].n] = ad_xstrdup(fld[f]);
				v = vb[s].n++;
			}
			if (v < 0 && !unknown++ && !st->unknown_rows)
				snprintf(st->unknown_example, sizeof st->unknown_example, "%s '%s'",
				         sym_name[s], ad_printable(fld[f]));
			r->sym[(size_t)i * NSYM + (size_t)s++] = v;
		} else {
			double x;
			if (ad_num_f64(fld[f], AD_NUM_NUL, &x) != AD_NUM_OK || fabs(x) > 3.4e38)
				return ad_error("%s:%ld: field %d: bad number '%s'", name, lineno, f + 1,
				                ad_printable(fld[f]));
			r->num[(size_t)i * NNUM + (size_t)k++] = (float)x;
		}
	}
	{
		char *lab = fld[NFIELD];
		size_t n = strlen(lab);
		if (n && lab[n - 1] == '.')
			lab[--n] = 0;
		if (!n)
			return ad_error("%s:%ld: empty label", name, lineno);
		r->normal[i] = !strcmp(lab, "normal");
	}
	st->unknown_rows += unknown > 0;
	return 0;
}

static int read_rows(FILE *f, const char *name, Rows *r, Vocab *vb, int fixed,
                     AdKddStats *st)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len)
			continue;
		rows_push(r);
		if (parse(line, name, lineno, r, vb, fixed, st) < 0) {
			rc = -1;
			break;
		}
	}
	if (!rc && ferror(f))
		rc = ad_error("%s: %s", name, ad_ferror_msg(f));
	if (!rc && r->n == 0)
		rc = ad_error("%s: no records", name);
	free(line);
	return rc;
}

int ad_kdd_load(const char *path, const AdKddOpts *o, AdvData *d, AdKddStats *st)
{
	FILE *f = ad_fopen_read(path);
	int r;
	if (!f) {
		memset(d, 0, sizeof *d);
		memset(st, 0, sizeof *st);
		return -1;
	}
	r = ad_kdd_read(f, ad_name(path), o, d, st);
	if (f != stdin)
		fclose(f);
	return r;
}

int ad_kdd_read(FILE *f, const char *name, const AdKddOpts *o, AdvData *d, AdKddStats *st)
{
	Vocab vb[NSYM];
	Rows r = {0};
	int col[NSYM], dim = NNUM, rc = -1;
	unsigned char *keep = NULL;
	int *remap[NSYM] = {0};
	memset(vb, 0, sizeof vb);
	memset(d, 0, sizeof *d);
	memset(st, 0, sizeof *st);
	if (o->vocab_in && vocab_read(o->vocab_in, vb) < 0)
		return -1;
	if (read_rows(f, name, &r, vb, o->vocab_in != NULL, st) < 0)
		goto out;
	if (!o->vocab_in) { /* sort each vocabulary; remap the indices */
		for (int s = 0; s < NSYM; s++) {
			char **old = ad_xmalloc((size_t)vb[s].n * sizeof *old);
			memcpy(old, vb[s].v, (size_t)vb[s].n * sizeof *old);
			qsort(vb[s].v, (size_t)vb[s].n, sizeof *vb[s].v, cmpstr);
			remap[s] = ad_xmalloc((size_t)vb[s].n * sizeof(int));
			for (int i = 0; i < vb[s].n; i++)
				remap[s][i] = lookup(&vb[s], old[i]);
			free(old);
		}
		for (long i = 0; i < r.n; i++)
			for (int s = 0; s < NSYM; s++)
				r.sym[i * NSYM + s] = remap[s][r.sym[i * NSYM + s]];
	}
	if (o->vocab_out && vocab_write(o->vocab_out, vb) < 0)
		goto out;
	for (int s = 0; s < NSYM; s++) {
		col[s] = vb[s].n >= 2 ? vb[s].n : 0;
		dim += col[s];
	}
	/* which rows, which labels */
	keep = ad_xmalloc((size_t)r.n);
	memset(keep, 1, (size_t)r.n);
	for (long i = 0; i < r.n; i++)
		st->normal += r.normal[i];
	st->rows = r.n;
	st->attacks = st->attacks_kept = r.n - st->normal;
	if (o->labels == AD_KDD_LABELS_REV && st->attacks > st->normal / 4) {
		int *idx;
		long na = 0;
		Rng g;
		if (st->attacks > 0x7fffffffL) {
			ad_error("%s: too many records", name);
			goto out;
		}
		idx = ad_xmalloc((size_t)st->attacks * sizeof *idx);
		for (long i = 0; i < r.n; i++)
			if (!r.normal[i]) {
				idx[na++] = (int)i;
				keep[i] = 0;
			}
		rng_seed(&g, o->seed);
		rng_shuffle(&g, idx, (size_t)na);
		st->attacks_kept = st->normal / 4;
		for (long j = 0; j < st->attacks_kept; j++)
			keep[idx[j]] = 1;
		free(idx);
	}
	/* encode */
	d->info.dim = dim;
	d->info.shape[0] = dim;
	d->info.shape[1] = d->info.shape[2] = 1;
	d->n = st->normal + st->attacks_kept;
	d->x = ad_xcalloc(ad_mul((size_t)d->n, (size_t)dim), sizeof *d->x);
	d->label = ad_xmalloc((size_t)d->n * sizeof *d->label);
	for (long i = 0, o_ = 0; i < r.n; i++) {
		float *x;
		int k = 0, s = 0, c = 0;
		if (!keep[i])
			continue;
		x = d->x + (size_t)o_ * (size_t)dim;
		for (int fld = 0; fld < NFIELD; fld++) {
			if (s < NSYM && sym_field[s] == fld) {
				int v = r.sym[i * NSYM + s];
				if (col[s] && v >= 0)
					x[c + v] = 1;
				c += col[s];
				s++;
			} else {
				x[c++] = r.num[i * NNUM + k++];
			}
		}
		d->label[o_++] = o->labels == AD_KDD_LABELS_REV ? !r.normal[i] : r.normal[i];
	}
	rc = 0;
out:
	if (rc < 0)
		adv_data_free(d);
	for (int s = 0; s < NSYM; s++)
		free(remap[s]);
	vocab_free(vb);
	free(keep);
	free(r.num);
	free(r.sym);
	free(r.normal);
	return rc;
}
