/* The plan: the spec's flow logs against the ones that exist, and the
 * actions that close the gap (or, for destroy, undo it). */
#include "engine/plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"
#include "engine/audit.h"
#include "engine/output.h"
#include "engine/plan_build.h"

int plan_is_managed(const struct tag_list *tags)
{
	const char *v = tag_list_get(tags, PLAN_MANAGED_TAG);

	return v && strcmp(v, PLAN_MANAGED_VALUE) == 0;
}

void plan_config_tags(struct tag_list *out, const struct spec_config *c)
{
	tag_list_set(out, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	for (size_t i = 0; i < c->n_tags; i++)
		tag_list_set(out, c->tags[i].key, c->tags[i].value);
}

int plan_arn_in_account(const char *arn, const char *account)
{
	const char *p = arn;
	size_t n = strlen(account);

	for (int colons = 0; *p && colons < 4; p++)
		if (*p == ':')
			colons++;
	return strncmp(p, account, n) == 0 && p[n] == ':';
}

char *plan_role_name(const char *iam_role, const char *account, int *foreign)
{
	const char *slash;

	*foreign = 0;
	if (strncmp(iam_role, "arn:", 4) != 0)
		return xstrdup(iam_role);
	/* arn:PARTITION:iam::ACCOUNT:role/PATH/NAME */
	*foreign = account && !plan_arn_in_account(iam_role, account);
	slash = strrchr(iam_role, '/');
	return xstrdup(slash ? slash + 1 : iam_role);
}

int plan_log_group_name(struct buf *out, const struct spec_config *c, const char *resource_id,
                        const char *region, const char *account, struct buf *why)
{
	return spec_expand(out, c->log_group ? c->log_group : SPEC_DEFAULT_LOG_GROUP, resource_id,
	                   region, account, why);
}

int plan_s3_key_prefix(struct buf *out, const struct spec_config *c, const char *resource_id,
                       const char *region, const char *account, struct buf *why)
{
	if (!c->prefix || !*c->prefix)
		return 0;
	if (spec_expand(out, c->prefix, resource_id, region, account, why) < 0)
		return -1;
	if (out->len && out->data[out->len - 1] != '/')
		buf_addch(out, '/');
	return 0;
}

void plan_lifecycle_rule_id(struct buf *out, const char *key_prefix)
{
	size_t len = strlen(key_prefix);

	if (len && key_prefix[len - 1] == '/')
		len--;
	buf_addstr(out, "vpcflow-expire");
	if (len)
		buf_addf(out, "-%.*s", (int)(len > 200 ? 200 : len), key_prefix);
}

struct plan_action *plan_add(struct plan *p, enum plan_op op, enum plan_kind kind,
                             const char *region, const char *subject, const char *fmt, ...)
{
	struct plan_action *a;
	struct buf text = BUF_INIT;
	va_list ap;

	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	a = &p->v[p->n++];
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->kind = kind;
	a->region = region ? xstrdup(region) : NULL;
	a->subject = subject ? xstrdup(subject) : NULL;
	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	a->text = buf_detach(&text, NULL);
	return a;
}

const struct spec_config *plan_flow_config(const struct plan *p, const struct plan_flow *f)
{
	return &p->spec->configs[f->config];
}

int plan_deletes_flow_log(const struct plan *p, const char *id)
{
	for (size_t i = 0; id && i < p->n; i++)
		if (p->v[i].kind == PLAN_FLOW_LOG_DELETE && p->v[i].flow_log_id &&
		    strcmp(p->v[i].flow_log_id, id) == 0)
			return 1;
	return 0;
}

/* The ARN of the delivery role of configuration c. */
static char *role_arn(const struct state *st, const struct spec_config *c)
{
	int foreign;
	char *name = plan_role_name(c->iam_role, st->account, &foreign);
	const struct state_role *sr = state_find_role(st, name);
	char *arn;

	if (sr && sr->arn)
		arn = xstrdup(sr->arn);
	else if (strncmp(c->iam_role, "arn:", 4) == 0)
		arn = xstrdup(c->iam_role);
	else
		arn = xasprintf("arn:%s:iam::%s:role/%s", st->partition, st->account, name);
	free(name);
	return arn;
}

/* The stream ARN of configuration c in region r: the one found, the spec's
 * ARN, or (for destroy, which only matches) the ARN the name would have. */
static char *stream_arn(const struct state *st, const struct state_region *r,
                        const struct spec_config *c, int guess)
{
	const struct state_stream *s = state_region_find_stream(r, c->delivery_stream);

	if (strncmp(c->delivery_stream, "arn:", 4) == 0)
		return xstrdup(c->delivery_stream);
	if (s && s->arn)
		return xstrdup(s->arn);
	if (!guess)
		return NULL;
	return xasprintf("arn:%s:firehose:%s:%s:deliverystream/%s", st->partition, r->region,
	                 st->account, c->delivery_stream);
}

/* Adds the flow of configuration ci for resource id in region r. Returns 0,
 * 1 when it cannot be planned (no stream: an error action is added once per
 * region and stream), or -1 with why filled. */
static int add_flow(struct plan *p, const struct state *st, const struct state_region *r, size_t ci,
                    const char *id, int destroying, struct buf *why)
{
	const struct spec_config *c = &p->spec->configs[ci];
	struct plan_flow f = {ci, NULL, NULL, NULL, NULL, NULL};
	struct buf b = BUF_INIT;

	switch (c->destination) {
	case SPEC_CLOUDWATCH_LOGS:
		if (plan_log_group_name(&b, c, id, r->region, st->account, why) < 0)
			goto fail;
		f.log_group = buf_detach(&b, NULL);
		f.role_arn = role_arn(st, c);
		break;
	case SPEC_S3:
		buf_addf(&b, "arn:%s:s3:::%s/", st->partition, c->bucket);
		if (plan_s3_key_prefix(&b, c, id, r->region, st->account, why) < 0)
			goto fail;
		buf_truncate(&b, b.len - 1); /* no trailing '/' */
		f.destination = buf_detach(&b, NULL);
		break;
	case SPEC_KINESIS_FIREHOSE:
		f.destination = stream_arn(st, r, c, destroying);
		if (f.destination && !destroying &&
		    !plan_arn_in_account(f.destination, st->account)) {
			plan_add(p, PLAN_ERROR, PLAN_BLOCKED, r->region, c->delivery_stream,
			         "Firehose delivery stream %s is in another account: "
			         "cross-account delivery needs roles the spec cannot name yet; use "
			         "a stream of account %s",
			         f.destination, st->account);
			free(f.destination);
			return 1;
		}
		if (!f.destination) {
			for (size_t i = 0; i < p->n; i++)
				if (p->v[i].kind == PLAN_BLOCKED && p->v[i].region &&
				    strcmp(p->v[i].region, r->region) == 0 &&
				    strcmp(p->v[i].subject, c->delivery_stream) == 0)
					return 1;
			plan_add(p, PLAN_ERROR, PLAN_BLOCKED, r->region, c->delivery_stream,
			         "Firehose delivery stream '%s' does not exist in %s: create "
			         "it first (vpcflow does not create delivery streams)",
			         c->delivery_stream, r->region);
			return 1;
		}
		break;
	}
	f.region = xstrdup(r->region);
	f.resource_id = xstrdup(id);
	ALLOC_GROW(p->flows, p->n_flows + 1, p->alloc_flows);
	p->flows[p->n_flows++] = f;
	return 0;
fail:
	buf_release(&b);
	free(f.log_group);
	return -1;
}

/* The destination of a flow, as people read it: log group name or ARN. */
static const char *flow_target(const struct plan_flow *f)
{
	return f->log_group ? f->log_group : f->destination;
}

/* Whether s and t are the same ARN, ignoring one trailing '/'. */
static int arn_equal(const char *s, const char *t)
{
	size_t a = strlen(s), b = strlen(t);

	if (a && s[a - 1] == '/')
		a--;
	if (b && t[b - 1] == '/')
		b--;
	return a == b && strncmp(s, t, a) == 0;
}

/* Whether fl delivers where flow f of configuration c should. A log group is
 * compared by name, however AWS reports it (LogGroupName, or an ARN with or
 * without the ":*" of its streams). */
static int same_destination(const struct ec2_flow_log *fl, const struct plan_flow *f,
                            const struct spec_config *c)
{
	const char *type = fl->log_destination_type ? fl->log_destination_type : "cloud-watch-logs";

	if (strcmp(type, spec_destination_api(c->destination)) != 0)
		return 0;
	if (c->destination == SPEC_CLOUDWATCH_LOGS) {
		struct buf b = BUF_INIT;
		const char *group = audit_flow_log_group(fl, &b);
		int same = group && strcmp(group, f->log_group) == 0;

		buf_release(&b);
		return same;
	}
	return fl->log_destination && arn_equal(fl->log_destination, f->destination);
}

/* Whether two log formats have the same fields in the same order. */
static int same_format(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (*a != *b)
			return 0;
		a++, b++;
		if ((*a == ' ') != (*b == ' ') && (*a || *b))
			return 0;
	}
}

