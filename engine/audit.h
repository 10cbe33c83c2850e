/* vpcflow audit: which VPCs lack working flow logs, and where flow-log data is
 * kept forever or too briefly (DESIGN.md section 3).
 *
 * Three stages, one way:
 *   collect  (engine/audit_collect.c) reads AWS into an inventory: per account
 *            and region the VPCs, subnets, flow logs and the log groups and
 *            Firehose delivery streams they deliver to, per account the S3
 *            buckets they deliver to;
 *   evaluate (engine/audit.c) is a pure function from the inventory to
 *            findings, so every rule is tested on inventories built in memory;
 *   render   (engine/audit_render.c) prints findings as a table, JSON or CSV,
 *            and the remedy: the `vpcflow apply` spec and `vpcflow retention
 *            set` commands that fix them. */
#ifndef VPCFLOW_ENGINE_AUDIT_H
#define VPCFLOW_ENGINE_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "aws/ec2.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/strlist.h"

struct aws_error;
struct client;

/* Severities, lowest first; AUDIT_INFO rows are notes that never fail. */
enum audit_severity {
	AUDIT_INFO,
	AUDIT_LOW,
	AUDIT_MEDIUM,
	AUDIT_HIGH,
};

enum audit_code {
	AUDIT_NO_FLOW_LOG,
	AUDIT_PARTIAL_SUBNET_COVERAGE,
	AUDIT_DELIVERY_FAILED,
	AUDIT_DESTINATION_MISSING,
	AUDIT_TRAFFIC_ACCEPT_ONLY,
	AUDIT_RETENTION_UNSET,
	AUDIT_RETENTION_BELOW_MIN,
	AUDIT_S3_NO_EXPIRATION,
	AUDIT_SHARED,
	AUDIT_COVERED_BY_SUBNETS,
};

/* Whether a destination exists, as far as the audit could tell. */
enum audit_presence {
	AUDIT_UNKNOWN, /* not read (no permission, other account): never judged */
	AUDIT_PRESENT,
	AUDIT_ABSENT,
};

/* An S3 bucket that flow logs of the account deliver to. lifecycle holds its
 * rules when lifecycle_read (a bucket without a configuration has none). */
struct audit_bucket {
	char *name;
	char *region; /* where it lives; NULL when unknown */
	enum audit_presence presence;
	int lifecycle_read;
	struct s3_lifecycle lifecycle;
};

/* One region of one account, as read. log_groups holds the log groups that
 * this region's flow logs name and that exist; log_groups_read says the list
 * is complete (else existence and retention of log groups are not judged).
 * streams and streams_read say the same of Firehose delivery streams (their
 * names, in any order). */
struct audit_region {
	char *region;
	struct ec2_vpc_list vpcs;
	struct ec2_subnet_list subnets;
	struct ec2_flow_log_list flow_logs;
	int log_groups_read;
	struct logs_group_list log_groups;
	int streams_read;
	struct strlist streams;
};

/* One account: the regions that could be read, and the buckets its flow logs
 * deliver to (each once, whatever the number of regions and flow logs).
 * account_id is NULL when it could not be learned (ownership is then not
 * judged: no VPC is SHARED). */
struct audit_account {
	char *account_id;
	struct audit_region *regions;
	size_t n_regions, alloc_regions;
	struct audit_bucket *buckets;
	size_t n_buckets, alloc_buckets;
};

/* Something the audit could not read. account and region are NULL when the
 * problem is not tied to one; message is the one-line reason. */
struct audit_problem {
	char *account;
	char *region;
	char *message;
};

struct audit_problem_list {
	struct audit_problem *v;
	size_t n, alloc;
};

/* Everything the rules look at. errors: parts that could not be read (they
 * make the exit code 1); warnings: parts deliberately not judged (a bucket
 * of another account), shown but harmless. Every pointer is owned. */
struct audit_inventory {
	struct audit_account *accounts;
	size_t n_accounts, alloc_accounts;
	struct audit_problem_list errors;
	struct audit_problem_list warnings;
};

/* What the rules are asked to check. */
struct audit_options {
	int min_retention; /* days; 0: RETENTION_BELOW_MIN is not checked */
};

/* One row of the report. Strings owned; vpc_id, flow_log_id, log_group,
 * bucket, prefix and delivery_stream are NULL when the finding does not
 * concern one. resource is the subject: the VPC for coverage findings, the
 * flow log for DELIVERY_FAILED, the log group, bucket or delivery stream for
 * destination findings. subnets lists the subnets a PARTIAL_SUBNET_COVERAGE finding would fix.
 * retention_days is the current retention of a RETENTION_* finding (0:
 * never expires). */
