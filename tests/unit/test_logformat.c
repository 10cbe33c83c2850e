/* The flow log field registry and log format parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/logformat.h"

/* Parses text for scope and returns the rendered format (caller frees), or
 * NULL with the errors joined by '\n' in *errors (caller frees). */
static char *parse(const char *text, unsigned scope, char **errors)
{
	struct logformat f = LOGFORMAT_INIT;
	struct logformat_errors errs = LOGFORMAT_ERRORS_INIT;
	struct buf b = BUF_INIT;
	char *out = NULL;

	if (logformat_parse(&f, text, scope, &errs) == 0) {
		assert_int_equal(errs.n, 0);
		logformat_render(&f, &b);
		out = buf_detach(&b, NULL);
	} else {
		assert_true(errs.n > 0);
		assert_int_equal(f.n, 0);
		for (size_t i = 0; i < errs.n; i++)
			buf_addf(&b, "%s%zu: %s", i ? "\n" : "", errs.v[i].offset,
			         errs.v[i].message);
		*errors = buf_detach(&b, NULL);
	}
	logformat_release(&f);
	logformat_errors_release(&errs);
	return out;
}

static void expect_ok(const char *text, unsigned scope, const char *want)
{
	char *errors = NULL, *got = parse(text, scope, &errors);

	if (!got)
		fail_msg("'%s': %s", text, errors);
	assert_string_equal(got, want);
	free(got);
}

static void expect_error(const char *text, unsigned scope, const char *want)
{
	char *errors = NULL, *got = parse(text, scope, &errors);

	if (got)
		fail_msg("'%s' parsed as '%s'", text, got);
	assert_string_equal(errors, want);
	free(errors);
}

static void test_registry(void **state)
{
	size_t vpc = 0, tgw = 0;

	assert_int_equal(logformat_field_count, 60);
	for (size_t i = 0; i < logformat_field_count; i++) {
		const struct logformat_field *f = &logformat_fields[i];

		assert_ptr_equal(logformat_field(f->name), f);
		assert_true(f->version >= 2 && f->version <= 10);
		assert_true(f->scope != 0);
		assert_non_null(f->description);
		assert_true((f->type == LOGFORMAT_ENUM) == (f->values != NULL));
		vpc += (f->scope & LOGFORMAT_VPC) != 0;
		tgw += (f->scope & LOGFORMAT_TGW) != 0;
	}
	assert_int_equal(vpc, 42);
	assert_int_equal(tgw, 36);
	assert_null(logformat_field("port"));
	assert_null(logformat_field("SRCADDR"));
}

static void test_fields_by_version(void **state)
{
	static const struct {
		const char *name;
		int version;
		enum logformat_type type;
		unsigned scope;
	} want[] = {
	    {"version", 2, LOGFORMAT_INT, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"interface-id", 2, LOGFORMAT_STRING, LOGFORMAT_VPC},
	    {"srcaddr", 2, LOGFORMAT_ADDR, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"dstport", 2, LOGFORMAT_PORT, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"start", 2, LOGFORMAT_TIME, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"action", 2, LOGFORMAT_ENUM, LOGFORMAT_VPC},
	    {"log-status", 2, LOGFORMAT_ENUM, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"pkt-dstaddr", 3, LOGFORMAT_ADDR, LOGFORMAT_VPC},
	    {"tcp-flags", 3, LOGFORMAT_INT, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"sublocation-type", 4, LOGFORMAT_ENUM, LOGFORMAT_VPC},
	    {"region", 4, LOGFORMAT_STRING, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"traffic-path", 5, LOGFORMAT_INT, LOGFORMAT_VPC},
	    {"flow-direction", 5, LOGFORMAT_ENUM, LOGFORMAT_VPC | LOGFORMAT_TGW},
	    {"ecs-second-container-id", 7, LOGFORMAT_STRING, LOGFORMAT_VPC},
	    {"reject-reason", 8, LOGFORMAT_ENUM, LOGFORMAT_VPC},
	    {"tgw-pair-attachment-id", 6, LOGFORMAT_STRING, LOGFORMAT_TGW},
	    {"packets-lost-ttl-expired", 6, LOGFORMAT_INT, LOGFORMAT_TGW},
	    {"resource-type", 6, LOGFORMAT_ENUM, LOGFORMAT_TGW},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct logformat_field *f = logformat_field(want[i].name);

		assert_non_null(f);
		assert_int_equal(f->version, want[i].version);
		assert_int_equal(f->type, want[i].type);
		assert_int_equal(f->scope, want[i].scope);
	}
	assert_string_equal(logformat_field("action")->values[1], "REJECT");
	assert_null(logformat_field("action")->values[2]);
	assert_string_equal(logformat_type_name(LOGFORMAT_ADDR), "address");
}

static void test_tutorial(void **state)
{
	expect_ok("srcaddr dstaddr protocol action port instance", LOGFORMAT_VPC,
	          "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} "
	          "${instance-id}");
}

static void test_default(void **state)
{
	expect_ok("default", LOGFORMAT_VPC, logformat_default(LOGFORMAT_VPC));
	expect_ok("  DEFAULT \n", LOGFORMAT_VPC, logformat_default(LOGFORMAT_VPC));
	assert_string_equal(logformat_default(LOGFORMAT_VPC),
	                    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} "
	                    "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} "
	                    "${action} ${log-status}");
	expect_ok("default", LOGFORMAT_TGW, logformat_default(LOGFORMAT_TGW));
	expect_ok("default vpc-id subnet-id", LOGFORMAT_VPC,
	          "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
	          "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
	          "${log-status} ${vpc-id} ${subnet-id}");
}

