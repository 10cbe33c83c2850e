/* The query protocol's form encoding and parameter lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/query.h"

static void expect_encoded(const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	query_encode(&b, in);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

/* What botocore sends and moto's signature check re-creates. */
static void test_encode(void **state)
{
	expect_encoded("AZaz09-_.~", "AZaz09-_.~");
	expect_encoded("a b", "a+b");
	expect_encoded("arn:aws:iam::123456789012:role/x",
	               "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx");
	expect_encoded("${srcaddr} ${dstaddr}", "%24%7Bsrcaddr%7D+%24%7Bdstaddr%7D");
	expect_encoded("+&=%*", "%2B%26%3D%25%2A");
	expect_encoded("\xc3\xa9", "%C3%A9");
	expect_encoded("{\"Version\":\"2012-10-17\"}", "%7B%22Version%22%3A%222012-10-17%22%7D");
	expect_encoded("", "");
}

static void test_params(void **state)
{
	static const char *const ids[] = {"vpc-1", "vpc-2"};
	static const char *const one[] = {"ALL"};
	struct query_params p;

	query_params_init(&p);
	query_params_add(&p, "MaxResults", "1000");
	query_params_add_filter(&p, "resource-id", ids, 2);
	query_params_add_filter(&p, "traffic-type", one, 1);
	for (int i = 1; i <= 40; i++)
		query_params_addf(&p, "x", "ResourceId.%d", i);
	assert_int_equal(p.n, 1 + 3 + 2 + 40);
	assert_string_equal(p.keys[1], "Filter.1.Name");
	assert_string_equal(p.values[1], "resource-id");
	assert_string_equal(p.keys[3], "Filter.1.Value.2");
	assert_string_equal(p.values[3], "vpc-2");
	assert_string_equal(p.keys[4], "Filter.2.Name");
	assert_string_equal(p.keys[5], "Filter.2.Value.1");
	assert_string_equal(p.keys[45], "ResourceId.40");
	query_params_release(&p);
	assert_int_equal(p.n, 0);
	query_params_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
