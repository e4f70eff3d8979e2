/* fuzz_csv: CSV and TSV with the option sets of ad-load: no label column, label
 * column 1, the last column by number, a header with a named label column. */
#include "fuzz.h"
#include "source.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct { const char *fmt; char delim; int header; const char *col; } v[] = {
		{"csv", 0, 0, NULL}, {"csv", 0, 0, "1"}, {"csv", 0, 1, "label"},
		{"tsv", 0, 0, "3"}, {"tsv", 0, 1, "1"}, {"csv", ';', 1, "class"},
		{"csv", ' ', 0, "none"},
	};
	const char *p = fuzz_file(0, data, size);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		AdSourceOpts o;
		memset(&o, 0, sizeof o);
		o.delim = v[i].delim;
		o.header = v[i].header;
		o.labelcol = v[i].col;
		fuzz_drain(ad_source_open(p, v[i].fmt, &o));
	}
	return 0;
}
