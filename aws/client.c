/* One AWS call end to end: endpoint, credentials, signature, transport, the
 * standard retry mode, and reading the error bodies of the four protocols. */
#include "aws/client.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/creds.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

#ifndef VPCFLOW_VERSION
#define VPCFLOW_VERSION "0.0.0"
#endif

#define USER_AGENT    "vpcflow/" VPCFLOW_VERSION
#define SNIPPET_BYTES 160

/* A client: immutable after client_new() except for the retry quota, which
 * has its own lock. The pointers other than endpoint_url are borrowed. */
struct client {
	struct http *http;
	struct creds_provider *creds;
	const struct env *env;
	const struct clock *clock;
	char *endpoint_url;
	int max_attempts;
	int64_t retry_base_ms;
	FILE *debug;
	struct retry_quota quota;
};

struct client *client_new(const struct client_options *opt)
{
	struct client *c = xcalloc(1, sizeof(*c));

	c->http = opt->http;
	c->creds = opt->creds;
	c->env = opt->env ? opt->env : &env_process;
	c->clock = opt->clock ? opt->clock : &clock_system;
	c->endpoint_url = opt->endpoint_url ? xstrdup(opt->endpoint_url) : NULL;
	c->max_attempts = retry_max_attempts(opt->max_attempts, c->env);
	c->retry_base_ms = retry_base_ms(opt->retry_base_ms, c->env);
	c->debug = opt->debug;
	retry_quota_init(&c->quota);
	return c;
}

void client_free(struct client *c)
{
	if (!c)
		return;
	retry_quota_release(&c->quota);
	free(c->endpoint_url);
	free(c);
}

int client_endpoint(struct client *c, enum service svc, const char *region, struct endpoint *out,
                    struct aws_error *err)
{
	/* IAM and Organizations find their home region themselves; STS without
	 * a region means the global endpoint, which is us-east-1's. */
	if (!region && svc == SVC_STS)
		region = "us-east-1";
	return endpoint_resolve(out, svc, region, c->endpoint_url, c->env, err);
}

/* Copies len bytes of src into dst as one line: each run of whitespace or
 * control characters becomes one space, ends are trimmed, and the copy is cut
 * to fit. */
static void copy_clean(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = 0;
	int space = 0;

	for (size_t i = 0; i < len && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch == '\0')
			break;
		if (isspace(ch) || ch < 0x20 || ch == 0x7f) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = (char)ch;
	}
	dst[n] = '\0';
}

/* The first element called name in document order, from node down. */
static xmlNodePtr find_element(xmlNodePtr node, const char *name)
{
	xmlNodePtr found;

	for (; node; node = node->next) {
		if (xml_is(node, name))
			return node;
		if (node->type == XML_ELEMENT_NODE && (found = find_element(node->children, name)))
			return found;
	}
	return NULL;
}

static void copy_node_text(char *dst, size_t size, xmlNodePtr node)
{
	char *s = xml_text(node);

	if (s)
		copy_clean(dst, size, s, strlen(s));
	free(s);
}

/* Reads <Error><Code/><Message/></Error> wherever it sits (EC2's
 * Response/Errors/Error, the query protocol's ErrorResponse/Error, S3's root
 * Error) and the RequestId or RequestID next to it. */
static void parse_xml_error(const char *body, size_t len, struct aws_error *err)
{
	struct aws_error ignored;
	xmlDocPtr doc;
	xmlNodePtr root, error, rid;

	error_clear(&ignored);
	doc = xml_parse(body, len, NULL, &ignored);
	if (!doc)
		return;
	root = xmlDocGetRootElement(doc);
	error = find_element(root, "Error");
	if (error) {
		copy_node_text(err->aws_code, sizeof(err->aws_code), xml_child(error, "Code"));
		copy_node_text(err->message, sizeof(err->message), xml_child(error, "Message"));
	}
	rid = find_element(root, "RequestId");
	if (!rid)
		rid = find_element(root, "RequestID");
	copy_node_text(err->request_id, sizeof(err->request_id), rid);
	xmlFreeDoc(doc);
}

/* Copies an error type into aws_code without its namespace
 * ("com.amazonaws.logs#ResourceNotFoundException") or URI suffix
 * ("ThrottlingException:http://internal.amazon.com/..."). */
static void copy_error_type(char *dst, size_t size, const char *type)
{
	const char *hash = strrchr(type, '#');
	const char *colon;

	if (hash)
		type = hash + 1;
	colon = strchr(type, ':');
	copy_clean(dst, size, type, colon ? (size_t)(colon - type) : strlen(type));
}

