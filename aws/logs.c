/* CloudWatch Logs: log groups, retention, tags and FilterLogEvents. */
#include "aws/logs.h"

#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/jsonrpc.h"
#include "aws/xalloc.h"

/* The most log groups a DescribeLogGroups page may hold. */
#define GROUPS_PAGE 50
/* The most events a FilterLogEvents page may hold. */
#define EVENTS_PAGE 10000

/* The number member key of obj into *out (left alone when absent); -1 when it
 * is present but not a number. */
static int int64_member(int64_t *out, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		*out = (int64_t)json_integer_value(v);
	else if (json_is_real(v)) {
		double d = json_real_value(v);

		/* Out of int64_t's range the conversion is undefined. */
		if (!(d > -9e18 && d < 9e18))
			return -1;
		*out = (int64_t)d;
	} else
		return -1;
	return 0;
}

/* Sets ERR_PARSE for operation's answer. */
static int bad_answer(struct aws_error *err, const char *operation, const char *what)
{
	error_set(err, ERR_PARSE, "%s", what);
	error_set_operation(err, operation);
	return ERR_PARSE;
}

/* The nextToken of answer (owned), or NULL when absent or empty. */
static char *next_token_of(json_t *answer)
{
	const char *s = json_string_value(json_object_get(answer, "nextToken"));

	return s && *s ? xstrdup(s) : NULL;
}

void logs_group_list_release(struct logs_group_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arn);
		free(l->v[i].log_group_arn);
		free(l->v[i].log_group_class);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The ARN without a trailing ":*", owned. */
static char *bare_arn(const char *arn)
{
	size_t n = strlen(arn);

	if (n >= 2 && strcmp(arn + n - 2, ":*") == 0)
		n -= 2;
	return xstrndup(arn, n);
}

/* Fills g from one element of logGroups. */
static int parse_group(struct logs_group *g, json_t *obj, struct aws_error *err)
{
	const char *op = "DescribeLogGroups";
	int64_t retention = 0;

	if (!json_is_object(obj))
		return bad_answer(err, op, "a log group that is not an object");
	g->name = jsonrpc_dup_string(obj, "logGroupName");
	g->arn = jsonrpc_dup_string(obj, "arn");
	g->log_group_arn = jsonrpc_dup_string(obj, "logGroupArn");
	g->log_group_class = jsonrpc_dup_string(obj, "logGroupClass");
	if (!g->log_group_arn && g->arn)
		g->log_group_arn = bare_arn(g->arn);
	if (!g->name)
		return bad_answer(err, op, "a log group without logGroupName");
	if (int64_member(&retention, obj, "retentionInDays") ||
	    int64_member(&g->stored_bytes, obj, "storedBytes") ||
	    int64_member(&g->creation_time, obj, "creationTime"))
		return bad_answer(err, op, "a log group field that should be a number is not");
	if (retention < 0 || retention > 100000)
		return bad_answer(err, op, "retentionInDays is out of range");
	g->retention_in_days = (int)retention;
	return 0;
}

int logs_parse_log_groups(struct logs_group_list *out, json_t *answer, char **next_token,
                          struct aws_error *err)
{
	json_t *groups = json_object_get(answer, "logGroups"), *g;
	size_t i;
	int rc = 0;

	*next_token = NULL;
	if (!json_is_object(answer))
		return bad_answer(err, "DescribeLogGroups", "the answer is not a JSON object");
	/* An answer without the list it exists for is no page of it (an empty
	 * 200 body reads as {}): AWS always sends the array, empty or not. */
	if (!groups)
		return bad_answer(err, "DescribeLogGroups", "the answer has no logGroups");
	if (!json_is_array(groups))
		return bad_answer(err, "DescribeLogGroups", "logGroups is not an array");
	json_array_foreach(groups, i, g)
	{
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		memset(&out->v[out->n], 0, sizeof(out->v[0]));
		rc = parse_group(&out->v[out->n++], g, err);
		if (rc)
			return rc;
	}
	*next_token = next_token_of(answer);
	return 0;
}