static void test_tgw_default_has_every_tgw_field(void **state)
{
	struct logformat f = LOGFORMAT_INIT;
	struct logformat_errors errs = LOGFORMAT_ERRORS_INIT;

	assert_int_equal(
	    logformat_parse(&f, logformat_default(LOGFORMAT_TGW), LOGFORMAT_TGW, &errs), 0);
	for (size_t i = 0; i < logformat_field_count; i++)
		assert_int_equal(logformat_index(&f, logformat_fields[i].name) >= 0,
		                 (logformat_fields[i].scope & LOGFORMAT_TGW) != 0);
	assert_int_equal(logformat_version(&f), 6);
	assert_int_equal(logformat_index(&f, "version"), 0);
	assert_int_equal(logformat_index(&f, "resource-type"), 1);
	logformat_release(&f);
}

static void test_forms_and_blanks(void **state)
{
	expect_ok("${srcaddr}\t${dstaddr}\n  srcport   ${dstport}", LOGFORMAT_VPC,
	          "${srcaddr} ${dstaddr} ${srcport} ${dstport}");
	expect_ok("${srcaddr}${dstaddr}bytes", LOGFORMAT_VPC, "${srcaddr} ${dstaddr} ${bytes}");
	expect_ok("src dst interface vpc subnet account ${port}", LOGFORMAT_VPC,
	          "${srcaddr} ${dstaddr} ${interface-id} ${vpc-id} ${subnet-id} ${account-id} "
	          "${srcport} ${dstport}");
	expect_ok("tgw-id src dst port packets-lost-no-route", LOGFORMAT_TGW,
	          "${tgw-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
	          "${packets-lost-no-route}");
}

static void test_version(void **state)
{
	struct logformat f = LOGFORMAT_INIT;
	struct logformat_errors errs = LOGFORMAT_ERRORS_INIT;

	assert_int_equal(logformat_parse(&f, "srcaddr vpc-id az-id", LOGFORMAT_VPC, &errs), 0);
	assert_int_equal(logformat_version(&f), 4);
	assert_int_equal(logformat_index(&f, "az-id"), 2);
	assert_int_equal(logformat_index(&f, "action"), -1);
	logformat_release(&f);
	assert_int_equal(logformat_parse(&f, "ecs-task-id reject-reason", LOGFORMAT_VPC, &errs), 0);
	assert_int_equal(logformat_version(&f), 8);
	logformat_release(&f);
}

static void test_unknown_fields_suggest(void **state)
{
	expect_error("srcaddr srcadr", LOGFORMAT_VPC,
	             "8: unknown log format field 'srcadr'; did you mean 'srcaddr'?");
	expect_error("ecs-task", LOGFORMAT_VPC,
	             "0: unknown log format field 'ecs-task'; did you mean "
	             "'ecs-task-definition-arn', 'ecs-task-arn' or 'ecs-task-id'?");
	expect_error("${SrcPort}", LOGFORMAT_VPC,
	             "0: unknown log format field 'SrcPort'; did you mean 'srcport'?");
	expect_error("bogus", LOGFORMAT_VPC, "0: unknown log format field 'bogus'");
	expect_error("a srcaddr dstadr prot", LOGFORMAT_VPC,
	             "0: unknown log format field 'a'\n"
	             "10: unknown log format field 'dstadr'; did you mean 'dstaddr'?\n"
	             "17: unknown log format field 'prot'; did you mean 'protocol' or 'port'?");
}

static void test_duplicates(void **state)
{
	expect_error("srcaddr ${srcaddr}", LOGFORMAT_VPC, "8: field 'srcaddr' is listed twice");
	expect_error("port dstport", LOGFORMAT_VPC, "5: field 'dstport' is listed twice");
	expect_error("dstport port", LOGFORMAT_VPC,
	             "8: field 'dstport' ('port' stands for srcport dstport) is listed twice");
	expect_error("instance-id instance", LOGFORMAT_VPC,
	             "12: field 'instance-id' ('instance' stands for instance-id) is listed twice");
	expect_error("default action", LOGFORMAT_VPC, "8: field 'action' is listed twice");
	expect_error("srcport dstport ${port}", LOGFORMAT_VPC,
	             "16: 'port' stands for srcport dstport, which are listed already");
}

static void test_scope(void **state)
{
	expect_error("srcaddr tgw-id", LOGFORMAT_VPC,
	             "8: field 'tgw-id' is recorded only by transit gateway flow logs");
	expect_error("action instance", LOGFORMAT_TGW,
	             "0: field 'action' is not recorded by transit gateway flow logs\n"
	             "7: field 'instance-id' ('instance' stands for instance-id) is not recorded "
	             "by transit gateway flow logs");
	/* Suggestions come from the scope's own fields. */
	expect_error("tgw-srcvpc-id", LOGFORMAT_TGW,
	             "0: unknown log format field 'tgw-srcvpc-id'; did you mean 'tgw-src-vpc-id'?");
}

static void test_malformed(void **state)
{
	expect_error("", LOGFORMAT_VPC,
	             "0: the log format is empty; write \"default\" or the fields to record");
	expect_error(" \t\n", LOGFORMAT_VPC,
	             "0: the log format is empty; write \"default\" or the fields to record");
	expect_error("srcaddr ${dstaddr", LOGFORMAT_VPC,
	             "8: '${' is not closed by '}' in the log format");
	expect_error("${} srcaddr", LOGFORMAT_VPC, "0: '${}' names no field");
	expect_error("${default}", LOGFORMAT_VPC, "0: unknown log format field 'default'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_fields_by_version),
	    cmocka_unit_test(test_tutorial),
	    cmocka_unit_test(test_default),
	    cmocka_unit_test(test_tgw_default_has_every_tgw_field),
	    cmocka_unit_test(test_forms_and_blanks),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_unknown_fields_suggest),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
