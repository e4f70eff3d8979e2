/* fuzz_advec: vector streams (advec.h), text and binary.  Every row read must
 * survive a write and a re-read bit for bit, in text and in binary. */
#include "fuzz.h"
#include "advec.h"
#include <stdlib.h>
#include <string.h>

static void roundtrip(const AdvData *d, int binary)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	AdvWriter *w;
	if (!f)
		abort();
	w = adv_writer(f, binary, &d->info);
	if (!w)
		abort();
	for (long i = 0; i < d->n; i++)
		if (adv_write(w, d->label[i], d->x + (size_t)i * (size_t)d->info.dim))
			abort();
	if (adv_writer_close(w) || fclose(f))
		abort();
	FILE *g = fuzz_stream((const uint8_t *)buf, n);
	AdvReader *r = adv_open_stream(g, "again");
	float *x = malloc((size_t)d->info.dim * sizeof *x);
	int label;
	if (!r || !x)
		abort();          /* what we wrote must read back */
	for (long i = 0; i < d->n; i++)
		if (adv_read(r, &label, x) != 1 || label != d->label[i] ||
		    memcmp(x, d->x + (size_t)i * (size_t)d->info.dim,
		           (size_t)d->info.dim * sizeof *x))
			abort();
	if (adv_read(r, &label, x) != 0)
		abort();
	if (adv_info(r)->dim != d->info.dim)
		abort();
	free(x);
	adv_close(r);
	fclose(g);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fuzz_stream(data, size);
	AdvReader *r = adv_open_stream(f, "fuzz");
	if (r) {
		AdvData d;
		memset(&d, 0, sizeof d);
		d.info = *adv_info(r);
		float *x = calloc((size_t)d.info.dim, sizeof *x);
		int label, k = 0;
		if (!x)
			abort();
		while (d.n < FUZZ_MAX_ROWS && (k = adv_read(r, &label, x)) == 1) {
			adv_lineno(r);
			adv_data_push(&d, label, x);
		}
		/* a header in mid-stream may not change dim (unless reading failed) */
		if (k >= 0 && adv_info(r)->dim != d.info.dim)
			abort();
		if (d.n && d.info.dim <= 4096) {
			int binary_ok = 1;
			roundtrip(&d, 0);
			/* labels whose bytes read "ADVB" or "#adv" stay in text (adv(5)) */
			for (long i = 0; i < d.n; i++)
				binary_ok &= adv_binary_label_ok(d.label[i]);
			if (binary_ok)
				roundtrip(&d, 1);
		}
		free(x);
		adv_data_free(&d);
		adv_close(r);
	}
	fclose(f);
	return 0;
}
