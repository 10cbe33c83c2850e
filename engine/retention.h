/* Retention of flow-log destinations: how long CloudWatch log groups keep
 * events, and which S3 lifecycle rule expires the objects flow logs deliver.
 * retention_collect (engine/retention_collect.c) finds every destination of
 * the flow logs in some regions with its retention; retention_set_* change
 * one destination. The values CloudWatch accepts are in
 * engine/logretention.h. */
#ifndef VPCFLOW_ENGINE_RETENTION_H
#define VPCFLOW_ENGINE_RETENTION_H

#include <stddef.h>

#include "aws/buf.h"
#include "aws/strlist.h"

struct aws_error;
struct client;
struct s3_lifecycle;
struct s3_lifecycle_rule;

/* Parses "DAYS" (a positive whole number up to 100000) or "never" into
 * *out_days (0 for never). Returns 0, or ERR_INVALID with a message that says
 * what is allowed. */
int retention_parse_days(int *out_days, const char *text, struct aws_error *err);

enum retention_kind {
	RETENTION_LOG_GROUP,
	RETENTION_BUCKET,
};

/* One destination. Strings owned. A log group is one per region and name; a
 * bucket prefix one per bucket and prefix, whatever the regions of the flow
 * logs that deliver there (a bucket name is global). For a bucket, prefix is
 * the key prefix flow logs write under, always ending in "AWSLogs/"
 * ("AWSLogs/" without a user prefix); rule_id names the lifecycle rule that
 * sets days (NULL when none does). days is 0 when nothing expires; missing is
 * set when the log group or bucket does not exist (days is then 0).
 * flow_logs holds the IDs of the flow logs, of every region, that deliver
 * there. */
struct retention_dest {
	enum retention_kind kind;
	/* A log group's region (its flow logs'); a bucket's own region, or for
	 * a missing bucket the region of the first flow log that names it. */
	char *region;
	char *name;   /* log group or bucket */
	char *prefix; /* buckets only */
	char *rule_id;
	int days;
	int missing;
	struct strlist flow_logs;
};

/* Invariants: v[0..n) are valid, owned entries, sorted by region, kind, name,
 * prefix once retention_collect returns; a zeroed struct is an empty list. */
struct retention_list {
	struct retention_dest *v;
	size_t n, alloc;
};

/* A region that could not be read, with why. */
struct retention_failure {
	char *region;
	struct aws_error *err; /* owned */
};

struct retention_failures {
	struct retention_failure *v;
	size_t n, alloc;
};

void retention_list_release(struct retention_list *l);
void retention_failures_release(struct retention_failures *f);

/* Reads the flow logs of every region (concurrently, one DescribeFlowLogs per
 * region), then the retention of each distinct CloudWatch log group and S3
 * bucket prefix they deliver to: a few DescribeLogGroups a region (by the
 * prefixes the names share, audit_log_group_prefixes), GetBucketLocation and
 * GetBucketLifecycleConfiguration once a bucket. Regions that fail go to
 * failures; the others are still listed. Never fails as a whole. */
void retention_collect(struct retention_list *out, struct retention_failures *failures,
                       struct client *c, const struct strlist *regions);

/* The key prefix flow logs use in a bucket for the user prefix given at
 * creation (NULL or "" for none): "PREFIX/AWSLogs/". Owned. */
char *retention_bucket_prefix(const char *user_prefix);
/* The ID of the lifecycle rule vpcflow writes for a flow-log prefix
 * ("PREFIX/AWSLogs/"): the one apply writes, plan_lifecycle_rule_id. Owned. */
char *retention_rule_id(const char *prefix);
/* The rule of lc that expires objects under prefix first (enabled, with
 * expiration days, whose own prefix is empty or a prefix of it), borrowed, or
 * NULL. Rules with tag or size filters apply to some objects only and do not
 * count. */
const struct s3_lifecycle_rule *retention_covering_rule(const struct s3_lifecycle *lc,
                                                        const char *prefix);

/* The current retention of a log group in region into *out_days (0: never
 * expires). ERR_NOT_FOUND (message naming it) when there is no such group. */
int retention_log_group_days(int *out_days, struct client *c, const char *region, const char *name,
                             struct aws_error *err);
/* Sets (days > 0, one of the CloudWatch values) or removes (days == 0) the
 * retention of a log group. */
int retention_set_log_group(struct client *c, const char *region, const char *name, int days,
                            struct aws_error *err);

/* The region of a bucket (owned) into *out; ERR_NOT_FOUND naming it when the
 * bucket does not exist. region is where to ask. */
int retention_bucket_region(char **out, struct client *c, const char *region, const char *bucket,
                            struct aws_error *err);
/* A bucket's lifecycle configuration into *out (no rules when it has none). */
int retention_bucket_lifecycle(struct s3_lifecycle *out, struct client *c, const char *region,
                               const char *bucket, struct aws_error *err);
/* The expiration covering prefix in lc: *out_days (0: none) and *out_rule
 * (owned rule ID, or NULL). */
void retention_lifecycle_days(int *out_days, char **out_rule, const struct s3_lifecycle *lc,
                              const char *prefix);
/* The expiration covering prefix in a bucket, read with
 * retention_bucket_lifecycle: as retention_lifecycle_days. */
int retention_bucket_days(int *out_days, char **out_rule, struct client *c, const char *region,
                          const char *bucket, const char *prefix, struct aws_error *err);
/* Merges vpcflow's expiration rule for prefix into the bucket's lifecycle
 * configuration (days > 0), or takes it out (days == 0); every other rule is
 * written back as it was read. region is the bucket's own. */
int retention_set_bucket(struct client *c, const char *region, const char *bucket,
                         const char *prefix, int days, struct aws_error *err);

/* "never expires", "1 day", "30 days" into out. */
void retention_describe_days(struct buf *out, int days);

#endif
