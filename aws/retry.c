/* The standard retry mode: classification, backoff and the retry quota. */
#include "aws/retry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/error.h"

static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    NULL,
};

static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    NULL,
};

static int in_list(const char *const *list, const char *code)
{
	if (!code || !*code)
		return 0;
	for (; *list; list++)
		if (strcmp(*list, code) == 0)
			return 1;
	return 0;
}

int retry_is_throttling_code(const char *code)
{
	return in_list(throttling_codes, code);
}

int retry_is_transient_code(const char *code)
{
	return in_list(transient_codes, code);
}

enum retry_kind retry_classify(int rc, long status, const char *aws_code)
{
	if (rc == ERR_TIMEOUT)
		return RETRY_TIMEOUT;
	if (rc == ERR_NETWORK)
		return RETRY_TRANSIENT;
	if (rc != 0 && rc != ERR_SERVICE)
		return RETRY_NONE;
	if (retry_is_throttling_code(aws_code))
		return RETRY_THROTTLING;
	if (retry_is_transient_code(aws_code))
		return RETRY_TRANSIENT;
	if (status == 429)
		return RETRY_THROTTLING;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return RETRY_TRANSIENT;
	return RETRY_NONE;
}

int64_t retry_backoff_ms(int attempts_made, double random, int64_t base_ms)
{
	int64_t ceiling;

	if (base_ms <= 0)
		base_ms = RETRY_BASE_MS;
	if (attempts_made < 1)
		attempts_made = 1;
	if (random < 0 || random >= 1)
		random = 0;
	ceiling = base_ms;
	for (int i = 1; i < attempts_made && ceiling < RETRY_MAX_BACKOFF_MS; i++)
		ceiling *= 2;
	if (ceiling > RETRY_MAX_BACKOFF_MS)
		ceiling = RETRY_MAX_BACKOFF_MS;
	return (int64_t)(random * (double)ceiling);
}

int retry_max_attempts(int option, const struct env *env)
{
	const char *v;
	char *end;
	long n;

	if (option > 0)
		return option;
	v = env ? env_get(env, "AWS_MAX_ATTEMPTS") : NULL;
	if (v) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno == 0 && end != v && *end == '\0' && n > 0 && n <= 100)
			return (int)n;
	}
	return RETRY_DEFAULT_MAX_ATTEMPTS;
}

int64_t retry_base_ms(long option, const struct env *env)
{
	const char *v;
	long ms;

	if (option > 0)
		return option;
	v = env ? env_get(env, "VPCFLOW_RETRY_BASE_MS") : NULL;
	ms = v ? strtol(v, NULL, 10) : 0;
	return ms > 0 ? ms : RETRY_BASE_MS;
}

void retry_quota_init(struct retry_quota *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->capacity = RETRY_QUOTA_INITIAL;
	q->max = RETRY_QUOTA_INITIAL;
}

void retry_quota_release(struct retry_quota *q)
{
	pthread_mutex_destroy(&q->lock);
}

int retry_quota_acquire(struct retry_quota *q, enum retry_kind kind)
{
	int cost = kind == RETRY_TIMEOUT ? RETRY_TIMEOUT_COST : RETRY_COST;
	int taken = 0;

	if (kind == RETRY_NONE)
		return 0;
	pthread_mutex_lock(&q->lock);
	if (q->capacity >= cost) {
		q->capacity -= cost;
		taken = cost;
	}
	pthread_mutex_unlock(&q->lock);
	return taken;
}

void retry_quota_refund(struct retry_quota *q, int last_acquired)
{
	int amount = last_acquired > 0 ? last_acquired : RETRY_NO_RETRY_GAIN;

	pthread_mutex_lock(&q->lock);
	q->capacity += amount;
	if (q->capacity > q->max)
		q->capacity = q->max;
	pthread_mutex_unlock(&q->lock);
}
