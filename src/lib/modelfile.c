/* modelfile.c: see modelfile.h and man/ad-model.5. */
#include "modelfile.h"
#include "bytes.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- writer ---- */

void mf_put_bytes(MfBuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		b->p = ad_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void mf_put_u32(MfBuf *b, uint32_t v)
{
	unsigned char c[4];
	ad_put_le32(c, v);
	mf_put_bytes(b, c, 4);
}

void mf_put_u64(MfBuf *b, uint64_t v)
{
	unsigned char c[8];
	ad_put_le64(c, v);
	mf_put_bytes(b, c, 8);
}

void mf_put_f32(MfBuf *b, float v)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	mf_put_u32(b, u);
}

void mf_put_f64(MfBuf *b, double v)
{
	uint64_t u;
	memcpy(&u, &v, 8);
	mf_put_u64(b, u);
}

void mf_put_str(MfBuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	mf_put_u32(b, (uint32_t)n);
	mf_put_bytes(b, s, n);
}

void mf_put_f32s(MfBuf *b, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mf_put_f32(b, x[i]);
}

void mf_free(MfBuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	size_t off = 0;
	while (off < n) {
		ssize_t k = write(fd, p + off, n - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)k;
	}
	return 0;
}

/* An existing target that is not a regular file (/dev/null, a fifo, /dev/stdout)
 * is written in place: renaming over it would replace the device. */
static int write_special(const char *path, MfBuf *b)
{
	int fd = open(path, O_WRONLY), r;
	if (fd < 0)
		return ad_error("%s: %s", path, strerror(errno));
	r = write_all(fd, b->p, b->n);
	if (close(fd) != 0)
		r = -1;
	return r ? ad_error("%s: write error: %s", path, strerror(errno)) : 0;
}

/* A new empty file PATH.tmpXXXXXX beside PATH (so that rename() replaces PATH on
 * the same file system): its descriptor, its name in *tmp (to free), or -1. */
static int make_tmp(const char *path, char **tmp)
{
	size_t len = strlen(path);
	int fd;
	*tmp = ad_xmalloc(len + 16);
	memcpy(*tmp, path, len);
	memcpy(*tmp + len, ".tmpXXXXXX", 11);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		ad_error("%s: cannot create a temporary file: %s", path, strerror(errno));
		free(*tmp);
	}
	return fd;
}

int mf_check_writable(const char *path)
{
	struct stat st;
	size_t len = strlen(path);
	char *tmp;
	int fd;
	if (!len)
		return ad_error("an output file name is empty");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return ad_error("%s: is a directory", path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return access(path, W_OK) ? ad_error("%s: %s", path, strerror(errno)) : 0;
	fd = make_tmp(path, &tmp);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(tmp);
	free(tmp);
	return 0;
}

int mf_write_atomic(const char *path, MfBuf *b)
{
	char *tmp;
	int fd, saved;
	mode_t um;
	struct stat st;
	uint32_t crc = ad_crc32(0, b->p, b->n);
	mf_put_u32(b, crc);
	if (!strcmp(path, "-")) {      /* standard output */
		int r = fflush(stdout) != 0 || write_all(STDOUT_FILENO, b->p, b->n) != 0
		        ? ad_error("<stdout>: write error: %s", strerror(errno ? errno : EIO)) : 0;
		b->n -= 4;
		return r;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		int r = write_special(path, b);
		b->n -= 4;
		return r;
	}
	fd = make_tmp(path, &tmp);
	if (fd < 0) {
		b->n -= 4;
		return -1;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) != 0)
		goto fail;
	if (write_all(fd, b->p, b->n) != 0)
		goto fail;
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	b->n -= 4;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	b->n -= 4;
	ad_error("%s: write error: %s", path, strerror(saved));
	return -1;
}

/* ---- reader ---- */

static int short_read(MfRd *r, size_t need, const char *what)
{
	return ad_error("%s: truncated: %s needs %zu bytes, %zu left", r->path, what,
	                need, r->n - r->off);
}

static int take(MfRd *r, size_t n, const unsigned char **p, const char *what)
{
	if (n > r->n - r->off)
		return short_read(r, n, what);
	*p = r->p + r->off;
	r->off += n;
	return 0;
}

int mf_get_u32(MfRd *r, uint32_t *v, const char *what)
{
	const unsigned char *c = NULL;
	if (take(r, 4, &c, what))
		return -1;
	*v = ad_le32(c);
	return 0;
}

int mf_get_u64(MfRd *r, uint64_t *v, const char *what)
{
	const unsigned char *c = NULL;
	if (take(r, 8, &c, what))
		return -1;
	*v = ad_le64(c);
	return 0;
}

