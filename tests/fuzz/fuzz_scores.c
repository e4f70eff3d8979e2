/* fuzz_scores: score tables (scores.h), grouped, with and without a row limit;
 * every row read is written back out. */
#include "fuzz.h"
#include "scores.h"
#include <stdlib.h>
#include <string.h>

static void pass(const uint8_t *data, size_t size, size_t maxrows)
{
	FILE *f = fuzz_stream(data, size);
	ScoreReader *r = scores_open(f, "fuzz");
	FILE *out = fopen("/dev/null", "w");
	if (!out)
		abort();
	if (r) {
		ScoreGroup g;
		size_t rows = 0;
		int k;
		memset(&g, 0, sizeof g);
		(void)scores_column(r, "score");
		(void)scores_column(r, "3");
		(void)scores_column(r, "99999999999999999999");
		for (size_t c = 0; c < scores_ncol(r); c++)
			(void)scores_colname(r, c);
		static const char *const extra[] = {"z", "alpha"};
		scores_write_header(out, r, extra, 2);
		while (rows < FUZZ_MAX_ROWS && (k = scores_next(r, maxrows, &g)) == 1) {
			double *col = malloc((g.nrow ? g.nrow : 1) * sizeof *col);
			double e[2] = {1.5, -0.0};
			if (!col)
				abort();
			if (g.ncol != scores_ncol(r))
				abort();
			scores_column_values(&g, g.ncol - 1, col);
			for (size_t i = 0; i < g.nrow; i++) {
				scores_write_row(out, &g, i, e, 2);
				(void)scores_text(&g, i);
			}
			rows += g.nrow + 1;
			free(col);
		}
		scores_group_free(&g);
		scores_close(r);
	}
	fclose(out);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pass(data, size, 0);
	pass(data, size, 2);
	return 0;
}
