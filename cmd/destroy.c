/* vpcflow destroy: deletes the spec's flow logs that vpcflow created and,
 * with --destinations, the log groups, roles and buckets it created. Never
 * anything without vpcflow's tag. */
#include <stdio.h>

#include "cmd/planning.h"

static const struct option_spec destroy_options[] = {
    {"yes", 'y', OPT_FLAG, NULL, "do not ask for confirmation"},
    {"destinations", 0, OPT_FLAG, NULL,
     "also delete the log groups, delivery roles and (empty) buckets vpcflow created"},
    {NULL, 0, 0, NULL, NULL},
};

static int run_destroy(struct context *ctx, const struct args *args)
{
	struct planning pl;
	struct plan_options opt = {0, args_flag(args, "destinations")};
	struct apply_options aopt;
	int rc;

	rc = planning_load(&pl, ctx, args);
	if (rc == EXIT_OK)
		rc = planning_make(&pl, ctx, 1, &opt, 1);
	if (rc != EXIT_OK)
		goto out;
	if (ctx->output != OUTPUT_JSON)
		planning_print(ctx, &pl);
	if (!plan_count(&pl.plan, PLAN_DELETE)) {
		rc = planning_finish(ctx, &pl, "Destroy");
		goto out;
	}
	if (!args_flag(args, "yes") &&
	    !planning_confirm(ctx, "Delete these? Only 'y' goes ahead.")) {
		cli_error(ctx, "cancelled: nothing was deleted");
		rc = EXIT_FAILURE_AWS;
		goto out;
	}
	if (ctx->output != OUTPUT_JSON && !ctx->quiet)
		printf("\n");
	planning_apply_options(&aopt, ctx, &pl);
	apply_run(&pl.plan, ctx->client, &aopt);
	rc = planning_finish(ctx, &pl, "Destroy");
out:
	planning_release(&pl);
	return rc;
}

const struct command cmd_destroy = {
    .name = "destroy",
    .summary = "delete the spec's flow logs (and with --destinations what vpcflow made for them)",
    .usage = "SPEC [--yes] [--destinations]",
    .options = destroy_options,
    .needs = NEEDS_AWS,
    .run = run_destroy,
};
