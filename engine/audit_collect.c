/* Reading AWS for the audit: accounts x regions at once, a fixed number of
 * requests per region whatever the number of VPCs.
 *
 * Per region, DescribeVpcs and DescribeFlowLogs run at the same time (each
 * paginated, once). As soon as the flow logs are in, while the VPCs may still
 * be arriving, DescribeSubnets (paginated, once; only if some flow log is on
 * a subnet: otherwise every subnet records what its VPC's logs record) and
 * the reads of the destinations run at the same time: one DescribeLogGroups per
 * group of log-group names that share a prefix (at most
 * AUDIT_LOG_GROUP_QUERIES), one ListDeliveryStreams (paginated; only if some
 * flow log delivers to a Firehose stream of this account and region), and for
 * each S3 bucket that no other region of the account has claimed yet,
 * HeadBucket and GetBucketLifecycleConfiguration.
 * The longest chain of dependent requests is therefore two: DescribeFlowLogs,
 * then DescribeSubnets or a destination read. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/firehose.h"
#include "aws/xalloc.h"
#include "engine/audit.h"
#include "engine/parallel.h"

/* The most reads of destinations one region has in flight. */
#define FETCH_WORKERS 16

/* One account x region: the unit of work of the pool. */
struct task {
	struct audit_account *account;
	struct audit_region *region;
	const struct audit_scope *scope;
	int failed;
};

/* Shared by the tasks. lock guards inv->errors and warnings, every
 * account's buckets array, and the progress counters. */
struct collect {
	struct audit_inventory *inv;
	struct task *tasks;
	size_t n_tasks;
	const struct audit_options *opt;
	pthread_mutex_t lock;
	size_t done, findings;
	audit_progress_fn progress;
	void *progress_ctx;
};

/* One read of the second stage. */
enum fetch_kind { FETCH_LOG_GROUPS, FETCH_STREAMS, FETCH_HEAD, FETCH_LIFECYCLE };

struct fetch {
	enum fetch_kind kind;
	const char *arg; /* prefix ("" for all) or bucket; borrowed */
	struct logs_group_list groups;
	struct strlist streams;
	struct s3_lifecycle lifecycle;
	char bucket_region[64];
	struct aws_error err;
	int rc;
};

struct fetch_job {
	struct client *client;
	const char *region;
	struct fetch *v;
};

static void problem(struct collect *c, struct audit_problem_list *l, const struct task *t,
                    const char *what, const struct aws_error *err)
{
	struct buf b = BUF_INIT;

	if (what)
		buf_addf(&b, "%s: ", what);
	if (err)
		error_format(err, &b);
	pthread_mutex_lock(&c->lock);
	audit_problem_add(l, t->scope->account_id, t->region ? t->region->region : NULL, b.data);
	pthread_mutex_unlock(&c->lock);
	buf_release(&b);
}

