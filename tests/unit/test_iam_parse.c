/* The IAM and STS answer parsers on canned AWS answers
 * (tests/data/responses/iam, .../sts): URL-decoded policies, tags, credentials
 * with their expiry, and malformed answers that fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/creds.h"
#include "aws/error.h"
#include "aws/iam.h"
#include "aws/sts.h"
#include "aws/xml.h"

/* The bytes of tests/data/responses/path (owned). */
static char *slurp(const char *path_in_responses, size_t *len)
{
	char path[512];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/responses/%s", TEST_DATA_DIR, path_in_responses);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

static xmlDocPtr load(const char *name)
{
	struct aws_error err;
	size_t len;
	char *data = slurp(name, &len);
	xmlDocPtr doc;

	error_clear(&err);
	doc = xml_parse(data, len, "test", &err);
	assert_non_null(doc);
	free(data);
	return doc;
}

static void test_get_role_decodes_trust_policy(void **state)
{
	struct iam_role r;
	struct aws_error err;
	xmlDocPtr doc = load("iam/get_role.xml");
	char *want = slurp("iam/trust_decoded.json", NULL);

	error_clear(&err);
	assert_int_equal(iam_parse_role(&r, doc, "GetRole", &err), 0);
	assert_string_equal(r.arn,
	                    "arn:aws:iam::123456789012:role/service-role/vpc-flow-logs-delivery");
	assert_string_equal(r.role_name, "vpc-flow-logs-delivery");
	assert_string_equal(r.role_id, "AROADBQP57FF2AEXAMPLE");
	assert_string_equal(r.path, "/service-role/");
	assert_string_equal(r.description, "Delivers VPC flow logs");
	assert_string_equal(r.create_date, "2024-05-08T23:34:01Z");
	assert_int_equal(r.max_session_duration, 3600);
	assert_string_equal(r.assume_role_policy_document, want);
	assert_int_equal(r.tags.n, 1);
	assert_string_equal(tag_list_get(&r.tags, "managed-by"), "vpcflow");
	iam_role_release(&r);
	free(want);
	xmlFreeDoc(doc);
}

static void test_create_role_answer(void **state)
{
	struct iam_role r;
	struct aws_error err;
	xmlDocPtr doc = load("iam/create_role.xml");

	error_clear(&err);
	assert_int_equal(iam_parse_role(&r, doc, "GetRole", &err), ERR_PARSE);
	assert_int_equal(iam_parse_role(&r, doc, "CreateRole", &err), 0);
	assert_string_equal(r.role_name, "new-role");
	assert_null(r.description);
	assert_int_equal(r.tags.n, 0);
	iam_role_release(&r);
	xmlFreeDoc(doc);
}

static void test_role_policy_keeps_plus(void **state)
{
	struct aws_error err;
	xmlDocPtr doc = load("iam/get_role_policy.xml");
	char *want = slurp("iam/policy_decoded.json", NULL), *got;

	error_clear(&err);
	assert_int_equal(iam_parse_role_policy(&got, doc, &err), 0);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "a b+c"));
	free(got);
	free(want);
	xmlFreeDoc(doc);
}

static void test_malformed_roles(void **state)
{
	struct iam_role r;
	struct aws_error err;
	xmlDocPtr missing = load("iam/role_missing_arn.xml");
	xmlDocPtr empty = load("iam/role_without_result.xml");
	char *policy = (char *)"x";

	error_clear(&err);
	assert_int_equal(iam_parse_role(&r, missing, "GetRole", &err), ERR_PARSE);
	assert_string_equal(err.operation, "GetRole");
	assert_null(r.role_name); /* released on failure */
	error_clear(&err);
	assert_int_equal(iam_parse_role(&r, empty, "GetRole", &err), ERR_PARSE);
	assert_non_null(strstr(err.message, "GetRoleResult"));
	assert_int_equal(iam_parse_role_policy(&policy, empty, &err), ERR_PARSE);
	assert_null(policy);
	xmlFreeDoc(missing);
	xmlFreeDoc(empty);
}

