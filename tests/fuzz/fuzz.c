/* fuzz.c: helpers of the fuzz targets (fuzz.h). */
#include "fuzz.h"
#include "source.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

FILE *fuzz_stream(const uint8_t *data, size_t size)
{
	static char empty[1];
	/* glibc's fmemopen accepts size 0 only from 2.22: give it one byte and
	 * read it away instead. */
	FILE *f = size ? fmemopen((void *)data, size, "r") : fmemopen(empty, 1, "r");
	if (!f) {
		perror("fuzz: fmemopen");
		abort();
	}
	if (!size)
		(void)getc(f);
	return f;
}

static char paths[4][256];

static void cleanup(void)
{
	for (int i = 0; i < 4; i++)
		if (paths[i][0])
			unlink(paths[i]);
}

const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
	static int registered;
	char *path = paths[slot & 3];
	FILE *f;
	if (!path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof paths[0], "%s/adfuzz-%ld-%d", dir && *dir ? dir : "/tmp",
		         (long)getpid(), slot & 3);
		if (!registered++)
			atexit(cleanup);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

void fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *na,
                const uint8_t **b, size_t *nb)
{
	size_t i;
	for (i = 0; i + 4 <= size; i++)
		if (!memcmp(data + i, "\n--\n", 4))
			break;
	*a = data;
	if (i + 4 > size) {
		*na = size;
		*b = data + size;
		*nb = 0;
	} else {
		*na = i;
		*b = data + i + 4;
		*nb = size - i - 4;
	}
}

void fuzz_drain(AdSource *s)
{
	float *x;
	int label;
	long n = 0;
	if (!s)
		return;
	if (s->info.dim < 1 || s->info.dim > ADV_MAX_DIM ||
	    (long)s->info.shape[0] * s->info.shape[1] * s->info.shape[2] != s->info.dim)
		abort();
	x = calloc((size_t)s->info.dim, sizeof *x);
	if (!x)
		abort();
	while (n < FUZZ_MAX_ROWS && ad_source_read(s, &label, x) == 1) {
		for (int j = 0; j < s->info.dim; j++)
			if (!isfinite(x[j]))
				abort();
		n++;
	}
	free(x);
	ad_source_close(s);
}
