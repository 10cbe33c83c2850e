/* AWS Signature Version 4, header signing.
 *
 * The URL of a request is what goes on the wire: its path and query are
 * already percent-encoded. From it the canonical request takes:
 * - the path: for every service but S3, with dot segments and empty segments
 *   removed (as botocore does) and then URI-encoded again ("double encoding");
 *   for S3 exactly as it is, except that bytes which cannot appear in a URL
 *   (space, controls, non-ASCII, a '%' that starts no escape) are encoded once;
 * - the query: each key and value percent-decoded, then encoded with the SigV4
 *   unreserved set, sorted by key then value; '+' is a literal plus, so callers
 *   encode spaces as %20. */
#include "aws/sigv4.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/url.h"
#include "aws/xalloc.h"

#define SIGV4_ALGORITHM       "AWS4-HMAC-SHA256"
#define UNSIGNED_PAYLOAD_HASH "UNSIGNED-PAYLOAD"

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/* The parts of an absolute http(s) URL; pointers into the URL. host excludes
 * a default port (80 for http, 443 for https), as the Host header does. */
struct url_parts {
	const char *host;
	size_t host_len;
	const char *path; /* "/" when the URL has none */
	size_t path_len;
	const char *query; /* after '?', without the fragment; "" when none */
	size_t query_len;
};

/* One header of the canonical request. name is lowercase, value trimmed with
 * inner runs of whitespace collapsed; index keeps the request's order. */
struct canon_header {
	char *name;
	char *value;
	size_t index;
};

/* One query parameter, key and value in canonical (encoded) form. */
struct canon_param {
	char *key;
	char *value;
};

/* Headers that proxies and transports add or rewrite: never signed. */
static const char *const unsigned_headers[] = {
    "authorization",     "connection", "expect",     "proxy-authorization",
    "transfer-encoding", "upgrade",    "user-agent", "x-amzn-trace-id",
};

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

/* Characters that may appear unencoded in the path of a URL (RFC 3986 pchar
 * and '/'), '%' aside. */
static int is_path_char(unsigned char c)
{
	return is_unreserved(c) || (c && strchr("/!$&'()*+,;=:@", c) != NULL);
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_escape(const char *s, size_t len, size_t i)
{
	return s[i] == '%' && i + 2 < len && hex_value((unsigned char)s[i + 1]) >= 0 &&
	       hex_value((unsigned char)s[i + 2]) >= 0;
}

static void add_escaped(struct buf *out, unsigned char c)
{
	char esc[3] = {'%', hex_upper[c >> 4], hex_upper[c & 15]};

	buf_add(out, esc, sizeof(esc));
}

/* Appends s URI-encoded with the SigV4 unreserved set; '/' is kept if asked. */
static void uri_encode(struct buf *out, const char *s, size_t len, int keep_slash)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/'))
			buf_addch(out, c);
		else
			add_escaped(out, c);
	}
}

void sigv4_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
		abort(); /* SHA-256 is always available: only memory can run out */
	for (unsigned int i = 0; i < md_len; i++) {
		out[2 * i] = hex_lower[md[i] >> 4];
		out[2 * i + 1] = hex_lower[md[i] & 15];
	}
	out[64] = '\0';
}

/* out = HMAC-SHA256(key, data). */
static void hmac_sha256(unsigned char out[32], const void *key, size_t key_len, const void *data,
                        size_t data_len)
{
	unsigned int len = 0;

	if (!HMAC(EVP_sha256(), key, (int)key_len, data, data_len, out, &len) || len != 32)
		abort(); /* as in sigv4_sha256_hex */
}

void sigv4_format_time(char amz_date[17], int64_t time)
{
	time_t t = (time_t)time;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(amz_date, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		memcpy(amz_date, "19700101T000000Z", 17);
}

void sigv4_scope(struct buf *out, const char *amz_date, const char *region, const char *service)
{
	buf_addf(out, "%.8s/%s/%s/aws4_request", amz_date, region, service);
}

void sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *scope,
                          const char *canonical_request)
{
	char hash[65];

	sigv4_sha256_hex(hash, canonical_request, strlen(canonical_request));
	buf_addf(out, SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hash);
}

