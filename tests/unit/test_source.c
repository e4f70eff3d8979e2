/* test_source.c: format detection through ad_source_open, the in-memory source. */
#include "advec.h"
#include "source.h"
#include "util.h"
#include "unit.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(b, 1, n, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/test_sourceXXXXXX", p[64];
	static const unsigned char idx[] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3,
	                                    1, 2, 3, 250, 251, 252};
	AdSource *s;
	AdvData d = {0};
	float x[3];
	int lab;

	CHECK(mkdtemp(dir) != NULL);
	/* IDX detected by its magic, whatever the name */
	snprintf(p, sizeof p, "%s/data.csv", dir);
	put(p, idx, sizeof idx);
	s = ad_source_open(p, NULL, NULL);
	CHECK(s && !strcmp(s->format, "idx") && s->info.dim == 3 && !s->info.has_shape);
	CHECK(s && ad_source_read(s, &lab, x) == 1 && x[0] == 1 && x[2] == 3);
	CHECK(s && ad_source_read(s, &lab, x) == 1 && x[0] == 250 && lab == 0);
	CHECK(s && ad_source_read(s, &lab, x) == 0);
	ad_source_close(s);
	/* CSV by its name; the detection does not eat the first bytes */
	snprintf(p, sizeof p, "%s/t.csv", dir);
	put(p, "7,0.5\n", 6);
	s = ad_source_open(p, NULL, &(AdSourceOpts){.labelcol = "1"});
	CHECK(s && !strcmp(s->format, "csv") && s->info.dim == 1);
	CHECK(s && ad_source_read(s, &lab, x) == 1 && lab == 7 && x[0] == 0.5f);
	ad_source_close(s);
	/* text vector stream by its header */
	snprintf(p, sizeof p, "%s/v", dir);
	put(p, "#adv 1 dim=1\n3\t2\n", 17);
	s = ad_source_open(p, NULL, NULL);
	CHECK(s && !strcmp(s->format, "adv") && ad_source_read(s, &lab, x) == 1 && lab == 3);
	ad_source_close(s);
	/* unknown */
	snprintf(p, sizeof p, "%s/u", dir);
	put(p, "1,2\n", 4);
	CHECK(ad_source_open(p, NULL, NULL) == NULL);
	CHECK(strstr(ad_errmsg(), "cannot detect the format (use -f)") != NULL);
	CHECK(ad_source_open(p, "nope", NULL) == NULL);
	CHECK(!strcmp(ad_errmsg(), "unknown format 'nope'"));
	/* a data set in memory served as a source */
	{
		AdSource m = {0};
		float r0[2] = {1, 2}, r1[2] = {3, 4};
		d.info.dim = 2;
		adv_data_push(&d, 5, r0);
		adv_data_push(&d, 6, r1);
		ad_source_from_data(&m, &d);
		CHECK(d.n == 0 && d.x == NULL && m.info.dim == 2);
		CHECK(m.read(&m, &lab, x) == 1 && lab == 5 && x[1] == 2);
		CHECK(m.read(&m, &lab, x) == 1 && lab == 6 && x[0] == 3);
		CHECK(m.read(&m, &lab, x) == 0);
		m.close(&m);
	}
	unlink(p);
	snprintf(p, sizeof p, "%s/v", dir); unlink(p);
	snprintf(p, sizeof p, "%s/t.csv", dir); unlink(p);
	snprintf(p, sizeof p, "%s/data.csv", dir); unlink(p);
	rmdir(dir);
	return UNIT_DONE();
}
