/* Spec files: reading, the top level, errors with positions, rendering. */
#include "engine/spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/logformat.h"
#include "engine/spec_parse.h"
#include "engine/suggest.h"

#define MAX_SPEC_SIZE (16 * 1024 * 1024)

static const char *const top_keys[] = {"flowLogConfig", "flowLogConfigs", "$schema",
                                       "schemaVersion", NULL};
static const char *const placeholders[] = {"resourceId", "region", "accountId", NULL};

/* Inserts e keeping errs in file order (errors at one place keep the order
 * they were found in). */
static void add_sorted(struct spec_errors *errs, struct spec_error e)
{
	size_t i = errs->n;

	ALLOC_GROW(errs->v, errs->n + 1, errs->alloc);
	while (i > 0 && (errs->v[i - 1].line > e.line ||
	                 (errs->v[i - 1].line == e.line && errs->v[i - 1].column > e.column)))
		i--;
	memmove(&errs->v[i + 1], &errs->v[i], (errs->n - i) * sizeof(e));
	errs->v[i] = e;
	errs->n++;
}

static void add_error(struct spec_errors *errs, const char *file, int line, int column,
                      const char *path, char *message)
{
	struct spec_error e = {xstrdup(file), line, column, xstrdup(path), message};

	error_scrub(e.message);
	error_scrub(e.path);

	add_sorted(errs, e);
}

/* The entry of path, or of its nearest ancestor that has one. */
static const struct jsonpos_entry *find_entry(const struct jsonpos *idx, const char *path)
{
	char *p = xstrdup(path);
	const struct jsonpos_entry *e;

	while (!(e = jsonpos_find(idx, p)) && *p) {
		char *dot = strrchr(p, '.'), *bracket = strrchr(p, '[');
		char *cut = dot > bracket ? dot : bracket;

		if (cut)
			*cut = '\0';
		else
			*p = '\0';
	}
	free(p);
	return e;
}

void spec_source_verror(struct spec_source *src, const char *path, enum spec_where where, size_t at,
                        const char *fmt, va_list ap)
{
	const struct jsonpos_entry *e = find_entry(&src->index, path);
	int line = 1, column = 1;
	struct buf msg = BUF_INIT;

	if (e) {
		line = e->line;
		column = e->column;
		if (where == SPEC_AT_KEY && e->key_line) {
			line = e->key_line;
			column = e->key_column;
		} else if (where == SPEC_AT_STRING_BYTE && src->text[e->offset] == '"') {
			column = jsonpos_string_column(src->text, src->len, e, at);
		}
	}
	buf_vaddf(&msg, fmt, ap);
	add_error(src->errs, src->file, line, column, path, buf_detach(&msg, NULL));
}

void spec_source_error(struct spec_source *src, const char *path, enum spec_where where, size_t at,
                       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spec_source_verror(src, path, where, at, fmt, ap);
	va_end(ap);
}

/* Reports a JSON syntax error found by jansson, at the start of the token
 * it names, with the key path of that place. */
static void syntax_error(struct spec_source *src, const json_error_t *jerr)
{
	const char *near = strstr(jerr->text, " near '");
	size_t offset = jerr->position > 0 ? (size_t)jerr->position : 0;
	struct buf path = BUF_INIT;
	char *token = NULL, *message;
	int line, column;

	if (near && jerr->text[strlen(jerr->text) - 1] == '\'') {
		token = xstrndup(near + 7, strlen(near + 7) - 1);
		if (strlen(token) <= offset &&
		    memcmp(src->text + offset - strlen(token), token, strlen(token)) == 0)
			offset -= strlen(token);
	}
	if (offset > src->len)
		offset = src->len;
	jsonpos_line_col(src->text, src->len, offset, &line, &column);
	jsonpos_path_at(&path, src->text, src->len, offset);
	if (strncmp(jerr->text, "duplicate object key", 20) == 0 && token)
		message = xasprintf("duplicate key %s: each key may appear only once", token);
	else
		message = xasprintf("invalid JSON: %s", jerr->text);
	add_error(src->errs, src->file, line, column, path.data, message);
	free(token);
	buf_release(&path);
}

static void add_config(struct spec *out, json_t *obj, const char *path, struct spec_source *src)
{
	struct spec_config c;

	if (spec_config_parse(&c, obj, path, src) < 0)
		return;
	ALLOC_GROW(out->configs, out->n_configs + 1, out->alloc_configs);
	out->configs[out->n_configs++] = c;
}

