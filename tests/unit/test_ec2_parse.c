/* The EC2 answer parsers on canned AWS answers (tests/data/responses/ec2):
 * every field, pages that accumulate, and malformed answers that fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/xml.h"

/* Parses tests/data/responses/ec2/name; fails the test if it cannot. */
static xmlDocPtr load(const char *name)
{
	char path[512];
	struct buf b = BUF_INIT;
	struct aws_error err;
	char chunk[4096];
	size_t n;
	FILE *f;
	xmlDocPtr doc;

	snprintf(path, sizeof(path), "%s/responses/ec2/%s", TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	error_clear(&err);
	doc = xml_parse(b.data, b.len, "test", &err);
	assert_non_null(doc);
	buf_release(&b);
	return doc;
}

static void test_flow_logs_pages_accumulate(void **state)
{
	struct ec2_flow_log_list l = {0};
	struct aws_error err;
	xmlDocPtr p1 = load("describe_flow_logs_page1.xml"),
	          p2 = load("describe_flow_logs_page2.xml");
	char *next = NULL;
	const struct ec2_flow_log *f;

	error_clear(&err);
	assert_int_equal(ec2_parse_flow_logs(&l, p1, &next, &err), 0);
	assert_string_equal(next, "eyJ2IjoiMiIsImMiOiJwYWdlMiJ9");
	free(next);
	assert_int_equal(ec2_parse_flow_logs(&l, p2, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 3);

	f = &l.v[0];
	assert_string_equal(f->flow_log_id, "fl-0a1b2c3d4e5f60001");
	assert_string_equal(f->resource_id, "vpc-0a1b2c3d4e5f60001");
	assert_string_equal(f->traffic_type, "ALL");
	assert_string_equal(f->log_destination_type, "cloud-watch-logs");
	assert_string_equal(f->log_destination, "arn:aws:logs:us-east-1:123456789012:log-group:"
	                                        "/aws/vpc-flow-logs/vpc-0a1b2c3d4e5f60001");
	assert_string_equal(f->log_group_name, "/aws/vpc-flow-logs/vpc-0a1b2c3d4e5f60001");
	assert_string_equal(f->deliver_logs_status, "FAILED");
	assert_string_equal(f->deliver_logs_error_message, "Access error");
	assert_string_equal(f->deliver_logs_permission_arn,
	                    "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery");
	assert_string_equal(f->flow_log_status, "ACTIVE");
	assert_string_equal(f->creation_time, "2024-01-23T19:47:49.000Z");
	assert_string_equal(f->log_format, "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} "
	                                   "${dstport} ${instance-id}");
	assert_int_equal(f->max_aggregation_interval, 600);
	assert_null(f->deliver_cross_account_role);
	assert_null(f->file_format);
	assert_int_equal(f->tags.n, 2);
	assert_string_equal(tag_list_get(&f->tags, "managed-by"), "vpcflow");
	assert_string_equal(tag_list_get(&f->tags, "team"), "net & sec");

	f = &l.v[1];
	assert_string_equal(f->log_destination_type, "s3");
	assert_string_equal(f->log_destination, "arn:aws:s3:::flow-bucket/prefix/");
	assert_null(f->log_group_name);
	assert_null(f->deliver_logs_error_message);
	assert_string_equal(f->file_format, "parquet");
	assert_int_equal(f->hive_compatible_partitions, 1);
	assert_int_equal(f->per_hour_partition, 0);
	assert_int_equal(f->max_aggregation_interval, 60);
	assert_int_equal(f->tags.n, 0);

	f = &l.v[2];
	assert_string_equal(f->resource_id, "tgw-0a1b2c3d4e5f60003");
	assert_null(f->traffic_type);
	assert_string_equal(f->deliver_cross_account_role, "arn:aws:iam::210987654321:role/cross");
	ec2_flow_log_list_release(&l);
	assert_int_equal(l.n, 0);
	xmlFreeDoc(p1);
	xmlFreeDoc(p2);
}

static void test_flow_logs_empty_page_has_no_token(void **state)
{
	struct ec2_flow_log_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_flow_logs_empty.xml");
	char *next = (char *)"junk";

	error_clear(&err);
	assert_int_equal(ec2_parse_flow_logs(&l, doc, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 0);
	xmlFreeDoc(doc);
}

static void test_flow_log_without_id_is_parse_error(void **state)
{
	struct ec2_flow_log_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_flow_logs_missing_id.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_flow_logs(&l, doc, &next, &err), ERR_PARSE);
	assert_int_equal(err.code, ERR_PARSE);
	assert_string_equal(err.operation, "DescribeFlowLogs");
	assert_non_null(strstr(err.message, "flowLogId"));
	assert_null(next);
	ec2_flow_log_list_release(&l);
	xmlFreeDoc(doc);
}

static void test_flow_log_bad_number_is_parse_error(void **state)
{
	struct ec2_flow_log_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_flow_logs_bad_interval.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_flow_logs(&l, doc, &next, &err), ERR_PARSE);
	assert_non_null(strstr(err.message, "maxAggregationInterval"));
	ec2_flow_log_list_release(&l);
	xmlFreeDoc(doc);
}

static void test_wrong_answer_is_parse_error(void **state)
{
	struct ec2_flow_log_list l = {0};
	struct ec2_subnet_list s = {0};
	struct aws_error err;
	xmlDocPtr doc = load("wrong_root.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_flow_logs(&l, doc, &next, &err), ERR_PARSE);
	assert_non_null(strstr(err.message, "DescribeFlowLogsResponse"));
	assert_int_equal(ec2_parse_subnets(&s, doc, &next, &err), ERR_PARSE);
	assert_int_equal(ec2_parse_flow_logs(&l, NULL, &next, &err), ERR_PARSE);
	assert_int_equal(l.n + s.n, 0);
	xmlFreeDoc(doc);
}

static void test_regions(void **state)
{
	struct ec2_region_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_regions.xml");

	error_clear(&err);
	assert_int_equal(ec2_parse_regions(&l, doc, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].region_name, "us-east-1");
	assert_string_equal(l.v[0].endpoint, "ec2.us-east-1.amazonaws.com");
	assert_string_equal(l.v[2].opt_in_status, "opted-in");
	ec2_region_list_release(&l);
	xmlFreeDoc(doc);
}

static void test_vpc_pages(void **state)
{
	struct ec2_vpc_list l = {0};
	struct aws_error err;
	xmlDocPtr p1 = load("describe_vpcs_page1.xml"), p2 = load("describe_vpcs_page2.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_vpcs(&l, p1, &next, &err), 0);
	assert_string_equal(next, "vpc-page-2");
	free(next);
	assert_int_equal(ec2_parse_vpcs(&l, p2, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].vpc_id, "vpc-0a60eb65b4EXAMPLE");
	assert_string_equal(l.v[0].owner_id, "123456789012");
	assert_string_equal(l.v[0].cidr_block, "10.0.0.0/16");
	assert_string_equal(l.v[0].state, "available");
	assert_false(l.v[0].is_default);
	assert_string_equal(tag_list_get(&l.v[0].tags, "Name"), "prod");
	assert_true(l.v[1].is_default);
	assert_string_equal(l.v[1].owner_id, "210987654321");
	ec2_vpc_list_release(&l);
	xmlFreeDoc(p1);
	xmlFreeDoc(p2);
}

static void test_subnets(void **state)
{
	struct ec2_subnet_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_subnets.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_subnets(&l, doc, &next, &err), 0);
	assert_null(next);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].subnet_id, "subnet-9d4a7b6c");
	assert_string_equal(l.v[0].vpc_id, "vpc-1a2b3c4d");
	assert_string_equal(l.v[0].owner_id, "123456789012");
	assert_string_equal(l.v[0].availability_zone, "us-east-1a");
	assert_string_equal(l.v[0].cidr_block, "10.0.1.0/24");
	assert_string_equal(tag_list_get(&l.v[0].tags, "Name"), "private-a");
	assert_int_equal(l.v[1].tags.n, 0);
	ec2_subnet_list_release(&l);
	xmlFreeDoc(doc);
}

