/* Output formats and the colour decision (--color, NO_COLOR, TERM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/output.h"

static void test_parse_color(void **state)
{
	enum output_color c = OUTPUT_COLOR_NEVER;

	assert_int_equal(output_parse_color("auto", &c), 0);
	assert_int_equal(c, OUTPUT_COLOR_AUTO);
	assert_int_equal(output_parse_color("always", &c), 0);
	assert_int_equal(c, OUTPUT_COLOR_ALWAYS);
	assert_int_equal(output_parse_color("never", &c), 0);
	assert_int_equal(c, OUTPUT_COLOR_NEVER);
	assert_int_equal(output_parse_color("sometimes", &c), -1);
	assert_int_equal(output_parse_color("", &c), -1);
	assert_int_equal(output_parse_color("ALWAYS", &c), -1);
}

static void test_auto_needs_a_terminal(void **state)
{
	assert_true(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, NULL, "xterm"));
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 0, NULL, "xterm"));
}

static void test_auto_honours_no_color_and_term(void **state)
{
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, "1", "xterm"));
	/* no-color.org: set and empty does not disable. */
	assert_true(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, "", "xterm"));
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, NULL, "dumb"));
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, NULL, NULL));
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_TABLE, 1, NULL, ""));
}

static void test_flags_outrank_the_environment(void **state)
{
	assert_true(output_use_color(OUTPUT_COLOR_ALWAYS, OUTPUT_TABLE, 0, "1", "dumb"));
	assert_false(output_use_color(OUTPUT_COLOR_NEVER, OUTPUT_TABLE, 1, NULL, "xterm"));
}

static void test_only_tables_get_colour(void **state)
{
	assert_false(output_use_color(OUTPUT_COLOR_ALWAYS, OUTPUT_JSON, 1, NULL, "xterm"));
	assert_false(output_use_color(OUTPUT_COLOR_ALWAYS, OUTPUT_CSV, 1, NULL, "xterm"));
	assert_false(output_use_color(OUTPUT_COLOR_AUTO, OUTPUT_JSON, 1, NULL, "xterm"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_color),
		cmocka_unit_test(test_auto_needs_a_terminal),
		cmocka_unit_test(test_auto_honours_no_color_and_term),
		cmocka_unit_test(test_flags_outrank_the_environment),
		cmocka_unit_test(test_only_tables_get_colour),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
