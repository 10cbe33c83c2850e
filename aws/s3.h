/* Amazon S3 (REST-XML, API 2006-03-01): the flow-log bucket (creation, policy,
 * public access block, encryption, lifecycle, tags) and reading the objects
 * flow logs deliver.
 *
 * Requests name their bucket to the client (client_call.bucket), which
 * addresses it virtual-hosted style (https://BUCKET.s3.REGION.amazonaws.com/KEY)
 * or, for dotted or otherwise not DNS-compatible names and for overridden
 * endpoints, path style (https://s3.REGION.amazonaws.com/BUCKET/KEY): see
 * endpoint_request_url. Every call goes to region, which must be the bucket's
 * region (s3_head_bucket and s3_get_bucket_location tell it). Keys and query
 * values are URI-encoded by SigV4's rules. Parsers (s3_parse_*) are pure and
 * take the answer's bytes. */
#ifndef VPCFLOW_AWS_S3_H
#define VPCFLOW_AWS_S3_H

#include <stddef.h>
#include <stdint.h>

#include "aws/buf.h"
#include "aws/strlist.h"
#include "aws/tag.h"

struct aws_error;
struct client;
struct http_response;

/* One S3 request; everything borrowed. */
struct s3_request {
	const char *operation; /* "PutBucketPolicy", for errors */
	const char *method;
	const char *bucket;
	const char *key;   /* NULL: a bucket request */
	const char *query; /* already encoded (s3_uri_encode), without '?', or NULL */
	const char *body;
	size_t body_len;
	int content_md5; /* send Content-MD5 of the body (S3 requires it on some PUTs)
	                  */
	/* NULL, or the 2xx body goes there as it arrives (client_call.on_body) */
	int (*on_body)(void *ctx, const char *data, size_t len);
	void *on_body_ctx;
};

/* Sends req to the bucket (and key) in region; out as for client_send. */
int s3_send(struct http_response *out, struct client *c, const char *region,
            const struct s3_request *req, struct aws_error *err);
/* Appends s URI-encoded: bytes outside A-Z a-z 0-9 - _ . ~ as %XX, and '/'
 * too unless keep_slash (object keys in paths keep theirs). */
void s3_uri_encode(struct buf *out, const char *s, int keep_slash);
/* Appends s with & < > " ' escaped for XML text. */
void s3_xml_escape(struct buf *out, const char *s);

/* Creates a bucket in region: no body in us-east-1, a LocationConstraint
 * elsewhere. An existing bucket of the caller fails with aws_code
 * BucketAlreadyOwnedByYou (outside us-east-1). */
int s3_create_bucket(struct client *c, const char *region, const char *bucket,
                     struct aws_error *err);
/* Whether the bucket exists and the caller may use it: 0, ERR_NOT_FOUND when
 * there is no such bucket, ERR_SERVICE with http_status 403 (aws_code
 * "Forbidden") when it belongs to someone else or access is denied, 301
 * (PermanentRedirect) when it lives in another region. region_out receives the
 * answer's x-amz-bucket-region, on success and on error answers (S3 sends it
 * with 301 and 403 too), else "". region_out may be NULL. */
int s3_head_bucket(char *region_out, size_t region_size, struct client *c, const char *region,
                   const char *bucket, struct aws_error *err);
/* The bucket's region (owned): an empty LocationConstraint is us-east-1, "EU"
 * is eu-west-1. */
int s3_get_bucket_location(char **out, struct client *c, const char *region, const char *bucket,
                           struct aws_error *err);
int s3_parse_location(char **out, const char *body, size_t len, struct aws_error *err);
/* The bucket policy, as raw JSON text (owned); ERR_NOT_FOUND when the bucket
 * has none (NoSuchBucketPolicy). */
int s3_get_bucket_policy(char **out, struct client *c, const char *region, const char *bucket,
                         struct aws_error *err);
int s3_put_bucket_policy(struct client *c, const char *region, const char *bucket,
                         const char *policy, struct aws_error *err);
/* Turns on all four public access blocks. */
int s3_put_public_access_block(struct client *c, const char *region, const char *bucket,
                               struct aws_error *err);
/* Default encryption SSE-S3 (AES256). */
int s3_put_bucket_encryption(struct client *c, const char *region, const char *bucket,
                             struct aws_error *err);
/* Replaces the bucket's tags with tags. */
int s3_put_bucket_tagging(struct client *c, const char *region, const char *bucket,
                          const struct tag_list *tags, struct aws_error *err);
/* Deletes an empty bucket. */
int s3_delete_bucket(struct client *c, const char *region, const char *bucket,
                     struct aws_error *err);

/* --- Lifecycle (aws/s3_lifecycle.c) --- */

