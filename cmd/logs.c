/* vpcflow logs: reads flow records back from CloudWatch Logs, S3 or files,
 * filters them, and shows them or sums them up. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/s3.h"
#include "aws/strlist.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/logreader.h"
#include "engine/logsource.h"
#include "engine/logview.h"
#include "engine/record.h"
#include "engine/summary.h"
#include "engine/timerange.h"
#include "engine/where.h"

#define DEFAULT_SINCE_MS (3600 * 1000)
#define DEFAULT_TOP      10
#define SUMMARY_THREADS  2

static const struct option_spec logs_options[] = {
    {"flow-log-id", 0, OPT_VALUE, "ID", "read the destination of this flow log"},
    {"resource", 0, OPT_VALUE, "ID", "read the flow log of this VPC, subnet or ENI"},
    {"log-group", 0, OPT_VALUE, "NAME", "read this CloudWatch Logs log group"},
    {"bucket", 0, OPT_VALUE, "NAME", "read the flow-log objects of this S3 bucket"},
    {"prefix", 0, OPT_VALUE, "P", "the key prefix the flow logs were given (with --bucket)"},
    {"file", 0, OPT_MULTI, "PATH",
     "read files: plain or gzip, or saved CloudWatch JSON output ('-': stdin)"},
    {"since", 0, OPT_VALUE, "T",
     "from this time: 15m, 2h, 3d back, or 2026-11-27T10:00Z (default: 1h for AWS)"},
    {"until", 0, OPT_VALUE, "T", "up to this time (same forms; default: now)"},
    {"where", 0, OPT_MULTI, "EXPR",
     "only records where FIELD=VALUE or FIELD!=VALUE (CIDRs, port ranges); all must hold"},
    {"limit", 0, OPT_VALUE, "N", "stop after N records"},
    {"follow", 'f', OPT_FLAG, NULL, "CloudWatch: keep polling for new records"},
    {"interval", 0, OPT_VALUE, "SECONDS", "with --follow: seconds between polls (default 5)"},
    {"summary", 0, OPT_FLAG, NULL, "sum up instead of listing: accepted/rejected, top talkers"},
    {"top", 0, OPT_VALUE, "N", "with --summary: rows in each top list (default 10)"},
    {"log-format", 0, OPT_VALUE, "FORMAT",
     "the fields of records without a header line (default: the flow log's, else AWS's)"},
    {"regions", 0, OPT_VALUE, "LIST", "where to look for --flow-log-id or --resource"},
    {NULL, 0, 0, NULL, NULL},
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* What the command reads from and how it shows it. */
struct logs_run {
	struct context *ctx;
	struct record_layout layout;
	int layout_known; /* the layout is the flow log's, not a guess */
	struct where where;
	int64_t since_ms, until_ms; /* 0: unbounded */
	long limit, shown;
	int summary, following, json_started;
	struct summary *sum;
	/* Resolved source. */
	char *region, *log_group, *bucket, *prefix;
	struct strlist s3_regions;
};

static int on_record(void *arg, struct record *r)
{
	struct logs_run *run = arg;

	if (run->since_ms || run->until_ms) {
		int64_t t = record_time_ms(r);

		if (t &&
		    ((run->since_ms && t < run->since_ms) || (run->until_ms && t > run->until_ms)))
			return 0;
	}
	if (!where_match(&run->where, r))
		return 0;
	if (run->summary) {
		summary_add(run->sum, r);
	} else if (run->ctx->output == OUTPUT_JSON) {
		json_t *o = logview_json(r);
		char *text = json_dumps(o, JSON_COMPACT);

		if (run->following)
			printf("%s\n", text);
		else
			printf("%s\n    %s", run->json_started ? "," : "", text);
		run->json_started = 1;
		free(text);
		json_decref(o);
	} else if (run->ctx->output == OUTPUT_CSV) {
		logview_csv_row(stdout, r);
	} else {
		logview_table_row(stdout, r, run->ctx->color);
	}
	if (run->limit && ++run->shown >= run->limit)
		return 1;
	return 0;
}

static void on_poll(void *ctx)
{
	(void)ctx;
	fflush(stdout);
}

static void run_release(struct logs_run *run)
{
	where_release(&run->where);
	summary_free(run->sum);
	free(run->region);
	free(run->log_group);
	free(run->bucket);
	free(run->prefix);
	strlist_release(&run->s3_regions);
}

