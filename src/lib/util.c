/* util.c: see util.h. */
#include "util.h"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *ad_progname = "ad";
static _Thread_local char errbuf[1024];

void ad_setprogname(const char *argv0)
{
	const char *p;
	if (!argv0 || !*argv0)
		return;
	p = strrchr(argv0, '/');
	ad_progname = p ? p + 1 : argv0;
}

static void vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", ad_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ad_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(1);
}

void ad_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int ad_error(const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof errbuf];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap); /* fmt may refer to errbuf itself */
	va_end(ap);
	memcpy(errbuf, tmp, sizeof errbuf);
	return -1;
}

const char *ad_errmsg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

void ad_help(const char *usage)
{
	fputs(usage, stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(2);
	exit(0);
}

void ad_version(void)
{
	printf("%s (adpipe) %s\n", ad_progname, AD_VERSION);
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(2);
	exit(0);
}

static void usage_lines(const char *usage)
{
	/* print up to the first blank line */
	const char *e = strstr(usage, "\n\n");
	size_t n = e ? (size_t)(e - usage) + 1 : strlen(usage);
	fwrite(usage, 1, n, stderr);
	fprintf(stderr, "Try '%s -h' for more information.\n", ad_progname);
}

void ad_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	usage_lines(usage);
	exit(2);
}

void ad_stdopts(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return;
		if (!strcmp(a, "--help"))
			ad_help(usage);
		if (!strcmp(a, "--version"))
			ad_version();
		if (a[0] == '-' && a[1] == '-' && a[2])
			ad_usage_error(usage, "unknown option %s", a);
	}
}

extern int optopt;
void ad_bad_option(const char *usage)
{
	extern char *optarg;
	(void)optarg;
	ad_usage_error(usage, "unknown option or missing argument: -%c", optopt);
}

int ad_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The verdict once strtod/strtof has read s: the whole field, then the range
 * (ERANGE with a large magnitude is overflow; with a small one, underflow, which
 * is accepted), then finiteness ("inf", "nan"). */
static int num_verdict(const char *s, size_t len, const char *end, int overflow, int finite)
{
	if (len == 0 || end != s + len)
		return AD_NUM_BAD;
	if (overflow)
		return AD_NUM_RANGE;
	return finite ? AD_NUM_OK : AD_NUM_NONFINITE;
}

int ad_num_f64(const char *s, size_t len, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return num_verdict(s, len == AD_NUM_NUL ? strlen(s) : len, end,
	                   errno == ERANGE && fabs(*v) > 1, isfinite(*v));
}

int ad_num_f32(const char *s, size_t len, float *v)
{
	char *end;
	errno = 0;
	*v = strtof(s, &end);
	return num_verdict(s, len == AD_NUM_NUL ? strlen(s) : len, end,
	                   errno == ERANGE && fabsf(*v) > 1, isfinite(*v));
}

int ad_parse_double(const char *s, double lo, double hi, double *out)
{
	double v;
	if (!s || ad_num_f64(s, AD_NUM_NUL, &v) != AD_NUM_OK || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

long ad_opt_long(const char *usage, int opt, const char *arg, long lo, long hi)
{
	long v;
	if (ad_parse_long(arg, lo, hi, &v))
		ad_usage_error(usage, "-%c: bad value '%s' (expected an integer from %ld to %ld)",
		               opt, arg, lo, hi);
	return v;
}

double ad_opt_double(const char *usage, int opt, const char *arg, double lo, double hi)
{
	double v;
	if (ad_parse_double(arg, lo, hi, &v))
		ad_usage_error(usage, "-%c: bad value '%s' (expected a number from %g to %g)",
		               opt, arg, lo, hi);
	return v;
}

void *ad_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		ad_die("out of memory (%zu bytes)", n);
	return p;
}

void *ad_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		ad_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *ad_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		ad_die("out of memory (%zu bytes)", n);
	return p;
}

char *ad_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(ad_xmalloc(n), s, n);
}

size_t ad_mul(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return (size_t)-1;
	return n * size;
}

