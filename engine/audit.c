/* The audit rules: a pure function from an inventory (what was read from
 * AWS) to findings. Nothing here does I/O.
 *
 * Coverage of a VPC is judged by the traffic its working flow logs record. A
 * flow log works unless its delivery status is FAILED or its destination is
 * known not to exist. For each subnet, the traffic recorded is that of the
 * working VPC-level logs plus its own working subnet-level logs (a VPC
 * without subnets is judged on its VPC-level logs alone). A subnet is
 * covered when rejected traffic is recorded (ALL, REJECT, or ACCEPT and
 * REJECT from two logs; REJECT alone is the floor AWS Security Hub's
 * EC2.6 control asks for), logged when anything is. Then:
 *   every subnet covered           -> covered (COVERED_BY_SUBNETS note when
 *                                     the VPC-level logs alone would not be)
 *   every subnet logged            -> TRAFFIC_ACCEPT_ONLY
 *   some subnets logged            -> PARTIAL_SUBNET_COVERAGE
 *   nothing logged                 -> NO_FLOW_LOG
 * Broken flow logs are findings of their own (DELIVERY_FAILED on the flow
 * log, DESTINATION_MISSING on the log group, bucket or delivery stream),
 * whatever the VPC. */
#include "engine/audit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"

enum { T_ACCEPT = 1, T_REJECT = 2 };

/* --- Lookups --- */

struct name_ref {
	const char *name;
	size_t at;
};

static int name_ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ref *)a)->name, ((const struct name_ref *)b)->name);
}

/* A sorted index of n names (borrowed); free() it. */
static struct name_ref *index_new(size_t n, const char *(*name_at)(const void *, size_t),
                                  const void *arr)
{
	struct name_ref *idx = xcalloc(n ? n : 1, sizeof(*idx));

	for (size_t i = 0; i < n; i++) {
		idx[i].name = name_at(arr, i);
		idx[i].at = i;
	}
	qsort(idx, n, sizeof(*idx), name_ref_cmp);
	return idx;
}

/* The position of name in the indexed array, or SIZE_MAX. */
static size_t index_find(const struct name_ref *idx, size_t n, const char *name)
{
	struct name_ref key = {name, 0};
	const struct name_ref *hit;

	if (!name)
		return SIZE_MAX;
	hit = bsearch(&key, idx, n, sizeof(*idx), name_ref_cmp);
	return hit ? hit->at : SIZE_MAX;
}

static const char *vpc_at(const void *arr, size_t i)
{
	return ((const struct ec2_vpc *)arr)[i].vpc_id;
}

static const char *subnet_at(const void *arr, size_t i)
{
	return ((const struct ec2_subnet *)arr)[i].subnet_id;
}

static const char *group_at(const void *arr, size_t i)
{
	return ((const struct logs_group *)arr)[i].name;
}

static const char *string_at(const void *arr, size_t i)
{
	return ((char *const *)arr)[i];
}

static unsigned traffic_bits(const char *t)
{
	if (!t)
		return 0;
	if (strcmp(t, "ALL") == 0)
		return T_ACCEPT | T_REJECT;
	if (strcmp(t, "ACCEPT") == 0)
		return T_ACCEPT;
	if (strcmp(t, "REJECT") == 0)
		return T_REJECT;
	return 0;
}

/* --- Findings --- */

static struct audit_finding *add_finding(struct audit_report *out, enum audit_code code,
                                         const struct audit_account *a,
                                         const struct audit_region *r, const char *resource)
{
	struct audit_finding *f;

	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	f = memset(&out->v[out->n++], 0, sizeof(*f));
	f->code = code;
	f->severity = audit_code_severity(code);
	f->account = a->account_id ? xstrdup(a->account_id) : NULL;
	f->region = xstrdup(r->region);
	f->resource = xstrdup(resource);
	out->summary.by_severity[f->severity]++;
	return f;
}

/* Sets f's VPC and its reason: "default VPC: " first when it is one. */
static void finish(struct audit_finding *f, const struct ec2_vpc *vpc, struct buf *reason)
{
	struct buf b = BUF_INIT;

	if (vpc) {
		f->vpc_id = xstrdup(vpc->vpc_id);
		f->default_vpc = vpc->is_default;
		if (vpc->is_default)
			buf_addstr(&b, "default VPC: ");
	}
	buf_addstr(&b, reason->data);
	f->reason = buf_detach(&b, NULL);
	buf_reset(reason);
}