/* Reads {"__type": "ns#Code", "message": "..."} (also "code", "Message"). */
static void parse_json_error(const char *body, size_t len, struct aws_error *err)
{
	static const char *const code_keys[] = {"__type", "code", "Code", NULL};
	static const char *const message_keys[] = {"message", "Message", "errorMessage", NULL};
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr);
	json_t *v;

	if (!json_is_object(root))
		goto out;
	for (const char *const *k = code_keys; *k && !err->aws_code[0]; k++)
		if (json_is_string(v = json_object_get(root, *k)))
			copy_error_type(err->aws_code, sizeof(err->aws_code), json_string_value(v));
	for (const char *const *k = message_keys; *k && !err->message[0]; k++)
		if (json_is_string(v = json_object_get(root, *k)))
			copy_clean(err->message, sizeof(err->message), json_string_value(v),
			           json_string_length(v));
out:
	json_decref(root);
}

/* The error code a bodiless (or unreadable) answer stands for. */
static const char *status_code_name(long status)
{
	switch (status) {
	case 301:
		return "PermanentRedirect";
	case 302:
		return "Found";
	case 304:
		return "NotModified";
	case 307:
		return "TemporaryRedirect";
	case 400:
		return "BadRequest";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "NotFound";
	case 405:
		return "MethodNotAllowed";
	case 409:
		return "Conflict";
	case 412:
		return "PreconditionFailed";
	case 416:
		return "InvalidRange";
	case 429:
		return "TooManyRequestsException";
	case 500:
		return "InternalError";
	case 501:
		return "NotImplemented";
	case 502:
		return "BadGateway";
	case 503:
		return "ServiceUnavailable";
	case 504:
		return "GatewayTimeout";
	}
	return NULL;
}

int client_parse_error(enum protocol proto, const struct http_response *resp, struct aws_error *err)
{
	const char *body = resp->body.data;
	size_t len = resp->body.len, skip = 0;
	const char *name, *hdr;
	char snippet[SNIPPET_BYTES];

	err->code = ERR_SERVICE;
	err->http_status = resp->status;
	err->aws_code[0] = err->message[0] = err->request_id[0] = err->bucket_region[0] = '\0';
	if ((hdr = headers_get(&resp->headers, "x-amz-bucket-region")))
		copy_clean(err->bucket_region, sizeof(err->bucket_region), hdr, strlen(hdr));
	while (skip < len && isspace((unsigned char)body[skip]))
		skip++;
	if (skip < len && body[skip] == '<')
		parse_xml_error(body + skip, len - skip, err);
	else if (skip < len && body[skip] == '{')
		parse_json_error(body + skip, len - skip, err);
	if (!err->aws_code[0] && proto == PROTO_JSON &&
	    (hdr = headers_get(&resp->headers, "x-amzn-ErrorType")))
		copy_error_type(err->aws_code, sizeof(err->aws_code), hdr);
	if (!err->request_id[0]) {
		hdr = headers_get(&resp->headers, "x-amzn-RequestId");
		if (!hdr)
			hdr = headers_get(&resp->headers, "x-amz-request-id");
		if (hdr)
			copy_clean(err->request_id, sizeof(err->request_id), hdr, strlen(hdr));
	}
	if (!err->aws_code[0]) {
		name = status_code_name(resp->status);
		if (name)
			snprintf(err->aws_code, sizeof(err->aws_code), "%s", name);
		else
			snprintf(err->aws_code, sizeof(err->aws_code), "Http%ld", resp->status);
		if (skip < len) {
			copy_clean(snippet, sizeof(snippet), body + skip, len - skip);
			snprintf(err->message, sizeof(err->message),
			         "HTTP %ld: unexpected answer: %s%s", resp->status, snippet,
			         len - skip >= sizeof(snippet) - 1 ? "..." : "");
		}
	}
	if (!err->message[0])
		snprintf(err->message, sizeof(err->message), "HTTP %ld%s", resp->status,
		         skip < len ? "" : " (no response body)");
	return ERR_SERVICE;
}

/* What the transport said of a streamed body: how much of it reached the
 * caller's callback (a call whose body began to reach the caller cannot be
 * sent again), and whether the callback stopped the transfer. */
struct stream {
	size_t delivered;
	int stopped;
};

/* Makes one attempt: a fresh copy of the request, signed now with current
 * credentials, sent once. A non-2xx answer becomes ERR_SERVICE. */
