/* The string builder: growth, the cap for untrusted input, detach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/error.h"

static void test_empty_is_terminated(void **state)
{
	struct buf b = BUF_INIT;

	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void test_grows_and_formats(void **state)
{
	struct buf b = BUF_INIT;

	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_addf(&b, "%d,", i), 0);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_string_equal(b.data + b.len - 4, "999,");
	buf_truncate(&b, 3);
	assert_string_equal(b.data, "0,1");
	buf_release(&b);
}

static void test_cap_refuses_whole_add(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345"), 0);
	assert_int_equal(buf_addstr(&b, "6789"), -1);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_addstr(&b, "678"), 0);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_int_equal(b.len, 8);
	buf_release(&b);
}

static void test_detach_takes_memory(void **state)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *p;

	p = buf_detach(&b, &len);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	buf_addstr(&b, "flow");
	p = buf_detach(&b, &len);
	assert_string_equal(p, "flow");
	assert_int_equal(len, 4);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(p);
}

static void test_error_format(void **state)
{
	struct aws_error err;
	struct buf b = BUF_INIT;

	error_clear(&err);
	error_set(&err, ERR_SERVICE, "not authorized to perform iam:PassRole");
	error_set_operation(&err, "CreateFlowLogs");
	strcpy(err.aws_code, "AccessDenied");
	strcpy(err.request_id, "7f1c");
	error_prefix(&err, "create flow log for '%s'", "vpc-0abc");
	error_format(&err, &b);
	assert_string_equal(b.data, "CreateFlowLogs: AccessDenied: create flow log for 'vpc-0abc': "
	                            "not authorized to perform iam:PassRole (request 7f1c)");
	assert_true(error_is(&err, "AccessDenied"));
	assert_false(error_is(&err, "Throttling"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_is_terminated),
	    cmocka_unit_test(test_grows_and_formats),
	    cmocka_unit_test(test_cap_refuses_whole_add),
	    cmocka_unit_test(test_detach_takes_memory),
	    cmocka_unit_test(test_error_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
