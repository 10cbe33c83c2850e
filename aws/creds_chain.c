/* The default credentials chain (aws/creds.h) and the helpers its links share.
 *
 * The order is botocore's: environment; assume-role (role_arn in the profile);
 * web identity; the profile's sso_*, credentials-file keys, credential_process,
 * config-file keys; ECS container; EC2 instance metadata. The first link that
 * is configured decides: its credentials, or its error. The chain then keeps
 * that link for every refresh, as the CLI does. */
#include "aws/creds_provider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/buf.h"
#include "aws/config.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/isotime.h"
#include "aws/xalloc.h"

#define CREDS_FILE_MAX (1u << 20)

/* ---- helpers ---- */

int creds_parse_time(int64_t *out_ms, const char *text)
{
	return isotime_parse(out_ms, text, ISOTIME_UTC_NAME);
}

int64_t creds_now_ms(const struct creds_context *ctx)
{
	return clock_now_ms(ctx->clock ? ctx->clock : &clock_system);
}

int creds_read_file(struct buf *out, const char *what, const char *path, struct aws_error *err)
{
	char chunk[4096];
	int fd, rc = 0;

	buf_init(out, CREDS_FILE_MAX);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, ERR_IO, "cannot read %s '%s': %s", what, path,
		                 strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = error_set(err, ERR_IO, "cannot read %s '%s': %s", what, path,
			               strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (buf_add(out, chunk, (size_t)n) < 0) {
			rc = error_set(err, ERR_IO, "%s '%s' is larger than 1 MiB", what, path);
			break;
		}
	}
	close(fd);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return rc;
}

/* A non-empty string member of obj, or NULL. */
static const char *json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && *s ? s : NULL;
}

int creds_from_json(struct creds *out, struct json_t *obj, const char *token_key,
                    int optional_token, const char *source, const char *what, struct aws_error *err)
{
	const char *akid = json_str(obj, "AccessKeyId");
	const char *secret = json_str(obj, "SecretAccessKey");
	const char *token = token_key ? json_str(obj, token_key) : NULL;
	json_t *exp = json_object_get(obj, "Expiration");
	int64_t expires = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return error_set(err, ERR_PARSE, "%s: expected a JSON object", what);
	if (!akid || !secret)
		return error_set(err, ERR_PARSE, "%s: the answer lacks %s", what,
		                 !akid ? "AccessKeyId" : "SecretAccessKey");
	if (token_key && !optional_token && !token)
		return error_set(err, ERR_PARSE, "%s: the answer lacks %s", what, token_key);
	if (exp && !json_is_null(exp)) {
		if (!json_is_string(exp) || creds_parse_time(&expires, json_string_value(exp)) < 0)
			return error_set(err, ERR_PARSE,
			                 "%s: Expiration is not an ISO 8601 time such as "
			                 "2024-05-01T12:00:00Z",
			                 what);
	}
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token ? xstrdup(token) : NULL;
	out->expires_ms = expires;
	out->source = source;
	return 0;
}

struct http *creds_transport(const struct creds_context *ctx, struct http **own, long timeout_ms,
                             struct aws_error *err)
{
	struct http_options opt = {0};

	if (!timeout_ms && ctx->http)
		return ctx->http;
	if (*own)
		return *own;
	http_options_from_env(&opt, ctx->env);
	opt.connect_timeout_ms = timeout_ms;
	opt.timeout_ms = timeout_ms;
	opt.max_body = CREDS_FILE_MAX;
	opt.pool_size = 1;
	opt.debug = ctx->debug;
	*own = http_new(&opt, err);
	return *own;
}

/* ---- first of a list ---- */

/* Links in order; chosen is the one that worked, kept for refreshes. */
struct first {
	struct creds_provider **links;
	size_t n;
	struct creds_provider *chosen;
	const struct creds_context *ctx;
};

/* Asks each link until one is configured; afterwards only that one. */
static int first_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct first *f = self->data;
	int rc;

	if (f->chosen)
		return f->chosen->fetch(f->chosen, out, err);
	for (size_t i = 0; i < f->n; i++) {
		rc = f->links[i]->fetch(f->links[i], out, err);
		if (rc == 0) {
			f->chosen = f->links[i];
			if (f->ctx->debug)
				fprintf(f->ctx->debug, "vpcflow: debug: credentials from %s\n",
				        out->source ? out->source : "?");
			return 0;
		}
		if (rc != ERR_NOT_FOUND)
			return rc;
	}
	return error_set(err, ERR_NOT_FOUND, "no credentials configured");
}

static void first_destroy(struct creds_provider *self)
{
	struct first *f = self->data;

	for (size_t i = 0; i < f->n; i++)
		creds_provider_free(f->links[i]);
	free(f->links);
	free(f);
}