/* Appends how fl differs from the spec ("" when equivalent). AWS values it
 * leaves out are not judged. */
static void differences(struct buf *out, const struct ec2_flow_log *fl, const struct plan_flow *f,
                        const struct spec_config *c)
{
	const char *want = spec_traffic_type_name(c->traffic_type);
	size_t start = out->len;

#define SEP (out->len > start ? "; " : "")
	if (!spec_is_transit(c->resource_type) && fl->traffic_type &&
	    strcmp(fl->traffic_type, want) != 0)
		buf_addf(out, "%scaptures %s, spec says %s", SEP, fl->traffic_type, want);
	if (fl->log_format && !same_format(fl->log_format, c->log_format))
		buf_addf(out, "%slog format is '%s', spec says '%s'", SEP, fl->log_format,
		         c->log_format);
	if (fl->max_aggregation_interval &&
	    fl->max_aggregation_interval != c->max_aggregation_interval)
		buf_addf(out, "%saggregates over %d s, spec says %d s", SEP,
		         fl->max_aggregation_interval, c->max_aggregation_interval);
	if (f->role_arn && fl->deliver_logs_permission_arn &&
	    strcmp(fl->deliver_logs_permission_arn, f->role_arn) != 0)
		buf_addf(out, "%sdelivers with role %s, spec says %s", SEP,
		         fl->deliver_logs_permission_arn, f->role_arn);
	if (c->destination == SPEC_S3 && fl->file_format) {
		const char *ff = spec_file_format_name(c->file_format);

		if (strcmp(fl->file_format, ff) != 0)
			buf_addf(out, "%swrites %s, spec says %s", SEP, fl->file_format, ff);
		if (!fl->hive_compatible_partitions != !c->hive_compatible_partitions)
			buf_addf(out, "%shive-compatible partitions %s, spec says %s", SEP,
			         fl->hive_compatible_partitions ? "on" : "off",
			         c->hive_compatible_partitions ? "on" : "off");
		if (!fl->per_hour_partition != !c->per_hour_partition)
			buf_addf(out, "%shourly partitions %s, spec says %s", SEP,
			         fl->per_hour_partition ? "on" : "off",
			         c->per_hour_partition ? "on" : "off");
	}
#undef SEP
}

