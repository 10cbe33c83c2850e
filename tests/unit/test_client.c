/* Streamed bodies against a local one-answer server: the transport counts what
 * reached the body callback (out->streamed), and client_send uses that count
 * to say how far a stopped transfer got and not to send it again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/loopback.h"

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"

#define BODY_BYTES 200000

/* A server that answers every request with status and a body of BODY_BYTES
 * 'x's, one connection a request, and counts the requests. */
struct server {
	struct loopback net;
	int status;
	int requests;
};

/* Reads up to the end of the request head; 0 when the peer is gone first. */
static int read_head(int fd)
{
	struct buf in = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int ok = 0;

	while (!strstr(in.data, "\r\n\r\n")) {
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			goto out;
		buf_add(&in, chunk, (size_t)n);
	}
	ok = 1;
out:
	buf_release(&in);
	return ok;
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct buf out = BUF_INIT;
	int conn;

	while ((conn = accept(s->net.fd, NULL, NULL)) >= 0) {
		if (!read_head(conn)) {
			close(conn);
			break; /* the test is over */
		}
		s->requests++;
		buf_reset(&out);
		buf_addf(&out, "HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		         s->status, BODY_BYTES);
		for (int i = 0; i < BODY_BYTES; i++)
			buf_addch(&out, 'x');
		/* The client may hang up early: no SIGPIPE for that. */
		if (send(conn, out.data, out.len, MSG_NOSIGNAL) < 0)
			(void)0;
		close(conn);
	}
	buf_release(&out);
	return NULL;
}

static void server_start(struct server *s, int status)
{
	memset(s, 0, sizeof(*s));
	s->status = status;
	loopback_start(&s->net, serve, s);
}

/* Wakes the accept loop with an empty connection and waits for it to end. */
static void server_stop(struct server *s)
{
	loopback_stop(&s->net);
}

/* A body callback: counts what it was handed, refuses the chunk that takes
 * the total to stop_after or past it (0: never). */
struct sink {
	size_t bytes;
	int chunks;
	size_t stop_after;
};

static int on_body(void *ctx, const char *data, size_t len)
{
	struct sink *k = ctx;

	(void)data;
	k->bytes += len;
	k->chunks++;
	return k->stop_after && k->bytes >= k->stop_after ? 1 : 0;
}

static int send_raw(struct server *s, struct sink *k, struct http_response *out,
                    struct aws_error *err)
{
	struct http_options hopt = {0};
	struct http_request req = {0};
	struct buf url = BUF_INIT;
	struct http *http = http_new(&hopt, err);
	int rc;

	assert_non_null(http);
	buf_addf(&url, "http://127.0.0.1:%d/k", s->net.port);
	req.method = "GET";
	req.url = url.data;
	headers_init(&req.headers);
	req.on_body = on_body;
	req.on_body_ctx = k;
	error_clear(err);
	rc = http_send(http, &req, out, err);
	headers_release(&req.headers);
	buf_release(&url);
	http_free(http);
	return rc;
}

static void test_http_counts_streamed_body(void **state)
{
	struct server s;
	struct sink k = {0};
	struct http_response out;
	struct aws_error err;

	server_start(&s, 200);
	assert_int_equal(send_raw(&s, &k, &out, &err), 0);
	server_stop(&s);
	assert_int_equal(out.status, 200);
	assert_int_equal(out.streamed, BODY_BYTES);
	assert_int_equal(k.bytes, BODY_BYTES);
	assert_int_equal(out.body.len, 0);
	http_response_release(&out);
	assert_int_equal(out.streamed, 0);
}

/* The chunk the callback refused counts: it was handed over. */
static void test_http_counts_refused_chunk(void **state)
{
	struct server s;
	struct sink k = {0, 0, 1};
	struct http_response out;
	struct aws_error err;
	char want[96];

	server_start(&s, 200);
	assert_int_equal(send_raw(&s, &k, &out, &err), ERR_IO);
	server_stop(&s);
	assert_int_equal(k.chunks, 1);
	assert_true(k.bytes > 0);
	assert_int_equal(out.streamed, k.bytes);
	assert_int_equal(out.status, 0);
	assert_int_equal(out.body.len, 0);
	snprintf(want, sizeof(want), "the receiver stopped the transfer after %zu bytes", k.bytes);
	assert_string_equal(err.message, want);
}

/* An error answer is read whole, never streamed. */
static void test_http_error_body_not_streamed(void **state)
{
	struct server s;
	struct sink k = {0};
	struct http_response out;
	struct aws_error err;

	server_start(&s, 500);
	assert_int_equal(send_raw(&s, &k, &out, &err), 0);
	server_stop(&s);
	assert_int_equal(out.status, 500);
	assert_int_equal(out.streamed, 0);
	assert_int_equal(k.bytes, 0);
	assert_int_equal(out.body.len, BODY_BYTES);
	http_response_release(&out);
}

/* Runs one streamed S3 GET through client_send with three attempts allowed. */
static int send_call(struct server *s, struct sink *k, struct http_response *out,
                     struct aws_error *err)
{
	static const char *const vars[] = {"VPCFLOW_RETRY_BASE_MS=1", NULL};
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};
	struct http_options hopt = {0};
	struct client_options copt = {0};
	struct client_call call = {0};
	struct buf url = BUF_INIT;
	struct http *http = http_new(&hopt, err);
	struct client *c;
	int rc;

	assert_non_null(http);
	buf_addf(&url, "http://127.0.0.1:%d", s->net.port);
	copt.http = http;
	copt.env = &env;
	copt.endpoint_url = url.data;
	copt.max_attempts = 3;
	c = client_new(&copt);
	call.service = SVC_S3;
	call.protocol = PROTO_REST_XML;
	call.region = "us-east-1";
	call.operation = "GetObject";
	call.method = "GET";
	call.path = "/k";
	call.on_body = on_body;
	call.on_body_ctx = k;
	rc = client_send(c, &call, out, err);
	client_free(c);
	http_free(http);
	buf_release(&url);
	return rc;
}

