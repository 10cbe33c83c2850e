/* Amazon EC2 (query protocol, API 2016-11-15): regions, the resources flow logs
 * attach to, and flow logs themselves. Every Describe call follows NextToken
 * until the last page, asking for the largest page the API allows.
 *
 * Each call is: build params -> query_call -> a pure parser (ec2_parse_*) of
 * the answer document. The parsers append to their out list, so pages
 * accumulate; on failure the list keeps what was parsed before and the caller
 * still releases it. The calls themselves start from an empty out and leave it
 * empty on failure. */
#ifndef VPCFLOW_AWS_EC2_H
#define VPCFLOW_AWS_EC2_H

#include <stddef.h>

#include <libxml/tree.h>

#include "aws/strlist.h"
#include "aws/tag.h"

struct aws_error;
struct client;

#define EC2_API_VERSION "2016-11-15"

/* The most values AWS takes in one Describe filter. */
#define EC2_FILTER_VALUES 200

/* A Describe filter: Filter.N.Name = name, Filter.N.Value.M = values[M-1].
 * Everything is borrowed. Any number of values may be given: the Describe
 * calls send them EC2_FILTER_VALUES at a time (see ec2_describe_pages). */
struct ec2_filter {
	const char *name;
	const char *const *values;
	size_t n_values;
};

/* An enabled region of the account. Strings owned; endpoint and opt_in_status
 * NULL when absent ("opt-in-not-required", "opted-in"). */
struct ec2_region {
	char *region_name;
	char *endpoint;
	char *opt_in_status;
};

/* Invariants (every *_list below): v[0..n) are valid, owned entries; alloc >=
 * n; a zeroed struct is an empty list. */
struct ec2_region_list {
	struct ec2_region *v;
	size_t n, alloc;
};

/* A flow log as DescribeFlowLogs reports it. Strings owned, NULL when absent;
 * max_aggregation_interval is 0 when absent; the destination options are only
 * set for S3 destinations (file_format NULL otherwise). */
struct ec2_flow_log {
	char *flow_log_id, *resource_id, *traffic_type, *log_destination_type, *log_destination,
	    *log_group_name, *deliver_logs_status, *deliver_logs_error_message,
	    *deliver_logs_permission_arn, *flow_log_status, *log_format, *creation_time;
	int max_aggregation_interval;
	struct tag_list tags;
	char *deliver_cross_account_role;
	char *file_format;
	int hive_compatible_partitions, per_hour_partition;
};

struct ec2_flow_log_list {
	struct ec2_flow_log *v;
	size_t n, alloc;
};

/* What CreateFlowLogs sends; everything borrowed, NULL or 0 fields are left
 * out. AWS takes up to 1000 resource IDs a call (25 for transit gateways):
 * batching is the caller's job. */
struct ec2_flow_log_request {
	const char *const *resource_ids;
	size_t n_resource_ids;
	const char *resource_type;        /* VPC, Subnet, NetworkInterface, TransitGateway, ... */
	const char *traffic_type;         /* ALL, ACCEPT, REJECT (not for transit gateways) */
	const char *log_destination_type; /* cloud-watch-logs, s3, kinesis-data-firehose */
	const char *log_destination;      /* ARN */
	const char *log_group_name;
	const char *deliver_logs_permission_arn;
	const char *deliver_cross_account_role;
	const char *log_format;
	int max_aggregation_interval; /* 60 or 600; 0: AWS's default */
	/* DestinationOptions.* (S3 only), sent when destination_options is non-zero.
	 */
	int destination_options;
	const char *file_format; /* plain-text, parquet */
	int hive_compatible_partitions;
	int per_hour_partition;
	const struct tag_list *tags; /* TagSpecification.1 (ResourceType vpc-flow-log) */
	const char *client_token;    /* idempotency token, or NULL */
};

/* A resource AWS could not act on. Strings owned; code and message NULL when
 * absent. */
struct ec2_unsuccessful {
	char *resource_id;
	char *code;
	char *message;
};

struct ec2_unsuccessful_list {
	struct ec2_unsuccessful *v;
	size_t n, alloc;
};

/* CreateFlowLogs' answer: the new IDs, and the resources that failed. */
struct ec2_create_flow_logs_result {
	struct strlist flow_log_ids;
	struct ec2_unsuccessful_list unsuccessful;
	char *client_token; /* owned, NULL when absent */
};

void ec2_region_list_release(struct ec2_region_list *l);
void ec2_flow_log_release(struct ec2_flow_log *f);
void ec2_flow_log_list_release(struct ec2_flow_log_list *l);
void ec2_unsuccessful_list_release(struct ec2_unsuccessful_list *l);
void ec2_create_flow_logs_result_release(struct ec2_create_flow_logs_result *r);

/* The parsers of the answers (pure; doc borrowed). next_token receives the
 * owned NextToken, or NULL on the last page. */
int ec2_parse_regions(struct ec2_region_list *out, xmlDocPtr doc, struct aws_error *err);
int ec2_parse_flow_logs(struct ec2_flow_log_list *out, xmlDocPtr doc, char **next_token,
                        struct aws_error *err);
int ec2_parse_create_flow_logs(struct ec2_create_flow_logs_result *out, xmlDocPtr doc,
                               struct aws_error *err);
int ec2_parse_delete_flow_logs(struct ec2_unsuccessful_list *out, xmlDocPtr doc,
                               struct aws_error *err);

/* The regions enabled for the account (AllRegions false), with opt-in status.
 */
