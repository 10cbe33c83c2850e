/* What engine/apply.c, engine/apply_flow.c and engine/apply_dest.c share
 * while carrying out a plan; not for other users. */
#ifndef VPCFLOW_ENGINE_APPLY_RUN_H
#define VPCFLOW_ENGINE_APPLY_RUN_H

#include <pthread.h>

#include "aws/error.h"
#include "aws/strlist.h"
#include "engine/apply.h"

/* One run. Invariants: fresh_roles (names of roles made or changed in this
 * run) is only written before the regions start; lock serialises status
 * changes and on_done. */
struct apply_run {
	struct plan *plan;
	struct client *client;
	const struct apply_options *opt;
	const struct clock *clock;
	struct strlist fresh_roles;
	int64_t started_ms; /* when the run started: part of every ClientToken */
	pthread_mutex_t lock;
};

/* Sets a's status and result (a printf format, NULL: none) and reports it. */
void apply_finish(struct apply_run *run, struct plan_action *a, enum plan_status st,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Marks a failed with err's one-line form. */
void apply_fail(struct apply_run *run, struct plan_action *a, const struct aws_error *err);
/* As apply_finish and apply_fail, reporting only when report is set. */
void apply_settle(struct apply_run *run, struct plan_action *a, enum plan_status st, int report,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void apply_settle_error(struct apply_run *run, struct plan_action *a, const struct aws_error *err,
                        int report);

/* Carries out one action on a role or bucket (engine/apply_dest.c). */
void apply_dest_action(struct apply_run *run, struct plan_action *a);
/* The flow-log actions of region: creates in batches, replacements, deletes
 * (engine/apply_flow.c). */
void apply_flow_region(struct apply_run *run, const char *region);

#endif
