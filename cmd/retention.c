/* vpcflow retention: how long flow-log destinations keep records (CloudWatch
 * log group retention, S3 lifecycle expiration), shown and set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/strlist.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/logretention.h"
#include "engine/retention.h"
#include "engine/table.h"

static const struct option_spec retention_options[] = {
    {"regions", 0, OPT_VALUE, "LIST",
     "comma-separated regions, or 'all' (default: the configured region)"},
    {"log-group", 0, OPT_MULTI, "NAME", "set: this CloudWatch log group"},
    {"bucket", 0, OPT_VALUE, "NAME", "set: this S3 bucket's flow-log objects"},
    {"prefix", 0, OPT_VALUE, "P", "set: the key prefix the flow logs were given (with --bucket)"},
    {"all", 0, OPT_FLAG, NULL, "set: every destination of the flow logs in the regions"},
    {"yes", 'y', OPT_FLAG, NULL, "set: change without asking"},
    {NULL, 0, 0, NULL, NULL},
};

/* One change retention set makes. Strings owned. */
struct change {
	enum retention_kind kind;
	char *region; /* where the log group or bucket lives */
	char *name;
	char *prefix;     /* buckets: the flow-log key prefix */
	int from, to;     /* days; 0 never expires */
	char *other_rule; /* buckets: a rule not vpcflow's that still expires, or NULL */
	int other_days;
	int failed;
	struct aws_error err;
};

struct plan {
	struct change *v;
	size_t n, alloc;
};

static void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].region);
		free(p->v[i].name);
		free(p->v[i].prefix);
		free(p->v[i].other_rule);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static struct change *plan_add(struct plan *p, enum retention_kind kind, const char *region,
                               const char *name, const char *prefix, int from, int to)
{
	struct change *c;

	for (size_t i = 0; i < p->n; i++) {
		c = &p->v[i];
		if (c->kind == kind && strcmp(c->region, region) == 0 &&
		    strcmp(c->name, name) == 0 &&
		    (!prefix || strcmp(c->prefix ? c->prefix : "", prefix) == 0))
			return NULL;
	}
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	c = memset(&p->v[p->n++], 0, sizeof(*c));
	c->kind = kind;
	c->region = xstrdup(region);
	c->name = xstrdup(name);
	c->prefix = prefix ? xstrdup(prefix) : NULL;
	c->from = from;
	c->to = to;
	return c;
}

static void describe_dest(struct buf *out, enum retention_kind kind, const char *name,
                          const char *prefix)
{
	if (kind == RETENTION_LOG_GROUP)
		buf_addf(out, "log group '%s'", name);
	else
		buf_addf(out, "bucket 's3://%s/%s'", name, prefix ? prefix : "");
}

/* --- show --- */

static json_t *dest_json(const struct retention_dest *d)
{
	json_t *o = json_object(), *ids = json_array();

	json_object_set_new(o, "region", json_string(d->region));
	json_object_set_new(
	    o, "type", json_string(d->kind == RETENTION_LOG_GROUP ? "cloud-watch-logs" : "s3"));
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "prefix", output_json_string(d->prefix));
	json_object_set_new(o, "exists", json_boolean(!d->missing));
	json_object_set_new(o, "retentionDays", d->days > 0 ? json_integer(d->days) : json_null());
	json_object_set_new(o, "lifecycleRuleId", output_json_string(d->rule_id));
	for (size_t i = 0; i < d->flow_logs.n; i++)
		json_array_append_new(ids, json_string(d->flow_logs.v[i]));
	json_object_set_new(o, "flowLogIds", ids);
	return o;
}

