/* test_numfield.c: the one number-field parser of the readers (util.h
 * ad_num_f64/ad_num_f32): whole field, bad text, overflow, inf/nan, and the one
 * underflow rule (accepted, rounded to a subnormal or 0); and the readers that
 * go through it agree (a scale file with a subnormal standard deviation). */
#include "scale.h"
#include "unit.h"
#include "util.h"
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	double d;
	float f;
	char tmpl[] = "/tmp/test_numfield.XXXXXX";
	int fd;
	FILE *fp;
	ScaleStats st = { 0 };

	CHECK(ad_num_f64("1.5", AD_NUM_NUL, &d) == AD_NUM_OK && d == 1.5);
	CHECK(ad_num_f64("-2e-3", AD_NUM_NUL, &d) == AD_NUM_OK && d == -2e-3);
	/* a field inside a line: only s[0..len) counts, and all of it */
	CHECK(ad_num_f64("0.25\t7", 4, &d) == AD_NUM_OK && d == 0.25);
	CHECK(ad_num_f64("0.25x\t7", 5, &d) == AD_NUM_BAD);
	CHECK(ad_num_f64("", AD_NUM_NUL, &d) == AD_NUM_BAD);
	CHECK(ad_num_f64("abc", AD_NUM_NUL, &d) == AD_NUM_BAD);
	CHECK(ad_num_f64("1.5 ", AD_NUM_NUL, &d) == AD_NUM_BAD);
	CHECK(ad_num_f64("1e999", AD_NUM_NUL, &d) == AD_NUM_RANGE);
	CHECK(ad_num_f64("-1e999", AD_NUM_NUL, &d) == AD_NUM_RANGE);
	CHECK(ad_num_f64("inf", AD_NUM_NUL, &d) == AD_NUM_NONFINITE);
	CHECK(ad_num_f64("nan", AD_NUM_NUL, &d) == AD_NUM_NONFINITE);
	/* underflow: accepted, as the rounded value */
	CHECK(ad_num_f64("1e-310", AD_NUM_NUL, &d) == AD_NUM_OK && d > 0 && d < DBL_MIN);
	CHECK(ad_num_f64("1e-999", AD_NUM_NUL, &d) == AD_NUM_OK && d == 0);
	/* float: rounded once, straight from the text; its own range */
	CHECK(ad_num_f32("0.1", AD_NUM_NUL, &f) == AD_NUM_OK && f == 0.1f);
	CHECK(ad_num_f32("1e39", AD_NUM_NUL, &f) == AD_NUM_RANGE);
	CHECK(ad_num_f32("1e-40", AD_NUM_NUL, &f) == AD_NUM_OK && f > 0 && f < FLT_MIN);
	CHECK(ad_num_f32("1e-50", AD_NUM_NUL, &f) == AD_NUM_OK && f == 0);
	CHECK(ad_num_f32("-inf", AD_NUM_NUL, &f) == AD_NUM_NONFINITE);
	CHECK(ad_num_f32("1,5", AD_NUM_NUL, &f) == AD_NUM_BAD);
	/* option values keep their range check on top */
	CHECK(ad_parse_double("1e-310", 0, 1, &d) == 0 && d > 0);
	CHECK(ad_parse_double("1e999", 0, 1e308, &d) != 0);

	/* a scale file whose statistics hold a subnormal: read like any reader reads it
	 * (the scale reader used to refuse underflow alone among the readers) */
	fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	fp = fdopen(fd, "w");
	if (fp) {
		fputs("#adscale 1 method=zscore dim=2 n=4 lower=0 upper=1\n"
		      "#feature\tmin\tmax\tmean\tstd\n"
		      "1\t0\t1\t1e-310\t1\n"
		      "2\t0\t1\t0.5\t2\n", fp);
		fclose(fp);
		CHECK(scale_load(&st, tmpl) == 0);
		CHECK(st.dim == 2 && st.mean[0] == 1e-310 && st.sd[1] == 2);
		if (st.dim == 2)
			scale_free(&st);
	}
	unlink(tmpl);
	return UNIT_DONE();
}