static void check_top(struct spec *out, json_t *root, struct spec_source *src)
{
	json_t *one = json_object_get(root, "flowLogConfig");
	json_t *many = json_object_get(root, "flowLogConfigs");
	json_t *v;
	const char *key;
	int guessed = 0; /* an unknown key was taken for flowLogConfig(s) */

	json_object_foreach(root, key, v)
	{
		const char *near;
		struct buf p = BUF_INIT;
		int known = 0;

		for (size_t i = 0; top_keys[i]; i++)
			known |= strcmp(key, top_keys[i]) == 0;
		jsonpos_path_key(&p, key);
		near = known ? NULL : spec_config_nearest(key, top_keys);
		if (near)
			spec_source_error(src, p.data, SPEC_AT_KEY, 0,
			                  "unknown key '%s'; did you mean '%s'?", key, near);
		else if (!known)
			spec_source_error(src, p.data, SPEC_AT_KEY, 0,
			                  "unknown key '%s'; a spec holds \"flowLogConfig\" (one "
			                  "configuration) or \"flowLogConfigs\" (a list)",
			                  key);
		guessed |= near && strncmp(near, "flowLogConfig", 13) == 0;
		buf_release(&p);
	}
	if ((v = json_object_get(root, "schemaVersion")) &&
	    !(json_is_integer(v) && json_integer_value(v) == 1))
		spec_source_error(src, "schemaVersion", SPEC_AT_VALUE, 0,
		                  "must be 1, the only version of the spec format");
	if ((v = json_object_get(root, "$schema")) && !json_is_string(v))
		spec_source_error(src, "[\"$schema\"]", SPEC_AT_VALUE, 0,
		                  "must be a string (the URL or path of the spec's JSON Schema)");
	if (one && many)
		spec_source_error(src, "flowLogConfigs", SPEC_AT_KEY, 0,
		                  "give flowLogConfig (one configuration) or flowLogConfigs (a "
		                  "list), not both");
	if (!one && !many && !guessed)
		spec_source_error(src, "", SPEC_AT_VALUE, 0,
		                  "the spec holds neither \"flowLogConfig\" (one configuration) "
		                  "nor \"flowLogConfigs\" (a list of them)");
	if (one) {
		out->single = 1;
		add_config(out, one, "flowLogConfig", src);
	}
	if (!many)
		return;
	if (!json_is_array(many)) {
		spec_source_error(src, "flowLogConfigs", SPEC_AT_VALUE, 0,
		                  "must be a list of flow log configurations");
	} else if (!json_array_size(many)) {
		spec_source_error(src, "flowLogConfigs", SPEC_AT_VALUE, 0,
		                  "lists no configurations");
	} else {
		struct buf p = BUF_INIT;
		size_t i;

		json_array_foreach(many, i, v)
		{
			buf_reset(&p);
			buf_addstr(&p, "flowLogConfigs");
			jsonpos_path_index(&p, i);
			add_config(out, v, p.data, src);
		}
		buf_release(&p);
	}
}

int spec_parse(struct spec *out, const char *file, const char *text, size_t len,
               struct spec_errors *errs)
{
	struct spec_source src = {file, text, len, JSONPOS_INIT, errs};
	size_t before = errs->n, blank = 0;
	json_error_t jerr;
	json_t *root = NULL;

	memset(out, 0, sizeof(*out));
	out->file = xstrdup(file);
	while (blank < len && strchr(" \t\r\n", text[blank]) && text[blank])
		blank++;
	if (blank == len) {
		add_error(errs, file, 1, 1, "",
		          xstrdup("the file is empty; a spec is a JSON object with "
		                  "\"flowLogConfig\" or \"flowLogConfigs\""));
		goto out;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		syntax_error(&src, &jerr);
		goto out;
	}
	jsonpos_build(&src.index, text, len);
	if (!json_is_object(root))
		spec_source_error(&src, "", SPEC_AT_VALUE, 0,
		                  "a spec is a JSON object with \"flowLogConfig\" or "
		                  "\"flowLogConfigs\", not a list");
	else
		check_top(out, root, &src);
out:
	json_decref(root);
	jsonpos_release(&src.index);
	if (errs->n > before) {
		spec_release(out);
		return -1;
	}
	return 0;
}

int spec_load_file(struct spec *out, const char *path, struct spec_errors *errs)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	struct buf text = BUF_INIT;
	char chunk[8192];
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&text, MAX_SPEC_SIZE);
	if (!f) {
		add_error(errs, name, 0, 0, "", xasprintf("cannot open: %s", strerror(errno)));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&text, chunk, n) < 0) {
			add_error(errs, name, 0, 0, "",
			          xasprintf("is larger than %d MiB; is it a spec?",
			                    MAX_SPEC_SIZE / (1024 * 1024)));
			goto out;
		}
	if (ferror(f)) {
		add_error(errs, name, 0, 0, "", xasprintf("cannot read: %s", strerror(errno)));
		goto out;
	}
	rc = spec_parse(out, name, text.data, text.len, errs);
