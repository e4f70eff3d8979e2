/* test_advec.c: vector streams: text and binary round trips, errors, RNG. */
#include "advec.h"
#include "rng.h"
#include "util.h"
#include "unit.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *from_string(const char *s, size_t n)
{
	FILE *f = tmpfile();
	fwrite(s, 1, n, f);
	rewind(f);
	return f;
}

static int read_err(const char *text, const char *want)
{
	FILE *f = from_string(text, strlen(text));
	AdvReader *r = adv_open_stream(f, "t");
	int lab, k = 0;
	float x[8];
	if (r) {
		while ((k = adv_read(r, &lab, x)) == 1)
			;
		adv_close(r);
	}
	fclose(f);
	if ((r && k != -1) || !strstr(ad_errmsg(), want)) {
		fprintf(stderr, "input %s: got '%s', want '%s'\n", text, r && k != -1 ? "(no error)" : ad_errmsg(), want);
		return 0;
	}
	return 1;
}

int main(void)
{
	/* round trip text -> binary -> text of random float32 values, exactly */
	Rng rng;
	rng_seed(&rng, 42);
	AdvInfo info = {6, {1, 2, 3}, 1};
	float x[6], y[6];
	for (int bin = 0; bin < 2; bin++) {
		FILE *f = tmpfile();
		AdvWriter *w = adv_writer(f, bin, &info);
		Rng r2 = rng;
		for (int i = 0; i < 50; i++) {
			for (int j = 0; j < 6; j++)
				x[j] = (float)(rng_normal(&r2) * pow(10, (int)rng_below(&r2, 20) - 10));
			CHECK(adv_write(w, i - 3, x) == 0);
		}
		CHECK(adv_writer_close(w) == 0);
		rewind(f);
		AdvReader *r = adv_open_stream(f, "rt");
		REQUIRE(r != NULL);
		CHECK(adv_is_binary(r) == bin);
		CHECK(adv_info(r)->dim == 6 && adv_info(r)->shape[2] == 3 && adv_info(r)->has_shape);
		r2 = rng;
		int lab, n = 0, same = 1;
		while (adv_read(r, &lab, y) == 1) {
			for (int j = 0; j < 6; j++)
				x[j] = (float)(rng_normal(&r2) * pow(10, (int)rng_below(&r2, 20) - 10));
			same &= lab == n - 3 && !memcmp(x, y, sizeof x);
			n++;
		}
		CHECK(n == 50 && same);
		adv_close(r);
		fclose(f);
	}
	/* header-less text: dim from the first row; comments and blank lines skipped */
	{
		const char *t = "# c\n\n1\t0.5 2\n0 3 4\n";
		FILE *f = from_string(t, strlen(t));
		AdvReader *r = adv_open_stream(f, "t");
		int lab;
		REQUIRE(r != NULL);
		CHECK(adv_info(r)->dim == 2);
		CHECK(adv_read(r, &lab, y) == 1 && lab == 1 && y[0] == 0.5f && y[1] == 2.0f);
		CHECK(adv_read(r, &lab, y) == 1 && lab == 0 && y[1] == 4.0f);
		CHECK(adv_read(r, &lab, y) == 0);
		adv_close(r);
		fclose(f);
	}
	CHECK(read_err("#adv 1 dim=2\n1 2 3\n0 1\n", "t:3: expected 2 values, got 1"));
	CHECK(read_err("#adv 1 dim=2\n1 2 3 4\n", "t:2: expected 2 values, got more"));
	CHECK(read_err("#adv 1 dim=2\n1 2 x\n", "t:2: field 3: not a number 'x'"));
	CHECK(read_err("#adv 1 dim=2\n1 2 nan\n", "t:2: field 3: value is not finite 'nan'"));
	CHECK(read_err("#adv 1 dim=2\n1.5 2 3\n", "t:2: bad label '1.5'"));
	CHECK(read_err("", "t: empty input"));
	CHECK(read_err("#adv 1 dim=0\n", "bad dim"));
	CHECK(read_err("#adv 1 dim=99999999999\n", "bad dim"));
	CHECK(read_err("#adv 1 dim=4 shape=1x2x3\n", "does not match"));
	CHECK(read_err("ADVB\1\0\0\0", "truncated binary header"));
	CHECK(read_err("ADVX", "bad magic"));
	{
		/* truncated record and repeated header */
		unsigned char b[24 + 12 + 24 + 12 + 5];
		memcpy(b, "ADVB\1\0\0\0\2\0\0\0\2\0\0\0\1\0\0\0\1\0\0\0", 24);
		float v[2] = {1, 2};
		int32_t l = 7;
		memcpy(b + 24, &l, 4); memcpy(b + 28, v, 8);
		memcpy(b + 36, b, 24);
		memcpy(b + 60, b + 24, 12);
		memcpy(b + 72, b + 24, 5);
		FILE *f = from_string((char *)b, sizeof b);
		AdvReader *r = adv_open_stream(f, "bin");
		int lab;
		REQUIRE(r != NULL);
		CHECK(adv_info(r)->dim == 2 && adv_info(r)->shape[0] == 2);
		CHECK(adv_read(r, &lab, y) == 1 && lab == 7 && y[1] == 2.0f);
		CHECK(adv_read(r, &lab, y) == 1 && lab == 7);
		CHECK(adv_read(r, &lab, y) == -1 && strstr(ad_errmsg(), "record 3: truncated"));
		adv_close(r);
		fclose(f);
	}
	/* compact form: <= 256 distinct values packed, a 257th switches to floats; the
	 * rows read back are the same floats either way */
	for (int distinct = 200; distinct <= 300; distinct += 100) {
		char path[] = "/tmp/test_advecXXXXXX";
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");
		AdvInfo in = {7, {7, 1, 1}, 0};
		AdvWriter *w = adv_writer(f, 1, &in);
		float v[7], a[7], b[7], buf[3 * 7];
		for (int i = 0; i < 100; i++) {
			for (int j = 0; j < 7; j++)
				v[j] = (float)((i * 7 + j) % distinct) / 255.0f;
			adv_write(w, i % 3, v);
		}
		CHECK(adv_writer_close(w) == 0);
		fclose(f);
		AdvData full, small;
		CHECK(adv_load(path, &full) == 0 && adv_load_compact(path, &small) == 0);
		CHECK(full.n == 100 && small.n == 100 && small.info.dim == 7);
		CHECK(distinct <= 256 ? small.code && !small.x : small.x && !small.code);
		int same = 1;
		for (long i = 0; i < 100; i++) {
			adv_row(&full, i, a);
			adv_row(&small, i, b);
			same &= !memcmp(a, b, sizeof a) && full.label[i] == small.label[i];
		}
		CHECK(same);
		CHECK(!memcmp(adv_rows(&small, 40, 3, buf), full.x + 40 * 7, sizeof buf));
		CHECK(adv_rows(&full, 5, 1, NULL) == full.x + 5 * 7);
		adv_data_free(&full);
		adv_data_free(&small);
		unlink(path);
	}
	/* shapes */
	int s[3];
	CHECK(adv_parse_shape("3x32x32", s) == 0 && s[0] == 3 && s[1] == 32 && s[2] == 32);
	CHECK(adv_parse_shape("28x28", s) == 0 && s[0] == 1 && s[1] == 28);
	CHECK(adv_parse_shape("28", s) == -1 && adv_parse_shape("0x3x3", s) == -1);
	/* RNG: fixed first values (xoshiro256** seeded by splitmix64(0)) */
	rng_seed(&rng, 0);
	uint64_t a = rng_u64(&rng);
	rng_seed(&rng, 0);
	CHECK(a == rng_u64(&rng));
	int perm[10], seen[10] = {0};
	for (int i = 0; i < 10; i++) perm[i] = i;
	rng_shuffle(&rng, perm, 10);
	for (int i = 0; i < 10; i++) seen[perm[i]]++;
	int ok = 1;
	for (int i = 0; i < 10; i++) ok &= seen[i] == 1;
	CHECK(ok);
	double m = 0, v = 0;
	for (int i = 0; i < 100000; i++) { double z = rng_normal(&rng); m += z; v += z * z; }
	CHECK_NEAR(m / 1e5, 0, 0.02);
	CHECK_NEAR(v / 1e5, 1, 0.02);
	return UNIT_DONE();
}
