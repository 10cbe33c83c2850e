/* IAM Identity Center (SSO) credentials: the profile's sso_account_id and
 * sso_role_name, with sso_start_url and sso_region in the profile (legacy form)
 * or in its [sso-session] section; the access token comes from the AWS CLI's
 * cache (~/.aws/sso/cache/<sha1 of the start URL or session name>.json), then
 * GetRoleCredentials: GET /federation/credentials on the SSO portal, unsigned,
 * with the token in x-amz-sso_bearer_token. Tokens are not refreshed here: an
 * expired one asks for `aws sso login`. */
#include "aws/creds_provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/config.h"
#include "aws/endpoint.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/query.h"
#include "aws/xalloc.h"

#define SSO_ATTEMPTS 3

struct sso {
	const struct creds_context *ctx;
	char *profile;
	struct http *own_http;
};

/* The resolved settings; strings borrowed from the configuration. */
struct sso_settings {
	const char *start_url;
	const char *region;
	const char *account_id;
	const char *role_name;
	const char *session; /* NULL in the legacy form */
};

/* Merges the profile with its [sso-session] as botocore does: a setting in
 * both must agree. */
static int sso_settings(struct sso_settings *s, const struct config *c, const char *profile,
                        struct aws_error *err)
{
	static const char *const keys[] = {"sso_start_url", "sso_region"};
	const char **vals[] = {&s->start_url, &s->region};
	struct buf missing = BUF_INIT;
	int rc = 0;

	s->start_url = config_get(c, profile, "sso_start_url");
	s->region = config_get(c, profile, "sso_region");
	s->account_id = config_get(c, profile, "sso_account_id");
	s->role_name = config_get(c, profile, "sso_role_name");
	s->session = config_get(c, profile, "sso_session");
	if (s->session) {
		if (!config_sso_session_get(c, s->session, "sso_start_url") &&
		    !config_sso_session_get(c, s->session, "sso_region")) {
			rc = error_set(err, ERR_CONFIG,
			               "profile '%s' names sso_session '%s', but %s has no "
			               "[sso-session %s] section with sso_start_url and sso_region",
			               profile, s->session, config_path(c, CONFIG_FILE_CONFIG),
			               s->session);
			goto out;
		}
		for (int i = 0; i < 2; i++) {
			const char *v = config_sso_session_get(c, s->session, keys[i]);

			if (!v)
				continue;
			if (*vals[i] && strcmp(*vals[i], v) != 0) {
				rc = error_set(
				    err, ERR_CONFIG,
				    "%s differs between profile '%s' (%s) and sso-session "
				    "'%s' (%s); keep one",
				    keys[i], profile, *vals[i], s->session, v);
				goto out;
			}
			*vals[i] = v;
		}
	}
	if (!s->start_url || !*s->start_url)
		buf_addstr(&missing, ", sso_start_url");
	if (!s->region || !*s->region)
		buf_addstr(&missing, ", sso_region");
	if (!s->account_id || !*s->account_id)
		buf_addstr(&missing, ", sso_account_id");
	if (!s->role_name || !*s->role_name)
		buf_addstr(&missing, ", sso_role_name");
	if (missing.len)
		rc = error_set(err, ERR_CONFIG,
		               "profile '%s' is configured for SSO but lacks %s; run aws configure "
		               "sso --profile %s",
		               profile, missing.data + 2, profile);
out:
	buf_release(&missing);
	return rc;
}

/* Reads the cached access token; fails with the `aws sso login` hint. */
static int sso_token(struct buf *token, const struct sso *sso, const struct sso_settings *s,
                     struct aws_error *err)
{
	const char *key = s->session ? s->session : s->start_url;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], *rel = NULL, *path = NULL;
	struct buf text = BUF_INIT;
	json_t *doc = NULL;
	const char *access, *expires;
	int64_t expires_ms = 0;
	int rc = 0;

	EVP_Digest(key, strlen(key), md, &md_len, EVP_sha1(), NULL);
	for (unsigned int i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	rel = xasprintf("~/.aws/sso/cache/%s.json", hex);
	path = config_expand_path(sso->ctx->env, rel);
	if (creds_read_file(&text, "SSO token cache", path, err) < 0) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "no SSO token for profile '%s' (%s): run aws sso login --profile %s",
		               sso->profile, path, sso->profile);
		goto out;
	}
	doc = json_loadb(text.data, text.len, 0, NULL);
	access = json_string_value(json_object_get(doc, "accessToken"));
	expires = json_string_value(json_object_get(doc, "expiresAt"));
	if (!access || !*access || !expires || creds_parse_time(&expires_ms, expires) < 0) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "the SSO token cache %s lacks accessToken or expiresAt: run aws sso "
		               "login --profile %s",
		               path, sso->profile);
		goto out;
	}
	if (expires_ms <= creds_now_ms(sso->ctx)) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "the SSO token for profile '%s' expired at %s: run aws sso login "
		               "--profile %s",
		               sso->profile, expires, sso->profile);
		goto out;
	}
	buf_addstr(token, access);
out:
	json_decref(doc);
	OPENSSL_cleanse(text.data, text.len);
	buf_release(&text);
	free(rel);
	free(path);
	return rc;
}

