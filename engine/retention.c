/* Retention of one flow-log destination: CloudWatch log group retention and
 * S3 lifecycle expiration, read and changed. */
#include "engine/retention.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/plan.h"

#define MAX_DAYS 100000

int retention_parse_days(int *out_days, const char *text, struct aws_error *err)
{
	char *end;
	long v;

	*out_days = 0;
	if (strcmp(text, "never") == 0)
		return 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || *text == '-' || *text == '+' || v < 1 || v > MAX_DAYS)
		return error_set(err, ERR_INVALID,
		                 "'%s' is not a retention: give a number of days (1 to %d) or "
		                 "'never'",
		                 text, MAX_DAYS);
	*out_days = (int)v;
	return 0;
}

void retention_describe_days(struct buf *out, int days)
{
	if (days <= 0)
		buf_addstr(out, "never expires");
	else
		buf_addf(out, "%d day%s", days, days == 1 ? "" : "s");
}

char *retention_bucket_prefix(const char *user_prefix)
{
	struct buf b = BUF_INIT;

	if (user_prefix) {
		while (*user_prefix == '/')
			user_prefix++;
		buf_addstr(&b, user_prefix);
		while (b.len && b.data[b.len - 1] == '/')
			buf_truncate(&b, b.len - 1);
		if (b.len)
			buf_addch(&b, '/');
	}
	buf_addstr(&b, "AWSLogs/");
	return buf_detach(&b, NULL);
}

char *retention_rule_id(const char *prefix)
{
	static const char tail[] = "AWSLogs/";
	size_t len = strlen(prefix), n = sizeof(tail) - 1;
	struct buf id = BUF_INIT;
	char *user;

	/* The rule apply writes: named after the user's part of the prefix. */
	if (len >= n && strcmp(prefix + len - n, tail) == 0)
		len -= n;
	user = xstrndup(prefix, len);
	plan_lifecycle_rule_id(&id, user);
	free(user);
	return buf_detach(&id, NULL);
}

const struct s3_lifecycle_rule *retention_covering_rule(const struct s3_lifecycle *lc,
                                                        const char *prefix)
{
	const struct s3_lifecycle_rule *best = NULL;

	for (size_t i = 0; i < lc->n; i++) {
		const struct s3_lifecycle_rule *r = &lc->v[i];

		if (!r->status || strcmp(r->status, "Enabled") != 0 || r->expiration_days <= 0)
			continue;
		if (r->prefix && strncmp(prefix, r->prefix, strlen(r->prefix)) != 0)
			continue;
		if (r->raw_xml && (strstr(r->raw_xml, "<Tag>") ||
		                   strstr(r->raw_xml, "<ObjectSizeGreaterThan>") ||
		                   strstr(r->raw_xml, "<ObjectSizeLessThan>")))
			continue;
		if (!best || r->expiration_days < best->expiration_days)
			best = r;
	}
	return best;
}

int retention_log_group_days(int *out_days, struct client *c, const char *region, const char *name,
                             struct aws_error *err)
{
	struct logs_group_list groups = {0};
	int rc;

	*out_days = 0;
	rc = logs_describe_log_groups(&groups, c, region, name, err);
	if (rc)
		goto out;
	rc = ERR_NOT_FOUND;
	for (size_t i = 0; i < groups.n; i++) {
		if (strcmp(groups.v[i].name, name) == 0) {
			*out_days = groups.v[i].retention_in_days;
			rc = 0;
		}
	}
	if (rc) {
		error_clear(err);
		error_set_operation(err, "DescribeLogGroups");
		snprintf(err->aws_code, sizeof(err->aws_code), "ResourceNotFoundException");
		error_set(err, ERR_NOT_FOUND, "log group '%s' does not exist in %s", name, region);
	}
out:
	logs_group_list_release(&groups);
	return rc;
}

int retention_set_log_group(struct client *c, const char *region, const char *name, int days,
                            struct aws_error *err)
{
	if (days > 0)
		return logs_put_retention_policy(c, region, name, days, err);
	return logs_delete_retention_policy(c, region, name, err);
}

int retention_bucket_region(char **out, struct client *c, const char *region, const char *bucket,
                            struct aws_error *err)
{
	int rc = s3_get_bucket_location(out, c, region, bucket, err);

	if (rc && (rc == ERR_NOT_FOUND || error_is(err, "NoSuchBucket"))) {
		snprintf(err->message, sizeof(err->message), "bucket '%s' does not exist", bucket);
		rc = err->code = ERR_NOT_FOUND;
	}
	return rc;
}

int retention_bucket_lifecycle(struct s3_lifecycle *out, struct client *c, const char *region,
                               const char *bucket, struct aws_error *err)
{
	int rc = s3_get_bucket_lifecycle(out, c, region, bucket, err);

	if (rc == ERR_NOT_FOUND) {
		/* No configuration: nothing expires, and ours would be the first rule. */
		error_clear(err);
		rc = 0;
	}
	return rc;
}

void retention_lifecycle_days(int *out_days, char **out_rule, const struct s3_lifecycle *lc,
                              const char *prefix)
{
	const struct s3_lifecycle_rule *r = retention_covering_rule(lc, prefix);

	*out_days = r ? r->expiration_days : 0;
	*out_rule = r ? xstrdup(r->id ? r->id : "") : NULL;
}

int retention_bucket_days(int *out_days, char **out_rule, struct client *c, const char *region,
                          const char *bucket, const char *prefix, struct aws_error *err)
{
	struct s3_lifecycle lc = {0};
	int rc;

	*out_days = 0;
	*out_rule = NULL;
	rc = retention_bucket_lifecycle(&lc, c, region, bucket, err);
	if (rc == 0)
		retention_lifecycle_days(out_days, out_rule, &lc, prefix);
	s3_lifecycle_release(&lc);
	return rc;
}

int retention_set_bucket(struct client *c, const char *region, const char *bucket,
                         const char *prefix, int days, struct aws_error *err)
{
	struct s3_lifecycle lc = {0};
	char *id = retention_rule_id(prefix);
	int rc;

	rc = retention_bucket_lifecycle(&lc, c, region, bucket, err);
	if (rc)
		goto out;
	if (days > 0)
		s3_lifecycle_set_rule(&lc, id, prefix, days);
	else if (!s3_lifecycle_remove_rule(&lc, id))
		goto out; /* nothing of ours to take out */
	if (lc.n)
		rc = s3_put_bucket_lifecycle(c, region, bucket, &lc, err);
	else
		rc = s3_delete_bucket_lifecycle(c, region, bucket, err);
out:
	s3_lifecycle_release(&lc);
	free(id);
	return rc;
}
