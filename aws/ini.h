/* Reading INI text as the AWS CLI does (aws/ini.c); aws/config.h builds the
 * profiles on top of it. */
#ifndef VPCFLOW_AWS_INI_H
#define VPCFLOW_AWS_INI_H

#include <stddef.h>

struct aws_error;

/* Called once per key = value; section is the raw text between the brackets.
 * Returning non-zero stops the parse, and ini_parse returns that value. line
 * is 1-based. */
typedef int (*ini_cb)(void *ctx, const char *section, const char *key, const char *value, int line);

/* What config_parse() sees besides the settings: each section header and each
 * option name (a nested block is one option), to refuse repeats as
 * RawConfigParser's strict mode does. Either may be NULL. */
struct ini_hooks {
	int (*section)(void *ctx, const char *section, int line);
	int (*option)(void *ctx, const char *section, const char *key, int line);
};

/* Parses an INI text of len bytes (need not be NUL-terminated). A line that is
 * neither a section, a comment nor key = value is an ERR_CONFIG naming the line. */
int ini_parse(const char *text, size_t len, ini_cb cb, void *ctx, struct aws_error *err);
/* ini_parse, also telling hooks (may be NULL) of each section and option. */
int ini_read(const char *text, size_t len, ini_cb cb, const struct ini_hooks *hooks, void *ctx,
             struct aws_error *err);

#endif