static size_t lcp(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

struct cut {
	size_t at, lcp;
};

static int cut_cmp(const void *pa, const void *pb)
{
	const struct cut *a = pa, *b = pb;

	if (a->lcp != b->lcp)
		return a->lcp < b->lcp ? -1 : 1;
	return (a->at > b->at) - (a->at < b->at);
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A run of sorted names [lo, hi) queried by their first len characters. */
struct span {
	size_t lo, hi, len;
};

/* Splits span at by the character after the prefix its names share into
 * spans of their own, if that keeps the total within max: a prefix that
 * lists more than a page is paged serially, prefixes are read in parallel. */
static int split_span(struct span **spans, size_t *n, size_t *alloc, size_t at, char **v,
                      size_t max)
{
	struct span s = (*spans)[at];
	size_t parts = 0;

	for (size_t i = s.lo; i < s.hi; i++)
		parts += i == s.lo || v[i][s.len] != v[i - 1][s.len];
	if (parts < 2 || *n - 1 + parts > max)
		return 0;
	ALLOC_GROW(*spans, *n + parts, *alloc);
	memmove(*spans + at + parts, *spans + at + 1, (*n - at - 1) * sizeof(**spans));
	*n += parts - 1;
	for (size_t i = s.lo, k = at; i < s.hi; k++) {
		size_t j = i + 1;

		while (j < s.hi && v[j][s.len] == v[i][s.len])
			j++;
		(*spans)[k] = (struct span){i, j, lcp(v[i], v[j - 1])};
		i = j;
	}
	return 1;
}

/* Splits the spans of more than page names, largest first, while the
 * number of queries stays within max. */
static void split_spans(struct span **spans, size_t *n, size_t *alloc, char **v, size_t page,
                        size_t max)
{
	char *done = xcalloc(max + 1, 1);

	for (;;) {
		size_t big = SIZE_MAX;

		for (size_t i = 0; i < *n; i++)
			if (!done[i] && (*spans)[i].hi - (*spans)[i].lo > page &&
			    (big == SIZE_MAX ||
			     (*spans)[i].hi - (*spans)[i].lo > (*spans)[big].hi - (*spans)[big].lo))
				big = i;
		if (big == SIZE_MAX)
			break;
		if (split_span(spans, n, alloc, big, v, max))
			memset(done, 0, max + 1);
		else
			done[big] = 1;
	}
	free(done);
}

int audit_log_group_prefixes(struct strlist *out, const struct strlist *names, size_t schemes,
                             size_t page, size_t max)
{
	char **v = xcalloc(names->n + 1, sizeof(*v));
	struct cut *cuts = xcalloc(names->n + 1, sizeof(*cuts));
	char *is_cut = xcalloc(names->n + 1, 1);
	struct span *spans = NULL;
	size_t n = 0, n_cuts = 0, lo = 0, n_spans = 0, alloc = 0;
	int all;

	if (max < schemes)
		max = schemes;
	for (size_t i = 0; i < names->n; i++)
		v[n++] = names->v[i];
	qsort(v, n, sizeof(*v), str_ptr_cmp);
	/* Neighbours that share a few characters or more are queried together,
	 * so that the number of queries follows the naming schemes, not the
	 * number of log groups. Beyond schemes groups, the cuts kept are those
	 * where neighbours share the least. */
	for (size_t i = 0; i + 1 < n; i++) {
		size_t shared = lcp(v[i], v[i + 1]);

		if (shared < AUDIT_PREFIX_MIN) {
			cuts[n_cuts].at = i;
			cuts[n_cuts++].lcp = shared;
		}
	}
	qsort(cuts, n_cuts, sizeof(*cuts), cut_cmp);
	for (size_t i = 0; i < n_cuts && i + 1 < schemes; i++)
		is_cut[cuts[i].at] = 1;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && !is_cut[i])
			continue;
		ALLOC_GROW(spans, n_spans + 1, alloc);
		spans[n_spans++] = (struct span){lo, i + 1, lcp(v[lo], v[i])};
		lo = i + 1;
	}
	/* A group that shares nothing means listing every log group. */
	for (size_t i = 0; i < n_spans; i++) {
		if (spans[i].len == 0) {
			spans[0] = (struct span){0, n, 0};
			n_spans = 1;
			break;
		}
	}
	split_spans(&spans, &n_spans, &alloc, v, page, max);
	all = n_spans == 1 && spans[0].len == 0;
	for (size_t i = 0; i < n_spans; i++) {
		char *prefix = xstrndup(v[spans[i].lo], spans[i].len);

		if (strlist_has(out, prefix))
			free(prefix);
		else
			strlist_add_owned(out, prefix);
	}
	free(v);
	free(cuts);
	free(is_cut);
	free(spans);
	return all;
}

/* --- Stage one: the region's EC2 resources --- */

enum { READ_VPCS, READ_FLOW_LOGS, READ_SUBNETS, N_READS };

struct ec2_job {
	struct collect *c;
	struct task *t;
	struct aws_error err[N_READS];
	int rc[N_READS];
};

static void read_destinations(struct collect *c, struct task *t);

/* Subnets matter only to judge subnet-level flow logs: without any, every
 * subnet of a VPC records what its VPC-level logs record. */
static int has_subnet_logs(const struct ec2_flow_log_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].resource_id && strncmp(l->v[i].resource_id, "subnet-", 7) == 0)
			return 1;
	return 0;
}

/* What the flow logs lead to: their destinations, and the subnets. */
static void after_flow_logs(void *arg, size_t i)
{
	struct ec2_job *j = arg;
	struct audit_region *r = j->t->region;

	if (i == 0)
		read_destinations(j->c, j->t);
	else
		j->rc[READ_SUBNETS] = ec2_describe_subnets(&r->subnets, j->t->scope->client,
		                                           r->region, NULL, 0, &j->err[READ_SUBNETS]);
}

