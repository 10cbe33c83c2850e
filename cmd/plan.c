/* vpcflow plan: what apply would change, read from AWS without changing
 * anything. */
#include <stdio.h>

#include "cmd/planning.h"
#include "engine/table.h"

static const struct option_spec plan_options[] = {
    {"detailed-exitcode", 0, OPT_FLAG, NULL,
     "exit 3 when there are changes to make (0: none, 1: error)"},
    {"destroy", 0, OPT_FLAG, NULL, "plan what destroy would delete instead"},
    {"destinations", 0, OPT_FLAG, NULL,
     "with --destroy: also the log groups, roles and buckets vpcflow created"},
    {NULL, 0, 0, NULL, NULL},
};

/* One row per action, for spreadsheets. */
static void print_csv(const struct plan *p)
{
	static const char *const headers[] = {"MARKER", "OP", "KIND", "REGION", "SUBJECT", "TEXT"};
	struct buf text = BUF_INIT;
	struct table t;

	table_init(&t, headers, 6);
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->v[i];
		char marker[2] = {plan_marker(a->op), '\0'};
		const char *row[6] = {marker,    plan_op_name(a->op), plan_kind_name(a->kind),
		                      a->region, a->subject,          NULL};

		buf_reset(&text);
		plan_format_text(&text, a);
		row[5] = text.data;
		table_add_row(&t, row);
	}
	table_print_csv(&t, stdout);
	table_release(&t);
	buf_release(&text);
}

static int run_plan(struct context *ctx, const struct args *args)
{
	struct planning pl;
	struct plan_options opt = {0, args_flag(args, "destinations")};
	int destroy = args_flag(args, "destroy");
	int rc;

	rc = planning_load(&pl, ctx, args);
	if (rc == EXIT_OK && opt.destinations && !destroy) {
		cli_error(ctx, "--destinations goes with --destroy");
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK)
		rc = planning_make(&pl, ctx, destroy, &opt, destroy);
	if (rc != EXIT_OK)
		goto out;
	if (ctx->output == OUTPUT_JSON) {
		json_t *root = plan_to_json(&pl.plan);

		output_json_print(stdout, root);
		json_decref(root);
	} else if (ctx->output == OUTPUT_CSV) {
		print_csv(&pl.plan);
	} else {
		planning_print(ctx, &pl);
	}
	if (plan_count(&pl.plan, PLAN_ERROR)) {
		planning_print_errors(ctx, &pl);
		rc = EXIT_FAILURE_AWS;
	} else if (args_flag(args, "detailed-exitcode") && plan_has_changes(&pl.plan))
		rc = EXIT_FINDINGS;
out:
	planning_release(&pl);
	return rc;
}

const struct command cmd_plan = {
    .name = "plan",
    .summary = "show what apply would change (+ create, ~ update, - delete, ! drift)",
    .usage = "SPEC [--detailed-exitcode] [--destroy [--destinations]] [--output table|json|csv]",
    .options = plan_options,
    .needs = NEEDS_AWS,
    .run = run_plan,
};
