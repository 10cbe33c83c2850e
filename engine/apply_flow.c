/* Carrying out the flow-log actions of one region: creates in batches with
 * a ClientToken and the IAM propagation retry, replacements of drift, and
 * deletes in batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "aws/ec2.h"
#include "aws/env.h"
#include "aws/xalloc.h"
#include "engine/apply_run.h"

#define PROPAGATION_MESSAGE "unable to assume given iam role"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void apply_client_token(char *out, const char *account, const char *region, const char *const *ids,
                        size_t n_ids, const char *settings, int attempt, int64_t run_ms)
{
	static const char hex[] = "0123456789abcdef";
	const char **sorted = xcalloc(n_ids ? n_ids : 1, sizeof(*sorted));
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	struct buf b = BUF_INIT;

	memcpy(sorted, ids, n_ids * sizeof(*sorted));
	qsort(sorted, n_ids, sizeof(*sorted), cmp_str);
	buf_addf(&b, "%s\n%s\n", account ? account : "", region ? region : "");
	for (size_t i = 0; i < n_ids; i++)
		buf_addf(&b, "%s,", sorted[i]);
	buf_addf(&b, "\n%s\n%d\n%lld", settings ? settings : "", attempt, (long long)run_ms);
	EVP_Digest(b.data, b.len, md, &md_len, EVP_sha256(), NULL);
	memcpy(out, "vpcflow-", 8);
	for (unsigned int i = 0; i < 24 && i < md_len; i++) {
		out[8 + 2 * i] = hex[md[i] >> 4];
		out[9 + 2 * i] = hex[md[i] & 15];
	}
	out[8 + 48] = '\0';
	free(sorted);
	buf_release(&b);
}

/* The CreateFlowLogs request of a flow (all but the resource IDs and the
 * token), and its settings as one string for the token. */
static void request_of(struct ec2_flow_log_request *req, struct buf *settings, const struct plan *p,
                       const struct plan_flow *f)
{
	const struct spec_config *c = &p->spec->configs[f->config];

	memset(req, 0, sizeof(*req));
	req->resource_type = spec_resource_type_name(c->resource_type);
	if (!spec_is_transit(c->resource_type))
		req->traffic_type = spec_traffic_type_name(c->traffic_type);
	req->log_destination_type = spec_destination_api(c->destination);
	req->log_group_name = f->log_group;
	req->deliver_logs_permission_arn = f->role_arn;
	req->log_destination = f->destination;
	req->log_format = c->log_format;
	req->max_aggregation_interval = c->max_aggregation_interval;
	if (c->destination == SPEC_S3) {
		req->destination_options = 1;
		req->file_format = spec_file_format_name(c->file_format);
		req->hive_compatible_partitions = c->hive_compatible_partitions;
		req->per_hour_partition = c->per_hour_partition;
	}
	buf_addf(settings, "%s|%s|%s|%s|%s|%s|%s|%d|%s|%d|%d", req->resource_type,
	         req->traffic_type ? req->traffic_type : "", req->log_destination_type,
	         f->log_group ? f->log_group : "", f->role_arn ? f->role_arn : "",
	         f->destination ? f->destination : "", c->log_format, c->max_aggregation_interval,
	         req->file_format ? req->file_format : "", req->hive_compatible_partitions,
	         req->per_hour_partition);
	for (size_t i = 0; i < c->n_tags; i++)
		buf_addf(settings, "|%s=%s", c->tags[i].key, c->tags[i].value);
}

static int is_propagation(const char *message)
{
	size_t n = strlen(PROPAGATION_MESSAGE);

	for (const char *m = message; m && *m; m++)
		if (strncasecmp(m, PROPAGATION_MESSAGE, n) == 0)
			return 1;
	return 0;
}

static int is_exists(const char *code, const char *message)
{
	return (code && strcmp(code, "FlowLogAlreadyExists") == 0) ||
	       (message && strstr(message, "already exists"));
}

