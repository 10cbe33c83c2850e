/* Endpoints: the services vpcflow calls, the partitions of AWS (their values
 * come from botocore's endpoints.json), and the endpoint URL overrides.
 *
 * A NULL env means no environment variables at all (callers that want the
 * process environment pass &env_process). A region that matches no partition
 * (a new one, say) is resolved in the "aws" partition, as botocore does. */
#include "aws/endpoint.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/buf.h"
#include "aws/env.h"
#include "aws/error.h"

/* A partition and the fixed endpoints of its global services. */
struct partition {
	const char *name;
	const char *region_prefix; /* NULL: the default partition ("aws") */
	const char *dns_suffix;
	const char *iam_host;
	const char *iam_region;
	const char *organizations_host;
	const char *organizations_region;
};

static const struct partition partitions[] = {
    {"aws", NULL, "amazonaws.com", "iam.amazonaws.com", "us-east-1",
     "organizations.us-east-1.amazonaws.com", "us-east-1"},
    {"aws-cn", "cn-", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1",
     "organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {"aws-us-gov", "us-gov-", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1",
     "organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {"aws-iso", "us-iso-", "c2s.ic.gov", "iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1",
     "organizations.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {"aws-iso-b", "us-isob-", "sc2s.sgov.gov", "iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1",
     "organizations.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
};

/* The region name prefixes of the "aws" partition (botocore's regionRegex
 * ^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$). */
static const char *const aws_region_prefixes[] = {"us", "eu", "ap", "sa", "ca",
                                                  "me", "af", "il", "mx"};

static const struct service_info services[SVC_COUNT] = {
    [SVC_EC2] = {"ec2", "ec2", "EC2"},
    [SVC_IAM] = {"iam", "iam", "IAM"},
    [SVC_STS] = {"sts", "sts", "STS"},
    [SVC_LOGS] = {"logs", "logs", "CLOUDWATCH_LOGS"},
    [SVC_S3] = {"s3", "s3", "S3"},
    [SVC_ORGANIZATIONS] = {"organizations", "organizations", "ORGANIZATIONS"},
    [SVC_FIREHOSE] = {"firehose", "firehose", "FIREHOSE"},
};

const struct service_info *service_info(enum service svc)
{
	if ((int)svc < 0 || svc >= SVC_COUNT)
		return NULL;
	return &services[svc];
}

static int is_global(enum service svc)
{
	return svc == SVC_IAM || svc == SVC_ORGANIZATIONS;
}

/* Whether region has the form <prefix>-<word>-<digits>. */
static int matches_aws_form(const char *region)
{
	const char *p = strchr(region, '-'), *last;
	size_t i;

	if (!p)
		return 0;
	for (i = 0; i < sizeof(aws_region_prefixes) / sizeof(aws_region_prefixes[0]); i++)
		if ((size_t)(p - region) == 2 && strncmp(region, aws_region_prefixes[i], 2) == 0)
			break;
	if (i == sizeof(aws_region_prefixes) / sizeof(aws_region_prefixes[0]))
		return 0;
	last = strrchr(region, '-');
	if (last == p || last == p + 1 || !last[1])
		return 0;
	return strspn(last + 1, "0123456789") == strlen(last + 1);
}

/* The partition of region; NULL if no partition claims it. */
static const struct partition *find_partition(const char *region)
{
	if (!region)
		return NULL;
	for (size_t i = 1; i < sizeof(partitions) / sizeof(partitions[0]); i++)
		if (strncmp(region, partitions[i].region_prefix,
		            strlen(partitions[i].region_prefix)) == 0)
			return &partitions[i];
	return matches_aws_form(region) ? &partitions[0] : NULL;
}

const char *endpoint_partition(const char *region)
{
	const struct partition *p = find_partition(region);

	return p ? p->name : NULL;
}

const char *endpoint_dns_suffix(const char *region)
{
	const struct partition *p = find_partition(region);

	return p ? p->dns_suffix : partitions[0].dns_suffix;
}

static int check_region(const char *region, size_t size, struct aws_error *err)
{
	if (strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region) ||
	    strlen(region) >= size)
		return error_set(err, ERR_INVALID,
		                 "invalid region '%s': a region name is lowercase letters, digits "
		                 "and '-', like us-east-1",
		                 region);
	return 0;
}

/* Fills out->url and out->host from an override URL; source names where the
 * URL came from ("--endpoint-url", "AWS_ENDPOINT_URL_EC2"). */
static int parse_override(struct endpoint *out, const char *url, const char *source,
                          struct aws_error *err)
{
	const char *host, *end, *port = NULL;
	size_t len = strlen(url);
	int https;

