/* fuzz_scale: ad-scale statistics files; what loads is applied to a row. */
#include "fuzz.h"
#include "scale.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ScaleStats s;
	if (scale_load(&s, fuzz_file(0, data, size)) == 0) {
		float *x = calloc((size_t)s.dim, sizeof *x), *y = calloc((size_t)s.dim, sizeof *y);
		if (!x || !y)
			abort();
		(void)scale_apply(&s, x, y);
		free(x);
		free(y);
		scale_free(&s);
	}
	return 0;
}
