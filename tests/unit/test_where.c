/* --where expressions: parsing, errors, matching, and the CloudWatch filter
 * pattern they become. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "engine/record.h"
#include "engine/where.h"

static const char *const lines[] = {
    "2 123456789012 eni-0a1 10.0.1.5 10.0.2.9 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK",
    "2 123456789012 eni-0a1 203.0.113.7 10.0.1.5 51000 22 6 1 40 1700000000 1700000060 REJECT OK",
    "2 123456789012 eni-0a1 2001:db8::5 2001:db8:1::9 40000 53 17 2 150 1700000000 1700000060 "
    "ACCEPT OK",
    "2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - NODATA",
};

/* Which of lines[] match all of exprs, as a string of 0/1. */
static void matches(const char *const *exprs, size_t n, char out[8])
{
	struct where w = {0};
	struct record_layout l;
	struct aws_error err;

	record_layout_default(&l);
	for (size_t i = 0; i < n; i++) {
		error_clear(&err);
		if (where_add(&w, exprs[i], &err) != 0)
			fail_msg("'%s': %s", exprs[i], err.message);
	}
	for (size_t i = 0; i < 4; i++) {
		struct record r;

		assert_int_equal(record_parse(&r, &l, lines[i], strlen(lines[i])), 0);
		out[i] = where_match(&w, &r) ? '1' : '0';
	}
	out[4] = '\0';
	where_release(&w);
}

static void test_matching(void **state)
{
	static const struct {
		const char *exprs[3];
		const char *want;
	} cases[] = {
	    {{NULL}, "1111"},
	    {{"action=REJECT"}, "0100"},
	    {{"action=reject"}, "0100"},
	    {{"action!=REJECT"}, "1011"},
	    {{"srcaddr=10.0.0.0/8"}, "1000"},
	    {{"src=10.0.1.5"}, "1000"},
	    {{"dstaddr=10.0.1.5/32"}, "0100"},
	    {{"srcaddr=0.0.0.0/0"}, "1100"},
	    {{"srcaddr=2001:db8::/32"}, "0010"},
	    {{"dstaddr=2001:db8:1::/48"}, "0010"},
	    {{"dstaddr=2001:db8::/48"}, "0000"},
	    {{"srcaddr!=10.0.0.0/8"}, "0111"},
	    {{"dstport=1024-65535"}, "0000"},
	    {{"srcport=1024-65535"}, "1110"},
	    {{"dstport=443"}, "1000"},
	    {{"dstport!=443"}, "0111"},
	    {{"protocol=tcp"}, "1100"},
	    {{"protocol=17"}, "0010"},
	    {{"bytes=100-1000"}, "1010"},
	    {{"log-status=NODATA"}, "0001"},
	    {{"srcaddr=-"}, "0001"},
	    {{"srcaddr!=-"}, "1110"},
	    {{"vpc-id=-"}, "1111"},
	    {{"vpc-id=vpc-1"}, "0000"},
	    {{"interface-id=eni-0a1", "action=ACCEPT", "protocol=udp"}, "0010"},
	    {{"action=ACCEPT", "dstport=443"}, "1000"},
	    {{"account=123456789012", "start=1700000000"}, "1111"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 0;
		char got[8];

		while (n < 3 && cases[i].exprs[n])
			n++;
		matches(cases[i].exprs, n, got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu ('%s'): got %s, want %s", i,
			         cases[i].exprs[0] ? cases[i].exprs[0] : "", got, cases[i].want);
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *expr, *message;
	} cases[] = {
	    {"action", "is not a condition: use FIELD=VALUE or FIELD!=VALUE"},
	    {"=REJECT", "is not a condition"},
	    {"!=REJECT", "is not a condition"},
	    {"acton=REJECT", "unknown field 'acton'; did you mean 'action'?"},
	    {"wibble=1", "unknown field 'wibble' (use FIELD=VALUE"},
	    {"action=DENY", "action takes one of ACCEPT, REJECT"},
	    {"srcaddr=10.0.0.0/33", "takes an address or a CIDR"},
	    {"srcaddr=10.0.0", "takes an address or a CIDR"},
	    {"dstaddr=2001:db8::/129", "takes an address or a CIDR"},
	    {"dstport=70000", "takes a port or a range (443, 1024-65535)"},
	    {"dstport=2000-1000", "takes a port or a range"},
	    {"dstport=http", "takes a port or a range"},
	    {"protocol=bogus", "a protocol number or name"},
	    {"bytes=", "takes a whole number"},
	    {"packets=-5", "takes a whole number or a range"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct where w = {0};
		struct aws_error err;

		error_clear(&err);
		if (where_add(&w, cases[i].expr, &err) != ERR_INVALID)
			fail_msg("'%s' was accepted", cases[i].expr);
		if (!strstr(err.message, cases[i].message))
			fail_msg("'%s': %s", cases[i].expr, err.message);
		assert_int_equal(w.n, 0);
		where_release(&w);
	}
}

static void pattern(const char *format, const char *const *exprs, size_t n, const char *want)
{
	struct where w = {0};
	struct record_layout l;
	struct aws_error err;
	struct buf b = BUF_INIT;

	error_clear(&err);
	assert_int_equal(record_layout_parse(&l, format, 1, &err), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(where_add(&w, exprs[i], &err), 0);
	where_filter_pattern(&w, &l, &b);
	assert_string_equal(b.data, want);
	buf_release(&b);
	where_release(&w);
}

static void test_filter_pattern(void **state)
{
	static const char *const reject[] = {"action=REJECT", "dstport=22"};
	static const char *const local[] = {"srcaddr=10.0.0.0/8", "dstport=1-1024",
	                                    "action!=REJECT"};
	static const char *const exact[] = {"srcaddr=10.0.0.5", "srcaddr=10.0.0.0/8"};
	static const char *const local_only[] = {"srcaddr=10.0.0.0/8", "dstport!=22"};

	pattern("default", reject, 2,
	        "[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport=22, "
	        "protocol, packets, bytes, start, end, action=\"REJECT\", log_status]");
	pattern("${srcaddr} ${dstaddr} ${dstport} ${action}", local, 3,
	        "[srcaddr, dstaddr, dstport, action!=\"REJECT\"]");
	pattern("srcaddr dstaddr", exact, 2, "[srcaddr=\"10.0.0.5\", dstaddr]");
	pattern("default", local_only, 2, "");
	pattern("default", NULL, 0, "");
	/* A column of unknown name: no pattern, all is filtered locally. */
	pattern("srcaddr future action", reject, 1, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matching),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_filter_pattern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
