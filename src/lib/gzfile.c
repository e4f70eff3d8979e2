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
	int fd;                        /* >= 0: a pipe, read with read(2) (no FILE buffering) */
	AdInflate *z;                  /* NULL: plain pass-through */
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
	if (k < n && k == 0 && c->fd >= 0) {
		/* One read(2): return what the pipe holds now, so that a co-process
		 * sees each line as soon as it is written (fread waits for n bytes). */
		ssize_t r;
		do
			r = read(c->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return ad_error("read error: %s", strerror(errno));
		k = (size_t)r;
	} else if (k < n && c->fd < 0) {
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

FILE *ad_gzopen(const char *path)
{
	int is_stdin = !path || !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	cookie_io_functions_t io = {cookie_read, NULL, NULL, cookie_close};
	Cookie *c;
	off_t pos;
	size_t got;
	unsigned char b[2];
	if (!f) {
		ad_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	pos = ftello(f);
	int rerr = 0;
	if (pos < 0) {
		/* A pipe: peek with read(2) so that no byte waits in f's buffer. */
		for (got = 0; got < 2;) {
			ssize_t r = read(fileno(f), b + got, 2 - got);
			if (r > 0)
				got += (size_t)r;
			else if (r == 0)
				break;
			else if (errno != EINTR) {
				rerr = errno;
				break;
			}
		}
	} else {
		got = fread(b, 1, 2, f);
		if (ferror(f))
			rerr = errno ? errno : EIO;
	}
	if (rerr) {
		ad_error("%s: read error: %s", ad_name(path), strerror(rerr));
		if (!is_stdin)
			fclose(f);
		return NULL;
	}
	int gz = got == 2 && b[0] == 0x1f && b[1] == 0x8b;
	if (!gz && pos >= 0 && fseeko(f, pos, SEEK_SET) == 0) {
		clearerr(f);
		return f;
	}
	c = ad_xcalloc(1, sizeof *c);
	c->under = f;
	c->close_under = !is_stdin;
	memcpy(c->peek, b, got);
	c->npeek = (int)got;
	c->fd = pos < 0 ? fileno(f) : -1;
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
