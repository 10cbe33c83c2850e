/* Command-line parsing and help, both driven by the option tables. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/suggest.h"

const struct option_spec global_options[] = {
    {"profile", 0, OPT_VALUE, "NAME", "use this profile from the AWS config files"},
    {"region", 0, OPT_VALUE, "REGION", "the region to use (default: AWS_REGION, profile)"},
    {"endpoint-url", 0, OPT_VALUE, "URL", "send every request to this endpoint"},
    {"output", 'o', OPT_VALUE, "FORMAT", "table, json or csv"},
    {"max-attempts", 0, OPT_VALUE, "N", "attempts per request, retries included (default 3)"},
    {"debug", 0, OPT_FLAG, NULL, "log every request and response on stderr, secrets redacted"},
    {"quiet", 'q', OPT_FLAG, NULL, "print only results and errors"},
    {"color", 0, OPT_VALUE, "auto|always|never",
     "colour in tables (default auto: only on a terminal)"},
    {"no-color", 0, OPT_FLAG, NULL, "same as --color never"},
    {"help", 'h', OPT_FLAG, NULL, "show this help"},
    {NULL, 0, 0, NULL, NULL},
};

static void vreport(const struct context *ctx, const char *kind, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s: ", ctx->prog);
	if (kind)
		buf_addf(&b, "%s: ", kind);
	if (ctx->cmd)
		buf_addf(&b, "%s: ", ctx->cmd->name);
	buf_vaddf(&b, fmt, ap);
	fprintf(stderr, "%s\n", b.data);
	buf_release(&b);
}

void cli_error(const struct context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, NULL, fmt, ap);
	va_end(ap);
}

void cli_warn(const struct context *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vreport(ctx, "warning", fmt, ap);
	va_end(ap);
}

void cli_aws_error(const struct context *ctx, const char *what, const struct aws_error *err)
{
	struct buf b = BUF_INIT;

	error_format(err, &b);
	if (what)
		cli_error(ctx, "%s: %s", what, b.data);
	else
		cli_error(ctx, "%s", b.data);
	buf_release(&b);
}

int cli_parse_uint(const struct context *ctx, const char *option, const char *value, long min,
                   long max, long *out)
{
	char *end;
	long v;

	v = strtol(value, &end, 10);
	if (!*value || *end || v < min || v > max) {
		cli_error(ctx, "--%s '%s' is not a whole number from %ld to %ld", option, value,
		          min, max);
		return -1;
	}
	*out = v;
	return 0;
}

const char *args_get(const struct args *a, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].spec->name, name) == 0)
			v = a->opts[i].value;
	return v;
}

int args_flag(const struct args *a, const char *name)
{
	for (size_t i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].spec->name, name) == 0)
			return 1;
	return 0;
}

const char **args_all(const struct args *a, const char *name, size_t *n)
{
	const char **v = xcalloc(a->n_opts + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].spec->name, name) == 0)
			v[(*n)++] = a->opts[i].value;
	return v;
}

void args_release(struct args *a)
{
	free(a->opts);
	free(a->positional);
	memset(a, 0, sizeof(*a));
}

static const struct option_spec *find_long(const struct command *cmd, const char *name, size_t len)
{
	const struct option_spec *tables[2] = {cmd ? cmd->options : NULL, global_options};

	for (int t = 0; t < 2; t++)
		for (const struct option_spec *o = tables[t]; o && o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

static const struct option_spec *find_short(const struct command *cmd, char c)
{
	const struct option_spec *tables[2] = {cmd ? cmd->options : NULL, global_options};

	for (int t = 0; t < 2; t++)
		for (const struct option_spec *o = tables[t]; o && o->name; o++)
			if (o->short_name && o->short_name == c)
				return o;
	return NULL;
}

/* Names every option a command accepts, for "did you mean". */
static const char **option_names(const struct command *cmd)
{
	const struct option_spec *tables[2] = {cmd ? cmd->options : NULL, global_options};
	size_t n = 0, k = 0;
	const char **names;

	for (int t = 0; t < 2; t++)
		for (const struct option_spec *o = tables[t]; o && o->name; o++)
			n++;
	names = xcalloc(n + 1, sizeof(*names));
	for (int t = 0; t < 2; t++)
		for (const struct option_spec *o = tables[t]; o && o->name; o++)
			names[k++] = o->name;
	return names;
}

static void unknown_option(struct context *ctx, const struct command *cmd, const char *arg,
                           size_t len)
{
	const char **names = option_names(cmd);
	char *word = xstrndup(arg, len);
	const char *near = suggest_nearest(word, names);

	if (near)
		cli_error(ctx, "unknown option '--%s'; did you mean '--%s'?", word, near);
	else
		cli_error(ctx, "unknown option '--%s'; see '%s %s --help'", word, ctx->prog,
		          cmd ? cmd->name : "");
	free(word);
	free(names);
}

static void add_opt(struct args *out, const struct option_spec *spec, const char *value)
{
	ALLOC_GROW(out->opts, out->n_opts + 1, out->alloc_opts);
	out->opts[out->n_opts].spec = spec;
	out->opts[out->n_opts].value = value;
	out->n_opts++;
}

static void add_positional(struct args *out, const char *value)
{
	ALLOC_GROW(out->positional, out->n_positional + 1, out->alloc_positional);
	out->positional[out->n_positional++] = value;
}

int args_parse(struct args *out, struct context *ctx, const struct command *cmd, int argc,
               char **argv)
{
	int only_positional = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const struct option_spec *spec;
		const char *value = NULL;

		if (only_positional || arg[0] != '-' || arg[1] == '\0') {
			add_positional(out, arg);
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = 1;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			spec = find_long(cmd, name, len);
			if (!spec) {
				unknown_option(ctx, cmd, name, len);
				goto fail;
			}
			if (eq)
				value = eq + 1;
		} else {
			spec = arg[2] == '\0' ? find_short(cmd, arg[1]) : NULL;
			if (!spec) {
				cli_error(ctx, "unknown option '%s'; see '%s %s --help'", arg,
				          ctx->prog, cmd ? cmd->name : "");
				goto fail;
			}
		}
		if (spec->kind == OPT_FLAG) {
			if (value) {
				cli_error(ctx, "option '--%s' takes no value", spec->name);
				goto fail;
			}
		} else if (!value) {
			if (i + 1 >= argc) {
				cli_error(ctx, "option '--%s' needs a value (%s)", spec->name,
				          spec->value);
				goto fail;
			}
			value = argv[++i];
		}
		add_opt(out, spec, value);
	}
	return 0;
fail:
	args_release(out);
	return -1;
}

static void print_options(FILE *f, const struct option_spec *opts)
{
	for (const struct option_spec *o = opts; o && o->name; o++) {
		struct buf b = BUF_INIT;

		if (o->short_name)
			buf_addf(&b, "-%c, ", o->short_name);
		buf_addf(&b, "--%s", o->name);
		if (o->value)
			buf_addf(&b, " %s", o->value);
		fprintf(f, "  %-28s %s%s\n", b.data, o->help,
		        o->kind == OPT_MULTI ? " (may be repeated)" : "");
		buf_release(&b);
	}
}

void usage_print(FILE *f, const struct command *cmd)
{
	fprintf(f, "usage: vpcflow %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->options && cmd->options->name) {
		fprintf(f, "\noptions:\n");
		print_options(f, cmd->options);
	}
	fprintf(f, "\nglobal options:\n");
	print_options(f, global_options);
}
