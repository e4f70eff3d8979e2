/* pool.c: persistent worker threads behind nn_parallel().  See pool.h. */
#include "pool.h"
#include "util.h"
#include <pthread.h>
#include <stdlib.h>

#define MAXT 64

static int nthreads = 1;          /* requested workers */
static int nstarted;              /* helper threads running (workers 1..nstarted) */
static pthread_t tids[MAXT];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_go = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_done = PTHREAD_COND_INITIALIZER;
static unsigned long generation;  /* bumped for each job */
static int active;                /* workers that take part in the current job */
static int pending;               /* helpers still busy with the current job */
static int next_task, job_ntasks;
static nn_task_fn job_fn;
static void *job_ctx;
static float *scratch[MAXT];
static size_t scratch_n[MAXT];

float *nn_scratch(int tid, size_t n)
{
	if (scratch_n[tid] < n) {
		free(scratch[tid]);
		scratch[tid] = ad_xmalloc(ad_mul(n, sizeof(float)));
		scratch_n[tid] = n;
	}
	return scratch[tid];
}

static int take_task(void)
{
	pthread_mutex_lock(&mu);
	int t = next_task < job_ntasks ? next_task++ : -1;
	pthread_mutex_unlock(&mu);
	return t;
}

static void *worker(void *arg)
{
	int id = (int)(size_t)arg;
	unsigned long seen = 0;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (generation == seen || id >= active)
			if (generation != seen && id >= active)
				seen = generation;
			else
				pthread_cond_wait(&cv_go, &mu);
		seen = generation;
		nn_task_fn fn = job_fn;
		void *ctx = job_ctx;
		pthread_mutex_unlock(&mu);
		for (int t; (t = take_task()) >= 0;)
			fn(ctx, t, id);
		pthread_mutex_lock(&mu);
		if (--pending == 0)
			pthread_cond_signal(&cv_done);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

void nn_set_threads(int n)
{
	if (n < 1)
		n = 1;
	if (n > MAXT)
		n = MAXT;
	pthread_mutex_lock(&mu);
	while (nstarted < n - 1) {
		int id = nstarted + 1;
		if (pthread_create(&tids[id], NULL, worker, (void *)(size_t)id) != 0)
			break; /* fewer helpers: still correct, just slower */
		pthread_detach(tids[id]);
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
	if (helpers <= 0) {
		for (int t = 0; t < ntasks; t++)
			fn(ctx, t, 0);
		return;
	}
	pthread_mutex_lock(&mu);
	job_fn = fn;
	job_ctx = ctx;
	job_ntasks = ntasks;
	next_task = 0;
	active = helpers + 1;  /* helper ids 1..helpers take part */
	pending = helpers;
	generation++;
	pthread_cond_broadcast(&cv_go);
	pthread_mutex_unlock(&mu);
	for (int t; (t = take_task()) >= 0;)
		fn(ctx, t, 0);
	pthread_mutex_lock(&mu);
	while (pending > 0)
		pthread_cond_wait(&cv_done, &mu);
	pthread_mutex_unlock(&mu);
}
