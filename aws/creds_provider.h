/* The inside of a credentials provider, for the files that implement one
 * (aws/creds*.c). Everyone else uses aws/creds.h.
 *
 * A provider has a fetch function and a cache. creds_get() holds the lock,
 * serves the cached credentials while they are valid for more than
 * CREDS_REFRESH_MS, and calls fetch otherwise. fetch fills out (owned by the
 * cache afterwards) or fails with err set. */
#ifndef VPCFLOW_AWS_CREDS_PROVIDER_H
#define VPCFLOW_AWS_CREDS_PROVIDER_H

#include <pthread.h>

#include "aws/config.h"
#include "aws/creds.h"

#define CREDS_REFRESH_MS (5 * 60 * 1000)

struct creds_provider {
	int (*fetch)(struct creds_provider *self, struct creds *out, struct aws_error *err);
	void (*destroy)(struct creds_provider *self); /* frees what the provider owns, not self */
	void *data;                                   /* the provider's own state */
	const struct clock *clock;                    /* NULL: system clock */
	pthread_mutex_t lock;
	struct creds cached;
	int have_cached;
};

/* Returns a new provider around fetch/destroy/data, owned by the caller. */
struct creds_provider *
creds_provider_new(int (*fetch)(struct creds_provider *, struct creds *, struct aws_error *),
                   void (*destroy)(struct creds_provider *), void *data, const struct clock *clock);

/* ---- Additions: the chain's links, for aws/creds_*.c ----
 *
 * Each link is a provider whose fetch fails with ERR_NOT_FOUND when its source
 * is not configured at all, so that the chain moves on; any other failure of a
 * configured source stops the chain with that error. ctx is borrowed (the
 * chain's own copy, which outlives every link); profile is copied. */

struct http;
struct buf;
struct json_t;

struct creds_provider *creds_env_new(const struct creds_context *ctx);
/* AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME (each only
 * when use_env), else the profile's web_identity_token_file, role_arn,
 * role_session_name. */
struct creds_provider *creds_web_identity_new(const struct creds_context *ctx, const char *profile,
                                              int use_env);
/* role_arn with source_profile or credential_source (not when the profile has
 * web_identity_token_file). */
struct creds_provider *creds_assume_role_new(const struct creds_context *ctx, const char *profile);
struct creds_provider *creds_sso_new(const struct creds_context *ctx, const char *profile);
/* aws_access_key_id / aws_secret_access_key / aws_session_token of profile in
 * one of the two files. */
struct creds_provider *creds_profile_keys_new(const struct creds_context *ctx, const char *profile,
                                              enum config_file which);
struct creds_provider *creds_process_new(const struct creds_context *ctx, const char *profile);
struct creds_provider *creds_container_new(const struct creds_context *ctx);
struct creds_provider *creds_imds_new(const struct creds_context *ctx);

/* The most links creds_profile_links() returns. */
#define CREDS_PROFILE_LINKS 5
/* Appends the links that a profile's own settings give, in botocore's order:
 * web identity, sso, credentials-file keys, credential_process, config-file
 * keys. Returns how many (CREDS_PROFILE_LINKS). */
size_t creds_profile_links(struct creds_provider **links, const struct creds_context *ctx,
                           const char *profile, int use_env);
/* A provider that tries links in order and keeps the first that works; it owns
 * them. Fails with ERR_NOT_FOUND when none is configured. */
struct creds_provider *creds_first_new(struct creds_provider **links, size_t n,
                                       const struct creds_context *ctx);

/* Helpers shared by the links. */

/* Parses an ISO 8601 time: "2024-05-01T12:00:00Z", with optional fractional
 * seconds, a "+hh:mm"/"+hhmm"/"+hh" offset or "UTC" instead of Z, 't'/' ' as
 * the separator. 0 or ERR_PARSE. */
int creds_parse_time(int64_t *out_ms, const char *text);
/* ctx's clock (or the system clock), in milliseconds. */
int64_t creds_now_ms(const struct creds_context *ctx);
/* Reads a whole small file (at most 1 MiB) into out; ERR_IO naming what and
 * path. The caller wipes and releases out. */
int creds_read_file(struct buf *out, const char *what, const char *path, struct aws_error *err);
/* Fills out from a JSON object with AccessKeyId, SecretAccessKey, token_key
 * (NULL: no token; optional when optional_token) and an optional ISO 8601
 * Expiration. ERR_PARSE naming what and the missing field; values never appear
 * in messages. */
int creds_from_json(struct creds *out, struct json_t *obj, const char *token_key,
                    int optional_token, const char *source, const char *what,
                    struct aws_error *err);
/* The transport for a link: ctx->http when timeout_ms is 0 and there is one,
 * else one of the link's own (created once into *own, freed by the link). */
struct http *creds_transport(const struct creds_context *ctx, struct http **own, long timeout_ms,
                             struct aws_error *err);

#endif
