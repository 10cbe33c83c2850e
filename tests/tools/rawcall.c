/* rawcall: one AWS call through the client pipeline (endpoint, credentials,
 * SigV4, transport, retries, error parsing), for the integration tests.
 *
 *   rawcall [--max-attempts N] [--timeout-ms N] [--connect-timeout-ms N]
 *           [--debug] [--method M] [--path P] [--query Q]
 *           PROTOCOL SERVICE REGION OPERATION [BODY]
 *
 * PROTOCOL is query (or ec2): BODY holds extra parameters "K=V&K=V" (%XX
 * decoded here, then form-encoded by query_call); json: BODY is the request
 * object; rest-xml: a raw client_send with --method (GET), --path (/) and
 * --query, BODY sent as is. SERVICE is ec2, iam, sts, logs, s3 or
 * organizations.
 *
 * The environment is read here, at the edge: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (unsigned requests when unset), the
 * AWS_ENDPOINT_URL variables, AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE, and
 * VPCFLOW_RETRY_BASE_MS (the backoff base, so that tests need not wait).
 *
 * Prints "ok attempts=N" and the body on stdout; on failure one line
 * "error: <error> attempts=N http=S" on stderr and exits 1; bad usage exits 2. */
#include <ctype.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/jsonrpc.h"
#include "aws/query.h"

struct service_names {
	const char *name;
	enum service svc;
	const char *query_version; /* query protocol API version */
	const char *json_prefix;   /* JSON 1.1 target prefix */
};

static const struct service_names services[] = {
    {"ec2", SVC_EC2, "2016-11-15", NULL},
    {"iam", SVC_IAM, "2010-05-08", NULL},
    {"sts", SVC_STS, "2011-06-15", NULL},
    {"logs", SVC_LOGS, NULL, "Logs_20140328"},
    {"s3", SVC_S3, NULL, NULL},
    {"organizations", SVC_ORGANIZATIONS, NULL, "AWSOrganizationsV20161128"},
};

/* What the command line asks for. */
struct args {
	int max_attempts;
	long timeout_ms;
	long connect_timeout_ms;
	int debug;
	const char *method;
	const char *path;
	const char *query;
	const char *protocol;
	const struct service_names *service;
	const char *region;
	const char *operation;
	const char *body;
};

/* The system clock, counting the waits between attempts: query_call and
 * jsonrpc_call do not report attempts on success, and the client sleeps once
 * before every retry, so attempts = waits + 1. */
static int retries;

static int64_t counting_now_ms(void *ctx)
{
	return clock_now_ms(&clock_system);
}

static void counting_sleep_ms(void *ctx, int64_t ms)
{
	retries++;
	clock_sleep_ms(&clock_system, ms);
}

static double counting_random(void *ctx)
{
	return clock_random(&clock_system);
}

static const struct clock counting_clock = {counting_now_ms, counting_sleep_ms, counting_random,
                                            NULL};

static int usage(const char *why)
{
	fprintf(stderr,
	        "rawcall: %s\nusage: rawcall [--max-attempts N] [--timeout-ms N] "
	        "[--connect-timeout-ms N] [--debug] [--method M] [--path P] [--query Q] "
	        "PROTOCOL SERVICE REGION OPERATION [BODY]\n",
	        why);
	return 2;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	int i, pos = 0;
	const char *positional[5] = {NULL};

	memset(a, 0, sizeof(*a));
	a->method = "GET";
	a->path = "/";
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--debug") == 0) {
			a->debug = 1;
		} else if (strncmp(arg, "--", 2) == 0 && arg[2]) {
			if (!val)
				return usage("option needs a value");
			if (strcmp(arg, "--max-attempts") == 0)
				a->max_attempts = atoi(val);
			else if (strcmp(arg, "--timeout-ms") == 0)
				a->timeout_ms = atol(val);
			else if (strcmp(arg, "--connect-timeout-ms") == 0)
				a->connect_timeout_ms = atol(val);
			else if (strcmp(arg, "--method") == 0)
				a->method = val;
			else if (strcmp(arg, "--path") == 0)
				a->path = val;
			else if (strcmp(arg, "--query") == 0)
				a->query = val;
			else
				return usage("unknown option");
			i++;
		} else if (pos < 5) {
			positional[pos++] = arg;
		} else {
			return usage("too many arguments");
		}
	}
	if (pos < 4)
		return usage("missing arguments");
	a->protocol = positional[0];
	for (size_t s = 0; s < sizeof(services) / sizeof(services[0]); s++)
		if (strcmp(services[s].name, positional[1]) == 0)
			a->service = &services[s];
	if (!a->service)
		return usage("unknown service");
	a->region = positional[2];
	a->operation = positional[3];
	a->body = positional[4];
	return 0;
}

static int hex_value(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Decodes %XX in place. */
static void percent_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			*w++ = (char)(hex_value((unsigned char)s[1]) * 16 +
			              hex_value((unsigned char)s[2]));
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* "K=V&K2=V2" into params. */
static void parse_params(struct query_params *p, const char *text)
{
	char *copy = strdup(text ? text : "");
	char *save = NULL;

	for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');

		if (eq)
			*eq = '\0';
		percent_decode(pair);
		if (eq)
			percent_decode(eq + 1);
		query_params_add(p, pair, eq ? eq + 1 : "");
	}
	free(copy);
}

