/* Table and CSV rendering, colour included, and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
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

/* A table with a coloured cell in each row; color as given. */
static void fill_styled(struct table *t, int color)
{
	static const char *const headers[] = {"SEVERITY", "CODE", "REASON"};
	const char *r1[] = {"high", "NO_FLOW_LOG", "no flow log"};
	const char *r2[] = {"medium", "TRAFFIC_ACCEPT_ONLY", "only accepted traffic"};
	const char *r3[] = {"low", "RETENTION_UNSET", ""};

	table_init(t, headers, 3);
	table_set_style(t, table_add_row(t, r1), 0, TABLE_BOLD_RED);
	table_set_style(t, table_add_row(t, r2), 0, TABLE_YELLOW);
	table_set_style(t, table_add_row(t, r3), 2, TABLE_CYAN); /* empty: nothing to draw */
	t->color = color;
}

/* What the tables looked like before cells had styles. */
static const char plain_table[] = "SEVERITY  CODE                 REASON\n"
				  "high      NO_FLOW_LOG          no flow log\n"
				  "medium    TRAFFIC_ACCEPT_ONLY  only accepted traffic\n"
				  "low       RETENTION_UNSET      \n";

static void test_styles_without_colour_change_nothing(void **state)
{
	struct table t;
	char *out;

	fill_styled(&t, 0);
	out = render(&t, 0);
	assert_string_equal(out, plain_table);
	free(out);
	out = render(&t, 1);
	assert_null(strchr(out, '\033'));
	free(out);
	t.color = 1; /* CSV is for programs: never styled */
	out = render(&t, 1);
	assert_null(strchr(out, '\033'));
	free(out);
	table_release(&t);
}

static void test_colour_wraps_exactly_the_styled_cells(void **state)
{
	struct table t;
	char *out;

	fill_styled(&t, 1);
	out = render(&t, 0);
	assert_string_equal(out, "\033[1mSEVERITY\033[0m  \033[1mCODE\033[0m                 "
				 "\033[1mREASON\033[0m\n"
				 "\033[1;31mhigh\033[0m      NO_FLOW_LOG          no flow log\n"
				 "\033[33mmedium\033[0m    TRAFFIC_ACCEPT_ONLY  only accepted "
				 "traffic\n"
				 "low       RETENTION_UNSET      \n");
	free(out);
	table_release(&t);
}

/* Strips SGR sequences (ESC [ ... m). Caller frees. */
static char *strip_sgr(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && *s != 'm')
				s++;
			if (*s)
				s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static void test_widths_ignore_escapes(void **state)
{
	struct table t;
	char *out, *plain;

	fill_styled(&t, 1);
	out = render(&t, 0);
	plain = strip_sgr(out);
	assert_string_equal(plain, plain_table);
	free(plain);
	free(out);
	table_release(&t);
}

static void test_styles_follow_sorted_rows(void **state)
{
	static const char *const headers[] = {"NAME", "STATUS"};
	static const size_t by[] = {0};
	const char *b[] = {"b", "FAILED"};
	const char *a[] = {"a", "SUCCESS"};
	const char *c[] = {"c", "FAILED"};
	struct table t;
	char *out;

	table_init(&t, headers, 2);
	table_set_style(&t, table_add_row(&t, b), 1, TABLE_RED);
	table_add_row(&t, a);
	table_set_style(&t, table_add_row(&t, c), 1, TABLE_RED);
	table_set_style(&t, 7, 1, TABLE_RED); /* out of range: ignored */
	table_sort(&t, by, 1);
	t.color = 1;
	out = render(&t, 0);
	assert_string_equal(out, "\033[1mNAME\033[0m  \033[1mSTATUS\033[0m\n"
				 "a     SUCCESS\n"
				 "b     \033[31mFAILED\033[0m\n"
				 "c     \033[31mFAILED\033[0m\n");
	free(out);
	table_release(&t);
}

static void test_sort_is_stable(void **state)
{
	static const char *const headers[] = {"K", "V"};
	static const size_t by[] = {0};
	const char *rows[][2] = {{"x", "3"}, {"a", "1"}, {"x", "1"}, {"x", "2"}};
	struct table t;
	char *out;

	table_init(&t, headers, 2);
	for (size_t i = 0; i < 4; i++)
		table_add_row(&t, rows[i]);
	table_sort(&t, by, 1);
	out = render(&t, 0);
	assert_string_equal(out, "K  V\na  1\nx  3\nx  1\nx  2\n");
	free(out);
	table_release(&t);
}

/* One call per cell for printers that write rows themselves. */
static void test_add_cell(void **state)
{
	struct buf b = BUF_INIT;

	table_add_cell(&b, "ACCEPT", 8, TABLE_GREEN, 1);
	table_add_cell(&b, "REJECT", 8, TABLE_RED, 0);
	table_add_cell(&b, "bad\033", 0, TABLE_RED, 1);
	assert_string_equal(b.data, "\033[32mACCEPT\033[0m  REJECT  \033[31mbad?\033[0m");
	buf_release(&b);
	assert_string_equal(table_sgr(TABLE_PLAIN), "");
	assert_string_equal(table_sgr(TABLE_DIM), "\033[2m");
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
		cmocka_unit_test(test_styles_without_colour_change_nothing),
		cmocka_unit_test(test_colour_wraps_exactly_the_styled_cells),
		cmocka_unit_test(test_widths_ignore_escapes),
		cmocka_unit_test(test_styles_follow_sorted_rows),
		cmocka_unit_test(test_sort_is_stable),
		cmocka_unit_test(test_add_cell),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
