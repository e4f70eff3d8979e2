/* advec.c: vector streams, text and binary.  See advec.h and man/adv.5. */
#include "advec.h"
#include "bytes.h"
#include "gzfile.h"
#include "pool.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ADVB_VERSION 1
#define ADV_TEXT_VERSION 1
#define ADVB_HDR 24

struct AdvReader {
	FILE *f;
	char *name;
	int own;                /* close f at the end */
	int binary;
	AdvInfo info;
	long lineno;            /* text: line number; binary: record number */
	char *line;             /* text: current line buffer */
	size_t cap;
	int pending;            /* text: a data row is already in `line` (header-less stream) */
	unsigned char hdr[ADVB_HDR];
	unsigned char *rec;     /* binary record buffer */
	unsigned char *chunk;   /* binary, own file: bytes read ahead (bread()) */
	size_t cpos, clen;
};

struct AdvWriter {
	FILE *f;
	int binary;
	AdvInfo info;
	unsigned char *rec;
};

/* Binary records of a file the reader opened are read through a chunk of its own,
 * 64 KB at a time (through stdio's 4 KB buffer, a record of 785 floats took a
 * read(2) each); a stream it was given is read with fread() alone, so that its
 * owner finds the stream where the reader stopped. */
#define ADV_CHUNK (1 << 16)

static size_t bread(AdvReader *r, void *dst, size_t n)
{
	size_t got = 0;
	if (!r->chunk)
		return fread(dst, 1, n, r->f);
	while (got < n) {
		if (r->cpos == r->clen) {
			r->cpos = 0;
			r->clen = fread(r->chunk, 1, ADV_CHUNK, r->f);
			if (!r->clen)
				break;
		}
		size_t k = r->clen - r->cpos < n - got ? r->clen - r->cpos : n - got;
		memcpy((unsigned char *)dst + got, r->chunk + r->cpos, k);
		r->cpos += k;
		got += k;
	}
	return got;
}

static int host_is_le(void)
{
	const uint16_t one = 1;
	return *(const unsigned char *)&one == 1;
}

/* Decimal digits only (no sign, space, "0x" or fraction) from p, the value in
 * [1, ADV_MAX_DIM]; *end after them.  0 or -1. */
static int parse_count(const char *p, const char **end, long *v)
{
	long x = 0;
	const char *q = p;
	while (*q >= '0' && *q <= '9') {
		x = x * 10 + (*q - '0');
		if (x > ADV_MAX_DIM)
			return -1;
		q++;
	}
	*end = q;
	*v = x;
	return q == p || x < 1 ? -1 : 0;
}

int adv_binary_label_ok(int label)
{
	uint32_t u = (uint32_t)label;
	return u != ad_le32((const unsigned char *)"ADVB") &&
	       u != ad_le32((const unsigned char *)"#adv");
}

int adv_check_bom(const unsigned char *h, size_t n, const char *name)
{
	if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		return ad_error("%s:1: the file starts with a UTF-8 byte order mark: remove it "
		                "(sed '1s/^\\xEF\\xBB\\xBF//')", name);
	if (n >= 1 && h[0] == 0xEF)
		return ad_error("%s: not a vector stream (bad magic; convert data sets with ad-load)",
		                name);
	return 0;
}

int adv_parse_shape(const char *s, int shape[3])
{
	long v[3];
	int k = 0;
	const char *p = s;
	while (k < 3) {
		const char *end;
		if (parse_count(p, &end, &v[k]))
			return -1;
		k++;
		if (*end == 'x') {
			p = end + 1;
			continue;
		}
		if (*end && *end != ' ' && *end != '\t' && *end != '\n' && *end != '\r')
			return -1;
		break;
	}
	if (k < 2)
		return -1;
	if (k == 2) {
		shape[0] = 1; shape[1] = (int)v[0]; shape[2] = (int)v[1];
	} else {
		shape[0] = (int)v[0]; shape[1] = (int)v[1]; shape[2] = (int)v[2];
	}
	if ((double)shape[0] * shape[1] * shape[2] > ADV_MAX_DIM)
		return -1;
	return 0;
}