static void show_print(const struct context *ctx, const struct retention_list *dests)
{
	static const char *const headers[] = {"REGION", "TYPE", "DESTINATION", "RETENTION",
	                                      "FLOW LOGS"};
	struct table t;

	table_init(&t, headers, 5);
	for (size_t i = 0; i < dests->n; i++) {
		const struct retention_dest *d = &dests->v[i];
		struct buf where = BUF_INIT, ret = BUF_INIT, ids = BUF_INIT;
		const char *row[5];
		enum table_style style = TABLE_PLAIN;

		if (d->kind == RETENTION_LOG_GROUP)
			buf_addstr(&where, d->name);
		else
			buf_addf(&where, "s3://%s/%s", d->name, d->prefix);
		/* Data kept forever is worth a look; a missing destination is broken. */
		if (d->missing) {
			buf_addstr(&ret, d->kind == RETENTION_LOG_GROUP ? "log group missing"
			                                                : "bucket missing");
			style = TABLE_RED;
		} else if (d->kind == RETENTION_BUCKET && d->days <= 0) {
			buf_addstr(&ret, "no expiration");
			style = TABLE_YELLOW;
		} else {
			retention_describe_days(&ret, d->days);
			if (d->days <= 0)
				style = TABLE_YELLOW;
		}
		for (size_t k = 0; k < d->flow_logs.n; k++)
			buf_addf(&ids, "%s%s", k ? "," : "", d->flow_logs.v[k]);
		row[0] = d->region;
		row[1] = d->kind == RETENTION_LOG_GROUP ? "cloudwatch" : "s3";
		row[2] = where.data;
		row[3] = ret.data;
		row[4] = ids.data;
		table_set_style(&t, table_add_row(&t, row), 3, style);
		buf_release(&where);
		buf_release(&ret);
		buf_release(&ids);
	}
	t.color = ctx->color;
	if (ctx->output == OUTPUT_CSV)
		table_print_csv(&t, stdout);
	else if (t.n_rows || !ctx->quiet)
		table_print(&t, stdout);
	table_release(&t);
}

static int report_failures(const struct context *ctx, const struct retention_failures *f)
{
	for (size_t i = 0; i < f->n; i++) {
		char what[128];

		snprintf(what, sizeof(what), "region %s", f->v[i].region);
		cli_aws_error(ctx, what, f->v[i].err);
	}
	return f->n ? EXIT_FAILURE_AWS : EXIT_OK;
}

static int run_show(struct context *ctx, const struct args *args)
{
	struct strlist regions = STRLIST_INIT;
	struct retention_list dests;
	struct retention_failures failures;
	int rc;

	if (args_get(args, "log-group") || args_get(args, "bucket") || args_flag(args, "all") ||
	    args_get(args, "prefix")) {
		cli_error(ctx, "show takes only --regions; --log-group, --bucket, --prefix and "
		               "--all are for 'retention set'");
		return EXIT_USAGE;
	}
	if ((rc = cli_regions(&regions, ctx, args_get(args, "regions"))) < 0) {
		strlist_release(&regions);
		return -rc;
	}
	retention_collect(&dests, &failures, ctx->client, &regions);
	if (ctx->output == OUTPUT_JSON) {
		json_t *root = json_object(), *arr = json_array(), *errs = json_array();

		for (size_t i = 0; i < dests.n; i++)
			json_array_append_new(arr, dest_json(&dests.v[i]));
		for (size_t i = 0; i < failures.n; i++) {
			struct buf b = BUF_INIT;

			error_format(failures.v[i].err, &b);
			json_array_append_new(errs,
			                      json_pack("{s:s, s:s}", "region",
			                                failures.v[i].region, "message", b.data));
			buf_release(&b);
		}
		json_object_set_new(root, "destinations", arr);
		json_object_set_new(root, "errors", errs);
		output_json_print(stdout, root);
		json_decref(root);
	} else {
		show_print(ctx, &dests);
	}
	rc = report_failures(ctx, &failures);
	retention_list_release(&dests);
	retention_failures_release(&failures);
	strlist_release(&regions);
	return rc;
}

/* --- set --- */

/* Refuses a CloudWatch retention AWS does not take, before any request. */
static int check_cloudwatch_days(const struct context *ctx, int days)
{
	int below, above;

	if (days <= 0 || logretention_allowed(days, &below, &above))
		return 0;
	if (below && above)
		cli_error(ctx,
		          "%d is not a CloudWatch retention period; the nearest allowed are %d "
		          "and %d",
		          days, below, above);
	else
		cli_error(ctx, "%d is not a CloudWatch retention period; the nearest allowed is %d",
		          days, below ? below : above);
	return -1;
}

