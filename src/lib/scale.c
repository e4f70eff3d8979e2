/* scale.c: per-feature min-max and z-score scaling.  See scale.h. */
#include "scale.h"
#include "advec.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCALE_VERSION 2   /* 1: no contrast= and global= in the header */

static const char *const methods[] = {"minmax", "zscore"};
static const char *const contrasts[] = {"none", "l1", "l2"};

const char *scale_contrast_name(int contrast)
{
	return contrasts[contrast];
}

int scale_contrast_parse(const char *name)
{
	for (int k = 0; k < 3; k++)
		if (!strcmp(name, contrasts[k]))
			return k;
	return -1;
}

void scale_init(ScaleStats *s, int method, double lower, double upper, int dim)
{
	memset(s, 0, sizeof *s);
	s->method = method;
	s->lower = lower;
	s->upper = upper;
	s->dim = dim;
	s->min = ad_xmalloc(ad_mul((size_t)dim, sizeof(double)));
	s->max = ad_xmalloc(ad_mul((size_t)dim, sizeof(double)));
	s->mean = ad_xcalloc((size_t)dim, sizeof(double));
	s->m2 = ad_xcalloc((size_t)dim, sizeof(double));
	s->sd = ad_xcalloc((size_t)dim, sizeof(double));
	s->row = ad_xmalloc(ad_mul((size_t)dim, sizeof(float)));
}

void scale_options(ScaleStats *s, int contrast, int global)
{
	s->contrast = contrast;
	s->global = global;
}

/* the row after contrast normalisation (x itself without it) */
static const float *contrast_row(const ScaleStats *s, const float *x)
{
	double m = 0, c = 0;
	int d = s->dim;
	if (s->contrast == SCALE_CONTRAST_NONE)
		return x;
	for (int j = 0; j < d; j++)
		m += x[j];
	m /= d;
	for (int j = 0; j < d; j++)
		c += s->contrast == SCALE_CONTRAST_L1 ? fabs(x[j] - m) : (x[j] - m) * (x[j] - m);
	c = s->contrast == SCALE_CONTRAST_L1 ? c / d : sqrt(c / d);
	if (!(c > 0))
		c = 1;
	for (int j = 0; j < d; j++)
		s->row[j] = (float)((x[j] - m) / c);
	return s->row;
}

/* Welford's update of feature slot j with value v, the k-th value of the slot */
static void welford(ScaleStats *s, int j, double v, long k)
{
	double d = v - s->mean[j];
	if (k == 1 || v < s->min[j])
		s->min[j] = v;
	if (k == 1 || v > s->max[j])
		s->max[j] = v;
	s->mean[j] += d / (double)k;
	s->m2[j] += d * (v - s->mean[j]);
}

void scale_add(ScaleStats *s, const float *x)
{
	x = contrast_row(s, x);
	s->n++;
	for (int j = 0; j < s->dim; j++) {
		if (s->global)   /* value j of row n is the ((n - 1) dim + j + 1)-th of slot 0 */
			welford(s, 0, x[j], (s->n - 1) * s->dim + j + 1);
		else
			welford(s, j, x[j], s->n);
	}
}

void scale_finish(ScaleStats *s)
{
	long k = s->global ? s->n * s->dim : s->n;
	for (int j = 0; j < s->dim; j++) {
		if (s->global && j > 0) {
			s->min[j] = s->min[0];
			s->max[j] = s->max[0];
			s->mean[j] = s->mean[0];
			s->m2[j] = s->m2[0];
		}
		s->sd[j] = k > 0 && s->m2[j] > 0 ? sqrt(s->m2[j] / (double)k) : 0.0;
	}
}

int scale_save(const ScaleStats *s, FILE *f)
{
	int v2 = s->contrast != SCALE_CONTRAST_NONE || s->global;
	/* version 1 where it is enough, so such files stay readable by older versions */
	fprintf(f, "#adscale %d method=%s dim=%d n=%ld lower=%.17g upper=%.17g", v2 ? 2 : 1,
	        methods[s->method], s->dim, s->n, s->lower, s->upper);
	if (v2)
		fprintf(f, " contrast=%s global=%d", contrasts[s->contrast], s->global);
	fputc('\n', f);
	fprintf(f, "#feature\tmin\tmax\tmean\tstd\n");
	for (int j = 0; j < s->dim; j++)
		fprintf(f, "%d\t%.17g\t%.17g\t%.17g\t%.17g\n", j + 1, s->min[j], s->max[j],
		        s->mean[j], s->sd[j]);
	if (fflush(f) != 0 || ferror(f))
		return ad_error("write error: %s", strerror(errno ? errno : EIO));
	return 0;
}

/* strict double: the whole field, finite */
static int field_double(char **p, double *v)
{
	size_t k = strcspn(*p, "\t\n");
	char save = (*p)[k];
	if (ad_num_f64(*p, k, v) != AD_NUM_OK)
		return -1;
	*p += k + (save == '\t');
	return save == '\t' ? 1 : 0;    /* 1: more fields follow */
}

