/* Percent-decoding: IAM's policy documents keep '+', S3's form-encoded keys
 * turn it into a space; a broken escape is kept as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
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

/* Appends the len bytes of in decoded to a buffer holding "pre:" and checks
 * the whole buffer, NULs included. */
static void expect_appended(const char *in, size_t len, enum url_plus plus, const char *want,
                            size_t want_len)
{
	struct buf b = BUF_INIT;

	buf_addstr(&b, "pre:");
	assert_int_equal(url_decode_append(&b, in, len, plus), 0);
	assert_int_equal(b.len, 4 + want_len);
	assert_memory_equal(b.data, "pre:", 4);
	assert_memory_equal(b.data + 4, want, want_len);
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
}

/* The length-bounded form SigV4 decodes query parts with: the same rules, but
 * "%00" is a byte, and nothing past len is read. */
static void test_append_bounded(void **state)
{
	struct buf capped;

	expect_appended("%7B%22a%22%3A%20%22b+c%25%22%7D", 31, URL_PLUS_KEEP, "{\"a\": \"b+c%\"}",
	                13);
	expect_appended("a+b%2Bc", 7, URL_PLUS_SPACE, "a b+c", 5);
	expect_appended("a+b%2Bc", 7, URL_PLUS_KEEP, "a+b+c", 5);
	expect_appended("a%00b", 5, URL_PLUS_KEEP, "a\0b", 3);
	expect_appended("%zz%4g%%41", 10, URL_PLUS_KEEP, "%zz%4g%A", 8);
	/* An escape cut by the length stays as it is. */
	expect_appended("%41", 2, URL_PLUS_KEEP, "%4", 2);
	expect_appended("x%4142", 3, URL_PLUS_KEEP, "x%4", 3);
	expect_appended("%41&b", 3, URL_PLUS_KEEP, "A", 1);
	expect_appended("ignored", 0, URL_PLUS_KEEP, "", 0);
	/* A capped buffer takes nothing unless it can hold the text undecoded. */
	buf_init(&capped, 3);
	assert_int_equal(url_decode_append(&capped, "%41%42%43", 9, URL_PLUS_KEEP), -1);
	assert_int_equal(capped.len, 0);
	assert_int_equal(url_decode_append(&capped, "a%42", 3, URL_PLUS_KEEP), 0);
	assert_string_equal(capped.data, "a%4");
	buf_release(&capped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_document),     cmocka_unit_test(test_form_plus_is_space),
	    cmocka_unit_test(test_broken_escapes_stay), cmocka_unit_test(test_bytes_and_nul),
	    cmocka_unit_test(test_append_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
