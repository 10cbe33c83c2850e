#include "aws/env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

static const char *process_get(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static int64_t system_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void system_sleep_ms(void *ctx, int64_t ms)
{
	struct timespec ts;

	(void)ctx;
	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double system_random(void *ctx)
{
	uint64_t r = 0;

	(void)ctx;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint64_t)system_now_ms(NULL) * 6364136223846793005ULL;
	return (double)(r >> 11) / (double)(1ULL << 53);
}

const struct env env_process = {process_get, NULL};
const struct clock clock_system = {system_now_ms, system_sleep_ms, system_random, NULL};

const char *env_get(const struct env *env, const char *name)
{
	const char *v = env->get(env->ctx, name);

	return v && *v ? v : NULL;
}

int64_t clock_now_ms(const struct clock *clock)
{
	return clock->now_ms(clock->ctx);
}

void clock_sleep_ms(const struct clock *clock, int64_t ms)
{
	clock->sleep_ms(clock->ctx, ms);
}

double clock_random(const struct clock *clock)
{
	return clock->random(clock->ctx);
}

const char *env_fixed_get(void *ctx, const char *name)
{
	const struct env_fixed *f = ctx;
	size_t n = strlen(name);

	for (const char *const *v = f->vars; v && *v; v++)
		if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}
