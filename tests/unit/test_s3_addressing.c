/* S3 addressing without a network: the URL of a request for each kind of
 * bucket name and endpoint (virtual-hosted, path style for dotted and other
 * names that are not DNS labels, path style on overridden endpoints), the
 * Host header and signature that follow from it (compared with botocore's),
 * and the bucket region an error answer carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/sigv4.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
/* 2015-08-30T12:36:00Z */
#define SIGN_TIME 1440938160

static const char *const no_vars[] = {NULL};
static const char *const s3_var[] = {"AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000/minio", NULL};

/* One request: where it goes and the URL it must get (NULL: ERR_INVALID).
 * The expected URLs of real regions are botocore's for the same request. */
struct url_case {
	const char *region;
	const char *override;
	const char *const *vars;
	const char *bucket;
	const char *path;
	const char *query;
	const char *want;
};

static const struct url_case url_cases[] = {
    /* Virtual-hosted: DNS-compatible names on a standard endpoint. */
    {"eu-west-1", NULL, no_vars, "vpcflow-logs-123456789012", "/AWSLogs/x%20y.log", NULL,
     "https://vpcflow-logs-123456789012.s3.eu-west-1.amazonaws.com/AWSLogs/x%20y.log"},
    {"eu-west-1", NULL, no_vars, "my-bucket", "/", "lifecycle",
     "https://my-bucket.s3.eu-west-1.amazonaws.com/?lifecycle"},
    {"us-east-1", NULL, no_vars, "abc", NULL, NULL, "https://abc.s3.us-east-1.amazonaws.com/"},
    {"cn-north-1", NULL, no_vars, "my-bucket", "/k", NULL,
     "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/k"},
    {"eu-west-1", NULL, no_vars, "a23456789012345678901234567890123456789012345678901234567890123",
     "/k", NULL,
     "https://a23456789012345678901234567890123456789012345678901234567890123"
     ".s3.eu-west-1.amazonaws.com/k"},
    /* Path style: dots (TLS wildcards match one label), not a DNS label. */
    {"eu-west-1", NULL, no_vars, "flow.logs.example", "/", NULL,
     "https://s3.eu-west-1.amazonaws.com/flow.logs.example"},
    {"eu-west-1", NULL, no_vars, "flow.logs.example", "/AWSLogs/a.log", "versionId=1",
     "https://s3.eu-west-1.amazonaws.com/flow.logs.example/AWSLogs/a.log?versionId=1"},
    {"cn-north-1", NULL, no_vars, "my.bucket", "/k", NULL,
     "https://s3.cn-north-1.amazonaws.com.cn/my.bucket/k"},
    {"eu-west-1", NULL, no_vars, "ab", "/k", NULL, "https://s3.eu-west-1.amazonaws.com/ab/k"},
    {"eu-west-1", NULL, no_vars, "My-Bucket", "/k", NULL,
     "https://s3.eu-west-1.amazonaws.com/My-Bucket/k"},
    {"eu-west-1", NULL, no_vars, "-abc", "/k", NULL, "https://s3.eu-west-1.amazonaws.com/-abc/k"},
    {"eu-west-1", NULL, no_vars, "abc-", "/k", NULL, "https://s3.eu-west-1.amazonaws.com/abc-/k"},
    {"eu-west-1", NULL, no_vars, "a_b", "/k", NULL, "https://s3.eu-west-1.amazonaws.com/a_b/k"},
    {"eu-west-1", NULL, no_vars, "a234567890123456789012345678901234567890123456789012345678901234",
     "/k", NULL,
     "https://s3.eu-west-1.amazonaws.com/"
     "a234567890123456789012345678901234567890123456789012345678901234/k"},
    /* Path style: every overridden endpoint, in front of its base path. */
    {"us-east-1", "http://127.0.0.1:5000", no_vars, "my-bucket", "/", NULL,
     "http://127.0.0.1:5000/my-bucket"},
    {"us-east-1", "http://127.0.0.1:5000/", no_vars, "my-bucket", "/a/b.log", "x=1",
     "http://127.0.0.1:5000/my-bucket/a/b.log?x=1"},
    {"eu-west-1", NULL, s3_var, "my-bucket", "/k", NULL, "http://127.0.0.1:9000/minio/my-bucket/k"},
    /* No bucket: the endpoint, the path and the query. */
    {"eu-west-1", NULL, no_vars, NULL, "/", "list-type=2",
     "https://s3.eu-west-1.amazonaws.com/?list-type=2"},
    {"eu-west-1", NULL, no_vars, NULL, NULL, NULL, "https://s3.eu-west-1.amazonaws.com/"},
    /* Names no request may carry. */
    {"eu-west-1", NULL, no_vars, "", "/k", NULL, NULL},
    {"eu-west-1", NULL, no_vars, "a/b", "/k", NULL, NULL},
    {"eu-west-1", NULL, no_vars, "evil.com?x=", "/k", NULL, NULL},
    {"eu-west-1", NULL, no_vars, "a b", "/k", NULL, NULL},
    {"eu-west-1", NULL, no_vars, "bucket@host", "/k", NULL, NULL},
};

