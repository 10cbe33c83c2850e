/* HTTP transport over libcurl: a bounded pool of easy handles (each keeps its
 * own connection cache, so connections are reused), one attempt per
 * http_send(), and the redacted wire log of --debug. */
#include "aws/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws/env.h"
#include "aws/error.h"
#include "aws/xalloc.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS         60000L
#define DEFAULT_MAX_BODY           ((size_t)256 << 20)
#define DEFAULT_POOL_SIZE          8
#define DEBUG_BODY_MAX             4096

/* The transport. The pool holds n_idle ready handles in idle[]; n_open counts
 * every handle that exists (idle or lent out) and never exceeds pool_size.
 * Everything else is fixed after http_new(). */
struct http {
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_body;
	int pool_size;
	char *ca_bundle;
	FILE *debug;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	CURL **idle;
	int n_idle;
	int n_open;
};

/* The state of one transfer, shared with libcurl's callbacks. stream is -1
 * until the first body bytes arrive, then whether they go to req->on_body (a
 * 2xx answer and a callback) rather than into resp->body. */
struct transfer {
	const struct http_request *req;
	struct http_response *resp;
	CURL *handle;
	const char *upload;
	size_t upload_len;
	size_t upload_pos;
	int too_big;
	int stream;
	int stopped;     /* on_body returned non-zero */
	size_t streamed; /* handed to on_body, the refused chunk included */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static pthread_mutex_t debug_lock = PTHREAD_MUTEX_INITIALIZER;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void http_response_init(struct http_response *r)
{
	r->status = 0;
	headers_init(&r->headers);
	buf_init(&r->body, 0);
	r->streamed = 0;
	r->attempts = 0;
}

void http_response_release(struct http_response *r)
{
	headers_release(&r->headers);
	buf_release(&r->body);
	r->status = 0;
	r->streamed = 0;
	r->attempts = 0;
}

void http_options_from_env(struct http_options *opt, const struct env *env)
{
	const char *v;

	if (!env)
		env = &env_process;
	opt->ca_bundle = env_get(env, "AWS_CA_BUNDLE");
	/* Test-only: the fault-injection tests stall answers past a short timeout. */
	v = env_get(env, "VPCFLOW_TIMEOUT_MS");
	if (v && strtol(v, NULL, 10) > 0)
		opt->timeout_ms = strtol(v, NULL, 10);
}

struct http *http_new(const struct http_options *opt, struct aws_error *err)
{
	struct http *http = NULL;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK) {
		error_set(err, ERR_NETWORK, "cannot initialise libcurl: %s",
		          curl_easy_strerror(curl_init_rc));
		goto out;
	}
	if (opt->ca_bundle && access(opt->ca_bundle, R_OK) != 0) {
		error_set(
		    err, ERR_CONFIG,
		    "cannot read the CA bundle '%s' (AWS_CA_BUNDLE): check the path or unset it",
		    opt->ca_bundle);
		goto out;
	}
	http = xcalloc(1, sizeof(*http));
	http->connect_timeout_ms =
	    opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
	http->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
	http->max_body = opt->max_body ? opt->max_body : DEFAULT_MAX_BODY;
	http->pool_size = opt->pool_size > 0 ? opt->pool_size : DEFAULT_POOL_SIZE;
	http->ca_bundle = opt->ca_bundle ? xstrdup(opt->ca_bundle) : NULL;
	http->debug = opt->debug;
	http->idle = xcalloc((size_t)http->pool_size, sizeof(*http->idle));
	pthread_mutex_init(&http->lock, NULL);
	pthread_cond_init(&http->cond, NULL);
out:
	return http;
}

void http_free(struct http *http)
{
	if (!http)
		return;
	for (int i = 0; i < http->n_idle; i++)
		curl_easy_cleanup(http->idle[i]);
	free(http->idle);
	free(http->ca_bundle);
	pthread_mutex_destroy(&http->lock);
	pthread_cond_destroy(&http->cond);
	free(http);
}

