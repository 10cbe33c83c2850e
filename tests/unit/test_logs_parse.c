/* The CloudWatch Logs and Organizations answer parsers on canned answers
 * (tests/data/responses/logs, .../org): pages that accumulate, streamed
 * events, and malformed answers that fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/error.h"
#include "aws/logs.h"
#include "aws/org.h"

static json_t *load(const char *name)
{
	char path[512];
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "%s/responses/%s", TEST_DATA_DIR, name);
	j = json_load_file(path, 0, &jerr);
	assert_non_null(j);
	return j;
}

static void test_log_groups_pages(void **state)
{
	struct logs_group_list l = {0};
	struct aws_error err;
	json_t *p1 = load("logs/describe_log_groups_page1.json");
	json_t *p2 = load("logs/describe_log_groups_page2.json");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(logs_parse_log_groups(&l, p1, &next, &err), 0);
	assert_string_equal(next, "describe-page-2");
	free(next);
	assert_int_equal(logs_parse_log_groups(&l, p2, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "/aws/vpc-flow-logs/vpc-0a1b2c3d");
	assert_int_equal(l.v[0].retention_in_days, 365);
	assert_int_equal(l.v[0].stored_bytes, INT64_C(123456789012));
	assert_int_equal(l.v[0].creation_time, INT64_C(1706036869000));
	assert_string_equal(l.v[0].log_group_class, "STANDARD");
	assert_string_equal(l.v[0].arn, "arn:aws:logs:us-east-1:123456789012:log-group:"
	                                "/aws/vpc-flow-logs/vpc-0a1b2c3d:*");
	/* Without logGroupArn the bare ARN is derived from arn. */
	assert_int_equal(l.v[1].retention_in_days, 0);
	assert_string_equal(l.v[1].log_group_arn, "arn:aws:logs:us-east-1:123456789012:log-group:"
	                                          "/aws/vpc-flow-logs/vpc-never");
	assert_null(l.v[1].log_group_class);
	assert_int_equal(l.v[2].retention_in_days, 7);
	logs_group_list_release(&l);
	json_decref(p1);
	json_decref(p2);
}

static void test_log_groups_malformed(void **state)
{
	static const char *const cases[] = {
	    "logs/describe_log_groups_bad_retention.json", "logs/describe_log_groups_no_name.json",
	    "logs/describe_log_groups_not_array.json",
	    "logs/list_tags_for_resource.json", /* another answer: no logGroups */
	};
	struct aws_error err;
	char *next;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct logs_group_list l = {0};
		json_t *j = load(cases[i]);

		error_clear(&err);
		assert_int_equal(logs_parse_log_groups(&l, j, &next, &err), ERR_PARSE);
		assert_string_equal(err.operation, "DescribeLogGroups");
		assert_null(next);
		logs_group_list_release(&l);
		json_decref(j);
	}
}

/* Collects messages; stops after stop_after events when non-zero. */
struct collected {
	char messages[8][160];
	int64_t timestamps[8];
	int n, stop_after;
};

static int collect(void *ctx, const struct logs_event *ev)
{
	struct collected *c = ctx;

	assert_true(c->n < 8);
	snprintf(c->messages[c->n], sizeof(c->messages[0]), "%s|%s", ev->log_stream_name,
	         ev->message);
	c->timestamps[c->n++] = ev->timestamp;
	return c->stop_after && c->n >= c->stop_after ? 1 : 0;
}

static void test_events_stream(void **state)
{
	struct collected c = {0};
	struct aws_error err;
	json_t *p1 = load("logs/filter_log_events_page1.json");
	json_t *p2 = load("logs/filter_log_events_empty_page.json");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(logs_parse_events(p1, collect, &c, &next, &err), 0);
	assert_string_equal(next, "filter-page-2");
	free(next);
	assert_int_equal(c.n, 2);
	assert_non_null(strstr(c.messages[0], "eni-0a1b2c3d-all|2 123456789012"));
	assert_non_null(strstr(c.messages[1], "REJECT"));
	assert_int_equal(c.timestamps[1], INT64_C(1706036870000));
	/* An empty page still carries the token: reading goes on. */
	assert_int_equal(logs_parse_events(p2, collect, &c, &next, &err), 0);
	assert_string_equal(next, "filter-page-3");
	free(next);
	assert_int_equal(c.n, 2);
	json_decref(p1);
	json_decref(p2);
}

static void test_events_callback_stops(void **state)
{
	struct collected c = {0};
	struct aws_error err;
	json_t *p1 = load("logs/filter_log_events_page1.json");
	char *next = NULL;

	c.stop_after = 1;
	error_clear(&err);
	assert_int_equal(logs_parse_events(p1, collect, &c, &next, &err), 1);
	assert_int_equal(c.n, 1);
	assert_null(next);
	json_decref(p1);
}

