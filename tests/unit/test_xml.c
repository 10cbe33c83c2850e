/* XML reading (aws/xml.h) and the error bodies of the four protocols
 * (client_parse_error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xml.h"

static const char ec2_vpcs[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    "  <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>\n"
    "  <vpcSet>\n"
    "    <item><vpcId>vpc-0a</vpcId><cidrBlock>10.0.0.0/16</cidrBlock>"
    "<isDefault>false</isDefault></item>\n"
    "    <item><vpcId>vpc-0b</vpcId><cidrBlock>10.1.0.0/16</cidrBlock></item>\n"
    "    <other/>\n"
    "    <item><vpcId>vpc-0c</vpcId></item>\n"
    "  </vpcSet>\n"
    "</DescribeVpcsResponse>\n";

static void test_parse_namespaced(void **state)
{
	struct aws_error err;
	xmlDocPtr doc;
	xmlNodePtr root, item;
	char *s;
	char small[6];
	int n = 0;

	error_clear(&err);
	doc = xml_parse(ec2_vpcs, strlen(ec2_vpcs), "DescribeVpcs", &err);
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_true(xml_is(root, "DescribeVpcsResponse"));
	item = xml_path(root, "vpcSet", "item", NULL);
	assert_non_null(item);
	s = xml_child_text(item, "vpcId");
	assert_string_equal(s, "vpc-0a");
	free(s);
	for (; item; item = xml_next_same(item))
		n++;
	assert_int_equal(n, 3);
	xml_child_copy(small, sizeof(small), xml_path(root, "vpcSet", "item", NULL), "cidrBlock");
	assert_string_equal(small, "10.0.");
	xml_child_copy(small, sizeof(small), root, "missing");
	assert_string_equal(small, "");
	assert_null(xml_child_text(root, "missing"));
	assert_null(xml_text(NULL));
	assert_null(xml_path(root, "vpcSet", "nothing", "item", NULL));
	assert_null(xml_child(NULL, "x"));
	assert_null(xml_next_same(NULL));
	s = xml_text(xml_child(xml_child(root, "vpcSet"), "other"));
	assert_string_equal(s, "");
	free(s);
	xmlFreeDoc(doc);
}

static void test_entities_and_text(void **state)
{
	static const char body[] =
	    "<a><b>x &amp; y &lt;z&gt; &#65;</b><c><![CDATA[<raw>]]></c></a>";
	struct aws_error err;
	xmlDocPtr doc;
	char *s;

	error_clear(&err);
	doc = xml_parse(body, strlen(body), "Op", &err);
	assert_non_null(doc);
	s = xml_child_text(xmlDocGetRootElement(doc), "b");
	assert_string_equal(s, "x & y <z> A");
	free(s);
	s = xml_child_text(xmlDocGetRootElement(doc), "c");
	assert_string_equal(s, "<raw>");
	free(s);
	xmlFreeDoc(doc);
}

static void expect_parse_error(const char *body, size_t len)
{
	struct aws_error err;

	error_clear(&err);
	assert_null(xml_parse(body, len, "DescribeFlowLogs", &err));
	assert_int_equal(err.code, ERR_PARSE);
	assert_string_equal(err.operation, "DescribeFlowLogs");
	assert_true(strstr(err.message, "XML") != NULL);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
	    "<a><b></a>",       "<a>",
	    "not xml at all",   "<a></a><b></b>",
	    "<a x='1' x='2'/>", "<?xml version=\"1.0\"?>",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_parse_error(bad[i], strlen(bad[i]));
	expect_parse_error("", 0);
	expect_parse_error(NULL, 0);
	expect_parse_error("<a>\0</a>", 8);
}

static void test_dtd_refused(void **state)
{
	static const char laughs[] = "<?xml version=\"1.0\"?>\n"
	                             "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	                             "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
	                             "<lolz>&lol2;</lolz>";
	static const char external[] = "<?xml version=\"1.0\"?>\n"
	                               "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	                               "<r>&x;</r>";

	expect_parse_error(laughs, strlen(laughs));
	expect_parse_error(external, strlen(external));
}

/* Builds a response with the given status, body and "name: value" headers
 * (NULL-terminated pairs). */