static void ec2_read(void *arg, size_t i)
{
	struct ec2_job *j = arg;
	struct client *client = j->t->scope->client;
	struct audit_region *r = j->t->region;

	error_clear(&j->err[i]);
	if (i == READ_VPCS) {
		j->rc[i] = ec2_describe_vpcs(&r->vpcs, client, r->region, NULL, 0, &j->err[i]);
		return;
	}
	j->rc[i] = ec2_describe_flow_logs(&r->flow_logs, client, r->region, NULL, 0, &j->err[i]);
	if (j->rc[i] == 0)
		parallel_run(has_subnet_logs(&r->flow_logs) ? 2 : 1, 2, after_flow_logs, NULL, j);
}

/* --- Stage two: destinations --- */

static void fetch_read(void *arg, size_t i)
{
	struct fetch_job *j = arg;
	struct fetch *f = &j->v[i];

	error_clear(&f->err);
	if (f->kind == FETCH_LOG_GROUPS)
		f->rc = logs_describe_log_groups(&f->groups, j->client, j->region,
		                                 *f->arg ? f->arg : NULL, &f->err);
	else if (f->kind == FETCH_STREAMS)
		f->rc = firehose_list_delivery_streams(&f->streams, j->client, j->region, &f->err);
	else if (f->kind == FETCH_HEAD)
		f->rc = s3_head_bucket(f->bucket_region, sizeof(f->bucket_region), j->client,
		                       j->region, f->arg, &f->err);
	else
		f->rc =
		    s3_get_bucket_lifecycle(&f->lifecycle, j->client, j->region, f->arg, &f->err);
}

static int is_redirect(const struct fetch *f)
{
	return f->rc == ERR_SERVICE &&
	       (f->err.http_status == 301 || error_is(&f->err, "PermanentRedirect"));
}

static int is_denied(const struct fetch *f)
{
	return f->rc == ERR_SERVICE &&
	       (f->err.http_status == 403 || error_is(&f->err, "AccessDenied"));
}

/* What a denied read of a bucket says: the operation, the answer and the
 * IAM action S3 authorizes it with, e.g. "HeadBucket: 403 Forbidden; it needs
 * s3:ListBucket". */
static void denial(struct buf *out, const struct aws_error *err)
{
	static const char *const actions[][2] = {
	    {"HeadBucket", "s3:ListBucket"},
	    {"GetBucketLocation", "s3:GetBucketLocation"},
	    {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
	};
	const char *action = NULL;

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(err->operation, actions[i][0]) == 0)
			action = actions[i][1];
	buf_addf(out, "%s: %s", err->operation[0] ? err->operation : "S3",
	         err->aws_code[0] ? err->aws_code : "403 Forbidden");
	if (action)
		buf_addf(out, "; it needs %s", action);
}

/* The region a 301 of the bucket's reads names in its x-amz-bucket-region
 * header, or NULL: S3 sends it with the redirect, which spares a
 * GetBucketLocation (and the s3:GetBucketLocation it needs). A region that is
 * the one just asked tells nothing. */
static const char *redirect_region(const struct fetch *head, const struct fetch *lc,
                                   const char *asked)
{
	const char *where = NULL;

	if (is_redirect(head) && head->bucket_region[0])
		where = head->bucket_region;
	else if (is_redirect(lc) && lc->err.bucket_region[0])
		where = lc->err.bucket_region;
	if (where && strcmp(where, asked) == 0)
		return NULL;
	return where;
}

/* A bucket in another region answers 301: reads both again where it lives,
 * which the 301 names, else GetBucketLocation tells. */
static void follow_redirect(struct task *t, struct fetch *head, struct fetch *lc)
{
	struct fetch_job job = {t->scope->client, NULL, NULL};
	struct fetch again[2] = {{.kind = FETCH_HEAD, .arg = head->arg},
	                         {.kind = FETCH_LIFECYCLE, .arg = head->arg}};
	const char *named = redirect_region(head, lc, t->region->region);
	char *where = NULL;
	struct aws_error err;

	error_clear(&err);
	if (named) {
		where = xstrdup(named);
	} else if (s3_get_bucket_location(&where, t->scope->client, t->region->region, head->arg,
	                                  &err) < 0) {
		head->rc = err.code;
		head->err = err;
		return;
	}
	job.region = where;
	job.v = again;
	parallel_run(2, 2, fetch_read, NULL, &job);
	s3_lifecycle_release(&lc->lifecycle);
	*head = again[0];
	*lc = again[1];
	if (!head->rc && !head->bucket_region[0])
		snprintf(head->bucket_region, sizeof(head->bucket_region), "%s", where);
	free(where);
}

