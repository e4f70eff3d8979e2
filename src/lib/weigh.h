/* weigh.h: a weigher co-process for ad-train --weigh 'CMD': the per-batch
 * statistics of the heterogeneous loss computed by a pipe of filters such as
 * ad-zscore | ad-reject (ad-train(1), THE WEIGHER PROTOCOL).
 *
 * CMD runs under /bin/sh -c with two pipes.  ad-train writes the header
 * "#label<TAB>score" once, then for every batch its rows "label<TAB>score"
 * (the score in the shortest form that reads back as the same double, as
 * scores_write_double() prints it) and an empty line.  The weigher answers with
 * a score table (scores.h; read by the same reader as ad-zscore's input): its
 * header line once, before the first row, starting with the columns label and
 * score; then per group the same rows in the same order with any columns added,
 * and an empty line.  The columns named "alpha" and "w" are taken (absent:
 * alpha = 2, w = 1); "z" is taken for the trace if present, and so are
 * "t_hard", "t_soft" and "contam" (ad-reject -A; read from the first row of
 * each batch).  Errors name the line: "weigher:LINE: ...".
 * While the co-process runs SIGPIPE is ignored in the parent, so a weigher that
 * dies shows as an error, not a silent kill; the child gets the default back.
 * The weigher runs in a process group of its own: a Ctrl-C at the terminal
 * reaches ad-train only, which stops after the current batch and still needs
 * the weigher's answer; ad-train closes the weigher (and, after an error or a
 * timeout, sends SIGTERM to its whole group). */
#ifndef AD_WEIGH_H
#define AD_WEIGH_H
#include <signal.h>

typedef struct Weigher Weigher;

/* Start cmd.  NULL + ad_error on failure. */
Weigher *weigh_start(const char *cmd);
/* One batch: send (label, s), read back alpha, w and z (z NaN if absent).
 * 0, or -1 + ad_error ("weigher: what went wrong"). */
int weigh_batch(Weigher *wg, const int *label, const double *s, int B,
                double *alpha, double *w, double *z);
/* t_hard, t_soft and contam of the last batch (first row), NaN where the
 * weigher has no such column. */
void weigh_last_aar(const Weigher *wg, double *t_hard, double *t_soft, double *contam);
/* Once *stop is set (by a signal), an answer that takes more than 5 more
 * seconds ends the wait with an error (a weigher that waits for the end of its
 * input instead of answering each group would wait forever). */
void weigh_set_stop(Weigher *wg, volatile sig_atomic_t *stop);
/* Seconds the weigher may go without reading or answering before weigh_batch()
 * gives up with a message naming the likely cause: a filter that buffers its
 * output (mawk without -W interactive, sed without -u, a pipe into a program
 * that waits for the end of its input).  0: wait for ever. */
#define WEIGH_TIMEOUT_DEFAULT 60.0
void weigh_set_timeout(Weigher *wg, double seconds);
/* Close its input, read to its end, reap it.  0 if it exited with status 0;
 * -1 + ad_error otherwise (unless an error is already being reported: pass
 * quiet = 1 to just clean up).  Restores SIGPIPE.  Frees wg. */
int weigh_close(Weigher *wg, int quiet);

#endif
