/* Where flow records are read from in AWS: a CloudWatch Logs log group
 * (FilterLogEvents over a time range, once or following), and an S3 bucket
 * (only the date partitions inside the time range, in the default and the
 * hive-compatible layouts, daily or hourly, each object streamed). Records
 * go through a logreader (engine/logreader.h). */
#ifndef VPCFLOW_ENGINE_LOGSOURCE_H
#define VPCFLOW_ENGINE_LOGSOURCE_H

#include <signal.h>
#include <stdint.h>

#include "aws/strlist.h"
#include "engine/logreader.h"

struct aws_error;
struct client;
struct clock;

/* A CloudWatch read; everything borrowed. */
struct logsource_cw {
	const char *region;
	const char *log_group;
	int64_t since_ms, until_ms; /* until 0: up to now */
	const char *filter_pattern; /* NULL or "": none */
};

/* Reads every event of the log group in the time range, page after page.
 * Returns 0 (also when the reader's callback stopped it) or an ERR_*. */
int logsource_cloudwatch_read(struct client *c, const struct logsource_cw *q, struct logreader *r,
                              struct aws_error *err);
/* Reads as above from since_ms, then polls every interval_ms for new events
 * from the newest timestamp seen, never handing over an event twice (events
 * at that timestamp are told apart by eventId), until *stop is set or the
 * callback stops. on_poll (may be NULL) is called after each poll. */
int logsource_cloudwatch_follow(struct client *c, const struct clock *clock,
                                const struct logsource_cw *q, int64_t interval_ms,
                                volatile sig_atomic_t *stop, void (*on_poll)(void *ctx),
                                void *poll_ctx, struct logreader *r, struct aws_error *err);

/* An S3 read; everything borrowed. */
struct logsource_s3 {
	const char *region; /* the bucket's region */
	const char *bucket;
	const char *prefix;            /* the prefix the flow logs were given, or NULL */
	const struct strlist *regions; /* only records of these regions; NULL: all */
	int64_t since_ms, until_ms;
};

/* The keys of the objects whose partitions lie within the time range (an
 * hour of slack on each side, as delivery lags capture), sorted. */
int logsource_s3_keys(struct strlist *out, struct client *c, const struct logsource_s3 *q,
                      struct aws_error *err);
/* Reads those objects, each through zlib with the header line it carries.
 * A Parquet object fails the read with a message saying so. */
int logsource_s3_read(struct client *c, const struct logsource_s3 *q, struct logreader *r,
                      struct aws_error *err);

#endif
