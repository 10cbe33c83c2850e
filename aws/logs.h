/* Amazon CloudWatch Logs (JSON 1.1, target prefix Logs_20140328): the log
 * groups flow logs deliver to, their retention and tags, and reading events.
 * Each call is: build the request object -> jsonrpc_call -> a pure parser
 * (logs_parse_*) of the answer. */
#ifndef VPCFLOW_AWS_LOGS_H
#define VPCFLOW_AWS_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "aws/tag.h"

struct aws_error;
struct client;

#define LOGS_TARGET_PREFIX "Logs_20140328"

/* A log group. name is never NULL after a successful parse. arn is as AWS
 * gives it (ending ":*"); log_group_arn is the ARN without ":*", the form
 * TagResource and ListTagsForResource take (derived from arn when AWS omits
 * it). retention_in_days is 0 when events never expire. */
struct logs_group {
	char *name;
	char *arn;
	char *log_group_arn;
	char *log_group_class; /* NULL when absent */
	int retention_in_days;
	int64_t stored_bytes;
	int64_t creation_time; /* ms since the epoch */
};

/* Invariants: v[0..n) are valid, owned entries; alloc >= n; a zeroed struct is
 * an empty list. */
struct logs_group_list {
	struct logs_group *v;
	size_t n, alloc;
};

/* What FilterLogEvents reads; borrowed. Zero/NULL fields are left out. */
struct logs_filter {
	const char *log_group_name;
	const char *const *log_stream_names;
	size_t n_log_stream_names;
	int64_t start_time; /* ms since the epoch, inclusive; 0: from the start */
	int64_t end_time;   /* ms since the epoch, inclusive; 0: up to now */
	const char *filter_pattern;
	long limit; /* the most events delivered in all, over all pages; 0: all */
};

/* One event, borrowed for the duration of the callback only. */
struct logs_event {
	const char *log_stream_name; /* "" when absent */
	const char *message;         /* "" when absent */
	const char *event_id;        /* "" when absent */
	int64_t timestamp;
	int64_t ingestion_time;
};

void logs_group_list_release(struct logs_group_list *l);

/* Appends the logGroups of a DescribeLogGroups answer; *next_token receives the
 * owned nextToken, or NULL on the last page. An answer without logGroups
 * (AWS always sends it, empty or not) is ERR_PARSE. */
int logs_parse_log_groups(struct logs_group_list *out, json_t *answer, char **next_token,
                          struct aws_error *err);
/* Hands each event of a FilterLogEvents answer to on_event, in order. on_event
 * returns 0 to go on, > 0 to stop (the parser then returns that value), or a
 * negative ERR_* (it fills err) to fail. *next_token and a missing list (here
 * events) as above. */
int logs_parse_events(json_t *answer, int (*on_event)(void *ctx, const struct logs_event *ev),
                      void *ctx, char **next_token, struct aws_error *err);

/* Creates a log group with tags (may be NULL). */
int logs_create_log_group(struct client *c, const char *region, const char *name,
                          const struct tag_list *tags, struct aws_error *err);
/* Every log group whose name starts with prefix (NULL: every log group). */
int logs_describe_log_groups(struct logs_group_list *out, struct client *c, const char *region,
                             const char *prefix, struct aws_error *err);
/* Sets the retention of a log group (days from the allowed list). */
int logs_put_retention_policy(struct client *c, const char *region, const char *name, int days,
                              struct aws_error *err);
/* Makes a log group's events never expire. */
int logs_delete_retention_policy(struct client *c, const char *region, const char *name,
                                 struct aws_error *err);
/* Adds or overwrites tags of a log group. arn may end in ":*" (as
 * DescribeLogGroups' arn does): it is cut off. */
int logs_tag_resource(struct client *c, const char *region, const char *arn,
                      const struct tag_list *tags, struct aws_error *err);
/* The tags of a log group (arn as for logs_tag_resource). */
int logs_list_tags_for_resource(struct tag_list *out, struct client *c, const char *region,
                                const char *arn, struct aws_error *err);
int logs_delete_log_group(struct client *c, const char *region, const char *name,
                          struct aws_error *err);
/* Streams the events matching f, page after page, to on_event (see
 * logs_parse_events), so that big reads never sit in memory. Returns 0 when
 * every page was read, when f->limit events were delivered, or when on_event
 * stopped the read; an ERR_* otherwise. */
int logs_filter_events(struct client *c, const char *region, const struct logs_filter *f,
                       int (*on_event)(void *ctx, const struct logs_event *ev), void *ctx,
                       struct aws_error *err);

#endif
