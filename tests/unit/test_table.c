/* Table and CSV rendering, and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/suggest.h"
#include "engine/table.h"

/* Renders through a memory stream and returns the text (caller frees). */
static char *render(const struct table *t, int csv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (csv)
		table_print_csv(t, f);
	else
		table_print(t, f);
	fclose(f);
	return text;
}

static void test_aligned_and_sorted(void **state)
{
	static const char *const headers[] = {"REGION", "ID"};
	static const size_t by[] = {0, 1};
	const char *r1[] = {"us-east-1", "fl-2"};
	const char *r2[] = {"eu-west-1", "fl-10"};
	const char *r3[] = {"us-east-1", "fl-1"};
	struct table t;
	char *out;

	table_init(&t, headers, 2);
	table_add_row(&t, r1);
	table_add_row(&t, r2);
	table_add_row(&t, r3);
	table_sort(&t, by, 2);
	out = render(&t, 0);
	assert_string_equal(out, "REGION     ID\n"
				 "eu-west-1  fl-10\n"
				 "us-east-1  fl-1\n"
				 "us-east-1  fl-2\n");
	free(out);
	table_release(&t);
}

static void test_control_characters_hidden(void **state)
{
	static const char *const headers[] = {"TAG"};
	const char *row[] = {"evil\033[2Jname"};
	struct table t;
	char *out;

	table_init(&t, headers, 1);
	table_add_row(&t, row);
	out = render(&t, 0);
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "evil?[2Jname"));
	free(out);
	table_release(&t);
}

static void test_csv_quoting_and_formulas(void **state)
{
	static const char *const headers[] = {"A", "B", "C"};
	const char *row[] = {"x,y", "say \"hi\"", "=HYPERLINK(1)"};
	const char *empty[] = {NULL, "-", "-12"};
	const char *dash[] = {"-cmd", "+1", "@x"};
	struct table t;
	char *out;

	table_init(&t, headers, 3);
	table_add_row(&t, row);
	table_add_row(&t, empty);
	table_add_row(&t, dash);
	out = render(&t, 1);
	assert_string_equal(out, "A,B,C\r\n"
				 "\"x,y\",\"say \"\"hi\"\"\",\"'=HYPERLINK(1)\"\r\n"
				 ",-,-12\r\n"
				 "\"'-cmd\",+1,\"'@x\"\r\n");
	free(out);
	table_release(&t);
}

static void test_suggest(void **state)
{
	static const char *const words[] = {"list", "apply", "audit", "retention", NULL};

	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("lsit", "list"), 1);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_string_equal(suggest_nearest("lst", words), "list");
	assert_string_equal(suggest_nearest("retension", words), "retention");
	assert_string_equal(suggest_nearest("AUDIT", words), "audit");
	assert_null(suggest_nearest("zzzzzz", words));
	assert_null(suggest_nearest("x", words));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_and_sorted),
		cmocka_unit_test(test_control_characters_hidden),
		cmocka_unit_test(test_csv_quoting_and_formulas),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
