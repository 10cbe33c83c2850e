/* The two links that call STS: AssumeRole for a profile's role_arn (its source
 * credentials from source_profile, recursively, or from credential_source), and
 * AssumeRoleWithWebIdentity (unsigned) for a web identity token file. */
#include "aws/creds_provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/config.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/sts.h"
#include "aws/xalloc.h"

/* An STS client for a link: signed with source, or unsigned when it is NULL. */
static struct client *sts_client(const struct creds_context *ctx, struct creds_provider *source,
                                 struct http **own_http, struct aws_error *err)
{
	struct client_options opt = {0};

	opt.http = creds_transport(ctx, own_http, 0, err);
	if (!opt.http)
		return NULL;
	opt.creds = source;
	opt.env = ctx->env;
	opt.clock = ctx->clock;
	opt.endpoint_url = ctx->endpoint_url;
	opt.debug = ctx->debug;
	return client_new(&opt);
}

/* role_session_name, else "vpcflow-<epoch seconds>" as botocore's
 * "botocore-session-<epoch>". */
static void session_name(char *out, size_t size, const struct creds_context *ctx,
                         const char *configured)
{
	if (configured && *configured)
		snprintf(out, size, "%s", configured);
	else
		snprintf(out, size, "vpcflow-%lld", (long long)(creds_now_ms(ctx) / 1000));
}

/* ---- web identity ---- */

struct web_identity {
	const struct creds_context *ctx;
	char *profile;
	int use_env;
	struct client *client;
	struct http *own_http;
};

/* The environment variable (when allowed), else the profile's key. */
static const char *wi_get(const struct web_identity *w, const char *key, const char *var)
{
	const char *v = w->use_env ? env_get(w->ctx->env, var) : NULL;

	return v ? v : config_get(w->ctx->config, w->profile, key);
}

static int wi_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct web_identity *w = self->data;
	const char *path = wi_get(w, "web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *role_arn = wi_get(w, "role_arn", "AWS_ROLE_ARN");
	struct sts_web_identity_request req = {0};
	struct buf token = BUF_INIT;
	char name[128];
	int rc;

	if (!path || !*path)
		return error_set(err, ERR_NOT_FOUND, "no web identity token file");
	if (!role_arn || !*role_arn)
		return error_set(err, ERR_CONFIG,
		                 "a web identity token file is configured ('%s') but no role: set "
		                 "AWS_ROLE_ARN, or role_arn in profile '%s'",
		                 path, w->profile);
	rc = creds_read_file(&token, "web identity token file", path, err);
	if (rc < 0) {
		err->code = rc = ERR_CREDENTIALS;
		goto out;
	}
	while (token.len && strchr(" \t\r\n", token.data[token.len - 1]))
		buf_truncate(&token, token.len - 1);
	if (!token.len) {
		rc = error_set(err, ERR_CREDENTIALS, "web identity token file '%s' is empty", path);
		goto out;
	}
	if (!w->client && !(w->client = sts_client(w->ctx, NULL, &w->own_http, err))) {
		rc = err->code;
		goto out;
	}
	session_name(name, sizeof(name), w->ctx,
	             wi_get(w, "role_session_name", "AWS_ROLE_SESSION_NAME"));
	req.role_arn = role_arn;
	req.role_session_name = name;
	req.web_identity_token = token.data;
	rc = sts_assume_role_with_web_identity(out, w->client, w->ctx->region, &req, err);
	if (rc < 0)
		error_prefix(err, "assume role '%s' with web identity", role_arn);
out:
	OPENSSL_cleanse(token.data, token.len);
	buf_release(&token);
	return rc;
}

static void wi_destroy(struct creds_provider *self)
{
	struct web_identity *w = self->data;

	client_free(w->client);
	http_free(w->own_http);
	free(w->profile);
	free(w);
}

