/* Reading the current state from AWS: identity, then each region (targets,
 * flow logs, log groups, streams) concurrently, then roles and buckets. */
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "aws/firehose.h"
#include "aws/iam.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "aws/xalloc.h"
#include "engine/parallel.h"
#include "engine/plan.h"
#include "engine/state.h"

#define STATE_WORKERS 8

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds id to found unless a state says the resource is going away. */
static void found_add(struct strlist *found, const char *id, const char *state)
{
	if (state && (strcmp(state, "deleted") == 0 || strcmp(state, "deleting") == 0))
		return;
	if (!strlist_has(found, id))
		strlist_add(found, id);
}

/* Whether a resource of owner belongs to account (shared ones do not). */
static int owned(const char *owner, const char *account, int listed)
{
	return listed || !owner || !account || strcmp(owner, account) == 0;
}

/* One Describe call for configuration c's type with a filter on ids (NULL:
 * every resource; any number, the call batches them), adding what exists to
 * found. */
static int describe_targets(struct strlist *found, struct client *cl, const char *region,
                            const struct spec_config *c, const char *const *ids, size_t n_ids,
                            const char *account, struct aws_error *err)
{
	static const char *const filter_names[] = {"vpc-id", "subnet-id", "network-interface-id",
	                                           "transit-gateway-id",
	                                           "transit-gateway-attachment-id"};
	struct ec2_filter f = {filter_names[c->resource_type], ids, n_ids};
	size_t nf = ids ? 1 : 0;
	int listed = ids != NULL, rc = 0;

	switch (c->resource_type) {
	case SPEC_VPC: {
		struct ec2_vpc_list l = {0};

		rc = ec2_describe_vpcs(&l, cl, region, &f, nf, err);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			if (owned(l.v[i].owner_id, account, listed))
				found_add(found, l.v[i].vpc_id, NULL);
		ec2_vpc_list_release(&l);
		break;
	}
	case SPEC_SUBNET: {
		struct ec2_subnet_list l = {0};

		rc = ec2_describe_subnets(&l, cl, region, &f, nf, err);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			if (owned(l.v[i].owner_id, account, listed))
				found_add(found, l.v[i].subnet_id, NULL);
		ec2_subnet_list_release(&l);
		break;
	}
	case SPEC_NETWORK_INTERFACE: {
		struct ec2_eni_list l = {0};

		rc = ec2_describe_network_interfaces(&l, cl, region, &f, nf, err);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			found_add(found, l.v[i].network_interface_id, NULL);
		ec2_eni_list_release(&l);
		break;
	}
	case SPEC_TRANSIT_GATEWAY: {
		struct ec2_tgw_list l = {0};

		rc = ec2_describe_transit_gateways(&l, cl, region, &f, nf, err);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			if (owned(l.v[i].owner_id, account, listed))
				found_add(found, l.v[i].transit_gateway_id, l.v[i].state);
		ec2_tgw_list_release(&l);
		break;
	}
	case SPEC_TRANSIT_GATEWAY_ATTACHMENT: {
		struct ec2_tgw_attachment_list l = {0};

		rc = ec2_describe_transit_gateway_attachments(&l, cl, region, &f, nf, err);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			found_add(found, l.v[i].transit_gateway_attachment_id, l.v[i].state);
		ec2_tgw_attachment_list_release(&l);
		break;
	}
	}
	return rc;
}

/* The resources of configuration c in region: the listed ones that exist,
 * or every one (sorted). */
static int read_targets(struct strlist *found, struct client *cl, const char *region,
                        const struct spec_config *c, const char *account, struct aws_error *err)
{
	const struct strlist *ids = &c->resource_ids;
	int rc;

	rc = describe_targets(found, cl, region, c, ids->n ? (const char *const *)ids->v : NULL,
	                      ids->n, account, err);
	if (found->n > 1)
		qsort(found->v, found->n, sizeof(*found->v), cmp_str);
	return rc;
}

/* The log groups of the region's flows that exist, with their tags when
 * asked for (or when the configuration has tags to compare). */
