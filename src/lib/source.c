/* source.c: the table of data set formats, detection, and the vector-stream
 * format (ad-load re-emits vector streams, converting text <-> binary). */
#include "source.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- vector streams as a source ---- */

static int adv_src_read(AdSource *s, int *label, float *x)
{
	return adv_read(s->state, label, x);
}

static void adv_src_close(AdSource *s)
{
	adv_close(s->state);
}

static int adv_sniff(const unsigned char *h, size_t n)
{
	return n >= 4 && (!memcmp(h, "ADVB", 4) || !memcmp(h, "#adv", 4));
}

/* A vector stream without an #adv line (adv(5) allows it): a comment, or a
 * decimal label of up to three digits then a TAB or a space.  Tried only after
 * the magic numbers and the file-name endings (a .tsv file of numbers is TSV). */
static int adv_text_sniff(const unsigned char *h, size_t n)
{
	size_t i = n && h[0] == '-';
	if (n && h[0] == '#')
		return 1;
	while (i < n && h[i] >= '0' && h[i] <= '9')
		i++;
	return i > (size_t)(n && h[0] == '-') && i < n && (h[i] == '\t' || h[i] == ' ');
}

static int adv_src_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	AdvReader *r = adv_open_stream(f, s->name);
	(void)o;
	if (!r)
		return -1;
	s->state = r;
	s->info = *adv_info(r);
	s->read = adv_src_read;
	s->close = adv_src_close;
	return 0;
}

/* ---- a data set in memory as a source ---- */

typedef struct {
	AdvData d;
	long i;
	long *lines;
} Mem;

static int mem_read(AdSource *s, int *label, float *x)
{
	Mem *m = s->state;
	size_t dim = (size_t)m->d.info.dim;
	if (m->i == m->d.n)
		return 0;
	*label = m->d.label[m->i];
	memcpy(x, m->d.x + (size_t)m->i * dim, dim * sizeof *x);
	s->line = m->lines ? m->lines[m->i] : 0;
	m->i++;
	return 1;
}

static void mem_close(AdSource *s)
{
	Mem *m = s->state;
	adv_data_free(&m->d);
	free(m->lines);
	free(m);
}

void ad_source_from_data(AdSource *s, AdvData *d)
{
	ad_source_from_data_lines(s, d, NULL);
}

void ad_source_from_data_lines(AdSource *s, AdvData *d, long *lines)
{
	Mem *m = ad_xcalloc(1, sizeof *m);
	m->lines = lines;
	m->d = *d;
	memset(d, 0, sizeof *d);
	s->state = m;
	s->info = m->d.info;
	s->read = mem_read;
	s->close = mem_close;
}

/* ---- the table ---- */

const AdFormat ad_formats[] = {
	{"adv", "vector stream, text or binary (man adv(5))", adv_sniff, "", 0, adv_src_open},
	{"idx", "IDX (MNIST, Fashion-MNIST); labels with -l", ad_idx_sniff,
	 "-ubyte .idx", 1, ad_idx_open},
	{"cifar", "CIFAR-10 binary batches (label byte + 3x32x32 bytes)", NULL, ".bin", 0,
	 ad_cifar10_open},
	{"cifar100", "CIFAR-100 binary (coarse, fine label bytes + 3x32x32); fine labels",
	 NULL, "", 0, ad_cifar100_open},
	{"csv", "comma-separated values (-c, -H, -d)", NULL, ".csv", 0, ad_csv_open},
	{"tsv", "tab-separated values (-c, -H, -d)", NULL, ".tsv .tab", 0, ad_tsv_open},
	{"npy", "NumPy .npy array; labels from a 1-D .npy with -l", ad_npy_sniff, ".npy", 1,
	 ad_npy_open},
	{"npz", "NumPy .npz archive (ADBench); arrays -x, -y", ad_npz_sniff, ".npz", 0,
	 ad_npz_open},
	{"mat", "MATLAB v5 .mat (ODDS); variables -x, -y", ad_mat_sniff, ".mat", 0,
	 ad_mat_open},
	{"kdd", "KDD Cup '99 records, one-hot encoded (-m, -s, -v, -w)", NULL,
	 "kddcup.data kddcup.data_10_percent", 0, ad_kdd_open},
	{"svmlight", "LIBSVM/svmlight sparse rows: label idx:value ... (-D, -N)", NULL,
	 ".svm .svmlight .libsvm", 0, ad_svmlight_open},
	{NULL, NULL, NULL, NULL, 0, NULL}
};

