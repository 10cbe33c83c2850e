/* Describe filters of more than EC2_FILTER_VALUES values, against a scripted
 * local server: the values go out in batches of at most 200, one request (with
 * its pages) for each combination of batches, and the answers are concatenated
 * in order; a batch that fails fails the call and leaves nothing behind. */
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
#include "aws/ec2.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/strlist.h"

#define MAX_REQUESTS 16
#define MAX_VALUES   1000

/* What one request carried. */
struct seen {
	size_t n_values[2]; /* values of Filter.1 and Filter.2 */
	char *first[2];     /* their first value (owned), or NULL */
	int has_token;
};

/* A server that answers DescribeFlowLogs with one flow log for each value
 * of Filter.1, in order. With paged set, a request without NextToken gets
 * the first flow log and a token, the request that sends it the others.
 * fail_at > 0 answers that request (1-based) with an EC2 error. */
struct server {
	struct loopback net;
	int paged;
	size_t fail_at;
	struct seen seen[MAX_REQUESTS];
	size_t n_requests;
};

/* Fills values (indexed by N - 1) from Filter.<filter>.Value.N=... in a form
 * body; IDs need no decoding. Returns how many there are. */
static size_t form_values(char **values, const char *body, int filter)
{
	char prefix[32];
	size_t n = 0, plen;

	snprintf(prefix, sizeof(prefix), "Filter.%d.Value.", filter);
	plen = strlen(prefix);
	for (const char *p = body; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
		const char *eq = strchr(p, '='), *amp = strchr(p, '&');
		unsigned long at;

		if (strncmp(p, prefix, plen) != 0 || !eq)
			continue;
		at = strtoul(p + plen, NULL, 10);
		if (at < 1 || at > MAX_VALUES || values[at - 1])
			continue; /* not a value vpcflow sends: the counts will tell */
		values[at - 1] = strndup(eq + 1, amp ? (size_t)(amp - eq - 1) : strlen(eq + 1));
		if (at > n)
			n = at;
	}
	return n;
}

/* The answer to one request whose Filter.1 values are v[0..n). */
static void answer(struct buf *out, struct server *s, char **v, size_t n, int has_token)
{
	size_t from = 0, to = n;

	buf_addstr(out, "<DescribeFlowLogsResponse xmlns=\"http://ec2.amazonaws.com/doc/"
	                "2016-11-15/\"><requestId>r</requestId><flowLogSet>");
	if (s->paged && has_token)
		from = 1;
	else if (s->paged && n)
		to = 1;
	for (size_t i = from; i < to; i++)
		buf_addf(out, "<item><flowLogId>%s</flowLogId></item>", v[i]);
	buf_addstr(out, "</flowLogSet>");
	if (s->paged && !has_token)
		buf_addstr(out, "<nextToken>page2</nextToken>");
	buf_addstr(out, "</DescribeFlowLogsResponse>");
}

static void *serve(void *arg)
{
	static const char failure[] =
	    "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message>"
	    "</Error></Errors><RequestID>r</RequestID></Response>";
	struct server *s = arg;
	int conn;

	while ((conn = accept(s->net.fd, NULL, NULL)) >= 0) {
		char *body = loopback_read_request(conn), *v[2][MAX_VALUES] = {{0}};
		struct buf page = BUF_INIT, out = BUF_INIT;
		struct seen *seen;
		int fail;

		if (!body) {
			close(conn);
			break; /* the test is over */
		}
		/* No cmocka assertion on this thread: a test counts the requests. */
		seen = &s->seen[s->n_requests < MAX_REQUESTS ? s->n_requests : MAX_REQUESTS - 1];
		s->n_requests++;
		for (int f = 0; f < 2; f++)
			free(seen->first[f]);
		fail = s->fail_at == s->n_requests;
		for (int f = 0; f < 2; f++) {
			seen->n_values[f] = form_values(v[f], body, f + 1);
			seen->first[f] = v[f][0] ? strdup(v[f][0]) : NULL;
		}
		seen->has_token = strstr(body, "NextToken=") != NULL;
		if (fail)
			buf_addstr(&page, failure);
		else
			answer(&page, s, v[0], seen->n_values[0], seen->has_token);
		buf_addf(&out,
		         "HTTP/1.1 %s\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n"
		         "Connection: close\r\n\r\n%s",
		         fail ? "403 Forbidden" : "200 OK", page.len, page.data);
		if (write(conn, out.data, out.len) < 0)
			perror("write");
		for (int f = 0; f < 2; f++)
			for (size_t i = 0; i < MAX_VALUES; i++)
				free(v[f][i]);
		buf_release(&page);
		buf_release(&out);
		free(body);
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
	for (size_t i = 0; i < s->n_requests && i < MAX_REQUESTS; i++)
		for (int f = 0; f < 2; f++)
			free(s->seen[i].first[f]);
}

/* n IDs "fl-<prefix><index>", owned by out. */
static void make_ids(struct strlist *out, const char *prefix, size_t n)
{
	char id[64];

	strlist_init(out);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "fl-%s%04zu", prefix, i);
		strlist_add(out, id);
	}
}

/* Runs ec2_describe_flow_logs with filters against s; returns its code. */
static int describe(struct ec2_flow_log_list *out, struct server *s,
                    const struct ec2_filter *filters, size_t n_filters, struct aws_error *err)
{
	static const char *const vars[] = {NULL};
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};
	struct http_options hopt = {0};
	struct client_options copt = {0};
	struct buf url = BUF_INIT;
	struct http *http;
	struct client *c;
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
	rc = ec2_describe_flow_logs(out, c, "us-east-1", filters, n_filters, err);
	client_free(c);
	http_free(http);
	buf_release(&url);
	server_stop(s);
	return rc;
}