int ec2_describe_region_list(struct ec2_region_list *out, struct client *c, const char *region,
                             struct aws_error *err);
/* The names of the regions enabled for the account, in AWS's order: those not
 * "not-opted-in", in the partition of region (the others cannot be reached
 * with the same credentials). */
int ec2_describe_regions(struct strlist *out, struct client *c, const char *region,
                         struct aws_error *err);
/* Every flow log in region matching all filters (none: every flow log). */
int ec2_describe_flow_logs(struct ec2_flow_log_list *out, struct client *c, const char *region,
                           const struct ec2_filter *filters, size_t n_filters,
                           struct aws_error *err);
/* Creates flow logs. Returns 0 when AWS answered, even if some resources are
 * in out->unsuccessful: the caller reports those per resource. */
int ec2_create_flow_logs(struct ec2_create_flow_logs_result *out, struct client *c,
                         const char *region, const struct ec2_flow_log_request *req,
                         struct aws_error *err);
/* Deletes flow logs by ID; the IDs AWS could not delete go to out. */
int ec2_delete_flow_logs(struct ec2_unsuccessful_list *out, struct client *c, const char *region,
                         const char *const *flow_log_ids, size_t n_ids, struct aws_error *err);

/* Sends a Describe action page after page (filters, MaxResults = max_results
 * unless 0, NextToken) and hands each answer to parse_page, which appends to
 * out and returns the next token. For Describe calls this file does not type.
 *
 * A filter of more than EC2_FILTER_VALUES values is sent in batches, one
 * request (with its pages) for each combination of the filters' batches, the
 * answers appended to out in turn. An item that matches values in two
 * batches of one filter is appended twice: never so for filters on IDs. */
int ec2_describe_pages(struct client *c, const char *region, const char *action,
                       const struct ec2_filter *filters, size_t n_filters, int max_results,
                       int (*parse_page)(void *out, xmlDocPtr doc, char **next_token,
                                         struct aws_error *err),
                       void *out, struct aws_error *err);

/* The root element of an EC2 answer, checked to be <action>Response; NULL with
 * ERR_PARSE otherwise. next_token (may be NULL) receives the owned nextToken.
 */
xmlNodePtr ec2_answer_root(xmlDocPtr doc, const char *action, char **next_token,
                           struct aws_error *err);

/* --- The resources flow logs attach to (aws/ec2_resources.c) --- */

/* Strings owned, NULL when absent (the IDs never are). */
struct ec2_vpc {
	char *vpc_id, *owner_id, *cidr_block, *state;
	int is_default;
	struct tag_list tags;
};

struct ec2_vpc_list {
	struct ec2_vpc *v;
	size_t n, alloc;
};

struct ec2_subnet {
	char *subnet_id, *vpc_id, *owner_id, *availability_zone, *cidr_block, *state;
	struct tag_list tags;
};

struct ec2_subnet_list {
	struct ec2_subnet *v;
	size_t n, alloc;
};

struct ec2_eni {
	char *network_interface_id, *vpc_id, *subnet_id, *owner_id, *interface_type, *description,
	    *status;
};

struct ec2_eni_list {
	struct ec2_eni *v;
	size_t n, alloc;
};

struct ec2_tgw {
	char *transit_gateway_id, *owner_id, *state;
	struct tag_list tags;
};

struct ec2_tgw_list {
	struct ec2_tgw *v;
	size_t n, alloc;
};

struct ec2_tgw_attachment {
	char *transit_gateway_attachment_id, *transit_gateway_id, *resource_type, *resource_id,
	    *resource_owner_id, *state;
};

struct ec2_tgw_attachment_list {
	struct ec2_tgw_attachment *v;
	size_t n, alloc;
};

void ec2_vpc_list_release(struct ec2_vpc_list *l);
void ec2_subnet_list_release(struct ec2_subnet_list *l);
void ec2_eni_list_release(struct ec2_eni_list *l);
void ec2_tgw_list_release(struct ec2_tgw_list *l);
void ec2_tgw_attachment_list_release(struct ec2_tgw_attachment_list *l);

int ec2_parse_vpcs(struct ec2_vpc_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err);
int ec2_parse_subnets(struct ec2_subnet_list *out, xmlDocPtr doc, char **next_token,
                      struct aws_error *err);
int ec2_parse_enis(struct ec2_eni_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err);
int ec2_parse_tgws(struct ec2_tgw_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err);
int ec2_parse_tgw_attachments(struct ec2_tgw_attachment_list *out, xmlDocPtr doc, char **next_token,
                              struct aws_error *err);

int ec2_describe_vpcs(struct ec2_vpc_list *out, struct client *c, const char *region,
                      const struct ec2_filter *filters, size_t n_filters, struct aws_error *err);
int ec2_describe_subnets(struct ec2_subnet_list *out, struct client *c, const char *region,
                         const struct ec2_filter *filters, size_t n_filters, struct aws_error *err);
int ec2_describe_network_interfaces(struct ec2_eni_list *out, struct client *c, const char *region,
                                    const struct ec2_filter *filters, size_t n_filters,
                                    struct aws_error *err);
int ec2_describe_transit_gateways(struct ec2_tgw_list *out, struct client *c, const char *region,
                                  const struct ec2_filter *filters, size_t n_filters,
                                  struct aws_error *err);
int ec2_describe_transit_gateway_attachments(struct ec2_tgw_attachment_list *out, struct client *c,
                                             const char *region, const struct ec2_filter *filters,
                                             size_t n_filters, struct aws_error *err);

#endif