const AdFormat *ad_format_find(const char *name)
{
	for (const AdFormat *F = ad_formats; F->name; F++)
		if (!strcmp(F->name, name))
			return F;
	return NULL;
}

/* Does path end in one of the space-separated endings (ignoring a final .gz)? */
static int has_ending(const char *path, const char *ends)
{
	size_t n = strlen(path);
	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		n -= 3;
	while (*ends) {
		size_t k = strcspn(ends, " ");
		if (k && k <= n && !strncmp(path + n - k, ends, k))
			return 1;
		ends += k;
		while (*ends == ' ')
			ends++;
	}
	return 0;
}

/* Read up to n bytes and push them back (C guarantees one byte of pushback;
 * glibc, musl and the BSD libcs give at least 4).  Returns the count or -1. */
static long peek(FILE *f, unsigned char *buf, size_t n)
{
	size_t k = 0;
	int c;
	while (k < n && (c = getc(f)) != EOF)
		buf[k++] = (unsigned char)c;
	if (k < n && ferror(f))
		return -1;
	for (size_t i = k; i > 0; i--)
		if (ungetc(buf[i - 1], f) == EOF)
			return -1;
	return (long)k;
}

static const AdFormat *detect(FILE *f, const char *path, const char *name)
{
	unsigned char h[AD_SNIFF];
	long n = peek(f, h, sizeof h);
	if (n < 0) {
		ad_error("%s: %s", name, ad_ferror_msg(f));
		return NULL;
	}
	if (n == 0) {
		ad_error("%s: empty input", name);
		return NULL;
	}
	for (const AdFormat *F = ad_formats; F->name; F++)
		if (F->sniff && F->sniff(h, (size_t)n))
			return F;
	if (adv_check_bom(h, (size_t)n, name))
		return NULL;
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
		ad_error("%s: gzip-compressed input: decompress it first (gzip -dc)", name);
		return NULL;
	}
	if (path && strcmp(path, "-"))
		for (const AdFormat *F = ad_formats; F->name; F++)
			if (F->ext && has_ending(path, F->ext))
				return F;
	if (adv_text_sniff(h, (size_t)n))
		return ad_format_find("adv");
	ad_error("%s: cannot detect the format (use -f)", name);
	return NULL;
}

AdSource *ad_source_open(const char *path, const char *fmt, const AdSourceOpts *o)
{
	static const AdSourceOpts none;
	const AdFormat *F = NULL;
	AdSource *s;
	FILE *f;
	if (!o)
		o = &none;
	if (fmt && !(F = ad_format_find(fmt))) {
		ad_error("unknown format '%s'", fmt);
		return NULL;
	}
	f = ad_fopen_read(path);
	if (!f)
		return NULL;
	s = ad_xcalloc(1, sizeof *s);
	s->name = ad_name(path);
	s->path = path;
	s->f = f;
	s->own = f != stdin;
	if (!F && !(F = detect(f, path, s->name)))
		goto fail;
	if (o->labels && !F->labels_file) {
		ad_error("%s: a labels file (-l) is not used with %s input", s->name, F->name);
		goto fail;
	}
	s->format = F->name;
	if (F->open(s, f, o)) {
		if (s->state && s->close)
			s->close(s);
		goto fail;
	}
	return s;
fail:
	if (s->own)
		fclose(f);
	free(s);
	return NULL;
}

int ad_source_read(AdSource *s, int *label, float *x)
{
	return s->read(s, label, x);
}

