/* vpcflow validate: checks a spec offline and prints it normalised, or
 * every problem in it with its file, line, column and key path. */
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/spec.h"
#include "engine/table.h"

static const char *const headers[] = {"CONFIG", "SETTING", "VALUE"};

static void add_row(struct table *t, const char *config, const char *setting, const char *value)
{
	const char *row[3] = {config, setting, value};

	table_add_row(t, row);
}

static void add_list(struct table *t, const char *config, const char *setting,
                     const struct strlist *l, const char *none)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", l->v[i]);
	add_row(t, config, setting, l->n ? b.data : none);
	buf_release(&b);
}

static void add_number(struct table *t, const char *config, const char *setting, int n)
{
	char s[32];

	snprintf(s, sizeof(s), "%d", n);
	add_row(t, config, setting, s);
}

/* One row per setting of c, defaults included, keyed by the spec's names. */
static void add_config(struct table *t, const char *name, const struct spec_config *c)
{
	static const char *const regions[] = {"the configured region", "all", NULL};
	char *every = xasprintf("every %s", spec_resource_type_noun(c->resource_type));
	struct buf tags = BUF_INIT;

	add_row(t, name, "resourceType", spec_resource_type_name(c->resource_type));
	add_list(t, name, "resourceIds", &c->resource_ids, every);
	add_list(t, name, "regions", &c->regions, regions[c->regions_kind]);
	add_row(t, name, "destination", spec_destination_name(c->destination));
	switch (c->destination) {
	case SPEC_CLOUDWATCH_LOGS:
		add_row(t, name, "logGroup", c->log_group);
		add_number(t, name, "retentionDays", c->retention_days);
		add_row(t, name, "iamRole", c->iam_role);
		break;
	case SPEC_S3:
		add_row(t, name, "bucket", c->bucket);
		add_row(t, name, "prefix", c->prefix ? c->prefix : "(none)");
		add_row(t, name, "fileFormat", spec_file_format_name(c->file_format));
		add_row(t, name, "hiveCompatiblePartitions",
		        c->hive_compatible_partitions ? "true" : "false");
		add_row(t, name, "perHourPartition", c->per_hour_partition ? "true" : "false");
		add_number(t, name, "retentionDays", c->retention_days);
		break;
	case SPEC_KINESIS_FIREHOSE:
		add_row(t, name, "deliveryStream", c->delivery_stream);
		break;
	}
	add_row(t, name, "logFormat", c->log_format);
	if (!spec_is_transit(c->resource_type))
		add_row(t, name, "trafficType", spec_traffic_type_name(c->traffic_type));
	add_number(t, name, "maxAggregationInterval", c->max_aggregation_interval);
	for (size_t i = 0; i < c->n_tags; i++)
		buf_addf(&tags, "%s%s=%s", i ? ", " : "", c->tags[i].key, c->tags[i].value);
	add_row(t, name, "tags", c->n_tags ? tags.data : "(none)");
	buf_release(&tags);
	free(every);
}

/* For people: one block per configuration, its settings aligned. */
static void print_blocks(const struct context *ctx, const struct spec *s, const struct table *t)
{
	size_t width = 0;

	if (!ctx->quiet)
		printf("%s is valid: %zu flow log configuration%s\n\n", s->file, s->n_configs,
		       s->n_configs == 1 ? "" : "s");
	for (size_t r = 0; r < t->n_rows; r++)
		if (strlen(t->cells[r * 3 + 1]) > width)
			width = strlen(t->cells[r * 3 + 1]);
	for (size_t r = 0; r < t->n_rows; r++) {
		char *const *row = &t->cells[r * 3];

		if (r == 0 || strcmp(row[0], t->cells[(r - 1) * 3]) != 0)
			printf("%s%s\n", r ? "\n" : "", row[0]);
		printf("  %-*s  %s\n", (int)width, row[1], row[2]);
	}
}

static int run_validate(struct context *ctx, const struct args *args)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec s;
	struct table t;

	if (args->n_positional != 1) {
		if (args->n_positional)
			cli_error(ctx, "unexpected argument '%s'", args->positional[1]);
		else
			cli_error(ctx,
			          "missing the spec file; usage: %s validate SPEC ('-' reads "
			          "standard input)",
			          ctx->prog);
		return EXIT_USAGE;
	}
	if (spec_load_file(&s, args->positional[0], &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++) {
			struct buf b = BUF_INIT;

			spec_error_format(&errs.v[i], &b);
			cli_error(ctx, "%s", b.data);
			buf_release(&b);
		}
		spec_errors_release(&errs);
		return EXIT_USAGE;
	}
	if (ctx->output == OUTPUT_JSON) {
		json_t *root = spec_to_json(&s);

		output_json_print(stdout, root);
		json_decref(root);
		spec_release(&s);
		return EXIT_OK;
	}
	table_init(&t, headers, 3);
	for (size_t i = 0; i < s.n_configs; i++) {
		char *name =
		    s.single ? xstrdup("flowLogConfig") : xasprintf("flowLogConfigs[%zu]", i);

		add_config(&t, name, &s.configs[i]);
		free(name);
	}
	if (ctx->output == OUTPUT_CSV)
		table_print_csv(&t, stdout);
	else
		print_blocks(ctx, &s, &t);
	table_release(&t);
	spec_release(&s);
	return EXIT_OK;
}

const struct command cmd_validate = {
    .name = "validate",
    .summary = "check a spec offline and print it normalised",
    .usage = "SPEC   ('-' reads the spec from standard input)",
    .options = NULL,
    .needs = 0,
    .run = run_validate,
};