int scale_load(ScaleStats *s, const char *path)
{
	FILE *f = ad_fopen_read(path);
	const char *name = ad_name(path);
	char *line = NULL, meth[16], con[16] = "none";
	size_t cap = 0;
	long lineno = 0, n;
	int ver, dim, pos = -1, rc = -1, j = 0, m, contrast, global = 0;
	double lo, hi;
	memset(s, 0, sizeof *s);
	if (!f)
		return -1;
	if (getline(&line, &cap, f) < 0) {
		ad_error("%s: empty statistics file", name);
		goto out;
	}
	lineno = 1;
	if (strncmp(line, "#adscale ", 9) || sscanf(line, "#adscale %d", &ver) != 1) {
		ad_error("%s:1: not an ad-scale statistics file (no #adscale header)", name);
		goto out;
	}
	if (ver < 1 || ver > SCALE_VERSION) {
		ad_error("%s:1: unsupported statistics version %d (expected 1 to %d)", name, ver,
		         SCALE_VERSION);
		goto out;
	}
	if ((ver == 1 ? sscanf(line, "#adscale %*d method=%15[a-z] dim=%d n=%ld lower=%lf upper=%lf%n",
	                       meth, &dim, &n, &lo, &hi, &pos) != 5
	              : sscanf(line, "#adscale %*d method=%15[a-z] dim=%d n=%ld lower=%lf upper=%lf "
	                       "contrast=%15[a-z0-9] global=%d%n", meth, &dim, &n, &lo, &hi, con,
	                       &global, &pos) != 7)
	    || pos < 0 || (line[pos] && line[pos] != '\n')) {
		ad_error("%s:1: bad header (expected '#adscale %d method=M dim=D n=N lower=L upper=U%s')",
		         name, ver, ver == 1 ? "" : " contrast=C global=G");
		goto out;
	}
	if ((contrast = scale_contrast_parse(con)) < 0 || (global != 0 && global != 1)) {
		ad_error("%s:1: bad contrast=%s or global=%d (none, l1 or l2; 0 or 1)", name, con, global);
		goto out;
	}
	for (m = 0; m < 2 && strcmp(meth, methods[m]); m++)
		;
	if (m == 2) {
		ad_error("%s:1: unknown method '%s'", name, meth);
		goto out;
	}
	if (dim < 1 || dim > ADV_MAX_DIM || n < 1 || !isfinite(lo) || !isfinite(hi) || lo >= hi) {
		ad_error("%s:1: bad header values (dim=%d n=%ld lower=%g upper=%g)", name, dim, n, lo,
		         hi);
		goto out;
	}
	if (getline(&line, &cap, f) < 0 || (lineno = 2, strcmp(line, "#feature\tmin\tmax\tmean\tstd\n"))) {
		ad_error("%s:2: expected the column line '#feature<TAB>min<TAB>max<TAB>mean<TAB>std'",
		         name);
		goto out;
	}
	scale_init(s, m, lo, hi, dim);
	scale_options(s, contrast, global);
	s->n = n;
	while (getline(&line, &cap, f) >= 0) {
		char *p = line, *end;
		double v[4];
		long k;
		int more = 1;
		lineno++;
		if (j == dim) {
			ad_error("%s:%ld: more features than dim=%d", name, lineno, dim);
			goto out;
		}
		errno = 0;
		k = strtol(p, &end, 10);
		if (end == p || *end != '\t' || errno || k != j + 1) {
			ad_error("%s:%ld: expected feature number %d", name, lineno, j + 1);
			goto out;
		}
		p = end + 1;
		for (int i = 0; i < 4; i++) {
			more = more == 1 ? field_double(&p, &v[i]) : -2;
			if (more < 0 || (i < 3 && more == 0) || (i == 3 && more == 1)) {
				ad_error("%s:%ld: expected 5 fields: number, min, max, mean, std (finite)",
				         name, lineno);
				goto out;
			}
		}
		if (v[0] > v[1] || v[3] < 0) {
			ad_error("%s:%ld: inconsistent statistics (min > max, or std < 0)", name, lineno);
			goto out;
		}
		if (global && j > 0 && (v[0] != s->min[0] || v[1] != s->max[0] || v[2] != s->mean[0]
		                        || v[3] != s->sd[0])) {
			ad_error("%s:%ld: global=1, but the statistics differ from feature 1's", name,
			         lineno);
			goto out;
		}
		s->min[j] = v[0];
		s->max[j] = v[1];
		s->mean[j] = v[2];
		s->sd[j] = v[3];
		s->m2[j] = v[3] * v[3] * (double)n;
		j++;
	}
	if (ferror(f)) {
		ad_error("%s: %s", name, ad_ferror_msg(f));
		goto out;
	}
	if (j != dim) {
		ad_error("%s: %d features, the header says dim=%d", name, j, dim);
		goto out;
	}
	rc = 0;
out:
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc)
		scale_free(s);
	return rc;
}

int scale_apply(const ScaleStats *s, const float *x, float *y)
{
	x = contrast_row(s, x);
	for (int j = 0; j < s->dim; j++) {
		double v;
		if (s->method == SCALE_MINMAX) {
			double r = s->max[j] - s->min[j];
			v = s->lower + (x[j] - s->min[j]) * (r > 0 ? (s->upper - s->lower) / r : 1.0);
		} else {
			v = (x[j] - s->mean[j]) / (s->sd[j] > 0 ? s->sd[j] : 1.0);
		}
		y[j] = (float)v;
		if (!isfinite(y[j]))
			return j + 1;
	}
	return 0;
}

void scale_free(ScaleStats *s)
{
	free(s->min);
	free(s->max);
	free(s->mean);
	free(s->m2);
	free(s->sd);
	free(s->row);
	memset(s, 0, sizeof *s);
}