/* Lends out an idle handle, creates one while the pool has room, or waits for
 * one to come back. NULL only if libcurl cannot create a handle. */
static CURL *pool_take(struct http *http)
{
	CURL *h = NULL;
	int create = 0;

	pthread_mutex_lock(&http->lock);
	while (http->n_idle == 0 && http->n_open >= http->pool_size)
		pthread_cond_wait(&http->cond, &http->lock);
	if (http->n_idle > 0) {
		h = http->idle[--http->n_idle];
	} else {
		http->n_open++;
		create = 1;
	}
	pthread_mutex_unlock(&http->lock);
	if (create) {
		h = curl_easy_init();
		if (!h) {
			pthread_mutex_lock(&http->lock);
			http->n_open--;
			pthread_cond_signal(&http->cond);
			pthread_mutex_unlock(&http->lock);
		}
	}
	return h;
}

static void pool_give(struct http *http, CURL *h)
{
	pthread_mutex_lock(&http->lock);
	http->idle[http->n_idle++] = h;
	pthread_cond_signal(&http->cond);
	pthread_mutex_unlock(&http->lock);
}

/* Appends a redacted body to a log, cut at DEBUG_BODY_MAX bytes, with control
 * bytes shown as '.'. */
static void log_body(struct buf *log, const char *body, size_t len)
{
	struct buf red = BUF_INIT;
	size_t shown = len < DEBUG_BODY_MAX ? len : DEBUG_BODY_MAX;

	if (!len)
		return;
	http_redact_body(&red, body, shown);
	for (size_t i = 0; i < red.len; i++) {
		unsigned char c = (unsigned char)red.data[i];

		buf_addch(log, c < 0x20 && c != '\n' && c != '\t' ? '.' : c == 0x7f ? '.' : c);
	}
	if (shown < len)
		buf_addf(log, "\n[... %zu more bytes]", len - shown);
	buf_addch(log, '\n');
	buf_release(&red);
}

static void log_write(FILE *f, const struct buf *log)
{
	pthread_mutex_lock(&debug_lock);
	fwrite(log->data, 1, log->len, f);
	fflush(f);
	pthread_mutex_unlock(&debug_lock);
}

static void log_request(FILE *f, const struct http_request *req)
{
	struct buf log = BUF_INIT;

	buf_addf(&log, "> %s ", req->method);
	http_redact_body(&log, req->url, strlen(req->url));
	buf_addch(&log, '\n');
	for (size_t i = 0; i < req->headers.n; i++) {
		buf_addf(&log, "> %s: ", req->headers.v[i].name);
		http_redact_header(&log, req->headers.v[i].name, req->headers.v[i].value);
		buf_addch(&log, '\n');
	}
	if (req->body_len)
		buf_addstr(&log, ">\n");
	log_body(&log, req->body, req->body_len);
	log_write(f, &log);
	buf_release(&log);
}

static void log_response(FILE *f, const struct http_response *r, const struct transfer *t,
                         long elapsed_ms)
{
	struct buf log = BUF_INIT;

	buf_addf(&log, "< HTTP %ld (%ld ms)\n", r->status, elapsed_ms);
	for (size_t i = 0; i < r->headers.n; i++) {
		buf_addf(&log, "< %s: ", r->headers.v[i].name);
		http_redact_header(&log, r->headers.v[i].name, r->headers.v[i].value);
		buf_addch(&log, '\n');
	}
	if (r->body.len)
		buf_addstr(&log, "<\n");
	log_body(&log, r->body.data, r->body.len);
	if (t->stream > 0)
		buf_addf(&log, "<\n[%zu body bytes streamed]\n", t->streamed);
	log_write(f, &log);
	buf_release(&log);
}

static void log_failure(FILE *f, const struct aws_error *err)
{
	struct buf log = BUF_INIT;

	buf_addf(&log, "* %s: %s\n", error_code_name(err->code), err->message);
	log_write(f, &log);
	buf_release(&log);
}

/* Takes body bytes: into the response, or to the request's on_body once the
 * status (which libcurl has read by now) says 2xx. Returning less than was
 * given makes libcurl stop with CURLE_WRITE_ERROR. */