/* Whether flow's role was made or changed in this run. */
static int role_is_fresh(const struct apply_run *run, const struct plan_flow *f)
{
	const char *slash = f->role_arn ? strrchr(f->role_arn, '/') : NULL;

	return slash && strlist_has(&run->fresh_roles, slash + 1);
}

/* One batch of creates that share a request. On a propagation error (the
 * whole call, or some resources) the call is repeated, for the resources
 * still to do, after a growing wait. With exists (replacements), a
 * FlowLogAlreadyExists outcome sets *exists and leaves the action pending.
 * report: outcomes are reported (else only recorded). */
static void create_batch(struct apply_run *run, const char *region, struct plan_action **acts,
                         size_t n, int *exists, int report)
{
	const struct plan *p = run->plan;
	const struct plan_flow *f = &p->flows[acts[0]->flow];
	const struct spec_config *c = &p->spec->configs[f->config];
	struct ec2_flow_log_request req;
	struct buf settings = BUF_INIT;
	const char **ids = xcalloc(n, sizeof(*ids));
	struct tag_list tags = TAG_LIST_INIT;
	int64_t base = run->opt->propagation_wait_ms > 0 ? run->opt->propagation_wait_ms
	                                                 : APPLY_PROPAGATION_WAIT_MS;
	int64_t wait = base;
	int64_t budget = run->opt->propagation_max_ms > 0 ? run->opt->propagation_max_ms
	                                                  : APPLY_PROPAGATION_MAX_MS;
	int64_t waited = 0;
	int may_wait = role_is_fresh(run, f);
	char token[64];

	request_of(&req, &settings, p, f);
	plan_config_tags(&tags, c);
	req.tags = &tags;
	for (int attempt = 0; n > 0; attempt++) {
		struct ec2_create_flow_logs_result res;
		struct aws_error err;
		size_t next = 0, ok = 0;
		int again = 0;

		for (size_t i = 0; i < n; i++)
			ids[i] = p->flows[acts[i]->flow].resource_id;
		apply_client_token(token, p->account, region, ids, n, settings.data, attempt,
		                   run->started_ms);
		req.resource_ids = ids;
		req.n_resource_ids = n;
		req.client_token = token;
		error_clear(&err);
		if (ec2_create_flow_logs(&res, run->client, region, &req, &err) < 0) {
			again = is_propagation(err.message) && may_wait && waited + wait <= budget;
			for (size_t i = 0; !again && i < n; i++) {
				if (exists && is_exists(err.aws_code, err.message))
					*exists = 1;
				else
					apply_settle_error(run, acts[i], &err, report);
			}
			if (!again)
				break;
			next = n;
		}
		for (size_t i = 0; !again && i < n; i++) {
			const struct ec2_unsuccessful *u = NULL;

			for (size_t k = 0; k < res.unsuccessful.n; k++)
				if (res.unsuccessful.v[k].resource_id &&
				    strcmp(res.unsuccessful.v[k].resource_id, ids[i]) == 0)
					u = &res.unsuccessful.v[k];
			if (!u) {
				apply_settle(run, acts[i], PLAN_DONE, report, "%s",
				             ok < res.flow_log_ids.n ? res.flow_log_ids.v[ok] : "");
				ok++;
			} else if (is_propagation(u->message) && may_wait &&
			           waited + wait <= budget) {
				acts[next++] = acts[i];
			} else if (exists && is_exists(u->code, u->message)) {
				*exists = 1;
			} else {
				apply_settle(run, acts[i], PLAN_FAILED, report,
				             "CreateFlowLogs: %s: %s", u->code ? u->code : "error",
				             u->message ? u->message : "no message");
			}
		}
		if (!again)
			ec2_create_flow_logs_result_release(&res);
		n = next;
		if (n) {
			clock_sleep_ms(run->clock, wait);
			waited += wait;
			if (wait * 2 <= 16 * base)
				wait *= 2;
		}
	}
	tag_list_release(&tags);
	buf_release(&settings);
	free(ids);
}

#define FLOW_LOG_NOT_FOUND "InvalidFlowLogId.NotFound"

