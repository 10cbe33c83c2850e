#include "engine/output.h"

#include <string.h>

int output_parse_format(const char *s, enum output_format *out)
{
	if (strcmp(s, "table") == 0)
		*out = OUTPUT_TABLE;
	else if (strcmp(s, "json") == 0)
		*out = OUTPUT_JSON;
	else if (strcmp(s, "csv") == 0)
		*out = OUTPUT_CSV;
	else
		return -1;
	return 0;
}

int output_parse_color(const char *s, enum output_color *out)
{
	if (strcmp(s, "auto") == 0)
		*out = OUTPUT_COLOR_AUTO;
	else if (strcmp(s, "always") == 0)
		*out = OUTPUT_COLOR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*out = OUTPUT_COLOR_NEVER;
	else
		return -1;
	return 0;
}

int output_use_color(enum output_color mode, enum output_format format, int stdout_tty,
                     const char *no_color, const char *term)
{
	if (format != OUTPUT_TABLE || mode == OUTPUT_COLOR_NEVER)
		return 0;
	if (mode == OUTPUT_COLOR_ALWAYS)
		return 1;
	if (!stdout_tty || (no_color && *no_color))
		return 0;
	return term && *term && strcmp(term, "dumb") != 0;
}

void output_json_print(FILE *f, json_t *obj)
{
	json_object_set_new(obj, "schemaVersion", json_integer(OUTPUT_SCHEMA_VERSION));
	json_dumpf(obj, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
}

json_t *output_json_string(const char *s)
{
	return s ? json_string(s) : json_null();
}