/* Parse "#adv 1 dim=N [shape=CxHxW]" into info; 0 or -1 + ad_error.  Strict:
 * the version is the digit 1, dim and the sizes are decimal digits only, and
 * nothing but these fields (in any order, each once) may follow. */
static int parse_header(AdvReader *r, const char *line)
{
	const char *p = line + 4, *end;
	long dim = -1, ver;
	int shape[3] = {0, 0, 0}, has_shape = 0;
	size_t len;
	p += strspn(p, " \t");
	len = strcspn(p, " \t\r\n");
	if (!len || memchr(p, '=', len))
		return ad_error("%s:%ld: #adv header without a version (expected '#adv 1 dim=N')",
		                r->name, r->lineno);
	if (parse_count(p, &end, &ver) || end != p + len || ver != ADV_TEXT_VERSION || len != 1)
		return ad_error("%s:%ld: unsupported #adv version '%.*s' (this reader knows %d)",
		                r->name, r->lineno, (int)(len > 20 ? 20 : len), p,
		                ADV_TEXT_VERSION);
	p += len;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p || !strcmp(p, "\n") || !strcmp(p, "\r\n"))
			break;
		len = strcspn(p, " \t\r\n");
		if (!strncmp(p, "dim=", 4) && dim < 0) {
			if (parse_count(p + 4, &end, &dim) || end != p + len)
				return ad_error("%s:%ld: bad dim in #adv header (1 to %d)", r->name,
				                r->lineno, ADV_MAX_DIM);
		} else if (!strncmp(p, "shape=", 6) && !has_shape) {
			if (adv_parse_shape(p + 6, shape))
				return ad_error("%s:%ld: bad shape in #adv header (expected CxHxW)",
				                r->name, r->lineno);
			has_shape = 1;
		} else {
			return ad_error("%s:%ld: unexpected '%.*s' in #adv header (fields: dim=N, "
			                "shape=CxHxW, once each)", r->name, r->lineno,
			                (int)(len > 20 ? 20 : (len ? len : 1)), p);
		}
		p += len;
	}
	if (dim < 0 && has_shape)
		dim = (long)shape[0] * shape[1] * shape[2];
	if (dim < 0)
		return ad_error("%s:%ld: #adv header without dim=", r->name, r->lineno);
	if (has_shape && (long)shape[0] * shape[1] * shape[2] != dim)
		return ad_error("%s:%ld: shape %dx%dx%d does not match dim=%ld", r->name,
		                r->lineno, shape[0], shape[1], shape[2], dim);
	r->info.dim = (int)dim;
	r->info.has_shape = has_shape;
	if (has_shape)
		memcpy(r->info.shape, shape, sizeof shape);
	else {
		r->info.shape[0] = (int)dim; r->info.shape[1] = 1; r->info.shape[2] = 1;
	}
	return 0;
}

/* Read one line into r->line; 1, 0 at EOF, -1 on read error. */
static int text_getline(AdvReader *r)
{
	long n = ad_getline(&r->line, &r->cap, r->f);
	if (n < 0)
		return ad_error("%s: %s", r->name, ad_ferror_msg(r->f));
	if (n == 0)
		return 0;
	r->lineno++;
	if (!strncmp(r->line, "ADVB", 4))
		return ad_error("%s:%ld: a binary stream after text rows: concatenate streams of "
		                "one encoding (ad-load converts)", r->name, r->lineno);
	if ((size_t)n != strlen(r->line))
		return ad_error("%s:%ld: NUL byte in text stream (not a vector stream? "
		                "convert data sets with ad-load)", r->name, r->lineno);
	/* a CR ends a line only as part of CRLF: a lone CR (old Mac line ends)
	 * would otherwise hide the rest of the stream inside one line */
	const char *cr = memchr(r->line, '\r', (size_t)n);
	if (cr && cr + 1 != r->line + n && !(cr[1] == '\n' && cr + 2 == r->line + n))
		return ad_error("%s:%ld: carriage return inside a line: only LF or CRLF line "
		                "ends are read (convert with tr '\\r' '\\n')", r->name, r->lineno);
	return 1;
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return !*s;
}