int mf_get_f32(MfRd *r, float *v, const char *what)
{
	uint32_t u;
	if (mf_get_u32(r, &u, what))
		return -1;
	memcpy(v, &u, 4);
	return 0;
}

int mf_get_f64(MfRd *r, double *v, const char *what)
{
	uint64_t u;
	if (mf_get_u64(r, &u, what))
		return -1;
	memcpy(v, &u, 8);
	return 0;
}

int mf_get_str(MfRd *r, char **s, size_t max, const char *what)
{
	uint32_t n;
	const unsigned char *c = NULL;
	if (mf_get_u32(r, &n, what))
		return -1;
	if (n > max)
		return ad_error("%s: %s: length %lu exceeds the limit %zu", r->path, what,
		                (unsigned long)n, max);
	if (take(r, n, &c, what))
		return -1;
	if (memchr(c, 0, n))
		return ad_error("%s: %s: contains a NUL byte", r->path, what);
	*s = ad_xmalloc((size_t)n + 1);
	memcpy(*s, c, n);
	(*s)[n] = 0;
	return 0;
}

int mf_get_f32s(MfRd *r, float *x, size_t n, const char *what)
{
	const unsigned char *c = NULL;
	if (n > (r->n - r->off) / 4)
		return short_read(r, n * 4, what);
	if (take(r, n * 4, &c, what))
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t u = ad_le32(c + 4 * i);
		memcpy(&x[i], &u, 4);
	}
	return 0;
}

void mf_rd_free(MfRd *r)
{
	free(r->p);
	r->p = NULL;
}

int mf_read_file(const char *path, const char magic[4], uint32_t version, MfRd *r)
{
	return mf_read_file_versions(path, magic, version, version, r, NULL);
}