/* Appends up to three items of l, then "and N more". */
static void add_list(struct buf *b, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n && i < 3; i++)
		buf_addf(b, "%s%s", i ? ", " : "", v[i]);
	if (n > 3)
		buf_addf(b, " and %zu more", n - 3);
}

/* What one region's rules work on: indexes and per-VPC/subnet state. */
struct region_eval {
	const struct audit_account *a;
	const struct audit_region *r;
	const struct audit_options *opt;
	struct audit_report *out;
	int with_buckets;
	struct name_ref *vpc_idx, *subnet_idx, *group_idx, *stream_idx;
	unsigned *vpc_bits, *subnet_bits;
	const struct ec2_flow_log **vpc_broken; /* first non-working log per VPC */
	struct buf tmp;
};

enum dest_kind { DEST_LOGS, DEST_S3, DEST_FIREHOSE };

/* What a destination is called in reasons. */
static const char *const dest_kind_names[] = {
    [DEST_LOGS] = "log group",
    [DEST_S3] = "bucket",
    [DEST_FIREHOSE] = "Firehose delivery stream",
};

/* A flow log's destination, resolved against the inventory. name is NULL
 * when the destination cannot be told (an ARN not understood). */
struct dest {
	enum dest_kind kind;
	const char *name;      /* log group, bucket or stream, borrowed */
	char *bucket, *prefix; /* S3, owned */
	const struct logs_group *group;
	const struct audit_bucket *b;
	enum audit_presence presence;
	struct buf name_buf;
};

/* A stream is judged when ListDeliveryStreams answered where it lives. */
static void stream_resolve(struct dest *d, struct region_eval *ev, const struct ec2_flow_log *fl)
{
	const struct audit_region *r = ev->r;

	d->kind = DEST_FIREHOSE;
	d->name = audit_flow_log_stream(fl, &d->name_buf);
	if (!d->name || !r->streams_read ||
	    !audit_destination_visible(fl, ev->a->account_id, r->region))
		return;
	if (index_find(ev->stream_idx, r->streams.n, d->name) == SIZE_MAX)
		d->presence = AUDIT_ABSENT;
	else
		d->presence = AUDIT_PRESENT;
}

static void dest_resolve(struct dest *d, struct region_eval *ev, const struct ec2_flow_log *fl)
{
	const struct audit_region *r = ev->r;
	const char *arn = fl->log_destination;
	const char *type = fl->log_destination_type ? fl->log_destination_type : "";
	size_t at;

	memset(d, 0, sizeof(*d));
	d->name_buf = (struct buf)BUF_INIT;
	d->presence = AUDIT_UNKNOWN;
	if (strcmp(type, "kinesis-data-firehose") == 0) {
		stream_resolve(d, ev, fl);
		return;
	}
	if (strcmp(type, "s3") == 0) {
		if (audit_s3_destination(&d->bucket, &d->prefix, arn) < 0)
			return;
		d->kind = DEST_S3;
		d->name = d->bucket;
		if (!ev->with_buckets)
			return;
		for (size_t i = 0; i < ev->a->n_buckets; i++) {
			if (strcmp(ev->a->buckets[i].name, d->bucket) == 0) {
				d->b = &ev->a->buckets[i];
				d->presence = d->b->presence;
			}
		}
		return;
	}
	d->name = audit_flow_log_group(fl, &d->name_buf);
	if (!d->name || !r->log_groups_read)
		return;
	/* A log group of another account or region cannot be seen from here. */
	if (!audit_destination_visible(fl, ev->a->account_id, r->region))
		return;
	at = index_find(ev->group_idx, r->log_groups.n, d->name);
	d->group = at == SIZE_MAX ? NULL : &r->log_groups.v[at];
	d->presence = d->group ? AUDIT_PRESENT : AUDIT_ABSENT;
}

static void dest_release(struct dest *d)
{
	free(d->bucket);
	free(d->prefix);
	buf_release(&d->name_buf);
}