void sigv4_signature(char out[65], const char *secret_access_key, const char *amz_date,
                     const char *region, const char *service, const char *string_to_sign)
{
	struct buf secret = BUF_INIT;
	unsigned char key[32], sig[32];

	buf_addf(&secret, "AWS4%s", secret_access_key);
	hmac_sha256(key, secret.data, secret.len, amz_date, 8);
	hmac_sha256(key, key, sizeof(key), region, strlen(region));
	hmac_sha256(key, key, sizeof(key), service, strlen(service));
	hmac_sha256(key, key, sizeof(key), "aws4_request", strlen("aws4_request"));
	hmac_sha256(sig, key, sizeof(key), string_to_sign, strlen(string_to_sign));
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex_lower[sig[i] >> 4];
		out[2 * i + 1] = hex_lower[sig[i] & 15];
	}
	out[64] = '\0';
	OPENSSL_cleanse(secret.data, secret.len);
	OPENSSL_cleanse(key, sizeof(key));
	buf_release(&secret);
}

void sigv4_authorization(struct buf *out, const char *access_key_id, const char *scope,
                         const char *signed_headers, const char *signature)
{
	buf_addf(out, SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
	         access_key_id, scope, signed_headers, signature);
}

/* Splits an absolute http:// or https:// URL. */
static int url_split(struct url_parts *out, const char *url, struct aws_error *err)
{
	const char *p, *end, *port = NULL;
	int https;

	if (!url)
		return error_set(err, ERR_INVALID, "sign request: no URL");
	if (strncasecmp(url, "https://", 8) == 0)
		https = 1;
	else if (strncasecmp(url, "http://", 7) == 0)
		https = 0;
	else
		return error_set(err, ERR_INVALID,
		                 "sign request: URL '%s' does not start with http:// or https://",
		                 url);
	p = url + (https ? 8 : 7);
	end = p + strcspn(p, "/?#");
	if (end == p)
		return error_set(err, ERR_INVALID, "sign request: URL '%s' has no host", url);
	/* The port follows the last ':' that is not inside an IPv6 literal. */
	for (const char *q = end; q > p && q[-1] != ']'; q--)
		if (q[-1] == ':') {
			port = q - 1;
			break;
		}
	out->host = p;
	out->host_len = (size_t)(end - p);
	if (port && ((https && end - port == 4 && strncmp(port, ":443", 4) == 0) ||
	             (!https && end - port == 3 && strncmp(port, ":80", 3) == 0)))
		out->host_len = (size_t)(port - p);
	p = end;
	if (*p == '/') {
		out->path = p;
		out->path_len = strcspn(p, "?#");
		p += out->path_len;
	} else {
		out->path = "/";
		out->path_len = 1;
	}
	if (*p == '?') {
		out->query = p + 1;
		out->query_len = strcspn(p + 1, "#");
	} else {
		out->query = "";
		out->query_len = 0;
	}
	return 0;
}

/* The canonical path of every service but S3: dot segments and empty segments
 * removed, each segment URI-encoded (again: the URL's path is already encoded). */
static void canonical_path_normalized(struct buf *out, const char *path, size_t len)
{
	struct segment {
		const char *p;
		size_t n;
	} *seg = NULL;
	size_t nseg = 0, alloc = 0, i = 0;

	while (i < len) {
		size_t n = strcspn(path + i, "/");

		if (n > len - i)
			n = len - i;
		if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (nseg)
				nseg--;
		} else if (n > 0 && !(n == 1 && path[i] == '.')) {
			ALLOC_GROW(seg, nseg + 1, alloc);
			seg[nseg].p = path + i;
			seg[nseg].n = n;
			nseg++;
		}
		i += n + 1;
	}
	buf_addch(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i)
			buf_addch(out, '/');
		uri_encode(out, seg[i].p, seg[i].n, 0);
	}
	if (nseg && path[len - 1] == '/')
		buf_addch(out, '/');
	free(seg);
}

