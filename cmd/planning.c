/* What plan, apply and destroy share. */
#include "cmd/planning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/table.h"

int planning_load(struct planning *pl, struct context *ctx, const struct args *args)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;
	int uses_default = 0;

	memset(pl, 0, sizeof(*pl));
	if (args->n_positional != 1) {
		if (args->n_positional)
			cli_error(ctx, "unexpected argument '%s'", args->positional[1]);
		else
			cli_error(ctx, "missing the spec file; usage: %s %s %s", ctx->prog,
			          ctx->cmd->name, ctx->cmd->usage);
		return EXIT_USAGE;
	}
	if (spec_load_file(&pl->spec, args->positional[0], &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++) {
			struct buf b = BUF_INIT;

			spec_error_format(&errs.v[i], &b);
			cli_error(ctx, "%s", b.data);
			buf_release(&b);
		}
		cli_error(ctx, "nothing was sent to AWS: fix the spec (see '%s validate %s')",
		          ctx->prog, args->positional[0]);
		spec_errors_release(&errs);
		return EXIT_USAGE;
	}
	pl->loaded = 1;
	pl->home_region = ctx->region;
	for (size_t i = 0; i < pl->spec.n_configs; i++) {
		const struct spec_config *c = &pl->spec.configs[i];

		if (c->regions_kind == SPEC_REGIONS_DEFAULT)
			uses_default = 1;
		else if (!pl->home_region && c->regions_kind == SPEC_REGIONS_LIST && c->regions.n)
			pl->home_region = c->regions.v[0];
	}
	if (!ctx->region && uses_default) {
		cli_error(ctx,
		          "no region: the spec uses the configured region; use --region, set "
		          "AWS_REGION (or region in your profile), or list regions in the spec");
		return EXIT_USAGE;
	}
	if (!pl->home_region)
		pl->home_region = "us-east-1";
	return EXIT_OK;
}

int planning_make(struct planning *pl, struct context *ctx, int destroy,
                  const struct plan_options *opt, int read_tags)
{
	struct state_options sopt = {pl->home_region, read_tags, 0};
	struct aws_error err;
	struct buf why = BUF_INIT;
	int rc;

	error_clear(&err);
	if (state_read(&pl->state, ctx->client, &pl->spec, &sopt, &err) < 0) {
		cli_aws_error(ctx, "read the current state", &err);
		return EXIT_FAILURE_AWS;
	}
	pl->read = 1;
	pl->destroying = destroy;
	rc = destroy ? plan_destroy(&pl->plan, &pl->spec, &pl->state, opt, &why)
	             : plan_make(&pl->plan, &pl->spec, &pl->state, opt, &why);
	if (rc < 0) {
		cli_error(ctx, "cannot plan: %s", why.data);
		buf_release(&why);
		return EXIT_FAILURE_AWS;
	}
	buf_release(&why);
	pl->planned = 1;
	return EXIT_OK;
}

/* Terraform's colours: green creates, yellow changes (drift included), red
 * deletes and errors; notes (what is left alone) dimmed. */
static enum table_style op_style(enum plan_op op)
{
	switch (op) {
	case PLAN_CREATE:
		return TABLE_GREEN;
	case PLAN_UPDATE:
	case PLAN_DRIFT:
		return TABLE_YELLOW;
	case PLAN_DELETE:
	case PLAN_ERROR:
		return TABLE_RED;
	default:
		return TABLE_DIM;
	}
}

void planning_print(const struct context *ctx, const struct planning *pl)
{
	const struct plan *p = &pl->plan;
	struct buf line = BUF_INIT;
	size_t errors = plan_count(p, PLAN_ERROR);

	if (!ctx->quiet)
		printf("%s: account %s, %zu region%s\n\n", pl->spec.file, p->account,
		       pl->state.n_regions, pl->state.n_regions == 1 ? "" : "s");
	for (size_t i = 0; i < p->n; i++) {
		buf_reset(&line);
		plan_format_action(&line, &p->v[i]);
		if (ctx->color)
			printf("%s%s%s\n", table_sgr(op_style(p->v[i].op)), line.data,
			       TABLE_SGR_RESET);
		else
			printf("%s\n", line.data);
	}
	buf_release(&line);
	if (!plan_has_changes(p)) {
		printf("%sNo changes: %s %s.%s\n", p->n ? "\n" : "",
		       pl->destroying ? "nothing vpcflow made for" : "AWS matches", pl->spec.file,
		       errors ? " (but see the errors above)" : "");
		return;
	}
	printf("\nPlan: %zu to create, %zu to update, %zu to delete, %zu drifted",
	       plan_count(p, PLAN_CREATE), plan_count(p, PLAN_UPDATE), plan_count(p, PLAN_DELETE),
	       plan_count(p, PLAN_DRIFT));
	if (errors)
		printf("; %zu error%s", errors, errors == 1 ? "" : "s");
	printf(".\n");
}