static void make_response(struct http_response *r, long status, const char *body, ...)
{
	va_list ap;
	const char *name;

	http_response_init(r);
	r->status = status;
	if (body)
		buf_addstr(&r->body, body);
	va_start(ap, body);
	while ((name = va_arg(ap, const char *)) != NULL)
		headers_add(&r->headers, name, va_arg(ap, const char *));
	va_end(ap);
}

static void test_error_ec2(void **state)
{
	struct http_response r;
	struct aws_error err;

	make_response(&r, 503,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
	              "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
	              "</Error></Errors><RequestID>ea966190-f9aa-478e</RequestID></Response>",
	              NULL);
	error_clear(&err);
	assert_int_equal(client_parse_error(PROTO_EC2, &r, &err), ERR_SERVICE);
	assert_int_equal(err.code, ERR_SERVICE);
	assert_int_equal(err.http_status, 503);
	assert_string_equal(err.aws_code, "RequestLimitExceeded");
	assert_string_equal(err.message, "Request limit exceeded.");
	assert_string_equal(err.request_id, "ea966190-f9aa-478e");
	http_response_release(&r);
}

static void test_error_query(void **state)
{
	struct http_response r;
	struct aws_error err;

	make_response(&r, 403,
	              "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	              "  <Error>\n    <Type>Sender</Type>\n    <Code>SignatureDoesNotMatch</Code>\n"
	              "    <Message>The request signature we calculated does not match\n"
	              "      the signature you provided.</Message>\n  </Error>\n"
	              "  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
	              "</ErrorResponse>\n",
	              NULL);
	error_clear(&err);
	client_parse_error(PROTO_QUERY, &r, &err);
	assert_string_equal(err.aws_code, "SignatureDoesNotMatch");
	assert_string_equal(err.message, "The request signature we calculated does not match "
	                                 "the signature you provided.");
	assert_string_equal(err.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
	http_response_release(&r);
}

static void test_error_json(void **state)
{
	struct http_response r;
	struct aws_error err;

	make_response(&r, 400,
	              "{\"__type\":\"com.amazonaws.logs#ResourceNotFoundException\","
	              "\"message\":\"The specified log group does not exist.\"}",
	              "x-amzn-RequestId", "5b0b6b1c-0000", NULL);
	error_clear(&err);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "ResourceNotFoundException");
	assert_string_equal(err.message, "The specified log group does not exist.");
	assert_string_equal(err.request_id, "5b0b6b1c-0000");
	http_response_release(&r);

	make_response(&r, 400, "{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}",
	              NULL);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "ThrottlingException");
	assert_string_equal(err.message, "Rate exceeded");
	assert_string_equal(err.request_id, "");
	http_response_release(&r);

	/* The type in a header only, with its URI suffix. */
	make_response(&r, 400, "{}", "X-Amzn-ErrorType",
	              "AccessDeniedException:http://internal.amazon.com/coral/", NULL);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "AccessDeniedException");
	assert_string_equal(err.message, "HTTP 400");
	http_response_release(&r);
}

/* moto answers some JSON-protocol errors with an XML body. */
static void test_error_json_as_xml(void **state)
{
	struct http_response r;
	struct aws_error err;

	make_response(&r, 400,
	              "<ErrorResponse><Errors><Error><Code>AccessDenied</Code>"
	              "<Message>User: arn:aws:iam::123456789012:user/x is not authorized</Message>"
	              "</Error></Errors></ErrorResponse>",
	              "x-amzn-requestid", "req-9", NULL);
	error_clear(&err);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "AccessDenied");
	assert_string_equal(err.message,
	                    "User: arn:aws:iam::123456789012:user/x is not authorized");
	assert_string_equal(err.request_id, "req-9");
	http_response_release(&r);
}