static size_t on_write(char *data, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;
	long status = 0;

	if (t->stream < 0) {
		curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
		t->stream = t->req->on_body && status >= 200 && status < 300;
	}
	if (t->stream) {
		t->streamed += len;
		if (len && t->req->on_body(t->req->on_body_ctx, data, len) != 0) {
			t->stopped = 1;
			return 0;
		}
		return len;
	}
	if (buf_add(&t->resp->body, data, len) < 0) {
		t->too_big = 1;
		return 0;
	}
	return len;
}

/* Collects one header line; a status line (a new response after an interim
 * one) starts the list over. */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n, vs, ve;
	const char *colon;
	char *name, *value;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		headers_release(&t->resp->headers);
		return len;
	}
	colon = memchr(data, ':', len);
	if (!colon || colon == data)
		return len;
	vs = (size_t)(colon - data) + 1;
	while (vs < len && (data[vs] == ' ' || data[vs] == '\t'))
		vs++;
	ve = len;
	while (ve > vs && isspace((unsigned char)data[ve - 1]))
		ve--;
	name = xstrndup(data, (size_t)(colon - data));
	value = xstrndup(data + vs, ve - vs);
	headers_add(&t->resp->headers, name, value);
	free(name);
	free(value);
	return len;
}

static size_t on_read(char *data, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t left = t->upload_len - t->upload_pos;
	size_t take = size * n < left ? size * n : left;

	if (take)
		memcpy(data, t->upload + t->upload_pos, take);
	t->upload_pos += take;
	return take;
}

/* Lets libcurl rewind an upload, which it does when a reused connection turns
 * out to be dead and it sends the request again. */
static int on_seek(void *ctx, curl_off_t offset, int origin)
{
	struct transfer *t = ctx;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > t->upload_len)
		return CURL_SEEKFUNC_CANTSEEK;
	t->upload_pos = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

static void slist_add(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l) {
		fputs("vpcflow: out of memory\n", stderr);
		abort();
	}
	*list = l;
}

static int valid_header(const char *name, const char *value)
{
	if (!*name || strpbrk(name, ":\r\n \t") || strpbrk(value, "\r\n"))
		return 0;
	return 1;
}

/* The header list for libcurl: ours, exactly as given, and none of libcurl's
 * own (no Expect: 100-continue, no Accept, no default Content-Type). */
static int build_headers(struct curl_slist **out, const struct http_request *req,
                         struct aws_error *err)
{
	struct buf line = BUF_INIT;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < req->headers.n; i++) {
		const struct http_header *h = &req->headers.v[i];

		if (!valid_header(h->name, h->value)) {
			rc = error_set(err, ERR_INVALID, "invalid HTTP header '%s'", h->name);
			goto out;
		}
		buf_reset(&line);
		if (*h->value)
			buf_addf(&line, "%s: %s", h->name, h->value);
		else
			buf_addf(&line, "%s;", h->name);
		slist_add(out, line.data);
	}
	if (!headers_get(&req->headers, "Expect"))
		slist_add(out, "Expect:");
	if (!headers_get(&req->headers, "Accept"))
		slist_add(out, "Accept:");
	if (!headers_get(&req->headers, "Content-Type"))
		slist_add(out, "Content-Type:");
out:
	if (rc) {
		curl_slist_free_all(*out);
		*out = NULL;
	}
	buf_release(&line);
	return rc;
}

/* Sets the method and the body: exactly body_len bytes, or none. */
static int set_method(CURL *h, const struct http_request *req, struct transfer *t,
                      struct aws_error *err)
{
	const char *m = req->method;
	const char *body = req->body ? req->body : "";

