/* What engine/spec.c and engine/spec_config.c share while parsing a spec;
 * not for other users. */
#ifndef VPCFLOW_ENGINE_SPEC_PARSE_H
#define VPCFLOW_ENGINE_SPEC_PARSE_H

#include <stdarg.h>

#include <jansson.h>

#include "engine/jsonpos.h"
#include "engine/spec.h"

/* The text being parsed and the errors found so far. Invariants: index
 * covers text (which is valid JSON); errs is the caller's list. */
struct spec_source {
	const char *file;
	const char *text;
	size_t len;
	struct jsonpos index;
	struct spec_errors *errs;
};

/* Where an error points: at the value of path, at its key, or at a byte
 * of its string value. */
enum spec_where {
	SPEC_AT_VALUE,
	SPEC_AT_KEY,
	SPEC_AT_STRING_BYTE,
};

/* Appends an error about path (its value, its key, or byte `at` of its
 * string value); message is a printf format. */
void spec_source_error(struct spec_source *src, const char *path, enum spec_where where, size_t at,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void spec_source_verror(struct spec_source *src, const char *path, enum spec_where where, size_t at,
                        const char *fmt, va_list ap);

/* One configuration being checked. Invariants: path is its key path; kp is
 * scratch space for the paths of its keys. */
struct spec_checker {
	struct spec_source *src;
	json_t *obj;
	const char *path;
	struct buf kp;
};

/* The path of key in the configuration (key NULL: the configuration's);
 * valid until the next call. */
const char *spec_config_key_path(struct spec_checker *c, const char *key);
/* Appends an error about key (NULL: the configuration itself). */
void spec_config_error(struct spec_checker *c, const char *key, enum spec_where where,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The name a misspelt word most likely stands for: suggest_nearest, else
 * the first name the word (3 characters or more) begins; NULL if none. */
const char *spec_config_nearest(const char *word, const char *const *names);
/* "a string", "a number", ...: what a JSON value is, for messages. */
const char *spec_config_kind(const json_t *v);
/* Value readers: each returns the value (or 0), or NULL (-1) after an error
 * that says what key takes. */
const char *spec_config_string(struct spec_checker *c, const char *key, json_t *v);
/* An enum: the index i of names[i], or of alt[i] (another spelling). */
int spec_config_enum(struct spec_checker *c, const char *key, json_t *v, const char *const *names,
                     const char *const *alt, int *out);
int spec_config_int(struct spec_checker *c, const char *key, json_t *v, long long *out);
int spec_config_bool(struct spec_checker *c, const char *key, json_t *v, int *out);

/* Checks the keys of the configuration's destination (engine/spec_destination.c),
 * applying their defaults, and reports keys other destinations take. */
void spec_destination_check(struct spec_checker *c, struct spec_config *out);

/* Checks one configuration object at path and fills out. Returns 0, or -1
 * after adding its errors (out is then released). */
int spec_config_parse(struct spec_config *out, json_t *obj, const char *path,
                      struct spec_source *src);
void spec_config_release(struct spec_config *c);
/* The configuration as the spec's JSON. New reference. */
json_t *spec_config_to_json(const struct spec_config *c);

#endif
