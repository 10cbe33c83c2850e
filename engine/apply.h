/* Carrying out a plan: the actions of plan_make (apply) or plan_destroy
 * (destroy), in the order AWS needs them. Global steps (the delivery role,
 * buckets) run once before the regions; regions run concurrently, each
 * creating its log groups, then its flow logs in batches (up to 1000
 * resources a CreateFlowLogs call, 25 for transit gateways) with a
 * deterministic ClientToken; deletes go flow logs first, then log groups,
 * then roles and buckets. Each action's status and result record what
 * happened. */
#ifndef VPCFLOW_ENGINE_APPLY_H
#define VPCFLOW_ENGINE_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/plan.h"

struct client;
struct clock;

#define APPLY_BATCH               1000 /* resources a CreateFlowLogs or DeleteFlowLogs call takes */
#define APPLY_BATCH_TGW           25   /* ... for transit gateways and their attachments */
#define APPLY_PROPAGATION_WAIT_MS 2000
#define APPLY_PROPAGATION_MAX_MS  120000

struct apply_options {
	const char *home_region;   /* IAM and STS calls are signed for its partition */
	int replace;               /* replace drifted flow logs (create new, then delete old) */
	const struct clock *clock; /* NULL: the system clock */
	/* "Unable to assume given IAM role" right after vpcflow made or changed
	 * the role is retried: first after propagation_wait_ms, doubling, for
	 * up to propagation_max_ms in all (0: the defaults above). */
	int64_t propagation_wait_ms;
	int64_t propagation_max_ms;
	int workers; /* regions at once; 0: 8 */
	/* Called after each action is carried out (or given up), one call at a
	 * time, for progress lines. */
	void (*on_done)(void *ctx, const struct plan *p, const struct plan_action *a);
	void *ctx;
};

/* Carries out every action of p that changes something. Returns 0 when none
 * failed, -1 otherwise. Drift is only replaced with opt->replace. */
int apply_run(struct plan *p, struct client *c, const struct apply_options *opt);

/* The ClientToken of a CreateFlowLogs call: "vpcflow-" and 48 hex digits of
 * SHA-256 over the account, region, the resource IDs sorted, the request's
 * settings, the attempt number and the run (the time the run started), so
 * that a call the client layer retries is the same call to AWS. A later run
 * gets other tokens on purpose: AWS would answer a token it has seen with
 * the flow logs of that call even after they were deleted (apply, destroy,
 * apply); a re-run relies on the plan, which sees what exists. out holds at
 * least 64 bytes. */
void apply_client_token(char *out, const char *account, const char *region, const char *const *ids,
                        size_t n_ids, const char *settings, int attempt, int64_t run_ms);

/* How many actions have status st. */
size_t apply_count(const struct plan *p, enum plan_status st);

#endif
