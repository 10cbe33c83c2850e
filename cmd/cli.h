/* What every subcommand shares: its table entry, its options, the parsed
 * arguments and the context main() builds for it. */
#ifndef VPCFLOW_CMD_CLI_H
#define VPCFLOW_CMD_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "aws/env.h"
#include "engine/output.h"

/* Exit codes (DESIGN.md section 4). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_AWS = 1, /* AWS, network or partial failure */
	EXIT_USAGE = 2,       /* bad usage or invalid spec: nothing was changed */
	EXIT_FINDINGS = 3,    /* audit findings, or plan --detailed-exitcode with changes */
};

enum option_kind {
	OPT_FLAG,  /* --yes */
	OPT_VALUE, /* --regions LIST; the last one given wins */
	OPT_MULTI, /* --where EXPR, may be given several times */
};

/* One option of a command; an array of them ends with a zeroed entry. */
struct option_spec {
	const char *name; /* long name without dashes */
	char short_name;  /* 0 if none */
	enum option_kind kind;
	const char *value; /* placeholder in help: "LIST" */
	const char *help;
};

struct arg_value {
	const struct option_spec *spec;
	const char *value; /* borrowed from argv; NULL for flags */
};

/* The parsed command line. Values point into argv. */
struct args {
	struct arg_value *opts;
	size_t n_opts, alloc_opts;
	const char **positional;
	size_t n_positional, alloc_positional;
};

/* What main() sets up before a command runs, by its needs. */
enum {
	NEEDS_AWS = 1 << 0, /* config, credentials, HTTP, client */
};

struct context {
	const struct env *env;
	const struct clock *clock;
	const char *prog; /* "vpcflow" */
	const struct command *cmd;
	enum output_format output; /* --output */
	int output_given;          /* --output was on the command line */
	int debug, quiet;
	int color; /* tables on stdout get colour (output_use_color) */
	int max_attempts;         /* --max-attempts, 0 if not given */
	const char *profile_flag; /* --profile, or NULL */
	const char *region_flag;  /* --region, or NULL */
	const char *endpoint_url; /* --endpoint-url, or NULL */
	int stdin_tty, stdout_tty, stderr_tty;
	/* Filled for NEEDS_AWS; owned by main. */
	struct config *config;
	const char *profile;
	const char *region; /* NULL when none is configured */
	struct http *http;
	struct creds_provider *creds;
	struct client *client;
};

struct command {
	const char *name;
	const char *summary;
	const char *usage; /* after "vpcflow NAME " */
	const struct option_spec *options;
	unsigned needs; /* NEEDS_* */
	/* With NEEDS_AWS: the HTTP connections kept open, for a command whose
	 * calls run in parallel; 0: the transport's default (8). */
	int connections;
	int (*run)(struct context *ctx, const struct args *args);
};

extern const struct option_spec global_options[];

/* The last value of option name, or NULL. */
const char *args_get(const struct args *a, const char *name);
int args_flag(const struct args *a, const char *name);
/* Every value of a OPT_MULTI option, in order; *n receives the count. The
 * returned array is owned by the caller (free), the strings are borrowed. */
const char **args_all(const struct args *a, const char *name, size_t *n);
void args_release(struct args *a);

/* Parses argv (after the command name) against the command's and the global
 * options. Returns 0, or -1 after printing a usage error. */
int args_parse(struct args *out, struct context *ctx, const struct command *cmd, int argc,
               char **argv);

/* Help generated from the option tables. */
void usage_print(FILE *f, const struct command *cmd);

/* Errors the git way: "vpcflow: <command>: <message>" on stderr. */
void cli_error(const struct context *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_warn(const struct context *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct aws_error;
/* Prints err in its one-line form after "vpcflow: <command>: <what>: ". */
void cli_aws_error(const struct context *ctx, const char *what, const struct aws_error *err);

/* Parses "--regions": NULL means the configured region; "all" every enabled
 * region (DescribeRegions); else a comma-separated list. On success *out holds
 * the region names. On failure, with a message: -EXIT_USAGE for a bad value,
 * -EXIT_FAILURE_AWS when DescribeRegions fails (a denied permission is no
 * usage error). */
struct strlist;
int cli_regions(struct strlist *out, struct context *ctx, const char *regions_arg);

struct creds_provider;
/* A client on ctx->http with the global options (--endpoint-url,
 * --max-attempts, --debug) that signs with creds (borrowed); owned by the
 * caller. For NEEDS_AWS commands that act with other credentials too. */
struct client *cli_client_new(const struct context *ctx, struct creds_provider *creds);

/* Parses a positive integer option value; -1 with a message on error. */
int cli_parse_uint(const struct context *ctx, const char *option, const char *value, long min,
                   long max, long *out);

extern const struct command cmd_list;
extern const struct command cmd_audit;
extern const struct command cmd_retention;
extern const struct command cmd_logs;
extern const struct command cmd_validate;
extern const struct command cmd_plan;
extern const struct command cmd_apply;
extern const struct command cmd_destroy;
extern const struct command cmd_help;

#endif
