/* The S3 answer parsers and request bodies on canned answers
 * (tests/data/responses/s3): bucket location, lifecycle rules kept whole
 * through a merge, listing pages with URL-encoded keys, and malformed answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/s3.h"

/* The bytes of tests/data/responses/s3/name, in b. */
static void load(struct buf *b, const char *name)
{
	char path[512];
	char chunk[4096];
	size_t n;
	FILE *f;

	buf_reset(b);
	snprintf(path, sizeof(path), "%s/responses/s3/%s", TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
}

static void test_location(void **state)
{
	struct buf b = BUF_INIT;
	struct aws_error err;
	char *region;

	error_clear(&err);
	load(&b, "location_us_east_1.xml");
	assert_int_equal(s3_parse_location(&region, b.data, b.len, &err), 0);
	assert_string_equal(region, "us-east-1");
	free(region);
	load(&b, "location_eu.xml");
	assert_int_equal(s3_parse_location(&region, b.data, b.len, &err), 0);
	assert_string_equal(region, "eu-west-1");
	free(region);
	load(&b, "location_eu_central_1.xml");
	assert_int_equal(s3_parse_location(&region, b.data, b.len, &err), 0);
	assert_string_equal(region, "eu-central-1");
	free(region);
	load(&b, "error_no_such_bucket.xml");
	assert_int_equal(s3_parse_location(&region, b.data, b.len, &err), ERR_PARSE);
	assert_null(region);
	load(&b, "not_xml.txt");
	assert_int_equal(s3_parse_location(&region, b.data, b.len, &err), ERR_PARSE);
	buf_release(&b);
}

static void test_lifecycle_fields(void **state)
{
	struct buf b = BUF_INIT;
	struct s3_lifecycle lc = {0};
	struct aws_error err;

	error_clear(&err);
	load(&b, "lifecycle_mixed.xml");
	assert_int_equal(s3_parse_lifecycle(&lc, b.data, b.len, &err), 0);
	assert_int_equal(lc.n, 4);
	assert_string_equal(lc.v[0].id, "archive-then-expire");
	assert_string_equal(lc.v[0].prefix, "logs/");
	assert_string_equal(lc.v[0].status, "Enabled");
	assert_int_equal(lc.v[0].expiration_days, 365);
	assert_string_equal(lc.v[1].status, "Disabled");
	assert_null(lc.v[1].prefix);
	assert_int_equal(lc.v[1].expiration_days, 0);
	assert_string_equal(lc.v[2].prefix, "tmp/");  /* legacy <Prefix> */
	assert_int_equal(lc.v[2].expiration_days, 0); /* expires by date */
	assert_null(lc.v[3].id);
	assert_string_equal(lc.v[3].prefix, "AWSLogs/123456789012/vpcflowlogs/");
	assert_int_equal(lc.v[3].expiration_days, 90);
	assert_non_null(s3_lifecycle_find(&lc, "legacy"));
	assert_null(s3_lifecycle_find(&lc, "nope"));
	s3_lifecycle_release(&lc);
	buf_release(&b);
}

/* Merging one rule keeps every other rule whole, in meaning. */
static void test_lifecycle_merge_round_trip(void **state)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	struct s3_lifecycle lc = {0}, again = {0};
	struct aws_error err;

	error_clear(&err);
	load(&b, "lifecycle_mixed.xml");
	assert_int_equal(s3_parse_lifecycle(&lc, b.data, b.len, &err), 0);
	s3_lifecycle_set_rule(&lc, "vpcflow-expiration", "AWSLogs/", 30);
	s3_lifecycle_set_rule(&lc, "legacy", "tmp2/", 5); /* replaces the rule called legacy */
	assert_int_equal(lc.n, 5);
	s3_lifecycle_to_xml(&out, &lc);
	assert_int_equal(s3_parse_lifecycle(&again, out.data, out.len, &err), 0);
	assert_int_equal(again.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_true((lc.v[i].id == NULL) == (again.v[i].id == NULL));
		if (lc.v[i].id)
			assert_string_equal(lc.v[i].id, again.v[i].id);
		assert_string_equal(lc.v[i].status, again.v[i].status);
		assert_int_equal(lc.v[i].expiration_days, again.v[i].expiration_days);
		if (lc.v[i].raw_xml)
			assert_string_equal(lc.v[i].raw_xml, again.v[i].raw_xml);
	}
	/* What is not modelled survives: transitions, tag filters, sizes, aborts. */
	assert_non_null(strstr(out.data, "<StorageClass>GLACIER</StorageClass>"));
	assert_non_null(strstr(out.data, "<Value>cold &amp; old</Value>"));
	assert_non_null(strstr(out.data, "<ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan>"));
	assert_non_null(strstr(out.data, "<NoncurrentDays>30</NoncurrentDays>"));
	assert_non_null(strstr(out.data, "<DaysAfterInitiation>7</DaysAfterInitiation>"));
	assert_null(strstr(out.data, "tmp/<"));
	assert_string_equal(again.v[2].prefix, "tmp2/");
	assert_int_equal(again.v[2].expiration_days, 5);
	assert_string_equal(again.v[4].id, "vpcflow-expiration");
	assert_string_equal(again.v[4].prefix, "AWSLogs/");
	assert_int_equal(again.v[4].expiration_days, 30);
	assert_true(s3_lifecycle_remove_rule(&again, "vpcflow-expiration"));
	assert_false(s3_lifecycle_remove_rule(&again, "vpcflow-expiration"));
	assert_int_equal(again.n, 4);
	s3_lifecycle_release(&lc);
	s3_lifecycle_release(&again);
	buf_release(&b);
	buf_release(&out);
}

