/* The parsers added for apply: Firehose's DescribeDeliveryStream and S3's
 * GetBucketTagging answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/error.h"
#include "aws/firehose.h"
#include "aws/s3.h"

static void test_stream(void **state)
{
	json_t *answer =
	    json_loads("{\"DeliveryStreamDescription\": {\"DeliveryStreamName\": \"flows\", "
	               "\"DeliveryStreamARN\": "
	               "\"arn:aws:firehose:us-east-1:123456789012:deliverystream/flows\","
	               " \"DeliveryStreamStatus\": \"ACTIVE\"}}",
	               0, NULL);
	json_t *no_arn = json_loads("{\"DeliveryStreamDescription\": {\"DeliveryStreamName\": "
	                            "\"flows\"}}",
	                            0, NULL);
	json_t *empty = json_object();
	struct firehose_stream s;
	struct aws_error err;

	error_clear(&err);
	assert_int_equal(firehose_parse_stream(&s, answer, &err), 0);
	assert_string_equal(s.name, "flows");
	assert_string_equal(s.arn, "arn:aws:firehose:us-east-1:123456789012:deliverystream/flows");
	assert_string_equal(s.status, "ACTIVE");
	firehose_stream_release(&s);
	assert_int_equal(firehose_parse_stream(&s, no_arn, &err), ERR_PARSE);
	assert_null(s.name);
	assert_int_equal(firehose_parse_stream(&s, empty, &err), ERR_PARSE);
	assert_string_equal(err.operation, "DescribeDeliveryStream");
	json_decref(answer);
	json_decref(no_arn);
	json_decref(empty);
}

static void test_bucket_tagging(void **state)
{
	static const char ok[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Tagging "
	    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>vpcflow:managed</"
	    "Key><Value>true</Value></Tag><Tag><Key>team</Key><Value></Value></Tag></TagSet>"
	    "</Tagging>";
	static const char wrong[] = "<Other/>";
	struct tag_list tags = TAG_LIST_INIT;
	struct aws_error err;

	error_clear(&err);
	assert_int_equal(s3_parse_tagging(&tags, ok, strlen(ok), &err), 0);
	assert_int_equal(tags.n, 2);
	assert_string_equal(tag_list_get(&tags, "vpcflow:managed"), "true");
	assert_string_equal(tag_list_get(&tags, "team"), "");
	tag_list_release(&tags);
	assert_int_equal(s3_parse_tagging(&tags, wrong, strlen(wrong), &err), ERR_PARSE);
	assert_int_equal(s3_parse_tagging(&tags, "<a", 2, &err), ERR_PARSE);
	assert_int_equal(tags.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_bucket_tagging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
