/* passes.c: the im2col and col2im passes of one training step of the bench's conv
 * AE, each alone (tests/bench/bench.sh prints it; not part of make check): what
 * the passes beside the products cost at best, for the per-layer analysis in
 * README.md "Speed".
 *
 *   passes
 * One thread.  Each pass is run as in a step: over a batch of 100 in pieces of the
 * samples whose im2col matrix fits in COL_PIECE floats (the input or output image
 * a batch's whole array, beyond the L2; the matrix one piece's, in it); prints the
 * best of 300 batches, the values written (im2col) or read (col2im) a second, and
 * how often a step makes the pass, then the sum for a step.  nn.c's passes are
 * static: the file is compiled in here. */
#include "../../src/lib/nn.c"
#include "pool.h"
#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
	/* image channels, side, window positions a side, uses a step (im2col, col2im),
	 * what they are */
	static const struct {
		int C, H, D, n_im, n_col;
		const char *what;
	} s[] = {
		{ 1, 28, 14, 3, 1, "enc.0 fwd, enc.0 gw, dec.6 gw | dec.6 fwd" },
		{ 16, 14, 7, 3, 2, "enc.3 fwd, enc.3 gw, dec.3 gw | dec.3 fwd, enc.3 dx" },
		{ 32, 7, 4, 3, 2, "enc.6 fwd, enc.6 gw, dec.0 gw | dec.0 fwd, enc.6 dx" },
	};
	const int B = 100, k = 3, reps = 300;
	nn_set_threads(1);
	double step = 0.0;
	printf("image      pass    best ms  Gvalues/s  a step  (layers)\n");
	for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
		int C = s[i].C, H = s[i].H, D = s[i].D, K = C * k * k, P = D * D;
		int nb = piece_rows(K, (size_t)P, B, 1);
		size_t nimg = (size_t)C * B * H * H, ncol = (size_t)K * nb * P;
		float *img = ad_xmalloc(nimg * sizeof *img), *col = ad_xmalloc(ncol * sizeof *col);
		for (size_t q = 0; q < nimg; q++)
			img[q] = (float)(q % 97) * 0.01f;
		for (int op = 0; op < 2; op++) {
			double best = 1e30;
			for (int r = 0; r < reps; r++) {
				double t = now();
				for (int b0 = 0; b0 < B; b0 += nb) {
					int n = B - b0 < nb ? B - b0 : nb;
					if (op == 0)
						im2col(img, B, b0, col, C, n, H, H, D, D, k, 2, 1);
					else
						col2im(col, img, B, b0, C, n, H, H, D, D, k, 2, 1);
				}
				t = now() - t;
				best = t < best ? t : best;
			}
			int uses = op ? s[i].n_col : s[i].n_im;
			step += uses * best;
			printf("%2dx%2dx%-2d  %s  %7.3f  %9.2f  %6d\n", C, H, H, op ? "col2im" : "im2col",
			       best * 1e3, (double)K * B * P / best * 1e-9, uses);
		}
		printf("           (%s)\n", s[i].what);
		free(img);
		free(col);
	}
	printf("a step's im2col and col2im passes at these times: %.3f ms\n", step * 1e3);
	return 0;
}