struct audit_finding {
	enum audit_code code;
	enum audit_severity severity;
	char *account;
	char *region;
	char *resource;
	char *reason;
	char *vpc_id;
	int default_vpc;
	char *flow_log_id;
	char *log_group;
	char *bucket;
	char *prefix;
	char *delivery_stream;
	struct strlist subnets;
	int retention_days;
};

/* Counts for the closing line. accounts and regions count those read (at
 * least one region of an account); vpcs the VPCs judged (shared ones apart);
 * covered those with no coverage finding. */
struct audit_summary {
	size_t accounts, regions;
	size_t vpcs, covered, shared;
	size_t by_severity[AUDIT_HIGH + 1];
};

/* Invariants: v[0..n) are valid, owned findings; alloc >= n. */
struct audit_report {
	struct audit_finding *v;
	size_t n, alloc;
	struct audit_summary summary;
};

void audit_inventory_release(struct audit_inventory *inv);
void audit_account_release(struct audit_account *a);
void audit_region_release(struct audit_region *r);
void audit_bucket_release(struct audit_bucket *b);
void audit_problem_add(struct audit_problem_list *l, const char *account, const char *region,
                       const char *message);
void audit_problem_list_release(struct audit_problem_list *l);
void audit_report_release(struct audit_report *r);

/* Names: "NO_FLOW_LOG", "high". Static strings. */
const char *audit_code_name(enum audit_code c);
/* The severity that DESIGN.md gives a code. */
enum audit_severity audit_code_severity(enum audit_code c);
const char *audit_severity_name(enum audit_severity s);
/* Parses "low", "medium" or "high"; -1 for anything else. */
int audit_parse_severity(const char *s, enum audit_severity *out);

/* The rules: appends the findings of every account and region of inv to out
 * and fills out->summary. Pure: reads nothing but inv and opt. Findings come
 * in inventory order; audit_report_sort orders them for people. */
void audit_evaluate(struct audit_report *out, const struct audit_inventory *inv,
                    const struct audit_options *opt);
/* The findings of one region whose collection is complete, without the
 * bucket rules when account->buckets may still be changing (with_buckets 0):
 * for progress counts. Does not touch out->summary's account count. */
void audit_evaluate_region(struct audit_report *out, const struct audit_account *account,
                           const struct audit_region *region, const struct audit_options *opt,
                           int with_buckets);
/* Orders findings by severity (high first), account, region, resource, code. */
void audit_report_sort(struct audit_report *r);
/* How many findings are at or above severity (notes never count). */
size_t audit_report_count_at_least(const struct audit_report *r, enum audit_severity min);

/* Helpers of the rules, public for the collector and the tests. */

/* The log group a CloudWatch Logs flow log delivers to: its LogGroupName, else
 * the name in its LogDestination ARN (arn:...:logs:REGION:ACCOUNT:log-group:NAME
 * with an optional ":*"); NULL for other destinations. Borrowed from fl when
 * possible, else written into buf. */
const char *audit_flow_log_group(const struct ec2_flow_log *fl, struct buf *buf);
/* The delivery stream a Firehose flow log delivers to: the name in its
 * LogDestination ARN (arn:...:firehose:REGION:ACCOUNT:deliverystream/NAME);
 * NULL for other destinations. Written into buf. */
const char *audit_flow_log_stream(const struct ec2_flow_log *fl, struct buf *buf);
/* Whether the log group or delivery stream of a flow log lives in account
 * (NULL: any) and region, so that DescribeLogGroups or ListDeliveryStreams
 * there would list it: always for a LogGroupName, else by the fields of its
 * LogDestination ARN. */
int audit_destination_visible(const struct ec2_flow_log *fl, const char *account,
                              const char *region);
/* Splits an S3 destination ARN (arn:PARTITION:s3:::BUCKET[/PREFIX[/]]) into
 * the bucket and the prefix without a trailing '/' ("" when none). Owned
 * strings; -1 when arn is not an S3 ARN. */
int audit_s3_destination(char **out_bucket, char **out_prefix, const char *arn);
/* The key prefix under which a flow log writes its objects for account and
 * region: "[PREFIX/]AWSLogs/ACCOUNT/vpcflowlogs/REGION/" (or the
 * Hive-compatible "aws-account-id=..." form). */
void audit_s3_key_prefix(struct buf *out, const char *prefix, const char *account,
                         const char *region, int hive);
/* The shortest enabled expiration (days) among the rules of lc that apply to
 * every object under key_prefix; 0 when none does. Rules with tag or size
 * filters apply to some objects only and do not count. */
int audit_s3_expiration(const struct s3_lifecycle *lc, const char *key_prefix);
/* The smallest CloudWatch Logs retention (days) at least days. */
int audit_retention_round_up(int days);

/* --- Collection (engine/audit_collect.c) --- */

