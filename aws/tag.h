/* Resource tags (key = value), as EC2, IAM, CloudWatch Logs and S3 carry them.
 */
#ifndef VPCFLOW_AWS_TAG_H
#define VPCFLOW_AWS_TAG_H

#include <stddef.h>

#include <jansson.h>
#include <libxml/tree.h>

struct aws_error;

/* One tag; both strings owned and non-NULL (a tag without value has ""). */
struct tag {
	char *key;
	char *value;
};

/* Invariants: v[0..n) are valid tags in the order AWS gave them or they were
 * added; alloc >= n. A zeroed struct (TAG_LIST_INIT) is an empty list. */
struct tag_list {
	struct tag *v;
	size_t n, alloc;
};

#define TAG_LIST_INIT                                                                              \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void tag_list_init(struct tag_list *l);
void tag_list_release(struct tag_list *l);
/* Appends copies of key and value (NULL value: ""). */
void tag_list_add(struct tag_list *l, const char *key, const char *value);
/* Replaces the value of key, or appends the tag. */
void tag_list_set(struct tag_list *l, const char *key, const char *value);
/* The value of key, borrowed; NULL if absent. */
const char *tag_list_get(const struct tag_list *l, const char *key);
/* Appends copies of every tag of src. */
void tag_list_copy(struct tag_list *dst, const struct tag_list *src);

/* Appends the tags of an XML tag set: every element child of set (EC2's
 * <tagSet><item><key/><value/></item>, IAM's <Tags><member><Key/><Value/>) with
 * its key_name and value_name children. set may be NULL (no tags). A tag
 * without a key is ERR_PARSE. */
int tag_list_parse_xml(struct tag_list *out, xmlNodePtr set, const char *key_name,
                       const char *value_name, struct aws_error *err);
/* The tags as a JSON object {"key": "value"}: a new reference. */
json_t *tag_list_to_json(const struct tag_list *l);
/* Appends the tags of a JSON object of strings (NULL: none). A value that is
 * not a string is ERR_PARSE. */
int tag_list_parse_json(struct tag_list *out, json_t *obj, struct aws_error *err);

#endif
