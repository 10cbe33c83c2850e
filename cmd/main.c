/* vpcflow: enable, audit and maintain AWS VPC Flow Logs.
 *
 * main() is the program's edge: it reads the environment and the terminal,
 * finds the command in the table, parses its options, builds what the
 * command's .needs ask for (config, credentials, HTTP, client) once, and runs
 * it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/error.h"
#include "aws/http.h"
#include "cmd/cli.h"
#include "engine/suggest.h"

static const struct command *const commands[] = {
    &cmd_validate,
    &cmd_list,
    &cmd_audit,
    &cmd_retention,
    &cmd_logs,
    &cmd_plan,
    &cmd_apply,
    &cmd_destroy,
    &cmd_help,
    NULL,
};

/* Commands that change AWS are never matched by a prefix or a guess. */
static const struct command *find_command(const char *name)
{
	for (const struct command *const *c = commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static void print_overview(FILE *f)
{
	fprintf(f, "usage: vpcflow [global options] COMMAND [options]\n\n"
	           "Enable, audit and maintain AWS VPC Flow Logs.\n\ncommands:\n");
	for (const struct command *const *c = commands; *c; c++)
		fprintf(f, "  %-12s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\nglobal options:\n");
	for (const struct option_spec *o = global_options; o->name; o++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s", o->name, o->value ? " " : "",
		         o->value ? o->value : "");
		fprintf(f, "  --%-26s %s\n", name, o->help);
	}
	fprintf(f, "  --%-26s %s\n", "version", "print the version and exit");
	fprintf(f, "\nRun 'vpcflow help COMMAND' for a command's options.\n");
}

static void unknown_command(const struct context *ctx, const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])];
	size_t n = 0;
	const char *near;

	for (const struct command *const *c = commands; *c; c++)
		names[n++] = (*c)->name;
	names[n] = NULL;
	near = suggest_nearest(name, names);
	if (near)
		fprintf(stderr, "%s: '%s' is not a vpcflow command; did you mean '%s'?\n",
		        ctx->prog, name, near);
	else
		fprintf(stderr, "%s: '%s' is not a vpcflow command; see 'vpcflow --help'\n",
		        ctx->prog, name);
}

static int run_help(struct context *ctx, const struct args *args)
{
	const struct command *cmd;

	if (args->n_positional == 0) {
		print_overview(stdout);
		return EXIT_OK;
	}
	cmd = find_command(args->positional[0]);
	if (!cmd) {
		unknown_command(ctx, args->positional[0]);
		return EXIT_USAGE;
	}
	usage_print(stdout, cmd);
	return EXIT_OK;
}

const struct command cmd_help = {
    .name = "help",
    .summary = "show help for vpcflow or one of its commands",
    .usage = "[COMMAND]",
    .options = NULL,
    .needs = 0,
    .run = run_help,
};

/* Applies the global options found among the command's arguments. */
static int apply_globals(struct context *ctx, const struct args *args)
{
	enum output_color color = OUTPUT_COLOR_AUTO;
	const char *v;

	if ((v = args_get(args, "output"))) {
		if (output_parse_format(v, &ctx->output) < 0) {
			cli_error(ctx, "--output '%s' is not one of table, json, csv", v);
			return -1;
		}
		ctx->output_given = 1;
	}
	if ((v = args_get(args, "max-attempts"))) {
		long n;

		if (cli_parse_uint(ctx, "max-attempts", v, 1, 20, &n) < 0)
			return -1;
		ctx->max_attempts = (int)n;
	}
	ctx->profile_flag = args_get(args, "profile");
	ctx->region_flag = args_get(args, "region");
	ctx->endpoint_url = args_get(args, "endpoint-url");
	ctx->debug = args_flag(args, "debug");
	ctx->quiet = args_flag(args, "quiet");
	if ((v = args_get(args, "color")) && output_parse_color(v, &color) < 0) {
		cli_error(ctx, "--color '%s' is not one of auto, always, never", v);
		return -1;
	}
	if (args_flag(args, "no-color"))
		color = OUTPUT_COLOR_NEVER;
	ctx->color = output_use_color(color, ctx->output, ctx->stdout_tty,
	                              env_get(ctx->env, "NO_COLOR"), env_get(ctx->env, "TERM"));
	return 0;
}

struct client *cli_client_new(const struct context *ctx, struct creds_provider *creds)
{
	struct client_options copt = {0};

	copt.http = ctx->http;
	copt.creds = creds;
	copt.env = ctx->env;
	copt.clock = ctx->clock;
	copt.endpoint_url = ctx->endpoint_url;
	copt.max_attempts = ctx->max_attempts;
	copt.debug = ctx->debug ? stderr : NULL;
	return client_new(&copt);
}

