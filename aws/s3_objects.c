/* S3 objects: listing (ListObjectsV2, every page) and reading, whole or
 * streamed. */
#include "aws/s3.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "aws/error.h"
#include "aws/http.h"
#include "aws/url.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

/* The most keys a ListObjectsV2 page may hold. */
#define KEYS_PAGE "1000"

void s3_object_list_release(struct s3_object_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].last_modified);
		free(l->v[i].etag);
	}
	free(l->v);
	strlist_release(&l->common_prefixes);
	memset(l, 0, sizeof(*l));
}

/* The text of child name, URL-decoded when decode; owned or NULL. */
static char *child_key(xmlNodePtr node, const char *name, int decode)
{
	char *s = xml_child_text(node, name);

	if (s && decode)
		url_decode(s, URL_PLUS_SPACE);
	return s;
}

/* Appends one <Contents>. */
static int parse_object(struct s3_object_list *out, xmlNodePtr n, int decode, struct aws_error *err)
{
	struct s3_object *o;
	char *size, *end;

	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	o = memset(&out->v[out->n++], 0, sizeof(*o));
	o->key = child_key(n, "Key", decode);
	o->last_modified = xml_child_text(n, "LastModified");
	o->etag = xml_child_text(n, "ETag");
	if (!o->key)
		return error_set(err, ERR_PARSE, "an object without Key");
	size = xml_child_text(n, "Size");
	if (size) {
		errno = 0;
		o->size = strtoll(size, &end, 10);
		if (errno || end == size || *end || o->size < 0) {
			free(size);
			return error_set(err, ERR_PARSE, "object '%s' has a bad Size", o->key);
		}
		free(size);
	}
	return 0;
}

int s3_parse_list_objects(struct s3_object_list *out, const char *body, size_t len,
                          char **next_token, struct aws_error *err)
{
	const char *op = "ListObjectsV2";
	xmlDocPtr doc = xml_parse(body, len, op, err);
	xmlNodePtr root;
	char *text;
	int decode, truncated, rc = 0;

	*next_token = NULL;
	if (!doc)
		return ERR_PARSE;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "ListBucketResult")) {
		rc = error_set(err, ERR_PARSE, "expected a <ListBucketResult> answer");
		goto out;
	}
	text = xml_child_text(root, "EncodingType");
	decode = text && strcmp(text, "url") == 0;
	free(text);
	text = xml_child_text(root, "IsTruncated");
	truncated = text && strcmp(text, "true") == 0;
	free(text);
	for (xmlNodePtr n = root->children; n && !rc; n = n->next) {
		if (xml_is(n, "Contents")) {
			rc = parse_object(out, n, decode, err);
		} else if (xml_is(n, "CommonPrefixes")) {
			char *p = child_key(n, "Prefix", decode);

			if (p)
				strlist_add_owned(&out->common_prefixes, p);
		}
	}
	if (!rc && truncated) {
		*next_token = xml_child_text(root, "NextContinuationToken");
		if (!*next_token || !**next_token)
			rc = error_set(err, ERR_PARSE,
			               "a truncated list without "
			               "NextContinuationToken");
	}
out:
	if (rc) {
		error_set_operation(err, op);
		free(*next_token);
		*next_token = NULL;
	}
	xmlFreeDoc(doc);
	return rc;
}

/* The query of one ListObjectsV2 page, encoded. */
static void list_query(struct buf *q, const char *prefix, const char *delimiter, const char *token)
{
	buf_addstr(q, "list-type=2&encoding-type=url&max-keys=" KEYS_PAGE);
	if (prefix && *prefix) {
		buf_addstr(q, "&prefix=");
		s3_uri_encode(q, prefix, 0);
	}
	if (delimiter && *delimiter) {
		buf_addstr(q, "&delimiter=");
		s3_uri_encode(q, delimiter, 0);
	}
	if (token) {
		buf_addstr(q, "&continuation-token=");
		s3_uri_encode(q, token, 0);
	}
}

int s3_list_objects(struct s3_object_list *out, struct client *c, const char *region,
                    const char *bucket, const char *prefix, const char *delimiter,
                    struct aws_error *err)
{
	struct buf query = BUF_INIT;
	struct http_response resp;
	struct s3_request req = {.operation = "ListObjectsV2", .method = "GET", .bucket = bucket};
	char *token = NULL, *next = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	http_response_init(&resp);
	for (;;) {
		buf_reset(&query);
		list_query(&query, prefix, delimiter, token);
		req.query = query.data;
		http_response_release(&resp);
		rc = s3_send(&resp, c, region, &req, err);
		if (rc)
			goto out;
		rc = s3_parse_list_objects(out, resp.body.data, resp.body.len, &next, err);
		if (rc || !next)
			goto out;
		if (token && strcmp(token, next) == 0) {
			error_set_operation(err, req.operation);
			rc = error_set(err, ERR_PARSE,
			               "the same continuation token came back twice");
			goto out;
		}
		free(token);
		token = next;
		next = NULL;
	}
out:
	if (rc)
		s3_object_list_release(out);
	http_response_release(&resp);
	buf_release(&query);
	free(token);
	free(next);
	return rc;
}

int s3_get_object(struct buf *out, struct client *c, const char *region, const char *bucket,
                  const char *key, struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {
	    .operation = "GetObject", .method = "GET", .bucket = bucket, .key = key};
	int rc;

	rc = s3_send(&resp, c, region, &req, err);
	if (rc == 0 && buf_add(out, resp.body.data, resp.body.len) < 0) {
		error_set_operation(err, req.operation);
		rc = error_set(err, ERR_IO, "object '%s' is larger than the buffer allows", key);
	}
	http_response_release(&resp);
	return rc;
}

int s3_get_object_stream(struct client *c, const char *region, const char *bucket, const char *key,
                         int (*on_data)(void *ctx, const char *data, size_t len), void *ctx,
                         struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "GetObject",
	                         .method = "GET",
	                         .bucket = bucket,
	                         .key = key,
	                         .on_body = on_data,
	                         .on_body_ctx = ctx};
	int rc;

	rc = s3_send(&resp, c, region, &req, err);
	if (rc == ERR_NETWORK || rc == ERR_TIMEOUT || rc == ERR_IO)
		error_prefix(err, "object '%s'", key);
	http_response_release(&resp);
	return rc;
}
