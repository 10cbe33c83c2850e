/* S3: the request helper and the bucket-level calls. */
#include "aws/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

void s3_uri_encode(struct buf *out, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char ch = *p;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~' ||
		    (ch == '/' && keep_slash)) {
			buf_addch(out, ch);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[ch >> 4]);
			buf_addch(out, hex[ch & 15]);
		}
	}
}

void s3_xml_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_addstr(out, "&amp;");
			break;
		case '<':
			buf_addstr(out, "&lt;");
			break;
		case '>':
			buf_addstr(out, "&gt;");
			break;
		case '"':
			buf_addstr(out, "&quot;");
			break;
		case '\'':
			buf_addstr(out, "&apos;");
			break;
		default:
			buf_addch(out, *s);
		}
	}
}

/* The base64 MD5 of data, as Content-MD5 carries it (25 bytes with NUL). */
static void content_md5(char out[25], const char *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	EVP_Digest(data, len, md, &md_len, EVP_md5(), NULL);
	EVP_EncodeBlock((unsigned char *)out, md, (int)md_len);
}

int s3_send(struct http_response *out, struct client *c, const char *region,
            const struct s3_request *req, struct aws_error *err)
{
	struct buf path = BUF_INIT;
	struct http_headers headers;
	struct client_call call;
	char md5[25];
	int rc;

	headers_init(&headers);
	buf_addch(&path, '/');
	if (req->key)
		s3_uri_encode(&path, req->key, 1);
	if (req->content_md5) {
		content_md5(md5, req->body ? req->body : "", req->body ? req->body_len : 0);
		headers_add(&headers, "Content-MD5", md5);
	}
	memset(&call, 0, sizeof(call));
	call.service = SVC_S3;
	call.protocol = PROTO_REST_XML;
	call.region = region;
	call.operation = req->operation;
	call.method = req->method;
	call.path = path.data;
	call.query = req->query;
	call.headers = &headers;
	call.body = req->body;
	call.body_len = req->body ? req->body_len : 0;
	call.bucket = req->bucket;
	call.on_body = req->on_body;
	call.on_body_ctx = req->on_body_ctx;
	rc = client_send(c, &call, out, err);
	headers_release(&headers);
	buf_release(&path);
	return rc;
}

/* Sends a bucket request and drops the answer. */
static int bucket_call(struct client *c, const char *region, const char *operation,
                       const char *method, const char *bucket, const char *query,
                       const struct buf *body, struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {
	    .operation = operation, .method = method, .bucket = bucket, .query = query};
	int rc;

	if (body) {
		req.body = body->data;
		req.body_len = body->len;
		req.content_md5 = 1;
	}
	rc = s3_send(&resp, c, region, &req, err);
	http_response_release(&resp);
	return rc;
}

int s3_create_bucket(struct client *c, const char *region, const char *bucket,
                     struct aws_error *err)
{
	struct buf body = BUF_INIT;
	int rc;

	if (region && strcmp(region, "us-east-1") != 0) {
		buf_addstr(&body, "<CreateBucketConfiguration xmlns=\"" S3_XMLNS "\">"
		                  "<LocationConstraint>");
		s3_xml_escape(&body, region);
		buf_addstr(&body, "</LocationConstraint></CreateBucketConfiguration>");
	}
	rc = bucket_call(c, region, "CreateBucket", "PUT", bucket, NULL, body.len ? &body : NULL,
	                 err);
	buf_release(&body);
	return rc;
}

int s3_head_bucket(char *region_out, size_t region_size, struct client *c, const char *region,
                   const char *bucket, struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "HeadBucket", .method = "HEAD", .bucket = bucket};
	const char *where = NULL;
	int rc;

	if (region_out && region_size)
		region_out[0] = '\0';
	rc = s3_send(&resp, c, region, &req, err);
	if (rc == ERR_SERVICE && err->http_status == 404) {
		err->code = rc = ERR_NOT_FOUND;
		if (!strcmp(err->aws_code, "NotFound"))
			snprintf(err->aws_code, sizeof(err->aws_code), "NoSuchBucket");
		snprintf(err->message, sizeof(err->message), "bucket '%s' does not exist", bucket);
	}
	if (rc == 0)
		where = headers_get(&resp.headers, "x-amz-bucket-region");
	else if (err->bucket_region[0])
		where = err->bucket_region;
	if (where && region_out && region_size)
		snprintf(region_out, region_size, "%s", where);
	http_response_release(&resp);
	return rc;
}

