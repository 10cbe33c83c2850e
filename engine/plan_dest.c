/* The plan's destinations: the delivery roles, buckets and log groups the
 * spec's flow logs need (apply), or that vpcflow made and may delete
 * (destroy --destinations). */
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"
#include "engine/plan_build.h"
#include "engine/policy.h"
#include "engine/templates.h"

/* What a plan says of a bucket whose HeadBucket was denied. */
#define BUCKET_DENIED "cannot be read (HeadBucket: 403 Forbidden; it needs s3:ListBucket)"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strlist_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static void add_unique(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s);
}

/* Whether configuration c delivers to CloudWatch Logs through role name. */
static int config_uses_role(const struct spec_config *c, const struct state *st,
                            const char *name)
{
	int foreign, same;
	char *rn;

	if (c->destination != SPEC_CLOUDWATCH_LOGS)
		return 0;
	rn = plan_role_name(c->iam_role, st->account, &foreign);
	same = strcmp(rn, name) == 0;
	free(rn);
	return same;
}

/* The log group ARNs (patterns) the inline policy of role name lets flow
 * logs write to: each configuration naming the role, in each region it
 * covers; exact names for listed resources, a '*' pattern otherwise. */
static int delivery_arns(struct strlist *out, const struct plan *p, const struct state *st,
                         const char *name, struct buf *why)
{
	struct buf g = BUF_INIT;
	int rc = 0;

	for (size_t ci = 0; ci < p->spec->n_configs; ci++) {
		const struct spec_config *c = &p->spec->configs[ci];

		if (!config_uses_role(c, st, name))
			continue;
		for (size_t ri = 0; ri < st->n_regions; ri++) {
			const struct state_region *r = &st->regions[ri];
			size_t n = c->resource_ids.n ? c->resource_ids.n : 1;

			if (!r->applies[ci])
				continue;
			for (size_t k = 0; k < n; k++) {
				const char *id = c->resource_ids.n ? c->resource_ids.v[k] : "*";

				buf_reset(&g);
				if (plan_log_group_name(&g, c, id, r->region, st->account, why) <
				    0) {
					rc = -1;
					goto out;
				}
				strlist_add_owned(out, xasprintf("arn:%s:logs:%s:%s:log-group:%s",
				                                 st->partition, r->region,
				                                 st->account, g.data));
				strlist_add_owned(out, xasprintf("arn:%s:logs:%s:%s:log-group:%s:*",
				                                 st->partition, r->region,
				                                 st->account, g.data));
			}
		}
	}
out:
	buf_release(&g);
	return rc;
}

