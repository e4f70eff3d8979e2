/* pool.h: a small persistent pthread worker pool for the numeric kernels.
 *
 * Kernels cut their work into tasks that each write their own outputs only, with a
 * summation order that does not depend on which worker runs them, so results are
 * bit-identical for every thread count.  One nn_parallel() at a time, from one
 * thread; a task may call nn_parallel() (and kernels that do): the inner tasks then
 * run on that task's worker, one after the other, with its tid. */
#ifndef AD_POOL_H
#define AD_POOL_H
#include <stddef.h>

/* The most workers a pool has: the tools' -T takes 1 .. POOL_MAX_THREADS. */
#define POOL_MAX_THREADS 64

/* Worker count (>= 1; values < 1 mean 1, capped at POOL_MAX_THREADS).  The
 * calling thread counts as one worker.  Default 1. */
void nn_set_threads(int n);
int nn_threads(void);

/* Run fn(ctx, task, tid) for task = 0 .. ntasks-1 across the workers and wait for
 * all of them.  tid in [0, nn_threads()) identifies the worker (for scratch). */
typedef void (*nn_task_fn)(void *ctx, int task, int tid);
void nn_parallel(int ntasks, nn_task_fn fn, void *ctx);

/* The same, run on the calling thread alone when `work` (elements touched) is too
 * small to be worth waking the workers.  Same results either way. */
void nn_parallel_work(int ntasks, size_t work, nn_task_fn fn, void *ctx);

/* Work cut into tasks of `per` items of n: the number of tasks, and task t's
 * items [t per, nn_task_end(t, per, n)). */
static inline int nn_ntasks(int n, int per) { return (n + per - 1) / per; }
static inline int nn_task_end(int t, int per, int n)
{
	return (t + 1) * per < n ? (t + 1) * per : n;
}

/* The calling thread's worker id (0 outside the workers) and whether it is
 * running a task of nn_parallel() (or nn_parallel_work()). */
int nn_tid(void);
int nn_in_task(void);

/* Per-worker scratch of at least n floats (grow-only, reused between calls). */
float *nn_scratch(int tid, size_t n);

#endif