static void test_network_interfaces(void **state)
{
	struct ec2_eni_list l = {0};
	struct aws_error err;
	xmlDocPtr doc = load("describe_network_interfaces.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_enis(&l, doc, &next, &err), 0);
	assert_string_equal(next, "eni-page-2");
	free(next);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].network_interface_id, "eni-0f782d73c3EXAMPLE");
	assert_string_equal(l.v[0].vpc_id, "vpc-0e5f9b6c25EXAMPLE");
	assert_string_equal(l.v[0].subnet_id, "subnet-0d2d41dd8bEXAMPLE");
	assert_string_equal(l.v[0].owner_id, "123456789012");
	assert_string_equal(l.v[0].interface_type, "interface");
	assert_string_equal(l.v[0].description, "Primary network interface");
	/* The attachment's <status> must not be taken for the interface's. */
	assert_string_equal(l.v[0].status, "in-use");
	assert_null(l.v[1].description);
	assert_string_equal(l.v[1].interface_type, "nat_gateway");
	ec2_eni_list_release(&l);
	xmlFreeDoc(doc);
}

static void test_transit_gateways(void **state)
{
	struct ec2_tgw_list t = {0};
	struct ec2_tgw_attachment_list a = {0};
	struct aws_error err;
	xmlDocPtr d1 = load("describe_transit_gateways.xml");
	xmlDocPtr d2 = load("describe_transit_gateway_attachments.xml");
	char *next = NULL;

	error_clear(&err);
	assert_int_equal(ec2_parse_tgws(&t, d1, &next, &err), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0].transit_gateway_id, "tgw-0262a0e521EXAMPLE");
	assert_string_equal(t.v[0].owner_id, "123456789012");
	assert_string_equal(t.v[0].state, "available");
	assert_string_equal(tag_list_get(&t.v[0].tags, "Name"), "hub");
	assert_int_equal(ec2_parse_tgw_attachments(&a, d2, &next, &err), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.v[0].transit_gateway_attachment_id, "tgw-attach-0b5968d3b6EXAMPLE");
	assert_string_equal(a.v[0].transit_gateway_id, "tgw-02f776b1a7EXAMPLE");
	assert_string_equal(a.v[0].resource_type, "vpc");
	assert_string_equal(a.v[0].resource_id, "vpc-0065acced4EXAMPLE");
	assert_string_equal(a.v[0].resource_owner_id, "111122223333");
	/* The association's <state> must not be taken for the attachment's. */
	assert_string_equal(a.v[0].state, "available");
	ec2_tgw_list_release(&t);
	ec2_tgw_attachment_list_release(&a);
	xmlFreeDoc(d1);
	xmlFreeDoc(d2);
}

