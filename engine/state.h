/* The current state of AWS as far as a spec is concerned: who the caller is,
 * which of the spec's target resources exist in each region, the flow logs
 * there, and the destinations the spec names (log groups, the delivery
 * role, buckets, Firehose streams). state_read fills it from AWS (regions
 * concurrently); engine/plan.c compares it with the spec without any I/O,
 * so tests can build a struct state by hand. */
#ifndef VPCFLOW_ENGINE_STATE_H
#define VPCFLOW_ENGINE_STATE_H

#include <stddef.h>

#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/strlist.h"
#include "aws/tag.h"
#include "engine/spec.h"

struct client;

/* A log group the spec names that exists. Strings owned; arn is the ARN
 * without ":*"; retention_days 0 means events never expire; tags are only
 * meaningful when tags_read. */
struct state_log_group {
	char *name;
	char *arn;
	int retention_days;
	struct tag_list tags;
	int tags_read;
};

/* A Firehose stream the spec names, looked up in one region. name is the
 * spec's value (a name or an ARN); arn is NULL when there is no such stream. */
struct state_stream {
	char *name;
	char *arn;
};

/* One region. Invariants: applies[i] and found[i] exist for each of the
 * spec's n_configs configurations; found[i] (sorted IDs of the resources of
 * configuration i's type that exist, limited to its resourceIds when it
 * lists them) is empty unless applies[i]; groups holds only log groups the
 * spec names that exist. */
struct state_region {
	char *region;
	int *applies;
	struct strlist *found;
	struct ec2_flow_log_list flow_logs;
	struct state_log_group *groups;
	size_t n_groups, alloc_groups;
	struct state_stream *streams;
	size_t n_streams, alloc_streams;
};

/* A delivery role the spec names. name is the role's name (from a name or
 * an ARN); arn is the spec's ARN, else the role's when it exists, else
 * NULL. foreign: an ARN of another account, used as it is and never read or
 * changed. policy is the role's inline policy PLAN_ROLE_POLICY_NAME (decoded
 * JSON), NULL when it has none. */
struct state_role {
	char *name;
	char *arn;
	int foreign;
	int exists;
	struct iam_role role;
	char *policy;
};

/* A bucket the spec names. denied: it exists but is not the caller's to
 * read (403); region is where it lives when it exists; policy NULL when it
 * has none. */
struct state_bucket {
	char *name;
	int exists;
	int denied;
	char *region;
	char *policy;
	struct s3_lifecycle lifecycle;
	struct tag_list tags;
};

/* Invariants: account and partition are set after a successful read;
 * n_configs is the spec's. */
struct state {
	char *account, *partition, *caller_arn;
	char *home_region; /* the configured region */
	size_t n_configs;
	struct state_region *regions;
	size_t n_regions, alloc_regions;
	struct state_role *roles;
	size_t n_roles, alloc_roles;
	struct state_bucket *buckets;
	size_t n_buckets, alloc_buckets;
};

struct state_options {
	const char *home_region; /* the configured region; required */
	int read_tags;           /* read the tags of log groups (destroy) */
	int workers;             /* regions read at once; 0: 8 */
};

/* Reads everything the spec needs: identity, then each region's targets,
 * flow logs, log groups and streams (regions concurrently), then roles and
 * buckets. Returns 0, or an ERR_* with err naming what failed (out is then
 * released). */
int state_read(struct state *out, struct client *c, const struct spec *spec,
               const struct state_options *opt, struct aws_error *err);
void state_release(struct state *st);

/* Building a state by hand (tests) and by state_read. Returned pointers are
 * borrowed from st and valid until the next add. */
void state_init(struct state *st, const char *account, const char *partition,
                const char *home_region, size_t n_configs);
struct state_region *state_add_region(struct state *st, const char *region);
struct state_log_group *state_region_add_group(struct state_region *r, const char *name,
                                               const char *arn, int retention_days);
struct state_stream *state_region_add_stream(struct state_region *r, const char *name,
                                             const char *arn);
struct state_role *state_add_role(struct state *st, const char *name);
struct state_bucket *state_add_bucket(struct state *st, const char *name);

/* Lookups; NULL when absent. */
struct state_region *state_find_region(const struct state *st, const char *region);
const struct state_log_group *state_region_find_group(const struct state_region *r,
                                                      const char *name);
const struct state_stream *state_region_find_stream(const struct state_region *r, const char *name);
struct state_role *state_find_role(const struct state *st, const char *name);
struct state_bucket *state_find_bucket(const struct state *st, const char *name);

#endif