struct creds_provider *creds_web_identity_new(const struct creds_context *ctx, const char *profile,
                                              int use_env)
{
	struct web_identity *w = xcalloc(1, sizeof(*w));

	w->ctx = ctx;
	w->profile = xstrdup(profile);
	w->use_env = use_env;
	return creds_provider_new(wi_fetch, wi_destroy, w, ctx->clock);
}

/* ---- assume role ---- */

/* path holds the profiles from the chain's profile down to this one (last),
 * for loop detection. source is resolved on the first fetch and kept. */
struct assume_role {
	const struct creds_context *ctx;
	char **path;
	size_t n_path;
	struct creds_provider *source;
	char *source_desc; /* "source profile 'x'" or "credential_source 'Environment'" */
	struct client *client;
	struct http *own_http;
};

static struct creds_provider *assume_role_new_path(const struct creds_context *ctx,
                                                   char *const *path, size_t n_path,
                                                   const char *profile);

static const char *ar_profile(const struct assume_role *a)
{
	return a->path[a->n_path - 1];
}

static int has_static_keys(const struct config *c, const char *profile)
{
	return config_get(c, profile, "aws_access_key_id") ||
	       config_get(c, profile, "aws_secret_access_key");
}

/* Whether botocore's assume-role provider takes the profile. */
static int is_assume_role_profile(const struct config *c, const char *profile)
{
	return config_get(c, profile, "role_arn") &&
	       !config_get(c, profile, "web_identity_token_file");
}

static int loop_error(const struct assume_role *a, const char *next, struct aws_error *err)
{
	struct buf chain = BUF_INIT;

	for (size_t i = 0; i < a->n_path; i++)
		buf_addf(&chain, "%s -> ", a->path[i]);
	buf_addstr(&chain, next);
	error_set(err, ERR_CONFIG,
	          "source_profile settings form a loop: %s; make the last profile use keys of "
	          "its own",
	          chain.data);
	buf_release(&chain);
	return ERR_CONFIG;
}

/* Builds a->source from source_profile or credential_source, as botocore's
 * AssumeRoleProvider validates them. */
static int resolve_source(struct assume_role *a, struct aws_error *err)
{
	const struct creds_context *ctx = a->ctx;
	const char *profile = ar_profile(a);
	const char *sp = config_get(ctx->config, profile, "source_profile");
	const char *cs = config_get(ctx->config, profile, "credential_source");
	struct creds_provider *links[CREDS_PROFILE_LINKS];

	if (sp && cs)
		return error_set(err, ERR_CONFIG,
		                 "profile '%s' has both source_profile and credential_source; keep "
		                 "one",
		                 profile);
	if (!sp && !cs)
		return error_set(err, ERR_CONFIG,
		                 "profile '%s' has role_arn but neither source_profile nor "
		                 "credential_source",
		                 profile);
	if (cs) {
		if (strcmp(cs, "Environment") == 0)
			a->source = creds_env_new(ctx);
		else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
			a->source = creds_imds_new(ctx);
		else if (strcmp(cs, "EcsContainer") == 0)
			a->source = creds_container_new(ctx);
		else
			return error_set(err, ERR_CONFIG,
			                 "credential_source '%s' of profile '%s' is not valid; use "
			                 "Environment, Ec2InstanceMetadata or EcsContainer",
			                 cs, profile);
		a->source_desc = xasprintf("credential_source '%s'", cs);
		return 0;
	}
	if (!config_has_profile(ctx->config, sp))
		return error_set(err, ERR_CONFIG,
		                 "source_profile '%s' of profile '%s' does not exist in %s or %s",
		                 sp, profile, config_path(ctx->config, CONFIG_FILE_CONFIG),
		                 config_path(ctx->config, CONFIG_FILE_CREDENTIALS));
	for (size_t i = 0; i < a->n_path; i++) {
		if (strcmp(a->path[i], sp) != 0)
			continue;
		/* a profile may name itself to use its own keys */
		if (strcmp(sp, profile) != 0 || !has_static_keys(ctx->config, sp))
			return loop_error(a, sp, err);
	}
	if (has_static_keys(ctx->config, sp) || !is_assume_role_profile(ctx->config, sp))
		a->source = creds_first_new(links, creds_profile_links(links, ctx, sp, 0), ctx);
	else
		a->source = assume_role_new_path(ctx, a->path, a->n_path, sp);
	a->source_desc = xasprintf("source profile '%s'", sp);
	return 0;
}

