/* Endpoint resolution: the service table, partitions, global services, S3
 * addressing and the endpoint URL overrides with their precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/endpoint.h"
#include "aws/env.h"
#include "aws/error.h"

static const char *const no_vars[] = {NULL};

/* Resolves with the given variables; returns the result code. */
static int resolve(struct endpoint *out, enum service svc, const char *region, const char *override,
                   const char *const *vars, struct aws_error *err)
{
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};

	error_clear(err);
	return endpoint_resolve(out, svc, region, override, &env, err);
}

/* Asserts the endpoint of svc in region, with no override. */
static void assert_endpoint(enum service svc, const char *region, const char *url,
                            const char *signing_region)
{
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, svc, region, NULL, no_vars, &err), 0);
	assert_string_equal(ep.url, url);
	assert_string_equal(ep.host, url + strlen("https://"));
	assert_string_equal(ep.signing_region, signing_region);
	assert_int_equal(ep.path_style, 0);
}

static void test_service_table(void **state)
{
	static const char *const want[SVC_COUNT][3] = {
	    [SVC_EC2] = {"ec2", "ec2", "EC2"},
	    [SVC_IAM] = {"iam", "iam", "IAM"},
	    [SVC_STS] = {"sts", "sts", "STS"},
	    [SVC_LOGS] = {"logs", "logs", "CLOUDWATCH_LOGS"},
	    [SVC_S3] = {"s3", "s3", "S3"},
	    [SVC_ORGANIZATIONS] = {"organizations", "organizations", "ORGANIZATIONS"},
	    [SVC_FIREHOSE] = {"firehose", "firehose", "FIREHOSE"},
	};

	for (int i = 0; i < SVC_COUNT; i++) {
		const struct service_info *info = service_info((enum service)i);

		assert_non_null(info);
		assert_string_equal(info->id, want[i][0]);
		assert_string_equal(info->signing_name, want[i][1]);
		assert_string_equal(info->env_name, want[i][2]);
	}
	assert_null(service_info(SVC_COUNT));
}

static void test_partitions(void **state)
{
	assert_string_equal(endpoint_partition("us-east-1"), "aws");
	assert_string_equal(endpoint_partition("eu-central-2"), "aws");
	assert_string_equal(endpoint_partition("mx-central-1"), "aws");
	assert_string_equal(endpoint_partition("cn-north-1"), "aws-cn");
	assert_string_equal(endpoint_partition("cn-northwest-1"), "aws-cn");
	assert_string_equal(endpoint_partition("us-gov-west-1"), "aws-us-gov");
	assert_string_equal(endpoint_partition("us-iso-east-1"), "aws-iso");
	assert_string_equal(endpoint_partition("us-isob-east-1"), "aws-iso-b");
	assert_null(endpoint_partition("moon-base-1"));
	assert_null(endpoint_partition("local"));
	assert_null(endpoint_partition(NULL));
	assert_string_equal(endpoint_dns_suffix("eu-west-1"), "amazonaws.com");
	assert_string_equal(endpoint_dns_suffix("cn-north-1"), "amazonaws.com.cn");
	assert_string_equal(endpoint_dns_suffix("us-gov-east-1"), "amazonaws.com");
	assert_string_equal(endpoint_dns_suffix("us-iso-west-1"), "c2s.ic.gov");
	assert_string_equal(endpoint_dns_suffix("us-isob-east-1"), "sc2s.sgov.gov");
	assert_string_equal(endpoint_dns_suffix("moon-base-1"), "amazonaws.com");
}

