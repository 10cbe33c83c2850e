/* AWS IAM (query protocol, API 2010-05-08): the flow-log delivery role, its
 * trust policy and its inline policies.
 *
 * IAM is global: region only picks the partition (any region of it; NULL is
 * the aws partition). Calls on something that does not exist (NoSuchEntity)
 * return ERR_NOT_FOUND, with err->aws_code and the message still set, so
 * callers test "absent" with rc == ERR_NOT_FOUND. Policy documents are
 * returned URL-decoded, as JSON text. */
#ifndef VPCFLOW_AWS_IAM_H
#define VPCFLOW_AWS_IAM_H

#include <libxml/tree.h>

#include "aws/tag.h"

struct aws_error;
struct client;

#define IAM_API_VERSION "2010-05-08"

/* A role. Strings owned; arn, role_name and role_id are never NULL after a
 * successful parse, the others are NULL when absent. */
struct iam_role {
	char *arn, *role_name, *role_id, *path;
	char *assume_role_policy_document; /* decoded JSON text */
	char *description, *create_date;
	int max_session_duration; /* seconds; 0 when absent */
	struct tag_list tags;
};

/* What CreateRole sends; borrowed, NULL fields are left out. */
struct iam_role_request {
	const char *role_name;
	const char *path;
	const char *assume_role_policy_document; /* JSON text */
	const char *description;
	const struct tag_list *tags;
};

void iam_role_release(struct iam_role *r);

/* Parses the <Role> of a GetRole or CreateRole answer (action names which)
 * into out, which it empties first and leaves empty on failure. */
int iam_parse_role(struct iam_role *out, xmlDocPtr doc, const char *action, struct aws_error *err);
/* Parses a GetRolePolicy answer into the decoded policy document (owned). */
int iam_parse_role_policy(char **out, xmlDocPtr doc, struct aws_error *err);

/* The role called role_name; ERR_NOT_FOUND when there is none. */
int iam_get_role(struct iam_role *out, struct client *c, const char *region, const char *role_name,
                 struct aws_error *err);
/* Creates a role; out (may be NULL) receives it as IAM made it. */
int iam_create_role(struct iam_role *out, struct client *c, const char *region,
                    const struct iam_role_request *req, struct aws_error *err);
/* Replaces the role's trust policy. */
int iam_update_assume_role_policy(struct client *c, const char *region, const char *role_name,
                                  const char *policy_document, struct aws_error *err);
/* The inline policy policy_name of the role, decoded (owned); ERR_NOT_FOUND
 * when the role or the policy does not exist. */
int iam_get_role_policy(char **out, struct client *c, const char *region, const char *role_name,
                        const char *policy_name, struct aws_error *err);
/* Creates or replaces an inline policy of the role. */
int iam_put_role_policy(struct client *c, const char *region, const char *role_name,
                        const char *policy_name, const char *policy_document,
                        struct aws_error *err);
/* Deletes an inline policy; ERR_NOT_FOUND when it does not exist. */
int iam_delete_role_policy(struct client *c, const char *region, const char *role_name,
                           const char *policy_name, struct aws_error *err);
/* Adds or overwrites tags of the role. */
int iam_tag_role(struct client *c, const char *region, const char *role_name,
                 const struct tag_list *tags, struct aws_error *err);
/* Deletes the role (its inline policies must be gone); ERR_NOT_FOUND when it
 * does not exist. */
int iam_delete_role(struct client *c, const char *region, const char *role_name,
                    struct aws_error *err);

#endif