/* Picks the flow log to read among several: CloudWatch first, then S3. */
static const struct ec2_flow_log *pick_flow_log(const struct ec2_flow_log_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].log_destination_type &&
		    strcmp(l->v[i].log_destination_type, "cloud-watch-logs") == 0)
			return &l->v[i];
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].log_destination_type && strcmp(l->v[i].log_destination_type, "s3") == 0)
			return &l->v[i];
	return l->n ? &l->v[0] : NULL;
}

/* Finds the flow log by ID or resource and takes its destination and
 * format. Returns an exit code. */
static int resolve_flow_log(struct logs_run *run, const char *by, const char *id,
                            const char *regions_arg, int format_given)
{
	struct context *ctx = run->ctx;
	struct strlist regions = STRLIST_INIT;
	struct ec2_flow_log_list logs = {0};
	const struct ec2_flow_log *fl = NULL;
	const char *values[1] = {id};
	struct ec2_filter filter = {by, values, 1};
	struct aws_error err;
	int rc;

	if ((rc = cli_regions(&regions, ctx, regions_arg)) < 0)
		return -rc;
	rc = EXIT_FAILURE_AWS;
	for (size_t i = 0; i < regions.n && !fl; i++) {
		error_clear(&err);
		ec2_flow_log_list_release(&logs);
		if (ec2_describe_flow_logs(&logs, ctx->client, regions.v[i], &filter, 1, &err) <
		    0) {
			cli_aws_error(ctx, regions.v[i], &err);
			goto out;
		}
		if ((fl = pick_flow_log(&logs)))
			run->region = xstrdup(regions.v[i]);
	}
	if (!fl) {
		cli_error(ctx, "no flow log %s '%s' in %s; 'vpcflow list' shows the flow logs",
		          strcmp(by, "flow-log-id") == 0 ? "is" : "for", id,
		          regions.n == 1 ? regions.v[0] : "those regions");
		goto out;
	}
	if (logs.n > 1) {
		struct buf others = BUF_INIT;

		for (size_t i = 0; i < logs.n; i++)
			if (&logs.v[i] != fl)
				buf_addf(&others, "%s%s", others.len ? ", " : "",
				         logs.v[i].flow_log_id);
		cli_warn(ctx,
		         "'%s' has %zu flow logs; reading %s (also %s: choose with "
		         "--flow-log-id)",
		         id, logs.n, fl->flow_log_id, others.data);
		buf_release(&others);
	}
	if (!format_given && fl->log_format) {
		error_clear(&err);
		if (record_layout_parse(&run->layout, fl->log_format, 1, &err) < 0) {
			cli_error(ctx, "flow log '%s': %s", fl->flow_log_id, err.message);
			goto out;
		}
		run->layout_known = 1;
	}
	if (fl->log_destination_type && strcmp(fl->log_destination_type, "s3") == 0) {
		const char *arn = fl->log_destination ? fl->log_destination : "", *p;

		p = strstr(arn, ":s3:::");
		if (!p) {
			cli_error(ctx, "flow log '%s' has no S3 destination", fl->flow_log_id);
			goto out;
		}
		p += 6;
		run->bucket = xstrndup(p, strcspn(p, "/"));
		p += strlen(run->bucket);
		run->prefix = xstrdup(*p == '/' ? p + 1 : "");
		strlist_add(&run->s3_regions, run->region);
	} else if (fl->log_destination_type &&
	           strcmp(fl->log_destination_type, "kinesis-data-firehose") == 0) {
		cli_error(ctx,
		          "flow log '%s' delivers to Kinesis Data Firehose, which vpcflow "
		          "cannot read; read the stream's own destination",
		          fl->flow_log_id);
		goto out;
	} else if (fl->log_group_name) {
		run->log_group = xstrdup(fl->log_group_name);
	} else {
		cli_error(ctx, "flow log '%s' has no destination to read", fl->flow_log_id);
		goto out;
	}
	if (strncmp(id, "eni-", 4) == 0 && strcmp(by, "resource-id") == 0 &&
	    record_layout_find(&run->layout, "interface-id") >= 0) {
		char *expr = xasprintf("interface-id=%s", id);
		int bad;

		error_clear(&err);
		bad = where_add(&run->where, expr, &err) < 0;
		free(expr);
		if (bad) {
			cli_aws_error(ctx, "filter the records of the network interface", &err);
			goto out;
		}
	}
	rc = EXIT_OK;
out:
	ec2_flow_log_list_release(&logs);
	strlist_release(&regions);
	return rc;
}