/* Plans the named log groups: each in every region where it exists. */
static int plan_log_groups(struct plan *p, struct context *ctx, const char **names, size_t n,
                           const struct strlist *regions, int days)
{
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		for (size_t r = 0; r < regions->n; r++) {
			struct aws_error err;
			int from;

			error_clear(&err);
			if (retention_log_group_days(&from, ctx->client, regions->v[r], names[i],
			                             &err) == 0) {
				plan_add(p, RETENTION_LOG_GROUP, regions->v[r], names[i], NULL,
				         from, days);
				found = 1;
			} else if (err.code != ERR_NOT_FOUND) {
				cli_aws_error(ctx, NULL, &err);
				return -1;
			}
		}
		if (!found) {
			struct buf where = BUF_INIT;

			for (size_t r = 0; r < regions->n; r++)
				buf_addf(&where, "%s%s", r ? ", " : "", regions->v[r]);
			cli_error(ctx,
			          "log group '%s' does not exist in %s; 'vpcflow retention show' "
			          "lists the destinations of your flow logs",
			          names[i], where.data);
			buf_release(&where);
			return -1;
		}
	}
	return 0;
}

/* Plans one bucket prefix whose current expiration is known: from days,
 * set by the lifecycle rule named rule (NULL when none is). */
static void plan_bucket_change(struct plan *p, const char *region, const char *bucket,
                               const char *prefix, int from, const char *rule, int days)
{
	char *ours = retention_rule_id(prefix);
	struct change *c = plan_add(p, RETENTION_BUCKET, region, bucket, prefix, from, days);

	if (c && rule && strcmp(rule, ours) != 0) {
		/* Someone else's rule sets the current expiration: ours will sit
		 * beside it, and the shorter one wins. */
		c->other_rule = xstrdup(rule);
		c->other_days = from;
	}
	free(ours);
}

/* Plans one bucket prefix: finds the bucket's region and what expires now. */
static int plan_bucket(struct plan *p, struct context *ctx, const char *ask_region,
                       const char *bucket, const char *prefix, int days)
{
	struct aws_error err;
	char *region = NULL, *rule = NULL;
	int from = 0, rc = -1;

	error_clear(&err);
	if (retention_bucket_region(&region, ctx->client, ask_region, bucket, &err) < 0 ||
	    retention_bucket_days(&from, &rule, ctx->client, region, bucket, prefix, &err) < 0) {
		cli_aws_error(ctx, NULL, &err);
		goto out;
	}
	plan_bucket_change(p, region, bucket, prefix, from, rule, days);
	rc = 0;
out:
	free(region);
	free(rule);
	return rc;
}

/* Plans every destination of the flow logs in regions, from what
 * retention_collect read: nothing is read twice. */
static int plan_all(struct plan *p, struct context *ctx, const struct strlist *regions, int days)
{
	struct retention_list dests;
	struct retention_failures failures;
	int rc = 0;

	retention_collect(&dests, &failures, ctx->client, regions);
	if (failures.n) {
		report_failures(ctx, &failures);
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < dests.n; i++) {
		const struct retention_dest *d = &dests.v[i];

		if (d->missing) {
			cli_warn(ctx, "%s %s '%s' does not exist; skipped", d->region,
			         d->kind == RETENTION_LOG_GROUP ? "log group" : "bucket", d->name);
			continue;
		}
		if (d->kind == RETENTION_LOG_GROUP)
			plan_add(p, RETENTION_LOG_GROUP, d->region, d->name, NULL, d->days, days);
		else
			plan_bucket_change(p, d->region, d->name, d->prefix, d->days, d->rule_id,
			                   days);
	}
out:
	retention_list_release(&dests);
	retention_failures_release(&failures);
	return rc;
}

static size_t pending(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->v[i].from != p->v[i].to;
	return n;
}

/* Prints the changes as a diff: "~ " before each one that changes (yellow on
 * a colour terminal), what stays as it is dimmed. */
