/* The spec: the JSON file that says which flow logs should exist
 * (DESIGN.md section 2). spec_parse checks every key offline and collects
 * every problem with its file, line, column and key path; a spec that
 * passes comes back normalised: enums decoded, defaults applied, the log
 * format expanded to the "${field} ..." string AWS receives. */
#ifndef VPCFLOW_ENGINE_SPEC_H
#define VPCFLOW_ENGINE_SPEC_H

#include <stddef.h>

#include <jansson.h>

#include "aws/buf.h"
#include "aws/strlist.h"

enum spec_resource_type {
	SPEC_VPC,
	SPEC_SUBNET,
	SPEC_NETWORK_INTERFACE,
	SPEC_TRANSIT_GATEWAY,
	SPEC_TRANSIT_GATEWAY_ATTACHMENT,
};

enum spec_destination {
	SPEC_CLOUDWATCH_LOGS,
	SPEC_S3,
	SPEC_KINESIS_FIREHOSE,
};

enum spec_traffic_type {
	SPEC_TRAFFIC_ALL,
	SPEC_TRAFFIC_ACCEPT,
	SPEC_TRAFFIC_REJECT,
};

enum spec_regions {
	SPEC_REGIONS_DEFAULT, /* the configured region */
	SPEC_REGIONS_ALL,     /* every enabled region */
	SPEC_REGIONS_LIST,    /* the regions listed */
};

enum spec_file_format {
	SPEC_PLAIN_TEXT,
	SPEC_PARQUET,
};

#define SPEC_DEFAULT_LOG_GROUP "/aws/vpc-flow-logs/${resourceId}"
#define SPEC_DEFAULT_IAM_ROLE  "vpc-flow-logs-delivery"
#define SPEC_DEFAULT_RETENTION 365

struct spec_tag {
	char *key, *value; /* owned */
};

/* One flow log configuration, normalised. Invariants: the strings are
 * owned; the fields of other destinations are NULL, 0 or defaults (only
 * the destination's own are meaningful); log_format is never NULL;
 * traffic_type is SPEC_TRAFFIC_ALL and max_aggregation_interval 60 for
 * transit gateways; regions is empty unless regions_kind is
 * SPEC_REGIONS_LIST; resource_ids is empty for "every resource". */
struct spec_config {
	int line, column; /* where the configuration starts in the file */
	enum spec_resource_type resource_type;
	struct strlist resource_ids;
	enum spec_regions regions_kind;
	struct strlist regions;
	enum spec_destination destination;
	char *log_group;    /* CloudWatchLogs: name template (${resourceId} ...) */
	char *iam_role;     /* CloudWatchLogs: role name or ARN */
	int retention_days; /* CloudWatchLogs and S3; 0 for KinesisFirehose */
	char *bucket;       /* S3: bucket name (an ARN is reduced to it) */
	char *prefix;       /* S3: key prefix template, no trailing '/'; NULL if none */
	enum spec_file_format file_format;
	int hive_compatible_partitions, per_hour_partition;
	char *delivery_stream; /* KinesisFirehose: stream name or ARN */
	char *log_format;      /* "${version} ${account-id} ..." */
	enum spec_traffic_type traffic_type;
	int max_aggregation_interval; /* 60 or 600 seconds */
	struct spec_tag *tags;
	size_t n_tags, alloc_tags;
};

/* A parsed spec. Invariants: n_configs >= 1 after a successful parse. */
struct spec {
	char *file; /* as given, "-" for stdin; owned */
	struct spec_config *configs;
	size_t n_configs, alloc_configs;
	int single; /* the file used "flowLogConfig" (else "flowLogConfigs") */
};

/* One problem in a spec. line is 0 when the file could not be read. */
struct spec_error {
	char *file; /* owned */
	int line, column;
	char *path;    /* "flowLogConfigs[1].retentionDays", "" for the whole file; owned */
	char *message; /* what is wrong and what is allowed; owned */
};

/* Invariants: v[0..n) are sorted by line and column (file order). */
struct spec_errors {
	struct spec_error *v;
	size_t n, alloc;
};

#define SPEC_ERRORS_INIT                                                                           \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Parses and checks the spec in text[0..len), named file in messages.
 * Returns 0 with out filled, or -1 with out empty and every problem
 * appended to errs. */
int spec_parse(struct spec *out, const char *file, const char *text, size_t len,
               struct spec_errors *errs);
/* Reads path ("-": standard input) and parses it like spec_parse. */
int spec_load_file(struct spec *out, const char *path, struct spec_errors *errs);
void spec_release(struct spec *s);
void spec_errors_release(struct spec_errors *errs);
/* Appends "FILE:LINE:COLUMN: PATH: MESSAGE" (parts that are empty left out). */
void spec_error_format(const struct spec_error *e, struct buf *out);

/* The normalised spec as a spec: {"flowLogConfigs": [...]}, every default
 * written out. New reference. */
json_t *spec_to_json(const struct spec *s);

/* Expands ${resourceId}, ${region} and ${accountId} in tmpl, appending the
 * result to out. Returns 0, or -1 with why filled for an unknown or
 * unclosed placeholder. */
int spec_expand(struct buf *out, const char *tmpl, const char *resource_id, const char *region,
                const char *account_id, struct buf *why);

/* Names: the spec's spelling ("NetworkInterface", "CloudWatchLogs"), the
 * API's ("NetworkInterface", "cloud-watch-logs"), and words for people
 * ("network interface"). Static strings. */
const char *spec_resource_type_name(enum spec_resource_type t);
const char *spec_resource_type_noun(enum spec_resource_type t);
const char *spec_resource_id_prefix(enum spec_resource_type t);
const char *spec_destination_name(enum spec_destination d);
const char *spec_destination_api(enum spec_destination d);
const char *spec_traffic_type_name(enum spec_traffic_type t);
const char *spec_file_format_name(enum spec_file_format f);
/* LOGFORMAT_VPC or LOGFORMAT_TGW: which log format fields apply. */
unsigned spec_logformat_scope(enum spec_resource_type t);
/* Whether t is a transit gateway or one of its attachments. */
int spec_is_transit(enum spec_resource_type t);

#endif
