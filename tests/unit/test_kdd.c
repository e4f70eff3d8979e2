/* test_kdd.c: KDD'99 one-hot encoding, vocabulary file, label mappings, on the
 * hand-written records of tests/fixtures/kdd (expected columns worked out by hand:
 * see the layout below).  Run from the top of the tree (make check). */
#include "kdd.h"
#include "unit.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR "tests/fixtures/kdd/"

/* Vocabulary of train.csv: protocol {icmp tcp udp}, service {ftp http smtp},
 * flag {REJ SF}, land {0} (no column), logged_in {0 1}, is_host_login {0} (no
 * column), is_guest_login {0 1}.  Columns: 0 duration, 1-3 protocol, 4-6 service,
 * 7-8 flag, 9 src_bytes, 10 dst_bytes, 11-14 wrong_fragment..num_failed_logins,
 * 15-16 logged_in, 17-24 num_compromised..num_outbound_cmds, 25-26 is_guest_login,
 * 27-45 count..dst_host_srv_rerror_rate: 46 in all. */
static const float T19[19] = {2, 3, 0.5f, 0, 0, 0, 1, 0, 0, 9, 9, 1, 0, 0.11f, 0, 0, 0, 0,
	0.25f};

/* Expected row from its non-zero columns before the 19 shared trailing values. */
static int row_is(const float *x, const int *cols, const float *vals, int n)
{
	float want[46] = {0};
	for (int i = 0; i < n; i++)
		want[cols[i]] = vals[i];
	memcpy(want + 27, T19, sizeof T19);
	for (int j = 0; j < 46; j++)
		if (x[j] != want[j]) {
			fprintf(stderr, "column %d: %g, expected %g\n", j, x[j], want[j]);
			return 0;
		}
	return 1;
}

static char *slurp_text(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4096];
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = 0;
	if (f)
		fclose(f);
	return buf;
}