/* stat of a path, or of fd (0 or 1) for "-"; 0 if it is a regular file */
static int reg_stat(const char *path, int fd, struct stat *st)
{
	int r = !strcmp(path, "-") ? fstat(fd, st) : stat(path, st);
	return r == 0 && S_ISREG(st->st_mode) ? 0 : -1;
}

static const char *out_name(const char *path)
{
	return !strcmp(path, "-") ? "the standard output" : path;
}

/* Two output paths that do not exist yet are one file when their directories
 * are one (device and inode) and their last components are equal. */
static int same_new_file(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	const char *ba = sa ? sa + 1 : a, *bb = sb ? sb + 1 : b;
	char *da, *db;
	struct stat st_a, st_b;
	int same;
	if (strcmp(ba, bb) || stat(a, &st_a) == 0 || stat(b, &st_b) == 0)
		return 0;
	da = sa ? ad_xstrdup(a) : ad_xstrdup(".");
	db = sb ? ad_xstrdup(b) : ad_xstrdup(".");
	if (sa)
		da[sa - a + (sa == a)] = '\0';      /* "/x": the directory "/" */
	if (sb)
		db[sb - b + (sb == b)] = '\0';
	same = stat(da, &st_a) == 0 && stat(db, &st_b) == 0 && st_a.st_dev == st_b.st_dev &&
	       st_a.st_ino == st_b.st_ino;
	free(da);
	free(db);
	return same;
}

int ad_check_outputs(const char *const *out, int nout, const char *const *in, int nin)
{
	struct stat so, si;
	for (int i = 0; i < nout; i++) {
		for (int j = 0; out[i] && strcmp(out[i], "-") && j < i; j++)
			if (out[j] && strcmp(out[j], "-") && same_new_file(out[i], out[j]))
				return ad_error("%s: is the same file as the output %s: give two "
				                "different files", out[i], out[j]);
		if (!out[i] || reg_stat(out[i], 1, &so))
			continue;
		for (int j = 0; j < nin; j++)
			if (in[j] && !reg_stat(in[j], 0, &si) && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
				return ad_error("%s: is the same file as the input %s: refusing to "
				                "overwrite it", out_name(out[i]), ad_name(in[j]));
		for (int j = 0; j < i; j++)
			if (out[j] && !reg_stat(out[j], 1, &si) && si.st_dev == so.st_dev &&
			    si.st_ino == so.st_ino)
				return ad_error("%s: is the same file as the output %s: give two "
				                "different files", out_name(out[i]), out_name(out[j]));
	}
	return 0;
}

long ad_getline(char **line, size_t *cap, FILE *f)
{
	ssize_t n = getline(line, cap, f);
	if (ferror(f))
		return -1;
	return n < 0 ? 0 : (long)n;
}

char *ad_printable(char *s)
{
	for (char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return s;
}

const char *ad_name(const char *path)
{
	return (!path || !strcmp(path, "-")) ? "<stdin>" : path;
}

void ad_check_write(FILE *f, const char *what)
{
	if (fflush(f) != 0 || ferror(f))
		ad_die("write error%s%s: %s", what ? " on " : "", what ? what : "",
		       strerror(errno ? errno : EIO));
}

int ad_finish_stdout(void)
{
	ad_check_write(stdout, NULL);
	if (fclose(stdout) != 0)
		ad_die("write error: %s", strerror(errno));
	return 0;
}

double ad_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CRC-32 (the polynomial of zlib, gzip and zip, reflected 0xEDB88320), eight
 * bytes a step ("slicing by 8"): crc_tab[0] is the byte-at-a-time table, and
 * crc_tab[k][i] is the CRC of byte i followed by k zero bytes, so the eight table
 * look-ups of a step, XORed, advance the CRC over eight bytes at once.  Same
 * values as the byte-at-a-time loop (the tail still runs it), about 5 times as fast. */
static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_tab[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			crc_tab[k][i] = (crc_tab[k - 1][i] >> 8) ^ crc_tab[0][crc_tab[k - 1][i] & 0xff];
}

uint32_t ad_crc32(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		                     (uint32_t)p[3] << 24);
		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		      crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		      crc_tab[3][p[4]] ^ crc_tab[2][p[5]] ^ crc_tab[1][p[6]] ^ crc_tab[0][p[7]];
	}
	while (n--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