/* The VPC a flow log's resource belongs to, or NULL. */
static const struct ec2_vpc *vpc_of(struct region_eval *ev, const char *resource_id)
{
	const struct audit_region *r = ev->r;
	size_t at = index_find(ev->vpc_idx, r->vpcs.n, resource_id);

	if (at == SIZE_MAX) {
		at = index_find(ev->subnet_idx, r->subnets.n, resource_id);
		if (at == SIZE_MAX)
			return NULL;
		at = index_find(ev->vpc_idx, r->vpcs.n, r->subnets.v[at].vpc_id);
		if (at == SIZE_MAX)
			return NULL;
	}
	return &r->vpcs.v[at];
}

/* Records what fl contributes to coverage, and DELIVERY_FAILED. */
static void judge_flow_log(struct region_eval *ev, const struct ec2_flow_log *fl)
{
	const struct audit_region *r = ev->r;
	const struct ec2_vpc *vpc = vpc_of(ev, fl->resource_id);
	int failed = fl->deliver_logs_status && strcmp(fl->deliver_logs_status, "FAILED") == 0;
	unsigned bits = traffic_bits(fl->traffic_type);
	struct dest d;
	int working;
	size_t v, s;

	dest_resolve(&d, ev, fl);
	working = !failed && d.presence != AUDIT_ABSENT;
	v = index_find(ev->vpc_idx, r->vpcs.n, fl->resource_id);
	s = index_find(ev->subnet_idx, r->subnets.n, fl->resource_id);
	if (working && v != SIZE_MAX)
		ev->vpc_bits[v] |= bits;
	else if (working && s != SIZE_MAX)
		ev->subnet_bits[s] |= bits;
	else if (!working && vpc && !ev->vpc_broken[vpc - r->vpcs.v])
		ev->vpc_broken[vpc - r->vpcs.v] = fl;

	if (failed) {
		struct audit_finding *f =
		    add_finding(ev->out, AUDIT_DELIVERY_FAILED, ev->a, r, fl->flow_log_id);

		buf_addf(&ev->tmp, "flow log of %s cannot deliver", fl->resource_id);
		if (d.name)
			buf_addf(&ev->tmp, " to %s '%s'", dest_kind_names[d.kind], d.name);
		buf_addf(&ev->tmp, ": AWS says \"%s\"",
		         fl->deliver_logs_error_message && *fl->deliver_logs_error_message
		             ? fl->deliver_logs_error_message
		             : "delivery failed");
		if (d.kind == DEST_LOGS && d.name)
			buf_addstr(&ev->tmp, " (check that the log group exists and that the "
			                     "delivery role may write to it)");
		f->flow_log_id = xstrdup(fl->flow_log_id);
		finish(f, vpc, &ev->tmp);
	}
	dest_release(&d);
}

/* One flow log using a destination; key groups the users of one. */
struct dest_use {
	char *key;
	size_t at; /* index in the region's flow logs */
};