/* Adds a flow's create or drift action (apply), or the deletes of its flow
 * logs (destroy). */
static void diff_flow(struct plan *p, const struct state_region *r, size_t fi,
                      const struct plan_options *opt, int destroying)
{
	const struct plan_flow *f = &p->flows[fi];
	const struct spec_config *c = plan_flow_config(p, f);
	const struct ec2_flow_log *drifted = NULL;
	struct buf why = BUF_INIT;

	for (size_t i = 0; i < r->flow_logs.n; i++) {
		const struct ec2_flow_log *fl = &r->flow_logs.v[i];

		if (!fl->resource_id || strcmp(fl->resource_id, f->resource_id) != 0 ||
		    !same_destination(fl, f, c))
			continue;
		if (destroying) {
			if (plan_deletes_flow_log(p, fl->flow_log_id))
				continue;
			if (plan_is_managed(&fl->tags))
				plan_add(p, PLAN_DELETE, PLAN_FLOW_LOG_DELETE, r->region,
				         f->resource_id, "delete flow log %s for %s (region %s)",
				         fl->flow_log_id, f->resource_id, r->region)
				    ->flow_log_id = xstrdup(fl->flow_log_id);
			else
				plan_add(p, PLAN_NOTE, PLAN_KEPT, r->region, f->resource_id,
				         "keep flow log %s for %s (region %s): not created by "
				         "vpcflow",
				         fl->flow_log_id, f->resource_id, r->region);
			continue;
		}
		buf_reset(&why);
		differences(&why, fl, f, c);
		if (!why.len) {
			buf_release(&why);
			return;
		}
		if (!drifted)
			drifted = fl;
	}
	if (destroying)
		return;
	if (drifted) {
		struct plan_action *a;

		buf_reset(&why);
		differences(&why, drifted, f, c);
		a = plan_add(p, PLAN_DRIFT, PLAN_FLOW_LOG_REPLACE, r->region, f->resource_id,
		             "drift: flow log %s for %s (region %s) %s (%s)", drifted->flow_log_id,
		             f->resource_id, r->region, why.data,
		             opt->replace ? "replacing it: --replace"
		                          : "apply --replace replaces it");
		a->flow_log_id = xstrdup(drifted->flow_log_id);
		a->flow = fi;
	} else {
		plan_add(p, PLAN_CREATE, PLAN_FLOW_LOG, r->region, f->resource_id,
		         "create flow log for %s (region %s): no flow log delivers to %s",
		         f->resource_id, r->region, flow_target(f))
		    ->flow = fi;
	}
	buf_release(&why);
}