static void test_create_flow_logs_partial(void **state)
{
	struct ec2_create_flow_logs_result r = {0};
	struct aws_error err;
	xmlDocPtr doc = load("create_flow_logs_partial.xml");

	error_clear(&err);
	assert_int_equal(ec2_parse_create_flow_logs(&r, doc, &err), 0);
	assert_string_equal(r.client_token, "vpcflow-7f1c2d");
	assert_int_equal(r.flow_log_ids.n, 1);
	assert_string_equal(r.flow_log_ids.v[0], "fl-1a2b3c4d");
	assert_int_equal(r.unsuccessful.n, 2);
	assert_string_equal(r.unsuccessful.v[0].resource_id, "vpc-deadbeef");
	assert_string_equal(r.unsuccessful.v[0].code, "InvalidVpcID.NotFound");
	assert_string_equal(r.unsuccessful.v[0].message,
	                    "The vpc ID 'vpc-deadbeef' does not exist");
	assert_string_equal(r.unsuccessful.v[1].code, "FlowLogAlreadyExists");
	ec2_create_flow_logs_result_release(&r);
	assert_null(r.client_token);
	xmlFreeDoc(doc);
}

static void test_delete_flow_logs(void **state)
{
	struct ec2_unsuccessful_list u = {0};
	struct aws_error err;
	xmlDocPtr doc = load("delete_flow_logs.xml"), other = load("create_flow_logs_partial.xml");

	error_clear(&err);
	assert_int_equal(ec2_parse_delete_flow_logs(&u, doc, &err), 0);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.v[0].resource_id, "fl-11111111");
	assert_string_equal(u.v[0].code, "InvalidFlowLogId.NotFound");
	assert_int_equal(ec2_parse_delete_flow_logs(&u, other, &err), ERR_PARSE);
	ec2_unsuccessful_list_release(&u);
	xmlFreeDoc(doc);
	xmlFreeDoc(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flow_logs_pages_accumulate),
	    cmocka_unit_test(test_flow_logs_empty_page_has_no_token),
	    cmocka_unit_test(test_flow_log_without_id_is_parse_error),
	    cmocka_unit_test(test_flow_log_bad_number_is_parse_error),
	    cmocka_unit_test(test_wrong_answer_is_parse_error),
	    cmocka_unit_test(test_regions),
	    cmocka_unit_test(test_vpc_pages),
	    cmocka_unit_test(test_subnets),
	    cmocka_unit_test(test_network_interfaces),
	    cmocka_unit_test(test_transit_gateways),
	    cmocka_unit_test(test_create_flow_logs_partial),
	    cmocka_unit_test(test_delete_flow_logs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