static void print_plan(const struct context *ctx, const struct plan *p, FILE *f)
{
	int color = ctx->color && f == stdout;

	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		enum table_style style = c->from == c->to ? TABLE_DIM : TABLE_YELLOW;
		struct buf b = BUF_INIT;

		buf_addstr(&b, c->from == c->to ? "  " : "~ ");
		describe_dest(&b, c->kind, c->name, c->prefix);
		buf_addf(&b, " (%s): ", c->region);
		retention_describe_days(&b, c->from);
		if (c->from == c->to) {
			buf_addstr(&b, ", unchanged");
		} else {
			buf_addstr(&b, " -> ");
			retention_describe_days(&b, c->to);
		}
		if (color)
			fprintf(f, "%s%s%s\n", table_sgr(style), b.data, TABLE_SGR_RESET);
		else
			fprintf(f, "%s\n", b.data);
		buf_release(&b);
	}
}

/* Asks on a terminal; without one (or with --yes) the answer is yes. */
static int confirm(const struct context *ctx, int yes, size_t n)
{
	char line[64];

	if (yes || !ctx->stdin_tty)
		return 1;
	fprintf(stderr, "Change the retention of %zu destination%s? [y/N] ", n, n == 1 ? "" : "s");
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static void apply_plan(struct context *ctx, struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct change *c = &p->v[i];
		int rc;

		if (c->from == c->to)
			continue;
		error_clear(&c->err);
		if (c->kind == RETENTION_LOG_GROUP)
			rc = retention_set_log_group(ctx->client, c->region, c->name, c->to,
			                             &c->err);
		else
			rc = retention_set_bucket(ctx->client, c->region, c->name, c->prefix, c->to,
			                          &c->err);
		c->failed = rc < 0;
	}
}

static json_t *change_json(const struct change *c)
{
	json_t *o = json_object();
	const char *status = c->from == c->to ? "unchanged" : c->failed ? "failed" : "changed";

	json_object_set_new(o, "region", json_string(c->region));
	json_object_set_new(
	    o, "type", json_string(c->kind == RETENTION_LOG_GROUP ? "cloud-watch-logs" : "s3"));
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "prefix", output_json_string(c->prefix));
	json_object_set_new(o, "fromDays", c->from > 0 ? json_integer(c->from) : json_null());
	json_object_set_new(o, "toDays", c->to > 0 ? json_integer(c->to) : json_null());
	json_object_set_new(o, "status", json_string(status));
	if (c->failed) {
		struct buf b = BUF_INIT;

		error_format(&c->err, &b);
		json_object_set_new(o, "error", json_string(b.data));
		buf_release(&b);
	}
	return o;
}

/* Reports each change once done; returns the exit code. */
static int report_plan(struct context *ctx, const struct plan *p)
{
	int rc = EXIT_OK;

	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		struct buf what = BUF_INIT;

		describe_dest(&what, c->kind, c->name, c->prefix);
		if (c->failed) {
			buf_addf(&what, " in %s", c->region);
			cli_aws_error(ctx, what.data, &c->err);
			rc = EXIT_FAILURE_AWS;
		} else if (c->from != c->to && c->to == 0 && c->other_rule) {
			cli_warn(ctx,
			         "%s: lifecycle rule '%s' (not vpcflow's) still expires objects "
			         "after %d days",
			         what.data, c->other_rule, c->other_days);
		}
		buf_release(&what);
	}
	if (ctx->output == OUTPUT_JSON) {
		json_t *root = json_object(), *arr = json_array();

		for (size_t i = 0; i < p->n; i++)
			json_array_append_new(arr, change_json(&p->v[i]));
		json_object_set_new(root, "changes", arr);
		output_json_print(stdout, root);
		json_decref(root);
	} else if (!ctx->quiet) {
		for (size_t i = 0; i < p->n; i++) {
			const struct change *c = &p->v[i];
			struct buf b = BUF_INIT;

			if (c->from == c->to || c->failed)
				continue;
			buf_addstr(&b, "changed ");
			describe_dest(&b, c->kind, c->name, c->prefix);
			buf_addf(&b, " (%s): ", c->region);
			retention_describe_days(&b, c->to);
			printf("%s\n", b.data);
			buf_release(&b);
		}
	}
	return rc;
}

