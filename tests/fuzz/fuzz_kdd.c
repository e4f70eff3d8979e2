/* fuzz_kdd: KDD Cup '99 records, both labellings.  The vocabulary the first pass
 * writes, read back, must encode the same data to the same rows; an input with
 * "\n--\n" also runs the part after it as a vocabulary file. */
#include "fuzz.h"
#include "kdd.h"
#include <stdlib.h>
#include <string.h>

static int load(const uint8_t *data, size_t size, AdKddOpts *o, AdvData *d)
{
	FILE *f = fuzz_stream(data, size);
	AdKddStats st;
	int rc;
	memset(d, 0, sizeof *d);
	rc = ad_kdd_read(f, "fuzz", o, d, &st);
	fclose(f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t na, nb;
	AdKddOpts o;
	AdvData d, e;
	fuzz_split(data, size, &a, &na, &b, &nb);
	memset(&o, 0, sizeof o);
	o.labels = AD_KDD_LABELS_KDD;
	o.vocab_out = fuzz_file(2, (const uint8_t *)"", 0);
	if (!load(a, na, &o, &d)) {
		o.vocab_in = o.vocab_out;
		o.vocab_out = NULL;
		if (load(a, na, &o, &e))
			abort();              /* its own vocabulary must read back */
		if (e.n != d.n || e.info.dim != d.info.dim ||
		    memcmp(e.label, d.label, (size_t)d.n * sizeof *d.label) ||
		    memcmp(e.x, d.x, (size_t)d.n * (size_t)d.info.dim * sizeof *d.x))
			abort();
		adv_data_free(&e);
		adv_data_free(&d);
	}
	memset(&o, 0, sizeof o);
	o.labels = AD_KDD_LABELS_REV;
	o.seed = 7;
	if (!load(a, na, &o, &d))
		adv_data_free(&d);
	if (nb) {
		o.vocab_in = fuzz_file(1, b, nb);
		if (!load(a, na, &o, &d))
			adv_data_free(&d);
	}
	return 0;
}
