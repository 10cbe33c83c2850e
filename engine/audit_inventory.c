/* The audit's data: names of codes and severities, releasing inventories and
 * reports, and the pure helpers that read flow-log destinations (log group,
 * delivery stream and S3 ARNs, S3 key prefixes, lifecycle expiration). */
#include "engine/audit.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"
#include "engine/logretention.h"
#include "engine/retention.h"

static const char *const code_names[] = {
    [AUDIT_NO_FLOW_LOG] = "NO_FLOW_LOG",
    [AUDIT_PARTIAL_SUBNET_COVERAGE] = "PARTIAL_SUBNET_COVERAGE",
    [AUDIT_DELIVERY_FAILED] = "DELIVERY_FAILED",
    [AUDIT_DESTINATION_MISSING] = "DESTINATION_MISSING",
    [AUDIT_TRAFFIC_ACCEPT_ONLY] = "TRAFFIC_ACCEPT_ONLY",
    [AUDIT_RETENTION_UNSET] = "RETENTION_UNSET",
    [AUDIT_RETENTION_BELOW_MIN] = "RETENTION_BELOW_MIN",
    [AUDIT_S3_NO_EXPIRATION] = "S3_NO_EXPIRATION",
    [AUDIT_SHARED] = "SHARED",
    [AUDIT_COVERED_BY_SUBNETS] = "COVERED_BY_SUBNETS",
};

static const enum audit_severity code_severity[] = {
    [AUDIT_NO_FLOW_LOG] = AUDIT_HIGH,
    [AUDIT_PARTIAL_SUBNET_COVERAGE] = AUDIT_MEDIUM,
    [AUDIT_DELIVERY_FAILED] = AUDIT_HIGH,
    [AUDIT_DESTINATION_MISSING] = AUDIT_HIGH,
    [AUDIT_TRAFFIC_ACCEPT_ONLY] = AUDIT_MEDIUM,
    [AUDIT_RETENTION_UNSET] = AUDIT_LOW,
    [AUDIT_RETENTION_BELOW_MIN] = AUDIT_MEDIUM,
    [AUDIT_S3_NO_EXPIRATION] = AUDIT_LOW,
    [AUDIT_SHARED] = AUDIT_INFO,
    [AUDIT_COVERED_BY_SUBNETS] = AUDIT_INFO,
};

static const char *const severity_names[] = {"info", "low", "medium", "high"};

const char *audit_code_name(enum audit_code c)
{
	return code_names[c];
}

enum audit_severity audit_code_severity(enum audit_code c)
{
	return code_severity[c];
}

const char *audit_severity_name(enum audit_severity s)
{
	return severity_names[s];
}

int audit_parse_severity(const char *s, enum audit_severity *out)
{
	for (int i = AUDIT_LOW; i <= AUDIT_HIGH; i++) {
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum audit_severity)i;
			return 0;
		}
	}
	return -1;
}

int audit_retention_round_up(int days)
{
	return logretention_round_up(days);
}

/* --- Releasing --- */

void audit_bucket_release(struct audit_bucket *b)
{
	free(b->name);
	free(b->region);
	s3_lifecycle_release(&b->lifecycle);
	memset(b, 0, sizeof(*b));
}

void audit_region_release(struct audit_region *r)
{
	free(r->region);
	ec2_vpc_list_release(&r->vpcs);
	ec2_subnet_list_release(&r->subnets);
	ec2_flow_log_list_release(&r->flow_logs);
	logs_group_list_release(&r->log_groups);
	strlist_release(&r->streams);
	memset(r, 0, sizeof(*r));
}

void audit_account_release(struct audit_account *a)
{
	free(a->account_id);
	for (size_t i = 0; i < a->n_regions; i++)
		audit_region_release(&a->regions[i]);
	free(a->regions);
	for (size_t i = 0; i < a->n_buckets; i++)
		audit_bucket_release(&a->buckets[i]);
	free(a->buckets);
	memset(a, 0, sizeof(*a));
}

void audit_problem_add(struct audit_problem_list *l, const char *account, const char *region,
                       const char *message)
{
	struct audit_problem *p;

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	p = &l->v[l->n++];
	p->account = account ? xstrdup(account) : NULL;
	p->region = region ? xstrdup(region) : NULL;
	p->message = xstrdup(message);
}