/* The actions for one delivery role that flows use. */
static int plan_role(struct plan *p, const struct state *st, const char *name, struct buf *why)
{
	const struct state_role *sr = state_find_role(st, name);
	struct strlist arns = STRLIST_INIT, uniq = STRLIST_INIT;
	struct buf trust = BUF_INIT, inline_policy = BUF_INIT;
	struct templates_var vars[3] = {{"accountId", st->account, NULL, 0},
	                                {"partition", st->partition, NULL, 0},
	                                {"logGroupArns", NULL, NULL, 0}};
	json_t *have = NULL, *ours = NULL, *merged = NULL;
	int rc = -1;

	if (sr && sr->foreign)
		return 0;
	if (delivery_arns(&arns, p, st, name, why) < 0)
		goto out;
	for (size_t i = 0; i < arns.n; i++)
		add_unique(&uniq, arns.v[i]);
	strlist_sort(&uniq);
	vars[2].list = (const char *const *)uniq.v;
	vars[2].n_list = uniq.n;
	if (templates_render(&trust, "trust-policy.json", vars, 2, why) < 0 ||
	    templates_render(&inline_policy, "cloudwatch-delivery-policy.json", vars, 3, why) < 0)
		goto out;
	rc = 0;
	if (!sr || !sr->exists) {
		struct plan_action *a;

		a = plan_add(p, PLAN_CREATE, PLAN_ROLE, NULL, name,
		             "create IAM role %s: trusted by " PLAN_FLOW_LOGS_SERVICE
		             " for flow logs of account %s",
		             name, st->account);
		a->document = xstrdup(trust.data);
		for (size_t ci = 0; ci < p->spec->n_configs; ci++)
			if (config_uses_role(&p->spec->configs[ci], st, name))
				plan_config_tags(&a->tags, &p->spec->configs[ci]);
		a = plan_add(p, PLAN_CREATE, PLAN_ROLE_POLICY, NULL, name,
		             "put inline policy " PLAN_ROLE_POLICY_NAME
		             " on role %s: lets flow logs write to %zu log group pattern%s",
		             name, uniq.n / 2, uniq.n == 2 ? "" : "s");
		a->document = xstrdup(inline_policy.data);
		goto out;
	}
	if (!plan_is_managed(&sr->role.tags)) {
		have = policy_parse(sr->role.assume_role_policy_document);
		if (!have || !policy_trusts_service(have, PLAN_FLOW_LOGS_SERVICE))
			plan_add(p, PLAN_ERROR, PLAN_BLOCKED, NULL, name,
			         "role %s does not trust " PLAN_FLOW_LOGS_SERVICE
			         " and was not created by vpcflow: add that service to its trust "
			         "policy, or name another role in iamRole",
			         name);
		goto out;
	}
	if (!policy_text_equal(sr->role.assume_role_policy_document, trust.data))
		plan_add(p, PLAN_UPDATE, PLAN_ROLE_TRUST, NULL, name,
		         "update trust policy of role %s: vpcflow created it; "
		         "trust " PLAN_FLOW_LOGS_SERVICE " for account %s only",
		         name, st->account)
		    ->document = xstrdup(trust.data);
	ours = policy_parse(inline_policy.data);
	have = policy_parse(sr->policy);
	merged = policy_merge(have, ours);
	if (!have || !json_equal(have, merged))
		plan_add(p, have ? PLAN_UPDATE : PLAN_CREATE, PLAN_ROLE_POLICY, NULL, name,
		         "%s inline policy " PLAN_ROLE_POLICY_NAME
		         " on role %s: lets flow logs write to the spec's log groups",
		         have ? "update" : "put", name)
		    ->document = policy_dump(merged);
out:
	json_decref(have);
	json_decref(ours);
	json_decref(merged);
	buf_release(&trust);
	buf_release(&inline_policy);
	strlist_release(&arns);
	strlist_release(&uniq);
	return rc;
}

int plan_dest_roles(struct plan *p, const struct state *st, struct buf *why)
{
	struct strlist names = STRLIST_INIT;
	int rc = 0;

	for (size_t i = 0; i < p->n_flows; i++) {
		const struct spec_config *c = plan_flow_config(p, &p->flows[i]);
		int foreign;
		char *name;

		if (c->destination != SPEC_CLOUDWATCH_LOGS)
			continue;
		name = plan_role_name(c->iam_role, st->account, &foreign);
		if (!foreign)
			add_unique(&names, name);
		free(name);
	}
	for (size_t i = 0; rc == 0 && i < names.n; i++)
		rc = plan_role(p, st, names.v[i], why);
	strlist_release(&names);
	return rc;
}

/* Copies the rules of src to dst. */
static void lifecycle_copy(struct s3_lifecycle *dst, const struct s3_lifecycle *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct s3_lifecycle_rule *r = &src->v[i];
		struct s3_lifecycle_rule *d;

		ALLOC_GROW(dst->v, dst->n + 1, dst->alloc);
		d = &dst->v[dst->n++];
		d->id = r->id ? xstrdup(r->id) : NULL;
		d->status = r->status ? xstrdup(r->status) : NULL;
		d->prefix = r->prefix ? xstrdup(r->prefix) : NULL;
		d->expiration_days = r->expiration_days;
		d->raw_xml = r->raw_xml ? xstrdup(r->raw_xml) : NULL;
	}
}

/* The key prefixes ("" or "p/") of the flows into bucket, each with the
 * retention of its configuration (days[i] for prefixes.v[i]), and the region
 * of the first flow. */
static int bucket_prefixes(struct strlist *prefixes, int **days, const char **region,
                           const struct plan *p, const struct state *st, const char *bucket,
                           struct buf *why)
{
	struct buf b = BUF_INIT;

	*region = NULL;
	for (size_t i = 0; i < p->n_flows; i++) {
		const struct plan_flow *f = &p->flows[i];
		const struct spec_config *c = plan_flow_config(p, f);

		if (c->destination != SPEC_S3 || strcmp(c->bucket, bucket) != 0)
			continue;
		if (!*region)
			*region = f->region;
		buf_reset(&b);
		if (plan_s3_key_prefix(&b, c, f->resource_id, f->region, st->account, why) < 0) {
			buf_release(&b);
			return -1;
		}
		if (strlist_has(prefixes, b.data))
			continue;
		strlist_add(prefixes, b.data);
		*days = xrealloc(*days, prefixes->n * sizeof(**days));
		(*days)[prefixes->n - 1] = c->retention_days;
	}
	buf_release(&b);
	return 0;
}

