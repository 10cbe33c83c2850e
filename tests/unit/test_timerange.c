/* --since / --until parsing against a fixed clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/error.h"
#include "engine/timerange.h"

/* 2026-11-27T12:00:00Z */
#define NOW 1795780800000LL

static void test_forms(void **state)
{
	static const struct {
		const char *text;
		int64_t want;
	} cases[] = {
	    {"now", NOW},
	    {"30s", NOW - 30000},
	    {"15m", NOW - 15 * 60000},
	    {"2h", NOW - 2 * 3600000},
	    {"3d", NOW - 3 * 86400000LL},
	    {"1w", NOW - 7 * 86400000LL},
	    {"0m", NOW},
	    {"2026-11-27", 1795737600000LL},
	    {"2026-11-27T10:00Z", 1795737600000LL + 10 * 3600000},
	    {"2026-11-27T10:00", 1795737600000LL + 10 * 3600000},
	    {"2026-11-27 10:00:05Z", 1795737600000LL + 10 * 3600000 + 5000},
	    {"2026-11-27T10:00:05.250Z", 1795737600000LL + 10 * 3600000 + 5250},
	    {"2026-11-27T10:00:00+02:00", 1795737600000LL + 8 * 3600000},
	    {"2026-11-27T10:00:00-0530", 1795737600000LL + 15 * 3600000 + 30 * 60000},
	    {"2026-11-27T10:00+02", 1795737600000LL + 8 * 3600000},
	    {"1970-01-01T00:00:00Z", 0},
	    {"2024-02-29", 1709164800000LL},
	    {"2000-03-01T00:00Z", 951868800000LL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aws_error err;
		int64_t got = -1;

		error_clear(&err);
		if (timerange_parse(&got, cases[i].text, NOW, &err) != 0)
			fail_msg("'%s': %s", cases[i].text, err.message);
		if (got != cases[i].want)
			fail_msg("'%s': got %lld, want %lld", cases[i].text, (long long)got,
			         (long long)cases[i].want);
	}
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
	    "",
	    "15",
	    "m",
	    "15x",
	    "15 m",
	    "-15m",
	    "15mm",
	    "yesterday",
	    "2026-13-01",
	    "2026-02-30",
	    "2025-02-29",
	    "2026-11-27T25:00Z",
	    "2026-11-27T10:60Z",
	    "2026-11-27T10Z",
	    "2026-11-27T10:00+2",
	    "2026-11-27T10:00:00+02:00junk",
	    "2026/11/27",
	    "2026-11-27T10:00:5Z",
	    "99999999999999999999d",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct aws_error err;
		int64_t got;

		error_clear(&err);
		if (timerange_parse(&got, bad[i], NOW, &err) != ERR_INVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(err.message, "15m"));
		assert_non_null(strstr(err.message, bad[i]));
	}
}

static void test_civil(void **state)
{
	char text[21];
	int y, mo, d, h, mi, s;

	timerange_format(text, NOW / 1000);
	assert_string_equal(text, "2026-11-27T12:00:00Z");
	timerange_format(text, 0);
	assert_string_equal(text, "1970-01-01T00:00:00Z");
	timerange_format(text, 951782399);
	assert_string_equal(text, "2000-02-28T23:59:59Z");
	for (int64_t t = -86400 * 800; t < 86400LL * 365 * 600; t += 86400 * 37 + 3671) {
		timerange_to_civil(t, &y, &mo, &d, &h, &mi, &s);
		assert_true(timerange_from_civil(y, mo, d, h, mi, s) == t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_civil),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
