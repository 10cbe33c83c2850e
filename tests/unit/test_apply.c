/* The pure parts of apply: CreateFlowLogs client tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/apply.h"

static void token(char *out, const char *const *ids, size_t n, const char *settings, int attempt,
                  int64_t run)
{
	apply_client_token(out, "123456789012", "us-east-1", ids, n, settings, attempt, run);
}

static void test_client_token(void **state)
{
	const char *ab[] = {"vpc-0a", "vpc-0b"}, *ba[] = {"vpc-0b", "vpc-0a"}, *a[] = {"vpc-0a"};
	char t1[64], t2[64], t3[64];

	token(t1, ab, 2, "VPC|ALL", 0, 1000);
	assert_int_equal(strlen(t1), 56);
	assert_memory_equal(t1, "vpcflow-", 8);
	assert_int_equal(strspn(t1 + 8, "0123456789abcdef"), 48);

	/* The same call, IDs in any order: the same token. */
	token(t2, ba, 2, "VPC|ALL", 0, 1000);
	assert_string_equal(t1, t2);

	/* Anything else differs. */
	token(t3, a, 1, "VPC|ALL", 0, 1000);
	assert_string_not_equal(t1, t3);
	token(t3, ab, 2, "VPC|REJECT", 0, 1000);
	assert_string_not_equal(t1, t3);
	token(t3, ab, 2, "VPC|ALL", 1, 1000);
	assert_string_not_equal(t1, t3);
	token(t3, ab, 2, "VPC|ALL", 0, 1001);
	assert_string_not_equal(t1, t3);
	apply_client_token(t3, "123456789012", "eu-west-1", ab, 2, "VPC|ALL", 0, 1000);
	assert_string_not_equal(t1, t3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_client_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