out:
	if (f && !is_stdin)
		fclose(f);
	buf_release(&text);
	return rc;
}

void spec_release(struct spec *s)
{
	for (size_t i = 0; i < s->n_configs; i++)
		spec_config_release(&s->configs[i]);
	free(s->configs);
	free(s->file);
	memset(s, 0, sizeof(*s));
}

void spec_errors_release(struct spec_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].path);
		free(errs->v[i].message);
	}
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}

void spec_error_format(const struct spec_error *e, struct buf *out)
{
	if (e->line > 0)
		buf_addf(out, "%s:%d:%d: ", e->file, e->line, e->column);
	else
		buf_addf(out, "%s: ", e->file);
	if (e->path && *e->path)
		buf_addf(out, "%s: ", e->path);
	buf_addstr(out, e->message);
}

json_t *spec_to_json(const struct spec *s)
{
	json_t *root = json_object(), *configs = json_array();

	for (size_t i = 0; i < s->n_configs; i++)
		json_array_append_new(configs, spec_config_to_json(&s->configs[i]));
	json_object_set_new(root, "flowLogConfigs", configs);
	return root;
}

int spec_expand(struct buf *out, const char *tmpl, const char *resource_id, const char *region,
                const char *account_id, struct buf *why)
{
	const char *values[] = {resource_id, region, account_id};

	while (*tmpl) {
		const char *close, *near;
		char *name;
		int i;

		if (tmpl[0] != '$' || tmpl[1] != '{') {
			buf_addch(out, *tmpl++);
			continue;
		}
		if (!(close = strchr(tmpl, '}'))) {
			buf_addstr(why, "'${' is not closed by '}'");
			return -1;
		}
		name = xstrndup(tmpl + 2, (size_t)(close - tmpl - 2));
		for (i = 0; placeholders[i] && strcmp(placeholders[i], name) != 0; i++)
			;
		if (!placeholders[i]) {
			near = suggest_nearest(name, placeholders);
			buf_addf(why, "unknown placeholder '${%s}'", name);
			if (near)
				buf_addf(why, "; did you mean '${%s}'?", near);
			else
				buf_addstr(why, "; the placeholders are ${resourceId}, ${region} "
				                "and ${accountId}");
			free(name);
			return -1;
		}
		if (values[i])
			buf_addstr(out, values[i]);
		else
			buf_add(out, tmpl, (size_t)(close - tmpl + 1));
		free(name);
		tmpl = close + 1;
	}
	return 0;
}

const char *spec_resource_type_name(enum spec_resource_type t)
{
	static const char *const names[] = {"VPC", "Subnet", "NetworkInterface", "TransitGateway",
	                                    "TransitGatewayAttachment"};

	return names[t];
}

const char *spec_resource_type_noun(enum spec_resource_type t)
{
	static const char *const nouns[] = {"VPC", "subnet", "network interface", "transit gateway",
	                                    "transit gateway attachment"};

	return nouns[t];
}

const char *spec_resource_id_prefix(enum spec_resource_type t)
{
	static const char *const prefixes[] = {"vpc-", "subnet-", "eni-", "tgw-", "tgw-attach-"};

	return prefixes[t];
}

const char *spec_destination_name(enum spec_destination d)
{
	static const char *const names[] = {"CloudWatchLogs", "S3", "KinesisFirehose"};

	return names[d];
}

const char *spec_destination_api(enum spec_destination d)
{
	static const char *const names[] = {"cloud-watch-logs", "s3", "kinesis-data-firehose"};

	return names[d];
}

const char *spec_traffic_type_name(enum spec_traffic_type t)
{
	static const char *const names[] = {"ALL", "ACCEPT", "REJECT"};

	return names[t];
}

const char *spec_file_format_name(enum spec_file_format f)
{
	return f == SPEC_PARQUET ? "parquet" : "plain-text";
}

unsigned spec_logformat_scope(enum spec_resource_type t)
{
	return spec_is_transit(t) ? LOGFORMAT_TGW : LOGFORMAT_VPC;
}

int spec_is_transit(enum spec_resource_type t)
{
	return t == SPEC_TRANSIT_GATEWAY || t == SPEC_TRANSIT_GATEWAY_ATTACHMENT;
}