/* For --log-group: the format of the flow logs that deliver there, when
 * they agree on one. */
static void log_group_format(struct logs_run *run)
{
	struct ec2_flow_log_list logs = {0};
	const char *values[1] = {run->log_group};
	struct ec2_filter filter = {"log-group-name", values, 1};
	struct aws_error err;
	const char *format = NULL;

	error_clear(&err);
	if (ec2_describe_flow_logs(&logs, run->ctx->client, run->region, &filter, 1, &err) < 0) {
		struct buf why = BUF_INIT;

		error_format(&err, &why);
		cli_warn(run->ctx,
		         "the format of the flow logs that deliver to '%s' cannot be read (%s): "
		         "reading with the default format; give --log-format, or allow "
		         "ec2:DescribeFlowLogs",
		         run->log_group, why.data);
		buf_release(&why);
		goto out;
	}
	for (size_t i = 0; i < logs.n; i++) {
		const char *f = logs.v[i].log_format ? logs.v[i].log_format : "default";

		if (format && strcmp(format, f) != 0) {
			cli_warn(run->ctx,
			         "flow logs with different formats deliver to '%s'; "
			         "reading with the first (give --log-format to choose)",
			         run->log_group);
			break;
		}
		format = f;
	}
	if (format && record_layout_parse(&run->layout, format, 1, &err) == 0)
		run->layout_known = 1;
out:
	ec2_flow_log_list_release(&logs);
}

static int read_cloudwatch(struct logs_run *run, struct logreader *reader, struct aws_error *err,
                           long interval)
{
	struct logsource_cw q;
	struct buf pattern = BUF_INIT;
	int rc;

	if (run->layout_known)
		where_filter_pattern(&run->where, &run->layout, &pattern);
	memset(&q, 0, sizeof(q));
	q.region = run->region;
	q.log_group = run->log_group;
	q.since_ms = run->since_ms;
	q.until_ms = run->until_ms;
	q.filter_pattern = pattern.data;
	if (run->following) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rc = logsource_cloudwatch_follow(run->ctx->client, run->ctx->clock, &q,
		                                 interval * 1000, &stop_requested, on_poll, NULL,
		                                 reader, err);
	} else {
		rc = logsource_cloudwatch_read(run->ctx->client, &q, reader, err);
	}
	buf_release(&pattern);
	return rc;
}

static int read_s3(struct logs_run *run, struct logreader *reader, struct aws_error *err)
{
	struct logsource_s3 q;
	char *region = NULL;
	const char *ask = run->region ? run->region : run->ctx->region;
	int rc;

	rc = s3_get_bucket_location(&region, run->ctx->client, ask ? ask : "us-east-1", run->bucket,
	                            err);
	if (rc && (rc == ERR_NOT_FOUND || error_is(err, "NoSuchBucket")))
		snprintf(err->message, sizeof(err->message), "bucket '%s' does not exist",
		         run->bucket);
	if (rc)
		return rc;
	memset(&q, 0, sizeof(q));
	q.region = region;
	q.bucket = run->bucket;
	q.prefix = run->prefix;
	q.regions = &run->s3_regions;
	q.since_ms = run->since_ms;
	q.until_ms = run->until_ms ? run->until_ms : clock_now_ms(run->ctx->clock);
	rc = logsource_s3_read(run->ctx->client, &q, reader, err);
	free(region);
	return rc;
}

/* --summary of a big plain file: pieces read side by side, each reader into its own
 * summary, merged into run's. Returns 1 when the file does not split (read it
 * whole), else as logreader_file. */
static int summarize_parallel(struct logs_run *run, struct logreader *main_reader, const char *path,
                              struct aws_error *err)
{
	struct logs_run parts[SUMMARY_THREADS];
	struct logreader readers[SUMMARY_THREADS];
	int rc;

	for (size_t i = 0; i < SUMMARY_THREADS; i++) {
		parts[i] = *run;
		parts[i].sum = summary_new();
		logreader_init(&readers[i], &main_reader->base, on_record, &parts[i]);
	}
	rc = logreader_file_parallel(readers, SUMMARY_THREADS, path, err);
	if (rc != 1) {
		/* Into the first part, whose table is grown already; it then
		 * takes run's place. */
		struct summary *into = parts[0].sum;

		summary_merge(into, run->sum);
		for (size_t i = 1; i < SUMMARY_THREADS; i++)
			summary_merge(into, parts[i].sum);
		parts[0].sum = run->sum;
		run->sum = into;
	}
	for (size_t i = 0; i < SUMMARY_THREADS; i++) {
		if (rc != 1) {
			main_reader->lines += readers[i].lines;
			main_reader->records += readers[i].records;
			main_reader->malformed += readers[i].malformed;
			if (!main_reader->first_malformed && readers[i].first_malformed)
				main_reader->first_malformed = xstrdup(readers[i].first_malformed);
		}
		summary_free(parts[i].sum);
		logreader_release(&readers[i]);
	}
	return rc;
}