/* The flows of region r: each configuration's resources found there, and an
 * error for each listed resource that was not. */
static int region_flows(struct plan *p, const struct state *st, const struct state_region *r,
                        int destroying, struct buf *why)
{
	for (size_t ci = 0; ci < p->spec->n_configs; ci++) {
		const struct spec_config *c = &p->spec->configs[ci];

		if (!r->applies[ci])
			continue;
		for (size_t k = 0; k < r->found[ci].n; k++)
			if (add_flow(p, st, r, ci, r->found[ci].v[k], destroying, why) < 0)
				return -1;
		for (size_t k = 0; !destroying && k < c->resource_ids.n; k++)
			if (!strlist_has(&r->found[ci], c->resource_ids.v[k]))
				plan_add(p, PLAN_ERROR, PLAN_MISSING, r->region,
				         c->resource_ids.v[k],
				         "%s %s does not exist in %s (or this account "
				         "cannot see it): check resourceIds and regions",
				         spec_resource_type_noun(c->resource_type),
				         c->resource_ids.v[k], r->region);
	}
	return 0;
}

/* Moves the errors to the end, keeping the order otherwise. */
static void errors_last(struct plan *p)
{
	struct plan_action *sorted;
	size_t n = 0;

	if (!p->n)
		return;
	sorted = xcalloc(p->n, sizeof(*sorted));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < p->n; i++)
			if ((p->v[i].op == PLAN_ERROR) == pass)
				sorted[n++] = p->v[i];
	memcpy(p->v, sorted, p->n * sizeof(*sorted));
	free(sorted);
}

static void plan_start(struct plan *out, const struct spec *spec, const struct state *st)
{
	memset(out, 0, sizeof(*out));
	out->spec = spec;
	out->account = xstrdup(st->account);
	out->partition = xstrdup(st->partition);
}

int plan_make(struct plan *out, const struct spec *spec, const struct state *st,
              const struct plan_options *opt, struct buf *why)
{
	plan_start(out, spec, st);
	for (size_t i = 0; i < st->n_regions; i++)
		if (region_flows(out, st, &st->regions[i], 0, why) < 0)
			goto fail;
	if (plan_dest_roles(out, st, why) < 0 || plan_dest_buckets(out, st, why) < 0)
		goto fail;
	for (size_t i = 0; i < st->n_regions; i++) {
		const struct state_region *r = &st->regions[i];

		plan_dest_log_groups(out, r);
		for (size_t fi = 0; fi < out->n_flows; fi++)
			if (strcmp(out->flows[fi].region, r->region) == 0)
				diff_flow(out, r, fi, opt, 0);
	}
	errors_last(out);
	return 0;
fail:
	plan_release(out);
	return -1;
}

