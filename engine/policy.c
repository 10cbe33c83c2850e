/* Policy documents: merging statements, reading trust. */
#include "engine/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"

json_t *policy_parse(const char *text)
{
	json_t *doc, *st;

	if (!text)
		return NULL;
	doc = json_loads(text, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return NULL;
	}
	st = json_object_get(doc, "Statement");
	if (json_is_object(st)) {
		json_t *list = json_array();

		json_array_append(list, st);
		json_object_set_new(doc, "Statement", list);
	} else if (!st) {
		json_object_set_new(doc, "Statement", json_array());
	} else if (!json_is_array(st)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The statements of a document as an array (borrowed), or NULL. */
static json_t *statements(json_t *doc)
{
	json_t *st = doc ? json_object_get(doc, "Statement") : NULL;

	return json_is_array(st) ? st : NULL;
}

/* Whether a and b are equal once their Resource keys are left out. */
static int equal_but_resource(json_t *a, json_t *b)
{
	json_t *x = json_deep_copy(a), *y = json_deep_copy(b);
	int eq;

	json_object_del(x, "Resource");
	json_object_del(y, "Resource");
	eq = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return eq;
}

/* Whether the Resource value (a string or an array of strings) holds s. */
static int resource_has(json_t *res, const char *s)
{
	size_t i;
	json_t *v;

	if (json_is_string(res))
		return strcmp(json_string_value(res), s) == 0;
	json_array_foreach(res, i, v) if (json_is_string(v) &&
	                                  strcmp(json_string_value(v), s) == 0) return 1;
	return 0;
}

/* Adds to stmt's Resource every resource of ours it lacks. */
static void resource_union(json_t *stmt, json_t *ours)
{
	json_t *res = json_object_get(stmt, "Resource"), *list, *v;
	size_t i;

	if (!json_is_string(ours) && !json_is_array(ours))
		return;
	if (json_is_string(ours) ? resource_has(res, json_string_value(ours)) : 0)
		return;
	if (json_is_array(ours)) {
		int missing = 0;

		json_array_foreach(ours, i, v) if (json_is_string(v) &&
		                                   !resource_has(res, json_string_value(v)))
		    missing = 1;
		if (!missing)
			return;
	}
	list = json_array();
	if (json_is_string(res))
		json_array_append(list, res);
	else if (json_is_array(res))
		json_array_extend(list, res);
	if (json_is_string(ours)) {
		if (!resource_has(list, json_string_value(ours)))
			json_array_append(list, ours);
	} else {
		json_array_foreach(ours, i, v) if (json_is_string(v) &&
		                                   !resource_has(list, json_string_value(v)))
		    json_array_append(list, v);
	}
	if (json_array_size(list) == 1)
		json_object_set(stmt, "Resource", json_array_get(list, 0));
	else
		json_object_set(stmt, "Resource", list);
	json_decref(list);
}

static json_t *find_sid(json_t *list, const char *sid)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		json_t *s = json_object_get(v, "Sid");

		if (json_is_string(s) && strcmp(json_string_value(s), sid) == 0)
			return v;
	}
	return NULL;
}

/* Merges one statement of ours into list (owned by the result). */
static void merge_statement(json_t *list, json_t *stmt)
{
	json_t *sid = json_object_get(stmt, "Sid"), *copy;
	const char *base_sid = json_is_string(sid) ? json_string_value(sid) : NULL;
	size_t i;
	json_t *v;

	if (!base_sid) {
		json_array_foreach(list, i, v) if (json_equal(v, stmt)) return;
		json_array_append(list, stmt);
		return;
	}
	for (int n = 0;; n++) {
		char *name = n == 0   ? xstrdup(base_sid)
		             : n == 1 ? xasprintf("%sVpcflow", base_sid)
		                      : xasprintf("%sVpcflow%d", base_sid, n);
		json_t *found = find_sid(list, name);

		if (!found) {
			copy = json_deep_copy(stmt);
			json_object_set_new(copy, "Sid", json_string(name));
			json_array_append_new(list, copy);
			free(name);
			return;
		}
		copy = json_deep_copy(stmt);
		json_object_set_new(copy, "Sid", json_string(name));
		free(name);
		if (equal_but_resource(found, copy)) {
			resource_union(found, json_object_get(copy, "Resource"));
			json_decref(copy);
			return;
		}
		json_decref(copy);
	}
}

json_t *policy_merge(json_t *base, json_t *ours)
{
	json_t *out = base ? json_deep_copy(base) : json_object(), *list, *v;
	size_t i;

	if (!json_object_get(out, "Version"))
		json_object_set_new(out, "Version", json_string("2012-10-17"));
	list = statements(out);
	if (!list) {
		list = json_array();
		json_object_set_new(out, "Statement", list);
	}
	json_array_foreach(statements(ours), i, v) if (json_is_object(v)) merge_statement(list, v);
	return out;
}

/* Whether value (a string or an array of strings) holds one of the names. */
static int names_one_of(json_t *value, const char *const *names)
{
	size_t i;
	json_t *v;

	if (json_is_string(value)) {
		for (const char *const *n = names; *n; n++)
			if (strcmp(json_string_value(value), *n) == 0)
				return 1;
		return 0;
	}
	json_array_foreach(value, i, v) if (names_one_of(v, names)) return 1;
	return 0;
}

int policy_trusts_service(json_t *policy, const char *service)
{
	static const char *const actions[] = {"sts:AssumeRole", "sts:*", "*", NULL};
	const char *services[] = {service, NULL};
	size_t i;
	json_t *st;

	json_array_foreach(statements(policy), i, st)
	{
		json_t *effect = json_object_get(st, "Effect");
		json_t *principal = json_object_get(st, "Principal");

		if (!json_is_string(effect) || strcmp(json_string_value(effect), "Allow") != 0)
			continue;
		if (!json_is_object(principal) ||
		    !names_one_of(json_object_get(principal, "Service"), services))
			continue;
		if (names_one_of(json_object_get(st, "Action"), actions))
			return 1;
	}
	return 0;
}

char *policy_dump(json_t *policy)
{
	char *s = json_dumps(policy, JSON_COMPACT);
	char *out;

	if (!s)
		return xstrdup("{}");
	out = xstrdup(s);
	free(s);
	return out;
}

int policy_text_equal(const char *a, const char *b)
{
	json_t *x, *y;
	int eq;

	if (!a || !b)
		return a == b;
	x = json_loads(a, 0, NULL);
	y = json_loads(b, 0, NULL);
	eq = x && y ? json_equal(x, y) : strcmp(a, b) == 0;
	json_decref(x);
	json_decref(y);
	return eq;
}