static int dest_use_cmp(const void *a, const void *b)
{
	const struct dest_use *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The rows about one destination, used by the flow logs uses[0..n). */
static void judge_destination(struct region_eval *ev, const struct dest_use *uses, size_t n,
                              struct strlist *missing_buckets)
{
	const struct audit_region *r = ev->r;
	const struct ec2_flow_log *fl = &r->flow_logs.v[uses[0].at];
	const struct ec2_vpc *vpc = vpc_of(ev, fl->resource_id);
	const char **ids = xcalloc(n, sizeof(*ids));
	struct audit_finding *f = NULL;
	struct buf keys = BUF_INIT;
	struct dest d;
	int min = ev->opt ? ev->opt->min_retention : 0;

	for (size_t i = 0; i < n; i++) {
		const struct ec2_flow_log *u = &r->flow_logs.v[uses[i].at];

		ids[i] = u->flow_log_id;
		if (vpc && vpc_of(ev, u->resource_id) != vpc)
			vpc = NULL; /* several VPCs share it: the row is about none */
	}
	dest_resolve(&d, ev, fl);
	if (d.presence == AUDIT_ABSENT && d.kind == DEST_FIREHOSE) {
		f = add_finding(ev->out, AUDIT_DESTINATION_MISSING, ev->a, r, d.name);
		buf_addf(&ev->tmp, "Firehose delivery stream '%s' does not exist, so ", d.name);
		if (n == 1) {
			buf_addf(&ev->tmp, "flow log %s delivers nothing", ids[0]);
		} else {
			buf_addf(&ev->tmp, "%zu flow logs deliver nothing (", n);
			add_list(&ev->tmp, ids, n);
			buf_addstr(&ev->tmp, ")");
		}
	} else if (d.presence == AUDIT_ABSENT &&
	           !(d.kind == DEST_S3 && strlist_has(missing_buckets, d.name))) {
		f = add_finding(ev->out, AUDIT_DESTINATION_MISSING, ev->a, r, d.name);
		buf_addf(&ev->tmp, "%s does not exist: %zu flow log%s deliver%s nowhere (",
		         dest_kind_names[d.kind], n, n == 1 ? "" : "s", n == 1 ? "s" : "");
		add_list(&ev->tmp, ids, n);
		buf_addstr(&ev->tmp, ")");
		if (d.kind == DEST_S3)
			strlist_add(missing_buckets, d.name);
	} else if (d.presence == AUDIT_PRESENT && d.kind == DEST_LOGS) {
		int days = d.group->retention_in_days;

		if (days == 0) {
			f = add_finding(ev->out, AUDIT_RETENTION_UNSET, ev->a, r, d.name);
			buf_addstr(&ev->tmp,
			           "log group keeps flow logs forever (no retention set), "
			           "so its storage cost only grows");
		} else if (min && days < min) {
			f = add_finding(ev->out, AUDIT_RETENTION_BELOW_MIN, ev->a, r, d.name);
			buf_addf(&ev->tmp,
			         "log group keeps flow logs %d days, less than the %d required "
			         "(--min-retention)",
			         days, min);
		}
		if (f)
			f->retention_days = days;
	} else if (d.presence == AUDIT_PRESENT && d.kind == DEST_S3 && d.b->lifecycle_read) {
		int days;

		audit_s3_key_prefix(&keys, d.prefix, ev->a->account_id, r->region,
		                    fl->hive_compatible_partitions);
		days = audit_s3_expiration(&d.b->lifecycle, keys.data);
		if (days == 0) {
			f = add_finding(ev->out, AUDIT_S3_NO_EXPIRATION, ev->a, r, d.name);
			buf_addf(&ev->tmp,
			         "no enabled lifecycle rule expires the flow logs under '%s', so "
			         "they are kept forever",
			         keys.data);
		} else if (min && days < min) {
			f = add_finding(ev->out, AUDIT_RETENTION_BELOW_MIN, ev->a, r, d.name);
			buf_addf(&ev->tmp,
			         "lifecycle deletes the flow logs under '%s' after %d days, less "
			         "than the %d required (--min-retention)",
			         keys.data, days, min);
		}
		if (f)
			f->retention_days = days;
	}
	if (f) {
		if (d.kind == DEST_S3) {
			f->bucket = xstrdup(d.name);
			f->prefix = *d.prefix ? xstrdup(d.prefix) : NULL;
		} else if (d.kind == DEST_LOGS) {
			f->log_group = xstrdup(d.name);
		} else if (d.kind == DEST_FIREHOSE) {
			f->delivery_stream = xstrdup(d.name);
		}
		if (n == 1)
			f->flow_log_id = xstrdup(fl->flow_log_id);
		finish(f, vpc, &ev->tmp);
	}
	buf_release(&keys);
	dest_release(&d);
	free(ids);
}

/* Groups the region's flow logs by destination and judges each once. */
static void judge_destinations(struct region_eval *ev)
{
	const struct audit_region *r = ev->r;
	struct dest_use *uses = xcalloc(r->flow_logs.n + 1, sizeof(*uses));
	struct strlist missing_buckets = STRLIST_INIT;
	size_t n = 0;

	for (size_t i = 0; i < r->flow_logs.n; i++) {
		const struct ec2_flow_log *fl = &r->flow_logs.v[i];
		struct dest d;

		dest_resolve(&d, ev, fl);
		if (d.name && d.kind == DEST_S3) {
			struct buf k = BUF_INIT;

			buf_addf(&k, "S\n%s\n", d.bucket);
			audit_s3_key_prefix(&k, d.prefix, ev->a->account_id, r->region,
			                    fl->hive_compatible_partitions);
			uses[n].key = buf_detach(&k, NULL);
			uses[n++].at = i;
		} else if (d.name && d.kind == DEST_FIREHOSE) {
			/* By ARN: a stream of another account may share the name. */
			uses[n].key = xasprintf("F\n%s", fl->log_destination);
			uses[n++].at = i;
		} else if (d.name) {
			uses[n].key = xasprintf("L\n%s", d.name);
			uses[n++].at = i;
		}
		dest_release(&d);
	}
	qsort(uses, n, sizeof(*uses), dest_use_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(uses[i].key, uses[j].key) == 0; j++)
			;
		judge_destination(ev, uses + i, j - i, &missing_buckets);
	}
	for (size_t i = 0; i < n; i++)
		free(uses[i].key);
	free(uses);
	strlist_release(&missing_buckets);
}

