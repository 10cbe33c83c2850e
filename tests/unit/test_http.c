/* What the --debug wire log may show: redacted headers and bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/http.h"

static void expect_header(const char *name, const char *value, const char *want)
{
	struct buf b = BUF_INIT;

	http_redact_header(&b, name, value);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void test_redact_authorization(void **state)
{
	expect_header(
	    "Authorization",
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, Signature=<redacted>");
	expect_header("authorization", "Bearer eyJhbGciOi", "<redacted>");
	expect_header("AUTHORIZATION", "AWS4-HMAC-SHA256 Credential=A/x",
	              "AWS4-HMAC-SHA256 Credential=A/x");
}

static void test_redact_tokens(void **state)
{
	expect_header("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLE", "<redacted>");
	expect_header("x-aws-ec2-metadata-token", "AQAEAEXAMPLE", "<redacted>");
	expect_header("x-amz-sso_bearer_token", "abc", "<redacted>");
	expect_header("X-Client-Secret", "abc", "<redacted>");
	expect_header("Content-Type", "application/x-amz-json-1.1", "application/x-amz-json-1.1");
	expect_header("X-Amz-Target", "Logs_20140328.DescribeLogGroups",
	              "Logs_20140328.DescribeLogGroups");
}

static void expect_body(const char *body, const char *want)
{
	struct buf b = BUF_INIT;

	http_redact_body(&b, body, strlen(body));
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void test_redact_xml(void **state)
{
	expect_body("<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
	            "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>"
	            "<SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken>"
	            "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
	            "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
	            "<SecretAccessKey><redacted></SecretAccessKey>"
	            "<SessionToken><redacted></SessionToken>"
	            "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>");
	expect_body(
	    "<a:SecretAccessKey xmlns:a=\"x\">s3cr3t</a:SecretAccessKey><NextToken>n1</NextToken>",
	    "<a:SecretAccessKey xmlns:a=\"x\"><redacted></a:SecretAccessKey>"
	    "<NextToken>n1</NextToken>");
	/* Cut off in the middle of a secret: the rest is hidden too. */
	expect_body("<SessionToken>FwoGZXIv", "<SessionToken><redacted>");
}

static void test_redact_json(void **state)
{
	expect_body(
	    "{\"roleCredentials\":{\"accessKeyId\":\"ASIA\",\"secretAccessKey\":\"s\\\"e\","
	    "\"sessionToken\" : \"tok\",\"expiration\":1}}",
	    "{\"roleCredentials\":{\"accessKeyId\":\"ASIA\",\"secretAccessKey\":\"<redacted>\","
	    "\"sessionToken\" : \"<redacted>\",\"expiration\":1}}");
	expect_body("{\"Token\":\"imds\",\"NextToken\":\"page2\",\"ClientToken\":\"c\"}",
	            "{\"Token\":\"<redacted>\",\"NextToken\":\"page2\",\"ClientToken\":\"c\"}");
	expect_body("{\"SessionToken\": null}", "{\"SessionToken\": null}");
}

static void test_redact_form(void **state)
{
	expect_body(
	    "Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJhbGci.x.y&Version=2011-06-15",
	    "Action=AssumeRoleWithWebIdentity&WebIdentityToken=<redacted>&Version=2011-06-15");
	expect_body("WebIdentityToken=abc", "WebIdentityToken=<redacted>");
	expect_body("https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F2020&X-Amz-Signature=abcd"
	            "&X-Amz-Security-Token=tok",
	            "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F2020"
	            "&X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>");
	expect_body("Action=DescribeVpcs&Version=2016-11-15",
	            "Action=DescribeVpcs&Version=2016-11-15");
	expect_body("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_redact_authorization), cmocka_unit_test(test_redact_tokens),
	    cmocka_unit_test(test_redact_xml),           cmocka_unit_test(test_redact_json),
	    cmocka_unit_test(test_redact_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