static int call_query(struct client *c, const struct args *a, struct buf *out,
                      struct aws_error *err)
{
	struct query_params params;
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, rc;

	if (!a->service->query_version)
		return error_set(err, ERR_INVALID, "%s does not speak the query protocol",
		                 a->service->name);
	query_params_init(&params);
	parse_params(&params, a->body);
	rc = query_call(c, a->service->svc, a->region, a->operation, a->service->query_version,
	                &params, &doc, err);
	if (rc == 0) {
		xmlDocDumpMemory(doc, &text, &len);
		buf_add(out, text, (size_t)len);
		xmlFree(text);
		xmlFreeDoc(doc);
	}
	query_params_release(&params);
	return rc;
}

static int call_json(struct client *c, const struct args *a, struct buf *out, struct aws_error *err)
{
	json_t *request = NULL, *answer = NULL;
	json_error_t jerr;
	char *text;
	int rc;

	if (!a->service->json_prefix)
		return error_set(err, ERR_INVALID, "%s does not speak JSON 1.1", a->service->name);
	if (a->body) {
		request = json_loads(a->body, 0, &jerr);
		if (!request)
			return error_set(err, ERR_INVALID, "BODY is not JSON: %s", jerr.text);
	}
	rc = jsonrpc_call(c, a->service->svc, a->region, a->service->json_prefix, a->operation,
	                  request, &answer, err);
	if (rc == 0) {
		text = json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS);
		buf_addstr(out, text ? text : "");
		free(text);
		json_decref(answer);
	}
	json_decref(request);
	return rc;
}

static int call_rest(struct client *c, const struct args *a, struct buf *out, int *attempts,
                     struct aws_error *err)
{
	struct client_call call;
	struct http_response resp;
	int rc;

	memset(&call, 0, sizeof(call));
	call.service = a->service->svc;
	call.protocol = a->service->svc == SVC_S3 ? PROTO_REST_XML : PROTO_JSON;
	call.region = a->region;
	call.operation = a->operation;
	call.method = a->method;
	call.path = a->path;
	call.query = a->query;
	call.body = a->body;
	call.body_len = a->body ? strlen(a->body) : 0;
	rc = client_send(c, &call, &resp, err);
	if (rc == 0) {
		*attempts = resp.attempts;
		buf_add(out, resp.body.data, resp.body.len);
		http_response_release(&resp);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct args a;
	struct http_options hopt;
	struct client_options copt;
	struct aws_error err;
	struct buf out = BUF_INIT, line = BUF_INIT;
	struct http *http = NULL;
	struct creds_provider *creds = NULL;
	struct client *client = NULL;
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	int rc = 0, attempts = 0, status = 1;

	if (parse_args(&a, argc, argv))
		return 2;
	/* libcurl runs with CURLOPT_NOSIGNAL: a peer that closes early must not
	 * kill the program. */
	signal(SIGPIPE, SIG_IGN);
	error_clear(&err);
	memset(&hopt, 0, sizeof(hopt));
	http_options_from_env(&hopt, &env_process);
	hopt.timeout_ms = a.timeout_ms;
	hopt.connect_timeout_ms = a.connect_timeout_ms;
	hopt.debug = a.debug ? stderr : NULL;
	http = http_new(&hopt, &err);
	if (!http) {
		rc = err.code;
		goto out;
	}
	if (akid && secret)
		creds = creds_static_new(akid, secret, getenv("AWS_SESSION_TOKEN"));
	memset(&copt, 0, sizeof(copt));
	copt.http = http;
	copt.creds = creds;
	copt.env = &env_process; /* AWS_MAX_ATTEMPTS, VPCFLOW_RETRY_BASE_MS */
	copt.clock = &counting_clock;
	copt.max_attempts = a.max_attempts;
	copt.debug = hopt.debug;
	client = client_new(&copt);

	if (strcmp(a.protocol, "query") == 0 || strcmp(a.protocol, "ec2") == 0) {
		rc = call_query(client, &a, &out, &err);
	} else if (strcmp(a.protocol, "json") == 0) {
		rc = call_json(client, &a, &out, &err);
	} else if (strcmp(a.protocol, "rest-xml") == 0) {
		rc = call_rest(client, &a, &out, &attempts, &err);
	} else {
		status = usage("PROTOCOL is query, ec2, json or rest-xml");
		goto out;
	}
out:
	if (status != 2) {
		if (rc == 0) {
			printf("ok attempts=%d\n%s\n", attempts ? attempts : retries + 1, out.data);
			status = 0;
		} else {
			error_format(&err, &line);
			fprintf(stderr, "error: %s attempts=%d http=%ld\n", line.data, err.attempts,
			        err.http_status);
		}
	}
	buf_release(&out);
	buf_release(&line);
	client_free(client);
	creds_provider_free(creds);
	http_free(http);
	return status;
}
