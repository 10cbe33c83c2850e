/* Every destination of the flow logs in some regions, with its retention.
 *
 * Two rounds of requests. First DescribeFlowLogs in every region at once.
 * Then, all at once: per region, one DescribeLogGroups per prefix that the
 * names of its log groups share (audit_log_group_prefixes, as the audit
 * does), so that many log groups cost a few requests; per bucket, whatever
 * the regions and prefixes of the flow logs that use it, GetBucketLocation
 * then GetBucketLifecycleConfiguration in the bucket's region. */
#include "engine/retention.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/audit.h"
#include "engine/parallel.h"

#define RETENTION_WORKERS 8

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

static void add_failure(struct retention_failures *f, const char *region,
                        const struct aws_error *err)
{
	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	f->v[f->n].region = xstrdup(region);
	f->v[f->n].err = xmalloc(sizeof(*err));
	*f->v[f->n].err = *err;
	f->n++;
}

/* --- Round one: the flow logs of each region --- */

struct region_read {
	const char *region;
	struct ec2_flow_log_list logs;
	struct aws_error err;
	int failed;
};

struct region_reads {
	struct client *c;
	struct region_read *v;
};

static void read_region(void *arg, size_t i)
{
	struct region_reads *reads = arg;
	struct region_read *r = &reads->v[i];

	error_clear(&r->err);
	if (ec2_describe_flow_logs(&r->logs, reads->c, r->region, NULL, 0, &r->err) < 0)
		r->failed = 1;
}

/* The destination of that kind and name (and prefix, for a bucket), added
 * with region when it is new. A log group is one per region; a bucket is
 * the same bucket whichever region's flow logs name it. */