static int read_log_groups(struct state_region *r, struct client *cl, const struct spec *spec,
                           const struct state *st, int read_tags, struct aws_error *err)
{
	struct strlist names = STRLIST_INIT, prefixes = STRLIST_INIT;
	struct buf b = BUF_INIT, why = BUF_INIT;
	int *tags_wanted = NULL, rc = 0;

	for (size_t ci = 0; ci < spec->n_configs; ci++) {
		const struct spec_config *c = &spec->configs[ci];
		char *star;

		if (!r->applies[ci] || c->destination != SPEC_CLOUDWATCH_LOGS || !r->found[ci].n)
			continue;
		for (size_t k = 0; k < r->found[ci].n; k++) {
			buf_reset(&b);
			if (plan_log_group_name(&b, c, r->found[ci].v[k], r->region, st->account,
			                        &why) < 0 ||
			    strlist_has(&names, b.data))
				continue;
			strlist_add(&names, b.data);
			tags_wanted = xrealloc(tags_wanted, names.n * sizeof(*tags_wanted));
			tags_wanted[names.n - 1] = read_tags || c->n_tags > 0;
		}
		buf_reset(&b);
		if (plan_log_group_name(&b, c, "*", r->region, st->account, &why) < 0)
			continue;
		if ((star = strchr(b.data, '*')))
			*star = '\0';
		if (!strlist_has(&prefixes, b.data))
			strlist_add(&prefixes, b.data);
	}
	for (size_t i = 0; rc == 0 && i < prefixes.n; i++) {
		struct logs_group_list l = {0};
		int covered = 0;

		/* A shorter prefix already read covers this one. */
		for (size_t j = 0; j < prefixes.n; j++)
			if (j != i &&
			    strncmp(prefixes.v[i], prefixes.v[j], strlen(prefixes.v[j])) == 0 &&
			    (strlen(prefixes.v[j]) < strlen(prefixes.v[i]) || j < i))
				covered = 1;
		if (covered)
			continue;
		rc = logs_describe_log_groups(&l, cl, r->region,
		                              *prefixes.v[i] ? prefixes.v[i] : NULL, err);
		for (size_t k = 0; rc == 0 && k < l.n; k++)
			if (strlist_has(&names, l.v[k].name) &&
			    !state_region_find_group(r, l.v[k].name))
				state_region_add_group(r, l.v[k].name, l.v[k].log_group_arn,
				                       l.v[k].retention_in_days);
		logs_group_list_release(&l);
	}
	for (size_t i = 0; rc == 0 && i < r->n_groups; i++) {
		struct state_log_group *g = &r->groups[i];
		size_t k = 0;

		while (k < names.n && strcmp(names.v[k], g->name) != 0)
			k++;
		if (k == names.n || !tags_wanted[k] || !g->arn)
			continue;
		rc = logs_list_tags_for_resource(&g->tags, cl, r->region, g->arn, err);
		g->tags_read = rc == 0;
	}
	free(tags_wanted);
	strlist_release(&names);
	strlist_release(&prefixes);
	buf_release(&b);
	buf_release(&why);
	return rc;
}

/* The Firehose streams of the region's configurations. */
static int read_streams(struct state_region *r, struct client *cl, const struct spec *spec,
                        const struct state *st, struct aws_error *err)
{
	for (size_t ci = 0; ci < spec->n_configs; ci++) {
		const struct spec_config *c = &spec->configs[ci];
		const char *name = c->delivery_stream, *slash;
		struct firehose_stream fs;
		int rc;

		if (!r->applies[ci] || c->destination != SPEC_KINESIS_FIREHOSE ||
		    state_region_find_stream(r, name))
			continue;
		if (strncmp(name, "arn:", 4) == 0) {
			if (!plan_arn_in_account(name, st->account)) { /* used as it is */
				state_region_add_stream(r, name, name);
				continue;
			}
			slash = strrchr(name, '/');
			name = slash ? slash + 1 : name;
		}
		rc = firehose_describe_delivery_stream(&fs, cl, r->region, name, err);
		if (rc == ERR_NOT_FOUND) {
			state_region_add_stream(r, c->delivery_stream, NULL);
			continue;
		}
		if (rc)
			return rc;
		state_region_add_stream(r, c->delivery_stream, fs.arn);
		firehose_stream_release(&fs);
	}
	return 0;
}

