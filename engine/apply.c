/* Carrying out a plan: global steps, then the regions concurrently, then
 * the global deletes. */
#include "engine/apply.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/logs.h"
#include "aws/xalloc.h"
#include "engine/apply_run.h"
#include "engine/parallel.h"

#define APPLY_WORKERS 8

/* Records a's outcome; reports it when report is set. */
static void settle(struct apply_run *run, struct plan_action *a, enum plan_status st, int report,
                   const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	if (fmt)
		buf_vaddf(&b, fmt, ap);
	pthread_mutex_lock(&run->lock);
	a->status = st;
	free(a->result);
	a->result = fmt ? buf_detach(&b, NULL) : NULL;
	if (report && run->opt->on_done)
		run->opt->on_done(run->opt->ctx, run->plan, a);
	pthread_mutex_unlock(&run->lock);
	buf_release(&b);
}

void apply_settle(struct apply_run *run, struct plan_action *a, enum plan_status st, int report,
                  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	settle(run, a, st, report, fmt, ap);
	va_end(ap);
}

void apply_finish(struct apply_run *run, struct plan_action *a, enum plan_status st,
                  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	settle(run, a, st, 1, fmt, ap);
	va_end(ap);
}

void apply_settle_error(struct apply_run *run, struct plan_action *a, const struct aws_error *err,
                        int report)
{
	struct buf b = BUF_INIT;

	error_format(err, &b);
	apply_settle(run, a, PLAN_FAILED, report, "%s", b.data);
	buf_release(&b);
}

void apply_fail(struct apply_run *run, struct plan_action *a, const struct aws_error *err)
{
	apply_settle_error(run, a, err, 1);
}

size_t apply_count(const struct plan *p, enum plan_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->v[i].status == st && p->v[i].op != PLAN_NOTE && p->v[i].op != PLAN_ERROR;
	return n;
}

/* Whether an action changes something (errors and notes do not; drift only
 * with --replace). */
static int is_change(const struct apply_run *run, const struct plan_action *a)
{
	if (a->op == PLAN_ERROR || a->op == PLAN_NOTE)
		return 0;
	return a->kind != PLAN_FLOW_LOG_REPLACE || run->opt->replace;
}

static int before_regions(enum plan_kind k)
{
	return k == PLAN_ROLE || k == PLAN_ROLE_TRUST || k == PLAN_ROLE_POLICY ||
	       k == PLAN_BUCKET || k == PLAN_BUCKET_POLICY || k == PLAN_BUCKET_LIFECYCLE;
}

static int after_regions(enum plan_kind k)
{
	return k == PLAN_ROLE_DELETE || k == PLAN_BUCKET_DELETE;
}

static size_t failures(const struct apply_run *run)
{
	size_t n;

	pthread_mutex_lock((pthread_mutex_t *)&run->lock);
	n = apply_count(run->plan, PLAN_FAILED);
	pthread_mutex_unlock((pthread_mutex_t *)&run->lock);
	return n;
}

/* Gives up every pending change that match selects. */
static void skip_pending(struct apply_run *run, int (*match)(enum plan_kind), const char *why)
{
	for (size_t i = 0; i < run->plan->n; i++) {
		struct plan_action *a = &run->plan->v[i];

		if (a->status == PLAN_PENDING && is_change(run, a) && (!match || match(a->kind)))
			apply_finish(run, a, PLAN_SKIPPED, "%s", why);
	}
}

/* The ARN of a log group, as TagResource takes it. */
static char *group_arn(const struct apply_run *run, const struct plan_action *a)
{
	return xasprintf("arn:%s:logs:%s:%s:log-group:%s", run->plan->partition, a->region,
	                 run->plan->account, a->subject);
}

