/* The ISO-8601 times vpcflow reads, one table for its three readers: the
 * credential sources (creds_parse_time), STS answers (sts_parse_time) and
 * --since/--until (timerange_parse). Each row says what each reader makes of
 * the same text, so that a change to one reader's leniency shows up here;
 * then the parser's own edges and the civil-date conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/creds_provider.h"
#include "aws/error.h"
#include "aws/isotime.h"
#include "aws/sts.h"
#include "engine/timerange.h"

/* Rejected. */
#define NO INT64_MIN

/* Milliseconds since the epoch per reader, or NO (1714564800000 is
 * 2024-05-01T12:00:00Z). */
static const struct {
	const char *text;
	int64_t creds;
	int64_t sts;
	int64_t timerange;
} cases[] = {
    {"2024-05-01T12:00:00Z", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01t12:00:00z", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01 12:00:00Z", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00.123Z", 1714564800123LL, 1714564800123LL, 1714564800123LL},
    {"2024-05-01T12:00:00.123456789Z", 1714564800123LL, 1714564800123LL, 1714564800123LL},
    {"2024-05-01T12:00:00.9999z", 1714564800999LL, 1714564800999LL, 1714564800999LL},
    {"2024-05-01T12:00:00,5Z", 1714564800500LL, 1714564800500LL, 1714564800500LL},
    {"2024-05-01T12:00:00.Z", NO, NO, NO},
    {"2024-05-01T12:00:00,Z", NO, NO, NO},
    {"2024-05-01T12:00:00.+00:00", NO, NO, NO},
    {"2024-05-01T12:00:00.5", NO, NO, 1714564800500LL},
    {"2024-05-01T12:00:00UTC", 1714564800000LL, NO, NO},
    {"2024-05-01 12:00:00UTC", 1714564800000LL, NO, NO},
    {"2024-05-01T12:00:00utc", NO, NO, NO},
    {"2024-05-01T12:00:00 UTC", NO, NO, NO},
    {"2024-05-01T12:00:00+00:00", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00-00:00", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00.5-00:00", 1714564800500LL, 1714564800500LL, 1714564800500LL},
    {"2024-05-01T12:00:00+0000", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00+00", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00-00", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T14:00:00+02:00", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T07:00:00-0500", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T17:30:00+05:30", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T09:30:00-02:30", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T14:00:00+02:", 1714564800000LL, 1714564800000LL, 1714564800000LL},
    {"2024-05-01T12:00:00.5+02:00", 1714557600500LL, 1714557600500LL, 1714557600500LL},
    {"2024-05-01T12:00:00+23:59", 1714478460000LL, 1714478460000LL, 1714478460000LL},
    {"2024-05-01T12:00:00+2", NO, NO, NO},
    {"2024-05-01T12:00:00+00:0", NO, NO, NO},
    {"2024-05-01T12:00:00+24:00", NO, NO, NO},
    {"2024-05-01T12:00:00+02:60", NO, NO, NO},
    {"2024-05-01T12:00:00+02:00junk", NO, NO, NO},
    {"2024-05-01T12:00:00Zjunk", NO, NO, NO},
    {"2024-05-01T12:00:00ZZ", NO, NO, NO},
    {"2024-05-01T12:00:00+00:00Z", NO, NO, NO},
    {"2024-05-01T12:00:00Z ", NO, NO, NO},
    {"2024-05-01T12:00:00", NO, NO, 1714564800000LL},
    {"2024-05-01T12:00Z", NO, NO, 1714564800000LL},
    {"2024-05-01t12:00z", NO, NO, 1714564800000LL},
    {"2024-05-01 12:00", NO, NO, 1714564800000LL},
    {"2024-05-01T12:00+02", NO, NO, 1714557600000LL},
    {"2024-05-01", NO, NO, 1714521600000LL},
    {"2024-05-01Z", NO, NO, 1714521600000LL},
    {"2024-05-01+02:00", NO, NO, 1714514400000LL},
    {"2024-05-01T12Z", NO, NO, NO},
    {"2024-05-01T12:00:5Z", NO, NO, NO},
    {"2024-05-01T12:00.5Z", NO, NO, NO},
    {"2024-05-01T", NO, NO, NO},
    {"2024-05-01X12:00:00Z", NO, NO, NO},
    {"2024-05-01  12:00:00Z", NO, NO, NO},
    {"2024-05-01T12:00:00UTC+01", NO, NO, NO},
    {"2024-02-29T00:00:00Z", 1709164800000LL, 1709164800000LL, 1709164800000LL},
    {"2000-02-29T00:00:00Z", 951782400000LL, 951782400000LL, 951782400000LL},
    {"2024-02-29", NO, NO, 1709164800000LL},
    {"2023-02-29", NO, NO, NO},
    {"2023-02-29T00:00:00Z", NO, NO, NO},
    {"1900-02-29T00:00:00Z", NO, NO, NO},
    {"2024-02-30T00:00:00+00:00", NO, NO, NO},
    {"2024-04-31T00:00:00Z", NO, NO, NO},
    {"2024-01-32T00:00:00Z", NO, NO, NO},
    {"2024-05-00T00:00:00Z", NO, NO, NO},
    {"2024-00-10T00:00:00Z", NO, NO, NO},
    {"2024-13-01T00:00:00Z", NO, NO, NO},
    {"2024-05-01T23:59:60Z", 1714608000000LL, 1714608000000LL, 1714608000000LL},
    {"2024-05-01T23:59:61Z", NO, NO, NO},
    {"2024-05-01T24:00:00Z", NO, NO, NO},
    {"2024-05-01T12:60:00Z", NO, NO, NO},
    {"1970-01-01T00:00:00Z", 0LL, 0LL, 0LL},
    {"1969-12-31T23:59:59.5Z", -500LL, -500LL, -500LL},
    {"0000-01-01T00:00:00Z", -62167219200000LL, -62167219200000LL, -62167219200000LL},
    {"9999-12-31T23:59:59Z", 253402300799000LL, 253402300799000LL, 253402300799000LL},
    {"", NO, NO, NO},
    {"2024/05/01T12:00:00Z", NO, NO, NO},
    {"20240501T120000Z", NO, NO, NO},
    {"2024-5-01T12:00:00Z", NO, NO, NO},
    {" 2024-05-01T12:00:00Z", NO, NO, NO},
    {"+2024-05-01T12:00:00Z", NO, NO, NO},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int64_t via_creds(const char *text)
{
	int64_t ms = 0;

	return creds_parse_time(&ms, text) == 0 ? ms : NO;
}

static int64_t via_sts(const char *text)
{
	int64_t ms = 0;

	return sts_parse_time(&ms, text) == 0 ? ms : NO;
}

static int64_t via_timerange(const char *text)
{
	struct aws_error err;
	int64_t ms = 0;

	error_clear(&err);
	return timerange_parse(&ms, text, 0, &err) == 0 ? ms : NO;
}

static void check(const char *reader, const char *text, int64_t got, int64_t want)
{
	if (got == want)
		return;
	if (want == NO)
		fail_msg("%s: '%s' was accepted as %lld", reader, text, (long long)got);
	if (got == NO)
		fail_msg("%s: '%s' was rejected", reader, text);
	fail_msg("%s: '%s': got %lld, want %lld", reader, text, (long long)got, (long long)want);
}

static void test_creds_table(void **state)
{
	for (size_t i = 0; i < NCASES; i++)
		check("creds", cases[i].text, via_creds(cases[i].text), cases[i].creds);
	assert_int_equal(creds_parse_time(&(int64_t){0}, NULL), ERR_PARSE);
}

static void test_sts_table(void **state)
{
	for (size_t i = 0; i < NCASES; i++)
		check("sts", cases[i].text, via_sts(cases[i].text), cases[i].sts);
}

static void test_timerange_table(void **state)
{
	for (size_t i = 0; i < NCASES; i++)
		check("timerange", cases[i].text, via_timerange(cases[i].text), cases[i].timerange);
}

/* A failed parse leaves the output alone, and no text is no time. */
static void test_parse_edges(void **state)
{
	int64_t ms = 42;

	assert_int_equal(isotime_parse(&ms, NULL, 0), ERR_PARSE);
	assert_int_equal(isotime_parse(&ms, "2024-05-01T12:00:00", 0), ERR_PARSE);
	assert_int_equal(isotime_parse(&ms, "2024-05-01", ISOTIME_UTC_NAME), ERR_PARSE);
	assert_true(ms == 42);
	assert_int_equal(isotime_parse(&ms, "2024-05-01T12:00:00", ISOTIME_PARTIAL), 0);
	assert_true(ms == 1714564800000LL);
	/* Each flag alone widens only its own part. */
	assert_int_equal(isotime_parse(&ms, "2024-05-01T12:00:00UTC", ISOTIME_PARTIAL), ERR_PARSE);
	assert_int_equal(isotime_parse(&ms, "2024-05-01T12:00:00.Z", ISOTIME_PARTIAL), ERR_PARSE);
	assert_int_equal(isotime_parse(&ms, "2024-02-30T00:00:00Z", ISOTIME_UTC_NAME), ERR_PARSE);
}

static void test_civil(void **state)
{
	char text[21];
	int y, mo, d, h, mi, s;

	assert_true(isotime_days_from_civil(1970, 1, 1) == 0);
	assert_true(isotime_days_from_civil(2000, 3, 1) == 11017);
	assert_true(isotime_days_from_civil(1969, 12, 31) == -1);
	assert_true(isotime_days_from_civil(0, 1, 1) == -719528);
	/* Days outside the month count on, either way. */
	assert_true(isotime_days_from_civil(2024, 2, 30) == isotime_days_from_civil(2024, 3, 1));
	assert_true(isotime_days_from_civil(2023, 2, 29) == isotime_days_from_civil(2023, 3, 1));
	assert_true(isotime_days_from_civil(2024, 3, 0) == isotime_days_from_civil(2024, 2, 29));
	assert_true(isotime_from_civil(2024, 5, 1, 23, 59, 60) == 1714608000);

	isotime_to_civil(-1, &y, &mo, &d, &h, &mi, &s);
	assert_true(y == 1969 && mo == 12 && d == 31 && h == 23 && mi == 59 && s == 59);
	isotime_to_civil(951782400, &y, &mo, &d, &h, &mi, &s);
	assert_true(y == 2000 && mo == 2 && d == 29 && h == 0 && mi == 0 && s == 0);
	for (int64_t t = -62167219200LL; t < 253402300800LL; t += 86400 * 97 + 4159) {
		isotime_to_civil(t, &y, &mo, &d, &h, &mi, &s);
		assert_true(isotime_from_civil(y, mo, d, h, mi, s) == t);
	}

	isotime_format(text, 1714564805);
	assert_string_equal(text, "2024-05-01T12:00:05Z");
	isotime_format(text, -62167219200LL);
	assert_string_equal(text, "0000-01-01T00:00:00Z");
	isotime_format(text, 253402300799LL);
	assert_string_equal(text, "9999-12-31T23:59:59Z");
}

/* What isotime_format writes, every reader reads back to the second. */
static void test_format_round_trip(void **state)
{
	for (int64_t t = -86400 * 800; t < 86400LL * 365 * 200; t += 86400 * 13 + 3607) {
		char text[21];
		int64_t ms;

		isotime_format(text, t);
		assert_int_equal(creds_parse_time(&ms, text), 0);
		assert_true(ms == t * 1000);
		assert_int_equal(sts_parse_time(&ms, text), 0);
		assert_true(ms == t * 1000);
		assert_true(via_timerange(text) == t * 1000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_creds_table),     cmocka_unit_test(test_sts_table),
	    cmocka_unit_test(test_timerange_table), cmocka_unit_test(test_parse_edges),
	    cmocka_unit_test(test_civil),           cmocka_unit_test(test_format_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
