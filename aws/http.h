/* HTTP transport over libcurl.
 *
 * A struct http is shared by every thread of the program: it keeps a small pool
 * of libcurl easy handles (each with its own connection cache), so connections
 * to an endpoint are reused and the number of connections is bounded by the pool
 * size. TLS is always verified. One http_send() is one attempt: retrying is the
 * client's job (aws/client.h). */
#ifndef VPCFLOW_AWS_HTTP_H
#define VPCFLOW_AWS_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "aws/buf.h"

struct aws_error;
struct env;

struct http_header {
	char *name;
	char *value;
};

/* An ordered list of headers; names compare case-insensitively. */
struct http_headers {
	struct http_header *v;
	size_t n, alloc;
};

void headers_init(struct http_headers *h);
void headers_release(struct http_headers *h);
/* Appends a copy of name and value. */
void headers_add(struct http_headers *h, const char *name, const char *value);
/* Replaces every header called name by one with value (appends if absent). */
void headers_set(struct http_headers *h, const char *name, const char *value);
/* The first value of name, borrowed; NULL if absent. */
const char *headers_get(const struct http_headers *h, const char *name);

/* A request, borrowed by http_send for the duration of the call. */
struct http_request {
	const char *method;
	const char *url; /* absolute: scheme, host, path, query */
	struct http_headers headers;
	const char *body; /* may be NULL when body_len is 0 */
	size_t body_len;
	/* When set, the body of a 2xx answer is handed to on_body in the chunks
	 * libcurl delivers (the status is known before the first one) instead of
	 * being kept in out->body, and max_body does not bound it; other answers
	 * are read whole. A non-zero return stops the transfer: http_send then
	 * fails with ERR_IO. out->streamed counts what was handed over. */
	int (*on_body)(void *ctx, const char *data, size_t len);
	void *on_body_ctx;
};

/* A response; caller-owned, filled by http_send. */
struct http_response {
	long status;
	struct http_headers headers;
	struct buf body;
	/* Body bytes handed to req->on_body, the chunk it refused included. Set
	 * by http_send whether or not it fails, so that a caller can tell a
	 * transfer that broke off after some of the body was delivered. */
	size_t streamed;
	int attempts; /* set by client_send: how many attempts the call took */
};

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

struct http_options {
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* whole request; streamed: longest wait for data; 0: 60 s */
	size_t max_body;         /* response body cap; 0: 256 MiB */
	int pool_size;           /* easy handles kept; 0: 8 */
	const char *ca_bundle;   /* AWS_CA_BUNDLE, or NULL for the system store */
	FILE *debug;             /* wire log (redacted) when non-NULL */
};

struct http;

/* Fills the options from the environment (AWS_CA_BUNDLE, and
 * VPCFLOW_TIMEOUT_MS, a test-only knob for the request timeout; libcurl itself
 * reads the proxy variables). */
void http_options_from_env(struct http_options *opt, const struct env *env);
/* Returns a new transport, owned by the caller (http_free); NULL with err set if
 * libcurl cannot be initialised. */
struct http *http_new(const struct http_options *opt, struct aws_error *err);
void http_free(struct http *http);
/* Sends one request. Returns 0 when any HTTP response arrived (whatever its
 * status), ERR_NETWORK / ERR_TIMEOUT / ERR_PARSE (body over max_body) / ERR_IO
 * (req->on_body stopped the transfer; http_send fails with ERR_IO for nothing
 * else) otherwise. A streamed 2xx answer returns 0 only when its whole body
 * was delivered. On failure out is empty but for out->streamed. */
int http_send(struct http *http, const struct http_request *req, struct http_response *out,
              struct aws_error *err);

/* Writes a redacted copy of a header value for logs: Authorization keeps only
 * the credential scope, security tokens and secrets become "<redacted>". */
void http_redact_header(struct buf *out, const char *name, const char *value);
/* Appends a copy of a body (or URL) with the values of secret fields
 * (SecretAccessKey, SessionToken, WebIdentityToken, Token, X-Amz-Signature, ...)
 * replaced by "<redacted>", in XML, JSON and form or query syntax. */
void http_redact_body(struct buf *out, const char *body, size_t len);

#endif