static int run_set(struct context *ctx, const struct args *args)
{
	struct strlist regions = STRLIST_INIT;
	struct plan plan = {0};
	struct aws_error err;
	const char **groups = NULL, *bucket = args_get(args, "bucket"),
	           *prefix_arg = args_get(args, "prefix");
	size_t n_groups = 0;
	int all = args_flag(args, "all"), days, rc = EXIT_USAGE, modes;

	groups = args_all(args, "log-group", &n_groups);
	if (args->n_positional < 2) {
		cli_error(ctx, "set needs a retention: 'vpcflow retention set DAYS|never "
		               "(--log-group NAME | --bucket NAME | --all)'");
		goto out;
	}
	if (args->n_positional > 2) {
		cli_error(ctx, "unexpected argument '%s'", args->positional[2]);
		goto out;
	}
	error_clear(&err);
	if (retention_parse_days(&days, args->positional[1], &err) < 0) {
		cli_error(ctx, "%s", err.message);
		goto out;
	}
	modes = (n_groups > 0) + (bucket != NULL) + all;
	if (modes != 1) {
		cli_error(ctx, "say what to change: --log-group NAME (repeatable), --bucket NAME "
		               "[--prefix P] or --all, one of them");
		goto out;
	}
	if (prefix_arg && !bucket) {
		cli_error(ctx, "--prefix goes with --bucket");
		goto out;
	}
	if (!bucket && check_cloudwatch_days(ctx, days) < 0)
		goto out;
	if ((rc = cli_regions(&regions, ctx, args_get(args, "regions"))) < 0) {
		rc = -rc;
		goto out;
	}

	rc = EXIT_FAILURE_AWS;
	if (n_groups) {
		if (plan_log_groups(&plan, ctx, groups, n_groups, &regions, days) < 0)
			goto out;
	} else if (bucket) {
		char *prefix = retention_bucket_prefix(prefix_arg);
		int prc = plan_bucket(&plan, ctx, regions.v[0], bucket, prefix, days);

		free(prefix);
		if (prc < 0)
			goto out;
	} else if (plan_all(&plan, ctx, &regions, days) < 0) {
		goto out;
	}

	if (!pending(&plan)) {
		if (ctx->output == OUTPUT_JSON)
			rc = report_plan(ctx, &plan);
		else if (!ctx->quiet)
			print_plan(ctx, &plan, stdout);
		if (!ctx->quiet && ctx->output != OUTPUT_JSON)
			printf("nothing to change\n");
		rc = EXIT_OK;
		goto out;
	}
	if (ctx->output != OUTPUT_JSON && !ctx->quiet)
		print_plan(ctx, &plan, stdout);
	else if (ctx->stdin_tty && !args_flag(args, "yes"))
		print_plan(ctx, &plan, stderr);
	fflush(stdout);
	if (!confirm(ctx, args_flag(args, "yes"), pending(&plan))) {
		cli_error(ctx, "cancelled; nothing was changed");
		rc = EXIT_FAILURE_AWS;
		goto out;
	}
	apply_plan(ctx, &plan);
	rc = report_plan(ctx, &plan);
out:
	free(groups);
	plan_release(&plan);
	strlist_release(&regions);
	return rc;
}

static int run_retention(struct context *ctx, const struct args *args)
{
	const char *sub = args->n_positional ? args->positional[0] : NULL;

	if (sub && strcmp(sub, "show") == 0) {
		if (args->n_positional > 1) {
			cli_error(ctx, "unexpected argument '%s'", args->positional[1]);
			return EXIT_USAGE;
		}
		return run_show(ctx, args);
	}
	if (sub && strcmp(sub, "set") == 0)
		return run_set(ctx, args);
	if (sub)
		cli_error(ctx, "'%s' is not a retention subcommand; use 'show' or 'set'", sub);
	else
		cli_error(ctx, "say 'show' or 'set DAYS|never'; see 'vpcflow help retention'");
	return EXIT_USAGE;
}

const struct command cmd_retention = {
    .name = "retention",
    .summary = "show or set how long flow-log destinations keep records",
    .usage = "show [--regions LIST|all]\n"
             "   or: vpcflow retention set DAYS|never (--log-group NAME... | --bucket NAME "
             "[--prefix P] | --all) [--regions LIST|all] [--yes]",
    .options = retention_options,
    .needs = NEEDS_AWS,
    .run = run_retention,
};
