/* util.h: error reporting, checked number parsing, option helpers, I/O checks.
 *
 * Error convention of libad: a library function that fails records a message with
 * ad_error() (thread-local) and returns -1 or NULL; the tool's main prints it with
 * ad_die("%s", ad_errmsg()).  Only the ad_die/ad_usage family and ad_xmalloc exit. */
#ifndef AD_UTIL_H
#define AD_UTIL_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#ifndef AD_VERSION
#define AD_VERSION "0.0.0"
#endif

extern const char *ad_progname;          /* basename of argv[0] */
void ad_setprogname(const char *argv0);

/* "prog: message\n" on stderr, exit 1. */
_Noreturn void ad_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message\n" on stderr, no exit. */
void ad_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record an error message for the caller; returns -1. */
int ad_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *ad_errmsg(void);

/* Options.  `usage` is the full help text (first line "usage: prog ...").
 * ad_stdopts() handles --help and --version before getopt (up to the first
 * operand or "--"); tools map -h and -V to ad_help() and ad_version(). */
void ad_stdopts(int argc, char **argv, const char *usage);
_Noreturn void ad_help(const char *usage);    /* usage on stdout, exit 0 */
_Noreturn void ad_version(void);              /* "prog (adpipe) X.Y.Z", exit 0 */
/* "prog: message\n" then the usage line(s) up to the first blank line, on stderr; exit 2. */
_Noreturn void ad_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The getopt default: case for an unknown option or a missing argument (uses optopt). */
_Noreturn void ad_bad_option(const char *usage);

/* A number field of a data file or stream: the text s[0..len) (len AD_NUM_NUL:
 * up to the NUL) must be one whole number in strtod syntax.  Every reader goes
 * through these, so they share one rule: an empty field or other text is
 * AD_NUM_BAD; a magnitude beyond the type's range is AD_NUM_RANGE; "inf" and
 * "nan" are AD_NUM_NONFINITE; a value too small for the type (underflow) is
 * accepted, rounded to a subnormal or zero as strtod/strtof give it.  The f32
 * form rounds the text once, straight to float (strtof). */
enum { AD_NUM_OK = 0, AD_NUM_BAD = -1, AD_NUM_RANGE = -2, AD_NUM_NONFINITE = -3 };
#define AD_NUM_NUL ((size_t)-1)
int ad_num_f64(const char *s, size_t len, double *v);
int ad_num_f32(const char *s, size_t len, float *v);

/* Checked parsers: the whole string must be a number in [lo, hi].  0 on success. */
int ad_parse_long(const char *s, long lo, long hi, long *out);
int ad_parse_double(const char *s, double lo, double hi, double *out);
/* Option-argument parsers that exit 2 with "prog: -X: bad value 'arg' (expected ...)" */
long ad_opt_long(const char *usage, int opt, const char *arg, long lo, long hi);
double ad_opt_double(const char *usage, int opt, const char *arg, double lo, double hi);

/* Memory: exits with "prog: out of memory" on failure (the only exit in the library). */
void *ad_xmalloc(size_t n);
void *ad_xcalloc(size_t n, size_t size);
void *ad_xrealloc(void *p, size_t n);
char *ad_xstrdup(const char *s);
/* n*size with overflow check; (size_t)-1 on overflow. */
size_t ad_mul(size_t n, size_t size);

/* getline(3) that also fails on a read error in mid-line: a stream from
 * ad_fopen_read() whose gzip data turns out corrupt (a CRC-32 check at the end)
 * can hand getline a partial last line with the error flag set.  Returns the
 * length, 0 at the end of the input, -1 on a read error (then report
 * ad_ferror_msg(f)). */
long ad_getline(char **line, size_t *cap, FILE *f);
/* Replace bytes outside printable ASCII with '?' (for names from files in messages). */
char *ad_printable(char *s);
/* Display name for messages: "<stdin>" for "-" or NULL. */
const char *ad_name(const char *path);

/* An output never overwrites an input.  -1 + ad_error when one of the nout
 * output files exists and is, through any links, the same file (device and
 * inode) as one of the nin inputs or as an earlier output (NULL entries are
 * skipped; "-" is the standard output or input):
 *   "OUT: is the same file as the input IN: refusing to overwrite it".
 * Outputs that do not exist yet or are not regular files (/dev/null, a pipe)
 * pass.  Tools call it after parsing their options, before writing anything. */
int ad_check_outputs(const char *const *out, int nout, const char *const *in, int nin);

/* Check a stream after writing: fflush + ferror.  On failure die with
 * "prog: write error: <strerror>".  Call before exit on stdout. */
void ad_check_write(FILE *f, const char *what);
/* ad_check_write(stdout) then fclose; returns 0 (for `return ad_finish_stdout();`). */
int ad_finish_stdout(void);

/* Time in seconds (monotonic). */
double ad_now(void);

/* CRC-32 (IEEE 802.3, as zlib/gzip) of a buffer, continuing from crc (0 to start). */
uint32_t ad_crc32(uint32_t crc, const void *buf, size_t n);

#endif
