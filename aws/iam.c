/* IAM: roles and their inline policies. */
#include "aws/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/query.h"
#include "aws/url.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

void iam_role_release(struct iam_role *r)
{
	free(r->arn);
	free(r->role_name);
	free(r->role_id);
	free(r->path);
	free(r->assume_role_policy_document);
	free(r->description);
	free(r->create_date);
	tag_list_release(&r->tags);
	memset(r, 0, sizeof(*r));
}

int iam_parse_role(struct iam_role *out, xmlDocPtr doc, const char *action, struct aws_error *err)
{
	xmlNodePtr result = query_result(doc, action, err), role;
	char *text;
	int rc = ERR_PARSE;

	memset(out, 0, sizeof(*out));
	if (!result)
		return ERR_PARSE;
	role = xml_child(result, "Role");
	if (!role) {
		error_set(err, ERR_PARSE, "the answer has no <Role>");
		goto out;
	}
	out->arn = xml_child_text(role, "Arn");
	out->role_name = xml_child_text(role, "RoleName");
	out->role_id = xml_child_text(role, "RoleId");
	out->path = xml_child_text(role, "Path");
	out->description = xml_child_text(role, "Description");
	out->create_date = xml_child_text(role, "CreateDate");
	if ((text = xml_child_text(role, "AssumeRolePolicyDocument")))
		out->assume_role_policy_document = url_decode(text, URL_PLUS_KEEP);
	if ((text = xml_child_text(role, "MaxSessionDuration"))) {
		out->max_session_duration = atoi(text);
		free(text);
	}
	if (!out->arn || !out->role_name || !out->role_id) {
		error_set(err, ERR_PARSE, "a role without Arn, RoleName or RoleId");
		goto out;
	}
	if (tag_list_parse_xml(&out->tags, xml_child(role, "Tags"), "Key", "Value", err))
		goto out;
	rc = 0;
out:
	if (rc) {
		error_set_operation(err, action);
		iam_role_release(out);
	}
	return rc;
}

int iam_parse_role_policy(char **out, xmlDocPtr doc, struct aws_error *err)
{
	xmlNodePtr result = query_result(doc, "GetRolePolicy", err);
	char *text;

	*out = NULL;
	if (!result)
		return ERR_PARSE;
	text = xml_child_text(result, "PolicyDocument");
	if (!text) {
		error_set(err, ERR_PARSE, "the answer has no PolicyDocument");
		error_set_operation(err, "GetRolePolicy");
		return ERR_PARSE;
	}
	*out = url_decode(text, URL_PLUS_KEEP);
	return 0;
}

/* Sends action; *doc (may be NULL: answer ignored) receives the answer.
 * NoSuchEntity becomes ERR_NOT_FOUND. */
static int call(struct client *c, const char *region, const char *action,
                const struct query_params *p, xmlDocPtr *doc, struct aws_error *err)
{
	xmlDocPtr answer = NULL;
	int rc = query_call(c, SVC_IAM, region, action, IAM_API_VERSION, p, &answer, err);

	if (rc == ERR_SERVICE && error_is(err, "NoSuchEntity"))
		rc = err->code = ERR_NOT_FOUND;
	if (doc)
		*doc = answer;
	else
		xmlFreeDoc(answer);
	return rc;
}

/* Adds Tags.member.N.Key/Value. */
static void add_tags(struct query_params *p, const struct tag_list *tags)
{
	for (size_t i = 0; tags && i < tags->n; i++) {
		query_params_addf(p, tags->v[i].key, "Tags.member.%zu.Key", i + 1);
		query_params_addf(p, tags->v[i].value, "Tags.member.%zu.Value", i + 1);
	}
}

int iam_get_role(struct iam_role *out, struct client *c, const char *region, const char *role_name,
                 struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	rc = call(c, region, "GetRole", &p, &doc, err);
	if (rc)
		goto out;
	rc = iam_parse_role(out, doc, "GetRole", err);
out:
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

int iam_create_role(struct iam_role *out, struct client *c, const char *region,
                    const struct iam_role_request *req, struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	query_params_init(&p);
	if (req->path)
		query_params_add(&p, "Path", req->path);
	query_params_add(&p, "RoleName", req->role_name);
	query_params_add(&p, "AssumeRolePolicyDocument", req->assume_role_policy_document);
	if (req->description)
		query_params_add(&p, "Description", req->description);
	add_tags(&p, req->tags);
	rc = call(c, region, "CreateRole", &p, &doc, err);
	if (rc || !out)
		goto out;
	rc = iam_parse_role(out, doc, "CreateRole", err);
out:
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

int iam_update_assume_role_policy(struct client *c, const char *region, const char *role_name,
                                  const char *policy_document, struct aws_error *err)
{
	struct query_params p;
	int rc;

	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	query_params_add(&p, "PolicyDocument", policy_document);
	rc = call(c, region, "UpdateAssumeRolePolicy", &p, NULL, err);
	query_params_release(&p);
	return rc;
}

int iam_get_role_policy(char **out, struct client *c, const char *region, const char *role_name,
                        const char *policy_name, struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	*out = NULL;
	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	query_params_add(&p, "PolicyName", policy_name);
	rc = call(c, region, "GetRolePolicy", &p, &doc, err);
	if (rc)
		goto out;
	rc = iam_parse_role_policy(out, doc, err);
out:
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

int iam_put_role_policy(struct client *c, const char *region, const char *role_name,
                        const char *policy_name, const char *policy_document, struct aws_error *err)
{
	struct query_params p;
	int rc;

	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	query_params_add(&p, "PolicyName", policy_name);
	query_params_add(&p, "PolicyDocument", policy_document);
	rc = call(c, region, "PutRolePolicy", &p, NULL, err);
	query_params_release(&p);
	return rc;
}

int iam_delete_role_policy(struct client *c, const char *region, const char *role_name,
                           const char *policy_name, struct aws_error *err)
{
	struct query_params p;
	int rc;

	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	query_params_add(&p, "PolicyName", policy_name);
	rc = call(c, region, "DeleteRolePolicy", &p, NULL, err);
	query_params_release(&p);
	return rc;
}

int iam_tag_role(struct client *c, const char *region, const char *role_name,
                 const struct tag_list *tags, struct aws_error *err)
{
	struct query_params p;
	int rc;

	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	add_tags(&p, tags);
	rc = call(c, region, "TagRole", &p, NULL, err);
	query_params_release(&p);
	return rc;
}

int iam_delete_role(struct client *c, const char *region, const char *role_name,
                    struct aws_error *err)
{
	struct query_params p;
	int rc;

	query_params_init(&p);
	query_params_add(&p, "RoleName", role_name);
	rc = call(c, region, "DeleteRole", &p, NULL, err);
	query_params_release(&p);
	return rc;
}