	if (strncasecmp(url, "https://", 8) == 0)
		https = 1;
	else if (strncasecmp(url, "http://", 7) == 0)
		https = 0;
	else
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: it must start with http:// or "
		                 "https://, like http://localhost:5000",
		                 url, source);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return error_set(
			    err, ERR_INVALID,
			    "invalid endpoint URL '%s' in %s: it contains a space or a "
			    "control character",
			    url, source);
	if (strpbrk(url, "?#"))
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: it must not have a query or a "
		                 "fragment",
		                 url, source);
	host = url + (https ? 8 : 7);
	end = host + strcspn(host, "/");
	if (memchr(host, '@', (size_t)(end - host)))
		return error_set(
		    err, ERR_INVALID,
		    "invalid endpoint URL '%s' in %s: user names and passwords are not "
		    "allowed in it",
		    url, source);
	for (const char *q = end; q > host && q[-1] != ']'; q--)
		if (q[-1] == ':') {
			port = q - 1;
			break;
		}
	if (end == host || port == host)
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: it has no host", url, source);
	if (port && (end - port < 2 || end - port > 6 ||
	             strspn(port + 1, "0123456789") != (size_t)(end - port - 1)))
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: the port must be a number", url,
		                 source);
	/* The Host header leaves out the scheme's default port. */
	if (port && ((https && end - port == 4 && strncmp(port, ":443", 4) == 0) ||
	             (!https && end - port == 3 && strncmp(port, ":80", 3) == 0)))
		len = (size_t)(port - host);
	else
		len = (size_t)(end - host);
	if (len >= sizeof(out->host))
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: the host name is too long", url,
		                 source);
	memcpy(out->host, host, len);
	out->host[len] = '\0';
	len = strlen(url);
	while (len > (size_t)(end - url) && url[len - 1] == '/')
		len--;
	if (len >= sizeof(out->url))
		return error_set(err, ERR_INVALID,
		                 "invalid endpoint URL '%s' in %s: it is too long", url, source);
	memcpy(out->url, url, len);
	out->url[len] = '\0';
	return 0;
}

int endpoint_resolve(struct endpoint *out, enum service svc, const char *region,
                     const char *override, const struct env *env, struct aws_error *err)
{
	const struct service_info *info = service_info(svc);
	const struct partition *part;
	const char *url = NULL, *source = NULL, *host, *signing_region;
	char var[64];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!info)
		return error_set(err, ERR_INVALID, "unknown service %d", (int)svc);
	if (region && !*region)
		region = NULL;
	if (region) {
		rc = check_region(region, sizeof(out->signing_region), err);
		if (rc < 0)
			return rc;
	}
	snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s", info->env_name);
	if (override && *override) {
		url = override;
		source = "--endpoint-url";
	} else if (env && (url = env_get(env, var)) != NULL) {
		source = var;
	} else if (env && (url = env_get(env, "AWS_ENDPOINT_URL")) != NULL) {
		source = "AWS_ENDPOINT_URL";
	}
	part = find_partition(region);
	if (!part)
		part = &partitions[0];

	if (!region && !is_global(svc))
		return error_set(err, ERR_INVALID,
		                 "no region: use --region or set AWS_REGION (or region in your "
		                 "profile)");
	if (url) {
		rc = parse_override(out, url, source, err);
		if (rc < 0)
			return rc;
		if (region)
			signing_region = region;
		else if (svc == SVC_IAM)
			signing_region = part->iam_region;
		else
			signing_region = part->organizations_region;
		out->path_style = svc == SVC_S3;
	} else {
		if (svc == SVC_IAM) {
			host = part->iam_host;
			signing_region = part->iam_region;
		} else if (svc == SVC_ORGANIZATIONS) {
			host = part->organizations_host;
			signing_region = part->organizations_region;
		} else {
			host = NULL;
			signing_region = region;
		}
		if (host)
			snprintf(out->host, sizeof(out->host), "%s", host);
		else
			snprintf(out->host, sizeof(out->host), "%s.%s.%s", info->id, region,
			         part->dns_suffix);
		snprintf(out->url, sizeof(out->url), "https://%s", out->host);
	}
	snprintf(out->signing_region, sizeof(out->signing_region), "%s", signing_region);
	return 0;
}

/* Whether bucket can be a DNS label under the S3 host (botocore's
 * check_dns_name): 3 to 63 of a-z 0-9 '-', a letter or digit at both ends, and
 * no dot. */
static int bucket_virtual_hostable(const char *bucket)
{
	size_t n = strlen(bucket);

	if (n < 3 || n > 63 || strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return 0;
	return bucket[0] != '-' && bucket[n - 1] != '-';
}

int endpoint_request_url(struct buf *out, const struct endpoint *ep, const char *bucket,
                         const char *path, const char *query, struct aws_error *err)
{
	const char *host;
	size_t n;

	if (!path || !*path)
		path = "/";
	if (!bucket) {
		buf_addstr(out, ep->url);
	} else {
		n = strlen(bucket);
		if (n < 1 || n > 255 ||
		    strspn(bucket,
		           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_") !=
		        n)
			return error_set(err, ERR_INVALID,
			                 "invalid bucket name '%.255s': a bucket name is 1 to 255 "
			                 "letters, digits, '.', '-' and '_'",
			                 bucket);
		host = strstr(ep->url, "://");
		if (!ep->path_style && host && bucket_virtual_hostable(bucket)) {
			buf_add(out, ep->url, (size_t)(host + 3 - ep->url));
			buf_addf(out, "%s.%s", bucket, host + 3);
		} else {
			buf_addf(out, "%s/%s", ep->url, bucket);
			if (strcmp(path, "/") == 0)
				path = "";
		}
	}
	buf_addstr(out, path);
	if (query && *query)
		buf_addf(out, "?%s", query);
	return 0;
}