/* The actions for one bucket that flows deliver to. */
static int plan_bucket(struct plan *p, const struct state *st, const char *name, struct buf *why)
{
	const struct state_bucket *sb = state_find_bucket(st, name);
	struct strlist prefixes = STRLIST_INIT;
	struct s3_lifecycle lc = {0};
	struct buf doc = BUF_INIT, id = BUF_INIT, rule = BUF_INIT;
	json_t *ours = NULL, *have = NULL, *merged = NULL;
	const char *region;
	int *days = NULL, rc = -1, lc_changed = 0;

	if (bucket_prefixes(&prefixes, &days, &region, p, st, name, why) < 0)
		goto out;
	if (sb && sb->denied) {
		plan_add(p, PLAN_ERROR, PLAN_BLOCKED, NULL, name,
		         "bucket %s " BUCKET_DENIED
		         ": it belongs to another account, or the caller lacks that permission; "
		         "choose another bucket name, or grant s3:ListBucket on it",
		         name);
		rc = 0;
		goto out;
	}
	if (sb && sb->exists && sb->region)
		region = sb->region;
	for (size_t i = 0; i < prefixes.n; i++) {
		struct templates_var vars[] = {{"accountId", st->account, NULL, 0},
		                               {"partition", st->partition, NULL, 0},
		                               {"bucket", name, NULL, 0},
		                               {"keyPrefix", prefixes.v[i], NULL, 0}};
		json_t *one, *acc;

		buf_reset(&doc);
		if (templates_render(&doc, "s3-bucket-policy.json", vars, 4, why) < 0)
			goto out;
		one = policy_parse(doc.data);
		acc = policy_merge(ours, one);
		json_decref(one);
		json_decref(ours);
		ours = acc;
	}
	rc = 0;
	if (sb && sb->exists) {
		lifecycle_copy(&lc, &sb->lifecycle);
		have = policy_parse(sb->policy);
		if (sb->policy && !have) {
			plan_add(p, PLAN_ERROR, PLAN_BLOCKED, region, name,
			         "the policy of bucket %s is not a policy document vpcflow can "
			         "merge into",
			         name);
			goto out;
		}
	} else {
		plan_add(p, PLAN_CREATE, PLAN_BUCKET, region, name,
		         "create bucket %s (region %s): public access blocked, default encryption "
		         "SSE-S3",
		         name, region);
		for (size_t i = 0; i < p->n_flows; i++) {
			const struct spec_config *c = plan_flow_config(p, &p->flows[i]);

			if (c->destination == SPEC_S3 && strcmp(c->bucket, name) == 0)
				plan_config_tags(&p->v[p->n - 1].tags, c);
		}
	}
	merged = policy_merge(have, ours);
	if (!have || !json_equal(have, merged))
		plan_add(
		    p, have ? PLAN_UPDATE : PLAN_CREATE, PLAN_BUCKET_POLICY, region, name,
		    "%s policy of bucket %s: lets delivery.logs.amazonaws.com write flow logs%s",
		    have ? "update" : "put", name, have ? " (its other statements are kept)" : "")
		    ->document = policy_dump(merged);
	for (size_t i = 0; i < prefixes.n; i++) {
		const struct s3_lifecycle_rule *r;

		buf_reset(&id);
		buf_reset(&rule);
		plan_lifecycle_rule_id(&id, prefixes.v[i]);
		buf_addf(&rule, "%sAWSLogs/", prefixes.v[i]);
		r = s3_lifecycle_find(&lc, id.data);
		if (r && r->expiration_days == days[i] && r->status &&
		    strcmp(r->status, "Enabled") == 0 && r->prefix &&
		    strcmp(r->prefix, rule.data) == 0)
			continue;
		s3_lifecycle_set_rule(&lc, id.data, rule.data, days[i]);
		lc_changed = 1;
	}
	if (lc_changed) {
		struct plan_action *a = plan_add(
		    p, sb && sb->exists && sb->lifecycle.n ? PLAN_UPDATE : PLAN_CREATE,
		    PLAN_BUCKET_LIFECYCLE, region, name,
		    "%s lifecycle of bucket %s: flow logs expire after %d days%s",
		    sb && sb->exists && sb->lifecycle.n ? "update" : "put", name, days[0],
		    sb && sb->exists && sb->lifecycle.n ? " (its other rules are kept)" : "");

		a->lifecycle = lc;
		memset(&lc, 0, sizeof(lc));
	}
out:
	json_decref(ours);
	json_decref(have);
	json_decref(merged);
	s3_lifecycle_release(&lc);
	strlist_release(&prefixes);
	buf_release(&doc);
	buf_release(&id);
	buf_release(&rule);
	free(days);
	return rc;
}