int planning_confirm(const struct context *ctx, const char *question)
{
	char answer[16];

	if (!ctx->stdin_tty)
		return 1;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* What an action does ("create flow log for"), and what it did, for
 * messages. */
static const char *verb(enum plan_kind k, int done)
{
	static const char *const verbs[][2] = {
	    {"create IAM role", "created IAM role"},
	    {"update trust policy of role", "updated trust policy of role"},
	    {"put inline policy on role", "put inline policy " PLAN_ROLE_POLICY_NAME " on role"},
	    {"create bucket", "created bucket"},
	    {"put policy of bucket", "put policy of bucket"},
	    {"put lifecycle of bucket", "put lifecycle rules of bucket"},
	    {"create log group", "created log group"},
	    {"set retention of log group", "set retention of log group"},
	    {"tag log group", "tagged log group"},
	    {"create flow log for", "created flow log for"},
	    {"replace flow log of", "replaced flow log of"},
	    {"delete flow log of", "deleted flow log of"},
	    {"delete log group", "deleted log group"},
	    {"delete IAM role", "deleted IAM role"},
	    {"delete bucket", "deleted bucket"},
	    {"", ""},
	    {"", ""},
	    {"", ""},
	};

	return verbs[k][done];
}

/* One progress line per action carried out; failures on stderr. */
static void progress(void *arg, const struct plan *p, const struct plan_action *a)
{
	const struct context *ctx = arg;
	char where[64] = "";

	if (a->region)
		snprintf(where, sizeof(where), " (region %s)", a->region);
	if (a->status == PLAN_FAILED) {
		cli_error(ctx, "%s '%s'%s: %s", verb(a->kind, 0), a->subject, where,
		          a->result ? a->result : "failed");
		return;
	}
	if (a->status == PLAN_SKIPPED) {
		cli_warn(ctx, "%s '%s'%s: %s", verb(a->kind, 0), a->subject, where,
		         a->result ? a->result : "skipped");
		return;
	}
	if (ctx->quiet || ctx->output == OUTPUT_JSON)
		return;
	switch (a->kind) {
	case PLAN_FLOW_LOG:
		printf("created flow log %s for %s%s\n", a->result ? a->result : "", a->subject,
		       where);
		break;
	case PLAN_FLOW_LOG_REPLACE:
		printf("replaced flow log %s of %s with %s%s\n", a->flow_log_id, a->subject,
		       a->result ? a->result : "", where);
		break;
	case PLAN_FLOW_LOG_DELETE:
		printf("deleted flow log %s of %s%s\n", a->flow_log_id, a->subject, where);
		break;
	default:
		printf("%s %s%s\n", verb(a->kind, 1), a->subject, where);
		break;
	}
	fflush(stdout);
}

void planning_apply_options(struct apply_options *opt, struct context *ctx,
                            const struct planning *pl)
{
	const char *test_ms = env_get(ctx->env, "VPCFLOW_TEST_PROPAGATION_MS");

	memset(opt, 0, sizeof(*opt));
	opt->home_region = pl->home_region;
	opt->clock = ctx->clock;
	if (test_ms && atoll(test_ms) > 0) {
		opt->propagation_wait_ms = atoll(test_ms);
		opt->propagation_max_ms = 60 * opt->propagation_wait_ms;
	}
	opt->on_done = progress;
	opt->ctx = ctx;
}

void planning_print_errors(const struct context *ctx, const struct planning *pl)
{
	const struct plan *p = &pl->plan;

	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].op == PLAN_ERROR)
			cli_error(ctx, "%s", p->v[i].text);
}

void planning_print_json(const struct planning *pl, size_t done, size_t failed)
{
	json_t *root = plan_to_json(&pl->plan);

	json_object_set_new(root, "done", json_integer((json_int_t)done));
	json_object_set_new(root, "failed", json_integer((json_int_t)failed));
	output_json_print(stdout, root);
	json_decref(root);
}

int planning_finish(const struct context *ctx, const struct planning *pl, const char *what)
{
	const struct plan *p = &pl->plan;
	size_t done = apply_count(p, PLAN_DONE), failed = apply_count(p, PLAN_FAILED);
	size_t skipped = apply_count(p, PLAN_SKIPPED), errors = plan_count(p, PLAN_ERROR);

	if (ctx->output == OUTPUT_JSON) {
		planning_print_json(pl, done, failed);
	} else if (!ctx->quiet && done + failed + skipped) {
		printf("\n%s %s: %zu done, %zu failed, %zu skipped.\n", what,
		       failed || errors ? "finished with errors" : "complete", done, failed,
		       skipped);
	}
	planning_print_errors(ctx, pl);
	if (failed || errors) {
		cli_error(ctx, "%s",
		          "run it again once the problems above are fixed: what is done "
		          "is not done twice");
		return EXIT_FAILURE_AWS;
	}
	return EXIT_OK;
}

void planning_release(struct planning *pl)
{
	if (pl->planned)
		plan_release(&pl->plan);
	if (pl->read)
		state_release(&pl->state);
	if (pl->loaded)
		spec_release(&pl->spec);
	memset(pl, 0, sizeof(*pl));
}
