/* fuzz_model: model files (modelfile.h).  Each input is loaded as it is (which
 * mostly tests the CRC check) and, when it starts with the magic, once more with
 * its last 4 bytes replaced by the right CRC-32, so that the fuzzer reaches the
 * fields behind the check.  A model that loads must score a sample. */
#include "fuzz.h"
#include "model.h"
#include "modelfile.h"
#include <stdlib.h>
#include <string.h>

static void load(const uint8_t *data, size_t size)
{
	int score_mean;
	char *settings = NULL;
	Model *m = modelfile_load(fuzz_file(0, data, size), &score_mean, &settings);
	if (m) {
		const ModelConfig *c = model_config(m);
		if (c->dim <= 4096) {
			float *x = calloc((size_t)c->dim, sizeof *x);
			double s = 0;   /* cppcheck: model_scores() only writes it */
			if (!x)
				abort();
			if (model_forward(m, x, 1, 0) == 0)
				model_scores(m, 1, score_mean, &s);
			free(x);
		}
		model_free(m);
	}
	free(settings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load(data, size);
	if (size >= 8 && !memcmp(data, "ADPM", 4)) {
		uint8_t *b = malloc(size);
		uint32_t crc;
		if (!b)
			abort();
		memcpy(b, data, size);
		crc = ad_crc32(0, b, size - 4);
		for (int i = 0; i < 4; i++)
			b[size - 4 + i] = (uint8_t)(crc >> 8 * i);
		load(b, size);
		free(b);
	}
	return 0;
}