int main(void)
{
	AdvData d;
	AdKddStats st;
	AdKddOpts o = {AD_KDD_LABELS_KDD, 1, NULL, NULL};
	char vocab[] = "/tmp/test_kdd_vocabXXXXXX";
	int fd = mkstemp(vocab);
	CHECK(fd >= 0);
	close(fd);

	o.vocab_out = vocab;
	CHECK(ad_kdd_load(DIR "train.csv", &o, &d, &st) == 0);
	CHECK(d.n == 8 && d.info.dim == 46);
	CHECK(st.rows == 8 && st.normal == 4 && st.attacks == 4 && st.unknown_rows == 0);
	{
		int c0[] = {0, 2, 5, 8, 9, 10, 16, 25};
		float v0[] = {1, 1, 1, 1, 100, 200, 1, 1};
		int c6[] = {0, 3, 6, 8, 9, 10, 16, 26};
		float v6[] = {3, 1, 1, 1, 15, 16, 1, 1};
		int c2[] = {1, 4, 7, 9, 10, 15, 25};
		float v2[] = {1, 1, 1, 7, 8, 1, 1};
		CHECK(row_is(d.x, c0, v0, 8));
		CHECK(row_is(d.x + 6 * 46, c6, v6, 8));
		CHECK(row_is(d.x + 2 * 46, c2, v2, 7));
	}
	{
		int want[8] = {1, 1, 0, 0, 1, 0, 1, 0};   /* KDDCUP: normal = 1 */
		CHECK(!memcmp(d.label, want, sizeof want));
	}
	adv_data_free(&d);
	CHECK(!strcmp(slurp_text(vocab),
	              "# adpipe KDD'99 vocabulary: each symbolic field, then its values in column order\n"
	              "protocol_type\ticmp\ttcp\tudp\n"
	              "service\tftp\thttp\tsmtp\n"
	              "flag\tREJ\tSF\n"
	              "land\t0\n"
	              "logged_in\t0\t1\n"
	              "is_host_login\t0\n"
	              "is_guest_login\t0\t1\n"));

	/* test data with the training vocabulary: unknown service -> all-zero group */
	o.vocab_out = NULL;
	o.vocab_in = vocab;
	CHECK(ad_kdd_load(DIR "test.csv", &o, &d, &st) == 0);
	CHECK(d.n == 2 && d.info.dim == 46 && st.unknown_rows == 1);
	CHECK(!strcmp(st.unknown_example, "service 'telnet'"));
	{
		int c0[] = {0, 2, 8, 9, 10, 16, 25};
		float v0[] = {4, 1, 1, 19, 20, 1, 1};
		int c1[] = {0, 3, 5, 7, 9, 10, 15, 26};
		float v1[] = {5, 1, 1, 1, 21, 22, 1, 1};
		CHECK(row_is(d.x, c0, v0, 7));
		CHECK(row_is(d.x + 46, c1, v1, 8));
		CHECK(d.label[0] == 1 && d.label[1] == 0);
	}
	adv_data_free(&d);
	/* the same file with its own vocabulary: different columns */
	o.vocab_in = NULL;
	CHECK(ad_kdd_load(DIR "test.csv", &o, &d, &st) == 0);
	CHECK(d.info.dim == 34 + 2 + 2 + 2 + 2 + 0 + 2 + 2);
	adv_data_free(&d);

	/* KDDCUP-Rev: normal = 0, floor(4 / 4) = 1 attack kept, file order */
	o.labels = AD_KDD_LABELS_REV;
	{
		int seen[4] = {0}, kept_first = -1;
		for (uint64_t seed = 1; seed <= 40; seed++) {
			long srcs[5];
			int ones = 0, ok = 1;
			o.seed = seed;
			CHECK(ad_kdd_load(DIR "train.csv", &o, &d, &st) == 0);
			ok &= d.n == 5 && st.attacks_kept == 1;
			for (long i = 0; i < d.n; i++) {
				ones += d.label[i];
				srcs[i] = (long)d.x[i * 46 + 9];
			}
			/* normal rows (src_bytes 100, 5, 11, 15) in order, the attack among them */
			int k = 0;
			long normals[4] = {100, 5, 11, 15}, attack = -1;
			for (long i = 0; i < 5; i++) {
				if (d.label[i])
					attack = srcs[i];
				else
					ok &= srcs[i] == normals[k++];
			}
			ok &= ones == 1 && k == 4;
			for (int a = 0; a < 4; a++)
				if (attack == (long[]){7, 9, 13, 17}[a])
					seen[a] = 1;
			if (seed == 1)
				kept_first = (int)attack;
			CHECK(ok);
			adv_data_free(&d);
		}
		CHECK(seen[0] + seen[1] + seen[2] + seen[3] >= 3);  /* the seed matters */
		o.seed = 1;
		CHECK(ad_kdd_load(DIR "train.csv", &o, &d, &st) == 0);
		for (long i = 0; i < d.n; i++)                        /* and repeats */
			if (d.label[i])
				CHECK((int)d.x[i * 46 + 9] == kept_first);
		adv_data_free(&d);
	}

	/* errors */
	o.labels = AD_KDD_LABELS_KDD;
	CHECK(ad_kdd_load(DIR "bad_fields.csv", &o, &d, &st) == -1);
	CHECK(!strcmp(ad_errmsg(), DIR "bad_fields.csv:2: 41 comma-separated fields (expected 41 "
	                           "features and a label)"));
	CHECK(ad_kdd_load(DIR "bad_number.csv", &o, &d, &st) == -1);
	CHECK(!strcmp(ad_errmsg(), DIR "bad_number.csv:1: field 5: bad number '1e999'"));
	o.vocab_in = DIR "train.csv";
	CHECK(ad_kdd_load(DIR "test.csv", &o, &d, &st) == -1);
	CHECK(!strcmp(ad_errmsg(), DIR "train.csv:1: expected the field protocol_type"));
	o.vocab_in = NULL;
	CHECK(ad_kdd_load(DIR "missing.csv", &o, &d, &st) == -1);
	CHECK(!strcmp(ad_errmsg(), DIR "missing.csv: No such file or directory"));
	remove(vocab);
	return UNIT_DONE();
}
