/* pool.c: persistent worker threads behind nn_parallel().  See pool.h.
 *
 * A job is published by bumping `generation`; idle workers spin on it for up to
 * SPIN_NS (jobs come in quick succession during a training step) and then sleep on
 * a condition variable.  Tasks are handed out by an atomic counter.  A task that
 * calls nn_parallel() runs the inner tasks itself, one after the other. */
#include "pool.h"
#include "util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* How long an idle worker, or the caller waiting for the workers, spins before it
 * sleeps on a condition variable.  A training step runs some 40 jobs with stretches
 * of work on the calling thread alone between them (the loss, the small layers),
 * many longer than 10 us; a sleep then costs a futex wake-up and a context switch on
 * each side (some 27 a batch of the conv AE at 2 threads with a 10 us spin).  So a
 * wait spins up to SPIN_NS, 1 ms.  But with more runnable threads than cores, a
 * thread spinning while the one it waits for is off the core wastes that core (a 1
 * ms spin made 2-thread training 2.6 to 4 times as slow beside two busy processes).
 * The process's involuntary context switches (getrusage) tell: counted every
 * SPIN_LOOK_NS, more than SPIN_PREEMPT of them in that time make every wait spin
 * only SPIN_SHORT pause loops (some 10 us) until the next count. */
#define SPIN_NS 1000000LL
#define SPIN_CHECK 32              /* pause loops between two looks at the clock */
#define SPIN_SHORT 500
#define SPIN_LOOK_NS 10000000LL
#define SPIN_PREEMPT 2

static int nthreads = 1;          /* requested workers */
static int nstarted;              /* helper threads running (workers 1..nstarted) */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_go = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_done = PTHREAD_COND_INITIALIZER;
static atomic_ulong generation;   /* bumped for each job */
static atomic_int active;         /* workers that take part in the current job */
static atomic_int pending;        /* helpers still busy with the current job */
static atomic_int next_task;
static int job_ntasks;
static nn_task_fn job_fn;
static void *job_ctx;
static _Thread_local int my_tid;   /* this thread's worker id (0: the caller's) */
static _Thread_local int in_task;  /* inside a task of nn_parallel() */
static float *scratch[POOL_MAX_THREADS];
static size_t scratch_n[POOL_MAX_THREADS];

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static atomic_llong look_at;    /* now_ns() of the next count of preemptions */
static atomic_long nivcsw;      /* the count then */
static atomic_int crowded;      /* spin short: the threads are being preempted */

/* Spin until *gen differs from v (gen != NULL) or *cnt is 0; 1 if so, 0 when the
 * caller should sleep. */
static int spin_wait(atomic_ulong *gen, unsigned long v, atomic_int *cnt)
{
#define SPIN_DONE() (gen ? atomic_load(gen) != v : atomic_load(cnt) <= 0)
	long long t0 = now_ns(), at = atomic_load(&look_at);
	if (t0 >= at && atomic_compare_exchange_strong(&look_at, &at, t0 + SPIN_LOOK_NS)) {
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0) {
			long was = atomic_exchange(&nivcsw, ru.ru_nivcsw);
			atomic_store(&crowded, ru.ru_nivcsw - was > SPIN_PREEMPT);
		}
	}
	if (atomic_load(&crowded)) {
		for (int i = 0; i < SPIN_SHORT; i++) {
			if (SPIN_DONE())
				return 1;
			relax();
		}
		return SPIN_DONE();
	}
	for (int i = 1;; i++) {
		if (SPIN_DONE())
			return 1;
		relax();
		if (i % SPIN_CHECK == 0 && now_ns() - t0 > SPIN_NS)
			return SPIN_DONE();
	}
#undef SPIN_DONE
}

float *nn_scratch(int tid, size_t n)
{
	if (scratch_n[tid] < n) {
		free(scratch[tid]);
		scratch[tid] = ad_xmalloc(ad_mul(n, sizeof(float)));
		scratch_n[tid] = n;
	}
	return scratch[tid];
}

static void run_tasks(int tid)
{
	for (;;) {
		int t = atomic_fetch_add(&next_task, 1);
		if (t >= job_ntasks)
			break;
		in_task = 1;
		job_fn(job_ctx, t, tid);
		in_task = 0;
	}
}

int nn_tid(void)
{
	return my_tid;
}

int nn_in_task(void)
{
	return in_task;
}

/* the tasks one after the other on the calling worker */
static void run_here(int ntasks, nn_task_fn fn, void *ctx)
{
	int was = in_task;
	in_task = 1;
	for (int t = 0; t < ntasks; t++)
		fn(ctx, t, my_tid);
	in_task = was;
}

static void *worker(void *arg)
{
	int id = (int)(size_t)arg;
	unsigned long seen = 0;
	my_tid = id;
	for (;;) {
		unsigned long g = atomic_load(&generation);
		if (g == seen && spin_wait(&generation, seen, NULL))
			g = atomic_load(&generation);
		if (g == seen) {
			pthread_mutex_lock(&mu);
			while ((g = atomic_load(&generation)) == seen)
				pthread_cond_wait(&cv_go, &mu);
			pthread_mutex_unlock(&mu);
		}
		seen = g;
		if (id >= atomic_load(&active))
			continue;
		run_tasks(id);
		pthread_mutex_lock(&mu);
		if (atomic_fetch_sub(&pending, 1) == 1)
			pthread_cond_signal(&cv_done);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

void nn_set_threads(int n)
{
	if (n < 1)
		n = 1;
	if (n > POOL_MAX_THREADS)
		n = POOL_MAX_THREADS;
	pthread_mutex_lock(&mu);
	while (nstarted < n - 1) {
		pthread_t th;
		int id = nstarted + 1;
		if (pthread_create(&th, NULL, worker, (void *)(size_t)id) != 0)
			break; /* fewer helpers: still correct, just slower */
		pthread_detach(th);
		nstarted++;
	}
	nthreads = n;
	pthread_mutex_unlock(&mu);
}

int nn_threads(void)
{
	return nthreads;
}

void nn_parallel(int ntasks, nn_task_fn fn, void *ctx)
{
	int helpers = nthreads - 1 < nstarted ? nthreads - 1 : nstarted;
	if (helpers > ntasks - 1)
		helpers = ntasks - 1;
	if (helpers <= 0 || in_task) {
		run_here(ntasks, fn, ctx);
		return;
	}
	pthread_mutex_lock(&mu);
	job_fn = fn;
	job_ctx = ctx;
	job_ntasks = ntasks;
	atomic_store(&next_task, 0);
	atomic_store(&active, helpers + 1);  /* helper ids 1..helpers take part */
	atomic_store(&pending, helpers);
	atomic_fetch_add(&generation, 1);
	pthread_cond_broadcast(&cv_go);
	pthread_mutex_unlock(&mu);
	run_tasks(0);
	if (atomic_load(&pending) > 0)
		spin_wait(NULL, 0, &pending);
	if (atomic_load(&pending) > 0) {
		pthread_mutex_lock(&mu);
		while (atomic_load(&pending) > 0)
			pthread_cond_wait(&cv_done, &mu);
		pthread_mutex_unlock(&mu);
	}
}

void nn_parallel_work(int ntasks, size_t work, nn_task_fn fn, void *ctx)
{
	if (work < 32768) {
		run_here(ntasks, fn, ctx);
		return;
	}
	nn_parallel(ntasks, fn, ctx);
}