static void test_request_urls(void **state)
{
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *tc = &url_cases[i];
		struct env_fixed fixed = {tc->vars};
		struct env env = {env_fixed_get, &fixed};
		struct endpoint ep;
		struct aws_error err;
		struct buf url = BUF_INIT;
		int rc;

		error_clear(&err);
		assert_int_equal(
		    endpoint_resolve(&ep, SVC_S3, tc->region, tc->override, &env, &err), 0);
		rc = endpoint_request_url(&url, &ep, tc->bucket, tc->path, tc->query, &err);
		if (!tc->want) {
			assert_int_equal(rc, ERR_INVALID);
			assert_non_null(strstr(err.message, "invalid bucket name '"));
		} else {
			if (rc != 0 || strcmp(url.data, tc->want) != 0)
				fail_msg("case %zu (%s): got '%s' (%d), want '%s'", i,
				         tc->bucket ? tc->bucket : "no bucket", url.data, rc,
				         tc->want);
		}
		buf_release(&url);
	}
}

/* Signs url as S3 at SIGN_TIME; the caller releases req->headers. */
static void sign_s3(struct http_request *req, const char *method, const char *url,
                    const char *region)
{
	struct sigv4_params p = {
	    .access_key_id = "AKIDEXAMPLE",
	    .secret_access_key = SECRET,
	    .region = region,
	    .service = "s3",
	    .time = SIGN_TIME,
	    .flags = SIGV4_S3,
	};
	struct aws_error err;

	memset(req, 0, sizeof(*req));
	headers_init(&req->headers);
	req->method = method;
	req->url = url;
	error_clear(&err);
	assert_int_equal(sigv4_sign(req, &p, &err), 0);
}

/* What client_send would send for a call on a real region: URL, Host and
 * signature, the last compared with botocore 1.43's S3SigV4Auth for the same
 * request and time. */
struct client_case {
	const char *method;
	const char *bucket;
	const char *path;
	const char *url;
	const char *host;
	const char *signature;
};

static const struct client_case client_cases[] = {
    {"GET", "vpcflow-logs-123456789012", "/AWSLogs/x%20y.log",
     "https://vpcflow-logs-123456789012.s3.eu-west-1.amazonaws.com/AWSLogs/x%20y.log",
     "vpcflow-logs-123456789012.s3.eu-west-1.amazonaws.com",
     "d491be4e2c705c7d2f49049996e3c486b635494368811729027c97978283b441"},
    {"HEAD", "flow.logs.example", "/", "https://s3.eu-west-1.amazonaws.com/flow.logs.example",
     "s3.eu-west-1.amazonaws.com",
     "e4b29fe74d7863b93a20e955254e33176384fe27deb3d5176b3d762e5100c02a"},
};

static void test_client_url_host_and_signature(void **state)
{
	struct env_fixed fixed = {no_vars};
	struct env env = {env_fixed_get, &fixed};
	struct client_options opt = {.env = &env};
	struct client *c = client_new(&opt);

	for (size_t i = 0; i < sizeof(client_cases) / sizeof(client_cases[0]); i++) {
		const struct client_case *tc = &client_cases[i];
		struct client_call call = {
		    .service = SVC_S3,
		    .protocol = PROTO_REST_XML,
		    .region = "eu-west-1",
		    .operation = "Test",
		    .method = tc->method,
		    .path = tc->path,
		    .bucket = tc->bucket,
		};
		struct http_request req;
		struct endpoint ep;
		struct aws_error err;
		struct buf url = BUF_INIT;
		const char *auth;

		error_clear(&err);
		assert_int_equal(client_url(&url, &ep, c, &call, &err), 0);
		assert_string_equal(url.data, tc->url);
		assert_string_equal(ep.signing_region, "eu-west-1");
		sign_s3(&req, tc->method, url.data, ep.signing_region);
		assert_string_equal(headers_get(&req.headers, "Host"), tc->host);
		auth = headers_get(&req.headers, "Authorization");
		assert_non_null(auth);
		assert_non_null(strstr(auth, "Credential=AKIDEXAMPLE/20150830/eu-west-1/s3/"));
		assert_string_equal(strstr(auth, "Signature=") + strlen("Signature="),
		                    tc->signature);
		headers_release(&req.headers);
		buf_release(&url);
	}
	client_free(c);
}

/* The bucket region of an error answer reaches err; other answers leave it
 * empty. */
static void test_error_keeps_bucket_region(void **state)
{
	static const struct {
		long status;
		const char *header; /* NULL: none */
		const char *body;
		const char *want_code, *want_region;
	} cases[] = {
	    {301, "eu-west-1", "", "PermanentRedirect", "eu-west-1"},
	    {403, "ap-southeast-2", "", "Forbidden", "ap-southeast-2"},
	    {301, "us-west-2",
	     "<Error><Code>PermanentRedirect</Code><Message>use the right endpoint</Message>"
	     "<Endpoint>b.s3.us-west-2.amazonaws.com</Endpoint></Error>",
	     "PermanentRedirect", "us-west-2"},
	    {404, NULL, "", "NotFound", ""},
	    {400, "us-east-1\r\nX: y", "", "BadRequest", "us-east-1 X: y"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_response resp;
		struct aws_error err;

		http_response_init(&resp);
		resp.status = cases[i].status;
		if (cases[i].header)
			headers_add(&resp.headers, "X-Amz-Bucket-Region", cases[i].header);
		buf_addstr(&resp.body, cases[i].body);
		error_clear(&err);
		strcpy(err.bucket_region, "stale");
		assert_int_equal(client_parse_error(PROTO_REST_XML, &resp, &err), ERR_SERVICE);
		assert_int_equal(err.http_status, cases[i].status);
		assert_string_equal(err.aws_code, cases[i].want_code);
		assert_string_equal(err.bucket_region, cases[i].want_region);
		http_response_release(&resp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_urls),
	    cmocka_unit_test(test_client_url_host_and_signature),
	    cmocka_unit_test(test_error_keeps_bucket_region),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