static void test_client_stop_names_bytes_handed_over(void **state)
{
	struct server s;
	struct sink k = {0, 0, 1000};
	struct http_response out;
	struct aws_error err;
	char want[96];

	server_start(&s, 200);
	assert_int_equal(send_call(&s, &k, &out, &err), ERR_IO);
	server_stop(&s);
	assert_int_equal(s.requests, 1); /* never sent again */
	assert_int_equal(err.code, ERR_IO);
	assert_int_equal(err.attempts, 1);
	snprintf(want, sizeof(want), "the body callback stopped the transfer after %zu bytes",
	         k.bytes);
	assert_string_equal(err.message, want);
	assert_int_equal(out.body.len, 0);
}

static void test_client_streams_whole_body(void **state)
{
	struct server s;
	struct sink k = {0};
	struct http_response out;
	struct aws_error err;

	server_start(&s, 200);
	assert_int_equal(send_call(&s, &k, &out, &err), 0);
	server_stop(&s);
	assert_int_equal(s.requests, 1);
	assert_int_equal(out.attempts, 1);
	assert_int_equal(k.bytes, BODY_BYTES);
	assert_int_equal(out.streamed, BODY_BYTES);
	http_response_release(&out);
}

/* A 503 delivers nothing to the callback, so it is retried. */
static void test_client_retries_undelivered(void **state)
{
	struct server s;
	struct sink k = {0};
	struct http_response out;
	struct aws_error err;

	server_start(&s, 503);
	assert_int_equal(send_call(&s, &k, &out, &err), ERR_SERVICE);
	server_stop(&s);
	assert_int_equal(s.requests, 3);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(k.bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http_counts_streamed_body),
	    cmocka_unit_test(test_http_counts_refused_chunk),
	    cmocka_unit_test(test_http_error_body_not_streamed),
	    cmocka_unit_test(test_client_stop_names_bytes_handed_over),
	    cmocka_unit_test(test_client_streams_whole_body),
	    cmocka_unit_test(test_client_retries_undelivered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