/* 450 IDs: requests of 200, 200 and 50, the answers in the order sent. */
static void test_one_filter_in_batches(void **state)
{
	struct server s = {0};
	struct ec2_flow_log_list l;
	struct aws_error err;
	struct strlist ids;
	struct ec2_filter f;

	make_ids(&ids, "a", 450);
	f = (struct ec2_filter){"flow-log-id", (const char *const *)ids.v, ids.n};
	assert_int_equal(describe(&l, &s, &f, 1, &err), 0);
	assert_int_equal(s.n_requests, 3);
	assert_int_equal(s.seen[0].n_values[0], 200);
	assert_int_equal(s.seen[1].n_values[0], 200);
	assert_int_equal(s.seen[2].n_values[0], 50);
	assert_string_equal(s.seen[0].first[0], "fl-a0000");
	assert_string_equal(s.seen[1].first[0], "fl-a0200");
	assert_string_equal(s.seen[2].first[0], "fl-a0400");
	assert_int_equal(l.n, 450);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].flow_log_id, ids.v[i]);
	ec2_flow_log_list_release(&l);
	strlist_release(&ids);
	server_release(&s);
}

/* Exactly 200 values, and none: one request each. */
static void test_within_the_limit_is_one_request(void **state)
{
	struct server s = {0}, none = {0};
	struct ec2_flow_log_list l;
	struct aws_error err;
	struct strlist ids;
	struct ec2_filter f;

	make_ids(&ids, "b", 200);
	f = (struct ec2_filter){"flow-log-id", (const char *const *)ids.v, ids.n};
	assert_int_equal(describe(&l, &s, &f, 1, &err), 0);
	assert_int_equal(s.n_requests, 1);
	assert_int_equal(s.seen[0].n_values[0], 200);
	assert_int_equal(l.n, 200);
	ec2_flow_log_list_release(&l);

	assert_int_equal(describe(&l, &none, NULL, 0, &err), 0);
	assert_int_equal(none.n_requests, 1);
	assert_int_equal(none.seen[0].n_values[0], 0);
	assert_int_equal(l.n, 0);
	strlist_release(&ids);
	server_release(&s);
	server_release(&none);
}

/* Two long filters: one request for every pair of their batches. */
static void test_two_filters_combine(void **state)
{
	struct server s = {0};
	struct ec2_flow_log_list l;
	struct aws_error err;
	struct strlist a, b;
	struct ec2_filter f[2];

	make_ids(&a, "c", 250);
	make_ids(&b, "d", 201);
	f[0] = (struct ec2_filter){"flow-log-id", (const char *const *)a.v, a.n};
	f[1] = (struct ec2_filter){"resource-id", (const char *const *)b.v, b.n};
	assert_int_equal(describe(&l, &s, f, 2, &err), 0);
	assert_int_equal(s.n_requests, 4);
	/* The first filter's batches turn fastest. */
	assert_int_equal(s.seen[0].n_values[0], 200);
	assert_int_equal(s.seen[0].n_values[1], 200);
	assert_int_equal(s.seen[1].n_values[0], 50);
	assert_int_equal(s.seen[1].n_values[1], 200);
	assert_int_equal(s.seen[2].n_values[0], 200);
	assert_int_equal(s.seen[2].n_values[1], 1);
	assert_int_equal(s.seen[3].n_values[0], 50);
	assert_int_equal(s.seen[3].n_values[1], 1);
	assert_string_equal(s.seen[3].first[0], "fl-c0200");
	assert_string_equal(s.seen[3].first[1], "fl-d0200");
	assert_int_equal(l.n, 500);
	ec2_flow_log_list_release(&l);
	strlist_release(&a);
	strlist_release(&b);
	server_release(&s);
}

/* Each batch follows its own NextToken before the next batch is sent. */
static void test_each_batch_is_paged(void **state)
{
	struct server s = {.paged = 1};
	struct ec2_flow_log_list l;
	struct aws_error err;
	struct strlist ids;
	struct ec2_filter f;

	make_ids(&ids, "e", 300);
	f = (struct ec2_filter){"flow-log-id", (const char *const *)ids.v, ids.n};
	assert_int_equal(describe(&l, &s, &f, 1, &err), 0);
	assert_int_equal(s.n_requests, 4);
	assert_false(s.seen[0].has_token);
	assert_true(s.seen[1].has_token);
	assert_false(s.seen[2].has_token);
	assert_true(s.seen[3].has_token);
	assert_int_equal(s.seen[2].n_values[0], 100);
	assert_int_equal(l.n, 300);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].flow_log_id, ids.v[i]);
	ec2_flow_log_list_release(&l);
	strlist_release(&ids);
	server_release(&s);
}

/* A batch that fails stops the call: no further request, and out empty. */
static void test_failed_batch_fails_the_call(void **state)
{
	struct server s = {.fail_at = 2};
	struct ec2_flow_log_list l;
	struct aws_error err;
	struct strlist ids;
	struct ec2_filter f;

	make_ids(&ids, "f", 601);
	f = (struct ec2_filter){"flow-log-id", (const char *const *)ids.v, ids.n};
	assert_int_equal(describe(&l, &s, &f, 1, &err), ERR_SERVICE);
	assert_string_equal(err.aws_code, "UnauthorizedOperation");
	assert_int_equal(s.n_requests, 2);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	strlist_release(&ids);
	server_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_filter_in_batches),
	    cmocka_unit_test(test_within_the_limit_is_one_request),
	    cmocka_unit_test(test_two_filters_combine),
	    cmocka_unit_test(test_each_batch_is_paged),
	    cmocka_unit_test(test_failed_batch_fails_the_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
