/* The current state: building it (by hand or from AWS), looking things up,
 * releasing it. */
#include "engine/state.h"

#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

void state_init(struct state *st, const char *account, const char *partition,
                const char *home_region, size_t n_configs)
{
	memset(st, 0, sizeof(*st));
	st->account = account ? xstrdup(account) : NULL;
	st->partition = partition ? xstrdup(partition) : NULL;
	st->home_region = home_region ? xstrdup(home_region) : NULL;
	st->n_configs = n_configs;
}

struct state_region *state_add_region(struct state *st, const char *region)
{
	struct state_region *r;

	ALLOC_GROW(st->regions, st->n_regions + 1, st->alloc_regions);
	r = &st->regions[st->n_regions++];
	memset(r, 0, sizeof(*r));
	r->region = xstrdup(region);
	r->applies = xcalloc(st->n_configs ? st->n_configs : 1, sizeof(*r->applies));
	r->found = xcalloc(st->n_configs ? st->n_configs : 1, sizeof(*r->found));
	return r;
}

struct state_log_group *state_region_add_group(struct state_region *r, const char *name,
                                               const char *arn, int retention_days)
{
	struct state_log_group *g;

	ALLOC_GROW(r->groups, r->n_groups + 1, r->alloc_groups);
	g = &r->groups[r->n_groups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->arn = arn ? xstrdup(arn) : NULL;
	g->retention_days = retention_days;
	return g;
}

struct state_stream *state_region_add_stream(struct state_region *r, const char *name,
                                             const char *arn)
{
	struct state_stream *s;

	ALLOC_GROW(r->streams, r->n_streams + 1, r->alloc_streams);
	s = &r->streams[r->n_streams++];
	s->name = xstrdup(name);
	s->arn = arn ? xstrdup(arn) : NULL;
	return s;
}

struct state_role *state_add_role(struct state *st, const char *name)
{
	struct state_role *r;

	ALLOC_GROW(st->roles, st->n_roles + 1, st->alloc_roles);
	r = &st->roles[st->n_roles++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	return r;
}

struct state_bucket *state_add_bucket(struct state *st, const char *name)
{
	struct state_bucket *b;

	ALLOC_GROW(st->buckets, st->n_buckets + 1, st->alloc_buckets);
	b = &st->buckets[st->n_buckets++];
	memset(b, 0, sizeof(*b));
	b->name = xstrdup(name);
	return b;
}

struct state_region *state_find_region(const struct state *st, const char *region)
{
	for (size_t i = 0; i < st->n_regions; i++)
		if (strcmp(st->regions[i].region, region) == 0)
			return &st->regions[i];
	return NULL;
}

const struct state_log_group *state_region_find_group(const struct state_region *r,
                                                      const char *name)
{
	for (size_t i = 0; r && i < r->n_groups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return &r->groups[i];
	return NULL;
}

const struct state_stream *state_region_find_stream(const struct state_region *r, const char *name)
{
	for (size_t i = 0; r && i < r->n_streams; i++)
		if (strcmp(r->streams[i].name, name) == 0)
			return &r->streams[i];
	return NULL;
}

struct state_role *state_find_role(const struct state *st, const char *name)
{
	for (size_t i = 0; i < st->n_roles; i++)
		if (strcmp(st->roles[i].name, name) == 0)
			return &st->roles[i];
	return NULL;
}

struct state_bucket *state_find_bucket(const struct state *st, const char *name)
{
	for (size_t i = 0; i < st->n_buckets; i++)
		if (strcmp(st->buckets[i].name, name) == 0)
			return &st->buckets[i];
	return NULL;
}

static void region_release(struct state_region *r, size_t n_configs)
{
	for (size_t i = 0; i < n_configs && r->found; i++)
		strlist_release(&r->found[i]);
	for (size_t i = 0; i < r->n_groups; i++) {
		free(r->groups[i].name);
		free(r->groups[i].arn);
		tag_list_release(&r->groups[i].tags);
	}
	for (size_t i = 0; i < r->n_streams; i++) {
		free(r->streams[i].name);
		free(r->streams[i].arn);
	}
	ec2_flow_log_list_release(&r->flow_logs);
	free(r->groups);
	free(r->streams);
	free(r->found);
	free(r->applies);
	free(r->region);
}

void state_release(struct state *st)
{
	for (size_t i = 0; i < st->n_regions; i++)
		region_release(&st->regions[i], st->n_configs);
	for (size_t i = 0; i < st->n_roles; i++) {
		struct state_role *r = &st->roles[i];

		free(r->name);
		free(r->arn);
		free(r->policy);
		iam_role_release(&r->role);
	}
	for (size_t i = 0; i < st->n_buckets; i++) {
		struct state_bucket *b = &st->buckets[i];

		free(b->name);
		free(b->region);
		free(b->policy);
		s3_lifecycle_release(&b->lifecycle);
		tag_list_release(&b->tags);
	}
	free(st->regions);
	free(st->roles);
	free(st->buckets);
	free(st->account);
	free(st->partition);
	free(st->caller_arn);
	free(st->home_region);
	memset(st, 0, sizeof(*st));
}