/* Builds config, credentials, HTTP (with the connections the command asks
 * for) and client for a command that talks to AWS. */
static int setup_aws(struct context *ctx)
{
	struct aws_error err;
	struct http_options hopt = {0};
	struct creds_context cctx = {0};

	error_clear(&err);
	if (config_load(&ctx->config, ctx->env, &err) < 0) {
		cli_aws_error(ctx, NULL, &err);
		return EXIT_USAGE;
	}
	config_check_permissions(ctx->config, stderr);
	ctx->profile = config_profile_name(ctx->env, ctx->profile_flag);
	ctx->region = config_region(ctx->config, ctx->env, ctx->profile, ctx->region_flag);

	http_options_from_env(&hopt, ctx->env);
	hopt.pool_size = ctx->cmd->connections;
	hopt.debug = ctx->debug ? stderr : NULL;
	ctx->http = http_new(&hopt, &err);
	if (!ctx->http) {
		cli_aws_error(ctx, NULL, &err);
		return EXIT_FAILURE_AWS;
	}

	cctx.env = ctx->env;
	cctx.clock = ctx->clock;
	cctx.config = ctx->config;
	cctx.profile = ctx->profile;
	cctx.profile_from_flag = ctx->profile_flag != NULL;
	cctx.region = ctx->region;
	cctx.endpoint_url = ctx->endpoint_url;
	cctx.http = ctx->http;
	cctx.debug = hopt.debug;
	if (creds_chain_new(&ctx->creds, &cctx, &err) < 0) {
		cli_aws_error(ctx, NULL, &err);
		return err.code == ERR_CONFIG ? EXIT_USAGE : EXIT_FAILURE_AWS;
	}

	ctx->client = cli_client_new(ctx, ctx->creds);
	return EXIT_OK;
}

static void teardown(struct context *ctx)
{
	client_free(ctx->client);
	creds_provider_free(ctx->creds);
	http_free(ctx->http);
	config_free(ctx->config);
}

/* Whether argv[i] is a global option that takes a value (so argv[i + 1] is it). */
static int global_takes_value(const char *arg)
{
	if (arg[0] != '-' || strchr(arg, '='))
		return 0;
	for (const struct option_spec *o = global_options; o->name; o++)
		if (o->kind != OPT_FLAG &&
		    ((arg[1] == '-' && strcmp(arg + 2, o->name) == 0) ||
		     (o->short_name && arg[1] == o->short_name && arg[2] == '\0')))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct context ctx = {0};
	struct args args;
	char **rest;
	int n_rest = 0, cmd_at = -1, rc;

	/* libcurl runs with CURLOPT_NOSIGNAL: a peer that closes a connection
	 * must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	ctx.env = &env_process;
	ctx.clock = &clock_system;
	ctx.prog = "vpcflow";
	ctx.stdin_tty = isatty(STDIN_FILENO);
	ctx.stdout_tty = isatty(STDOUT_FILENO);
	ctx.stderr_tty = isatty(STDERR_FILENO);
	ctx.output = OUTPUT_TABLE;

	/* Global options may come before the command, as with the AWS CLI. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("vpcflow %s\n", VPCFLOW_VERSION);
			return EXIT_OK;
		}
		if (argv[i][0] != '-') {
			cmd_at = i;
			break;
		}
		if (global_takes_value(argv[i]))
			i++;
	}
	if (cmd_at < 0) {
		for (int i = 1; i < argc; i++) {
			if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
				print_overview(stdout);
				return EXIT_OK;
			}
		}
		print_overview(stderr);
		return EXIT_USAGE;
	}
	ctx.cmd = find_command(argv[cmd_at]);
	if (!ctx.cmd) {
		unknown_command(&ctx, argv[cmd_at]);
		return EXIT_USAGE;
	}

	rest = calloc((size_t)argc, sizeof(*rest));
	if (!rest)
		return EXIT_FAILURE_AWS;
	for (int i = 1; i < argc; i++)
		if (i != cmd_at)
			rest[n_rest++] = argv[i];
	rc = args_parse(&args, &ctx, ctx.cmd, n_rest, rest);
	free(rest);
	if (rc < 0)
		return EXIT_USAGE;
	if (args_flag(&args, "help")) {
		usage_print(stdout, ctx.cmd);
		args_release(&args);
		return EXIT_OK;
	}
	if (apply_globals(&ctx, &args) < 0) {
		args_release(&args);
		return EXIT_USAGE;
	}
	rc = EXIT_OK;
	if (ctx.cmd->needs & NEEDS_AWS)
		rc = setup_aws(&ctx);
	if (rc == EXIT_OK)
		rc = ctx.cmd->run(&ctx, &args);
	teardown(&ctx);
	args_release(&args);
	return rc;
}