/* Count fields of a data row (label + values). */
static long count_fields(const char *s)
{
	long n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n' || *s == '\r')
			return n;
		n++;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			s++;
	}
}

static AdvReader *open_common(FILE *f, const char *name, int own)
{
	AdvReader *r = ad_xcalloc(1, sizeof *r);
	int c;
	r->f = f;
	r->own = own;
	r->name = ad_xstrdup(name);
	c = getc(f);
	if (c == EOF) {
		if (ferror(f))
			ad_error("%s: %s", name, ad_ferror_msg(f));
		else
			ad_error("%s: empty input", name);
		goto fail;
	}
	if (c == 0xEF) {
		/* a UTF-8 byte order mark (an editor's) would otherwise turn the
		 * header into a row with an invisible bad label */
		ungetc(c, f);
		unsigned char h[3];
		size_t got = fread(h, 1, 3, f);
		adv_check_bom(h, got, name);
		goto fail;
	}
	if (c == 'A') {
		size_t got;
		r->hdr[0] = 'A';
		got = fread(r->hdr + 1, 1, ADVB_HDR - 1, f);
		if (memcmp(r->hdr, "ADVB", got + 1 < 4 ? got + 1 : 4) != 0)
			goto nottext;
		if (got != ADVB_HDR - 1) {
			ad_error("%s: truncated binary header", name);
			goto fail;
		}
		uint32_t ver = ad_le32(r->hdr + 4), dim = ad_le32(r->hdr + 8);
		uint32_t C = ad_le32(r->hdr + 12), H = ad_le32(r->hdr + 16), W = ad_le32(r->hdr + 20);
		if (ver != ADVB_VERSION) {
			ad_error("%s: unsupported binary version %u", name, ver);
			goto fail;
		}
		if (dim < 1 || dim > ADV_MAX_DIM || C < 1 || H < 1 || W < 1 ||
		    (uint64_t)C * H * W != dim) {
			ad_error("%s: bad binary header (dim %u, shape %ux%ux%u)", name, dim, C, H, W);
			goto fail;
		}
		r->binary = 1;
		r->info.dim = (int)dim;
		r->info.shape[0] = (int)C; r->info.shape[1] = (int)H; r->info.shape[2] = (int)W;
		r->info.has_shape = !(C == dim && H == 1 && W == 1);
		r->rec = ad_xmalloc(4 + (size_t)dim * 4);
		if (own)
			r->chunk = ad_xmalloc(ADV_CHUNK);
		return r;
	}
	if (ungetc(c, f) == EOF) {
		ad_error("%s: read error", name);
		goto fail;
	}
	/* text: comments, the #adv header, or the first row */
	for (;;) {
		int k = text_getline(r);
		if (k < 0)
			goto fail;
		if (k == 0) {
			ad_error("%s: no vectors in input", name);
			goto fail;
		}
		if (!strncmp(r->line, "#adv", 4) && (r->line[4] == ' ' || r->line[4] == '\t' ||
		                                     r->line[4] == '\n')) {
			if (parse_header(r, r->line))
				goto fail;
			return r;
		}
		if (r->line[0] == '#' || blank(r->line))
			continue;
		long nf = count_fields(r->line);
		if (nf < 2) {
			ad_error("%s:%ld: a row needs a label and at least one value (not a vector "
			         "stream? convert data sets with ad-load)", name, r->lineno);
			goto fail;
		}
		if (nf - 1 > ADV_MAX_DIM) {
			ad_error("%s:%ld: too many values (%ld)", name, r->lineno, nf - 1);
			goto fail;
		}
		r->info.dim = (int)(nf - 1);
		r->info.shape[0] = r->info.dim; r->info.shape[1] = 1; r->info.shape[2] = 1;
		r->pending = 1;
		return r;
	}
nottext:
	ad_error("%s: not a vector stream (bad magic; convert data sets with ad-load)", name);
fail:
	if (own)
		fclose(f);
	free(r->name);
	free(r->line);
	free(r);
	return NULL;
}