/* DeleteFlowLogs takes no client token: a delete sent again after its first
 * send took effect and the answer was lost (or a flow log deleted by someone
 * else since the plan) finds the flow log gone, which is what was asked for.
 * AWS says so per flow log in Unsuccessful, or for the whole call: then the
 * IDs still there are read back and deleted again. Those AWS could not delete
 * for another reason go to bad. */
static int delete_flow_logs(struct ec2_unsuccessful_list *bad, struct apply_run *run,
                            const char *region, const char **ids, size_t n,
                            struct aws_error *err)
{
	int rc = ec2_delete_flow_logs(bad, run->client, region, ids, n, err);
	size_t kept = 0;

	if (rc < 0 && error_is(err, FLOW_LOG_NOT_FOUND)) {
		struct ec2_flow_log_list left = {0};
		struct ec2_filter still_there = {"flow-log-id", ids, n};

		error_clear(err);
		rc = ec2_describe_flow_logs(&left, run->client, region, &still_there, 1, err);
		if (rc == 0 && left.n) {
			const char **again = xcalloc(left.n, sizeof(*again));

			for (size_t i = 0; i < left.n; i++)
				again[i] = left.v[i].flow_log_id;
			rc = ec2_delete_flow_logs(bad, run->client, region, again, left.n, err);
			free(again);
		}
		ec2_flow_log_list_release(&left);
	}
	for (size_t i = 0; rc == 0 && i < bad->n; i++) {
		if (bad->v[i].code && strcmp(bad->v[i].code, FLOW_LOG_NOT_FOUND) == 0) {
			free(bad->v[i].resource_id);
			free(bad->v[i].code);
			free(bad->v[i].message);
		} else {
			bad->v[kept++] = bad->v[i];
		}
	}
	if (rc == 0)
		bad->n = kept;
	return rc;
}

/* Deletes flow log IDs; those AWS could not delete fail. */
static void delete_batch(struct apply_run *run, const char *region, struct plan_action **acts,
                         size_t n)
{
	const char **ids = xcalloc(n, sizeof(*ids));
	struct ec2_unsuccessful_list bad = {0};
	struct aws_error err;

	for (size_t i = 0; i < n; i++)
		ids[i] = acts[i]->flow_log_id;
	error_clear(&err);
	if (delete_flow_logs(&bad, run, region, ids, n, &err) < 0) {
		for (size_t i = 0; i < n; i++)
			apply_fail(run, acts[i], &err);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct ec2_unsuccessful *u = NULL;

			for (size_t k = 0; k < bad.n; k++)
				if (bad.v[k].resource_id &&
				    strcmp(bad.v[k].resource_id, ids[i]) == 0)
					u = &bad.v[k];
			if (u)
				apply_finish(run, acts[i], PLAN_FAILED, "DeleteFlowLogs: %s: %s",
				             u->code ? u->code : "error",
				             u->message ? u->message : "no message");
			else
				apply_finish(run, acts[i], PLAN_DONE, NULL);
		}
	}
	ec2_unsuccessful_list_release(&bad);
	free(ids);
}

/* Whether the log group a flow needs could not be made. */
static int group_failed(struct apply_run *run, const struct plan_flow *f)
{
	int failed = 0;

	pthread_mutex_lock(&run->lock);
	for (size_t i = 0; f->log_group && i < run->plan->n; i++) {
		const struct plan_action *a = &run->plan->v[i];

		if (a->kind == PLAN_LOG_GROUP && a->status == PLAN_FAILED &&
		    strcmp(a->region, f->region) == 0 && strcmp(a->subject, f->log_group) == 0)
			failed = 1;
	}
	pthread_mutex_unlock(&run->lock);
	return failed;
}

/* A pending create and the settings of its request: creates with equal
 * settings go into the same CreateFlowLogs call. */