/* Turns the two reads of a bucket into what the inventory says of it. */
static void settle_bucket(struct collect *c, struct task *t, struct fetch *head, struct fetch *lc)
{
	struct audit_bucket b = {0};
	struct buf msg = BUF_INIT;

	if (is_redirect(head) || is_redirect(lc))
		follow_redirect(t, head, lc);
	b.presence = AUDIT_UNKNOWN;
	if (head->rc == 0) {
		b.presence = AUDIT_PRESENT;
		if (head->bucket_region[0])
			b.region = xstrdup(head->bucket_region);
	} else if (head->rc == ERR_NOT_FOUND) {
		b.presence = AUDIT_ABSENT;
	} else if (is_denied(head)) {
		buf_addf(&msg, "bucket '%s' cannot be read (", head->arg);
		denial(&msg, &head->err);
		buf_addstr(&msg, "): it may belong to another account; its existence and "
		                 "lifecycle were not checked");
	} else {
		buf_addf(&msg, "bucket '%s'", head->arg);
		problem(c, &c->inv->errors, t, msg.data, &head->err);
		buf_reset(&msg);
	}
	if (b.presence == AUDIT_PRESENT) {
		if (lc->rc == 0 || lc->rc == ERR_NOT_FOUND) {
			b.lifecycle_read = 1;
			b.lifecycle = lc->lifecycle;
			memset(&lc->lifecycle, 0, sizeof(lc->lifecycle));
		} else if (is_denied(lc)) {
			buf_addf(&msg, "bucket '%s': the lifecycle cannot be read (", head->arg);
			denial(&msg, &lc->err);
			buf_addstr(&msg, "); expiration was not checked");
		} else {
			buf_addf(&msg, "bucket '%s'", head->arg);
			problem(c, &c->inv->errors, t, msg.data, &lc->err);
			buf_reset(&msg);
		}
	}
	pthread_mutex_lock(&c->lock);
	if (msg.len)
		audit_problem_add(&c->inv->warnings, t->scope->account_id, t->region->region,
		                  msg.data);
	for (size_t i = 0; i < t->account->n_buckets; i++) {
		struct audit_bucket *slot = &t->account->buckets[i];

		if (strcmp(slot->name, head->arg) == 0) {
			b.name = slot->name;
			slot->name = NULL;
			audit_bucket_release(slot);
			*slot = b;
			memset(&b, 0, sizeof(b));
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	audit_bucket_release(&b);
	buf_release(&msg);
}

/* The buckets of the region's S3 flow logs that no other region of the
 * account has claimed yet: they are this task's to read. */
static void claim_buckets(struct collect *c, struct task *t, struct strlist *out)
{
	const struct ec2_flow_log_list *logs = &t->region->flow_logs;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < logs->n; i++) {
		char *bucket, *prefix;
		int known = 0;

		if (!logs->v[i].log_destination_type ||
		    strcmp(logs->v[i].log_destination_type, "s3") != 0 ||
		    audit_s3_destination(&bucket, &prefix, logs->v[i].log_destination) < 0)
			continue;
		for (size_t k = 0; k < t->account->n_buckets && !known; k++)
			known = strcmp(t->account->buckets[k].name, bucket) == 0;
		if (!known) {
			struct audit_account *a = t->account;

			ALLOC_GROW(a->buckets, a->n_buckets + 1, a->alloc_buckets);
			memset(&a->buckets[a->n_buckets], 0, sizeof(a->buckets[0]));
			a->buckets[a->n_buckets++].name = xstrdup(bucket);
			strlist_add(out, bucket);
		}
		free(bucket);
		free(prefix);
	}
	pthread_mutex_unlock(&c->lock);
}

/* The names of the log groups or delivery streams (as name_of reads them)
 * that the region's flow logs deliver to: those that DescribeLogGroups or
 * ListDeliveryStreams in this account and region can list. */
static void destination_names(struct strlist *out, const struct task *t,
                              const char *(*name_of)(const struct ec2_flow_log *, struct buf *))
{
	const struct ec2_flow_log_list *logs = &t->region->flow_logs;
	struct buf tmp = BUF_INIT;

	for (size_t i = 0; i < logs->n; i++) {
		const char *name = name_of(&logs->v[i], &tmp);

		if (name &&
		    audit_destination_visible(&logs->v[i], t->scope->account_id,
		                              t->region->region) &&
		    !strlist_has(out, name))
			strlist_add(out, name);
	}
	buf_release(&tmp);
}

/* Keeps the log groups that flow logs name (a prefix query may list more). */
static void keep_groups(struct audit_region *r, struct logs_group_list *from, char **sorted,
                        size_t n)
{
	for (size_t i = 0; i < from->n; i++) {
		struct logs_group *g = &from->v[i];

		if (!bsearch(&g->name, sorted, n, sizeof(*sorted), str_ptr_cmp))
			continue;
		ALLOC_GROW(r->log_groups.v, r->log_groups.n + 1, r->log_groups.alloc);
		r->log_groups.v[r->log_groups.n++] = *g;
		memset(g, 0, sizeof(*g));
	}
	logs_group_list_release(from);
}

/* Keeps the listed streams that flow logs name; from is emptied. */
static void keep_streams(struct audit_region *r, struct strlist *from, const struct strlist *named)
{
	char **sorted = xcalloc(named->n + 1, sizeof(*sorted));

	memcpy(sorted, named->v, named->n * sizeof(*sorted));
	qsort(sorted, named->n, sizeof(*sorted), str_ptr_cmp);
	for (size_t i = 0; i < from->n; i++) {
		if (!bsearch(&from->v[i], sorted, named->n, sizeof(*sorted), str_ptr_cmp))
			continue;
		strlist_add_owned(&r->streams, from->v[i]);
		from->v[i] = NULL;
	}
	strlist_release(from);
	free(sorted);
}

/* What ListDeliveryStreams gave (streams: its fetch, or NULL when no flow
 * log of the region needed it). */
static void settle_streams(struct collect *c, struct task *t, struct fetch *streams,
                           const struct strlist *named)
{
	if (!streams)
		return;
	if (streams->rc < 0) {
		problem(c, &c->inv->errors, t, "delivery streams", &streams->err);
		return;
	}
	keep_streams(t->region, &streams->streams, named);
	t->region->streams_read = 1;
}

static void read_destinations(struct collect *c, struct task *t)
{
	struct strlist names = STRLIST_INIT, prefixes = STRLIST_INIT, buckets = STRLIST_INIT;
	struct strlist stream_names = STRLIST_INIT;
	struct fetch_job job = {t->scope->client, t->region->region, NULL};
	struct fetch *streams = NULL;
	size_t n = 0, n_groups;
	char **sorted;
	int groups_ok = 1;

	destination_names(&names, t, audit_flow_log_group);
	destination_names(&stream_names, t, audit_flow_log_stream);
	audit_log_group_prefixes(&prefixes, &names, AUDIT_LOG_GROUP_SCHEMES, AUDIT_LOG_GROUP_PAGE,
	                         AUDIT_LOG_GROUP_QUERIES);
	claim_buckets(c, t, &buckets);
	job.v = xcalloc(prefixes.n + 2 * buckets.n + 2, sizeof(*job.v));
	for (size_t i = 0; i < prefixes.n; i++)
		job.v[n++] = (struct fetch){.kind = FETCH_LOG_GROUPS, .arg = prefixes.v[i]};
	if (stream_names.n) {
		streams = &job.v[n];
		job.v[n++] = (struct fetch){.kind = FETCH_STREAMS, .arg = ""};
	}
	for (size_t i = 0; i < buckets.n; i++) {
		job.v[n++] = (struct fetch){.kind = FETCH_HEAD, .arg = buckets.v[i]};
		job.v[n++] = (struct fetch){.kind = FETCH_LIFECYCLE, .arg = buckets.v[i]};
	}
	parallel_run(n, n < FETCH_WORKERS ? (int)n : FETCH_WORKERS, fetch_read, NULL, &job);

	n_groups = names.n;
	sorted = xcalloc(n_groups + 1, sizeof(*sorted));
	for (size_t i = 0; i < n_groups; i++)
		sorted[i] = names.v[i];
	qsort(sorted, n_groups, sizeof(*sorted), str_ptr_cmp);
	for (size_t i = 0; i < prefixes.n; i++) {
		struct fetch *f = &job.v[i];

		if (f->rc < 0 && groups_ok) {
			problem(c, &c->inv->errors, t, "log groups", &f->err);
			groups_ok = 0;
		}
		keep_groups(t->region, &f->groups, sorted, n_groups);
	}
	t->region->log_groups_read = groups_ok;
	settle_streams(c, t, streams, &stream_names);
	for (size_t i = 0; i < buckets.n; i++) {
		struct fetch *head = &job.v[n - 2 * buckets.n + 2 * i];

		settle_bucket(c, t, head, head + 1);
		s3_lifecycle_release(&head[1].lifecycle);
	}
	free(sorted);
	free(job.v);
	strlist_release(&names);
	strlist_release(&stream_names);
	strlist_release(&prefixes);
	strlist_release(&buckets);
}

static void region_task(void *arg, size_t i)
{
	struct collect *c = arg;
	struct task *t = &c->tasks[i];
	struct ec2_job job = {.c = c, .t = t};
	struct audit_report counted = {0};

	error_clear(&job.err[READ_SUBNETS]);
	parallel_run(2, 2, ec2_read, NULL, &job);
	for (int k = 0; k < N_READS; k++) {
		if (job.rc[k] < 0) {
			problem(c, &c->inv->errors, t, NULL, &job.err[k]);
			t->failed = 1;
			break;
		}
	}
	if (!t->failed && c->progress) /* the findings so far, for the progress line */
		audit_evaluate_region(&counted, t->account, t->region, c->opt, 0);
	pthread_mutex_lock(&c->lock);
	c->done++;
	c->findings += audit_report_count_at_least(&counted, AUDIT_LOW);
	if (c->progress)
		c->progress(c->progress_ctx, c->done, c->n_tasks, c->findings);
	pthread_mutex_unlock(&c->lock);
	audit_report_release(&counted);
}

void audit_collect(struct audit_inventory *out, const struct audit_scope *scopes, size_t n_scopes,
                   int workers, const struct audit_options *opt, audit_progress_fn progress,
                   void *progress_ctx)
{
	struct collect c = {
	    .inv = out, .opt = opt, .progress = progress, .progress_ctx = progress_ctx};
	size_t first = out->n_accounts, n = 0;

	for (size_t i = 0; i < n_scopes; i++)
		c.n_tasks += scopes[i].regions->n;
	c.tasks = xcalloc(c.n_tasks + 1, sizeof(*c.tasks));
	ALLOC_GROW(out->accounts, first + n_scopes, out->alloc_accounts);
	for (size_t i = 0; i < n_scopes; i++) {
		struct audit_account *a = memset(&out->accounts[first + i], 0, sizeof(*a));
		const struct strlist *regions = scopes[i].regions;

		a->account_id = scopes[i].account_id ? xstrdup(scopes[i].account_id) : NULL;
		a->regions = xcalloc(regions->n + 1, sizeof(*a->regions));
		a->n_regions = a->alloc_regions = regions->n;
		for (size_t k = 0; k < regions->n; k++) {
			a->regions[k].region = xstrdup(regions->v[k]);
			c.tasks[n++] = (struct task){a, &a->regions[k], &scopes[i], 0};
		}
	}
	out->n_accounts = first + n_scopes;
	pthread_mutex_init(&c.lock, NULL);
	parallel_run(c.n_tasks, workers, region_task, NULL, &c);
	pthread_mutex_destroy(&c.lock);

	/* Regions that could not be read are left out (their error is kept). */
	for (size_t i = 0; i < n_scopes; i++) {
		struct audit_account *a = &out->accounts[first + i];
		size_t kept = 0;

		for (size_t k = 0; k < a->n_regions; k++) {
			struct task *t = NULL;

			for (size_t m = 0; m < c.n_tasks && !t; m++)
				if (c.tasks[m].region == &a->regions[k])
					t = &c.tasks[m];
			if (t->failed)
				audit_region_release(&a->regions[k]);
			else
				a->regions[kept++] = a->regions[k];
		}
		a->n_regions = kept;
	}
	free(c.tasks);
}
