/* fuzz_load: ad-load's input path: gzip detection and decompression
 * (ad_fopen_read), then format detection from the magic number. */
#include "fuzz.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_drain(ad_source_open(fuzz_file(0, data, size), NULL, NULL));
	return 0;
}
