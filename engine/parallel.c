#include "engine/parallel.h"

#include <pthread.h>
#include <stdlib.h>

#include "aws/xalloc.h"

struct pool {
	pthread_mutex_t lock;
	size_t next, finished, n;
	void (*fn)(void *ctx, size_t i);
	void (*done)(void *ctx, size_t finished, size_t total);
	void *ctx;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->lock);
		if (p->next == p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->lock);

		p->fn(p->ctx, i);

		pthread_mutex_lock(&p->lock);
		p->finished++;
		if (p->done)
			p->done(p->ctx, p->finished, p->n);
		pthread_mutex_unlock(&p->lock);
	}
}

void parallel_run(size_t n, int max_workers, void (*fn)(void *ctx, size_t i),
                  void (*done)(void *ctx, size_t finished, size_t total), void *ctx)
{
	struct pool p = {.next = 0, .finished = 0, .n = n, .fn = fn, .done = done, .ctx = ctx};
	size_t workers = max_workers > 0 ? (size_t)max_workers : 1;
	pthread_t *threads;
	size_t started = 0;

	if (workers > n)
		workers = n;
	if (workers <= 1) {
		for (size_t i = 0; i < n; i++) {
			fn(ctx, i);
			if (done)
				done(ctx, i + 1, n);
		}
		return;
	}
	pthread_mutex_init(&p.lock, NULL);
	threads = xcalloc(workers, sizeof(*threads));
	for (size_t w = 0; w < workers; w++)
		if (pthread_create(&threads[w], NULL, worker, &p) == 0)
			started++;
	/* If no thread could start, do the work here. */
	if (!started)
		worker(&p);
	for (size_t w = 0; w < started; w++)
		pthread_join(threads[w], NULL);
	free(threads);
	pthread_mutex_destroy(&p.lock);
}
