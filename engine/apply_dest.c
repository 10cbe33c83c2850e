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

/* CreateRole found the role there though the plan did not see it. Either
 * a CreateRole sent again (by the client's retries, or by libcurl on a
 * reused connection found dead) after its first send made the role and the
 * answer was lost (IAM takes no ClientToken): the role carries vpcflow's tag
 * from that first send and gets the trust policy the plan asks for, as an
 * existing role of vpcflow's would. Or someone made a role of that name
 * since the plan: it is not vpcflow's to change, and the action fails. */
static int role_there_already(struct apply_run *run, struct plan_action *a, struct aws_error *err)
{
	const char *home = run->opt->home_region;
	struct iam_role role;
	int rc, managed;

	error_clear(err);
	rc = iam_get_role(&role, run->client, home, a->subject, err);
	if (rc == ERR_NOT_FOUND)
		error_prefix(err,
		             "role %s: CreateRole says it exists but GetRole does not find it (IAM "
		             "may not have caught up: run apply again)",
		             a->subject);
	if (rc)
		return rc;
	managed = plan_is_managed(&role.tags);
	iam_role_release(&role);
	if (managed)
		return iam_update_assume_role_policy(run->client, home, a->subject, a->document,
		                                     err);
	apply_finish(run, a, PLAN_FAILED,
	             "role %s was created since the plan, not by vpcflow (it lacks the tag "
	             "%s=%s): left as it is; run plan again to see whether vpcflow can use it "
	             "(it must trust %s), or name another role in iamRole",
	             a->subject, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE, PLAN_FLOW_LOGS_SERVICE);
	return 1;
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
		if (rc && error_is(err, "EntityAlreadyExists"))
			rc = role_there_already(run, a, err);
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

/* The steps that follow CreateBucket. The tags come last, so a bucket that
 * carries vpcflow's tag was set up whole; one whose set-up failed is not
 * tagged, and a later plan takes it for a bucket vpcflow did not make (it
 * cannot tell): the failure says how to have it made, or tagged, after all. */
static int bucket_set_up(struct apply_run *run, struct plan_action *a, struct aws_error *err)
{
	const char *what = "its public access block could not be set";
	const char *needs = "s3:PutBucketPublicAccessBlock";
	struct buf why = BUF_INIT, how = BUF_INIT;
	int rc, tagging = 0;

	rc = s3_put_public_access_block(run->client, a->region, a->subject, err);
	if (rc == 0) {
		what = "its default encryption could not be set";
		needs = "s3:PutEncryptionConfiguration";
		rc = s3_put_bucket_encryption(run->client, a->region, a->subject, err);
	}
	if (rc == 0 && a->tags.n) {
		what = "it could not be tagged";
		needs = "s3:PutBucketTagging";
		tagging = 1;
		rc = s3_put_bucket_tagging(run->client, a->region, a->subject, &a->tags, err);
	}
	if (rc == 0)
		return 0;
	error_format(err, &why);
	buf_addf(&how,
	         "delete the empty bucket (aws s3api delete-bucket --bucket %s) and run apply "
	         "again, which makes it afresh",
	         a->subject);
	if (tagging)
		buf_addf(&how,
		         ", or tag it yourself (aws s3api put-bucket-tagging --bucket %s --tagging "
		         "'TagSet=[{Key=%s,Value=%s}]') and run apply again",
		         a->subject, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	apply_finish(run, a, PLAN_FAILED,
	             "bucket %s was created but %s (it needs %s): %s; without the tag %s=%s a "
	             "later apply takes it for a bucket vpcflow did not make, and destroy "
	             "--destinations keeps it: once %s is allowed, %s",
	             a->subject, what, needs, why.data, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE, needs,
	             how.data);
	buf_release(&why);
	buf_release(&how);
	return 1;
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
			rc = bucket_set_up(run, a, err);
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