int plan_dest_buckets(struct plan *p, const struct state *st, struct buf *why)
{
	struct strlist names = STRLIST_INIT;
	int rc = 0;

	for (size_t i = 0; i < p->n_flows; i++) {
		const struct spec_config *c = plan_flow_config(p, &p->flows[i]);

		if (c->destination == SPEC_S3)
			add_unique(&names, c->bucket);
	}
	for (size_t i = 0; rc == 0 && i < names.n; i++)
		rc = plan_bucket(p, st, names.v[i], why);
	strlist_release(&names);
	return rc;
}

/* The spec's tags that g lacks (or has with another value), appended to out. */
static void missing_tags(struct tag_list *out, const struct state_log_group *g,
                         const struct spec_config *c)
{
	for (size_t i = 0; i < c->n_tags; i++) {
		const char *v = tag_list_get(&g->tags, c->tags[i].key);

		if (!v || strcmp(v, c->tags[i].value) != 0)
			tag_list_set(out, c->tags[i].key, c->tags[i].value);
	}
}

void plan_dest_log_groups(struct plan *p, const struct state_region *r)
{
	struct strlist seen = STRLIST_INIT;

	for (size_t i = 0; i < p->n_flows; i++) {
		const struct plan_flow *f = &p->flows[i];
		const struct spec_config *c = plan_flow_config(p, f);
		const struct state_log_group *g;
		struct tag_list add = TAG_LIST_INIT;

		if (!f->log_group || strcmp(f->region, r->region) != 0 ||
		    strlist_has(&seen, f->log_group))
			continue;
		strlist_add(&seen, f->log_group);
		g = state_region_find_group(r, f->log_group);
		if (!g) {
			struct plan_action *a =
			    plan_add(p, PLAN_CREATE, PLAN_LOG_GROUP, r->region, f->log_group,
			             "create log group %s (region %s): retention %d days",
			             f->log_group, r->region, c->retention_days);

			a->retention_days = c->retention_days;
			plan_config_tags(&a->tags, c);
			continue;
		}
		if (g->retention_days != c->retention_days) {
			char was[32];

			if (g->retention_days)
				snprintf(was, sizeof(was), "%d", g->retention_days);
			else
				snprintf(was, sizeof(was), "never expire");
			plan_add(p, PLAN_UPDATE, PLAN_RETENTION, r->region, f->log_group,
			         "update retention of log group %s (region %s): %s → %d days",
			         f->log_group, r->region, was, c->retention_days)
			    ->retention_days = c->retention_days;
		}
		if (g->tags_read)
			missing_tags(&add, g, c);
		if (add.n) {
			struct plan_action *a =
			    plan_add(p, PLAN_UPDATE, PLAN_LOG_GROUP_TAGS, r->region, f->log_group,
			             "tag log group %s (region %s): %zu tag%s from the spec",
			             f->log_group, r->region, add.n, add.n == 1 ? "" : "s");

			a->tags = add;
		}
	}
	strlist_release(&seen);
}

/* The ID of a flow log not being deleted that uses what match says. */
static const char *still_used(const struct plan *p, const struct state *st, const char *region,
                              int (*match)(const struct ec2_flow_log *, const char *),
                              const char *what)
{
	for (size_t ri = 0; ri < st->n_regions; ri++) {
		const struct state_region *r = &st->regions[ri];

		if (region && strcmp(region, r->region) != 0)
			continue;
		for (size_t i = 0; i < r->flow_logs.n; i++) {
			const struct ec2_flow_log *fl = &r->flow_logs.v[i];

			if (match(fl, what) && !plan_deletes_flow_log(p, fl->flow_log_id))
				return fl->flow_log_id ? fl->flow_log_id : "?";
		}
	}
	return NULL;
}

static int uses_group(const struct ec2_flow_log *fl, const char *name)
{
	return fl->log_group_name && strcmp(fl->log_group_name, name) == 0;
}

static int uses_role(const struct ec2_flow_log *fl, const char *arn)
{
	return fl->deliver_logs_permission_arn && strcmp(fl->deliver_logs_permission_arn, arn) == 0;
}