AdvReader *adv_open_stream(FILE *f, const char *name)
{
	return open_common(f, name, 0);
}

AdvReader *adv_open(const char *path)
{
	FILE *f = ad_fopen_read(path);
	if (!f)
		return NULL;
	return open_common(f, ad_name(path), f != stdin);
}

const AdvInfo *adv_info(const AdvReader *r) { return &r->info; }
long adv_lineno(const AdvReader *r) { return r->lineno; }
int adv_is_binary(const AdvReader *r) { return r->binary; }

static int parse_row(AdvReader *r, int *label, float *x)
{
	char *p = r->line, *end;
	long lab;
	int dim = r->info.dim;
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	lab = strtol(p, &end, 10);
	if (end == p || (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r' && *end) ||
	    errno || lab < INT32_MIN || lab > INT32_MAX) {
		char bad[48];
		int len = (int)strcspn(p, " \t\r\n");
		snprintf(bad, sizeof bad, "%.*s", len > 40 ? 40 : len, p);
		return ad_error("%s:%ld: bad label '%s'", r->name, r->lineno, ad_printable(bad));
	}
	*label = (int)lab;
	p = end;
	for (int j = 0; j < dim; j++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '\r')
			return ad_error("%s:%ld: expected %d values, got %d", r->name, r->lineno,
			                dim, j);
		size_t len = strcspn(p, " \t\r\n");
		float v;
		int rc = ad_num_f32(p, len, &v);
		if (rc == AD_NUM_BAD)
			return ad_error("%s:%ld: field %d: not a number '%.*s'", r->name, r->lineno,
			                j + 2, (int)len, p);
		if (rc == AD_NUM_RANGE)
			return ad_error("%s:%ld: field %d: '%.*s' is out of the float32 range "
			                "(magnitude at most 3.4e38)", r->name, r->lineno, j + 2,
			                (int)len, p);
		if (rc != AD_NUM_OK)
			return ad_error("%s:%ld: field %d: value is not finite '%.*s'", r->name,
			                r->lineno, j + 2, (int)len, p);
		x[j] = v;
		p += len;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		return ad_error("%s:%ld: expected %d values, got more", r->name, r->lineno, dim);
	return 1;
}

int adv_read(AdvReader *r, int *label, float *x)
{
	if (r->binary) {
		size_t rs = 4 + (size_t)r->info.dim * 4, got;
		for (;;) {
			got = bread(r, r->rec, 4);
			if (got == 0) {
				if (ferror(r->f))
					return ad_error("%s: %s", r->name, ad_ferror_msg(r->f));
				return 0;
			}
			if (got == 4 && !memcmp(r->rec, "ADVB", 4)) {
				/* a repeated header: concatenated streams must agree */
				unsigned char h[ADVB_HDR];
				memcpy(h, "ADVB", 4);
				if (bread(r, h + 4, ADVB_HDR - 4) != ADVB_HDR - 4)
					return ad_error("%s: truncated binary header", r->name);
				if (memcmp(h, r->hdr, ADVB_HDR))
					return ad_error("%s: record %ld: concatenated stream with a different header",
					                r->name, r->lineno + 1);
				continue;
			}
			if (got == 4 && !memcmp(r->rec, "#adv", 4))
				return ad_error("%s: record %ld: a text stream after binary records: "
				                "concatenate streams of one encoding (ad-load converts)",
				                r->name, r->lineno + 1);
			break;
		}
		r->lineno++;
		/* the values straight into x on a little-endian host (no copy through
		 * the record buffer) */
		int le = host_is_le();
		if (got == 4)
			got += bread(r, le ? (void *)x : (void *)(r->rec + 4), rs - 4);
		if (got != rs) {
			if (ferror(r->f))
				return ad_error("%s: %s", r->name, ad_ferror_msg(r->f));
			return ad_error("%s: record %ld: truncated (%zu of %zu bytes)", r->name,
			                r->lineno, got, rs);
		}
		int32_t lab;
		memcpy(&lab, r->rec, 4);
		if (!le)
			lab = (int32_t)ad_le32(r->rec);
		*label = lab;
		if (!le)
			for (int j = 0; j < r->info.dim; j++) {
				uint32_t u = ad_le32(r->rec + 4 + 4 * (size_t)j);
				memcpy(&x[j], &u, 4);
			}
		/* all exponent bits set: Inf or NaN; the loop without an exit vectorises */
		uint32_t nonfinite = 0;
		for (int j = 0; j < r->info.dim; j++) {
			uint32_t u;
			memcpy(&u, &x[j], 4);
			nonfinite |= (u & 0x7f800000u) == 0x7f800000u;
		}
		if (nonfinite)
			for (int j = 0; j < r->info.dim; j++)
				if (!isfinite(x[j]))
					return ad_error("%s: record %ld: value %d is not finite", r->name,
					                r->lineno, j + 1);
		return 1;
	}
	for (;;) {
		if (r->pending)
			r->pending = 0;
		else {
			int k = text_getline(r);
			if (k <= 0)
				return k;
		}
		if (r->line[0] == '#') {
			if (!strncmp(r->line, "#adv", 4) && (r->line[4] == ' ' || r->line[4] == '\t')) {
				AdvInfo old = r->info;
				if (parse_header(r, r->line))
					return -1;
				if (old.dim != r->info.dim)
					return ad_error("%s:%ld: concatenated stream with dim %d, expected %d",
					                r->name, r->lineno, r->info.dim, old.dim);
			}
			continue;
		}
		if (blank(r->line))
			continue;
		return parse_row(r, label, x) < 0 ? -1 : 1;
	}
}

void adv_close(AdvReader *r)
{
	if (!r)
		return;
	if (r->own)
		fclose(r->f);
	free(r->name);
	free(r->line);
	free(r->rec);
	free(r->chunk);
	free(r);
}

static int werr(void)
{
	return ad_error("write error: %s", strerror(errno ? errno : EIO));
}

AdvWriter *adv_writer(FILE *f, int binary, const AdvInfo *info)
{
	AdvWriter *w = ad_xcalloc(1, sizeof *w);
	w->f = f;
	w->binary = binary;
	w->info = *info;
	if (!w->info.shape[0]) {
		w->info.shape[0] = info->dim; w->info.shape[1] = 1; w->info.shape[2] = 1;
	}
	if (binary) {
		unsigned char h[ADVB_HDR];
		memcpy(h, "ADVB", 4);
		ad_put_le32(h + 4, ADVB_VERSION);
		ad_put_le32(h + 8, (uint32_t)info->dim);
		ad_put_le32(h + 12, (uint32_t)w->info.shape[0]);
		ad_put_le32(h + 16, (uint32_t)w->info.shape[1]);
		ad_put_le32(h + 20, (uint32_t)w->info.shape[2]);
		w->rec = ad_xmalloc(4 + (size_t)info->dim * 4);
		if (fwrite(h, 1, ADVB_HDR, f) != ADVB_HDR)
			goto fail;
	} else {
		int r;
		if (info->has_shape)
			r = fprintf(f, "#adv 1 dim=%d shape=%dx%dx%d\n", info->dim, info->shape[0],
			            info->shape[1], info->shape[2]);
		else
			r = fprintf(f, "#adv 1 dim=%d\n", info->dim);
		if (r < 0)
			goto fail;
	}
	return w;
fail:
	werr();
	free(w->rec);
	free(w);
	return NULL;
}

/* %.9g, but without the printf machinery for the common exact cases */
static char *fmt_float(char *p, float v)
{
	if (v == 0.0f && !signbit(v)) {
		*p++ = '0';
		return p;
	}
	if (v == 1.0f) {
		*p++ = '1';
		return p;
	}
	return p + sprintf(p, "%.9g", v);
}

int adv_write(AdvWriter *w, int label, const float *x)
{
	int dim = w->info.dim;
	if (w->binary) {
		if (!adv_binary_label_ok(label))
			return ad_error("label %d cannot be stored in a binary stream: its bytes read "
			                "'%s', which starts a header (use the text stream)", label,
			                (uint32_t)label == ad_le32((const unsigned char *)"ADVB") ?
			                "ADVB" : "#adv");
		ad_put_le32(w->rec, (uint32_t)label);
		if (host_is_le())
			memcpy(w->rec + 4, x, (size_t)dim * 4);
		else
			for (int j = 0; j < dim; j++) {
				uint32_t u;
				memcpy(&u, &x[j], 4);
				ad_put_le32(w->rec + 4 + 4 * (size_t)j, u);
			}
		if (fwrite(w->rec, 1, 4 + (size_t)dim * 4, w->f) != 4 + (size_t)dim * 4)
			return werr();
		return 0;
	}
	char buf[32 * 64];
	char *p = buf + sprintf(buf, "%d", label);
	for (int j = 0; j < dim; j++) {
		*p++ = '\t';
		p = fmt_float(p, x[j]);
		if (p - buf > (long)sizeof buf - 40) {
			if (fwrite(buf, 1, (size_t)(p - buf), w->f) != (size_t)(p - buf))
				return werr();
			p = buf;
		}
	}
	*p++ = '\n';
	if (fwrite(buf, 1, (size_t)(p - buf), w->f) != (size_t)(p - buf))
		return werr();
	return 0;
}

int adv_writer_close(AdvWriter *w)
{
	int r = 0;
	if (fflush(w->f) != 0 || ferror(w->f))
		r = werr();
	free(w->rec);
	free(w);
	return r;
}

void adv_data_push(AdvData *d, int label, const float *x)
{
	size_t dim = (size_t)d->info.dim;
	long cap = 1;
	while (cap < d->n + 1)
		cap <<= 1;
	if (d->n == 0 || (d->n & (d->n - 1)) == 0) { /* n is 0 or a power of two: grow */
		d->label = ad_xrealloc(d->label, ad_mul((size_t)cap, sizeof *d->label));
		d->x = ad_xrealloc(d->x, ad_mul(ad_mul((size_t)cap, dim), sizeof *d->x));
	}
	d->label[d->n] = label;
	memcpy(d->x + (size_t)d->n * dim, x, dim * sizeof *x);
	d->n++;
}

/* ---- the compact form: palette of at most 256 values ---- */

typedef struct {
	uint32_t key[512];
	short val[512];         /* -1: empty slot */
	int n;
} Palette;

static int pal_code(Palette *p, float *pal, float v)
{
	uint32_t k;
	memcpy(&k, &v, 4);
	uint32_t h = (k * 2654435761u) >> 23;   /* 9 bits */
	while (p->val[h] >= 0) {
		if (p->key[h] == k)
			return p->val[h];
		h = (h + 1) & 511;
	}
	if (p->n == 256)
		return -1;
	p->key[h] = k;
	p->val[h] = (short)p->n;
	pal[p->n] = v;
	return p->n++;
}

void adv_row(const AdvData *d, long i, float *out)
{
	size_t dim = (size_t)d->info.dim;
	if (!d->code) {
		memcpy(out, d->x + (size_t)i * dim, dim * sizeof *out);
		return;
	}
	const unsigned char *c = d->code + (size_t)i * dim;
	for (size_t j = 0; j < dim; j++)
		out[j] = d->palette[c[j]];
}

const float *adv_rows(const AdvData *d, long first, long n, float *buf)
{
	if (!d->code)
		return d->x + (size_t)first * d->info.dim;
	for (long i = 0; i < n; i++)
		adv_row(d, first + i, buf + (size_t)i * d->info.dim);
	return buf;
}

/* adv_gather() in tasks of GATHER_ROWS rows */
#define GATHER_ROWS 8

typedef struct {
	const AdvData *d;
	const int *idx;
	int n;
	float *out;
	int *label;
} GatherJob;

static void gather_task(void *ctx, int t, int tid)
{
	const GatherJob *j = ctx;
	int end = nn_task_end(t, GATHER_ROWS, j->n);
	(void)tid;
	for (int i = t * GATHER_ROWS; i < end; i++) {
		adv_row(j->d, j->idx[i], j->out + (size_t)i * j->d->info.dim);
		if (j->label)
			j->label[i] = j->d->label[j->idx[i]];
	}
}

void adv_gather(const AdvData *d, const int *idx, int n, float *out, int *label)
{
	GatherJob j = { d, idx, n, out, label };
	nn_parallel_work(nn_ntasks(n, GATHER_ROWS), ad_mul((size_t)n, (size_t)d->info.dim),
	                 gather_task, &j);
}

/* capacity rule shared with adv_data_push: arrays grow when n is 0 or a power of two */
static size_t cap_for(long n)
{
	size_t cap = 1;
	while ((long)cap < n)
		cap <<= 1;
	return cap;
}

/* compact form -> floats (when a 257th distinct value turns up) */
static void unpack_all(AdvData *d)
{
	size_t dim = (size_t)d->info.dim;
	d->x = ad_xmalloc(ad_mul(ad_mul(cap_for(d->n), dim), sizeof *d->x));
	for (long i = 0; i < d->n; i++)
		adv_row(d, i, d->x + (size_t)i * dim);
	free(d->code);
	free(d->palette);
	d->code = NULL;
	d->palette = NULL;
}

int adv_load_compact(const char *path, AdvData *d)
{
	AdvReader *r = adv_open(path);
	Palette pal;
	int k, lab;
	float *x;
	unsigned char *row;
	size_t dim;
	memset(d, 0, sizeof *d);
	if (!r)
		return -1;
	d->info = r->info;
	dim = (size_t)d->info.dim;
	x = ad_xmalloc(dim * sizeof *x);
	row = ad_xmalloc(dim);
	memset(pal.val, -1, sizeof pal.val);
	pal.n = 0;
	d->palette = ad_xcalloc(256, sizeof *d->palette);
	d->code = ad_xmalloc(1);
	while ((k = adv_read(r, &lab, x)) == 1) {
		if (d->code) {
			size_t j;
			for (j = 0; j < dim; j++) {
				int c = pal_code(&pal, d->palette, x[j]);
				if (c < 0)
					break;
				row[j] = (unsigned char)c;
			}
			if (j == dim) {
				if (d->n == 0 || (d->n & (d->n - 1)) == 0) {
					size_t cap = cap_for(d->n + 1);
					d->label = ad_xrealloc(d->label, ad_mul(cap, sizeof *d->label));
					d->code = ad_xrealloc(d->code, ad_mul(cap, dim));
				}
				d->label[d->n] = lab;
				memcpy(d->code + (size_t)d->n * dim, row, dim);
				d->n++;
				continue;
			}
			unpack_all(d);
		}
		adv_data_push(d, lab, x);
	}
	free(x);
	free(row);
	adv_close(r);
	if (k < 0) {
		adv_data_free(d);
		return -1;
	}
	return 0;
}

int adv_load(const char *path, AdvData *d)
{
	AdvReader *r = adv_open(path);
	int k, lab;
	float *x;
	memset(d, 0, sizeof *d);
	if (!r)
		return -1;
	d->info = r->info;
	x = ad_xmalloc((size_t)d->info.dim * sizeof *x);
	while ((k = adv_read(r, &lab, x)) == 1)
		adv_data_push(d, lab, x);
	free(x);
	adv_close(r);
	if (k < 0) {
		adv_data_free(d);
		return -1;
	}
	return 0;
}

void adv_data_free(AdvData *d)
{
	free(d->label);
	free(d->x);
	free(d->code);
	free(d->palette);
	d->label = NULL;
	d->x = NULL;
	d->code = NULL;
	d->palette = NULL;
	d->n = 0;
}

int adv_save(FILE *f, int binary, const AdvData *d)
{
	AdvWriter *w = adv_writer(f, binary, &d->info);
	if (!w)
		return -1;
	float *row = ad_xmalloc((size_t)d->info.dim * sizeof *row);
	for (long i = 0; i < d->n; i++) {
		adv_row(d, i, row);
		if (adv_write(w, d->label[i], row)) {
			free(row);
			adv_writer_close(w);
			return -1;
		}
	}
	free(row);
	return adv_writer_close(w);
}
