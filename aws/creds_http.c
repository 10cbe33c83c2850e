/* The two links that ask a local HTTP endpoint: ECS container credentials
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI) and EC2 instance
 * metadata (IMDSv2: a session token first, then the role and its credentials).
 * Timeouts are short, so that a machine without either answers quickly. */
#include "aws/creds_provider.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/buf.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"

#define CONTAINER_TIMEOUT_MS 2000
#define CONTAINER_ATTEMPTS   3
#define IMDS_TIMEOUT_MS      1000
#define IMDS_ATTEMPTS        2
#define IMDS_TOKEN_TTL       "21600"

/* One GET or PUT with headers given as name, value, ..., NULL. Retries
 * connection errors, 429 and 5xx up to attempts times, a second apart
 * (botocore's metadata fetchers). Returns http_send's code. */
static int fetch_url(struct http_response *resp, struct http *http, const struct creds_context *ctx,
                     const char *method, const char *url, int attempts, struct aws_error *err, ...)
{
	struct http_request req = {0};
	const char *name;
	va_list ap;
	int rc = 0;

	req.method = method;
	req.url = url;
	headers_init(&req.headers);
	va_start(ap, err);
	while ((name = va_arg(ap, const char *)))
		headers_add(&req.headers, name, va_arg(ap, const char *));
	va_end(ap);
	for (int attempt = 1; attempt <= attempts; attempt++) {
		http_response_release(resp);
		rc = http_send(http, &req, resp, err);
		if (rc == 0 && resp->status != 429 && resp->status < 500)
			break;
		if (attempt < attempts)
			clock_sleep_ms(ctx->clock ? ctx->clock : &clock_system, 1000);
	}
	headers_release(&req.headers);
	return rc;
}

static void wipe_response(struct http_response *resp)
{
	if (resp->body.len)
		OPENSSL_cleanse(resp->body.data, resp->body.len);
	http_response_release(resp);
}

/* Reads the credentials document both endpoints answer with: AccessKeyId,
 * SecretAccessKey, Token, Expiration and, from instance metadata, a Code that
 * must be "Success" when present. what names the source in messages; every
 * failure is ERR_CREDENTIALS. */
static int parse_creds(struct creds *out, const struct http_response *resp, int optional_token,
                       const char *source, const char *what, struct aws_error *err)
{
	json_t *doc = json_loadb(resp->body.data, resp->body.len, 0, NULL);
	const char *code = json_string_value(json_object_get(doc, "Code"));
	int rc;

	if (code && strcmp(code, "Success") != 0)
		rc = error_set(err, ERR_CREDENTIALS, "%s: Code %s", what, code);
	else if ((rc = creds_from_json(out, doc, "Token", optional_token, source, what, err)) < 0)
		err->code = rc = ERR_CREDENTIALS;
	json_decref(doc);
	return rc;
}

/* What each link keeps: the context, a transport of its own with short
 * timeouts, and (instance metadata) whether credentials came from it once, so
 * that later failures are errors rather than "no instance metadata here". */
struct link {
	const struct creds_context *ctx;
	struct http *own_http;
	int worked;
};

static void link_destroy(struct creds_provider *self)
{
	struct link *l = self->data;

	http_free(l->own_http);
	free(l);
}

static struct creds_provider *link_new(const struct creds_context *ctx,
                                       int (*fetch)(struct creds_provider *self, struct creds *out,
                                                    struct aws_error *err))
{
	struct link *l = xcalloc(1, sizeof(*l));

	l->ctx = ctx;
	return creds_provider_new(fetch, link_destroy, l, ctx->clock);
}

/* ---- ECS container credentials ---- */

/* Whether the host of an http:// full URI is one the SDKs allow: a loopback
 * address or the ECS and EKS agents' link-local addresses. */
static int container_host_allowed(const char *host)
{
	static const char *const allowed[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
	                                      "localhost", NULL};
	unsigned char addr[16];

	for (const char *const *a = allowed; *a; a++)
		if (strcasecmp(host, *a) == 0)
			return 1;
	if (inet_pton(AF_INET, host, addr) == 1)
		return addr[0] == 127;
	if (inet_pton(AF_INET6, host, addr) == 1)
		return memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	return 0;
}

/* Checks AWS_CONTAINER_CREDENTIALS_FULL_URI: https anywhere, http only to an
 * allowed host. */
