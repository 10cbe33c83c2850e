/* Output formats shared by every command: tables for people, JSON for
 * programs (always with "schemaVersion": 1), CSV for spreadsheets. */
#ifndef VPCFLOW_ENGINE_OUTPUT_H
#define VPCFLOW_ENGINE_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

enum output_format {
	OUTPUT_TABLE,
	OUTPUT_JSON,
	OUTPUT_CSV,
};

/* --color: auto (the default) colours tables on a terminal. */
enum output_color {
	OUTPUT_COLOR_AUTO,
	OUTPUT_COLOR_ALWAYS,
	OUTPUT_COLOR_NEVER,
};

#define OUTPUT_SCHEMA_VERSION 1

/* "table", "json" or "csv"; -1 for anything else. */
int output_parse_format(const char *s, enum output_format *out);
/* "auto", "always" or "never"; -1 for anything else. */
int output_parse_color(const char *s, enum output_color *out);
/* Whether tables on standard output get colour. Only tables ever do (JSON and
 * CSV are for programs). always and never decide alone: a flag on the command
 * line outranks the environment (no-color.org). auto colours only a terminal
 * (stdout_tty), and not when no_color (the NO_COLOR variable, NULL if unset)
 * is non-empty or term (TERM) is unset, empty or "dumb", as git does. */
int output_use_color(enum output_color mode, enum output_format format, int stdout_tty,
                     const char *no_color, const char *term);
/* Prints obj (borrowed) as indented JSON with a trailing newline, after
 * setting "schemaVersion" in it. */
void output_json_print(FILE *f, json_t *obj);
/* A JSON string or null for s. New reference. */
json_t *output_json_string(const char *s);

#endif
