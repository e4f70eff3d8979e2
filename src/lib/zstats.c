/* zstats.c: modified z-score statistics fitted once, applied elsewhere. */
#include "zstats.h"
#include "scores.h"
#include "stats.h"
#include "gzfile.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <string.h>

void zstats_fit(ZStats *z, const double *s, size_t n, double *scratch)
{
	z->n = (double)n;
	z->median = ad_median(s, n, scratch);
	z->mad = ad_mad(s, n, z->median, scratch);
	z->meanad = ad_meanad(s, n, z->median);
}

void zstats_apply(const ZStats *z, const double *s, size_t n, double *out)
{
	double med = z->median, tiny = 1e-12 * fmax(1.0, fabs(med));
	for (size_t i = 0; i < n; i++)
		out[i] = z->mad > tiny ? AD_MODZ_K * (s[i] - med) / z->mad
		       : z->meanad > tiny ? (s[i] - med) / (AD_MEANAD_K * z->meanad) : 0;
}

int zstats_save(const char *path, const ZStats *z)
{
	FILE *f = fopen(path, "w");
	const char *key[] = { "median", "mad", "meanad" };
	const double val[] = { z->median, z->mad, z->meanad };
	int bad;
	if (!f)
		return ad_error("%s: %s", path, strerror(errno));
	fprintf(f, "#adzscore 1\nn\t%.0f\n", z->n);
	for (int i = 0; i < 3; i++) {
		fprintf(f, "%s\t", key[i]);
		scores_write_double(f, val[i]);
		fputc('\n', f);
	}
	bad = fflush(f) != 0 || ferror(f);
	bad |= fclose(f) != 0;
	if (bad)
		return ad_error("%s: write error: %s", path, strerror(errno ? errno : EIO));
	return 0;
}

int zstats_load(const char *path, ZStats *z)
{
	static const char *const key[] = { "n", "median", "mad", "meanad" };
	double *dst[] = { &z->n, &z->median, &z->mad, &z->meanad };
	int have[4] = { 0 }, rc = 0;
	FILE *f = ad_fopen_read(path);
	char line[1024];
	long ln = 0;
	if (!f)
		return -1;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		char *tab;
		int k;
		ln++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		else if (!feof(f)) {
			rc = ad_error("%s:%ld: line too long", ad_name(path), ln);
			break;
		}
		if (ln == 1) {
			if (strcmp(line, "#adzscore 1"))
				rc = ad_error("%s:1: not a z-score statistics file (expected '#adzscore 1')",
				              ad_name(path));
			continue;
		}
		if (!(tab = strchr(line, '\t'))) {
			rc = ad_error("%s:%ld: expected key<TAB>value", ad_name(path), ln);
			break;
		}
		*tab++ = 0;
		for (k = 0; k < 4 && strcmp(line, key[k]); k++)
			;
		if (k == 4)
			rc = ad_error("%s:%ld: unknown key '%s' (n, median, mad, meanad)", ad_name(path),
			              ln, ad_printable(line));
		else if (have[k]++)
			rc = ad_error("%s:%ld: %s given twice", ad_name(path), ln, key[k]);
		else if (ad_parse_double(tab, k ? (k == 1 ? -1e308 : 0) : 1, 1e308, dst[k]))
			rc = ad_error("%s:%ld: %s: bad value '%s'", ad_name(path), ln, key[k],
			              ad_printable(tab));
	}
	if (rc == 0 && ferror(f))
		rc = ad_error("%s: %s", ad_name(path), ad_ferror_msg(f));
	for (int k = 0; rc == 0 && k < 4; k++)
		if (!have[k])
			rc = ad_error("%s: no %s line%s", ad_name(path), key[k],
			              ln ? "" : " (empty file)");
	if (f != stdin)
		fclose(f);
	return rc;
}