static struct retention_dest *find_or_add(struct retention_list *l, const char *region,
                                          enum retention_kind kind, const char *name,
                                          const char *prefix)
{
	struct retention_dest *d;

	for (size_t i = 0; i < l->n; i++) {
		d = &l->v[i];
		if (d->kind != kind || strcmp(d->name, name) != 0)
			continue;
		if (kind == RETENTION_BUCKET ? strcmp(d->prefix, prefix) == 0
		                             : strcmp(d->region, region) == 0)
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
	struct buf tmp = BUF_INIT;
	char *bucket = NULL, *user_prefix = NULL, *prefix = NULL;
	const char *group;

	if (strcmp(type, "s3") == 0) {
		if (audit_s3_destination(&bucket, &user_prefix, fl->log_destination) == 0) {
			prefix = retention_bucket_prefix(user_prefix);
			d = find_or_add(l, region, RETENTION_BUCKET, bucket, prefix);
		}
	} else if ((group = audit_flow_log_group(fl, &tmp))) {
		d = find_or_add(l, region, RETENTION_LOG_GROUP, group, NULL);
	}
	if (d && fl->flow_log_id && !strlist_has(&d->flow_logs, fl->flow_log_id))
		strlist_add(&d->flow_logs, fl->flow_log_id);
	buf_release(&tmp);
	free(bucket);
	free(user_prefix);
	free(prefix);
}

/* --- Round two: log groups by prefix, buckets once each --- */

/* One read of round two: a DescribeLogGroups query (arg: the name prefix,
 * "" for every log group) or a bucket (arg: its name). region is where to
 * ask; for a bucket, bucket_region is where it lives once found. */
struct dest_read {
	enum retention_kind kind;
	char *region;
	char *arg;
	struct logs_group_list groups;
	char *bucket_region;
	struct s3_lifecycle lifecycle;
	int rc;
	int reported; /* its failure is in the failures already */
	struct aws_error err;
};

struct dest_reads {
	struct client *c;
	struct dest_read *v;
	size_t n, alloc;
};

static void dest_read_release(struct dest_read *r)
{
	free(r->region);
	free(r->arg);
	logs_group_list_release(&r->groups);
	free(r->bucket_region);
	s3_lifecycle_release(&r->lifecycle);
}

/* Appends a read asked in region; takes arg. */
static struct dest_read *add_read(struct dest_reads *reads, enum retention_kind kind,
                                  const char *region, char *arg)
{
	struct dest_read *r;

	ALLOC_GROW(reads->v, reads->n + 1, reads->alloc);
	r = memset(&reads->v[reads->n++], 0, sizeof(*r));
	r->kind = kind;
	r->region = xstrdup(region);
	r->arg = arg;
	return r;
}

/* The DescribeLogGroups queries of one region: a few prefixes that cover
 * every log group its flow logs name. */
static void plan_log_group_reads(struct dest_reads *reads, const struct retention_list *dests,
                                 const char *region)
{
	struct strlist names = STRLIST_INIT, prefixes = STRLIST_INIT;

	for (size_t i = 0; i < dests->n; i++)
		if (dests->v[i].kind == RETENTION_LOG_GROUP &&
		    strcmp(dests->v[i].region, region) == 0)
			strlist_add(&names, dests->v[i].name);
	if (names.n)
		audit_log_group_prefixes(&prefixes, &names, AUDIT_LOG_GROUP_SCHEMES,
		                         AUDIT_LOG_GROUP_PAGE, AUDIT_LOG_GROUP_QUERIES);
	for (size_t i = 0; i < prefixes.n; i++) {
		add_read(reads, RETENTION_LOG_GROUP, region, prefixes.v[i]);
		prefixes.v[i] = NULL;
	}
	prefixes.n = 0;
	strlist_release(&prefixes);
	strlist_release(&names);
}

/* The read of a bucket, or NULL. */
static struct dest_read *bucket_read(const struct dest_reads *reads, const char *bucket)
{
	for (size_t i = 0; i < reads->n; i++)
		if (reads->v[i].kind == RETENTION_BUCKET && strcmp(reads->v[i].arg, bucket) == 0)
			return &reads->v[i];
	return NULL;
}

/* The query that lists a log group of region, or NULL. */
static struct dest_read *log_group_read(const struct dest_reads *reads, const char *region,
                                        const char *name)
{
	for (size_t i = 0; i < reads->n; i++) {
		struct dest_read *r = &reads->v[i];

		if (r->kind == RETENTION_LOG_GROUP && strcmp(r->region, region) == 0 &&
		    strncmp(name, r->arg, strlen(r->arg)) == 0)
			return r;
	}
	return NULL;
}

static void read_dest(void *arg, size_t i)
{
	struct dest_reads *reads = arg;
	struct dest_read *r = &reads->v[i];

	error_clear(&r->err);
	if (r->kind == RETENTION_LOG_GROUP) {
		r->rc = logs_describe_log_groups(&r->groups, reads->c, r->region,
		                                 *r->arg ? r->arg : NULL, &r->err);
		return;
	}
	r->rc = retention_bucket_region(&r->bucket_region, reads->c, r->region, r->arg, &r->err);
	if (r->rc == 0)
		r->rc = retention_bucket_lifecycle(&r->lifecycle, reads->c, r->bucket_region,
		                                   r->arg, &r->err);
}

/* Fills d from the read that covers it. Returns 0, ERR_NOT_FOUND when the
 * destination is missing, or the read's error (*out_read then names it). */
static int settle_dest(struct retention_dest *d, const struct dest_reads *reads,
                       struct dest_read **out_read)
{
	struct dest_read *r;

	if (d->kind == RETENTION_BUCKET)
		r = bucket_read(reads, d->name);
	else
		r = log_group_read(reads, d->region, d->name);
	*out_read = r;
	if (!r)
		return ERR_NOT_FOUND;
	if (r->rc)
		return r->rc;
	if (d->kind == RETENTION_BUCKET) {
		free(d->region);
		d->region = xstrdup(r->bucket_region);
		retention_lifecycle_days(&d->days, &d->rule_id, &r->lifecycle, d->prefix);
		return 0;
	}
	for (size_t i = 0; i < r->groups.n; i++) {
		if (strcmp(r->groups.v[i].name, d->name) == 0) {
			d->days = r->groups.v[i].retention_in_days;
			return 0;
		}
	}
	return ERR_NOT_FOUND;
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

/* Reads the retention of every destination of out. A destination whose
 * retention could not be read leaves the list (its days, 0, would read as
 * "never expires"); the read's failure, once, names what failed. */
static void read_dests(struct retention_list *out, struct retention_failures *failures,
                       struct client *c, const struct strlist *regions)
{
	struct dest_reads reads = {c, NULL, 0, 0};
	size_t kept = 0;

	for (size_t i = 0; i < regions->n; i++)
		plan_log_group_reads(&reads, out, regions->v[i]);
	for (size_t i = 0; i < out->n; i++) {
		const struct retention_dest *d = &out->v[i];

		if (d->kind == RETENTION_BUCKET && !bucket_read(&reads, d->name))
			add_read(&reads, RETENTION_BUCKET, d->region, xstrdup(d->name));
	}
	parallel_run(reads.n, RETENTION_WORKERS, read_dest, NULL, &reads);
	for (size_t i = 0; i < out->n; i++) {
		struct retention_dest *d = &out->v[i];
		struct dest_read *r;
		int rc = settle_dest(d, &reads, &r);

		if (rc == 0 || rc == ERR_NOT_FOUND) {
			d->missing = rc == ERR_NOT_FOUND;
			out->v[kept++] = *d;
			continue;
		}
		if (!r->reported) {
			if (d->kind == RETENTION_LOG_GROUP)
				error_prefix(&r->err, "log groups");
			else
				error_prefix(&r->err, "bucket %s", d->name);
			add_failure(failures, r->region, &r->err);
			r->reported = 1;
		}
		dest_release(d);
	}
	out->n = kept;
	for (size_t i = 0; i < reads.n; i++)
		dest_read_release(&reads.v[i]);
	free(reads.v);
}

void retention_collect(struct retention_list *out, struct retention_failures *failures,
                       struct client *c, const struct strlist *regions)
{
	struct region_reads reads = {c, NULL};

	memset(out, 0, sizeof(*out));
	memset(failures, 0, sizeof(*failures));
	reads.v = xcalloc(regions->n ? regions->n : 1, sizeof(*reads.v));
	for (size_t i = 0; i < regions->n; i++)
		reads.v[i].region = regions->v[i];
	parallel_run(regions->n, RETENTION_WORKERS, read_region, NULL, &reads);
	for (size_t i = 0; i < regions->n; i++) {
		struct region_read *r = &reads.v[i];

		if (r->failed)
			add_failure(failures, r->region, &r->err);
		for (size_t k = 0; !r->failed && k < r->logs.n; k++)
			add_flow_log(out, r->region, &r->logs.v[k]);
		ec2_flow_log_list_release(&r->logs);
	}
	free(reads.v);
	read_dests(out, failures, c, regions);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), dest_cmp);
}
