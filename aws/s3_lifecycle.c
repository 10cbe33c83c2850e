/* S3 lifecycle configurations: read, merge one rule, write back. Rules read
 * from AWS keep their whole XML, so a merged PUT preserves what this file does
 * not model. */
#include "aws/s3.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

/* Frees a rule's strings and zeroes it. */
static void rule_release(struct s3_lifecycle_rule *r)
{
	free(r->id);
	free(r->status);
	free(r->prefix);
	free(r->raw_xml);
	memset(r, 0, sizeof(*r));
}

void s3_lifecycle_release(struct s3_lifecycle *lc)
{
	for (size_t i = 0; i < lc->n; i++)
		rule_release(&lc->v[i]);
	free(lc->v);
	memset(lc, 0, sizeof(*lc));
}

/* The serialised form of node (a <Rule>), owned. */
static char *node_xml(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr xb = xmlBufferCreate();
	char *s;

	xmlNodeDump(xb, doc, node, 0, 0);
	s = xstrdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return s;
}

/* The prefix a rule applies to, owned, or NULL: <Filter><Prefix>,
 * <Filter><And><Prefix>, or the legacy <Prefix> of the rule. */
static char *rule_prefix(xmlNodePtr rule)
{
	xmlNodePtr filter = xml_child(rule, "Filter"), and;
	char *p;

	if (filter) {
		if ((p = xml_child_text(filter, "Prefix")))
			return p;
		and = xml_child(filter, "And");
		return and? xml_child_text(and, "Prefix") : NULL;
	}
	return xml_child_text(rule, "Prefix");
}

/* Reads <Expiration><Days>; 0 when absent, -1 when not a positive number. */
static int rule_days(xmlNodePtr rule)
{
	xmlNodePtr exp = xml_child(rule, "Expiration");
	char *text = exp ? xml_child_text(exp, "Days") : NULL, *end;
	long v;
	int days = 0;

	if (!text)
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	days = errno || end == text || *end || v <= 0 || v > INT_MAX ? -1 : (int)v;
	free(text);
	return days;
}

int s3_parse_lifecycle(struct s3_lifecycle *out, const char *body, size_t len,
                       struct aws_error *err)
{
	const char *op = "GetBucketLifecycleConfiguration";
	xmlDocPtr doc = xml_parse(body, len, op, err);
	xmlNodePtr root;
	int rc = 0;

	if (!doc)
		return ERR_PARSE;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "LifecycleConfiguration")) {
		rc = error_set(err, ERR_PARSE, "expected a <LifecycleConfiguration> answer");
		goto out;
	}
	for (xmlNodePtr n = root->children; n; n = n->next) {
		struct s3_lifecycle_rule *r;

		if (!xml_is(n, "Rule"))
			continue;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		r = memset(&out->v[out->n++], 0, sizeof(*r));
		r->id = xml_child_text(n, "ID");
		r->status = xml_child_text(n, "Status");
		r->prefix = rule_prefix(n);
		r->expiration_days = rule_days(n);
		r->raw_xml = node_xml(doc, n);
		if (!r->status) {
			rc = error_set(err, ERR_PARSE, "a lifecycle rule without Status");
			goto out;
		}
		if (r->expiration_days < 0) {
			rc = error_set(err, ERR_PARSE,
			               "a lifecycle rule whose Expiration Days "
			               "is not a positive number");
			goto out;
		}
	}
out:
	if (rc)
		error_set_operation(err, op);
	xmlFreeDoc(doc);
	return rc;
}

/* Appends the <Rule> of a rule made from its fields. */
static void rule_to_xml(struct buf *out, const struct s3_lifecycle_rule *r)
{
	buf_addstr(out, "<Rule>");
	if (r->id) {
		buf_addstr(out, "<ID>");
		s3_xml_escape(out, r->id);
		buf_addstr(out, "</ID>");
	}
	buf_addstr(out, "<Filter><Prefix>");
	s3_xml_escape(out, r->prefix ? r->prefix : "");
	buf_addstr(out, "</Prefix></Filter><Status>");
	s3_xml_escape(out, r->status ? r->status : "Enabled");
	buf_addstr(out, "</Status>");
	if (r->expiration_days > 0)
		buf_addf(out, "<Expiration><Days>%d</Days></Expiration>", r->expiration_days);
	buf_addstr(out, "</Rule>");
}