	for (const char *p = m; *p; p++)
		if (!isupper((unsigned char)*p))
			return error_set(err, ERR_INVALID, "invalid HTTP method '%s'", m);
	if (!*m)
		return error_set(err, ERR_INVALID, "empty HTTP method");
	if (strcmp(m, "GET") == 0 && !req->body_len) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "PUT") == 0) {
		t->upload = body;
		t->upload_len = req->body_len;
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, t);
		curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(h, CURLOPT_SEEKDATA, t);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_len);
	} else if (strcmp(m, "POST") == 0 || req->body_len) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		if (strcmp(m, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
	}
	return 0;
}

/* The scheme and authority of url ("https://ec2.us-east-1.amazonaws.com"),
 * its length in bytes. */
static int url_origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	if (!p)
		return 0;
	n = (size_t)(p + 3 - url) + strcspn(p + 3, "/?#");
	return n > 200 ? 200 : (int)n;
}

/* Turns a failed transfer into ERR_TIMEOUT, ERR_PARSE (body over the cap) or
 * ERR_NETWORK, with libcurl's own words and the endpoint they concern. */
static int map_curl_error(CURLcode rc, const char *errbuf, const struct transfer *t,
                          const struct http *http, const char *url, struct aws_error *err)
{
	const char *msg = *errbuf ? errbuf : curl_easy_strerror(rc);
	int origin = url_origin_len(url);

	if (t->stopped)
		return error_set(err, ERR_IO, "the receiver stopped the transfer after %zu bytes",
		                 t->streamed);
	if (t->too_big)
		return error_set(err, ERR_PARSE, "response body over %zu bytes", http->max_body);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return error_set(err, ERR_TIMEOUT, "request to %.*s: %s", origin, url, msg);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return error_set(err, ERR_NETWORK,
		                 "%.*s: %s (TLS is always verified: if a proxy or private CA signs "
		                 "this endpoint, set AWS_CA_BUNDLE to its CA file)",
		                 origin, url, msg);
	case CURLE_COULDNT_RESOLVE_HOST:
		return error_set(err, ERR_NETWORK, "%s (check the region and --endpoint-url)", msg);
	case CURLE_COULDNT_CONNECT:
		return error_set(err, ERR_NETWORK, "%s", msg);
	default:
		return error_set(err, ERR_NETWORK, "request to %.*s: %s", origin, url, msg);
	}
}

/* Sends one request on a pooled handle. out is initialised here (any previous
 * contents are not freed) and holds the answer on success, nothing but the
 * streamed count otherwise. */
int http_send(struct http *http, const struct http_request *req, struct http_response *out,
              struct aws_error *err)
{
	struct transfer t = {0};
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_off_t elapsed_us = 0;
	CURL *h = NULL;
	CURLcode cc;
	int rc = 0;

	http_response_init(out);
	buf_init(&out->body, http->max_body);
	t.req = req;
	t.resp = out;
	t.stream = -1;
	rc = build_headers(&hdrs, req, err);
	if (rc)
		goto out;
	h = pool_take(http);
	if (!h) {
		rc = error_set(err, ERR_NETWORK, "cannot create a libcurl handle");
		goto out;
	}
	curl_easy_reset(h);
	t.handle = h;
	rc = set_method(h, req, &t, err);
	if (rc)
		goto out;
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, http->connect_timeout_ms);
	if (req->on_body) {
		/* A streamed body may take long: bound the wait for data instead. */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
		                 http->timeout_ms < 1000 ? 1L : http->timeout_ms / 1000);
	} else {
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, http->timeout_ms);
	}
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (http->ca_bundle)
		curl_easy_setopt(h, CURLOPT_CAINFO, http->ca_bundle);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (http->debug)
		log_request(http->debug, req);

	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &elapsed_us);
	if (cc != CURLE_OK) {
		rc = map_curl_error(cc, errbuf, &t, http, req->url, err);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (http->debug)
		log_response(http->debug, out, &t, (long)(elapsed_us / 1000));
out:
	if (h) {
		/* The handle keeps its connections but must not point at our stack. */
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
		pool_give(http, h);
	}
	curl_slist_free_all(hdrs);
	if (rc) {
		if (http->debug)
			log_failure(http->debug, err);
		http_response_release(out);
	}
	out->streamed = t.streamed;
	return rc;
}
