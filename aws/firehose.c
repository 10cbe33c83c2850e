/* Amazon Data Firehose: DescribeDeliveryStream. */
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

static char *opt_string(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int firehose_parse_stream(struct firehose_stream *out, json_t *answer, struct aws_error *err)
{
	json_t *d = json_object_get(answer, "DeliveryStreamDescription");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(d)) {
		error_set_operation(err, "DescribeDeliveryStream");
		return error_set(err, ERR_PARSE, "answer without DeliveryStreamDescription");
	}
	out->name = opt_string(d, "DeliveryStreamName");
	out->arn = opt_string(d, "DeliveryStreamARN");
	out->status = opt_string(d, "DeliveryStreamStatus");
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
