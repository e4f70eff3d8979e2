/* gzfile.c: see gzfile.h.  Built on fopencookie(3) (glibc, musl). */
#define _GNU_SOURCE
#include "gzfile.h"
#include "inflate.h"
#include "util.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef struct Cookie {
	FILE *under, *self;
	int close_under;
	unsigned char peek[2];
	int npeek, ppos;
	AdInflate *z;                  /* NULL: plain pass-through */
	int fd;                        /* >= 0: unseekable input, read with read(2) */
	int failed;
	char msg[256];
	struct Cookie *next;
} Cookie;

/* Open cookies, so that ad_ferror_msg() can find a stream's message. */
static Cookie *cookies;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static Cookie *find(FILE *f)
{
	Cookie *c;
	pthread_mutex_lock(&lock);
	for (c = cookies; c && c->self != f; c = c->next)
		;
	pthread_mutex_unlock(&lock);
	return c;
}

/* Raw bytes: the peeked ones first, then the underlying file. */
static long raw_read(void *ctx, unsigned char *buf, size_t n)
{
	Cookie *c = ctx;
	size_t k = 0;
	while (c->ppos < c->npeek && k < n)
		buf[k++] = c->peek[c->ppos++];
	if (k < n && c->fd >= 0) {
		/* a pipe: return what is there now, so that a co-process gets its
		 * answer without waiting for a full buffer */
		ssize_t r;
		if (k > 0)
			return (long)k;
		do
			r = read(c->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return ad_error("read error: %s", strerror(errno));
		return (long)r;
	}
	if (k < n) {
		size_t r = fread(buf + k, 1, n - k, c->under);
		k += r;
		if (r == 0 && k == 0 && ferror(c->under))
			return ad_error("read error: %s", strerror(errno ? errno : EIO));
	}
	return (long)k;
}

static ssize_t cookie_read(void *ctx, char *buf, size_t n)
{
	Cookie *c = ctx;
	long k;
	if (c->failed) {
		errno = EIO;
		return -1;
	}
	k = c->z ? ad_inflate_read(c->z, buf, n) : raw_read(c, (unsigned char *)buf, n);
	if (k < 0) {
		c->failed = 1;
		snprintf(c->msg, sizeof c->msg, "%s", ad_errmsg());
		errno = EIO;
		return -1;
	}
	return k;
}

static int cookie_close(void *ctx)
{
	Cookie *c = ctx, **p;
	int r = 0;
	pthread_mutex_lock(&lock);
	for (p = &cookies; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	if (c->close_under)
		r = fclose(c->under);
	if (c->z)
		ad_inflate_free(c->z);
	free(c);
	return r;
}

/* One byte of f: with read(2) on unseekable input (fd >= 0), so that stdio
 * buffers nothing ahead of what the wrapper will read; EOF at the end, -2 on error. */
static int byte(FILE *f, int fd)
{
	unsigned char b;
	ssize_t r;
	if (fd < 0) {
		int c = getc(f);
		return c == EOF && ferror(f) ? -2 : c;
	}
	do
		r = read(fd, &b, 1);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -2 : r == 0 ? EOF : b;
}

FILE *ad_fopen_read(const char *path)
{
	int is_stdin = !path || !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	cookie_io_functions_t io = {cookie_read, NULL, NULL, cookie_close};
	Cookie *c;
	int b0, b1 = EOF, gz, fd;
	if (!f) {
		ad_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	fd = ftello(f) < 0 ? fileno(f) : -1;
	/* Peek one byte, and a second only after 0x1f (never the first byte of text),
	 * so that a reader of a pipe gets each line as soon as it is written.  Plain
	 * input is the file itself with the byte pushed back (one byte of pushback is
	 * guaranteed, even before any read). */
	b0 = byte(f, fd);
	if (b0 != 0x1f) {
		if (b0 == -2) {
			ad_error("%s: read error: %s", ad_name(path), strerror(errno ? errno : EIO));
			if (!is_stdin)
				fclose(f);
			return NULL;
		}
		if (b0 != EOF)
			ungetc(b0, f);
		return f;
	}
	b1 = byte(f, fd);
	if (b1 == -2) {
		ad_error("%s: read error: %s", ad_name(path), strerror(errno ? errno : EIO));
		if (!is_stdin)
			fclose(f);
		return NULL;
	}
	gz = b1 == 0x8b;
	if (!gz && fd < 0 && (b1 == EOF || ungetc(b1, f) != EOF) && ungetc(b0, f) != EOF)
		return f;
	/* gzip data, or two bytes that cannot both be pushed back: a wrapper that
	 * replays them */
	c = ad_xcalloc(1, sizeof *c);
	c->under = f;
	c->fd = fd;
	c->close_under = !is_stdin;
	c->peek[0] = (unsigned char)b0;
	c->peek[1] = (unsigned char)b1;
	c->npeek = b1 == EOF ? 1 : 2;
	if (gz)
		c->z = ad_inflate_new(AD_Z_GZIP, raw_read, c);
	c->self = fopencookie(c, "r", io);
	if (!c->self) {
		ad_error("%s: %s", ad_name(path), strerror(errno));
		if (c->z)
			ad_inflate_free(c->z);
		if (!is_stdin)
			fclose(f);
		free(c);
		return NULL;
	}
	setvbuf(c->self, NULL, _IOFBF, 65536);
	pthread_mutex_lock(&lock);
	c->next = cookies;
	cookies = c;
	pthread_mutex_unlock(&lock);
	return c->self;
}

int ad_gz_is_compressed(FILE *f)
{
	Cookie *c = find(f);
	return c && c->z;
}

const char *ad_ferror_msg(FILE *f)
{
	static _Thread_local char buf[300];
	Cookie *c = find(f);
	if (c && c->failed)
		return c->msg;
	snprintf(buf, sizeof buf, "read error: %s", strerror(errno ? errno : EIO));
	return buf;
}
