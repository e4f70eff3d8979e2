/* fuzz_npz: .npz (zip) archives: the zip reader on memory, then arrays X and y. */
#include "fuzz.h"
#include "npy.h"
#include "zip.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	AdZip z;
	AdvData d;
	if (!ad_zip_open(&z, data, size, "fuzz")) {
		char names[256];
		unsigned char *out;
		size_t n;
		ad_zip_names(&z, names, sizeof names);
		if (ad_zip_get(&z, "X.npy", &out, &n) == 0)
			free(out);
	}
	memset(&d, 0, sizeof d);
	if (!ad_npz_load(fuzz_file(0, data, size), "X", "y", &d))
		adv_data_free(&d);
	return 0;
}