int mf_read_file_versions(const char *path, const char magic[4], uint32_t lo, uint32_t hi,
                          MfRd *r, uint32_t *version)
{
	FILE *f;
	size_t cap = 1 << 16, n = 0;
	unsigned char *p;
	uint32_t v, crc;
	memset(r, 0, sizeof *r);
	r->path = path;
	f = fopen(path, "rb");
	if (!f)
		return ad_error("%s: %s", path, strerror(errno));
	p = ad_xmalloc(cap);
	for (;;) {
		size_t k = fread(p + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
		if (n == cap) {
			if (cap >= MF_MAX_FILE) {
				fclose(f);
				free(p);
				return ad_error("%s: file too large (over %zu bytes)", path, MF_MAX_FILE);
			}
			cap *= 2;
			p = ad_xrealloc(p, cap);
		}
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(p);
		return ad_error("%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	r->p = p;
	r->n = n;
	if (n >= 4 && !memcmp(magic, "ADPM", 4) && !memcmp(p, "ADPC", 4)) {
		mf_rd_free(r);
		return ad_error("%s: a checkpoint of ad-train (-C), not a model: finish the run "
		                "with ad-train -R %s -o MODEL (it writes the model at once if "
		                "every epoch is done)", path, path);
	}
	if (n >= 4 && !memcmp(magic, "ADPC", 4) && !memcmp(p, "ADPM", 4)) {
		mf_rd_free(r);
		return ad_error("%s: a model file, not a checkpoint: -R resumes from a file "
		                "written with -C", path);
	}
	if (n < 4 || memcmp(p, magic, 4) != 0) {
		mf_rd_free(r);
		return ad_error("%s: bad magic (not an adpipe %s file)", path,
		                magic[3] == 'M' ? "model" : "checkpoint");
	}
	if (n < 12) {
		mf_rd_free(r);
		return ad_error("%s: truncated (%zu bytes)", path, n);
	}
	v = ad_le32(p + 4);
	if (v < lo || v > hi) {
		mf_rd_free(r);
		if (lo == hi)
			return ad_error("%s: unsupported format version %lu (expected %lu)", path,
			                (unsigned long)v, (unsigned long)lo);
		return ad_error("%s: unsupported format version %lu (expected %lu to %lu)", path,
		                (unsigned long)v, (unsigned long)lo, (unsigned long)hi);
	}
	if (version)
		*version = v;
	crc = ad_crc32(0, p, n - 4);
	if (crc != ad_le32(p + n - 4)) {
		mf_rd_free(r);
		return ad_error("%s: CRC-32 mismatch (file damaged or truncated)", path);
	}
	r->n = n - 4;    /* the CRC is not part of the payload */
	r->off = 8;
	return 0;
}

/* ---- model section ---- */

void mf_put_model(MfBuf *b, Model *m, int score_mean, const char *settings)
{
	const ModelConfig *c = model_config(m);
	int nt = model_ntensors(m);
	mf_put_u32(b, (uint32_t)c->kind);
	mf_put_str(b, c->arch);
	mf_put_u32(b, (uint32_t)c->dim);
	for (int i = 0; i < 3; i++)
		mf_put_u32(b, (uint32_t)c->shape[i]);
	mf_put_u64(b, c->seed);
	mf_put_f32(b, c->slope);
	mf_put_u32(b, (uint32_t)c->relu);
	mf_put_u32(b, (uint32_t)c->mem_slots);
	mf_put_f32(b, c->shrink);
	mf_put_f32(b, c->entropy_weight);
	mf_put_u32(b, (uint32_t)c->rep_dim);
	mf_put_u32(b, (uint32_t)model_phase(m));
	mf_put_u32(b, (uint32_t)score_mean);
	mf_put_str(b, settings ? settings : "");
	mf_put_u32(b, (uint32_t)nt);
	for (int i = 0; i < nt; i++) {
		ModelTensor t = model_tensor(m, i);
		mf_put_str(b, t.name);
		mf_put_u64(b, (uint64_t)t.n);
		mf_put_f32s(b, t.data, t.n);
	}
}

static int get_int(MfRd *r, int *v, long lo, long hi, const char *what)
{
	uint32_t u;
	if (mf_get_u32(r, &u, what))
		return -1;
	if ((long)u < lo || (long)u > hi)
		return ad_error("%s: %s = %lu out of range [%ld, %ld]", r->path, what,
		                (unsigned long)u, lo, hi);
	*v = (int)u;
	return 0;
}

/* A lower bound of the parameters a configuration builds: the weight matrices
 * between consecutive widths of the architecture (from the input channels, or the
 * dimension for an MLP), the MemAE memory, the DSVDD centre.  Checked against the
 * bytes left in the file before the model is built, so that a small file cannot
 * make the reader allocate a giant model. */
static double min_params(const ModelConfig *c)
{
	const char *p = strchr(c->arch, ':');
	double prev = strncmp(c->arch, "mlp:", 4) ? c->shape[0] : c->dim, sum = 0;
	if (p)
		do {
			char *end;
			long w = strtol(p + 1, &end, 10);
			if (end == p + 1 || w < 1)
				break;          /* model_new() refuses it */
			sum += prev * (double)w;
			prev = (double)w;
			p = end;
		} while (*p == '-');
	if (c->kind == MODEL_MEMAE)
		sum += (double)c->mem_slots * prev;
	if (c->kind == MODEL_DSVDD)
		sum += c->rep_dim;
	return sum;
}

Model *mf_get_model(MfRd *r, int *score_mean, char **settings)
{
	ModelConfig c;
	char *arch = NULL, *set = NULL, *name = NULL;
	int phase = 0, smean = 0, nt = 0, want;
	Model *m = NULL;
	memset(&c, 0, sizeof c);
	if (get_int(r, &c.kind, 0, 2, "model kind") ||
	    mf_get_str(r, &arch, sizeof c.arch - 1, "architecture") )
		goto fail;
	memcpy(c.arch, arch, strlen(arch) + 1);
	if (get_int(r, &c.dim, 1, 1 << 24, "input dimension") ||
	    get_int(r, &c.shape[0], 1, 1 << 24, "input channels") ||
	    get_int(r, &c.shape[1], 1, 1 << 24, "input height") ||
	    get_int(r, &c.shape[2], 1, 1 << 24, "input width") ||
	    mf_get_u64(r, &c.seed, "seed") ||
	    mf_get_f32(r, &c.slope, "slope") ||
	    get_int(r, &c.relu, 0, 1, "relu flag") ||
	    get_int(r, &c.mem_slots, 0, 1 << 24, "memory slots") ||
	    mf_get_f32(r, &c.shrink, "shrink threshold") ||
	    mf_get_f32(r, &c.entropy_weight, "entropy weight") ||
	    get_int(r, &c.rep_dim, 0, 1 << 24, "embedding size") ||
	    get_int(r, &phase, 0, 1, "phase") ||
	    get_int(r, &smean, 0, 1, "score mode") ||
	    mf_get_str(r, &set, MF_MAX_SETTINGS, "settings"))
		goto fail;
	if ((double)c.shape[0] * c.shape[1] * c.shape[2] != c.dim) {
		ad_error("%s: input shape %dx%dx%d does not match dimension %d", r->path,
		         c.shape[0], c.shape[1], c.shape[2], c.dim);
		goto fail;
	}
	if (min_params(&c) > (double)(r->n - r->off) / 4) {
		ad_error("%s: architecture %s on %d inputs needs more parameters than the file "
		         "holds", r->path, c.arch, c.dim);
		goto fail;
	}
	if (!(m = model_new(&c))) {
		ad_error("%s: %s", r->path, ad_errmsg());
		goto fail;
	}
	model_set_phase(m, phase);
	if (get_int(r, &nt, 0, MF_MAX_TENSORS, "tensor count"))
		goto fail;
	want = model_ntensors(m);
	if (nt != want) {
		ad_error("%s: %d tensors, the architecture has %d", r->path, nt, want);
		goto fail;
	}
	for (int i = 0; i < nt; i++) {
		ModelTensor t = model_tensor(m, i);
		uint64_t cnt;
		char what[64];
		snprintf(what, sizeof what, "name of tensor %d", i + 1);
		if (mf_get_str(r, &name, MF_MAX_NAME, what))
			goto fail;
		if (strcmp(name, t.name) != 0) {
			ad_error("%s: tensor %d is '%s', expected '%s'", r->path, i + 1, name, t.name);
			goto fail;
		}
		if (mf_get_u64(r, &cnt, "tensor size"))
			goto fail;
		if (cnt != (uint64_t)t.n) {
			ad_error("%s: tensor '%s' has %llu values, expected %zu", r->path, name,
			         (unsigned long long)cnt, t.n);
			goto fail;
		}
		if (mf_get_f32s(r, t.data, t.n, name))
			goto fail;
		free(name);
		name = NULL;
	}
	free(arch);
	if (score_mean)
		*score_mean = smean;
	if (settings)
		*settings = set;
	else
		free(set);
	return m;
fail:
	free(arch);
	free(set);
	free(name);
	model_free(m);
	return NULL;
}

/* The training score distribution after the tensors (version 2). */
static void put_dist(MfBuf *b, const ScoreDist *d)
{
	mf_put_u64(b, d->rows);
	mf_put_u64(b, d->anomalies);
	mf_put_u32(b, d->data_crc);
	mf_put_u32(b, d->k);
	for (uint32_t i = 0; i < d->k; i++)
		mf_put_f64(b, d->q[i]);
}

/* The clean-weighted part (version 3). */
static void put_clean(MfBuf *b, const ScoreDist *d)
{
	mf_put_u64(b, d->clean_rows);
	mf_put_f64(b, d->clean_weight);
	mf_put_u32(b, d->ck);
	for (uint32_t i = 0; i < d->ck; i++)
		mf_put_f64(b, d->cl[i]);
	for (uint32_t i = 0; i < d->ck; i++)
		mf_put_f64(b, d->cq[i]);
}

/* k quantiles into *q (malloc'ed), finite and nondecreasing. */
static int get_quantiles(MfRd *r, uint32_t k, double **q, const char *what)
{
	*q = NULL;
	if (k == 0)
		return 0;
	if ((size_t)k * 8 > r->n - r->off)
		return ad_error("%s: truncated in the %s", r->path, what);
	*q = ad_xmalloc((size_t)k * sizeof **q);
	for (uint32_t i = 0; i < k; i++) {
		double *x = *q;
		if (mf_get_f64(r, &x[i], what))
			break;
		if (!isfinite(x[i]) || (i && x[i] < x[i - 1])) {
			ad_error("%s: %s %lu is %s", r->path, what, (unsigned long)i + 1,
			         isfinite(x[i]) ? "below the one before it" : "not finite");
			break;
		}
		if (i + 1 == k)
			return 0;
	}
	free(*q);
	*q = NULL;
	return -1;
}

static int get_clean(MfRd *r, ScoreDist *d)
{
	if (mf_get_u64(r, &d->clean_rows, "clean rows") ||
	    mf_get_f64(r, &d->clean_weight, "clean weight") ||
	    mf_get_u32(r, &d->ck, "clean quantile count"))
		return -1;
	if (d->clean_rows > d->rows || !(d->clean_weight >= 0 && d->clean_weight < HUGE_VAL) ||
	    (d->clean_rows == 0) != (d->clean_weight == 0))
		return ad_error("%s: clean weight %g of %llu rows among %llu training rows",
		                r->path, d->clean_weight, (unsigned long long)d->clean_rows,
		                (unsigned long long)d->rows);
	if (d->clean_rows ? d->ck < 1 || d->ck > SD_LEVELS || d->ck > d->clean_rows
	                  : d->ck != 0)
		return ad_error("%s: %lu clean score quantiles for %llu rows", r->path,
		                (unsigned long)d->ck, (unsigned long long)d->clean_rows);
	if (get_quantiles(r, d->ck, &d->cl, "clean level"))
		return -1;
	for (uint32_t i = 0; i < d->ck; i++)
		if (i ? d->cl[i] <= d->cl[i - 1] || (i + 1 == d->ck && d->cl[i] != 1)
		      : d->cl[0] != 0) {
			ad_error("%s: clean level %lu is %g (levels go from 0 up to 1)", r->path,
			         (unsigned long)i + 1, d->cl[i]);
			free(d->cl);
			d->cl = NULL;
			return -1;
		}
	if (get_quantiles(r, d->ck, &d->cq, "clean score quantile")) {
		free(d->cl);
		d->cl = NULL;
		return -1;
	}
	return 0;
}

static int get_dist(MfRd *r, ScoreDist *d)
{
	memset(d, 0, sizeof *d);
	if (mf_get_u64(r, &d->rows, "training rows") ||
	    mf_get_u64(r, &d->anomalies, "training anomalies") ||
	    mf_get_u32(r, &d->data_crc, "training data CRC") ||
	    mf_get_u32(r, &d->k, "score quantile count"))
		return -1;
	if (d->anomalies > d->rows)
		return ad_error("%s: %llu training anomalies among %llu rows", r->path,
		                (unsigned long long)d->anomalies, (unsigned long long)d->rows);
	if (d->rows ? d->k < 1 || d->k > SD_LEVELS || d->k > d->rows : d->k != 0)
		return ad_error("%s: %lu score quantiles for %llu training rows", r->path,
		                (unsigned long)d->k, (unsigned long long)d->rows);
	if ((size_t)d->k * 8 > r->n - r->off)
		return ad_error("%s: truncated in the score quantiles", r->path);
	d->q = d->k ? ad_xmalloc((size_t)d->k * sizeof *d->q) : NULL;
	for (uint32_t i = 0; i < d->k; i++) {
		if (mf_get_f64(r, &d->q[i], "score quantile"))
			break;
		if (!isfinite(d->q[i]) || (i && d->q[i] < d->q[i - 1])) {
			ad_error("%s: score quantile %lu is %s", r->path, (unsigned long)i + 1,
			         isfinite(d->q[i]) ? "below the one before it" : "not finite");
			break;
		}
		if (i + 1 == d->k)
			return 0;
	}
	if (d->k == 0)
		return 0;
	scoredist_free(d);
	return -1;
}

int modelfile_save(const char *path, Model *m, int score_mean, const char *settings)
{
	return modelfile_save_dist(path, m, score_mean, settings, NULL);
}

int modelfile_save_dist(const char *path, Model *m, int score_mean, const char *settings,
                        const ScoreDist *dist)
{
	MfBuf b = { 0 };
	int rc;
	mf_put_bytes(&b, "ADPM", 4);
	mf_put_u32(&b, dist ? MF_VERSION : 1);
	mf_put_model(&b, m, score_mean, settings);
	if (dist) {
		put_dist(&b, dist);
		put_clean(&b, dist);
	}
	rc = mf_write_atomic(path, &b);
	mf_free(&b);
	return rc;
}

Model *modelfile_load(const char *path, int *score_mean, char **settings)
{
	return modelfile_load_dist(path, score_mean, settings, NULL, NULL);
}

Model *modelfile_load_dist(const char *path, int *score_mean, char **settings,
                           ScoreDist *dist, uint32_t *version)
{
	MfRd r;
	Model *m;
	uint32_t v;
	ScoreDist d = { 0 };
	char *set = NULL;
	if (mf_read_file_versions(path, "ADPM", 1, MF_VERSION, &r, &v))
		return NULL;
	m = mf_get_model(&r, score_mean, &set);
	if (m && v >= 2 && (get_dist(&r, &d) || (v >= 3 && get_clean(&r, &d)))) {
		model_free(m);
		m = NULL;
	}
	if (m && r.off != r.n) {
		ad_error("%s: %zu unexpected bytes after the %s", path, r.n - r.off,
		         v >= 3 ? "clean score quantiles" : v >= 2 ? "score quantiles"
		                                                   : "last tensor");
		model_free(m);
		m = NULL;
	}
	mf_rd_free(&r);
	if (!m) {
		scoredist_free(&d);
		free(set);
		return NULL;
	}
	if (settings)
		*settings = set;
	else
		free(set);
	if (version)
		*version = v;
	if (dist)
		*dist = d;
	else
		scoredist_free(&d);
	return m;
}
