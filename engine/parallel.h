/* Runs independent work (regions, accounts) on a bounded pool of threads. */
#ifndef VPCFLOW_ENGINE_PARALLEL_H
#define VPCFLOW_ENGINE_PARALLEL_H

#include <stddef.h>

/* Calls fn(ctx, i) for every i in [0, n) on at most max_workers threads and
 * returns when all are done. fn must be safe to run concurrently for
 * different i. done, if non-NULL, is called after each task under a lock (for
 * progress lines). */
void parallel_run(size_t n, int max_workers, void (*fn)(void *ctx, size_t i),
                  void (*done)(void *ctx, size_t finished, size_t total), void *ctx);

#endif