static void test_regional_endpoints(void **state)
{
	assert_endpoint(SVC_EC2, "eu-west-1", "https://ec2.eu-west-1.amazonaws.com", "eu-west-1");
	assert_endpoint(SVC_LOGS, "ap-southeast-2", "https://logs.ap-southeast-2.amazonaws.com",
	                "ap-southeast-2");
	assert_endpoint(SVC_STS, "us-east-1", "https://sts.us-east-1.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_STS, "eu-north-1", "https://sts.eu-north-1.amazonaws.com",
	                "eu-north-1");
	assert_endpoint(SVC_EC2, "cn-northwest-1", "https://ec2.cn-northwest-1.amazonaws.com.cn",
	                "cn-northwest-1");
	assert_endpoint(SVC_LOGS, "us-gov-west-1", "https://logs.us-gov-west-1.amazonaws.com",
	                "us-gov-west-1");
	assert_endpoint(SVC_EC2, "us-iso-east-1", "https://ec2.us-iso-east-1.c2s.ic.gov",
	                "us-iso-east-1");
	assert_endpoint(SVC_STS, "us-isob-east-1", "https://sts.us-isob-east-1.sc2s.sgov.gov",
	                "us-isob-east-1");
	/* A region no partition knows yet is resolved in "aws". */
	assert_endpoint(SVC_EC2, "xx-new-7", "https://ec2.xx-new-7.amazonaws.com", "xx-new-7");
}

static void test_iam_global(void **state)
{
	assert_endpoint(SVC_IAM, "us-east-1", "https://iam.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_IAM, "eu-west-3", "https://iam.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_IAM, NULL, "https://iam.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_IAM, "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn",
	                "cn-north-1");
	assert_endpoint(SVC_IAM, "us-gov-east-1", "https://iam.us-gov.amazonaws.com",
	                "us-gov-west-1");
	assert_endpoint(SVC_IAM, "us-iso-west-1", "https://iam.us-iso-east-1.c2s.ic.gov",
	                "us-iso-east-1");
	assert_endpoint(SVC_IAM, "us-isob-east-1", "https://iam.us-isob-east-1.sc2s.sgov.gov",
	                "us-isob-east-1");
}

static void test_organizations_global(void **state)
{
	assert_endpoint(SVC_ORGANIZATIONS, "ap-south-1",
	                "https://organizations.us-east-1.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_ORGANIZATIONS, NULL, "https://organizations.us-east-1.amazonaws.com",
	                "us-east-1");
	assert_endpoint(SVC_ORGANIZATIONS, "cn-north-1",
	                "https://organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1");
	assert_endpoint(SVC_ORGANIZATIONS, "us-gov-east-1",
	                "https://organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1");
	assert_endpoint(SVC_ORGANIZATIONS, "us-iso-east-1",
	                "https://organizations.us-iso-east-1.c2s.ic.gov", "us-iso-east-1");
	assert_endpoint(SVC_ORGANIZATIONS, "us-isob-east-1",
	                "https://organizations.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1");
}

static void test_s3_virtual_hosted(void **state)
{
	assert_endpoint(SVC_S3, "us-east-1", "https://s3.us-east-1.amazonaws.com", "us-east-1");
	assert_endpoint(SVC_S3, "eu-west-1", "https://s3.eu-west-1.amazonaws.com", "eu-west-1");
	assert_endpoint(SVC_S3, "cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn",
	                "cn-north-1");
}

static void test_missing_region(void **state)
{
	static const enum service regional[] = {SVC_EC2, SVC_STS, SVC_LOGS, SVC_S3};
	static const char *const vars[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:5000", NULL};
	struct endpoint ep;
	struct aws_error err;

	for (size_t i = 0; i < sizeof(regional) / sizeof(regional[0]); i++) {
		assert_int_equal(resolve(&ep, regional[i], NULL, NULL, no_vars, &err), ERR_INVALID);
		assert_string_equal(
		    err.message,
		    "no region: use --region or set AWS_REGION (or region in your profile)");
		assert_int_equal(resolve(&ep, regional[i], "", NULL, no_vars, &err), ERR_INVALID);
		/* An override does not say what to sign for. */
		assert_int_equal(resolve(&ep, regional[i], NULL, NULL, vars, &err), ERR_INVALID);
		assert_non_null(strstr(err.message, "no region"));
	}
}

static void test_invalid_region(void **state)
{
	static const char *const bad[] = {"US-EAST-1",
	                                  "us_east_1",
	                                  "us-east-1 ",
	                                  "eu-west-1/x",
	                                  "../etc",
	                                  "us-east-1.evil.com",
	                                  "a-region-name-much-too-long-to-be-real-1"};
	struct endpoint ep;
	struct aws_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(resolve(&ep, SVC_EC2, bad[i], NULL, no_vars, &err), ERR_INVALID);
		assert_non_null(strstr(err.message, "invalid region"));
		assert_non_null(strstr(err.message, bad[i]));
	}
	/* Global services check the region too. */
	assert_int_equal(resolve(&ep, SVC_IAM, "Bad Region", NULL, no_vars, &err), ERR_INVALID);
}