void ad_source_close(AdSource *s)
{
	if (!s)
		return;
	if (s->close)
		s->close(s);
	if (s->own)
		fclose(s->f);
	free(s);
}

int ad_parse_label(const char *s, int *out)
{
	char *end;
	long v;
	double d;
	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*end && !errno && v >= INT32_MIN && v <= INT32_MAX) {
		*out = (int)v;
		return 0;
	}
	errno = 0;
	d = strtod(s, &end);
	if (*end || errno || !isfinite(d) || d != floor(d) || d < INT32_MIN || d > INT32_MAX)
		return -1;
	*out = (int)d;
	return 0;
}

int ad_is_missing(const char *f)
{
	static const char *const tok[] = { "", "NA", "N/A", "NaN", "nan", "?", "null", "NULL" };
	for (size_t i = 0; i < sizeof tok / sizeof tok[0]; i++)
		if (!strcmp(f, tok[i]))
			return 1;
	return 0;
}

int ad_text_label(const char *f, const char *normal, const AdLabelVocab *vocab, int *out)
{
	char *e1, *e2;
	double a, b;
	if (vocab) {
		for (size_t i = 0; i < vocab->n; i++)
			if (!strcmp(f, vocab->text[i])) {
				*out = vocab->code[i];
				return 0;
			}
		if (!vocab->has_default)
			return -2;
		*out = vocab->def;
		return 0;
	}
	if (!normal)
		return ad_parse_label(f, out);
	if (!strcmp(f, normal)) {
		*out = 0;
		return 0;
	}
	a = strtod(f, &e1);
	b = strtod(normal, &e2);
	*out = !(*f && *normal && !*e1 && !*e2 && a == b);
	return 0;
}

AdLabelVocab *ad_vocab_load(const char *path)
{
	FILE *f = ad_fopen_read(path);
	AdLabelVocab *v;
	char *line = NULL;
	size_t cap = 0;
	long n, ln = 0;
	int rc = 0;
	if (!f)
		return NULL;
	v = ad_xcalloc(1, sizeof *v);
	v->path = path;
	while (rc == 0 && (n = ad_getline(&line, &cap, f)) > 0) {
		char *tab;
		int code;
		ln++;
		if ((size_t)n != strlen(line)) {
			rc = ad_error("%s:%ld: NUL byte in text input", ad_name(path), ln);
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		if (!(tab = strchr(line, '\t'))) {
			rc = ad_error("%s:%ld: expected label<TAB>integer", ad_name(path), ln);
			break;
		}
		*tab++ = 0;
		if (ad_parse_label(tab, &code)) {
			rc = ad_error("%s:%ld: '%s' is not an integer label", ad_name(path), ln,
			              ad_printable(tab));
			break;
		}
		if (!strcmp(line, "*")) {
			if (v->has_default)
				rc = ad_error("%s:%ld: '*' listed twice", ad_name(path), ln);
			v->has_default = 1;
			v->def = code;
			continue;
		}
		for (size_t i = 0; i < v->n && rc == 0; i++)
			if (!strcmp(v->text[i], line))
				rc = ad_error("%s:%ld: label '%s' listed twice", ad_name(path), ln,
				              ad_printable(line));
		if (rc)
			break;
		v->text = ad_xrealloc(v->text, ad_mul(v->n + 1, sizeof *v->text));
		v->code = ad_xrealloc(v->code, ad_mul(v->n + 1, sizeof *v->code));
		v->text[v->n] = ad_xstrdup(line);
		v->code[v->n++] = code;
	}
	if (rc == 0 && n < 0)
		rc = ad_error("%s: %s", ad_name(path), ad_ferror_msg(f));
	if (rc == 0 && v->n == 0 && !v->has_default)
		rc = ad_error("%s: no label in the vocabulary", ad_name(path));
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc) {
		ad_vocab_free(v);
		return NULL;
	}
	return v;
}

void ad_vocab_free(AdLabelVocab *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->text[i]);
	free(v->text);
	free(v->code);
	free(v);
}
