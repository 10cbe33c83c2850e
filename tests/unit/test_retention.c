/* Retention values, S3 flow-log prefixes and which lifecycle rule covers them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/error.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/logretention.h"
#include "engine/retention.h"

static void test_cloudwatch_values(void **state)
{
	static const struct {
		int days, allowed, below, above;
	} cases[] = {
	    {1, 1, 0, 0},       {30, 1, 0, 0}, {3653, 1, 0, 0},
	    {42, 0, 30, 60},    {2, 0, 1, 3},  {366, 0, 365, 400},
	    {4000, 0, 3653, 0}, {0, 0, 0, 1},  {1000, 0, 731, 1096},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int below = -1, above = -1;
		int ok = logretention_allowed(cases[i].days, &below, &above);

		assert_int_equal(ok, cases[i].allowed);
		if (!ok) {
			assert_int_equal(below, cases[i].below);
			assert_int_equal(above, cases[i].above);
		}
	}
	assert_int_equal(logretention_count, 22);
	assert_false(logretention_allowed(42, NULL, NULL));
}

/* The nearest allowed value at or above, and the list the spec checks print. */
static void test_cloudwatch_round_up_and_list(void **state)
{
	struct buf b = BUF_INIT;

	assert_int_equal(logretention_round_up(-3), 1);
	assert_int_equal(logretention_round_up(1), 1);
	assert_int_equal(logretention_round_up(2), 3);
	assert_int_equal(logretention_round_up(91), 120);
	assert_int_equal(logretention_round_up(3653), 3653);
	assert_int_equal(logretention_round_up(9999), 3653);
	logretention_list(&b);
	assert_true(strncmp(b.data, "1, 3, 5, 7, 14, 30, ", 20) == 0);
	assert_non_null(strstr(b.data, ", 3288, 3653"));
	assert_int_equal(b.data[b.len - 1], '3');
	buf_release(&b);
}

static void test_parse_days(void **state)
{
	static const struct {
		const char *text;
		int rc, days;
	} cases[] = {
	    {"30", 0, 30},
	    {"never", 0, 0},
	    {"1", 0, 1},
	    {"100000", 0, 100000},
	    {"0", ERR_INVALID, 0},
	    {"-5", ERR_INVALID, 0},
	    {"+5", ERR_INVALID, 0},
	    {"30d", ERR_INVALID, 0},
	    {"", ERR_INVALID, 0},
	    {"Never", ERR_INVALID, 0},
	    {"100001", ERR_INVALID, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aws_error err;
		int days = -1;

		error_clear(&err);
		assert_int_equal(retention_parse_days(&days, cases[i].text, &err), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(days, cases[i].days);
		else
			assert_non_null(strstr(err.message, "'never'"));
	}
}

static void test_bucket_prefix(void **state)
{
	static const struct {
		const char *user, *want;
	} cases[] = {
	    {NULL, "AWSLogs/"},         {"", "AWSLogs/"},           {"team", "team/AWSLogs/"},
	    {"team/", "team/AWSLogs/"}, {"/a/b//", "a/b/AWSLogs/"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = retention_bucket_prefix(cases[i].user);

		assert_string_equal(p, cases[i].want);
		free(p);
	}
}

static void test_covering_rule(void **state)
{
	struct s3_lifecycle lc = {0};
	const struct s3_lifecycle_rule *r;
	char *id = retention_rule_id("AWSLogs/");
	char *user_id = retention_rule_id("logs/us-east-1/AWSLogs/");

	/* The same IDs as apply's rules, so that retention set updates them. */
	assert_string_equal(id, "vpcflow-expire");
	assert_string_equal(user_id, "vpcflow-expire-logs/us-east-1");
	free(user_id);
	assert_null(retention_covering_rule(&lc, "AWSLogs/"));
	s3_lifecycle_set_rule(&lc, "tmp", "tmp/", 3);
	assert_null(retention_covering_rule(&lc, "AWSLogs/"));
	s3_lifecycle_set_rule(&lc, "whole", NULL, 400);
	r = retention_covering_rule(&lc, "AWSLogs/");
	assert_non_null(r);
	assert_string_equal(r->id, "whole");
	s3_lifecycle_set_rule(&lc, id, "AWSLogs/", 30);
	r = retention_covering_rule(&lc, "AWSLogs/");
	assert_string_equal(r->id, id);
	assert_int_equal(r->expiration_days, 30);
	/* A rule for a longer prefix does not cover the whole flow-log prefix. */
	s3_lifecycle_set_rule(&lc, "deeper", "AWSLogs/123/", 1);
	assert_string_equal(retention_covering_rule(&lc, "AWSLogs/")->id, id);
	/* Nor does one that keeps to tagged objects. */
	s3_lifecycle_set_rule(&lc, "tagged", NULL, 2);
	assert_string_equal(retention_covering_rule(&lc, "AWSLogs/")->id, "tagged");
	lc.v[lc.n - 1].raw_xml = xstrdup("<Rule><ID>tagged</ID><Filter><Tag><Key>k</Key>"
	                                 "<Value>v</Value></Tag></Filter></Rule>");
	assert_string_equal(retention_covering_rule(&lc, "AWSLogs/")->id, id);
	s3_lifecycle_release(&lc);
	free(id);
}

/* What a lifecycle configuration says of a flow-log prefix: the rule that
 * expires it first, by ID. */
static void test_lifecycle_days(void **state)
{
	struct s3_lifecycle lc = {0};
	char *rule = NULL;
	int days = -1;

	retention_lifecycle_days(&days, &rule, &lc, "AWSLogs/");
	assert_int_equal(days, 0);
	assert_null(rule);
	s3_lifecycle_set_rule(&lc, "owner", NULL, 400);
	s3_lifecycle_set_rule(&lc, "vpcflow-expire-team", "team/AWSLogs/", 30);
	retention_lifecycle_days(&days, &rule, &lc, "team/AWSLogs/");
	assert_int_equal(days, 30);
	assert_string_equal(rule, "vpcflow-expire-team");
	free(rule);
	retention_lifecycle_days(&days, &rule, &lc, "AWSLogs/");
	assert_int_equal(days, 400);
	assert_string_equal(rule, "owner");
	free(rule);
	s3_lifecycle_release(&lc);
}

static void test_describe_days(void **state)
{
	struct buf b = BUF_INIT;

	retention_describe_days(&b, 0);
	buf_addch(&b, '|');
	retention_describe_days(&b, 1);
	buf_addch(&b, '|');
	retention_describe_days(&b, 30);
	assert_string_equal(b.data, "never expires|1 day|30 days");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cloudwatch_values),
	    cmocka_unit_test(test_cloudwatch_round_up_and_list),
	    cmocka_unit_test(test_parse_days),
	    cmocka_unit_test(test_bucket_prefix),
	    cmocka_unit_test(test_covering_rule),
	    cmocka_unit_test(test_lifecycle_days),
	    cmocka_unit_test(test_describe_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
