/* The edges of the outside world that the AWS layer reads: environment variables
 * and the clock. They are passed in (never getenv() or time() deep inside the
 * library), so that tests can fix them. */
#ifndef VPCFLOW_AWS_ENV_H
#define VPCFLOW_AWS_ENV_H

#include <stdint.h>

struct env {
	/* Returns the value of name, or NULL if unset; the string is borrowed. */
	const char *(*get)(void *ctx, const char *name);
	void *ctx;
};

struct clock {
	/* Milliseconds since the Unix epoch, UTC. */
	int64_t (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, int64_t ms);
	/* A uniformly distributed number in [0, 1), for retry jitter. */
	double (*random)(void *ctx);
	void *ctx;
};

/* The process environment and the system clock. */
extern const struct env env_process;
extern const struct clock clock_system;

/* env_get returns NULL for an unset or empty variable. */
const char *env_get(const struct env *env, const char *name);
int64_t clock_now_ms(const struct clock *clock);
void clock_sleep_ms(const struct clock *clock, int64_t ms);
double clock_random(const struct clock *clock);

/* A fixed environment for tests: a NULL-terminated list of "NAME=value". */
struct env_fixed {
	const char *const *vars;
};
const char *env_fixed_get(void *ctx, const char *name);

#endif