struct keyed {
	struct plan_action *a;
	char *settings;
	size_t order;
};

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int c = strcmp(a->settings, b->settings);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* The creates of region, in batches of equal requests. */
static void create_region(struct apply_run *run, const char *region, struct plan_action **batch)
{
	struct plan *p = run->plan;
	struct keyed *k = xcalloc(p->n + 1, sizeof(*k));
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct plan_action *a = &p->v[i];
		struct ec2_flow_log_request req;
		struct buf b = BUF_INIT;

		if (a->kind != PLAN_FLOW_LOG || a->status != PLAN_PENDING ||
		    strcmp(a->region, region) != 0)
			continue;
		request_of(&req, &b, p, &p->flows[a->flow]);
		buf_addf(&b, "|%zu", p->flows[a->flow].config);
		k[n].a = a;
		k[n].settings = buf_detach(&b, NULL);
		k[n].order = n;
		n++;
	}
	qsort(k, n, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < n;) {
		const struct plan_flow *f = &p->flows[k[i].a->flow];
		size_t max = spec_is_transit(p->spec->configs[f->config].resource_type)
		                 ? APPLY_BATCH_TGW
		                 : APPLY_BATCH;
		size_t m = 0;

		while (i + m < n && m < max && strcmp(k[i + m].settings, k[i].settings) == 0) {
			batch[m] = k[i + m].a;
			m++;
		}
		if (group_failed(run, f)) {
			for (size_t x = 0; x < m; x++)
				apply_finish(run, batch[x], PLAN_SKIPPED,
				             "not created: its log group could not be made");
		} else {
			create_batch(run, region, batch, m, NULL, 1);
		}
		i += m;
	}
	for (size_t i = 0; i < n; i++)
		free(k[i].settings);
	free(k);
}

/* Deletes one flow log; a refusal is an error. */
static int delete_one(struct apply_run *run, const char *region, const char *id,
                      struct aws_error *err)
{
	const char *ids[1] = {id};
	struct ec2_unsuccessful_list bad = {0};
	int rc;

	rc = delete_flow_logs(&bad, run, region, ids, 1, err);
	if (rc == 0 && bad.n)
		rc = error_set(err, ERR_SERVICE, "%s: %s", bad.v[0].code ? bad.v[0].code : "error",
		               bad.v[0].message ? bad.v[0].message : "not deleted");
	ec2_unsuccessful_list_release(&bad);
	return rc;
}

/* Replaces a drifted flow log: the new one first, then the old one goes; when
 * AWS will not have both, the old one goes first. */
static void replace(struct apply_run *run, const char *region, struct plan_action *a)
{
	char *old = xstrdup(a->flow_log_id);
	struct plan_action *one = a;
	struct aws_error err;
	int exists = 0;

	error_clear(&err);
	create_batch(run, region, &one, 1, &exists, 0);
	if (a->status == PLAN_FAILED) {
		apply_finish(run, a, PLAN_FAILED, "%s", a->result ? a->result : "not created");
		goto out;
	}
	if (delete_one(run, region, old, &err) < 0) {
		error_prefix(&err, "delete drifted flow log %s", old);
		apply_fail(run, a, &err);
		goto out;
	}
	if (exists)
		create_batch(run, region, &one, 1, NULL, 1);
	else
		apply_finish(run, a, PLAN_DONE, "%s", a->result ? a->result : "");
out:
	free(old);
}

void apply_flow_region(struct apply_run *run, const char *region)
{
	struct plan *p = run->plan;
	struct plan_action **batch = xcalloc(p->n + 1, sizeof(*batch));

	create_region(run, region, batch);
	for (size_t i = 0; run->opt->replace && i < p->n; i++) {
		struct plan_action *a = &p->v[i];

		if (a->kind == PLAN_FLOW_LOG_REPLACE && a->status == PLAN_PENDING &&
		    strcmp(a->region, region) == 0)
			replace(run, region, a);
	}
	/* Deletes, up to APPLY_BATCH a call. */
	for (;;) {
		size_t n = 0;

		for (size_t i = 0; i < p->n && n < APPLY_BATCH; i++) {
			struct plan_action *a = &p->v[i];

			if (a->kind == PLAN_FLOW_LOG_DELETE && a->status == PLAN_PENDING &&
			    strcmp(a->region, region) == 0)
				batch[n++] = a;
		}
		if (!n)
			break;
		delete_batch(run, region, batch, n);
	}
	free(batch);
}
