#include "aws/tag.h"

#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

void tag_list_init(struct tag_list *l)
{
	l->v = NULL;
	l->n = 0;
	l->alloc = 0;
}

void tag_list_release(struct tag_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	tag_list_init(l);
}

void tag_list_add(struct tag_list *l, const char *key, const char *value)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value ? value : "");
	l->n++;
}

void tag_list_set(struct tag_list *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].value);
			l->v[i].value = xstrdup(value ? value : "");
			return;
		}
	}
	tag_list_add(l, key, value);
}

const char *tag_list_get(const struct tag_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

void tag_list_copy(struct tag_list *dst, const struct tag_list *src)
{
	for (size_t i = 0; i < src->n; i++)
		tag_list_add(dst, src->v[i].key, src->v[i].value);
}

int tag_list_parse_xml(struct tag_list *out, xmlNodePtr set, const char *key_name,
                       const char *value_name, struct aws_error *err)
{
	if (!set)
		return 0;
	for (xmlNodePtr n = set->children; n; n = n->next) {
		char *key, *value;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		key = xml_child_text(n, key_name);
		if (!key)
			return error_set(err, ERR_PARSE, "tag without %s", key_name);
		value = xml_child_text(n, value_name);
		tag_list_add(out, key, value);
		free(key);
		free(value);
	}
	return 0;
}

json_t *tag_list_to_json(const struct tag_list *l)
{
	json_t *obj = json_object();

	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(obj, l->v[i].key, json_string(l->v[i].value));
	return obj;
}

int tag_list_parse_json(struct tag_list *out, json_t *obj, struct aws_error *err)
{
	const char *key;
	json_t *value;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return error_set(err, ERR_PARSE, "tags are not a JSON object");
	json_object_foreach(obj, key, value)
	{
		if (!json_is_string(value))
			return error_set(err, ERR_PARSE,
			                 "tag '%s' has a value that is not a string", key);
		tag_list_add(out, key, json_string_value(value));
	}
	return 0;
}
