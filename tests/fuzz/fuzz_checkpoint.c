/* fuzz_checkpoint: training checkpoints (train.h), resumed by train_run() for a
 * tiny AE on six fixed rows.  As in fuzz_model, an input that starts with the
 * magic runs a second time with its CRC-32 made right.  The seeds come from this
 * same set-up (settings and data are part of the checkpoint):
 *     FUZZ_CHECKPOINT_SEED=path build/fuzz/fuzz_checkpoint [stop]
 * writes the checkpoint after epoch 1 of 2 (or, with "stop", after batch 1). */
#include "fuzz.h"
#include "model.h"
#include "train.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void setup(AdvData *d, Model **m, TrainConfig *tc)
{
	ModelConfig c;
	memset(d, 0, sizeof *d);
	d->info.dim = 4;
	d->info.shape[0] = 4;
	d->info.shape[1] = d->info.shape[2] = 1;
	for (int i = 0; i < 6; i++) {
		float x[4] = { (float)i / 6, 1 - (float)i / 7, (float)(i % 3), 0.5f };
		adv_data_push(d, i == 5, x);
	}
	model_config_defaults(&c, MODEL_AE);
	snprintf(c.arch, sizeof c.arch, "mlp:3-2");
	c.dim = 4;
	c.shape[0] = 4;
	c.shape[1] = c.shape[2] = 1;
	c.seed = 1;
	*m = model_new(&c);
	if (!*m)
		abort();
	train_config_defaults(tc);
	tc->epochs = 2;
	tc->batch = 2;
	tc->lr = 0.01;
}

static void resume(const uint8_t *data, size_t size)
{
	AdvData d;
	Model *m;
	TrainConfig tc;
	TrainResult res;
	setup(&d, &m, &tc);
	tc.resume = fuzz_file(0, data, size);
	if (train_run(m, &d, &tc, &res) < 0 && getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "  %s\n", ad_errmsg());
	model_free(m);
	adv_data_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *seed = getenv("FUZZ_CHECKPOINT_SEED");
	if (seed) {
		static volatile sig_atomic_t stop;
		AdvData d;
		Model *m;
		TrainConfig tc;
		TrainResult res;
		setup(&d, &m, &tc);
		tc.checkpoint = seed;
		if (size >= 4 && !memcmp(data, "stop", 4)) {
			stop = 1;
			tc.stop = &stop;
		} else
			tc.epochs = 1;
		if (train_run(m, &d, &tc, &res) < 0) {
			fprintf(stderr, "%s\n", ad_errmsg());
			exit(1);
		}
		exit(0);
	}
	resume(data, size);
	if (size >= 8 && !memcmp(data, "ADPC", 4)) {
		uint8_t *b = malloc(size);
		uint32_t crc;
		if (!b)
			abort();
		memcpy(b, data, size);
		crc = ad_crc32(0, b, size - 4);
		for (int i = 0; i < 4; i++)
			b[size - 4 + i] = (uint8_t)(crc >> 8 * i);
		resume(b, size);
		free(b);
	}
	return 0;
}