void audit_problem_list_release(struct audit_problem_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].account);
		free(l->v[i].region);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void audit_inventory_release(struct audit_inventory *inv)
{
	for (size_t i = 0; i < inv->n_accounts; i++)
		audit_account_release(&inv->accounts[i]);
	free(inv->accounts);
	audit_problem_list_release(&inv->errors);
	audit_problem_list_release(&inv->warnings);
	memset(inv, 0, sizeof(*inv));
}

void audit_report_release(struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct audit_finding *f = &r->v[i];

		free(f->account);
		free(f->region);
		free(f->resource);
		free(f->reason);
		free(f->vpc_id);
		free(f->flow_log_id);
		free(f->log_group);
		free(f->bucket);
		free(f->delivery_stream);
		free(f->prefix);
		strlist_release(&f->subnets);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* --- Destinations --- */

/* Field n (0-based) of a colon-separated ARN, as [*out, *out + *len). */
static int arn_field(const char *arn, int n, const char **out, size_t *len)
{
	const char *p = arn;

	for (int i = 0; i < n; i++) {
		p = strchr(p, ':');
		if (!p)
			return -1;
		p++;
	}
	*out = p;
	*len = strcspn(p, ":");
	return 0;
}

static int field_is(const char *arn, int n, const char *want)
{
	const char *p;
	size_t len;

	return arn_field(arn, n, &p, &len) == 0 && len == strlen(want) &&
	       strncmp(p, want, len) == 0;
}

const char *audit_flow_log_group(const struct ec2_flow_log *fl, struct buf *buf)
{
	const char *arn = fl->log_destination, *name;
	size_t len;

	if (fl->log_destination_type && strcmp(fl->log_destination_type, "cloud-watch-logs") != 0)
		return NULL;
	if (fl->log_group_name && *fl->log_group_name)
		return fl->log_group_name;
	if (!arn || strncmp(arn, "arn:", 4) != 0 || !field_is(arn, 2, "logs") ||
	    !field_is(arn, 5, "log-group") || arn_field(arn, 6, &name, &len) < 0 || !len)
		return NULL;
	buf_reset(buf);
	buf_add(buf, name, len);
	return buf->data;
}

const char *audit_flow_log_stream(const struct ec2_flow_log *fl, struct buf *buf)
{
	static const char kind[] = "deliverystream/";
	const size_t kind_len = sizeof(kind) - 1;
	const char *arn = fl->log_destination, *res;
	size_t len;

	if (!fl->log_destination_type ||
	    strcmp(fl->log_destination_type, "kinesis-data-firehose") != 0)
		return NULL;
	if (!arn || strncmp(arn, "arn:", 4) != 0 || !field_is(arn, 2, "firehose") ||
	    arn_field(arn, 5, &res, &len) < 0 || len <= kind_len ||
	    strncmp(res, kind, kind_len) != 0)
		return NULL;
	buf_reset(buf);
	buf_add(buf, res + kind_len, len - kind_len);
	return buf->data;
}

int audit_s3_destination(char **out_bucket, char **out_prefix, const char *arn)
{
	const char *p, *slash;
	size_t len;

	*out_bucket = *out_prefix = NULL;
	if (!arn || strncmp(arn, "arn:", 4) != 0 || !field_is(arn, 2, "s3") ||
	    arn_field(arn, 5, &p, &len) < 0)
		return -1;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	if (!len)
		return -1;
	*out_bucket = xstrndup(p, len);
	if (slash) {
		const char *start = slash + 1;
		size_t plen = strlen(start);

		while (plen && start[plen - 1] == '/')
			plen--;
		*out_prefix = xstrndup(start, plen);
	} else {
		*out_prefix = xstrdup("");
	}
	return 0;
}

void audit_s3_key_prefix(struct buf *out, const char *prefix, const char *account,
                         const char *region, int hive)
{
	if (prefix && *prefix)
		buf_addf(out, "%s/", prefix);
	if (hive)
		buf_addf(out, "AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=%s/",
		         account ? account : "", region);
	else
		buf_addf(out, "AWSLogs/%s/vpcflowlogs/%s/", account ? account : "", region);
}

int audit_s3_expiration(const struct s3_lifecycle *lc, const char *key_prefix)
{
	const struct s3_lifecycle_rule *r = retention_covering_rule(lc, key_prefix);

	return r ? r->expiration_days : 0;
}

int audit_destination_visible(const struct ec2_flow_log *fl, const char *account,
                              const char *region)
{
	const char *arn = fl->log_destination;

	if ((fl->log_group_name && *fl->log_group_name) || !arn)
		return 1;
	return (!account || field_is(arn, 4, account)) && field_is(arn, 3, region);
}