/* Coverage of one VPC from the traffic its subnets' working logs record. */
static void judge_vpc(struct region_eval *ev, size_t v, const size_t *subs, size_t n)
{
	const struct audit_region *r = ev->r;
	const struct ec2_vpc *vpc = &r->vpcs.v[v];
	const char **unlogged = xcalloc(n + 1, sizeof(*unlogged));
	const char **accept_only = xcalloc(n + 1, sizeof(*accept_only));
	struct audit_finding *f;
	size_t units = n ? n : 1, covered = 0, logged = 0, n_unlogged = 0, n_accept = 0;

	for (size_t i = 0; i < units; i++) {
		unsigned bits = ev->vpc_bits[v] | (n ? ev->subnet_bits[subs[i]] : 0);

		covered += (bits & T_REJECT) != 0;
		logged += bits != 0;
		if (n && !bits)
			unlogged[n_unlogged++] = r->subnets.v[subs[i]].subnet_id;
		else if (n && !(bits & T_REJECT))
			accept_only[n_accept++] = r->subnets.v[subs[i]].subnet_id;
	}
	if (covered == units) {
		ev->out->summary.covered++;
		if (!(ev->vpc_bits[v] & T_REJECT)) {
			f = add_finding(ev->out, AUDIT_COVERED_BY_SUBNETS, ev->a, r, vpc->vpc_id);
			if (n == 1)
				buf_addstr(&ev->tmp,
				           "covered by a subnet flow log: its only subnet "
				           "has a working one");
			else
				buf_addf(&ev->tmp,
				         "covered by subnet flow logs: each of its %zu subnets "
				         "has a working one",
				         n);
			finish(f, vpc, &ev->tmp);
		}
	} else if (logged == units) {
		f = add_finding(ev->out, AUDIT_TRAFFIC_ACCEPT_ONLY, ev->a, r, vpc->vpc_id);
		buf_addstr(&ev->tmp, "flow logs record accepted traffic only: rejected "
		                     "connections (scans, blocked attacks) are not logged");
		finish(f, vpc, &ev->tmp);
	} else if (logged) {
		f = add_finding(ev->out, AUDIT_PARTIAL_SUBNET_COVERAGE, ev->a, r, vpc->vpc_id);
		buf_addf(&ev->tmp, "%zu of %zu subnets have no working flow log (", n_unlogged, n);
		add_list(&ev->tmp, unlogged, n_unlogged);
		buf_addstr(&ev->tmp, ")");
		if (n_accept) {
			buf_addf(&ev->tmp, "; %zu record%s accepted traffic only (", n_accept,
			         n_accept == 1 ? "s" : "");
			add_list(&ev->tmp, accept_only, n_accept);
			buf_addstr(&ev->tmp, ")");
		}
		for (size_t i = 0; i < n_unlogged; i++)
			strlist_add(&f->subnets, unlogged[i]);
		for (size_t i = 0; i < n_accept; i++)
			strlist_add(&f->subnets, accept_only[i]);
		finish(f, vpc, &ev->tmp);
	} else {
		const struct ec2_flow_log *broken = ev->vpc_broken[v];

		f = add_finding(ev->out, AUDIT_NO_FLOW_LOG, ev->a, r, vpc->vpc_id);
		if (broken && strcmp(broken->resource_id, vpc->vpc_id) == 0)
			buf_addf(&ev->tmp,
			         "no working flow log: %s does not deliver, so nothing is "
			         "recorded",
			         broken->flow_log_id);
		else if (broken)
			buf_addf(&ev->tmp,
			         "no working flow log: %s (on %s) does not deliver, so nothing "
			         "is recorded",
			         broken->flow_log_id, broken->resource_id);
		else
			buf_addstr(&ev->tmp, "no flow log records this VPC's traffic");
		finish(f, vpc, &ev->tmp);
	}
	free(unlogged);
	free(accept_only);
}

