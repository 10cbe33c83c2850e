/* Static keys of a profile (aws_access_key_id, aws_secret_access_key,
 * aws_session_token), read from one of the two files: the chain asks the
 * credentials file before credential_process and the config file after it, as
 * botocore does. */
#include "aws/creds_provider.h"

#include <stdlib.h>
#include <string.h>

#include "aws/config.h"
#include "aws/error.h"
#include "aws/xalloc.h"

struct profile_keys {
	const struct creds_context *ctx;
	char *profile;
	enum config_file which;
};

static int keys_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	const struct profile_keys *k = self->data;
	const struct config *c = k->ctx->config;
	const char *akid = config_get_from(c, k->which, k->profile, "aws_access_key_id");
	const char *secret = config_get_from(c, k->which, k->profile, "aws_secret_access_key");
	const char *token = config_get_from(c, k->which, k->profile, "aws_session_token");

	if (!akid && !secret)
		return error_set(err, ERR_NOT_FOUND, "no keys in profile '%s'", k->profile);
	if (!akid || !*akid || !secret || !*secret)
		return error_set(err, ERR_CREDENTIALS,
		                 "profile '%s' in %s has %s but no %s: add it, or remove the other",
		                 k->profile, config_path(c, k->which),
		                 akid && *akid ? "aws_access_key_id" : "aws_secret_access_key",
		                 akid && *akid ? "aws_secret_access_key" : "aws_access_key_id");
	if (!token || !*token)
		token = config_get_from(c, k->which, k->profile, "aws_security_token");
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token && *token ? xstrdup(token) : NULL;
	out->expires_ms = 0;
	out->source = "profile";
	return 0;
}

static void keys_destroy(struct creds_provider *self)
{
	struct profile_keys *k = self->data;

	free(k->profile);
	free(k);
}

struct creds_provider *creds_profile_keys_new(const struct creds_context *ctx, const char *profile,
                                              enum config_file which)
{
	struct profile_keys *k = xcalloc(1, sizeof(*k));

	k->ctx = ctx;
	k->profile = xstrdup(profile);
	k->which = which;
	return creds_provider_new(keys_fetch, keys_destroy, k, ctx->clock);
}