static void test_events_malformed(void **state)
{
	struct collected c = {0};
	struct aws_error err;
	json_t *bad = load("logs/filter_log_events_bad_event.json");
	json_t *array = json_array();
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(logs_parse_events(bad, collect, &c, &next, &err), ERR_PARSE);
	assert_int_equal(c.n, 1);
	assert_string_equal(err.operation, "FilterLogEvents");
	assert_int_equal(logs_parse_events(array, collect, &c, &next, &err), ERR_PARSE);
	json_decref(bad);
	json_decref(array);
}

/* AWS always sends the list, empty or not: an answer without it (an empty
 * 200 body reads as {}) is no page, whoever parses it. */
static void test_answers_without_their_list(void **state)
{
	struct logs_group_list l = {0};
	struct collected c = {0};
	struct aws_error err;
	json_t *empty = json_object();
	json_t *token_only = json_pack("{s:s}", "nextToken", "t");
	json_t *groups_null = json_pack("{s:n}", "logGroups");
	json_t *no_groups = json_pack("{s:[]}", "logGroups");
	json_t *no_events = json_pack("{s:[]}", "events");
	json_t *array = json_array();
	char unset, *next = &unset;

	error_clear(&err);
	assert_int_equal(logs_parse_log_groups(&l, empty, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "the answer has no logGroups");
	assert_string_equal(err.operation, "DescribeLogGroups");
	assert_null(next);
	error_clear(&err);
	assert_int_equal(logs_parse_log_groups(&l, token_only, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "the answer has no logGroups");
	assert_null(next);
	error_clear(&err);
	assert_int_equal(logs_parse_log_groups(&l, groups_null, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "logGroups is not an array");
	assert_int_equal(logs_parse_log_groups(&l, no_groups, &next, &err), 0);
	assert_int_equal(l.n, 0);
	assert_null(next);

	error_clear(&err);
	assert_int_equal(logs_parse_events(empty, collect, &c, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "the answer has no events");
	assert_string_equal(err.operation, "FilterLogEvents");
	assert_null(next);
	error_clear(&err);
	assert_int_equal(logs_parse_events(token_only, collect, &c, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "the answer has no events");
	assert_int_equal(logs_parse_events(no_events, collect, &c, &next, &err), 0);
	assert_int_equal(c.n, 0);
	/* Not an object at all says so first. */
	error_clear(&err);
	assert_int_equal(logs_parse_events(array, collect, &c, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "the answer is not a JSON object");
	json_decref(array);
	json_decref(empty);
	json_decref(token_only);
	json_decref(groups_null);
	json_decref(no_groups);
	json_decref(no_events);
}

static void test_tags_json(void **state)
{
	struct tag_list t = TAG_LIST_INIT;
	struct aws_error err;
	json_t *j = load("logs/list_tags_for_resource.json"), *back;

	error_clear(&err);
	assert_int_equal(tag_list_parse_json(&t, json_object_get(j, "tags"), &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(tag_list_get(&t, "team"), "network");
	back = tag_list_to_json(&t);
	assert_true(json_equal(back, json_object_get(j, "tags")));
	json_object_set_new(json_object_get(j, "tags"), "n", json_integer(1));
	assert_int_equal(tag_list_parse_json(&t, json_object_get(j, "tags"), &err), ERR_PARSE);
	tag_list_release(&t);
	json_decref(back);
	json_decref(j);
}

static void test_accounts_pages(void **state)
{
	struct org_account_list l = {0};
	struct aws_error err;
	json_t *p1 = load("org/list_accounts_page1.json"),
	       *p2 = load("org/list_accounts_page2.json");
	json_t *bad = load("org/list_accounts_no_id.json");
	json_t *odd = json_pack("{s:[{s:i, s:s}]}", "Accounts", "Id", 12, "Name", "n");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(org_parse_accounts(&l, p1, &next, &err), 0);
	assert_string_equal(next, "accounts-page-2");
	free(next);
	assert_int_equal(org_parse_accounts(&l, p2, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "111111111111");
	assert_string_equal(l.v[0].name, "Master Account");
	assert_string_equal(l.v[0].email, "bill@example.com");
	assert_string_equal(l.v[0].status, "ACTIVE");
	assert_string_equal(
	    l.v[1].arn, "arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222");
	assert_string_equal(l.v[1].status, "SUSPENDED");
	assert_int_equal(org_parse_accounts(&l, bad, &next, &err), ERR_PARSE);
	assert_string_equal(err.operation, "ListAccounts");
	/* Members that are not strings read as absent. */
	error_clear(&err);
	assert_int_equal(org_parse_accounts(&l, odd, &next, &err), ERR_PARSE);
	assert_string_equal(err.message, "an account without Id");
	json_decref(odd);
	org_account_list_release(&l);
	json_decref(p1);
	json_decref(p2);
	json_decref(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_groups_pages),
	    cmocka_unit_test(test_log_groups_malformed),
	    cmocka_unit_test(test_events_stream),
	    cmocka_unit_test(test_events_callback_stops),
	    cmocka_unit_test(test_events_malformed),
	    cmocka_unit_test(test_tags_json),
	    cmocka_unit_test(test_accounts_pages),
	    cmocka_unit_test(test_answers_without_their_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