void s3_lifecycle_to_xml(struct buf *out, const struct s3_lifecycle *lc)
{
	buf_addstr(out, "<LifecycleConfiguration xmlns=\"" S3_XMLNS "\">");
	for (size_t i = 0; i < lc->n; i++) {
		if (lc->v[i].raw_xml)
			buf_addstr(out, lc->v[i].raw_xml);
		else
			rule_to_xml(out, &lc->v[i]);
	}
	buf_addstr(out, "</LifecycleConfiguration>");
}

const struct s3_lifecycle_rule *s3_lifecycle_find(const struct s3_lifecycle *lc, const char *id)
{
	for (size_t i = 0; i < lc->n; i++)
		if (lc->v[i].id && strcmp(lc->v[i].id, id) == 0)
			return &lc->v[i];
	return NULL;
}

void s3_lifecycle_set_rule(struct s3_lifecycle *lc, const char *id, const char *prefix, int days)
{
	struct s3_lifecycle_rule *r = (struct s3_lifecycle_rule *)s3_lifecycle_find(lc, id);

	if (r) {
		rule_release(r);
	} else {
		ALLOC_GROW(lc->v, lc->n + 1, lc->alloc);
		r = memset(&lc->v[lc->n++], 0, sizeof(*r));
	}
	r->id = xstrdup(id);
	r->status = xstrdup("Enabled");
	r->prefix = xstrdup(prefix ? prefix : "");
	r->expiration_days = days;
}

int s3_lifecycle_remove_rule(struct s3_lifecycle *lc, const char *id)
{
	const struct s3_lifecycle_rule *r = s3_lifecycle_find(lc, id);
	size_t i;

	if (!r)
		return 0;
	i = (size_t)(r - lc->v);
	rule_release(&lc->v[i]);
	memmove(&lc->v[i], &lc->v[i + 1], (lc->n - i - 1) * sizeof(lc->v[0]));
	lc->n--;
	return 1;
}

int s3_get_bucket_lifecycle(struct s3_lifecycle *out, struct client *c, const char *region,
                            const char *bucket, struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "GetBucketLifecycleConfiguration",
	                         .method = "GET",
	                         .bucket = bucket,
	                         .query = "lifecycle"};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = s3_send(&resp, c, region, &req, err);
	if (rc == 0)
		rc = s3_parse_lifecycle(out, resp.body.data, resp.body.len, err);
	else if (error_is(err, "NoSuchLifecycleConfiguration"))
		rc = err->code = ERR_NOT_FOUND;
	if (rc)
		s3_lifecycle_release(out);
	http_response_release(&resp);
	return rc;
}

int s3_put_bucket_lifecycle(struct client *c, const char *region, const char *bucket,
                            const struct s3_lifecycle *lc, struct aws_error *err)
{
	struct buf body = BUF_INIT;
	struct http_response resp;
	struct s3_request req = {.operation = "PutBucketLifecycleConfiguration",
	                         .method = "PUT",
	                         .bucket = bucket,
	                         .query = "lifecycle",
	                         .content_md5 = 1};
	int rc;

	if (!lc->n) {
		error_set_operation(err, req.operation);
		return error_set(err, ERR_INVALID, "a lifecycle configuration needs a rule");
	}
	s3_lifecycle_to_xml(&body, lc);
	req.body = body.data;
	req.body_len = body.len;
	rc = s3_send(&resp, c, region, &req, err);
	http_response_release(&resp);
	buf_release(&body);
	return rc;
}

int s3_delete_bucket_lifecycle(struct client *c, const char *region, const char *bucket,
                               struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "DeleteBucketLifecycle",
	                         .method = "DELETE",
	                         .bucket = bucket,
	                         .query = "lifecycle"};
	int rc = s3_send(&resp, c, region, &req, err);

	http_response_release(&resp);
	return rc;
}