struct creds_provider *creds_first_new(struct creds_provider **links, size_t n,
                                       const struct creds_context *ctx)
{
	struct first *f = xcalloc(1, sizeof(*f));

	f->links = xcalloc(n ? n : 1, sizeof(*f->links));
	memcpy(f->links, links, n * sizeof(*links));
	f->n = n;
	f->ctx = ctx;
	return creds_provider_new(first_fetch, first_destroy, f, ctx->clock);
}

size_t creds_profile_links(struct creds_provider **links, const struct creds_context *ctx,
                           const char *profile, int use_env)
{
	size_t n = 0;

	links[n++] = creds_web_identity_new(ctx, profile, use_env);
	links[n++] = creds_sso_new(ctx, profile);
	links[n++] = creds_profile_keys_new(ctx, profile, CONFIG_FILE_CREDENTIALS);
	links[n++] = creds_process_new(ctx, profile);
	links[n++] = creds_profile_keys_new(ctx, profile, CONFIG_FILE_CONFIG);
	return n;
}

/* ---- the default chain ---- */

/* Owns its copy of the context (the caller's struct may be a local) and the
 * empty configuration used when the caller gave none. */
struct chain {
	struct creds_context ctx;
	struct config *own_config;
	struct creds_provider *first;
	char *profile;
};

/* The first provider's answer, with the chain's message when nothing is
 * configured anywhere. */
static int chain_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct chain *ch = self->data;
	struct first *f = ch->first->data;
	int had_chosen = f->chosen != NULL;
	int rc;

	rc = ch->first->fetch(ch->first, out, err);
	if (rc != ERR_NOT_FOUND)
		return rc;
	if (had_chosen)
		return error_set(err, ERR_CREDENTIALS,
		                 "the credentials source that worked before has no credentials any "
		                 "more");
	error_clear(err);
	return error_set(err, ERR_CREDENTIALS,
	                 "no AWS credentials found: tried environment, profile '%s', container, "
	                 "instance metadata; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or "
	                 "configure a profile",
	                 ch->profile);
}

static void chain_destroy(struct creds_provider *self)
{
	struct chain *ch = self->data;

	creds_provider_free(ch->first);
	config_free(ch->own_config);
	free(ch->profile);
	free(ch);
}

/* Whether the profile was asked for (flag or environment) rather than the
 * implicit "default": then it must exist, as in the AWS CLI. */
static int profile_explicit(const struct creds_context *ctx)
{
	return ctx->profile_from_flag || env_get(ctx->env, "AWS_PROFILE") ||
	       env_get(ctx->env, "AWS_DEFAULT_PROFILE") || strcmp(ctx->profile, "default") != 0;
}

int creds_chain_new(struct creds_provider **out, const struct creds_context *ctx,
                    struct aws_error *err)
{
	struct chain *ch = xcalloc(1, sizeof(*ch));
	struct creds_provider *links[4 + CREDS_PROFILE_LINKS];
	size_t n = 0;
	int rc = 0;

	*out = NULL;
	ch->ctx = *ctx;
	if (!ch->ctx.env)
		ch->ctx.env = &env_process;
	if (!ch->ctx.config)
		ch->ctx.config = ch->own_config = config_new_empty();
	ch->profile = xstrdup(ctx->profile && *ctx->profile ? ctx->profile : "default");
	ch->ctx.profile = ch->profile;
	if (profile_explicit(&ch->ctx) && !config_has_profile(ch->ctx.config, ch->profile)) {
		rc =
		    error_set(err, ERR_CONFIG,
		              "profile '%s' not found in %s or %s; check --profile and AWS_PROFILE",
		              ch->profile, config_path(ch->ctx.config, CONFIG_FILE_CONFIG),
		              config_path(ch->ctx.config, CONFIG_FILE_CREDENTIALS));
		goto out;
	}
	if (!ch->ctx.profile_from_flag)
		links[n++] = creds_env_new(&ch->ctx);
	links[n++] = creds_assume_role_new(&ch->ctx, ch->profile);
	n += creds_profile_links(links + n, &ch->ctx, ch->profile, !ch->ctx.profile_from_flag);
	links[n++] = creds_container_new(&ch->ctx);
	links[n++] = creds_imds_new(&ch->ctx);
	ch->first = creds_first_new(links, n, &ch->ctx);
	*out = creds_provider_new(chain_fetch, chain_destroy, ch, ch->ctx.clock);
out:
	if (rc < 0) {
		config_free(ch->own_config);
		free(ch->profile);
		free(ch);
	}
	return rc;
}