static void test_lifecycle_malformed(void **state)
{
	static const char *const cases[] = {"lifecycle_no_status.xml", "lifecycle_bad_days.xml",
	                                    "error_no_such_bucket.xml", "not_xml.txt"};
	struct buf b = BUF_INIT;
	struct aws_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct s3_lifecycle lc = {0};

		error_clear(&err);
		load(&b, cases[i]);
		assert_int_equal(s3_parse_lifecycle(&lc, b.data, b.len, &err), ERR_PARSE);
		assert_string_equal(err.operation, "GetBucketLifecycleConfiguration");
		s3_lifecycle_release(&lc);
	}
	buf_release(&b);
}

static void test_list_objects_pages(void **state)
{
	struct buf b = BUF_INIT;
	struct s3_object_list l = {0};
	struct aws_error err;
	char *next = NULL;

	error_clear(&err);
	load(&b, "list_objects_page1.xml");
	assert_int_equal(s3_parse_list_objects(&l, b.data, b.len, &next, &err), 0);
	assert_string_equal(next, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
	free(next);
	load(&b, "list_objects_page2.xml");
	assert_int_equal(s3_parse_list_objects(&l, b.data, b.len, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 3);
	/* encoding-type=url: '+' is a space, %XX a byte */
	assert_string_equal(l.v[0].key,
	                    "AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/23/a b%c.log.gz");
	assert_int_equal(l.v[0].size, 434234);
	assert_string_equal(l.v[0].etag, "\"70ee1738b6b21e2c8a43f3a5ab0eee71\"");
	assert_string_equal(l.v[0].last_modified, "2024-01-23T19:50:00.000Z");
	assert_int_equal(l.v[1].size, 0);
	/* page 2 does not say EncodingType url: keys are taken as they are */
	assert_string_equal(l.v[2].key, "AWSLogs/last%20one.log");
	assert_null(l.v[2].etag);
	assert_int_equal(l.common_prefixes.n, 2);
	assert_string_equal(l.common_prefixes.v[0], "AWSLogs/123456789012/");
	assert_string_equal(l.common_prefixes.v[1], "AWSLogs/999/");
	s3_object_list_release(&l);
	buf_release(&b);
}

static void test_list_objects_malformed(void **state)
{
	static const char *const cases[] = {"list_objects_truncated_no_token.xml",
	                                    "list_objects_bad_size.xml", "lifecycle_mixed.xml",
	                                    "not_xml.txt"};
	struct buf b = BUF_INIT;
	struct aws_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct s3_object_list l = {0};
		char *next = (char *)"junk";

		error_clear(&err);
		load(&b, cases[i]);
		assert_int_equal(s3_parse_list_objects(&l, b.data, b.len, &next, &err), ERR_PARSE);
		assert_null(next);
		assert_string_equal(err.operation, "ListObjectsV2");
		s3_object_list_release(&l);
	}
	buf_release(&b);
}

static void test_encoding(void **state)
{
	struct buf b = BUF_INIT;

	s3_uri_encode(&b, "AWSLogs/a b+c~d_e.f-%/é", 1);
	assert_string_equal(b.data, "AWSLogs/a%20b%2Bc~d_e.f-%25/%C3%A9");
	buf_reset(&b);
	s3_uri_encode(&b, "a/b=c&d", 0);
	assert_string_equal(b.data, "a%2Fb%3Dc%26d");
	buf_reset(&b);
	s3_xml_escape(&b, "<a href=\"x\">&'</a>");
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_location),
	    cmocka_unit_test(test_lifecycle_fields),
	    cmocka_unit_test(test_lifecycle_merge_round_trip),
	    cmocka_unit_test(test_lifecycle_malformed),
	    cmocka_unit_test(test_list_objects_pages),
	    cmocka_unit_test(test_list_objects_malformed),
	    cmocka_unit_test(test_encoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
