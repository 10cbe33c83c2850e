/* The query protocol (EC2, IAM, STS): form-encoded POST bodies, XML answers. */
#ifndef VPCFLOW_AWS_QUERY_H
#define VPCFLOW_AWS_QUERY_H

#include <libxml/tree.h>

#include "aws/endpoint.h"

struct aws_error;
struct buf;
struct client;

/* An ordered list of request parameters; keys and values are copied. */
struct query_params {
	char **keys;
	char **values;
	size_t n, alloc;
};

void query_params_init(struct query_params *p);
void query_params_release(struct query_params *p);
void query_params_add(struct query_params *p, const char *key, const char *value);
/* Adds key built from a printf format: query_params_addf(p, "vpc-0a", "VpcId.%d", 1). */
void query_params_addf(struct query_params *p, const char *value, const char *key_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds Filter.N.Name = name and Filter.N.Value.M = values[M-1], with N the next
 * free filter number. */
void query_params_add_filter(struct query_params *p, const char *name, const char *const *values,
                             size_t n_values);

/* application/x-www-form-urlencoded: space as '+', every byte outside
 * A-Z a-z 0-9 - _ . ~ as uppercase %XX (what botocore sends). */
void query_encode(struct buf *out, const char *s);

/* Posts Action=action&Version=version&params to svc in region and parses the
 * answer. *out is the response document (caller frees with xmlFreeDoc). */
int query_call(struct client *c, enum service svc, const char *region, const char *action,
               const char *version, const struct query_params *params, xmlDocPtr *out,
               struct aws_error *err);

/* The <ActionResult> element of an IAM or STS answer to action, or NULL with
 * err set (ERR_PARSE) when the document is not such an answer. Borrowed from
 * doc. */
xmlNodePtr query_result(xmlDocPtr doc, const char *action, struct aws_error *err);

#endif