static void test_override_precedence(void **state)
{
	static const char *const both[] = {
	    "AWS_ENDPOINT_URL=http://global:1", "AWS_ENDPOINT_URL_EC2=http://ec2-only:2",
	    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://logs-only:3", NULL};
	static const char *const global_only[] = {"AWS_ENDPOINT_URL=http://global:1", NULL};
	static const char *const empty_service[] = {"AWS_ENDPOINT_URL=http://global:1",
	                                            "AWS_ENDPOINT_URL_EC2=", NULL};
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, SVC_EC2, "eu-west-1", "http://flag:9", both, &err), 0);
	assert_string_equal(ep.url, "http://flag:9");
	assert_string_equal(ep.host, "flag:9");
	assert_int_equal(resolve(&ep, SVC_EC2, "eu-west-1", NULL, both, &err), 0);
	assert_string_equal(ep.url, "http://ec2-only:2");
	assert_int_equal(resolve(&ep, SVC_LOGS, "eu-west-1", NULL, both, &err), 0);
	assert_string_equal(ep.url, "http://logs-only:3");
	assert_int_equal(resolve(&ep, SVC_STS, "eu-west-1", NULL, both, &err), 0);
	assert_string_equal(ep.url, "http://global:1");
	assert_int_equal(resolve(&ep, SVC_IAM, "eu-west-1", NULL, global_only, &err), 0);
	assert_string_equal(ep.url, "http://global:1");
	/* An empty variable counts as unset. */
	assert_int_equal(resolve(&ep, SVC_EC2, "eu-west-1", NULL, empty_service, &err), 0);
	assert_string_equal(ep.url, "http://global:1");
	assert_int_equal(resolve(&ep, SVC_EC2, "eu-west-1", "", empty_service, &err), 0);
	assert_string_equal(ep.url, "http://global:1");
	/* No environment at all. */
	error_clear(&err);
	assert_int_equal(endpoint_resolve(&ep, SVC_EC2, "eu-west-1", NULL, NULL, &err), 0);
	assert_string_equal(ep.url, "https://ec2.eu-west-1.amazonaws.com");
}

static void test_override_signing_region(void **state)
{
	static const char *const vars[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:5000", NULL};
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, SVC_EC2, "eu-west-1", NULL, vars, &err), 0);
	assert_string_equal(ep.signing_region, "eu-west-1");
	assert_int_equal(resolve(&ep, SVC_IAM, "eu-west-1", NULL, vars, &err), 0);
	assert_string_equal(ep.signing_region, "eu-west-1");
	assert_int_equal(resolve(&ep, SVC_IAM, NULL, NULL, vars, &err), 0);
	assert_string_equal(ep.signing_region, "us-east-1");
	assert_int_equal(resolve(&ep, SVC_ORGANIZATIONS, NULL, NULL, vars, &err), 0);
	assert_string_equal(ep.signing_region, "us-east-1");
	assert_string_equal(ep.url, "http://127.0.0.1:5000");
	assert_string_equal(ep.host, "127.0.0.1:5000");
}