struct read_job {
	struct client *client;
	const struct spec *spec;
	struct state *st;
	int read_tags;
	struct aws_error *errs;
	int *failed;
};

static void read_region(void *arg, size_t i)
{
	struct read_job *job = arg;
	struct state_region *r = &job->st->regions[i];
	struct aws_error *err = &job->errs[i];
	int rc = 0;

	error_clear(err);
	for (size_t ci = 0; rc == 0 && ci < job->spec->n_configs; ci++)
		if (r->applies[ci])
			rc = read_targets(&r->found[ci], job->client, r->region,
			                  &job->spec->configs[ci], job->st->account, err);
	if (rc == 0)
		rc = ec2_describe_flow_logs(&r->flow_logs, job->client, r->region, NULL, 0, err);
	if (rc == 0)
		rc = read_log_groups(r, job->client, job->spec, job->st, job->read_tags, err);
	if (rc == 0)
		rc = read_streams(r, job->client, job->spec, job->st, err);
	if (rc)
		error_prefix(err, "region %s", r->region);
	job->failed[i] = rc;
}

/* The regions of each configuration, home region first. */
static int plan_regions(struct state *st, struct client *cl, const struct spec *spec,
                        struct aws_error *err)
{
	struct strlist all = STRLIST_INIT;
	int rc = 0;

	for (size_t ci = 0; ci < spec->n_configs; ci++)
		if (spec->configs[ci].regions_kind == SPEC_REGIONS_ALL && !all.n) {
			rc = ec2_describe_regions(&all, cl, st->home_region, err);
			if (rc)
				goto out;
		}
	for (int pass = 0; pass < 2; pass++)
		for (size_t ci = 0; ci < spec->n_configs; ci++) {
			const struct spec_config *c = &spec->configs[ci];
			const struct strlist *l = c->regions_kind == SPEC_REGIONS_LIST ? &c->regions
			                          : c->regions_kind == SPEC_REGIONS_ALL ? &all
			                                                                : NULL;
			const char *one[1] = {st->home_region};
			const char *const *v = l ? (const char *const *)l->v : one;
			size_t n = l ? l->n : 1;

			for (size_t k = 0; k < n; k++) {
				struct state_region *r;

				/* First pass: only the home region, so it comes first. */
				if (pass == 0 && strcmp(v[k], st->home_region) != 0)
					continue;
				if (pass == 1 && state_find_region(st, v[k]) &&
				    state_find_region(st, v[k])->applies[ci])
					continue;
				if (!(r = state_find_region(st, v[k])))
					r = state_add_region(st, v[k]);
				r->applies[ci] = 1;
			}
		}
out:
	strlist_release(&all);
	return rc;
}

/* The delivery roles the CloudWatch configurations name. */
static int read_roles(struct state *st, struct client *cl, const struct spec *spec,
                      struct aws_error *err)
{
	for (size_t ci = 0; ci < spec->n_configs; ci++) {
		const struct spec_config *c = &spec->configs[ci];
		struct state_role *sr;
		int foreign, rc;
		char *name;

		if (c->destination != SPEC_CLOUDWATCH_LOGS)
			continue;
		name = plan_role_name(c->iam_role, st->account, &foreign);
		if (state_find_role(st, name)) {
			free(name);
			continue;
		}
		sr = state_add_role(st, name);
		free(name);
		sr->foreign = foreign;
		if (strncmp(c->iam_role, "arn:", 4) == 0)
			sr->arn = xstrdup(c->iam_role);
		if (foreign)
			continue;
		rc = iam_get_role(&sr->role, cl, st->home_region, sr->name, err);
		if (rc == ERR_NOT_FOUND)
			continue;
		if (rc) {
			error_prefix(err, "role %s", sr->name);
			return rc;
		}
		sr->exists = 1;
		free(sr->arn);
		sr->arn = xstrdup(sr->role.arn);
		if (!plan_is_managed(&sr->role.tags))
			continue;
		rc = iam_get_role_policy(&sr->policy, cl, st->home_region, sr->name,
		                         PLAN_ROLE_POLICY_NAME, err);
		if (rc && rc != ERR_NOT_FOUND) {
			error_prefix(err, "role %s", sr->name);
			return rc;
		}
	}
	return 0;
}

