/* Carrying out the global actions: the delivery role and buckets. */
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/apply_run.h"

#define ROLE_DESCRIPTION "Lets VPC Flow Logs deliver to CloudWatch Logs (made by vpcflow)"

/* Remembers that role name was made or changed in this run: the first
 * CreateFlowLogs calls may not see it yet. */
static void fresh(struct apply_run *run, const char *name)
{
	if (!strlist_has(&run->fresh_roles, name))
		strlist_add(&run->fresh_roles, name);
}

static int role_action(struct apply_run *run, struct plan_action *a, struct aws_error *err)
{
	const char *home = run->opt->home_region;
	struct iam_role_request req = {0};
	int rc = 0;

	switch (a->kind) {
	case PLAN_ROLE:
		req.role_name = a->subject;
		req.assume_role_policy_document = a->document;
		req.description = ROLE_DESCRIPTION;
		req.tags = &a->tags;
		rc = iam_create_role(NULL, run->client, home, &req, err);
		/* The role is there though the plan did not see it: a CreateRole
		 * sent again (by the client's retries, or by libcurl on a reused
		 * connection found dead) after its first send made the role and
		 * the answer was lost; IAM takes no ClientToken. Or a role made
		 * since the plan. Either way it gets the trust policy the plan
		 * asks for, as an existing role would. */
		if (rc && error_is(err, "EntityAlreadyExists")) {
			error_clear(err);
			rc = iam_update_assume_role_policy(run->client, home, a->subject,
			                                   a->document, err);
		}
		break;
	case PLAN_ROLE_TRUST:
		rc = iam_update_assume_role_policy(run->client, home, a->subject, a->document, err);
		break;
	case PLAN_ROLE_POLICY:
		rc = iam_put_role_policy(run->client, home, a->subject, PLAN_ROLE_POLICY_NAME,
		                         a->document, err);
		break;
	case PLAN_ROLE_DELETE:
		rc = iam_delete_role_policy(run->client, home, a->subject, PLAN_ROLE_POLICY_NAME,
		                            err);
		if (rc == ERR_NOT_FOUND) {
			error_clear(err);
			rc = 0;
		}
		if (rc == 0)
			rc = iam_delete_role(run->client, home, a->subject, err);
		if (rc == ERR_NOT_FOUND)
			rc = 0;
		if (rc && error_is(err, "DeleteConflict"))
			error_prefix(err, "role %s has other policies attached; detach them first",
			             a->subject);
		return rc;
	default:
		return 0;
	}
	if (rc == 0)
		fresh(run, a->subject);
	return rc;
}

/* Whether the bucket holds no object: one ListObjectsV2 page of one key. */
static int bucket_empty(int *out, struct apply_run *run, const struct plan_action *a,
                        struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {.operation = "ListObjectsV2",
	                         .method = "GET",
	                         .bucket = a->subject,
	                         .query = "list-type=2&max-keys=1"};
	struct s3_object_list l = {0};
	char *next = NULL;
	int rc;

	rc = s3_send(&resp, run->client, a->region, &req, err);
	if (rc == 0)
		rc = s3_parse_list_objects(&l, resp.body.data, resp.body.len, &next, err);
	*out = rc == 0 && l.n == 0 && !next;
	free(next);
	s3_object_list_release(&l);
	http_response_release(&resp);
	return rc;
}

static int bucket_action(struct apply_run *run, struct plan_action *a, struct aws_error *err)
{
	int rc = 0, empty;

	switch (a->kind) {
	case PLAN_BUCKET:
		rc = s3_create_bucket(run->client, a->region, a->subject, err);
		if (rc && error_is(err, "BucketAlreadyOwnedByYou")) {
			error_clear(err);
			rc = 0;
		}
		if (rc == 0)
			rc = s3_put_public_access_block(run->client, a->region, a->subject, err);
		if (rc == 0)
			rc = s3_put_bucket_encryption(run->client, a->region, a->subject, err);
		if (rc == 0 && a->tags.n)
			rc = s3_put_bucket_tagging(run->client, a->region, a->subject, &a->tags,
			                           err);
		return rc;
	case PLAN_BUCKET_POLICY:
		return s3_put_bucket_policy(run->client, a->region, a->subject, a->document, err);
	case PLAN_BUCKET_LIFECYCLE:
		return s3_put_bucket_lifecycle(run->client, a->region, a->subject, &a->lifecycle,
		                               err);
	case PLAN_BUCKET_DELETE:
		rc = bucket_empty(&empty, run, a, err);
		if (rc == 0 && !empty) {
			apply_finish(
			    run, a, PLAN_SKIPPED,
			    "bucket %s is not empty: left in place (delete its objects, then "
			    "run destroy --destinations again)",
			    a->subject);
			return 1;
		}
		if (rc == 0)
			rc = s3_delete_bucket(run->client, a->region, a->subject, err);
		return rc;
	default:
		return 0;
	}
}

void apply_dest_action(struct apply_run *run, struct plan_action *a)
{
	struct aws_error err;
	int rc;

	error_clear(&err);
	switch (a->kind) {
	case PLAN_ROLE:
	case PLAN_ROLE_TRUST:
	case PLAN_ROLE_POLICY:
	case PLAN_ROLE_DELETE:
		rc = role_action(run, a, &err);
		break;
	default:
		rc = bucket_action(run, a, &err);
		break;
	}
	if (rc < 0)
		apply_fail(run, a, &err);
	else if (rc == 0)
		apply_finish(run, a, PLAN_DONE, NULL);
}
