/* The parsers added for apply and audit: Firehose's DescribeDeliveryStream
 * and ListDeliveryStreams, and S3's GetBucketTagging answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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
	/* Members that are not strings read as absent. */
	json_t *odd = json_loads("{\"DeliveryStreamDescription\": {\"DeliveryStreamName\": "
	                         "\"flows\", \"DeliveryStreamARN\": 7, "
	                         "\"DeliveryStreamStatus\": null}}",
	                         0, NULL);
	json_t *no_status = json_loads("{\"DeliveryStreamDescription\": {\"DeliveryStreamName\": "
	                               "\"f\", \"DeliveryStreamARN\": \"a\", "
	                               "\"DeliveryStreamStatus\": [\"ACTIVE\"]}}",
	                               0, NULL);
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
	assert_int_equal(firehose_parse_stream(&s, odd, &err), ERR_PARSE);
	assert_null(s.name);
	assert_int_equal(firehose_parse_stream(&s, no_status, &err), 0);
	assert_string_equal(s.name, "f");
	assert_string_equal(s.arn, "a");
	assert_null(s.status);
	firehose_stream_release(&s);
	json_decref(answer);
	json_decref(no_arn);
	json_decref(empty);
	json_decref(odd);
	json_decref(no_status);
}

static void test_stream_names(void **state)
{
	json_t *more = json_loads("{\"DeliveryStreamNames\": [\"a\", \"b\"], "
	                          "\"HasMoreDeliveryStreams\": true}",
	                          0, NULL);
	json_t *last = json_loads("{\"DeliveryStreamNames\": [\"c\"], "
	                          "\"HasMoreDeliveryStreams\": false}",
	                          0, NULL);
	json_t *none = json_loads("{\"DeliveryStreamNames\": [], \"HasMoreDeliveryStreams\": "
	                          "false}",
	                          0, NULL);
	json_t *stuck = json_loads("{\"DeliveryStreamNames\": [], \"HasMoreDeliveryStreams\": "
	                           "true}",
	                           0, NULL);
	json_t *empty = json_object();
	struct strlist names = STRLIST_INIT;
	struct aws_error err;
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(firehose_parse_stream_names(&names, more, &next, &err), 0);
	assert_string_equal(next, "b");
	free(next);
	assert_int_equal(firehose_parse_stream_names(&names, last, &next, &err), 0);
	assert_null(next);
	assert_int_equal(names.n, 3);
	assert_string_equal(names.v[0], "a");
	assert_string_equal(names.v[2], "c");
	assert_int_equal(firehose_parse_stream_names(&names, none, &next, &err), 0);
	assert_null(next);
	assert_int_equal(names.n, 3);
	assert_int_equal(firehose_parse_stream_names(&names, stuck, &next, &err), ERR_PARSE);
	assert_null(next);
	assert_int_equal(firehose_parse_stream_names(&names, empty, &next, &err), ERR_PARSE);
	assert_string_equal(err.operation, "ListDeliveryStreams");
	strlist_release(&names);
	json_decref(more);
	json_decref(last);
	json_decref(none);
	json_decref(stuck);
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
	    cmocka_unit_test(test_stream_names),
	    cmocka_unit_test(test_bucket_tagging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
