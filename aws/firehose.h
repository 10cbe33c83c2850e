/* Amazon Data Firehose (JSON 1.1, target prefix Firehose_20150804): only what
 * flow logs need, the delivery stream a flow log delivers to and, for the
 * audit, the names of a region's delivery streams. */
#ifndef VPCFLOW_AWS_FIREHOSE_H
#define VPCFLOW_AWS_FIREHOSE_H

#include <jansson.h>

#include "aws/strlist.h"

struct aws_error;
struct client;

#define FIREHOSE_TARGET_PREFIX "Firehose_20150804"

/* The most names ListDeliveryStreams returns a page (its Limit's maximum). */
#define FIREHOSE_LIST_PAGE 10000

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
/* Appends the names of a ListDeliveryStreams answer to out. *next_start is
 * the name to start the next page after (owned: the page's last name) when
 * HasMoreDeliveryStreams, else NULL. ERR_PARSE when the answer lacks
 * DeliveryStreamNames or says there is more after an empty page. */
int firehose_parse_stream_names(struct strlist *out, json_t *answer, char **next_start,
                                struct aws_error *err);
/* The names of every delivery stream in region, page after page (out is
 * emptied first, left empty on failure). */
int firehose_list_delivery_streams(struct strlist *out, struct client *c, const char *region,
                                   struct aws_error *err);

#endif