static void judge_vpcs(struct region_eval *ev)
{
	const struct audit_region *r = ev->r;
	size_t nv = r->vpcs.n, ns = r->subnets.n;
	size_t *sub_vpc = xcalloc(ns + 1, sizeof(*sub_vpc));
	size_t *start = xcalloc(nv + 2, sizeof(*start));
	size_t *order = xcalloc(ns + 1, sizeof(*order));

	/* Subnets grouped by VPC (a counting sort). */
	for (size_t s = 0; s < ns; s++) {
		sub_vpc[s] = index_find(ev->vpc_idx, nv, r->subnets.v[s].vpc_id);
		if (sub_vpc[s] != SIZE_MAX)
			start[sub_vpc[s] + 2]++;
	}
	for (size_t v = 0; v < nv; v++)
		start[v + 2] += start[v + 1];
	for (size_t s = 0; s < ns; s++)
		if (sub_vpc[s] != SIZE_MAX)
			order[start[sub_vpc[s] + 1]++] = s;

	for (size_t v = 0; v < nv; v++) {
		const struct ec2_vpc *vpc = &r->vpcs.v[v];

		if (ev->a->account_id && vpc->owner_id &&
		    strcmp(vpc->owner_id, ev->a->account_id) != 0) {
			struct audit_finding *f =
			    add_finding(ev->out, AUDIT_SHARED, ev->a, r, vpc->vpc_id);

			buf_addf(&ev->tmp,
			         "shared into this account by %s: not judged here, audit it "
			         "in the owner account",
			         vpc->owner_id);
			finish(f, vpc, &ev->tmp);
			ev->out->summary.shared++;
			continue;
		}
		ev->out->summary.vpcs++;
		judge_vpc(ev, v, order + start[v], start[v + 1] - start[v]);
	}
	free(sub_vpc);
	free(start);
	free(order);
}

void audit_evaluate_region(struct audit_report *out, const struct audit_account *account,
                           const struct audit_region *region, const struct audit_options *opt,
                           int with_buckets)
{
	struct region_eval ev = {.a = account, .r = region, .opt = opt, .out = out};
	size_t nv = region->vpcs.n, ns = region->subnets.n;

	ev.with_buckets = with_buckets;
	ev.tmp = (struct buf)BUF_INIT;
	ev.vpc_idx = index_new(nv, vpc_at, region->vpcs.v);
	ev.subnet_idx = index_new(ns, subnet_at, region->subnets.v);
	ev.group_idx = index_new(region->log_groups.n, group_at, region->log_groups.v);
	ev.stream_idx = index_new(region->streams.n, string_at, region->streams.v);
	ev.vpc_bits = xcalloc(nv + 1, sizeof(*ev.vpc_bits));
	ev.subnet_bits = xcalloc(ns + 1, sizeof(*ev.subnet_bits));
	ev.vpc_broken = xcalloc(nv + 1, sizeof(*ev.vpc_broken));

	for (size_t i = 0; i < region->flow_logs.n; i++)
		judge_flow_log(&ev, &region->flow_logs.v[i]);
	judge_destinations(&ev);
	judge_vpcs(&ev);

	free(ev.vpc_idx);
	free(ev.subnet_idx);
	free(ev.group_idx);
	free(ev.stream_idx);
	free(ev.vpc_bits);
	free(ev.subnet_bits);
	free(ev.vpc_broken);
	buf_release(&ev.tmp);
}

void audit_evaluate(struct audit_report *out, const struct audit_inventory *inv,
                    const struct audit_options *opt)
{
	for (size_t i = 0; i < inv->n_accounts; i++) {
		const struct audit_account *a = &inv->accounts[i];

		out->summary.accounts += a->n_regions > 0;
		out->summary.regions += a->n_regions;
		for (size_t k = 0; k < a->n_regions; k++)
			audit_evaluate_region(out, a, &a->regions[k], opt, 1);
	}
}

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct audit_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = str_cmp(a->account, b->account)) || (c = str_cmp(a->region, b->region)) ||
	    (c = str_cmp(a->resource, b->resource)))
		return c;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	return str_cmp(a->reason, b->reason);
}

void audit_report_sort(struct audit_report *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), finding_cmp);
}

size_t audit_report_count_at_least(const struct audit_report *r, enum audit_severity min)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].severity != AUDIT_INFO && r->v[i].severity >= min)
			n++;
	return n;
}
