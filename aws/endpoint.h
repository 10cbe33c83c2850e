/* Where each service is reached and what region its requests are signed for. */
#ifndef VPCFLOW_AWS_ENDPOINT_H
#define VPCFLOW_AWS_ENDPOINT_H

struct aws_error;
struct buf;
struct env;

enum service {
	SVC_EC2,
	SVC_IAM,
	SVC_STS,
	SVC_LOGS,
	SVC_S3,
	SVC_ORGANIZATIONS,
	SVC_FIREHOSE,
	SVC_COUNT
};

struct service_info {
	const char *id;           /* endpoint prefix: "ec2", "logs", ... */
	const char *signing_name; /* SigV4 service name */
	const char *env_name;     /* AWS_ENDPOINT_URL_<env_name>: "EC2", "CLOUDWATCH_LOGS", ... */
};

const struct service_info *service_info(enum service svc);

/* A resolved endpoint. url has scheme and host (and port, and any base path of
 * an override), never a trailing slash. */
struct endpoint {
	char url[512];
	char host[256]; /* host[:port], as the Host header carries it */
	char signing_region[32];
	int path_style; /* S3: bucket in the path rather than the host name */
};

/* Resolves svc in region. Order: override (--endpoint-url), then
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the standard endpoint
 * of the region's partition (global services: IAM and Organizations are signed
 * for the partition's home region). S3 is path-style whenever an endpoint is
 * overridden. Fails with ERR_INVALID on a missing region or a bad URL. */
int endpoint_resolve(struct endpoint *out, enum service svc, const char *region,
                     const char *override, const struct env *env, struct aws_error *err);

/* Appends the URL of a request on ep: ep->url, then path (URI-encoded, from
 * '/'; NULL or "" is "/"), then "?query" when query is non-empty.
 *
 * With a bucket (S3), path is the key part ("/" or "/key"). The bucket goes
 * into the host name ("https://BUCKET.s3.REGION.amazonaws.com/key",
 * virtual-hosted style) when ep is not path-style and the name is
 * DNS-compatible: 3 to 63 of a-z 0-9 '-', a letter or digit at both ends, and
 * no dot (a dotted name does not match the TLS wildcard certificate). Otherwise
 * it goes in front of path ("https://s3.REGION.amazonaws.com/BUCKET/key", path
 * style; a bucket request is ".../BUCKET", with no slash after it), as the SDKs
 * do. The Host header, and so SigV4, follow the URL. Fails with ERR_INVALID on
 * a bucket name that is not 1 to 255 of A-Z a-z 0-9 . - _ (botocore's rule). */
int endpoint_request_url(struct buf *out, const struct endpoint *ep, const char *bucket,
                         const char *path, const char *query, struct aws_error *err);

/* "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"; NULL if unknown. */
const char *endpoint_partition(const char *region);
/* The DNS suffix of the region's partition: "amazonaws.com", "amazonaws.com.cn", ... */
const char *endpoint_dns_suffix(const char *region);

#endif