/* One account to read: its client (borrowed, already authenticated as the
 * account) and its regions (borrowed). account_id may be NULL (not known
 * yet: the caller fills inventory's copy later). */
struct audit_scope {
	const char *account_id;
	struct client *client;
	const struct strlist *regions;
};

/* DescribeLogGroups per region: the naming schemes queried apart, the
 * names one page lists, and the most queries (run in parallel). */
#define AUDIT_LOG_GROUP_SCHEMES 4
#define AUDIT_LOG_GROUP_PAGE 50
#define AUDIT_LOG_GROUP_QUERIES 16

/* Neighbouring names (sorted) that share fewer characters are queried apart. */
#define AUDIT_PREFIX_MIN 4

/* The prefixes to query DescribeLogGroups with so that every name is listed:
 * the sorted names are cut where neighbours share fewer than
 * AUDIT_PREFIX_MIN characters (at most schemes - 1 cuts, where they share
 * the least), and each group is queried by the prefix its names share; when
 * some group shares nothing, by "" (every log group). Then, largest first,
 * a group of more than page names (more than one page of answers, read one
 * after the other) is split by the character after its prefix, while there
 * are at most max prefixes. Appends them to out; returns 1 when out is just
 * "", else 0. */
int audit_log_group_prefixes(struct strlist *out, const struct strlist *names, size_t schemes,
                             size_t page, size_t max);

/* Called after each region is read (under a lock): regions done out of
 * total, findings (not notes) so far. */
typedef void (*audit_progress_fn)(void *ctx, size_t done, size_t total, size_t findings);

/* Reads every region of every scope, accounts x regions at once on at most
 * workers threads: DescribeVpcs and DescribeFlowLogs once a region each, in
 * parallel; then, as soon as the flow logs are in, DescribeSubnets (once, if
 * some flow log is on a subnet), DescribeLogGroups for the flow logs' log
 * groups (a few prefix queries a region, never one per VPC),
 * ListDeliveryStreams (once, if some flow log delivers to a stream of the
 * region), HeadBucket and GetBucketLifecycleConfiguration once per bucket of
 * an account. Appends one
 * audit_account per scope to out (in scope order, regions in the scope's
 * order); a region that cannot be read is left out and recorded in
 * out->errors with the AWS error, the others are read all the same.
 * opt is used for the progress counts only. */
void audit_collect(struct audit_inventory *out, const struct audit_scope *scopes, size_t n_scopes,
                   int workers, const struct audit_options *opt, audit_progress_fn progress,
                   void *progress_ctx);

/* --- Output and remedy (engine/audit_render.c) --- */

/* The aligned table (or CSV with a header row) of the sorted findings. */
void audit_print_table(FILE *f, const struct audit_report *r);
/* audit_print_table with the severities in colour when color is set. */
void audit_print_table_color(FILE *f, const struct audit_report *r, int color);
void audit_print_csv(FILE *f, const struct audit_report *r);
/* The closing line: "12 VPCs checked in 3 regions of 1 account: ...". */
void audit_summary_line(struct buf *out, const struct audit_report *r);
/* The JSON document: {"schemaVersion": 1, "findings", "summary", "errors",
 * "warnings", "remedy"}. New reference. */
json_t *audit_to_json(const struct audit_report *r, const struct audit_inventory *inv,
                      const struct audit_options *opt);

/* The spec (DESIGN.md section 2) that `vpcflow apply` takes to fix the
 * NO_FLOW_LOG and PARTIAL_SUBNET_COVERAGE findings of account (NULL: findings
 * without an account): one configuration per region and resource type with
 * its resourceIds. NULL when there is nothing to fix. New reference. */
json_t *audit_remedy_spec(const struct audit_report *r, const char *account,
                          const struct audit_options *opt);
/* The accounts with something for the spec to fix, each once in report
 * order ("" for findings without an account). */
void audit_remedy_accounts(struct strlist *out, const struct audit_report *r);
/* The `vpcflow retention set` command lines that fix the retention findings,
 * one per log group or bucket prefix, appended to out. */
void audit_remedy_commands(struct strlist *out, const struct audit_report *r,
                           const struct audit_options *opt);
/* Appends spec as text that is valid JSON, one configuration per line (a
 * spec over many VPCs stays readable). */
void audit_spec_text(struct buf *out, json_t *spec);
/* Where --emit-spec PATH puts the spec of account: PATH itself, or with
 * several accounts PATH-ACCOUNT before the extension ("fix.json" ->
 * "fix-111122223333.json"; ".json" added when there is none). Owned. */
char *audit_spec_path(const char *path, const char *account, int several);
/* Writes text to path (created or truncated); ERR_IO naming the path. */
int audit_write_file(const char *path, const char *text, struct aws_error *err);

#endif
