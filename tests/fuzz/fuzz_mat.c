/* fuzz_mat: MATLAB v5 MAT-files, variables X and y (as ODDS names them), and X
 * alone. */
#include "fuzz.h"
#include "mat.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_file(0, data, size);
	AdvData d;
	memset(&d, 0, sizeof d);
	if (!ad_mat_load(p, "X", "y", &d))
		adv_data_free(&d);
	memset(&d, 0, sizeof d);
	if (!ad_mat_load(p, "X", NULL, &d))
		adv_data_free(&d);
	return 0;
}
