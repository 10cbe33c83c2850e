/* What engine/plan.c and engine/plan_dest.c share while building a plan;
 * not for other users. */
#ifndef VPCFLOW_ENGINE_PLAN_BUILD_H
#define VPCFLOW_ENGINE_PLAN_BUILD_H

#include "engine/plan.h"

/* Appends an action; text is a printf format. Returns it (borrowed, valid
 * until the next add). */
struct plan_action *plan_add(struct plan *p, enum plan_op op, enum plan_kind kind,
                             const char *region, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The configuration of a flow. */
const struct spec_config *plan_flow_config(const struct plan *p, const struct plan_flow *f);
/* Whether a PLAN_FLOW_LOG_DELETE of p deletes flow log id. */
int plan_deletes_flow_log(const struct plan *p, const char *id);

/* The actions for the destinations of p's flows (engine/plan_dest.c). */
int plan_dest_roles(struct plan *p, const struct state *st, struct buf *why);
int plan_dest_buckets(struct plan *p, const struct state *st, struct buf *why);
void plan_dest_log_groups(struct plan *p, const struct state_region *r);
/* destroy --destinations: deletes of the log groups, roles and buckets of
 * p's flows that vpcflow created and no remaining flow log uses. */
void plan_dest_destroy(struct plan *p, const struct state *st);

#endif
