/* The standard retry mode: which failures are retried, how long to wait, how
 * many attempts, and the retry quota. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/env.h"
#include "aws/error.h"
#include "aws/retry.h"

static void test_throttling_codes(void **state)
{
	static const char *const codes[] = {
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
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_true(retry_is_throttling_code(codes[i]));
		assert_int_equal(retry_classify(ERR_SERVICE, 400, codes[i]), RETRY_THROTTLING);
	}
	assert_false(retry_is_throttling_code("throttling"));
	assert_false(retry_is_throttling_code(""));
	assert_false(retry_is_throttling_code(NULL));
}

static void test_transient(void **state)
{
	static const char *const codes[] = {"RequestTimeout", "RequestTimeoutException",
	                                    "InternalError", "InternalFailure",
	                                    "ServiceUnavailable"};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_int_equal(retry_classify(ERR_SERVICE, 400, codes[i]), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_SERVICE, 500, "Whatever"), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_SERVICE, 502, ""), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_SERVICE, 503, NULL), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_SERVICE, 504, "GatewayTimeout"), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_SERVICE, 429, "Http429"), RETRY_THROTTLING);
	assert_int_equal(retry_classify(ERR_NETWORK, 0, ""), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(ERR_TIMEOUT, 0, ""), RETRY_TIMEOUT);
}

static void test_not_retried(void **state)
{
	assert_int_equal(retry_classify(ERR_SERVICE, 400, "InvalidParameterValue"), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_SERVICE, 403, "AuthFailure"), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_SERVICE, 403, "SignatureDoesNotMatch"), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_SERVICE, 404, "NotFound"), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_SERVICE, 501, "NotImplemented"), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_PARSE, 200, ""), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_CREDENTIALS, 0, ""), RETRY_NONE);
	assert_int_equal(retry_classify(ERR_INVALID, 0, ""), RETRY_NONE);
}

static void test_backoff_bounds(void **state)
{
	const double almost_one = 0.999999;

	assert_int_equal(retry_backoff_ms(1, 0.0, 1000), 0);
	assert_int_equal(retry_backoff_ms(1, 0.5, 1000), 500);
	assert_int_equal(retry_backoff_ms(2, 0.5, 1000), 1000);
	assert_int_equal(retry_backoff_ms(3, 0.5, 1000), 2000);
	assert_in_range(retry_backoff_ms(1, almost_one, 1000), 999, 999);
	assert_in_range(retry_backoff_ms(2, almost_one, 1000), 1999, 1999);
	/* Capped at 20 s however many attempts, without overflow. */
	assert_in_range(retry_backoff_ms(6, almost_one, 1000), 19999, 19999);
	assert_in_range(retry_backoff_ms(1000, almost_one, 1000), 19999, 19999);
	assert_int_equal(retry_backoff_ms(1000, 0.5, 1000), 10000);
	/* Base 0 means the SDKs' 1 s; a small base keeps tests fast. */
	assert_int_equal(retry_backoff_ms(1, 0.5, 0), 500);
	assert_int_equal(retry_backoff_ms(3, 0.5, 10), 20);
	/* A random out of [0, 1) cannot make the wait negative or unbounded. */
	assert_int_equal(retry_backoff_ms(2, -1.0, 1000), 0);
	assert_int_equal(retry_backoff_ms(2, 7.0, 1000), 0);
	for (int a = 1; a < 40; a++) {
		int64_t d = retry_backoff_ms(a, almost_one, 1000);

		assert_true(d >= 0 && d <= RETRY_MAX_BACKOFF_MS);
	}
}