static int read_file(struct logs_run *run, struct logreader *reader, const char *path,
                     struct aws_error *err)
{
	int rc = 1;

	if (run->summary && !run->limit)
		rc = summarize_parallel(run, reader, path, err);
	if (rc == 1)
		rc = logreader_file(reader, path, err);
	return rc;
}

static void print_summary(struct logs_run *run, const struct logreader *reader, long top)
{
	struct summary_report rep;

	summary_report(&rep, run->sum, (size_t)top);
	if (run->ctx->output == OUTPUT_JSON) {
		json_t *root = json_object();

		json_object_set_new(root, "summary", summary_json(&rep));
		json_object_set_new(root, "malformedLines",
		                    json_integer((json_int_t)reader->malformed));
		output_json_print(stdout, root);
		json_decref(root);
	} else if (run->ctx->output == OUTPUT_CSV) {
		summary_print_csv(stdout, &rep);
	} else {
		summary_print(stdout, &rep);
	}
	summary_report_release(&rep);
}

/* Parses everything that needs no AWS; returns an exit code. */
static int parse_options(struct logs_run *run, const struct args *args, long *top, long *interval)
{
	struct context *ctx = run->ctx;
	const char **wheres = NULL, *v;
	size_t n_where = 0;
	struct aws_error err;
	int64_t now = clock_now_ms(ctx->clock);

	error_clear(&err);
	if ((v = args_get(args, "log-format"))) {
		if (record_layout_parse(&run->layout, v, 0, &err) < 0) {
			cli_error(ctx, "--log-format: %s", err.message);
			return EXIT_USAGE;
		}
		run->layout_known = 1;
	}
	wheres = args_all(args, "where", &n_where);
	for (size_t i = 0; i < n_where; i++) {
		if (where_add(&run->where, wheres[i], &err) < 0) {
			cli_error(ctx, "%s", err.message);
			free(wheres);
			return EXIT_USAGE;
		}
	}
	free(wheres);
	if ((v = args_get(args, "since")) && timerange_parse(&run->since_ms, v, now, &err) < 0) {
		cli_error(ctx, "--since: %s", err.message);
		return EXIT_USAGE;
	}
	if ((v = args_get(args, "until")) && timerange_parse(&run->until_ms, v, now, &err) < 0) {
		cli_error(ctx, "--until: %s", err.message);
		return EXIT_USAGE;
	}
	if (run->since_ms && run->until_ms && run->since_ms > run->until_ms) {
		cli_error(ctx, "--since is after --until: nothing can match");
		return EXIT_USAGE;
	}
	if ((v = args_get(args, "limit")) &&
	    cli_parse_uint(ctx, "limit", v, 1, 1L << 40, &run->limit) < 0)
		return EXIT_USAGE;
	if ((v = args_get(args, "top")) && cli_parse_uint(ctx, "top", v, 1, 100000, top) < 0)
		return EXIT_USAGE;
	if ((v = args_get(args, "interval")) &&
	    cli_parse_uint(ctx, "interval", v, 1, 3600, interval) < 0)
		return EXIT_USAGE;
	run->summary = args_flag(args, "summary");
	run->following = args_flag(args, "follow");
	if (run->following && (run->summary || args_get(args, "until"))) {
		cli_error(ctx, "--follow reads on without end: it goes with neither --summary nor "
		               "--until");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int run_logs(struct context *ctx, const struct args *args)
{
	struct logs_run run;
	struct logreader reader;
	struct aws_error err;
	const char **files = NULL, *fl_id = args_get(args, "flow-log-id"),
	           *resource = args_get(args, "resource"), *group = args_get(args, "log-group"),
	           *bucket = args_get(args, "bucket");
	size_t n_files = 0;
	long top = DEFAULT_TOP, interval = 5;
	int rc, sources, aws_source;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	record_layout_default(&run.layout);
	files = args_all(args, "file", &n_files);
	sources = (fl_id != NULL) + (resource != NULL) + (group != NULL) + (bucket != NULL) +
	          (n_files > 0);
	rc = EXIT_USAGE;
	if (sources != 1) {
		cli_error(ctx,
		          "say what to read, once: --flow-log-id ID, --resource ID, --log-group "
		          "NAME, --bucket NAME or --file PATH");
		goto out;
	}
	if (args->n_positional && !n_files) {
		cli_error(ctx, "unexpected argument '%s'", args->positional[0]);
		goto out;
	}
	if (args_get(args, "prefix") && !bucket) {
		cli_error(ctx, "--prefix goes with --bucket");
		goto out;
	}
	if ((rc = parse_options(&run, args, &top, &interval)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	aws_source = !n_files;
	if (run.following && (n_files || bucket)) {
		cli_error(ctx, "--follow reads CloudWatch Logs only (--log-group, or a flow log "
		               "that delivers there)");
		goto out;
	}
	if (aws_source && !args_get(args, "since"))
		run.since_ms = clock_now_ms(ctx->clock) - DEFAULT_SINCE_MS;

	if (fl_id || resource) {
		rc = resolve_flow_log(&run, fl_id ? "flow-log-id" : "resource-id",
		                      fl_id ? fl_id : resource, args_get(args, "regions"),
		                      args_get(args, "log-format") != NULL);
		if (rc != EXIT_OK)
			goto out;
		if (run.following && !run.log_group) {
			cli_error(ctx,
			          "--follow reads CloudWatch Logs only; this flow log delivers "
			          "to S3");
			rc = EXIT_USAGE;
			goto out;
		}
	} else if (group) {
		if (!ctx->region) {
			cli_error(ctx, "no region: use --region, or set AWS_REGION");
			goto out;
		}
		run.region = xstrdup(ctx->region);
		run.log_group = xstrdup(group);
		if (!run.layout_known)
			log_group_format(&run);
	} else if (bucket) {
		run.bucket = xstrdup(bucket);
		run.prefix = args_get(args, "prefix") ? xstrdup(args_get(args, "prefix")) : NULL;
		if (args_get(args, "regions"))
			strlist_split(&run.s3_regions, args_get(args, "regions"), ',');
	}

	if (run.summary)
		run.sum = summary_new();
	else if (ctx->output == OUTPUT_CSV)
		logview_csv_header(stdout);
	else if (ctx->output == OUTPUT_JSON && !run.following)
		printf("{\n  \"schemaVersion\": %d,\n  \"records\": [", OUTPUT_SCHEMA_VERSION);
	else if (ctx->output == OUTPUT_TABLE)
		logview_table_header(stdout, ctx->color);

	logreader_init(&reader, &run.layout, on_record, &run);
	error_clear(&err);
	rc = 0;
	if (run.log_group) {
		rc = read_cloudwatch(&run, &reader, &err, interval);
	} else if (run.bucket) {
		rc = read_s3(&run, &reader, &err);
	} else {
		for (size_t i = 0; i < n_files && !rc; i++)
			rc = read_file(&run, &reader, files[i], &err);
		for (size_t i = 0; i < args->n_positional && !rc; i++)
			rc = read_file(&run, &reader, args->positional[i], &err);
	}
	if (rc > 0)
		rc = 0;

	if (run.summary)
		print_summary(&run, &reader, top);
	else if (ctx->output == OUTPUT_JSON && !run.following)
		printf("%s]\n}\n", run.json_started ? "\n  " : "");
	fflush(stdout);
	if (reader.malformed)
		cli_warn(ctx,
		         "%llu line%s were not flow records of the format (first: %s); give the "
		         "fields with --log-format",
		         (unsigned long long)reader.malformed, reader.malformed == 1 ? "" : "s",
		         reader.first_malformed);
	if (rc < 0) {
		cli_aws_error(ctx, NULL, &err);
		rc = EXIT_FAILURE_AWS;
	} else {
		rc = EXIT_OK;
	}
	logreader_release(&reader);
out:
	free(files);
	run_release(&run);
	return rc;
}

const struct command cmd_logs = {
    .name = "logs",
    .summary = "read flow records back: filter, show, or sum them up",
    .usage = "(--flow-log-id ID | --resource ID | --log-group NAME | --bucket B [--prefix P] "
             "| --file PATH...) [--since T] [--until T] [--where EXPR]... [--limit N] "
             "[--follow] [--summary]",
    .options = logs_options,
    .needs = NEEDS_AWS,
    .run = run_logs,
};