/* The portal's base URL: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else
 * https://portal.sso.<region>.<partition's DNS suffix>. */
static void sso_endpoint(struct buf *url, const struct creds_context *ctx, const char *region)
{
	const char *v = env_get(ctx->env, "AWS_ENDPOINT_URL_SSO");
	const char *suffix;

	if (!v)
		v = env_get(ctx->env, "AWS_ENDPOINT_URL");
	if (v) {
		buf_addstr(url, v);
		while (url->len && url->data[url->len - 1] == '/')
			buf_truncate(url, url->len - 1);
		return;
	}
	suffix = endpoint_dns_suffix(region);
	buf_addf(url, "https://portal.sso.%s.%s", region, suffix ? suffix : "amazonaws.com");
}

/* GetRoleCredentials, retried on connection errors, 429 and 5xx. */
static int get_role_credentials(struct creds *out, struct sso *sso, const struct sso_settings *s,
                                const char *token, struct aws_error *err)
{
	struct http_request req = {0};
	struct http_response resp;
	struct buf url = BUF_INIT;
	struct http *http;
	json_t *doc = NULL, *rc_obj, *exp;
	const char *akid, *secret, *session;
	int rc = 0;

	http_response_init(&resp);
	headers_init(&req.headers);
	http = creds_transport(sso->ctx, &sso->own_http, 0, err);
	if (!http) {
		rc = err->code;
		goto out;
	}
	sso_endpoint(&url, sso->ctx, s->region);
	buf_addstr(&url, "/federation/credentials?account_id=");
	query_encode(&url, s->account_id);
	buf_addstr(&url, "&role_name=");
	query_encode(&url, s->role_name);
	req.method = "GET";
	req.url = url.data;
	headers_add(&req.headers, "x-amz-sso_bearer_token", token);
	headers_add(&req.headers, "Accept", "application/json");
	for (int attempt = 1; attempt <= SSO_ATTEMPTS; attempt++) {
		http_response_release(&resp);
		rc = http_send(http, &req, &resp, err);
		if (rc == 0 && resp.status != 429 && resp.status < 500)
			break;
		if (attempt < SSO_ATTEMPTS)
			clock_sleep_ms(sso->ctx->clock ? sso->ctx->clock : &clock_system,
			               200LL << attempt);
	}
	if (rc < 0)
		goto out;
	if (resp.status == 401 || resp.status == 403) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "the SSO portal rejected the token of profile '%s' (HTTP %ld): run "
		               "aws sso login --profile %s",
		               sso->profile, resp.status, sso->profile);
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		rc = client_parse_error(PROTO_JSON, &resp, err);
		goto out;
	}
	doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
	rc_obj = json_object_get(doc, "roleCredentials");
	akid = json_string_value(json_object_get(rc_obj, "accessKeyId"));
	secret = json_string_value(json_object_get(rc_obj, "secretAccessKey"));
	session = json_string_value(json_object_get(rc_obj, "sessionToken"));
	exp = json_object_get(rc_obj, "expiration");
	if (!akid || !*akid || !secret || !*secret || !session || !json_is_integer(exp)) {
		rc =
		    error_set(err, ERR_PARSE,
		              "the answer lacks roleCredentials with accessKeyId, secretAccessKey, "
		              "sessionToken and expiration");
		goto out;
	}
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = *session ? xstrdup(session) : NULL;
	out->expires_ms = (int64_t)json_integer_value(exp);
	out->source = "sso";
out:
	if (rc < 0)
		error_set_operation(err, "GetRoleCredentials");
	json_decref(doc);
	if (resp.body.len)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	http_response_release(&resp);
	headers_release(&req.headers);
	buf_release(&url);
	return rc;
}

static int sso_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct sso *sso = self->data;
	const struct config *c = sso->ctx->config;
	struct sso_settings s = {0};
	struct buf token = BUF_INIT;
	int rc;

	if (!config_get(c, sso->profile, "sso_account_id") &&
	    !config_get(c, sso->profile, "sso_role_name"))
		return error_set(err, ERR_NOT_FOUND, "no SSO settings");
	rc = sso_settings(&s, c, sso->profile, err);
	if (rc == 0)
		rc = sso_token(&token, sso, &s, err);
	if (rc == 0) {
		rc = get_role_credentials(out, sso, &s, token.data, err);
		if (rc < 0)
			error_prefix(err, "SSO role '%s' in account %s for profile '%s'",
			             s.role_name, s.account_id, sso->profile);
	}
	OPENSSL_cleanse(token.data, token.len);
	buf_release(&token);
	return rc;
}

static void sso_destroy(struct creds_provider *self)
{
	struct sso *sso = self->data;

	http_free(sso->own_http);
	free(sso->profile);
	free(sso);
}

struct creds_provider *creds_sso_new(const struct creds_context *ctx, const char *profile)
{
	struct sso *sso = xcalloc(1, sizeof(*sso));

	sso->ctx = ctx;
	sso->profile = xstrdup(profile);
	return creds_provider_new(sso_fetch, sso_destroy, sso, ctx->clock);
}
