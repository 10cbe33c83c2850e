/* Amazon Data Firehose (JSON 1.1, target prefix Firehose_20150804): only what
 * flow logs need, the delivery stream a flow log delivers to. */
#ifndef VPCFLOW_AWS_FIREHOSE_H
#define VPCFLOW_AWS_FIREHOSE_H

#include <jansson.h>

struct aws_error;
struct client;

#define FIREHOSE_TARGET_PREFIX "Firehose_20150804"

/* A delivery stream. Strings owned; name and arn never NULL after a
 * successful parse; status NULL when absent. */
struct firehose_stream {
	char *name;
	char *arn;
	char *status; /* CREATING, ACTIVE, DELETING, ... */
};

void firehose_stream_release(struct firehose_stream *s);
/* Parses a DescribeDeliveryStream answer into out (emptied first, left
 * empty on failure). */
int firehose_parse_stream(struct firehose_stream *out, json_t *answer, struct aws_error *err);
/* The delivery stream called name in region; ERR_NOT_FOUND when there is none
 * (ResourceNotFoundException). */
int firehose_describe_delivery_stream(struct firehose_stream *out, struct client *c,
                                      const char *region, const char *name, struct aws_error *err);

#endif
