/* Access to the embedded templates, and their rendering. */
#include "engine/templates.h"

#include <string.h>

const char *templates_get(const char *name, size_t *len)
{
	for (size_t i = 0; i < templates_count; i++)
		if (strcmp(templates_entries[i].name, name) == 0) {
			if (len)
				*len = templates_entries[i].len;
			return templates_entries[i].data;
		}
	return NULL;
}

/* Appends s as the inside of a JSON string. */
static void add_escaped(struct buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addf(out, "\\%c", *p);
		else if (*p == '\n')
			buf_addstr(out, "\\n");
		else if (*p == '\t')
			buf_addstr(out, "\\t");
		else if (*p < 0x20 || *p == 0x7F)
			buf_addf(out, "\\u%04x", *p);
		else
			buf_addch(out, *p);
	}
}

static const struct templates_var *find_var(const struct templates_var *vars, size_t n,
                                            const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && strncmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

int templates_render(struct buf *out, const char *name, const struct templates_var *vars,
                     size_t n_vars, struct buf *why)
{
	const char *t = templates_get(name, NULL), *p, *close;
	const struct templates_var *v;
	size_t start = out->len;

	if (!t) {
		buf_addf(why, "no template '%s'", name);
		return -1;
	}
	while ((p = strstr(t, "${"))) {
		buf_add(out, t, (size_t)(p - t));
		close = strchr(p, '}');
		if (!close)
			goto bad;
		v = find_var(vars, n_vars, p + 2, (size_t)(close - p - 2));
		if (!v) {
			buf_addf(why, "template '%s': no value for '%.*s'", name,
			         (int)(close - p + 1), p);
			goto fail;
		}
		t = close + 1;
		if (!v->list) {
			add_escaped(out, v->value ? v->value : "");
			continue;
		}
		/* A list replaces the whole string "${name}", quotes included. */
		if (out->len == start || out->data[out->len - 1] != '"' || *t != '"') {
			buf_addf(why, "template '%s': list '%s' must be a whole JSON string", name,
			         v->name);
			goto fail;
		}
		buf_truncate(out, out->len - 1);
		buf_addch(out, '[');
		for (size_t i = 0; i < v->n_list; i++) {
			buf_addstr(out, i ? ", \"" : "\"");
			add_escaped(out, v->list[i]);
			buf_addch(out, '"');
		}
		buf_addch(out, ']');
		t++;
	}
	buf_addstr(out, t);
	return 0;
bad:
	buf_addf(why, "template '%s': '${' is not closed", name);
fail:
	buf_truncate(out, start);
	return -1;
}
