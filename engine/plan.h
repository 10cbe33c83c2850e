/* The plan: what must change for AWS to match a spec (apply), or to undo it
 * (destroy). A pure function of the spec and the current state (struct
 * state): no I/O, so every decision is unit-testable. Each action carries a
 * marker (+ create, ~ update, - delete, ! drift or error), the sentence that
 * explains it, and what apply needs to carry it out (policy documents,
 * lifecycle rules, tags, retention). */
#ifndef VPCFLOW_ENGINE_PLAN_H
#define VPCFLOW_ENGINE_PLAN_H

#include <stddef.h>

#include <jansson.h>

#include "aws/buf.h"
#include "aws/s3.h"
#include "aws/tag.h"
#include "engine/spec.h"
#include "engine/state.h"

/* The tag vpcflow puts on everything it creates, and by which destroy
 * recognises what it may delete. */
#define PLAN_MANAGED_TAG   "vpcflow:managed"
#define PLAN_MANAGED_VALUE "true"
/* The inline policy vpcflow puts on a delivery role it manages. */
#define PLAN_ROLE_POLICY_NAME "vpcflow-delivery"
/* The service that assumes the delivery role. */
#define PLAN_FLOW_LOGS_SERVICE "vpc-flow-logs.amazonaws.com"

enum plan_op {
	PLAN_CREATE, /* + */
	PLAN_UPDATE, /* ~ */
	PLAN_DELETE, /* - */
	PLAN_DRIFT,  /* ! a flow log that differs from the spec */
	PLAN_ERROR,  /* ! something apply cannot do */
	PLAN_NOTE,   /* what is left alone, and why */
};

enum plan_kind {
	PLAN_ROLE,             /* create the delivery role with its trust policy */
	PLAN_ROLE_TRUST,       /* replace the trust policy of a role vpcflow made */
	PLAN_ROLE_POLICY,      /* put the inline delivery policy */
	PLAN_BUCKET,           /* create a bucket: public access block, encryption, tags */
	PLAN_BUCKET_POLICY,    /* put the merged bucket policy */
	PLAN_BUCKET_LIFECYCLE, /* put the merged lifecycle configuration */
	PLAN_LOG_GROUP,        /* create a log group with retention and tags */
	PLAN_RETENTION,        /* set a log group's retention */
	PLAN_LOG_GROUP_TAGS,   /* add the spec's tags to a log group */
	PLAN_FLOW_LOG,         /* create a flow log */
	PLAN_FLOW_LOG_REPLACE, /* drift: replace a flow log (apply --replace) */
	PLAN_FLOW_LOG_DELETE,
	PLAN_LOG_GROUP_DELETE,
	PLAN_ROLE_DELETE, /* its inline policy first */
	PLAN_BUCKET_DELETE,
	PLAN_MISSING, /* error: a listed resource does not exist; the others go on */
	PLAN_BLOCKED, /* error: apply cannot start (a role or bucket not ours, no stream) */
	PLAN_KEPT,    /* note */
};

/* What apply made of an action. */
enum plan_status {
	PLAN_PENDING,
	PLAN_DONE,
	PLAN_FAILED,
	PLAN_SKIPPED, /* not tried: something it needs failed */
};

/* One flow log the spec wants: a resource of a configuration in a region,
 * with its destination worked out. Strings owned; log_group and role_arn
 * are set for CloudWatchLogs, destination (an ARN) for S3 and Firehose. */
struct plan_flow {
	size_t config;
	char *region;
	char *resource_id;
	char *log_group;
	char *role_arn;
	char *destination;
};

/* One action. Strings owned, NULL when they do not apply: region (NULL for
 * IAM and buckets), subject (the role, bucket, log group or resource),
 * text (the whole sentence, without marker, and for errors without the
 * "error: " plan_format_text puts in front: the message alone), document (role trust policy,
 * inline policy or bucket policy, JSON), flow_log_id (the existing flow log
 * a replace or delete is about). flow indexes plan.flows for
 * PLAN_FLOW_LOG and PLAN_FLOW_LOG_REPLACE. status and result (the new flow
 * log's ID, or what went wrong) are apply's. */
