/* Percent-decoding: IAM's policy documents keep '+', S3's form-encoded keys
 * turn it into a space; a broken escape is kept as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/url.h"

/* Decodes a copy of in and compares it with want. */
static void expect_decoded(const char *in, enum url_plus plus, const char *want)
{
	char *s = strdup(in);

	assert_non_null(s);
	assert_ptr_equal(url_decode(s, plus), s);
	assert_string_equal(s, want);
	free(s);
}

static void test_policy_document(void **state)
{
	expect_decoded("%7B%22a%22%3A%20%22b+c%25%22%7D", URL_PLUS_KEEP, "{\"a\": \"b+c%\"}");
	expect_decoded("%7b%7D", URL_PLUS_KEEP, "{}");
}

static void test_form_plus_is_space(void **state)
{
	expect_decoded("AWSLogs/a+b%2Bc%20d", URL_PLUS_SPACE, "AWSLogs/a b+c d");
	expect_decoded("+++", URL_PLUS_SPACE, "   ");
	expect_decoded("+++", URL_PLUS_KEEP, "+++");
}

static void test_broken_escapes_stay(void **state)
{
	expect_decoded("%zz%4", URL_PLUS_KEEP, "%zz%4");
	expect_decoded("%", URL_PLUS_SPACE, "%");
	expect_decoded("50%", URL_PLUS_KEEP, "50%");
	expect_decoded("%4g%41", URL_PLUS_KEEP, "%4gA");
	expect_decoded("%%41", URL_PLUS_KEEP, "%A");
	expect_decoded("", URL_PLUS_SPACE, "");
}

static void test_bytes_and_nul(void **state)
{
	expect_decoded("caf%C3%A9", URL_PLUS_KEEP, "caf\xc3\xa9");
	/* "%00" ends the string: nothing after it is seen */
	expect_decoded("a%00b", URL_PLUS_KEEP, "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_document),
	    cmocka_unit_test(test_form_plus_is_space),
	    cmocka_unit_test(test_broken_escapes_stay),
	    cmocka_unit_test(test_bytes_and_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