static void test_override_s3_path_style(void **state)
{
	static const char *const vars[] = {"AWS_ENDPOINT_URL_S3=http://localhost:4566/", NULL};
	static const char *const other[] = {"AWS_ENDPOINT_URL_EC2=http://localhost:4566/", NULL};
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, SVC_S3, "us-east-1", NULL, vars, &err), 0);
	assert_int_equal(ep.path_style, 1);
	assert_string_equal(ep.url, "http://localhost:4566");
	assert_int_equal(resolve(&ep, SVC_S3, "us-east-1", "https://minio.local", no_vars, &err),
	                 0);
	assert_int_equal(ep.path_style, 1);
	/* Another service's override leaves S3 alone. */
	assert_int_equal(resolve(&ep, SVC_S3, "us-east-1", NULL, other, &err), 0);
	assert_int_equal(ep.path_style, 0);
	assert_string_equal(ep.url, "https://s3.us-east-1.amazonaws.com");
}

static void test_override_url_forms(void **state)
{
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, SVC_EC2, "us-east-1", "https://proxy.example.com:443/aws//",
	                         no_vars, &err),
	                 0);
	assert_string_equal(ep.url, "https://proxy.example.com:443/aws");
	assert_string_equal(ep.host, "proxy.example.com");
	assert_int_equal(resolve(&ep, SVC_EC2, "us-east-1", "HTTP://[::1]:8080", no_vars, &err), 0);
	assert_string_equal(ep.url, "HTTP://[::1]:8080");
	assert_string_equal(ep.host, "[::1]:8080");
	assert_int_equal(resolve(&ep, SVC_EC2, "us-east-1", "http://localhost:80/", no_vars, &err),
	                 0);
	assert_string_equal(ep.url, "http://localhost:80");
	assert_string_equal(ep.host, "localhost");
}

static void test_override_invalid(void **state)
{
	static const char *const bad[][2] = {
	    {"localhost:5000", "must start with http:// or https://"},
	    {"ftp://example.com", "must start with http:// or https://"},
	    {"http://", "no host"},
	    {"https:///path", "no host"},
	    {"http://:5000", "no host"},
	    {"http://host:port", "port must be a number"},
	    {"http://host:", "port must be a number"},
	    {"http://host name", "space"},
	    {"http://host/?a=b", "query"},
	    {"http://user:pw@host", "user names"},
	};
	static const char *const env_bad[] = {"AWS_ENDPOINT_URL_EC2=localhost:5000", NULL};
	static const char *const global_bad[] = {"AWS_ENDPOINT_URL=127.0.0.1", NULL};
	struct endpoint ep;
	struct aws_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(resolve(&ep, SVC_EC2, "us-east-1", bad[i][0], no_vars, &err),
		                 ERR_INVALID);
		assert_non_null(strstr(err.message, bad[i][1]));
		assert_non_null(strstr(err.message, "--endpoint-url"));
	}
	assert_int_equal(resolve(&ep, SVC_EC2, "us-east-1", NULL, env_bad, &err), ERR_INVALID);
	assert_string_equal(err.message,
	                    "invalid endpoint URL 'localhost:5000' in AWS_ENDPOINT_URL_EC2: it "
	                    "must start with http:// or https://, like http://localhost:5000");
	assert_int_equal(resolve(&ep, SVC_LOGS, "us-east-1", NULL, global_bad, &err), ERR_INVALID);
	assert_non_null(strstr(err.message, "in AWS_ENDPOINT_URL:"));
}

static void test_unknown_service(void **state)
{
	struct endpoint ep;
	struct aws_error err;

	assert_int_equal(resolve(&ep, SVC_COUNT, "us-east-1", NULL, no_vars, &err), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_service_table),
	    cmocka_unit_test(test_partitions),
	    cmocka_unit_test(test_regional_endpoints),
	    cmocka_unit_test(test_iam_global),
	    cmocka_unit_test(test_organizations_global),
	    cmocka_unit_test(test_s3_virtual_hosted),
	    cmocka_unit_test(test_missing_region),
	    cmocka_unit_test(test_invalid_region),
	    cmocka_unit_test(test_override_precedence),
	    cmocka_unit_test(test_override_signing_region),
	    cmocka_unit_test(test_override_s3_path_style),
	    cmocka_unit_test(test_override_url_forms),
	    cmocka_unit_test(test_override_invalid),
	    cmocka_unit_test(test_unknown_service),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