/* The canonical path of S3: the URL's path, with only what cannot appear in a
 * URL encoded. */
static void canonical_path_s3(struct buf *out, const char *path, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (is_path_char(c) || is_escape(path, len, i))
			buf_addch(out, c);
		else
			add_escaped(out, c);
	}
}

static int compare_params(const void *a, const void *b)
{
	const struct canon_param *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

/* Returns s decoded, then encoded with the unreserved set; owned by the caller.
 * '+' stays a plus, and a decoded "%00" is encoded again, not an end. */
static char *canonical_component(const char *s, size_t len)
{
	struct buf decoded = BUF_INIT, encoded = BUF_INIT;

	url_decode_append(&decoded, s, len, URL_PLUS_KEEP);
	uri_encode(&encoded, decoded.data, decoded.len, 0);
	buf_release(&decoded);
	return buf_detach(&encoded, NULL);
}

static void canonical_query(struct buf *out, const char *query, size_t len)
{
	struct canon_param *params = NULL;
	size_t n = 0, alloc = 0, i = 0;

	while (i < len) {
		size_t plen = strcspn(query + i, "&"), klen;

		if (plen > len - i)
			plen = len - i;
		if (plen > 0) {
			const char *eq = memchr(query + i, '=', plen);

			klen = eq ? (size_t)(eq - (query + i)) : plen;
			ALLOC_GROW(params, n + 1, alloc);
			params[n].key = canonical_component(query + i, klen);
			params[n].value =
			    eq ? canonical_component(eq + 1, plen - klen - 1) : xstrdup("");
			n++;
		}
		i += plen + 1;
	}
	if (n)
		qsort(params, n, sizeof(*params), compare_params);
	for (i = 0; i < n; i++) {
		buf_addf(out, "%s%s=%s", i ? "&" : "", params[i].key, params[i].value);
		free(params[i].key);
		free(params[i].value);
	}
	free(params);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Returns value trimmed, with every run of whitespace (folded lines too) made
 * one space; owned by the caller. */
static char *canonical_value(const char *value)
{
	struct buf b = BUF_INIT;
	int pending_space = 0;

	for (const char *p = value; *p; p++) {
		if (is_space(*p)) {
			pending_space = b.len > 0;
			continue;
		}
		if (pending_space)
			buf_addch(&b, ' ');
		pending_space = 0;
		buf_addch(&b, *p);
	}
	return buf_detach(&b, NULL);
}

static char *lowercase_name(const char *name)
{
	struct buf b = BUF_INIT;
	size_t len = strlen(name);

	while (len && is_space(name[len - 1]))
		len--;
	while (len && is_space(*name)) {
		name++;
		len--;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		buf_addch(&b, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return buf_detach(&b, NULL);
}

static int is_unsigned_header(const char *lower_name)
{
	for (size_t i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++)
		if (strcmp(lower_name, unsigned_headers[i]) == 0)
			return 1;
	return 0;
}

static int compare_headers(const void *a, const void *b)
{
	const struct canon_header *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Appends the canonical headers block ("name:value\n" each, duplicates joined
 * with ',' in request order) and the signed header names. */
static void canonical_headers(struct buf *out, struct buf *signed_headers,
                              const struct http_headers *headers)
{
	struct canon_header *h = NULL;
	size_t n = 0, i;

	if (headers->n)
		h = xcalloc(headers->n, sizeof(*h));
	for (i = 0; i < headers->n; i++) {
		char *name = lowercase_name(headers->v[i].name);

		if (!*name || is_unsigned_header(name)) {
			free(name);
			continue;
		}
		h[n].name = name;
		h[n].value = canonical_value(headers->v[i].value ? headers->v[i].value : "");
		h[n].index = i;
		n++;
	}
	if (n)
		qsort(h, n, sizeof(*h), compare_headers);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
			buf_addf(out, ",%s", h[i].value);
			continue;
		}
		if (i > 0)
			buf_addch(out, '\n');
		buf_addf(out, "%s:%s", h[i].name, h[i].value);
		buf_addf(signed_headers, "%s%s", i ? ";" : "", h[i].name);
	}
	if (n)
		buf_addch(out, '\n');
	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

int sigv4_canonical_request(struct buf *out, struct buf *signed_headers,
                            const struct http_request *req, const char *payload_hash,
                            unsigned flags, struct aws_error *err)
{
	struct url_parts url;
	int rc;

	rc = url_split(&url, req->url, err);
	if (rc < 0)
		return rc;
	buf_addf(out, "%s\n", req->method);
	if (flags & SIGV4_S3)
		canonical_path_s3(out, url.path, url.path_len);
	else
		canonical_path_normalized(out, url.path, url.path_len);
	buf_addch(out, '\n');
	canonical_query(out, url.query, url.query_len);
	buf_addch(out, '\n');
	canonical_headers(out, signed_headers, &req->headers);
	buf_addf(out, "\n%s\n%s", signed_headers->data, payload_hash);
	return 0;
}

int sigv4_sign(struct http_request *req, const struct sigv4_params *p, struct aws_error *err)
{
	struct buf canonical = BUF_INIT, signed_headers = BUF_INIT, scope = BUF_INIT;
	struct buf sts = BUF_INIT, auth = BUF_INIT, host = BUF_INIT;
	struct url_parts url;
	char amz_date[17], payload_hash[65], signature[65];
	int rc;

	if (!p->access_key_id || !*p->access_key_id || !p->secret_access_key ||
	    !*p->secret_access_key) {
		rc = error_set(err, ERR_CREDENTIALS, "sign request: no access key");
		goto out;
	}
	if (!p->region || !*p->region || !p->service || !*p->service) {
		rc = error_set(err, ERR_INVALID, "sign request: no signing region or service");
		goto out;
	}
	rc = url_split(&url, req->url, err);
	if (rc < 0)
		goto out;
	if (!headers_get(&req->headers, "Host")) {
		buf_add(&host, url.host, url.host_len);
		headers_set(&req->headers, "Host", host.data);
	}
	sigv4_format_time(amz_date, p->time);
	headers_set(&req->headers, "X-Amz-Date", amz_date);
	if (p->session_token && *p->session_token)
		headers_set(&req->headers, "X-Amz-Security-Token", p->session_token);
	if ((p->flags & SIGV4_S3) && (p->flags & SIGV4_UNSIGNED_PAYLOAD))
		memcpy(payload_hash, UNSIGNED_PAYLOAD_HASH, sizeof(UNSIGNED_PAYLOAD_HASH));
	else
		sigv4_sha256_hex(payload_hash, req->body ? req->body : "", req->body_len);
	if (p->flags & SIGV4_S3)
		headers_set(&req->headers, "x-amz-content-sha256", payload_hash);

	rc = sigv4_canonical_request(&canonical, &signed_headers, req, payload_hash, p->flags, err);
	if (rc < 0)
		goto out;
	sigv4_scope(&scope, amz_date, p->region, p->service);
	sigv4_string_to_sign(&sts, amz_date, scope.data, canonical.data);
	sigv4_signature(signature, p->secret_access_key, amz_date, p->region, p->service, sts.data);
	sigv4_authorization(&auth, p->access_key_id, scope.data, signed_headers.data, signature);
	headers_set(&req->headers, "Authorization", auth.data);
out:
	buf_release(&canonical);
	buf_release(&signed_headers);
	buf_release(&scope);
	buf_release(&sts);
	buf_release(&auth);
	buf_release(&host);
	return rc;
}
