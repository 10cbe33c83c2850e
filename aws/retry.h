/* The SDKs' standard retry mode, as pure functions (after botocore's
 * retries/standard.py and the SDKs' shared retry behaviour):
 *   - an attempt is retried when it was throttled (a throttling error code),
 *     hit a transient failure (a transient code, 500/502/503/504, 429, a
 *     connection error or a timeout), and attempts remain;
 *   - the wait before attempt n+1 is random * min(20 s, base * 2^(n-1)),
 *     "full jitter", with base 1 s;
 *   - max attempts come from the option, else AWS_MAX_ATTEMPTS, else 3;
 *   - a retry quota (a token bucket shared by all calls of a client) stops
 *     retry storms when a service is down: each retry costs 5 tokens (10 after
 *     a timeout), a success gives back what its retry took, or 1. */
#ifndef VPCFLOW_AWS_RETRY_H
#define VPCFLOW_AWS_RETRY_H

#include <pthread.h>
#include <stdint.h>

struct env;

#define RETRY_DEFAULT_MAX_ATTEMPTS 3
#define RETRY_BASE_MS              1000
#define RETRY_MAX_BACKOFF_MS       20000

enum retry_kind {
	RETRY_NONE = 0,   /* not retryable */
	RETRY_TRANSIENT,  /* 5xx, 429, transient code, connection error */
	RETRY_TIMEOUT,    /* the attempt timed out (a transient error that costs more quota) */
	RETRY_THROTTLING, /* a throttling error code */
};

/* Whether code is one of the standard throttling error codes. */
int retry_is_throttling_code(const char *code);
/* Whether code is one of the transient error codes (RequestTimeout, InternalError, ...). */
int retry_is_transient_code(const char *code);

/* Classifies a failed attempt. rc is the attempt's result: 0 or ERR_SERVICE when
 * an HTTP response arrived (status, aws_code may be NULL or ""), ERR_NETWORK or
 * ERR_TIMEOUT when none did; any other rc is not retryable. */
enum retry_kind retry_classify(int rc, long status, const char *aws_code);

/* The wait in milliseconds after attempts_made (>= 1) attempts: random (in
 * [0, 1)) * min(RETRY_MAX_BACKOFF_MS, base_ms * 2^(attempts_made - 1)).
 * base_ms <= 0 means RETRY_BASE_MS. */
int64_t retry_backoff_ms(int attempts_made, double random, int64_t base_ms);

/* The attempts a call may take: option when > 0, else AWS_MAX_ATTEMPTS when it
 * is a positive integer, else RETRY_DEFAULT_MAX_ATTEMPTS. env may be NULL. */
int retry_max_attempts(int option, const struct env *env);
/* The backoff base in ms: option when > 0, else VPCFLOW_RETRY_BASE_MS when it
 * starts with a positive number (a test-only knob, so that fault-injection
 * tests need not wait), else RETRY_BASE_MS. env may be NULL. */
int64_t retry_base_ms(long option, const struct env *env);

#define RETRY_QUOTA_INITIAL 500
#define RETRY_COST          5
#define RETRY_TIMEOUT_COST  10
#define RETRY_NO_RETRY_GAIN 1

/* The retry token bucket. Thread-safe; capacity stays in [0, max]. */
struct retry_quota {
	pthread_mutex_t lock;
	int capacity;
	int max;
};

void retry_quota_init(struct retry_quota *q);
void retry_quota_release(struct retry_quota *q);
/* Takes the cost of one retry after a failure of kind; returns the tokens
 * taken, or 0 when the bucket cannot pay (the call must not retry). */
int retry_quota_acquire(struct retry_quota *q, enum retry_kind kind);
/* Gives back tokens after a successful call: what its last retry took, or
 * RETRY_NO_RETRY_GAIN when it was not retried (pass 0). */
void retry_quota_refund(struct retry_quota *q, int last_acquired);

#endif