int plan_destroy(struct plan *out, const struct spec *spec, const struct state *st,
                 const struct plan_options *opt, struct buf *why)
{
	plan_start(out, spec, st);
	for (size_t i = 0; i < st->n_regions; i++) {
		const struct state_region *r = &st->regions[i];
		size_t from = out->n_flows;

		if (region_flows(out, st, r, 1, why) < 0) {
			plan_release(out);
			return -1;
		}
		for (size_t fi = from; fi < out->n_flows; fi++)
			diff_flow(out, r, fi, opt, 1);
	}
	if (opt->destinations)
		plan_dest_destroy(out, st);
	return 0;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n_flows; i++) {
		struct plan_flow *f = &p->flows[i];

		free(f->region);
		free(f->resource_id);
		free(f->log_group);
		free(f->role_arn);
		free(f->destination);
	}
	for (size_t i = 0; i < p->n; i++) {
		struct plan_action *a = &p->v[i];

		free(a->region);
		free(a->subject);
		free(a->text);
		free(a->document);
		s3_lifecycle_release(&a->lifecycle);
		tag_list_release(&a->tags);
		free(a->flow_log_id);
		free(a->result);
	}
	free(p->flows);
	free(p->v);
	free(p->account);
	free(p->partition);
	memset(p, 0, sizeof(*p));
}

size_t plan_count(const struct plan *p, enum plan_op op)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->v[i].op == op;
	return n;
}

int plan_has_changes(const struct plan *p)
{
	return plan_count(p, PLAN_CREATE) + plan_count(p, PLAN_UPDATE) +
	           plan_count(p, PLAN_DELETE) + plan_count(p, PLAN_DRIFT) >
	       0;
}

int plan_is_blocked(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == PLAN_BLOCKED)
			return 1;
	return 0;
}

char plan_marker(enum plan_op op)
{
	static const char markers[] = {'+', '~', '-', '!', '!', ' '};

	return markers[op];
}

const char *plan_op_name(enum plan_op op)
{
	static const char *const names[] = {"create", "update", "delete", "drift", "error", "note"};

	return names[op];
}

const char *plan_kind_name(enum plan_kind kind)
{
	static const char *const names[] = {
	    "role",
	    "role-trust-policy",
	    "role-policy",
	    "bucket",
	    "bucket-policy",
	    "bucket-lifecycle",
	    "log-group",
	    "retention",
	    "log-group-tags",
	    "flow-log",
	    "flow-log-replace",
	    "flow-log-delete",
	    "log-group-delete",
	    "role-delete",
	    "bucket-delete",
	    "missing-resource",
	    "blocked",
	    "kept",
	};

	return names[kind];
}

void plan_format_text(struct buf *out, const struct plan_action *a)
{
	buf_addf(out, "%s%s", a->op == PLAN_ERROR ? "error: " : "", a->text);
}

void plan_format_action(struct buf *out, const struct plan_action *a)
{
	buf_addf(out, "%c ", plan_marker(a->op));
	plan_format_text(out, a);
}

json_t *plan_to_json(const struct plan *p)
{
	json_t *root = json_object(), *actions = json_array(), *summary = json_object();
	struct buf text = BUF_INIT;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->v[i];
		json_t *o = json_object();
		char marker[2] = {plan_marker(a->op), '\0'};

		json_object_set_new(o, "op", json_string(plan_op_name(a->op)));
		json_object_set_new(o, "marker", json_string(marker));
		json_object_set_new(o, "kind", json_string(plan_kind_name(a->kind)));
		json_object_set_new(o, "region", output_json_string(a->region));
		json_object_set_new(o, "subject", output_json_string(a->subject));
		json_object_set_new(o, "flowLogId", output_json_string(a->flow_log_id));
		buf_reset(&text);
		plan_format_text(&text, a);
		json_object_set_new(o, "text", json_string(text.data));
		if (a->status != PLAN_PENDING) {
			static const char *const st[] = {"pending", "done", "failed", "skipped"};

			json_object_set_new(o, "status", json_string(st[a->status]));
			json_object_set_new(o, "result", output_json_string(a->result));
		}
		json_array_append_new(actions, o);
	}
	buf_release(&text);
	for (int op = PLAN_CREATE; op <= PLAN_NOTE; op++)
		json_object_set_new(summary, plan_op_name((enum plan_op)op),
		                    json_integer((json_int_t)plan_count(p, (enum plan_op)op)));
	json_object_set_new(root, "account", output_json_string(p->account));
	json_object_set_new(root, "spec", output_json_string(p->spec->file));
	json_object_set_new(root, "changes", json_boolean(plan_has_changes(p)));
	json_object_set_new(root, "summary", summary);
	json_object_set_new(root, "actions", actions);
	return root;
}