static void test_max_attempts(void **state)
{
	static const char *const five[] = {"AWS_MAX_ATTEMPTS=5", NULL};
	static const char *const one[] = {"AWS_MAX_ATTEMPTS=1", NULL};
	static const char *const junk[] = {"AWS_MAX_ATTEMPTS=lots", NULL};
	static const char *const zero[] = {"AWS_MAX_ATTEMPTS=0", NULL};
	static const char *const none[] = {NULL};
	struct env_fixed f5 = {five}, f1 = {one}, fj = {junk}, f0 = {zero}, fn = {none};
	struct env e5 = {env_fixed_get, &f5}, e1 = {env_fixed_get, &f1}, ej = {env_fixed_get, &fj},
	           e0 = {env_fixed_get, &f0}, en = {env_fixed_get, &fn};

	assert_int_equal(retry_max_attempts(0, &e5), 5);
	assert_int_equal(retry_max_attempts(0, &e1), 1);
	assert_int_equal(retry_max_attempts(7, &e5), 7);
	assert_int_equal(retry_max_attempts(0, &ej), RETRY_DEFAULT_MAX_ATTEMPTS);
	assert_int_equal(retry_max_attempts(0, &e0), RETRY_DEFAULT_MAX_ATTEMPTS);
	assert_int_equal(retry_max_attempts(0, &en), 3);
	assert_int_equal(retry_max_attempts(0, NULL), 3);
}

static void test_base_ms(void **state)
{
	static const char *const five[] = {"VPCFLOW_RETRY_BASE_MS=5", NULL};
	static const char *const unit[] = {"VPCFLOW_RETRY_BASE_MS=7ms", NULL};
	static const char *const junk[] = {"VPCFLOW_RETRY_BASE_MS=soon", NULL};
	static const char *const neg[] = {"VPCFLOW_RETRY_BASE_MS=-3", NULL};
	static const char *const none[] = {NULL};
	struct env_fixed f5 = {five}, fu = {unit}, fj = {junk}, fn = {neg}, f0 = {none};
	struct env e5 = {env_fixed_get, &f5}, eu = {env_fixed_get, &fu}, ej = {env_fixed_get, &fj},
	           en = {env_fixed_get, &fn}, e0 = {env_fixed_get, &f0};

	assert_int_equal(retry_base_ms(0, &e5), 5);
	assert_int_equal(retry_base_ms(20, &e5), 20);
	assert_int_equal(retry_base_ms(-1, &e5), 5);
	assert_int_equal(retry_base_ms(0, &eu), 7); /* read as strtol reads it */
	assert_int_equal(retry_base_ms(0, &ej), RETRY_BASE_MS);
	assert_int_equal(retry_base_ms(0, &en), RETRY_BASE_MS);
	assert_int_equal(retry_base_ms(0, &e0), RETRY_BASE_MS);
	assert_int_equal(retry_base_ms(0, NULL), RETRY_BASE_MS);
}

static void test_quota(void **state)
{
	struct retry_quota q;
	int retries = 0;

	retry_quota_init(&q);
	while (retry_quota_acquire(&q, RETRY_TRANSIENT))
		retries++;
	assert_int_equal(retries, RETRY_QUOTA_INITIAL / RETRY_COST);
	assert_int_equal(retry_quota_acquire(&q, RETRY_THROTTLING), 0);
	retry_quota_refund(&q, RETRY_COST);
	assert_int_equal(retry_quota_acquire(&q, RETRY_TIMEOUT), 0);
	assert_int_equal(retry_quota_acquire(&q, RETRY_TRANSIENT), RETRY_COST);
	for (int i = 0; i < 1000; i++)
		retry_quota_refund(&q, 0);
	assert_int_equal(q.capacity, RETRY_QUOTA_INITIAL);
	assert_int_equal(retry_quota_acquire(&q, RETRY_TIMEOUT), RETRY_TIMEOUT_COST);
	assert_int_equal(retry_quota_acquire(&q, RETRY_NONE), 0);
	retry_quota_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_throttling_codes), cmocka_unit_test(test_transient),
	    cmocka_unit_test(test_not_retried),      cmocka_unit_test(test_backoff_bounds),
	    cmocka_unit_test(test_max_attempts),     cmocka_unit_test(test_quota),
	    cmocka_unit_test(test_base_ms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
