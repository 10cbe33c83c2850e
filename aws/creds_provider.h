/* The inside of a credentials provider, for the files that implement one
 * (aws/creds*.c). Everyone else uses aws/creds.h.
 *
 * A provider has a fetch function and a cache. creds_get() holds the lock,
 * serves the cached credentials while they are valid for more than
 * CREDS_REFRESH_MS, and calls fetch otherwise. fetch fills out (owned by the
 * cache afterwards) or fails with err set. */
#ifndef VPCFLOW_AWS_CREDS_PROVIDER_H
#define VPCFLOW_AWS_CREDS_PROVIDER_H

#include <pthread.h>

#include "aws/creds.h"

#define CREDS_REFRESH_MS (5 * 60 * 1000)

struct creds_provider {
	int (*fetch)(struct creds_provider *self, struct creds *out, struct aws_error *err);
	void (*destroy)(struct creds_provider *self); /* frees what the provider owns, not self */
	void *data;                                   /* the provider's own state */
	const struct clock *clock;                    /* NULL: system clock */
	pthread_mutex_t lock;
	struct creds cached;
	int have_cached;
};

/* Returns a new provider around fetch/destroy/data, owned by the caller. */
struct creds_provider *
creds_provider_new(int (*fetch)(struct creds_provider *, struct creds *, struct aws_error *),
                   void (*destroy)(struct creds_provider *), void *data, const struct clock *clock);

#endif