static void test_caller_identity(void **state)
{
	struct sts_identity id;
	struct aws_error err;
	xmlDocPtr doc = load("sts/get_caller_identity.xml"), wrong = load("sts/assume_role.xml");

	error_clear(&err);
	assert_int_equal(sts_parse_caller_identity(&id, doc, &err), 0);
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/Alice");
	assert_string_equal(id.user_id, "AKIAI44QH8DHBEXAMPLE");
	sts_identity_release(&id);
	assert_int_equal(sts_parse_caller_identity(&id, wrong, &err), ERR_PARSE);
	xmlFreeDoc(doc);
	xmlFreeDoc(wrong);
}

static void test_assume_role_credentials(void **state)
{
	struct creds cr;
	struct aws_error err;
	xmlDocPtr doc = load("sts/assume_role.xml");
	xmlDocPtr web = load("sts/assume_role_with_web_identity.xml");

	error_clear(&err);
	assert_int_equal(sts_parse_credentials(&cr, doc, "AssumeRole", "assume-role", &err), 0);
	assert_string_equal(cr.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(cr.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_non_null(cr.session_token);
	assert_int_equal(cr.expires_ms, INT64_C(1573306481000));
	assert_string_equal(cr.source, "assume-role");
	creds_release(&cr);
	assert_int_equal(
	    sts_parse_credentials(&cr, web, "AssumeRoleWithWebIdentity", "web-identity", &err), 0);
	assert_string_equal(cr.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
	assert_int_equal(cr.expires_ms, INT64_C(1414191623123));
	creds_release(&cr);
	xmlFreeDoc(doc);
	xmlFreeDoc(web);
}

static void test_bad_credentials(void **state)
{
	struct creds cr;
	struct aws_error err;
	xmlDocPtr bad = load("sts/assume_role_bad_expiration.xml");
	xmlDocPtr no_token = load("sts/assume_role_no_token.xml");

	error_clear(&err);
	assert_int_equal(sts_parse_credentials(&cr, bad, "AssumeRole", "assume-role", &err),
	                 ERR_PARSE);
	assert_non_null(strstr(err.message, "next tuesday"));
	assert_null(cr.access_key_id);
	assert_int_equal(sts_parse_credentials(&cr, no_token, "AssumeRole", "assume-role", &err),
	                 ERR_PARSE);
	assert_int_equal(sts_parse_credentials(&cr, bad, "AssumeRoleWithWebIdentity", "x", &err),
	                 ERR_PARSE);
	xmlFreeDoc(bad);
	xmlFreeDoc(no_token);
}

static void test_parse_time(void **state)
{
	int64_t ms = 0;

	assert_int_equal(sts_parse_time(&ms, "1970-01-01T00:00:00Z"), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(sts_parse_time(&ms, "2024-02-29T12:30:05.5+00:00"), 0);
	assert_int_equal(ms, INT64_C(1709209805500));
	assert_int_equal(sts_parse_time(&ms, "2024-02-29T12:30:05+02:00"), 0);
	assert_int_equal(ms, INT64_C(1709209805000) - 2 * 3600 * 1000);
	assert_int_not_equal(sts_parse_time(&ms, "2023-02-29T00:00:00Z"), 0);
	assert_int_not_equal(sts_parse_time(&ms, "2024-13-01T00:00:00Z"), 0);
	assert_int_not_equal(sts_parse_time(&ms, "2024-01-01"), 0);
	assert_int_not_equal(sts_parse_time(&ms, ""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_role_decodes_trust_policy),
	    cmocka_unit_test(test_create_role_answer),
	    cmocka_unit_test(test_role_policy_keeps_plus),
	    cmocka_unit_test(test_malformed_roles),
	    cmocka_unit_test(test_caller_identity),
	    cmocka_unit_test(test_assume_role_credentials),
	    cmocka_unit_test(test_bad_credentials),
	    cmocka_unit_test(test_parse_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
