/* vpcflow list: the flow logs that exist, with their delivery status, in one
 * or more regions, read concurrently. */
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/strlist.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/parallel.h"
#include "engine/table.h"

#define LIST_WORKERS 8

static const struct option_spec list_options[] = {
    {"regions", 0, OPT_VALUE, "LIST",
     "comma-separated regions, or 'all' (default: the "
     "configured region)"},
    {"resource", 0, OPT_VALUE, "ID", "only flow logs of this VPC, subnet, ENI or gateway"},
    {NULL, 0, 0, NULL, NULL},
};

/* One region's answer. */
struct region_result {
	const char *region;
	struct ec2_flow_log_list logs;
	struct aws_error err;
	int failed;
};

struct list_job {
	struct context *ctx;
	const char *resource;
	struct region_result *results;
};

static void list_region(void *arg, size_t i)
{
	struct list_job *job = arg;
	struct region_result *r = &job->results[i];
	const char *values[1] = {job->resource};
	struct ec2_filter filter = {"resource-id", values, 1};

	error_clear(&r->err);
	if (ec2_describe_flow_logs(&r->logs, job->ctx->client, r->region, &filter,
	                           job->resource ? 1 : 0, &r->err) < 0)
		r->failed = 1;
}

static const char *destination_of(const struct ec2_flow_log *fl)
{
	if (fl->log_destination && *fl->log_destination)
		return fl->log_destination;
	return fl->log_group_name;
}

static void print_json(const struct region_result *results, size_t n)
{
	json_t *root = json_object(), *logs = json_array(), *errors = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct region_result *r = &results[i];

		if (r->failed) {
			struct buf b = BUF_INIT;

			error_format(&r->err, &b);
			json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "region",
			                                        r->region, "code", r->err.aws_code,
			                                        "message", b.data));
			buf_release(&b);
			continue;
		}
		for (size_t k = 0; k < r->logs.n; k++) {
			const struct ec2_flow_log *fl = &r->logs.v[k];
			json_t *o = json_object();

			json_object_set_new(o, "region", json_string(r->region));
			json_object_set_new(o, "flowLogId", output_json_string(fl->flow_log_id));
			json_object_set_new(o, "resourceId", output_json_string(fl->resource_id));
			json_object_set_new(o, "trafficType", output_json_string(fl->traffic_type));
			json_object_set_new(o, "destinationType",
			                    output_json_string(fl->log_destination_type));
			json_object_set_new(o, "destination",
			                    output_json_string(destination_of(fl)));
			json_object_set_new(o, "logFormat", output_json_string(fl->log_format));
			json_object_set_new(o, "maxAggregationInterval",
			                    json_integer(fl->max_aggregation_interval));
			json_object_set_new(o, "deliverLogsStatus",
			                    output_json_string(fl->deliver_logs_status));
			json_object_set_new(o, "deliverLogsErrorMessage",
			                    output_json_string(fl->deliver_logs_error_message));
			json_object_set_new(o, "flowLogStatus",
			                    output_json_string(fl->flow_log_status));
			json_array_append_new(logs, o);
		}
	}
	json_object_set_new(root, "flowLogs", logs);
	json_object_set_new(root, "errors", errors);
	output_json_print(stdout, root);
	json_decref(root);
}

/* Delivery that failed stands out; SUCCESS stays plain. */
static enum table_style status_style(const char *status)
{
	if (!status)
		return TABLE_PLAIN;
	if (strcmp(status, "FAILED") == 0)
		return TABLE_RED;
	if (strcmp(status, "SKIPPED") == 0)
		return TABLE_YELLOW;
	return TABLE_PLAIN;
}

static void print_rows(const struct context *ctx, const struct region_result *results, size_t n)
{
	static const char *const headers[] = {"REGION",  "FLOW LOG",    "RESOURCE",
	                                      "TRAFFIC", "DESTINATION", "STATUS"};
	static const size_t sort_cols[] = {0, 2, 1};
	struct table t;

	table_init(&t, headers, 6);
	for (size_t i = 0; i < n; i++) {
		const struct region_result *r = &results[i];

		for (size_t k = 0; !r->failed && k < r->logs.n; k++) {
			const struct ec2_flow_log *fl = &r->logs.v[k];
			const char *row[6] = {r->region,          fl->flow_log_id,
			                      fl->resource_id,    fl->traffic_type,
			                      destination_of(fl), fl->deliver_logs_status};

			size_t at = table_add_row(&t, row);

			table_set_style(&t, at, 5, status_style(fl->deliver_logs_status));
		}
	}
	t.color = ctx->color;
	table_sort(&t, sort_cols, 3);
	if (ctx->output == OUTPUT_CSV)
		table_print_csv(&t, stdout);
	else if (t.n_rows || !ctx->quiet)
		table_print(&t, stdout);
	table_release(&t);
}

static int run_list(struct context *ctx, const struct args *args)
{
	struct strlist regions = {0};
	struct list_job job = {ctx, args_get(args, "resource"), NULL};
	int rc = EXIT_OK;

	if (args->n_positional) {
		cli_error(ctx, "unexpected argument '%s'", args->positional[0]);
		return EXIT_USAGE;
	}
	if ((rc = cli_regions(&regions, ctx, args_get(args, "regions"))) < 0) {
		strlist_release(&regions);
		return -rc;
	}
	job.results = xcalloc(regions.n, sizeof(*job.results));
	for (size_t i = 0; i < regions.n; i++)
		job.results[i].region = regions.v[i];
	parallel_run(regions.n, LIST_WORKERS, list_region, NULL, &job);

	if (ctx->output == OUTPUT_JSON)
		print_json(job.results, regions.n);
	else
		print_rows(ctx, job.results, regions.n);
	for (size_t i = 0; i < regions.n; i++) {
		if (job.results[i].failed) {
			char what[128];

			snprintf(what, sizeof(what), "region %s", job.results[i].region);
			cli_aws_error(ctx, what, &job.results[i].err);
			rc = EXIT_FAILURE_AWS;
		}
		ec2_flow_log_list_release(&job.results[i].logs);
	}
	free(job.results);
	strlist_release(&regions);
	return rc;
}

const struct command cmd_list = {
    .name = "list",
    .summary = "list the flow logs that exist, with their delivery status",
    .usage = "[--regions LIST|all] [--resource ID] [--output table|json|csv]",
    .options = list_options,
    .needs = NEEDS_AWS,
    .run = run_list,
};