/* One lifecycle rule. id, status and prefix are what the rule says (prefix
 * from <Filter><Prefix>, <Filter><And><Prefix> or the legacy <Prefix>; NULL
 * when the rule has none); expiration_days is 0 when the rule does not expire
 * objects by age. raw_xml, when non-NULL, is the whole <Rule> as read and is
 * what gets written back, so transitions, noncurrent-version actions, tag and
 * size filters survive a merge; a rule made by s3_lifecycle_set_rule has none
 * and is written from its fields. */
struct s3_lifecycle_rule {
	char *id;
	char *status; /* Enabled, Disabled */
	char *prefix;
	int expiration_days;
	char *raw_xml;
};

/* Invariants: v[0..n) are valid, owned rules; alloc >= n; a zeroed struct is
 * an empty configuration. */
struct s3_lifecycle {
	struct s3_lifecycle_rule *v;
	size_t n, alloc;
};

void s3_lifecycle_release(struct s3_lifecycle *lc);
/* Parses a GetBucketLifecycleConfiguration answer (appends its rules). */
int s3_parse_lifecycle(struct s3_lifecycle *out, const char *body, size_t len,
                       struct aws_error *err);
/* Appends the <LifecycleConfiguration> document of lc. */
void s3_lifecycle_to_xml(struct buf *out, const struct s3_lifecycle *lc);
/* Replaces the rule called id (or appends one): enabled, for keys under prefix
 * (NULL or "": the whole bucket), expiring objects after days. */
void s3_lifecycle_set_rule(struct s3_lifecycle *lc, const char *id, const char *prefix, int days);
/* Removes the rule called id; returns whether there was one. */
int s3_lifecycle_remove_rule(struct s3_lifecycle *lc, const char *id);
/* The rule called id, borrowed, or NULL. */
const struct s3_lifecycle_rule *s3_lifecycle_find(const struct s3_lifecycle *lc, const char *id);

/* The bucket's lifecycle rules; ERR_NOT_FOUND when it has none
 * (NoSuchLifecycleConfiguration). */
int s3_get_bucket_lifecycle(struct s3_lifecycle *out, struct client *c, const char *region,
                            const char *bucket, struct aws_error *err);
/* Replaces the bucket's lifecycle configuration with lc (at least one rule;
 * use s3_delete_bucket_lifecycle for none). Sends Content-MD5. */
int s3_put_bucket_lifecycle(struct client *c, const char *region, const char *bucket,
                            const struct s3_lifecycle *lc, struct aws_error *err);
int s3_delete_bucket_lifecycle(struct client *c, const char *region, const char *bucket,
                               struct aws_error *err);

/* --- Objects (aws/s3_objects.c) --- */

/* Strings owned; key never NULL; last_modified and etag NULL when absent. */
struct s3_object {
	char *key;
	int64_t size;
	char *last_modified;
	char *etag;
};

/* Invariants: v[0..n) are valid, owned objects, alloc >= n; common_prefixes
 * holds the CommonPrefixes (with a delimiter). A zeroed struct is empty. */
struct s3_object_list {
	struct s3_object *v;
	size_t n, alloc;
	struct strlist common_prefixes;
};

void s3_object_list_release(struct s3_object_list *l);
/* Appends a ListObjectsV2 page; *next_token receives the owned
 * NextContinuationToken while IsTruncated, else NULL. Keys and prefixes are
 * URL-decoded when the answer says EncodingType url. */
int s3_parse_list_objects(struct s3_object_list *out, const char *body, size_t len,
                          char **next_token, struct aws_error *err);
/* Every object under prefix (NULL: all), grouped by delimiter (NULL: none). */
int s3_list_objects(struct s3_object_list *out, struct client *c, const char *region,
                    const char *bucket, const char *prefix, const char *delimiter,
                    struct aws_error *err);
/* The whole object, appended to out (capped by http_options.max_body). A body
 * that breaks off is fetched again, as any failed attempt; out is untouched on
 * failure. */
int s3_get_object(struct buf *out, struct client *c, const char *region, const char *bucket,
                  const char *key, struct aws_error *err);
/* Streams the object: on_data receives its bytes in order, in the chunks they
 * arrive in, whatever the object's size. A non-zero return from on_data stops
 * the transfer with ERR_IO. A body that breaks off after some bytes reached
 * on_data fails (ERR_NETWORK or ERR_TIMEOUT) without being fetched again, so
 * on_data never sees a byte twice; before the first byte, the call is retried
 * as any other. */
int s3_get_object_stream(struct client *c, const char *region, const char *bucket, const char *key,
                         int (*on_data)(void *ctx, const char *data, size_t len), void *ctx,
                         struct aws_error *err);

/* --- Tags (aws/s3_tagging.c) --- */

/* Appends the tags of a GetBucketTagging answer. */
int s3_parse_tagging(struct tag_list *out, const char *body, size_t len, struct aws_error *err);
/* Appends the bucket's tags; ERR_NOT_FOUND when it has none (NoSuchTagSet). */
int s3_get_bucket_tagging(struct tag_list *out, struct client *c, const char *region,
                          const char *bucket, struct aws_error *err);

#endif