struct plan_action {
	enum plan_op op;
	enum plan_kind kind;
	char *region;
	char *subject;
	char *text;
	char *document;
	struct s3_lifecycle lifecycle;
	struct tag_list tags;
	int retention_days;
	char *flow_log_id;
	size_t flow;
	enum plan_status status;
	char *result;
};

/* Invariants: flows and actions are owned; spec is borrowed and outlives
 * the plan. */
struct plan {
	const struct spec *spec;
	char *account, *partition;
	struct plan_flow *flows;
	size_t n_flows, alloc_flows;
	struct plan_action *v;
	size_t n, alloc;
};

struct plan_options {
	int replace;      /* apply --replace: drift is replaced (the sentences say so) */
	int destinations; /* destroy --destinations */
};

/* The plan that makes AWS match spec. Returns 0, or -1 with why filled (a
 * template that does not render: a bug, not a user error). */
int plan_make(struct plan *out, const struct spec *spec, const struct state *st,
              const struct plan_options *opt, struct buf *why);
/* The plan that deletes the spec's flow logs (tagged by vpcflow) and, with
 * opt->destinations, the log groups, roles and buckets vpcflow created. */
int plan_destroy(struct plan *out, const struct spec *spec, const struct state *st,
                 const struct plan_options *opt, struct buf *why);
void plan_release(struct plan *p);

/* How many actions have op. */
size_t plan_count(const struct plan *p, enum plan_op op);
/* Whether anything would change (create, update, delete or drift). */
int plan_has_changes(const struct plan *p);
/* Whether an error stops apply from starting (PLAN_BLOCKED). */
int plan_is_blocked(const struct plan *p);
/* '+', '~', '-', '!' or ' '. */
char plan_marker(enum plan_op op);
/* "create", "update", "delete", "drift", "error", "note". */
const char *plan_op_name(enum plan_op op);
/* "role", "flow-log", ...: the kind for JSON. */
const char *plan_kind_name(enum plan_kind kind);
/* Appends the sentence of a without marker: its text, after "error: " for
 * errors. */
void plan_format_text(struct buf *out, const struct plan_action *a);
/* Appends "+ create flow log for vpc-0abc (region us-east-1): ..." */
void plan_format_action(struct buf *out, const struct plan_action *a);
/* {"account", "actions": [...], "summary": {...}}; new reference. */
json_t *plan_to_json(const struct plan *p);

/* Pure helpers shared with engine/state.c and engine/apply.c. */

/* Whether tags hold PLAN_MANAGED_TAG = PLAN_MANAGED_VALUE. */
int plan_is_managed(const struct tag_list *tags);
/* The tags vpcflow puts on what it creates for configuration c:
 * PLAN_MANAGED_TAG and the spec's tags, appended to out. */
void plan_config_tags(struct tag_list *out, const struct spec_config *c);
/* Whether the account field of arn ("arn:P:S:R:ACCOUNT:...") is account. */
int plan_arn_in_account(const char *arn, const char *account);
/* The role name of an iamRole value (a name, or an ARN whose last path
 * segment is the name), owned; *foreign is set when the ARN names another
 * account than account. */
char *plan_role_name(const char *iam_role, const char *account, int *foreign);
/* The log group of configuration c for a resource in region, expanded
 * (resource_id "*" gives a pattern). Returns 0, or -1 with why filled. */
int plan_log_group_name(struct buf *out, const struct spec_config *c, const char *resource_id,
                        const char *region, const char *account, struct buf *why);
/* The S3 key prefix of configuration c for a resource in region: "" or the
 * expanded prefix with a trailing '/'. */
int plan_s3_key_prefix(struct buf *out, const struct spec_config *c, const char *resource_id,
                       const char *region, const char *account, struct buf *why);
/* The lifecycle rule ID vpcflow uses for a key prefix ("" or "p/"). */
void plan_lifecycle_rule_id(struct buf *out, const char *key_prefix);

#endif
