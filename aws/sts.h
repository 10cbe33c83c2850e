/* AWS STS (query protocol, API 2011-06-15): who the caller is, and temporary
 * credentials for a role. region NULL uses the global endpoint (us-east-1). */
#ifndef VPCFLOW_AWS_STS_H
#define VPCFLOW_AWS_STS_H

#include <stdint.h>

#include <libxml/tree.h>

struct aws_error;
struct client;
struct creds;

#define STS_API_VERSION "2011-06-15"

/* GetCallerIdentity's answer; strings owned and never NULL after success. */
struct sts_identity {
	char *account;
	char *arn;
	char *user_id;
};

/* What AssumeRole sends; borrowed, NULL or 0 fields are left out. */
struct sts_assume_role_request {
	const char *role_arn;
	const char *role_session_name;
	const char *external_id;
	int duration_seconds;
	const char *policy; /* session policy JSON */
};

/* What AssumeRoleWithWebIdentity sends; borrowed. */
struct sts_web_identity_request {
	const char *role_arn;
	const char *role_session_name;
	const char *web_identity_token;
	int duration_seconds; /* 0: AWS's default */
};

void sts_identity_release(struct sts_identity *id);

int sts_parse_caller_identity(struct sts_identity *out, xmlDocPtr doc, struct aws_error *err);
/* Parses the <Credentials> of an AssumeRole* answer (action names which) into
 * out (caller releases with creds_release); out->source is set to source. */
int sts_parse_credentials(struct creds *out, xmlDocPtr doc, const char *action, const char *source,
                          struct aws_error *err);
/* Parses an ISO 8601 time ("2024-05-01T12:00:00Z"; a fraction, an offset)
 * into milliseconds since the epoch: isotime_parse's strict form. */
int sts_parse_time(int64_t *out_ms, const char *text);

int sts_get_caller_identity(struct sts_identity *out, struct client *c, const char *region,
                            struct aws_error *err);
/* Temporary credentials for req->role_arn (source "assume-role"). */
int sts_assume_role(struct creds *out, struct client *c, const char *region,
                    const struct sts_assume_role_request *req, struct aws_error *err);
/* Temporary credentials for a web identity token (source "web-identity").
 * The call is not signed: c must be a client made without credentials
 * (client_options.creds NULL). */
int sts_assume_role_with_web_identity(struct creds *out, struct client *c, const char *region,
                                      const struct sts_web_identity_request *req,
                                      struct aws_error *err);

#endif
