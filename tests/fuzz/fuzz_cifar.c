/* fuzz_cifar: CIFAR-10 and CIFAR-100 binary batches. */
#include "fuzz.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_file(0, data, size);
	fuzz_drain(ad_source_open(p, "cifar", NULL));
	fuzz_drain(ad_source_open(p, "cifar100", NULL));
	return 0;
}
