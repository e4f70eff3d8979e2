/* fuzz_idx: IDX files (MNIST) through the source interface; when the input holds
 * the separator "\n--\n", the part after it is the labels file (-l). */
#include "fuzz.h"
#include "source.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t na, nb;
	AdSourceOpts o;
	fuzz_split(data, size, &a, &na, &b, &nb);
	memset(&o, 0, sizeof o);
	if (nb)
		o.labels = fuzz_file(1, b, nb);
	fuzz_drain(ad_source_open(fuzz_file(0, a, na), "idx", &o));
	return 0;
}
