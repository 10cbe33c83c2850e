/* STS: caller identity and role credentials. */
#include "aws/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/error.h"
#include "aws/isotime.h"
#include "aws/query.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

void sts_identity_release(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

int sts_parse_caller_identity(struct sts_identity *out, xmlDocPtr doc, struct aws_error *err)
{
	xmlNodePtr result = query_result(doc, "GetCallerIdentity", err);

	memset(out, 0, sizeof(*out));
	if (!result)
		return ERR_PARSE;
	out->account = xml_child_text(result, "Account");
	out->arn = xml_child_text(result, "Arn");
	out->user_id = xml_child_text(result, "UserId");
	if (!out->account || !out->arn || !out->user_id) {
		sts_identity_release(out);
		error_set(err, ERR_PARSE, "the answer lacks Account, Arn or UserId");
		error_set_operation(err, "GetCallerIdentity");
		return ERR_PARSE;
	}
	return 0;
}

/* STS writes "2024-05-01T12:00:00Z": the strict form. */
int sts_parse_time(int64_t *out_ms, const char *text)
{
	return isotime_parse(out_ms, text, 0);
}

int sts_parse_credentials(struct creds *out, xmlDocPtr doc, const char *action, const char *source,
                          struct aws_error *err)
{
	xmlNodePtr result = query_result(doc, action, err), cr;
	char *expiration = NULL;
	int rc = ERR_PARSE;

	memset(out, 0, sizeof(*out));
	if (!result)
		return ERR_PARSE;
	cr = xml_child(result, "Credentials");
	if (!cr) {
		error_set(err, ERR_PARSE, "the answer has no <Credentials>");
		goto out;
	}
	out->access_key_id = xml_child_text(cr, "AccessKeyId");
	out->secret_access_key = xml_child_text(cr, "SecretAccessKey");
	out->session_token = xml_child_text(cr, "SessionToken");
	out->source = source;
	expiration = xml_child_text(cr, "Expiration");
	if (!out->access_key_id || !out->secret_access_key || !out->session_token) {
		error_set(err, ERR_PARSE, "the credentials lack a key, secret or session token");
		goto out;
	}
	if (!expiration || sts_parse_time(&out->expires_ms, expiration)) {
		error_set(err, ERR_PARSE, "the credentials' Expiration '%s' is not a time",
		          expiration ? expiration : "");
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		error_set_operation(err, action);
		creds_release(out);
	}
	free(expiration);
	return rc;
}

int sts_get_caller_identity(struct sts_identity *out, struct client *c, const char *region,
                            struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	rc = query_call(c, SVC_STS, region, "GetCallerIdentity", STS_API_VERSION, &p, &doc, err);
	if (rc)
		goto out;
	rc = sts_parse_caller_identity(out, doc, err);
out:
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

/* Sends an AssumeRole* action and parses the credentials it returns. */
static int credentials_call(struct creds *out, struct client *c, const char *region,
                            const char *action, const struct query_params *p, const char *source,
                            struct aws_error *err)
{
	xmlDocPtr doc = NULL;
	int rc;

	rc = query_call(c, SVC_STS, region, action, STS_API_VERSION, p, &doc, err);
	if (rc == 0)
		rc = sts_parse_credentials(out, doc, action, source, err);
	xmlFreeDoc(doc);
	return rc;
}

int sts_assume_role(struct creds *out, struct client *c, const char *region,
                    const struct sts_assume_role_request *req, struct aws_error *err)
{
	struct query_params p;
	char num[16];
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	query_params_add(&p, "RoleArn", req->role_arn);
	query_params_add(&p, "RoleSessionName", req->role_session_name);
	if (req->external_id)
		query_params_add(&p, "ExternalId", req->external_id);
	if (req->duration_seconds > 0) {
		snprintf(num, sizeof(num), "%d", req->duration_seconds);
		query_params_add(&p, "DurationSeconds", num);
	}
	if (req->policy)
		query_params_add(&p, "Policy", req->policy);
	rc = credentials_call(out, c, region, "AssumeRole", &p, "assume-role", err);
	query_params_release(&p);
	return rc;
}

int sts_assume_role_with_web_identity(struct creds *out, struct client *c, const char *region,
                                      const struct sts_web_identity_request *req,
                                      struct aws_error *err)
{
	struct query_params p;
	char num[16];
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	query_params_add(&p, "RoleArn", req->role_arn);
	query_params_add(&p, "RoleSessionName", req->role_session_name);
	query_params_add(&p, "WebIdentityToken", req->web_identity_token);
	if (req->duration_seconds > 0) {
		snprintf(num, sizeof(num), "%d", req->duration_seconds);
		query_params_add(&p, "DurationSeconds", num);
	}
	rc = credentials_call(out, c, region, "AssumeRoleWithWebIdentity", &p, "web-identity", err);
	query_params_release(&p);
	return rc;
}
