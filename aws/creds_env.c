/* Credentials from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN (or the older AWS_SECURITY_TOKEN) and, as botocore reads it,
 * AWS_CREDENTIAL_EXPIRATION. The variables are read again at every refresh. */
#include "aws/creds_provider.h"

#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/error.h"
#include "aws/xalloc.h"

static int env_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	const struct creds_context *ctx = self->data;
	const char *akid = env_get(ctx->env, "AWS_ACCESS_KEY_ID");
	const char *secret = env_get(ctx->env, "AWS_SECRET_ACCESS_KEY");
	const char *token = env_get(ctx->env, "AWS_SESSION_TOKEN");
	const char *expiration = env_get(ctx->env, "AWS_CREDENTIAL_EXPIRATION");
	int64_t expires = 0;

	if (!akid && !secret)
		return error_set(err, ERR_NOT_FOUND, "no credentials in the environment");
	if (!akid || !secret)
		return error_set(err, ERR_CREDENTIALS,
		                 "%s is set but %s is not: set both, or unset it to use a profile",
		                 akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		                 akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (expiration && creds_parse_time(&expires, expiration) < 0)
		return error_set(err, ERR_CREDENTIALS,
		                 "AWS_CREDENTIAL_EXPIRATION '%s' is not an ISO 8601 time such as "
		                 "2024-05-01T12:00:00Z",
		                 expiration);
	if (!token)
		token = env_get(ctx->env, "AWS_SECURITY_TOKEN");
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token ? xstrdup(token) : NULL;
	out->expires_ms = expires;
	out->source = "environment";
	return 0;
}

struct creds_provider *creds_env_new(const struct creds_context *ctx)
{
	return creds_provider_new(env_fetch, NULL, (void *)ctx, ctx->clock);
}
