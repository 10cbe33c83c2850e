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

#define OUTPUT_SCHEMA_VERSION 1

/* "table", "json" or "csv"; -1 for anything else. */
int output_parse_format(const char *s, enum output_format *out);
/* Prints obj (borrowed) as indented JSON with a trailing newline, after
 * setting "schemaVersion" in it. */
void output_json_print(FILE *f, json_t *obj);
/* A JSON string or null for s. New reference. */
json_t *output_json_string(const char *s);

#endif
