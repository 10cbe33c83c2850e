/* AWS credentials and the provider chain, in the AWS CLI's order:
 *   1. environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
 *   2. web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, STS
 *      AssumeRoleWithWebIdentity), also from the profile's web_identity_token_file
 *   3. the profile: role_arn with source_profile or credential_source (STS
 *      AssumeRole), sso_* (the SSO token cache and GetRoleCredentials),
 *      credential_process, static keys
 *   4. ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE])
 *   5. EC2 instance metadata, IMDSv2 (token first; AWS_EC2_METADATA_SERVICE_ENDPOINT,
 *      AWS_EC2_METADATA_DISABLED)
 * Temporary credentials are refreshed before they expire. */
#ifndef VPCFLOW_AWS_CREDS_H
#define VPCFLOW_AWS_CREDS_H

#include <stdint.h>
#include <stdio.h>

struct aws_error;
struct clock;
struct config;
struct env;
struct http;

/* One set of credentials. Strings are owned; session_token may be NULL.
 * creds_release() wipes the secret before freeing it. */
struct creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	int64_t expires_ms; /* 0: does not expire */
	const char *source; /* static: "environment", "web-identity", "assume-role",
	                       "sso", "process", "profile", "container", "imds", "static" */
};

void creds_release(struct creds *c);
void creds_copy(struct creds *dst, const struct creds *src);

/* What the chain needs from the program; everything is borrowed and must outlive
 * the provider. */
struct creds_context {
	const struct env *env;
	const struct clock *clock;
	const struct config *config;
	const char *profile;      /* resolved profile name */
	const char *region;       /* for STS calls; NULL: the global STS endpoint */
	const char *endpoint_url; /* --endpoint-url, or NULL */
	struct http *http;
	FILE *debug;
	/* Addition: the profile came from --profile. As in the AWS CLI, environment
	 * keys are then skipped (AWS_PROFILE does not do that). */
	int profile_from_flag;
};

/* A thread-safe, caching source of credentials. */
struct creds_provider;

/* The default chain. Resolution is lazy: nothing is read until creds_get(). */
int creds_chain_new(struct creds_provider **out, const struct creds_context *ctx,
                    struct aws_error *err);
/* Fixed credentials (copies the strings); token may be NULL. */
struct creds_provider *creds_static_new(const char *access_key_id, const char *secret_access_key,
                                        const char *session_token);
/* Copies current credentials into out (caller releases). Refreshes temporary
 * credentials that expire within the next 5 minutes. Thread-safe. Fails with
 * ERR_CREDENTIALS and a message saying what was tried and what to do. */
int creds_get(struct creds_provider *p, struct creds *out, struct aws_error *err);
void creds_provider_free(struct creds_provider *p);

#endif
