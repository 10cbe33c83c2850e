/* One AWS call, end to end: resolve the endpoint, get credentials, sign, send,
 * retry by the SDKs' standard retry mode, and turn any failure into a struct
 * aws_error (HTTP status, AWS error code, message, request ID).
 *
 * A client is immutable after client_new() and safe to use from several
 * threads at once; the region is chosen per call. */
#ifndef VPCFLOW_AWS_CLIENT_H
#define VPCFLOW_AWS_CLIENT_H

#include <stddef.h>
#include <stdio.h>

#include "aws/endpoint.h"
#include "aws/http.h"

struct aws_error;
struct clock;
struct creds_provider;
struct env;

/* How a service encodes its errors (and, for the caller, its answers). */
enum protocol {
	PROTO_EC2,      /* EC2 query: <Response><Errors><Error><Code>... */
	PROTO_QUERY,    /* IAM/STS query: <ErrorResponse><Error><Code>... */
	PROTO_JSON,     /* JSON 1.1: {"__type": ..., "message": ...}; an XML body is read too */
	PROTO_REST_XML, /* S3: <Error><Code>...; HEAD errors carry no body */
};

struct client_options {
	struct http *http;            /* borrowed */
	struct creds_provider *creds; /* borrowed; NULL sends unsigned requests */
	const struct env *env;        /* endpoint variables; NULL: process environment */
	const struct clock *clock;    /* NULL: system clock */
	const char *endpoint_url;     /* --endpoint-url, or NULL */
	int max_attempts;             /* 0: AWS_MAX_ATTEMPTS, else 3 (standard mode) */
	FILE *debug;                  /* request/response log (redacted), or NULL */
	/* Backoff base; 0: VPCFLOW_RETRY_BASE_MS from env (test-only), else
	 * 1000 ms (the SDKs'); see retry_base_ms(). */
	long retry_base_ms;
};

struct client;

/* Returns a client owned by the caller; the options' pointers are borrowed. */
struct client *client_new(const struct client_options *opt);
void client_free(struct client *c);

struct client_call {
	enum service service;
	enum protocol protocol;
	const char *region;                 /* NULL: the service's home region (global services) */
	const char *operation;              /* "DescribeVpcs": named in errors and logs */
	const char *method;                 /* "GET", "POST", ... */
	const char *path;                   /* already URI-encoded, starts with '/' */
	const char *query;                  /* already encoded, without '?', or NULL */
	const struct http_headers *headers; /* extra headers, or NULL */
	const char *body;
	size_t body_len;
	/* S3: the bucket the call addresses. path must then be the key part
	 * ("/" or "/key"); the client puts the bucket in the host name
	 * (virtual-hosted style) or in front of path (path style, whenever the
	 * endpoint says so). NULL for calls that name no bucket. */
	const char *bucket;
	/* When set, the body of a 2xx answer is handed over in chunks as it
	 * arrives instead of being kept in out->body (error bodies are still
	 * read whole). A non-zero return aborts the transfer; the call then fails
	 * with ERR_IO and is not retried. A call whose attempt fails after some
	 * chunks were delivered is not retried either. */
	int (*on_body)(void *ctx, const char *data, size_t len);
	void *on_body_ctx;
};

/* Performs the call. On a 2xx answer returns 0 with the response in out (the
 * caller releases it; out->body is empty when on_body took it). Otherwise
 * returns ERR_SERVICE (err->aws_code set from the body, or from the status for
 * bodiless answers: "NotFound", "Forbidden", ...), ERR_NETWORK, ERR_TIMEOUT,
 * ERR_CREDENTIALS, ERR_PARSE, ERR_INVALID (a bad bucket name) or ERR_IO (on_body
 * stopped the transfer), with err->operation, err->http_status,
 * err->request_id and err->attempts filled, and out empty. Throttling codes,
 * 5xx, 429 and connection errors are retried with exponential backoff and full
 * jitter; out->attempts says how many attempts the call took.
 *
 * The response headers of a failed call are not kept: what callers need of
 * them is copied into err by client_parse_error (request ID, and for S3 the
 * x-amz-bucket-region header of a 301 or 403 into err->bucket_region), so out
 * never holds anything to release after a failure. */
int client_send(struct client *c, const struct client_call *call, struct http_response *out,
                struct aws_error *err);

/* Reads the error answer of a call (status not 2xx) into err by protocol:
 * code, message and request ID from an XML or JSON body (either, whatever the
 * protocol), else from the status ("NotFound", "Forbidden", ...) with the first
 * bytes of the body; err->bucket_region from an x-amz-bucket-region header.
 * Sets err->code and err->http_status; returns ERR_SERVICE. Never fails,
 * whatever the body holds (a fuzz target). */
int client_parse_error(enum protocol proto, const struct http_response *resp,
                       struct aws_error *err);

/* The signing region and endpoint a call would use (for tests and --debug). */
int client_endpoint(struct client *c, enum service svc, const char *region, struct endpoint *out,
                    struct aws_error *err);
/* Appends the URL call is sent to (endpoint_request_url: its host is the Host
 * header signed, virtual-hosted for an S3 bucket where possible) and fills ep
 * with the endpoint it resolves to. No network; for client_send, tests and
 * --debug. */
int client_url(struct buf *out, struct endpoint *ep, struct client *c,
               const struct client_call *call, struct aws_error *err);

#endif
