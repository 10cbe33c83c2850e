/* JSON 1.1 pagination (jsonrpc_paginate) against a scripted local server: the
 * token of each page goes into the next request under the service's key, a
 * token sent back unchanged is a loop, and a page handler can stop early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
#include "aws/jsonrpc.h"

#define MAX_PAGES 4

/* A server that answers request i with pages[i] (then {}), one connection a
 * request, and keeps the bodies it was sent. */
struct server {
	struct loopback net;
	const char *pages[MAX_PAGES];
	size_t n_pages;
	char *bodies[MAX_PAGES + 1];
	size_t n_bodies;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int conn;

	while ((conn = accept(s->net.fd, NULL, NULL)) >= 0) {
		char *body = loopback_read_request(conn);
		const char *page;
		struct buf out = BUF_INIT;

		if (!body) {
			close(conn);
			break; /* the test is over */
		}
		if (s->n_bodies <= MAX_PAGES)
			s->bodies[s->n_bodies] = body;
		else
			free(body);
		page = s->n_bodies < s->n_pages ? s->pages[s->n_bodies] : "{}";
		s->n_bodies++;
		buf_addf(&out,
		         "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
		         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		         strlen(page), page);
		if (write(conn, out.data, out.len) < 0)
			perror("write");
		buf_release(&out);
		close(conn);
	}
	return NULL;
}

static void server_start(struct server *s)
{
	loopback_start(&s->net, serve, s);
}

/* Wakes the accept loop with an empty connection and waits for it to end. */
static void server_stop(struct server *s)
{
	loopback_stop(&s->net);
}

static void server_release(struct server *s)
{
	for (size_t i = 0; i < s->n_bodies && i <= MAX_PAGES; i++)
		free(s->bodies[i]);
}

/* What the page handler saw. */
struct pages_seen {
	size_t n;
	int stop_after; /* > 0: return 1 after this many pages */
};

static int on_page(void *ctx, json_t *answer, char **next_token, struct aws_error *err)
{
	struct pages_seen *seen = ctx;
	const char *token = json_string_value(json_object_get(answer, "NextToken"));

	(void)err;
	seen->n++;
	*next_token = token ? strdup(token) : NULL;
	if (seen->stop_after && seen->n >= (size_t)seen->stop_after) {
		free(*next_token);
		*next_token = NULL;
		return 1;
	}
	return 0;
}

/* Runs jsonrpc_paginate against pages; returns its code. */
static int paginate(struct server *s, struct pages_seen *seen, struct aws_error *err)
{
	static const char *const vars[] = {NULL};
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};
	struct http_options hopt = {0};
	struct client_options copt = {0};
	struct buf url = BUF_INIT;
	struct http *http;
	struct client *c;
	json_t *req = json_pack("{s:i}", "MaxResults", 20);
	int rc;

	server_start(s);
	buf_addf(&url, "http://127.0.0.1:%d", s->net.port);
	http = http_new(&hopt, err);
	assert_non_null(http);
	copt.http = http;
	copt.env = &env;
	copt.endpoint_url = url.data;
	copt.max_attempts = 1;
	c = client_new(&copt);
	error_clear(err);
	rc = jsonrpc_paginate(c, SVC_ORGANIZATIONS, "us-east-1", "AWSOrganizationsV20161128",
	                      "ListAccounts", req, "NextToken", on_page, seen, err);
	client_free(c);
	http_free(http);
	json_decref(req);
	buf_release(&url);
	server_stop(s);
	return rc;
}

static void test_follows_tokens(void **state)
{
	struct server s = {.pages = {"{\"NextToken\": \"a\"}", "{\"NextToken\": \"b\"}", "{}"},
	                   .n_pages = 3};
	struct pages_seen seen = {0};
	struct aws_error err;

	assert_int_equal(paginate(&s, &seen, &err), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(s.n_bodies, 3);
	assert_string_equal(s.bodies[0], "{\"MaxResults\":20}");
	assert_string_equal(s.bodies[1], "{\"MaxResults\":20,\"NextToken\":\"a\"}");
	assert_string_equal(s.bodies[2], "{\"MaxResults\":20,\"NextToken\":\"b\"}");
	server_release(&s);
}

static void test_repeated_token_is_a_loop(void **state)
{
	struct server s = {.pages = {"{\"NextToken\": \"a\"}", "{\"NextToken\": \"a\"}"},
	                   .n_pages = 2};
	struct pages_seen seen = {0};
	struct aws_error err;

	assert_int_equal(paginate(&s, &seen, &err), ERR_PARSE);
	assert_int_equal(s.n_bodies, 2);
	assert_string_equal(err.message, "the same NextToken came back twice");
	assert_string_equal(err.operation, "ListAccounts");
	server_release(&s);
}

static void test_handler_stops_early(void **state)
{
	struct server s = {.pages = {"{\"NextToken\": \"a\"}", "{\"NextToken\": \"b\"}"},
	                   .n_pages = 2};
	struct pages_seen seen = {.stop_after = 1};
	struct aws_error err;

	assert_int_equal(paginate(&s, &seen, &err), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(s.n_bodies, 1);
	server_release(&s);
}

/* The parsers' copy of an optional string member. */
static void test_dup_string(void **state)
{
	json_t *obj = json_pack("{s:s, s:s, s:i, s:n, s:[s], s:{}}", "name", "flows", "empty", "",
	                        "number", 7, "null", "list", "x", "object");
	json_t *array = json_pack("[s]", "name");
	char *s;

	s = jsonrpc_dup_string(obj, "name");
	assert_string_equal(s, "flows");
	assert_ptr_not_equal(s, json_string_value(json_object_get(obj, "name")));
	free(s);
	s = jsonrpc_dup_string(obj, "empty");
	assert_string_equal(s, "");
	free(s);
	assert_null(jsonrpc_dup_string(obj, "number"));
	assert_null(jsonrpc_dup_string(obj, "null"));
	assert_null(jsonrpc_dup_string(obj, "list"));
	assert_null(jsonrpc_dup_string(obj, "object"));
	assert_null(jsonrpc_dup_string(obj, "absent"));
	assert_null(jsonrpc_dup_string(array, "name"));
	assert_null(jsonrpc_dup_string(NULL, "name"));
	json_decref(obj);
	json_decref(array);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_follows_tokens),
	    cmocka_unit_test(test_repeated_token_is_a_loop),
	    cmocka_unit_test(test_handler_stops_early),
	    cmocka_unit_test(test_dup_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
