/* cifar.c: CIFAR-10 and CIFAR-100 binary batches, streamed record by record.
 *
 * CIFAR-10 record: 1 label byte (0-9), then 3072 pixel bytes: the 1024 red,
 * 1024 green and 1024 blue values of a 32x32 image, row by row: shape 3x32x32.
 * CIFAR-100 record: a coarse (0-19) and a fine (0-99) label byte, then the
 * same pixels; the fine label is used.  No header and no magic number:
 * a batch is a concatenation of records, so several batches may be cat'ed. */
#include "source.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CIFAR_PIX 3072

typedef struct {
	int nlab;               /* label bytes per record: 1 or 2 */
	long rec;               /* records read */
	unsigned char buf[2 + CIFAR_PIX];
} Cifar;

static int cifar_read(AdSource *s, int *label, float *x)
{
	Cifar *c = s->state;
	size_t rs = (size_t)c->nlab + CIFAR_PIX;
	size_t got = fread(c->buf, 1, rs, s->f);
	if (got == 0 && !ferror(s->f))
		return 0;
	c->rec++;
	if (got != rs) {
		if (ferror(s->f))
			return ad_error("%s: %s", s->name, ad_ferror_msg(s->f));
		return ad_error("%s: record %ld: truncated (%zu of %zu bytes)", s->name, c->rec,
		                got, rs);
	}
	if (c->nlab == 1 && c->buf[0] > 9)
		return ad_error("%s: record %ld: label %d out of range (0 to 9); not CIFAR-10?",
		                s->name, c->rec, c->buf[0]);
	if (c->nlab == 2 && (c->buf[0] > 19 || c->buf[1] > 99))
		return ad_error("%s: record %ld: labels %d, %d out of range (0 to 19, 0 to 99); "
		                "not CIFAR-100?", s->name, c->rec, c->buf[0], c->buf[1]);
	*label = c->buf[c->nlab - 1];
	for (int j = 0; j < CIFAR_PIX; j++)
		x[j] = (float)c->buf[c->nlab + j];
	return 1;
}

static void cifar_close(AdSource *s)
{
	free(s->state);
}

static int open_n(AdSource *s, FILE *f, int nlab)
{
	Cifar *c;
	int ch = getc(f);
	if (ch == EOF) {
		if (ferror(f))
			return ad_error("%s: %s", s->name, ad_ferror_msg(f));
		return ad_error("%s: empty input", s->name);
	}
	if (ungetc(ch, f) == EOF)
		return ad_error("%s: read error", s->name);
	c = ad_xcalloc(1, sizeof *c);
	c->nlab = nlab;
	s->state = c;
	s->info.dim = CIFAR_PIX;
	s->info.shape[0] = 3;
	s->info.shape[1] = 32;
	s->info.shape[2] = 32;
	s->info.has_shape = 1;
	s->read = cifar_read;
	s->close = cifar_close;
	return 0;
}

int ad_cifar10_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	(void)o;
	return open_n(s, f, 1);
}

int ad_cifar100_open(AdSource *s, FILE *f, const AdSourceOpts *o)
{
	(void)o;
	return open_n(s, f, 2);
}
