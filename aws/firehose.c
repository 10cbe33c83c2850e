/* Amazon Data Firehose: DescribeDeliveryStream, ListDeliveryStreams. */
#include "aws/firehose.h"

#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/jsonrpc.h"
#include "aws/xalloc.h"

void firehose_stream_release(struct firehose_stream *s)
{
	free(s->name);
	free(s->arn);
	free(s->status);
	memset(s, 0, sizeof(*s));
}

int firehose_parse_stream(struct firehose_stream *out, json_t *answer, struct aws_error *err)
{
	json_t *d = json_object_get(answer, "DeliveryStreamDescription");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(d)) {
		error_set_operation(err, "DescribeDeliveryStream");
		return error_set(err, ERR_PARSE, "answer without DeliveryStreamDescription");
	}
	out->name = jsonrpc_dup_string(d, "DeliveryStreamName");
	out->arn = jsonrpc_dup_string(d, "DeliveryStreamARN");
	out->status = jsonrpc_dup_string(d, "DeliveryStreamStatus");
	if (!out->name || !out->arn) {
		firehose_stream_release(out);
		error_set_operation(err, "DescribeDeliveryStream");
		return error_set(err, ERR_PARSE,
		                 "delivery stream without DeliveryStreamName or DeliveryStreamARN");
	}
	return 0;
}

int firehose_describe_delivery_stream(struct firehose_stream *out, struct client *c,
                                      const char *region, const char *name, struct aws_error *err)
{
	json_t *req = json_pack("{s:s, s:i}", "DeliveryStreamName", name, "Limit", 1);
	json_t *answer = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = jsonrpc_call(c, SVC_FIREHOSE, region, FIREHOSE_TARGET_PREFIX, "DescribeDeliveryStream",
	                  req, &answer, err);
	if (rc == 0)
		rc = firehose_parse_stream(out, answer, err);
	else if (error_is(err, "ResourceNotFoundException"))
		rc = err->code = ERR_NOT_FOUND;
	json_decref(req);
	json_decref(answer);
	return rc;
}

int firehose_parse_stream_names(struct strlist *out, json_t *answer, char **next_start,
                                struct aws_error *err)
{
	json_t *names = json_object_get(answer, "DeliveryStreamNames");
	json_t *more = json_object_get(answer, "HasMoreDeliveryStreams");
	const char *last = NULL;
	size_t i;
	json_t *v;

	*next_start = NULL;
	if (!json_is_array(names)) {
		error_set_operation(err, "ListDeliveryStreams");
		return error_set(err, ERR_PARSE, "answer without DeliveryStreamNames");
	}
	json_array_foreach(names, i, v)
	{
		if (!json_is_string(v))
			continue;
		last = json_string_value(v);
		strlist_add(out, last);
	}
	if (!json_is_true(more))
		return 0;
	/* More to come, but nothing to start after: paging could not go on. */
	if (!last) {
		error_set_operation(err, "ListDeliveryStreams");
		return error_set(err, ERR_PARSE,
		                 "HasMoreDeliveryStreams is true after a page without names");
	}
	*next_start = xstrdup(last);
	return 0;
}

static int names_page(void *ctx, json_t *answer, char **next_token, struct aws_error *err)
{
	return firehose_parse_stream_names(ctx, answer, next_token, err);
}

int firehose_list_delivery_streams(struct strlist *out, struct client *c, const char *region,
                                   struct aws_error *err)
{
	json_t *req = json_pack("{s:i}", "Limit", FIREHOSE_LIST_PAGE);
	int rc;

	strlist_init(out);
	rc =
	    jsonrpc_paginate(c, SVC_FIREHOSE, region, FIREHOSE_TARGET_PREFIX, "ListDeliveryStreams",
	                     req, "ExclusiveStartDeliveryStreamName", names_page, out, err);
	if (rc)
		strlist_release(out);
	json_decref(req);
	return rc;
}
