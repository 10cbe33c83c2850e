/* Retention of flow-log destinations: CloudWatch log group retention and S3
 * lifecycle expiration, read for every destination and changed one at a time. */
#include "engine/retention.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/parallel.h"
#include "engine/plan.h"

#define RETENTION_WORKERS 8
#define MAX_DAYS          100000

const int retention_cloudwatch_days[] = {1,    3,    5,    7,    14,   30,  60,  90,
                                         120,  150,  180,  365,  400,  545, 731, 1096,
                                         1827, 2192, 2557, 2922, 3288, 3653};
const size_t retention_cloudwatch_count =
    sizeof(retention_cloudwatch_days) / sizeof(retention_cloudwatch_days[0]);

int retention_cloudwatch_allowed(int days, int *below, int *above)
{
	int lo = 0, hi = 0;

	for (size_t i = 0; i < retention_cloudwatch_count; i++) {
		int d = retention_cloudwatch_days[i];

		if (d == days)
			return 1;
		if (d < days)
			lo = d;
		else if (!hi)
			hi = d;
	}
	if (below)
		*below = lo;
	if (above)
		*above = hi;
	return 0;
}

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

static void dest_release(struct retention_dest *d)
{
	free(d->region);
	free(d->name);
	free(d->prefix);
	free(d->rule_id);
	strlist_release(&d->flow_logs);
}

void retention_list_release(struct retention_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		dest_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void retention_failures_release(struct retention_failures *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].region);
		free(f->v[i].err);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
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

int retention_bucket_days(int *out_days, char **out_rule, struct client *c, const char *region,
                          const char *bucket, const char *prefix, struct aws_error *err)
{
	struct s3_lifecycle lc = {0};
	const struct s3_lifecycle_rule *r;
	int rc;

	*out_days = 0;
	*out_rule = NULL;
	rc = s3_get_bucket_lifecycle(&lc, c, region, bucket, err);
	if (rc == ERR_NOT_FOUND) {
		error_clear(err);
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	if ((r = retention_covering_rule(&lc, prefix))) {
		*out_days = r->expiration_days;
		*out_rule = xstrdup(r->id ? r->id : "");
	}
out:
	s3_lifecycle_release(&lc);
	return rc;
}

int retention_set_bucket(struct client *c, const char *region, const char *bucket,
                         const char *prefix, int days, struct aws_error *err)
{
	struct s3_lifecycle lc = {0};
	char *id = retention_rule_id(prefix);
	int rc;

	rc = s3_get_bucket_lifecycle(&lc, c, region, bucket, err);
	if (rc == ERR_NOT_FOUND) {
		error_clear(err);
		rc = 0;
	}
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

/* --- Collecting every destination --- */

struct region_read {
	const char *region;
	struct ec2_flow_log_list logs;
	struct aws_error err;
	int failed;
};

struct collect_job {
	struct client *c;
	struct region_read *regions;
	struct retention_list *dests;
};

static void read_region(void *arg, size_t i)
{
	struct collect_job *job = arg;
	struct region_read *r = &job->regions[i];

	error_clear(&r->err);
	if (ec2_describe_flow_logs(&r->logs, job->c, r->region, NULL, 0, &r->err) < 0)
		r->failed = 1;
}

/* Splits an S3 destination ARN into bucket and user prefix (both owned).
 * Returns -1 when arn is not an S3 ARN. */
static int split_s3_arn(const char *arn, char **bucket, char **prefix)
{
	const char *p = strstr(arn, ":s3:::"), *slash;

	*bucket = *prefix = NULL;
	if (strncmp(arn, "arn:", 4) != 0 || !p)
		return -1;
	p += 6;
	slash = strchr(p, '/');
	*bucket = slash ? xstrndup(p, (size_t)(slash - p)) : xstrdup(p);
	*prefix = xstrdup(slash ? slash + 1 : "");
	return **bucket ? 0 : -1;
}

/* The log group a CloudWatch flow log delivers to (borrowed or owned in
 * *owned), or NULL. */
static const char *log_group_of(const struct ec2_flow_log *fl, char **owned)
{
	const char *arn = fl->log_destination, *p;
	size_t len;

	*owned = NULL;
	if (fl->log_group_name && *fl->log_group_name)
		return fl->log_group_name;
	if (!arn || !(p = strstr(arn, ":log-group:")))
		return NULL;
	p += strlen(":log-group:");
	len = strlen(p);
	if (len >= 2 && strcmp(p + len - 2, ":*") == 0)
		len -= 2;
	*owned = xstrndup(p, len);
	return *owned;
}

static struct retention_dest *find_or_add(struct retention_list *l, const char *region,
                                          enum retention_kind kind, const char *name,
                                          const char *prefix)
{
	struct retention_dest *d;

	for (size_t i = 0; i < l->n; i++) {
		d = &l->v[i];
		if (d->kind == kind && strcmp(d->region, region) == 0 &&
		    strcmp(d->name, name) == 0 &&
		    (kind != RETENTION_BUCKET || strcmp(d->prefix, prefix) == 0))
			return d;
	}
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	d = memset(&l->v[l->n++], 0, sizeof(*d));
	d->kind = kind;
	d->region = xstrdup(region);
	d->name = xstrdup(name);
	d->prefix = prefix ? xstrdup(prefix) : NULL;
	return d;
}

static void add_flow_log(struct retention_list *l, const char *region,
                         const struct ec2_flow_log *fl)
{
	const char *type = fl->log_destination_type ? fl->log_destination_type : "";
	struct retention_dest *d = NULL;
	char *owned = NULL, *bucket = NULL, *user_prefix = NULL, *prefix = NULL;
	const char *group;

	if (strcmp(type, "s3") == 0) {
		if (fl->log_destination &&
		    split_s3_arn(fl->log_destination, &bucket, &user_prefix) == 0) {
			prefix = retention_bucket_prefix(user_prefix);
			d = find_or_add(l, region, RETENTION_BUCKET, bucket, prefix);
		}
	} else if (strcmp(type, "kinesis-data-firehose") != 0) {
		if ((group = log_group_of(fl, &owned)))
			d = find_or_add(l, region, RETENTION_LOG_GROUP, group, NULL);
	}
	if (d && fl->flow_log_id && !strlist_has(&d->flow_logs, fl->flow_log_id))
		strlist_add(&d->flow_logs, fl->flow_log_id);
	free(owned);
	free(bucket);
	free(user_prefix);
	free(prefix);
}

/* Reads one destination's retention; failures other than "missing" leave
 * days at 0 and are kept in errs[i]. */
struct dest_job {
	struct client *c;
	struct retention_list *dests;
	struct aws_error *errs;
	int *failed;
};

static void read_dest(void *arg, size_t i)
{
	struct dest_job *job = arg;
	struct retention_dest *d = &job->dests->v[i];
	struct aws_error *err = &job->errs[i];
	char *region = NULL;
	int rc;

	error_clear(err);
	if (d->kind == RETENTION_LOG_GROUP) {
		rc = retention_log_group_days(&d->days, job->c, d->region, d->name, err);
	} else {
		rc = retention_bucket_region(&region, job->c, d->region, d->name, err);
		if (rc == 0)
			rc = retention_bucket_days(&d->days, &d->rule_id, job->c, region, d->name,
			                           d->prefix, err);
	}
	if (rc == ERR_NOT_FOUND)
		d->missing = 1;
	else if (rc)
		job->failed[i] = 1;
	free(region);
}

static int dest_cmp(const void *a, const void *b)
{
	const struct retention_dest *x = a, *y = b;
	int c = strcmp(x->region, y->region);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->name, y->name)))
		return c;
	return strcmp(x->prefix ? x->prefix : "", y->prefix ? y->prefix : "");
}