int s3_parse_location(char **out, const char *body, size_t len, struct aws_error *err)
{
	xmlDocPtr doc = xml_parse(body, len, "GetBucketLocation", err);
	xmlNodePtr root;
	char *text = NULL;
	int rc = 0;

	*out = NULL;
	if (!doc)
		return ERR_PARSE;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "LocationConstraint")) {
		rc = error_set(err, ERR_PARSE, "expected a <LocationConstraint> answer");
		goto out;
	}
	text = xml_text(root);
	if (!*text)
		*out = xstrdup("us-east-1");
	else if (strcmp(text, "EU") == 0)
		*out = xstrdup("eu-west-1");
	else
		*out = xstrdup(text);
out:
	free(text);
	xmlFreeDoc(doc);
	return rc;
}

int s3_get_bucket_location(char **out, struct client *c, const char *region, const char *bucket,
                           struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "GetBucketLocation",
	                         .method = "GET",
	                         .bucket = bucket,
	                         .query = "location"};
	int rc;

	*out = NULL;
	rc = s3_send(&resp, c, region, &req, err);
	if (rc == 0)
		rc = s3_parse_location(out, resp.body.data, resp.body.len, err);
	http_response_release(&resp);
	return rc;
}

int s3_get_bucket_policy(char **out, struct client *c, const char *region, const char *bucket,
                         struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {
	    .operation = "GetBucketPolicy", .method = "GET", .bucket = bucket, .query = "policy"};
	int rc;

	*out = NULL;
	rc = s3_send(&resp, c, region, &req, err);
	if (rc == 0)
		*out = buf_detach(&resp.body, NULL);
	else if (error_is(err, "NoSuchBucketPolicy"))
		rc = err->code = ERR_NOT_FOUND;
	http_response_release(&resp);
	return rc;
}

int s3_put_bucket_policy(struct client *c, const char *region, const char *bucket,
                         const char *policy, struct aws_error *err)
{
	struct buf body = BUF_INIT;
	int rc;

	buf_addstr(&body, policy);
	rc = bucket_call(c, region, "PutBucketPolicy", "PUT", bucket, "policy", &body, err);
	buf_release(&body);
	return rc;
}

int s3_put_public_access_block(struct client *c, const char *region, const char *bucket,
                               struct aws_error *err)
{
	struct buf body = BUF_INIT;
	int rc;

	buf_addstr(&body, "<PublicAccessBlockConfiguration xmlns=\"" S3_XMLNS "\">"
	                  "<BlockPublicAcls>true</BlockPublicAcls>"
	                  "<IgnorePublicAcls>true</IgnorePublicAcls>"
	                  "<BlockPublicPolicy>true</BlockPublicPolicy>"
	                  "<RestrictPublicBuckets>true</RestrictPublicBuckets>"
	                  "</PublicAccessBlockConfiguration>");
	rc = bucket_call(c, region, "PutPublicAccessBlock", "PUT", bucket, "publicAccessBlock",
	                 &body, err);
	buf_release(&body);
	return rc;
}

int s3_put_bucket_encryption(struct client *c, const char *region, const char *bucket,
                             struct aws_error *err)
{
	struct buf body = BUF_INIT;
	int rc;

	buf_addstr(&body, "<ServerSideEncryptionConfiguration xmlns=\"" S3_XMLNS "\">"
	                  "<Rule><ApplyServerSideEncryptionByDefault>"
	                  "<SSEAlgorithm>AES256</SSEAlgorithm>"
	                  "</ApplyServerSideEncryptionByDefault></Rule>"
	                  "</ServerSideEncryptionConfiguration>");
	rc = bucket_call(c, region, "PutBucketEncryption", "PUT", bucket, "encryption", &body, err);
	buf_release(&body);
	return rc;
}

int s3_put_bucket_tagging(struct client *c, const char *region, const char *bucket,
                          const struct tag_list *tags, struct aws_error *err)
{
	struct buf body = BUF_INIT;
	int rc;

	buf_addstr(&body, "<Tagging xmlns=\"" S3_XMLNS "\"><TagSet>");
	for (size_t i = 0; tags && i < tags->n; i++) {
		buf_addstr(&body, "<Tag><Key>");
		s3_xml_escape(&body, tags->v[i].key);
		buf_addstr(&body, "</Key><Value>");
		s3_xml_escape(&body, tags->v[i].value);
		buf_addstr(&body, "</Value></Tag>");
	}
	buf_addstr(&body, "</TagSet></Tagging>");
	rc = bucket_call(c, region, "PutBucketTagging", "PUT", bucket, "tagging", &body, err);
	buf_release(&body);
	return rc;
}

int s3_delete_bucket(struct client *c, const char *region, const char *bucket,
                     struct aws_error *err)
{
	return bucket_call(c, region, "DeleteBucket", "DELETE", bucket, NULL, NULL, err);
}