static void test_error_rest_xml(void **state)
{
	struct http_response r;
	struct aws_error err;

	make_response(&r, 404,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
	              "<Message>The specified bucket does not exist</Message>"
	              "<BucketName>logs</BucketName><RequestId>4442587FB7D0A2F9</RequestId>"
	              "<HostId>abc=</HostId></Error>",
	              "x-amz-request-id", "FROM-HEADER", NULL);
	error_clear(&err);
	client_parse_error(PROTO_REST_XML, &r, &err);
	assert_string_equal(err.aws_code, "NoSuchBucket");
	assert_string_equal(err.request_id, "4442587FB7D0A2F9");
	http_response_release(&r);

	/* HEAD answers have no body: the code comes from the status. */
	make_response(&r, 404, NULL, "x-amz-request-id", "HEADREQ", NULL);
	client_parse_error(PROTO_REST_XML, &r, &err);
	assert_string_equal(err.aws_code, "NotFound");
	assert_string_equal(err.request_id, "HEADREQ");
	assert_non_null(strstr(err.message, "404"));
	http_response_release(&r);

	make_response(&r, 403, NULL, NULL);
	client_parse_error(PROTO_REST_XML, &r, &err);
	assert_string_equal(err.aws_code, "Forbidden");
	http_response_release(&r);

	make_response(&r, 301, "", "x-amz-bucket-region", "eu-west-1", NULL);
	client_parse_error(PROTO_REST_XML, &r, &err);
	assert_string_equal(err.aws_code, "PermanentRedirect");
	assert_int_equal(err.http_status, 301);
	http_response_release(&r);
}

static void test_error_unreadable(void **state)
{
	struct http_response r;
	struct aws_error err;
	struct buf line = BUF_INIT;

	make_response(&r, 502, "<html>\n<body>Bad\tGateway</body>\n</html>", NULL);
	error_clear(&err);
	assert_int_equal(client_parse_error(PROTO_EC2, &r, &err), ERR_SERVICE);
	/* A well-formed body without <Error>: the status speaks. */
	assert_string_equal(err.aws_code, "BadGateway");
	assert_non_null(strstr(err.message, "HTTP 502"));
	assert_non_null(strstr(err.message, "Bad Gateway"));
	assert_null(strchr(err.message, '\n'));
	http_response_release(&r);

	make_response(&r, 500, "<Response><Errors><Error><Code>Intern", NULL);
	client_parse_error(PROTO_EC2, &r, &err);
	assert_string_equal(err.aws_code, "InternalError");
	assert_non_null(strstr(err.message, "HTTP 500"));
	http_response_release(&r);

	make_response(&r, 418, "{\"__type\": 42, \"message\": [1]", NULL);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "Http418");
	error_format(&err, &line);
	assert_null(strchr(line.data, '\n'));
	buf_release(&line);
	http_response_release(&r);

	make_response(&r, 400, "{\"__type\":\"a#\",\"message\":\"\"}", NULL);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "BadRequest");
	http_response_release(&r);
}

/* Long or hostile values are cut to the error's fields and kept on one line. */
static void test_error_long_values(void **state)
{
	struct http_response r;
	struct aws_error err;
	struct buf body = BUF_INIT;

	buf_addstr(&body, "<Error><Code>");
	for (int i = 0; i < 500; i++)
		buf_addstr(&body, "Code");
	buf_addstr(&body, "</Code><Message>");
	for (int i = 0; i < 500; i++)
		buf_addstr(&body, "line\r\n\t");
	buf_addstr(&body, "</Message></Error>");
	make_response(&r, 400, body.data, NULL);
	error_clear(&err);
	client_parse_error(PROTO_REST_XML, &r, &err);
	assert_int_equal(strlen(err.aws_code), sizeof(err.aws_code) - 1);
	assert_true(strlen(err.message) < sizeof(err.message));
	assert_null(strchr(err.message, '\n'));
	assert_null(strchr(err.message, '\r'));
	buf_release(&body);
	http_response_release(&r);

	make_response(&r, 400, "{\"__type\":\"Bad\\u0001Code\",\"message\":\"a\\u0001\\nb\"}",
	              NULL);
	client_parse_error(PROTO_JSON, &r, &err);
	assert_string_equal(err.aws_code, "Bad Code");
	assert_string_equal(err.message, "a b");
	http_response_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_namespaced),  cmocka_unit_test(test_entities_and_text),
	    cmocka_unit_test(test_malformed),         cmocka_unit_test(test_dtd_refused),
	    cmocka_unit_test(test_error_ec2),         cmocka_unit_test(test_error_query),
	    cmocka_unit_test(test_error_json),        cmocka_unit_test(test_error_json_as_xml),
	    cmocka_unit_test(test_error_rest_xml),    cmocka_unit_test(test_error_unreadable),
	    cmocka_unit_test(test_error_long_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