static int container_check_url(const char *url, struct aws_error *err)
{
	const char *p, *end, *at;
	char host[256];
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0)
		return 0;
	if (strncasecmp(url, "http://", 7) != 0)
		return error_set(
		    err, ERR_CONFIG,
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is not an http or https URL", url);
	p = url + 7;
	end = p + strcspn(p, "/?#");
	for (at = end; at > p && at[-1] != '@'; at--)
		;
	if (at > p)
		p = at;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		n = close ? (size_t)(close - p - 1) : 0;
		p++;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		n = (size_t)((colon ? colon : end) - p);
	}
	if (n >= sizeof(host))
		n = 0;
	memcpy(host, p, n);
	host[n] = '\0';
	if (!container_host_allowed(host))
		return error_set(err, ERR_CONFIG,
		                 "AWS_CONTAINER_CREDENTIALS_FULL_URI host '%s' is not allowed: use "
		                 "https, a loopback address or 169.254.170.2/169.254.170.23",
		                 host);
	return 0;
}

/* The Authorization value: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at
 * every fetch, as EKS rotates it) before AWS_CONTAINER_AUTHORIZATION_TOKEN. */
static int container_auth(struct buf *out, const struct creds_context *ctx, struct aws_error *err)
{
	const char *file = env_get(ctx->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token = env_get(ctx->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
	int rc;

	if (file) {
		rc = creds_read_file(out, "container authorization token file", file, err);
		if (rc < 0) {
			err->code = ERR_CREDENTIALS;
			return ERR_CREDENTIALS;
		}
		while (out->len && strchr("\r\n", out->data[out->len - 1]))
			buf_truncate(out, out->len - 1);
	} else if (token) {
		buf_addstr(out, token);
	}
	if (strpbrk(out->data, "\r\n"))
		return error_set(err, ERR_CONFIG,
		                 "the container authorization token contains a line break");
	return 0;
}

static int container_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct link *c = self->data;
	const struct creds_context *ctx = c->ctx;
	const char *rel = env_get(ctx->env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env_get(ctx->env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct http_response resp;
	struct buf url = BUF_INIT, auth = BUF_INIT;
	struct http *http;
	int rc;

	http_response_init(&resp);
	if (!rel && !full) {
		rc = error_set(err, ERR_NOT_FOUND, "no container credentials endpoint");
		goto out;
	}
	if (rel)
		buf_addf(&url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	else if ((rc = container_check_url(full, err)) < 0)
		goto out;
	else
		buf_addstr(&url, full);
	if ((rc = container_auth(&auth, ctx, err)) < 0)
		goto out;
	http = creds_transport(ctx, &c->own_http, CONTAINER_TIMEOUT_MS, err);
	if (!http) {
		rc = err->code;
		goto out;
	}
	rc = fetch_url(&resp, http, ctx, "GET", url.data, CONTAINER_ATTEMPTS, err, "Accept",
	               "application/json", auth.len ? "Authorization" : NULL, auth.data, NULL);
	if (rc < 0) {
		error_prefix(err, "container credentials from %s", url.data);
		err->code = rc = ERR_CREDENTIALS;
		goto out;
	}
	if (resp.status != 200) {
		rc = error_set(err, ERR_CREDENTIALS, "container credentials from %s: HTTP %ld%s",
		               url.data, resp.status,
		               resp.status == 401 || resp.status == 403
		                   ? "; check AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]"
		                   : "");
		goto out;
	}
	rc = parse_creds(out, &resp, 1, "container", "container credentials", err);
out:
	wipe_response(&resp);
	OPENSSL_cleanse(auth.data, auth.len);
	buf_release(&auth);
	buf_release(&url);
	return rc;
}

struct creds_provider *creds_container_new(const struct creds_context *ctx)
{
	return link_new(ctx, container_fetch);
}

/* ---- EC2 instance metadata (IMDSv2) ---- */

static int env_true(const struct creds_context *ctx, const char *name)
{
	const char *v = env_get(ctx->env, name);

	return v && strcasecmp(v, "true") == 0;
}

/* "Not here" before the first success, an error after it. */
static int imds_absent(const struct link *m, struct aws_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int imds_absent(const struct link *m, struct aws_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, m->worked ? ERR_CREDENTIALS : ERR_NOT_FOUND, fmt, ap);
	va_end(ap);
	return err->code;
}

static void imds_base(struct buf *out, const struct creds_context *ctx)
{
	const char *v = env_get(ctx->env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = env_get(ctx->env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");

	if (!v)
		v = mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
		                                          : "http://169.254.169.254";
	buf_addstr(out, v);
	while (out->len && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
}

/* GETs a metadata URL: 0 for a 200 answer, else -1 with why saying what went
 * wrong ("HTTP 404", or the transport's message). */
static int imds_get(struct http_response *resp, struct http *http, const struct creds_context *ctx,
                    const char *url, const char *tok_name, const char *token, char *why,
                    size_t why_size, struct aws_error *err)
{
	int rc = fetch_url(resp, http, ctx, "GET", url, IMDS_ATTEMPTS, err, tok_name, token, NULL);

	if (rc == 0 && resp->status == 200)
		return 0;
	if (rc < 0)
		snprintf(why, why_size, "%s", err->message);
	else
		snprintf(why, why_size, "HTTP %ld", resp->status);
	return -1;
}

static int imds_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct link *m = self->data;
	const struct creds_context *ctx = m->ctx;
	struct http_response resp;
	struct buf base = BUF_INIT, url = BUF_INIT, token = BUF_INIT, role = BUF_INIT,
	           what = BUF_INIT;
	struct http *http;
	const char *tok_name;
	char why[512];
	size_t n;
	int rc;

	http_response_init(&resp);
	if (env_true(ctx, "AWS_EC2_METADATA_DISABLED")) {
		rc = error_set(err, ERR_NOT_FOUND, "instance metadata disabled");
		goto out;
	}
	imds_base(&base, ctx);
	http = creds_transport(ctx, &m->own_http, IMDS_TIMEOUT_MS, err);
	if (!http) {
		rc = err->code;
		goto out;
	}
	buf_addf(&url, "%s/latest/api/token", base.data);
	rc = fetch_url(&resp, http, ctx, "PUT", url.data, 1, err,
	               "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL, NULL);
	if (rc < 0) {
		snprintf(why, sizeof(why), "%s", err->message);
		rc = imds_absent(m, err, "instance metadata at %s: %s", base.data, why);
		goto out;
	}
	if (resp.status == 200) {
		buf_add(&token, resp.body.data, resp.body.len);
	} else if (resp.status == 403 || resp.status == 404 || resp.status == 405) {
		if (env_true(ctx, "AWS_EC2_METADATA_V1_DISABLED")) {
			rc = imds_absent(m, err,
			                 "instance metadata at %s gives no IMDSv2 token (HTTP %ld) "
			                 "and IMDSv1 is disabled",
			                 base.data, resp.status);
			goto out;
		}
	} else {
		rc = imds_absent(m, err, "instance metadata token at %s: HTTP %ld", base.data,
		                 resp.status);
		goto out;
	}
	tok_name = token.len ? "X-aws-ec2-metadata-token" : NULL;

	buf_reset(&url);
	buf_addf(&url, "%s/latest/meta-data/iam/security-credentials/", base.data);
	if (imds_get(&resp, http, ctx, url.data, tok_name, token.data, why, sizeof(why), err) < 0) {
		rc = imds_absent(m, err, "instance metadata at %s has no IAM role (%s)", base.data,
		                 why);
		goto out;
	}
	n = strcspn(resp.body.data, "\r\n");
	while (n && strchr(" \t", resp.body.data[n - 1]))
		n--;
	buf_add(&role, resp.body.data, n);
	if (!role.len || strchr(role.data, '/')) {
		rc = imds_absent(m, err, "instance metadata at %s has no IAM role", base.data);
		goto out;
	}

	buf_addstr(&url, role.data);
	buf_addf(&what, "instance metadata credentials of role '%s'", role.data);
	if (imds_get(&resp, http, ctx, url.data, tok_name, token.data, why, sizeof(why), err) < 0) {
		rc = error_set(err, ERR_CREDENTIALS, "%s: %s", what.data, why);
		goto out;
	}
	rc = parse_creds(out, &resp, 0, "imds", what.data, err);
	if (rc == 0)
		m->worked = 1;
out:
	wipe_response(&resp);
	OPENSSL_cleanse(token.data, token.len);
	buf_release(&token);
	buf_release(&role);
	buf_release(&what);
	buf_release(&url);
	buf_release(&base);
	return rc;
}

struct creds_provider *creds_imds_new(const struct creds_context *ctx)
{
	return link_new(ctx, imds_fetch);
}