static int uses_bucket(const struct ec2_flow_log *fl, const char *bucket_arn)
{
	size_t n = strlen(bucket_arn);

	return fl->log_destination && strncmp(fl->log_destination, bucket_arn, n) == 0 &&
	       (fl->log_destination[n] == '\0' || fl->log_destination[n] == '/');
}

/* A delete of something vpcflow created that nothing else uses, or a note
 * saying why it stays. */
static void delete_or_keep(struct plan *p, enum plan_kind kind, const char *region,
                           const char *noun, const char *name, int managed, const char *user)
{
	char where[64] = "";

	if (region)
		snprintf(where, sizeof(where), " (region %s)", region);
	if (!managed)
		plan_add(p, PLAN_NOTE, PLAN_KEPT, region, name,
		         "keep %s %s%s: not created by vpcflow", noun, name, where);
	else if (user)
		plan_add(p, PLAN_NOTE, PLAN_KEPT, region, name, "keep %s %s%s: flow log %s uses it",
		         noun, name, where, user);
	else
		plan_add(p, PLAN_DELETE, kind, region, name, "delete %s %s%s%s", noun, name, where,
		         kind == PLAN_ROLE_DELETE     ? " (its inline policy first)"
		         : kind == PLAN_BUCKET_DELETE ? " (only if it is empty)"
		                                      : "");
}

/* destroy --destinations for the log groups of the flows. */
static void destroy_groups(struct plan *p, const struct state *st, struct strlist *done)
{
	for (size_t i = 0; i < p->n_flows; i++) {
		const struct plan_flow *f = &p->flows[i];
		const struct state_region *r = state_find_region(st, f->region);
		const struct state_log_group *g;
		char *key;

		if (!f->log_group)
			continue;
		key = xasprintf("%s %s", f->region, f->log_group);
		if (!strlist_has(done, key) && (g = state_region_find_group(r, f->log_group)))
			delete_or_keep(p, PLAN_LOG_GROUP_DELETE, f->region, "log group", g->name,
			               g->tags_read && plan_is_managed(&g->tags),
			               still_used(p, st, f->region, uses_group, g->name));
		strlist_add_owned(done, key);
	}
}

/* ... the delivery roles and buckets of the flows (a bucket that cannot be
 * read is an error: it may be vpcflow's). */
static void destroy_global(struct plan *p, const struct state *st, struct strlist *done)
{
	for (size_t i = 0; i < p->n_flows; i++) {
		const struct spec_config *c = plan_flow_config(p, &p->flows[i]);
		char *key;

		if (c->destination == SPEC_CLOUDWATCH_LOGS) {
			int foreign;
			char *name = plan_role_name(c->iam_role, st->account, &foreign);
			const struct state_role *sr = state_find_role(st, name);

			key = xasprintf("role %s", name);
			if (!foreign && sr && sr->exists && !strlist_has(done, key))
				delete_or_keep(p, PLAN_ROLE_DELETE, NULL, "IAM role", name,
				               plan_is_managed(&sr->role.tags),
				               still_used(p, st, NULL, uses_role, sr->role.arn));
			strlist_add_owned(done, key);
			free(name);
		} else if (c->destination == SPEC_S3) {
			const struct state_bucket *sb = state_find_bucket(st, c->bucket);
			char *arn = xasprintf("arn:%s:s3:::%s", st->partition, c->bucket);

			key = xasprintf("bucket %s", c->bucket);
			if (sb && sb->denied && !strlist_has(done, key))
				plan_add(p, PLAN_ERROR, PLAN_BLOCKED, NULL, c->bucket,
				         "bucket %s " BUCKET_DENIED ": not deleted", c->bucket);
			if (sb && sb->exists && !strlist_has(done, key)) {
				delete_or_keep(p, PLAN_BUCKET_DELETE, NULL, "bucket", c->bucket,
				               plan_is_managed(&sb->tags),
				               still_used(p, st, NULL, uses_bucket, arn));
				if (p->v[p->n - 1].kind == PLAN_BUCKET_DELETE && sb->region)
					p->v[p->n - 1].region = xstrdup(sb->region);
			}
			strlist_add_owned(done, key);
			free(arn);
		}
	}
}

void plan_dest_destroy(struct plan *p, const struct state *st)
{
	struct strlist done = STRLIST_INIT;

	destroy_groups(p, st, &done);
	destroy_global(p, st, &done);
	strlist_release(&done);
}
