/* fuzz_npy: NumPy .npy arrays, parsed in memory and loaded as X (and, when the
 * input holds "\n--\n", the part after it as the label vector y). */
#include "fuzz.h"
#include "npy.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t na, nb;
	AdNumArray arr;
	int ndim;
	long shape[4];
	AdvData d;
	(void)ad_npy_parse(data, size, "fuzz", "X", &arr, &ndim, shape);
	fuzz_split(data, size, &a, &na, &b, &nb);
	memset(&d, 0, sizeof d);
	if (!ad_npy_load(fuzz_file(0, a, na), nb ? fuzz_file(1, b, nb) : NULL, &d))
		adv_data_free(&d);
	return 0;
}