/* A string member, borrowed, "" when absent. */
static const char *str_member(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

int logs_parse_events(json_t *answer, int (*on_event)(void *ctx, const struct logs_event *ev),
                      void *ctx, char **next_token, struct aws_error *err)
{
	const char *op = "FilterLogEvents";
	json_t *events = json_object_get(answer, "events"), *e;
	struct logs_event ev;
	size_t i;
	int rc;

	*next_token = NULL;
	if (!json_is_object(answer))
		return bad_answer(err, op, "the answer is not a JSON object");
	if (!events) /* as for logGroups above */
		return bad_answer(err, op, "the answer has no events");
	if (!json_is_array(events))
		return bad_answer(err, op, "events is not an array");
	json_array_foreach(events, i, e)
	{
		if (!json_is_object(e))
			return bad_answer(err, op, "an event that is not an object");
		memset(&ev, 0, sizeof(ev));
		ev.log_stream_name = str_member(e, "logStreamName");
		ev.message = str_member(e, "message");
		ev.event_id = str_member(e, "eventId");
		if (int64_member(&ev.timestamp, e, "timestamp") ||
		    int64_member(&ev.ingestion_time, e, "ingestionTime"))
			return bad_answer(err, op, "an event time that is not a number");
		rc = on_event(ctx, &ev);
		if (rc)
			return rc;
	}
	*next_token = next_token_of(answer);
	return 0;
}

/* Calls operation with request (stolen) and drops the answer. */
static int call_void(struct client *c, const char *region, const char *operation, json_t *request,
                     struct aws_error *err)
{
	json_t *answer = NULL;
	int rc;

	rc =
	    jsonrpc_call(c, SVC_LOGS, region, LOGS_TARGET_PREFIX, operation, request, &answer, err);
	json_decref(request);
	json_decref(answer);
	return rc;
}

int logs_create_log_group(struct client *c, const char *region, const char *name,
                          const struct tag_list *tags, struct aws_error *err)
{
	json_t *req = json_pack("{s:s}", "logGroupName", name);

	if (tags && tags->n)
		json_object_set_new(req, "tags", tag_list_to_json(tags));
	return call_void(c, region, "CreateLogGroup", req, err);
}

/* Pages through DescribeLogGroups for logs_describe_log_groups. */
static int group_page(void *ctx, json_t *answer, char **next_token, struct aws_error *err)
{
	return logs_parse_log_groups(ctx, answer, next_token, err);
}

int logs_describe_log_groups(struct logs_group_list *out, struct client *c, const char *region,
                             const char *prefix, struct aws_error *err)
{
	json_t *req = json_pack("{s:i}", "limit", GROUPS_PAGE);
	int rc;

	memset(out, 0, sizeof(*out));
	if (prefix)
		json_object_set_new(req, "logGroupNamePrefix", json_string(prefix));
	rc = jsonrpc_paginate(c, SVC_LOGS, region, LOGS_TARGET_PREFIX, "DescribeLogGroups", req,
	                      "nextToken", group_page, out, err);
	if (rc)
		logs_group_list_release(out);
	json_decref(req);
	return rc;
}

int logs_put_retention_policy(struct client *c, const char *region, const char *name, int days,
                              struct aws_error *err)
{
	return call_void(c, region, "PutRetentionPolicy",
	                 json_pack("{s:s, s:i}", "logGroupName", name, "retentionInDays", days),
	                 err);
}

int logs_delete_retention_policy(struct client *c, const char *region, const char *name,
                                 struct aws_error *err)
{
	return call_void(c, region, "DeleteRetentionPolicy",
	                 json_pack("{s:s}", "logGroupName", name), err);
}

int logs_tag_resource(struct client *c, const char *region, const char *arn,
                      const struct tag_list *tags, struct aws_error *err)
{
	char *bare = bare_arn(arn);
	json_t *req = json_pack("{s:s, s:o}", "resourceArn", bare, "tags", tag_list_to_json(tags));

	free(bare);
	return call_void(c, region, "TagResource", req, err);
}

int logs_list_tags_for_resource(struct tag_list *out, struct client *c, const char *region,
                                const char *arn, struct aws_error *err)
{
	char *bare = bare_arn(arn);
	json_t *req = json_pack("{s:s}", "resourceArn", bare), *answer = NULL;
	int rc;

	tag_list_init(out);
	rc = jsonrpc_call(c, SVC_LOGS, region, LOGS_TARGET_PREFIX, "ListTagsForResource", req,
	                  &answer, err);
	if (rc)
		goto out;
	rc = tag_list_parse_json(out, json_object_get(answer, "tags"), err);
	if (rc) {
		error_set_operation(err, "ListTagsForResource");
		tag_list_release(out);
	}
out:
	free(bare);
	json_decref(req);
	json_decref(answer);
	return rc;
}

int logs_delete_log_group(struct client *c, const char *region, const char *name,
                          struct aws_error *err)
{
	return call_void(c, region, "DeleteLogGroup", json_pack("{s:s}", "logGroupName", name),
	                 err);
}

/* Counts delivered events for logs_filter_events and stops at the limit. req
 * is the FilterLogEvents request, whose limit shrinks as the total nears. */
struct limit_ctx {
	int (*on_event)(void *ctx, const struct logs_event *ev);
	void *ctx;
	long limit; /* 0: none */
	long delivered;
	json_t *req;
};

/* The callback logs_filter_events() hands the parser: counts, then calls the
 * caller's, and stops once the limit is reached. */
static int limited_event(void *ctx, const struct logs_event *ev)
{
	struct limit_ctx *l = ctx;
	int rc = l->on_event(l->ctx, ev);

	l->delivered++;
	if (rc == 0 && l->limit && l->delivered >= l->limit)
		rc = 1;
	return rc;
}

/* The most events the next page may hold: a page, or what is left of the limit. */
static long page_size(const struct limit_ctx *l)
{
	if (l->limit && l->limit - l->delivered < EVENTS_PAGE)
		return l->limit - l->delivered;
	return EVENTS_PAGE;
}

/* Pages through FilterLogEvents for logs_filter_events. */
static int event_page(void *ctx, json_t *answer, char **next_token, struct aws_error *err)
{
	struct limit_ctx *l = ctx;
	int rc = logs_parse_events(answer, limited_event, l, next_token, err);

	if (rc == 0)
		json_object_set_new(l->req, "limit", json_integer(page_size(l)));
	return rc;
}

/* The FilterLogEvents request for the first page. */
static json_t *filter_request(const struct logs_filter *f, long page)
{
	json_t *req =
	    json_pack("{s:s, s:I}", "logGroupName", f->log_group_name, "limit", (json_int_t)page);

	if (f->n_log_stream_names) {
		json_t *names = json_array();

		for (size_t i = 0; i < f->n_log_stream_names; i++)
			json_array_append_new(names, json_string(f->log_stream_names[i]));
		json_object_set_new(req, "logStreamNames", names);
	}
	if (f->start_time)
		json_object_set_new(req, "startTime", json_integer(f->start_time));
	if (f->end_time)
		json_object_set_new(req, "endTime", json_integer(f->end_time));
	if (f->filter_pattern)
		json_object_set_new(req, "filterPattern", json_string(f->filter_pattern));
	return req;
}

int logs_filter_events(struct client *c, const char *region, const struct logs_filter *f,
                       int (*on_event)(void *ctx, const struct logs_event *ev), void *ctx,
                       struct aws_error *err)
{
	struct limit_ctx lim = {on_event, ctx, f->limit > 0 ? f->limit : 0, 0, NULL};
	int rc;

	lim.req = filter_request(f, page_size(&lim));
	rc = jsonrpc_paginate(c, SVC_LOGS, region, LOGS_TARGET_PREFIX, "FilterLogEvents", lim.req,
	                      "nextToken", event_page, &lim, err);
	json_decref(lim.req);
	return rc > 0 ? 0 : rc;
}