static void log_group_action(struct apply_run *run, struct plan_action *a)
{
	struct aws_error err;
	char *arn;
	int rc = 0;

	error_clear(&err);
	switch (a->kind) {
	case PLAN_LOG_GROUP:
		rc = logs_create_log_group(run->client, a->region, a->subject, &a->tags, &err);
		if (rc && error_is(&err, "ResourceAlreadyExistsException")) {
			error_clear(&err);
			rc = 0;
		}
		if (rc == 0)
			rc = logs_put_retention_policy(run->client, a->region, a->subject,
			                               a->retention_days, &err);
		break;
	case PLAN_RETENTION:
		rc = logs_put_retention_policy(run->client, a->region, a->subject,
		                               a->retention_days, &err);
		break;
	case PLAN_LOG_GROUP_TAGS:
		arn = group_arn(run, a);
		rc = logs_tag_resource(run->client, a->region, arn, &a->tags, &err);
		free(arn);
		break;
	case PLAN_LOG_GROUP_DELETE:
		rc = logs_delete_log_group(run->client, a->region, a->subject, &err);
		if (rc && error_is(&err, "ResourceNotFoundException"))
			rc = 0;
		break;
	default:
		return;
	}
	if (rc)
		apply_fail(run, a, &err);
	else
		apply_finish(run, a, PLAN_DONE, NULL);
}

/* Whether any action of kind in region failed. */
static int region_failed(struct apply_run *run, const char *region, enum plan_kind kind)
{
	int failed = 0;

	pthread_mutex_lock(&run->lock);
	for (size_t i = 0; i < run->plan->n; i++) {
		const struct plan_action *a = &run->plan->v[i];

		if (a->kind == kind && a->status == PLAN_FAILED && a->region &&
		    strcmp(a->region, region) == 0)
			failed = 1;
	}
	pthread_mutex_unlock(&run->lock);
	return failed;
}

struct region_job {
	struct apply_run *run;
	struct strlist regions;
};

static void run_region(void *arg, size_t i)
{
	struct region_job *job = arg;
	struct apply_run *run = job->run;
	const char *region = job->regions.v[i];
	struct plan *p = run->plan;

	for (size_t k = 0; k < p->n; k++) {
		struct plan_action *a = &p->v[k];

		if (a->status == PLAN_PENDING && a->region && strcmp(a->region, region) == 0 &&
		    (a->kind == PLAN_LOG_GROUP || a->kind == PLAN_RETENTION ||
		     a->kind == PLAN_LOG_GROUP_TAGS))
			log_group_action(run, a);
	}
	apply_flow_region(run, region);
	for (size_t k = 0; k < p->n; k++) {
		struct plan_action *a = &p->v[k];

		if (a->kind != PLAN_LOG_GROUP_DELETE || a->status != PLAN_PENDING ||
		    strcmp(a->region, region) != 0)
			continue;
		if (region_failed(run, region, PLAN_FLOW_LOG_DELETE))
			apply_finish(run, a, PLAN_SKIPPED,
			             "not deleted: a flow log of the region was not deleted");
		else
			log_group_action(run, a);
	}
}

int apply_run(struct plan *p, struct client *c, const struct apply_options *opt)
{
	struct apply_run run;
	struct region_job job = {&run, STRLIST_INIT};

	memset(&run, 0, sizeof(run));
	run.plan = p;
	run.client = c;
	run.opt = opt;
	run.clock = opt->clock ? opt->clock : &clock_system;
	run.started_ms = clock_now_ms(run.clock);
	pthread_mutex_init(&run.lock, NULL);

	/* The global actions, one after the other, until one fails. */
	for (size_t i = 0; i < p->n; i++) {
		if (!before_regions(p->v[i].kind) || p->v[i].status != PLAN_PENDING ||
		    !is_change(&run, &p->v[i]))
			continue;
		apply_dest_action(&run, &p->v[i]);
		if (p->v[i].status == PLAN_FAILED)
			break;
	}
	if (failures(&run)) {
		skip_pending(&run, NULL, "not attempted: an earlier step failed");
		goto out;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->v[i];

		if (a->region && !before_regions(a->kind) && !after_regions(a->kind) &&
		    is_change(&run, a) && !strlist_has(&job.regions, a->region))
			strlist_add(&job.regions, a->region);
	}
	parallel_run(job.regions.n, opt->workers > 0 ? opt->workers : APPLY_WORKERS, run_region,
	             NULL, &job);
	if (failures(&run))
		skip_pending(&run, after_regions, "not deleted: an earlier step failed");
	for (size_t i = 0; i < p->n; i++)
		if (after_regions(p->v[i].kind) && p->v[i].status == PLAN_PENDING)
			apply_dest_action(&run, &p->v[i]);
out:
	strlist_release(&job.regions);
	strlist_release(&run.fresh_roles);
	pthread_mutex_destroy(&run.lock);
	return apply_count(p, PLAN_FAILED) ? -1 : 0;
}
