/* vpcflow apply: makes AWS match a spec (DESIGN.md section 3): identity,
 * targets, current state, the plan, a confirmation on a terminal, then the
 * changes. */
#include <stdio.h>

#include "cmd/planning.h"

static const struct option_spec apply_options[] = {
    {"yes", 'y', OPT_FLAG, NULL, "do not ask for confirmation"},
    {"replace", 0, OPT_FLAG, NULL,
     "replace flow logs that differ from the spec (drift): create the new one, then delete "
     "the old"},
    {NULL, 0, 0, NULL, NULL},
};

/* Whether carrying out the plan would change anything. */
static int has_work(const struct plan *p, int replace)
{
	return plan_count(p, PLAN_CREATE) + plan_count(p, PLAN_UPDATE) +
	           plan_count(p, PLAN_DELETE) + (replace ? plan_count(p, PLAN_DRIFT) : 0) >
	       0;
}

/* Says that drift was left alone (without --replace). */
static void note_drift(const struct context *ctx, size_t drift)
{
	if (drift && ctx->output != OUTPUT_JSON && !ctx->quiet)
		printf("%zu drifted flow log%s left alone: apply --replace replaces %s.\n", drift,
		       drift == 1 ? "" : "s", drift == 1 ? "it" : "them");
}

static int run_apply(struct context *ctx, const struct args *args)
{
	struct planning pl;
	struct plan_options opt = {args_flag(args, "replace"), 0};
	struct apply_options aopt;
	size_t drift;
	int rc;

	rc = planning_load(&pl, ctx, args);
	if (rc == EXIT_OK)
		rc = planning_make(&pl, ctx, 0, &opt, 0);
	if (rc != EXIT_OK)
		goto out;
	if (ctx->output != OUTPUT_JSON)
		planning_print(ctx, &pl);
	if (plan_is_blocked(&pl.plan)) {
		/* A program reading the JSON learns why nothing was done. */
		if (ctx->output == OUTPUT_JSON)
			planning_print_json(&pl, 0, 0);
		planning_print_errors(ctx, &pl);
		cli_error(ctx, "nothing was changed: fix the errors above, then run apply again");
		rc = EXIT_FAILURE_AWS;
		goto out;
	}
	drift = opt.replace ? 0 : plan_count(&pl.plan, PLAN_DRIFT);
	if (!has_work(&pl.plan, opt.replace)) {
		note_drift(ctx, drift);
		rc = planning_finish(ctx, &pl, "Apply");
		goto out;
	}
	if (!args_flag(args, "yes") &&
	    !planning_confirm(ctx, "Make these changes? Only 'y' goes ahead.")) {
		cli_error(ctx, "cancelled: nothing was changed");
		rc = EXIT_FAILURE_AWS;
		goto out;
	}
	if (ctx->output != OUTPUT_JSON && !ctx->quiet)
		printf("\n");
	planning_apply_options(&aopt, ctx, &pl);
	aopt.replace = opt.replace;
	apply_run(&pl.plan, ctx->client, &aopt);
	note_drift(ctx, drift);
	rc = planning_finish(ctx, &pl, "Apply");
out:
	planning_release(&pl);
	return rc;
}

const struct command cmd_apply = {
    .name = "apply",
    .summary = "make AWS match a spec: role, log groups or bucket, and the flow logs",
    .usage = "SPEC [--yes] [--replace]",
    .options = apply_options,
    .needs = NEEDS_AWS,
    .run = run_apply,
};