static void add_failure(struct retention_failures *f, const char *region,
                        const struct aws_error *err)
{
	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	f->v[f->n].region = xstrdup(region);
	f->v[f->n].err = xmalloc(sizeof(*err));
	*f->v[f->n].err = *err;
	f->n++;
}

void retention_collect(struct retention_list *out, struct retention_failures *failures,
                       struct client *c, const struct strlist *regions)
{
	struct collect_job job = {c, NULL, out};
	struct dest_job djob = {c, out, NULL, NULL};
	size_t kept = 0;

	memset(out, 0, sizeof(*out));
	memset(failures, 0, sizeof(*failures));
	job.regions = xcalloc(regions->n ? regions->n : 1, sizeof(*job.regions));
	for (size_t i = 0; i < regions->n; i++)
		job.regions[i].region = regions->v[i];
	parallel_run(regions->n, RETENTION_WORKERS, read_region, NULL, &job);
	for (size_t i = 0; i < regions->n; i++) {
		struct region_read *r = &job.regions[i];

		if (r->failed)
			add_failure(failures, r->region, &r->err);
		for (size_t k = 0; !r->failed && k < r->logs.n; k++)
			add_flow_log(out, r->region, &r->logs.v[k]);
		ec2_flow_log_list_release(&r->logs);
	}
	free(job.regions);

	djob.errs = xcalloc(out->n ? out->n : 1, sizeof(*djob.errs));
	djob.failed = xcalloc(out->n ? out->n : 1, sizeof(*djob.failed));
	parallel_run(out->n, RETENTION_WORKERS, read_dest, NULL, &djob);
	/* A destination whose retention could not be read leaves the list (its
	 * days, 0, would read as "never expires"); its failure names it. */
	for (size_t i = 0; i < out->n; i++) {
		struct retention_dest *d = &out->v[i];

		if (!djob.failed[i]) {
			out->v[kept++] = *d;
			continue;
		}
		error_prefix(&djob.errs[i], "%s %s",
		             d->kind == RETENTION_LOG_GROUP ? "log group" : "bucket", d->name);
		add_failure(failures, d->region, &djob.errs[i]);
		dest_release(d);
	}
	out->n = kept;
	free(djob.errs);
	free(djob.failed);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), dest_cmp);
}