/* One bucket: where it is, its policy, lifecycle rules and tags. */
static int read_bucket(struct state_bucket *sb, struct client *cl, const char *home,
                       struct aws_error *err)
{
	char where[64];
	int rc;

	rc = s3_head_bucket(where, sizeof(where), cl, home, sb->name, err);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc == ERR_SERVICE && err->http_status == 403) {
		sb->denied = 1;
		return 0;
	}
	if (rc == ERR_SERVICE && err->http_status == 301) {
		/* A bucket of another region: the 301 names that region in
		 * x-amz-bucket-region (where). Only without it is
		 * GetBucketLocation, and s3:GetBucketLocation, needed. */
		char *loc = NULL;

		error_clear(err);
		rc = 0;
		if (!*where || strcmp(where, home) == 0) {
			rc = s3_get_bucket_location(&loc, cl, home, sb->name, err);
			snprintf(where, sizeof(where), "%s", loc ? loc : "");
			free(loc);
		}
	}
	if (rc)
		return rc;
	sb->exists = 1;
	sb->region = xstrdup(*where ? where : home);
	rc = s3_get_bucket_policy(&sb->policy, cl, sb->region, sb->name, err);
	if (rc == 0 || rc == ERR_NOT_FOUND)
		rc = s3_get_bucket_lifecycle(&sb->lifecycle, cl, sb->region, sb->name, err);
	if (rc == 0 || rc == ERR_NOT_FOUND)
		rc = s3_get_bucket_tagging(&sb->tags, cl, sb->region, sb->name, err);
	if (rc && rc != ERR_NOT_FOUND)
		error_prefix(err, "bucket %s", sb->name); /* S3's own messages name none */
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

int state_read(struct state *out, struct client *c, const struct spec *spec,
               const struct state_options *opt, struct aws_error *err)
{
	struct sts_identity id = {0};
	struct read_job job = {c, spec, out, opt->read_tags, NULL, NULL};
	const char *p;
	int rc;

	state_init(out, NULL, NULL, opt->home_region, spec->n_configs);
	if (!opt->home_region) {
		rc = error_set(err, ERR_INVALID, "no region: use --region or set AWS_REGION");
		goto out;
	}
	rc = sts_get_caller_identity(&id, c, opt->home_region, err);
	if (rc)
		goto out;
	out->account = xstrdup(id.account);
	out->caller_arn = xstrdup(id.arn);
	p = strncmp(id.arn, "arn:", 4) == 0 ? id.arn + 4 : "aws:";
	out->partition = xstrndup(p, strcspn(p, ":"));
	rc = plan_regions(out, c, spec, err);
	if (rc)
		goto out;
	job.errs = xcalloc(out->n_regions + 1, sizeof(*job.errs));
	job.failed = xcalloc(out->n_regions + 1, sizeof(*job.failed));
	parallel_run(out->n_regions, opt->workers > 0 ? opt->workers : STATE_WORKERS, read_region,
	             NULL, &job);
	for (size_t i = 0; rc == 0 && i < out->n_regions; i++)
		if (job.failed[i]) {
			*err = job.errs[i];
			rc = job.failed[i];
		}
	if (rc == 0)
		rc = read_roles(out, c, spec, err);
	for (size_t ci = 0; rc == 0 && ci < spec->n_configs; ci++) {
		const struct spec_config *cfg = &spec->configs[ci];

		if (cfg->destination != SPEC_S3 || state_find_bucket(out, cfg->bucket))
			continue;
		rc = read_bucket(state_add_bucket(out, cfg->bucket), c, opt->home_region, err);
	}
out:
	free(job.errs);
	free(job.failed);
	sts_identity_release(&id);
	if (rc)
		state_release(out);
	return rc;
}