static int ar_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct assume_role *a = self->data;
	const struct config *c = a->ctx->config;
	const char *profile = ar_profile(a);
	const char *role_arn = config_get(c, profile, "role_arn");
	const char *duration = config_get(c, profile, "duration_seconds");
	struct sts_assume_role_request req = {0};
	struct creds source = {0};
	char name[128];
	char *end = NULL;
	long seconds;
	int rc;

	if (!is_assume_role_profile(c, profile))
		return error_set(err, ERR_NOT_FOUND, "no role_arn");
	if (!*role_arn)
		return error_set(err, ERR_CONFIG, "role_arn of profile '%s' is empty", profile);
	if (config_get(c, profile, "mfa_serial"))
		return error_set(
		    err, ERR_CONFIG,
		    "profile '%s' needs an MFA code (mfa_serial), which vpcflow cannot "
		    "prompt for; use a profile without mfa_serial, or export "
		    "temporary credentials from `aws sts assume-role`",
		    profile);
	if (!a->source && (rc = resolve_source(a, err)) < 0)
		return rc;
	rc = creds_get(a->source, &source, err);
	creds_release(&source);
	if (rc == ERR_NOT_FOUND)
		return error_set(err, ERR_CREDENTIALS,
		                 "%s of profile '%s' provides no credentials to assume role '%s'",
		                 a->source_desc, profile, role_arn);
	if (rc < 0) {
		error_prefix(err, "%s of profile '%s'", a->source_desc, profile);
		return rc;
	}
	if (!a->client && !(a->client = sts_client(a->ctx, a->source, &a->own_http, err)))
		return err->code;
	session_name(name, sizeof(name), a->ctx, config_get(c, profile, "role_session_name"));
	req.role_arn = role_arn;
	req.role_session_name = name;
	req.external_id = config_get(c, profile, "external_id");
	if (duration) {
		seconds = strtol(duration, &end, 10);
		if (end != duration && !*end && seconds > 0 && seconds <= 43200)
			req.duration_seconds = (int)seconds;
	}
	rc = sts_assume_role(out, a->client, a->ctx->region, &req, err);
	if (rc < 0)
		error_prefix(err, "assume role '%s' for profile '%s'", role_arn, profile);
	return rc;
}

static void ar_destroy(struct creds_provider *self)
{
	struct assume_role *a = self->data;

	client_free(a->client);
	http_free(a->own_http);
	creds_provider_free(a->source);
	for (size_t i = 0; i < a->n_path; i++)
		free(a->path[i]);
	free(a->path);
	free(a->source_desc);
	free(a);
}

static struct creds_provider *assume_role_new_path(const struct creds_context *ctx,
                                                   char *const *path, size_t n_path,
                                                   const char *profile)
{
	struct assume_role *a = xcalloc(1, sizeof(*a));

	a->ctx = ctx;
	a->path = xcalloc(n_path + 1, sizeof(*a->path));
	for (size_t i = 0; i < n_path; i++)
		a->path[i] = xstrdup(path[i]);
	a->path[n_path] = xstrdup(profile);
	a->n_path = n_path + 1;
	return creds_provider_new(ar_fetch, ar_destroy, a, ctx->clock);
}

struct creds_provider *creds_assume_role_new(const struct creds_context *ctx, const char *profile)
{
	return assume_role_new_path(ctx, NULL, 0, profile);
}