static int attempt_once(struct client *c, const struct client_call *call, const struct endpoint *ep,
                        const char *url, struct stream *stream, struct http_response *out,
                        struct aws_error *err)
{
	struct http_request req;
	struct creds cr = {0};
	struct sigv4_params sp;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	headers_init(&req.headers);
	error_clear(err);
	req.method = call->method ? call->method : "GET";
	req.url = url;
	req.body = call->body;
	req.body_len = call->body ? call->body_len : 0;
	req.on_body = call->on_body;
	req.on_body_ctx = call->on_body_ctx;
	for (size_t i = 0; call->headers && i < call->headers->n; i++)
		headers_add(&req.headers, call->headers->v[i].name, call->headers->v[i].value);
	if (!headers_get(&req.headers, "User-Agent"))
		headers_add(&req.headers, "User-Agent", USER_AGENT);
	if (c->creds) {
		rc = creds_get(c->creds, &cr, err);
		if (rc)
			goto out;
		memset(&sp, 0, sizeof(sp));
		sp.access_key_id = cr.access_key_id;
		sp.secret_access_key = cr.secret_access_key;
		sp.session_token = cr.session_token;
		sp.region = ep->signing_region;
		sp.service = service_info(call->service)->signing_name;
		sp.time = clock_now_ms(c->clock) / 1000;
		sp.flags = call->service == SVC_S3 ? SIGV4_S3 : 0;
		rc = sigv4_sign(&req, &sp, err);
		if (rc)
			goto out;
	}
	rc = http_send(c->http, &req, out, err);
	stream->delivered = out->streamed;
	stream->stopped = rc == ERR_IO; /* the only ERR_IO http_send returns */
	if (rc)
		goto out;
	if (out->status < 200 || out->status >= 300) {
		rc = client_parse_error(call->protocol, out, err);
		http_response_release(out);
	}
out:
	creds_release(&cr);
	headers_release(&req.headers);
	return rc;
}

static void debug_retry(const struct client *c, const struct client_call *call, int attempt,
                        const struct aws_error *err, int64_t delay_ms)
{
	if (!c->debug)
		return;
	fprintf(c->debug, "* %s: attempt %d of %d failed (%s%s%s); retrying in %lld ms\n",
	        call->operation ? call->operation : "request", attempt, c->max_attempts,
	        error_code_name(err->code), err->aws_code[0] ? ": " : "", err->aws_code,
	        (long long)delay_ms);
	fflush(c->debug);
}

int client_url(struct buf *out, struct endpoint *ep, struct client *c,
               const struct client_call *call, struct aws_error *err)
{
	int rc = client_endpoint(c, call->service, call->region, ep, err);

	if (rc)
		return rc;
	return endpoint_request_url(out, ep, call->bucket, call->path, call->query, err);
}

/* Says in err why a streamed call is not sent again: its callback stopped it,
 * or its body broke off after some of it had been handed over. */
static void stream_failed(const struct stream *s, struct aws_error *err)
{
	size_t n = strlen(err->message);

	if (s->stopped) {
		err->code = ERR_IO;
		snprintf(err->message, sizeof(err->message),
		         "the body callback stopped the transfer after %zu bytes", s->delivered);
	} else {
		snprintf(err->message + n, sizeof(err->message) - n,
		         " (the body broke off after %zu bytes had been delivered; not retried)",
		         s->delivered);
	}
}

int client_send(struct client *c, const struct client_call *call, struct http_response *out,
                struct aws_error *err)
{
	struct endpoint ep;
	struct buf url = BUF_INIT;
	struct stream stream = {0, 0};
	enum retry_kind kind;
	int64_t delay;
	int rc, attempt = 0, taken = 0;

	http_response_init(out);
	error_clear(err);
	rc = client_url(&url, &ep, c, call, err);
	if (rc)
		goto out;
	for (attempt = 1;; attempt++) {
		rc = attempt_once(c, call, &ep, url.data, &stream, out, err);
		if (rc == 0) {
			retry_quota_refund(&c->quota, taken);
			out->attempts = attempt;
			goto out;
		}
		if (stream.stopped || stream.delivered) {
			stream_failed(&stream, err);
			rc = err->code;
			break;
		}
		kind = retry_classify(rc, err->http_status, err->aws_code);
		if (kind == RETRY_NONE || attempt >= c->max_attempts)
			break;
		taken = retry_quota_acquire(&c->quota, kind);
		if (!taken) {
			error_prefix(err, "retry quota exhausted");
			break;
		}
		delay = retry_backoff_ms(attempt, clock_random(c->clock), c->retry_base_ms);
		debug_retry(c, call, attempt, err, delay);
		clock_sleep_ms(c->clock, delay);
	}
	if (attempt > 1) {
		size_t n = strlen(err->message);

		snprintf(err->message + n, sizeof(err->message) - n, " (after %d attempts)",
		         attempt);
	}
out:
	if (rc) {
		error_set_operation(err, call->operation);
		err->attempts = attempt;
		out->streamed = 0; /* out is empty after a failure: err says how far it got */
	}
	buf_release(&url);
	return rc;
}
