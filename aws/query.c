/* The query protocol (EC2, IAM, STS): form-encoded POST bodies, XML answers. */
#include "aws/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

void query_params_init(struct query_params *p)
{
	p->keys = NULL;
	p->values = NULL;
	p->n = 0;
	p->alloc = 0;
}

void query_params_release(struct query_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->keys[i]);
		free(p->values[i]);
	}
	free(p->keys);
	free(p->values);
	query_params_init(p);
}

void query_params_add(struct query_params *p, const char *key, const char *value)
{
	if (p->n + 1 > p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 16;
		p->keys = xrealloc(p->keys, p->alloc * sizeof(*p->keys));
		p->values = xrealloc(p->values, p->alloc * sizeof(*p->values));
	}
	p->keys[p->n] = xstrdup(key);
	p->values[p->n] = xstrdup(value ? value : "");
	p->n++;
}

void query_params_addf(struct query_params *p, const char *value, const char *key_fmt, ...)
{
	struct buf key = BUF_INIT;
	va_list ap;

	va_start(ap, key_fmt);
	buf_vaddf(&key, key_fmt, ap);
	va_end(ap);
	query_params_add(p, key.data, value);
	buf_release(&key);
}

/* The highest N of the Filter.N.Name keys in p, or 0. */
static int last_filter(const struct query_params *p)
{
	int last = 0, n, end;

	for (size_t i = 0; i < p->n; i++) {
		end = 0;
		if (sscanf(p->keys[i], "Filter.%d.Name%n", &n, &end) == 1 && end > 0 &&
		    p->keys[i][end] == '\0' && n > last)
			last = n;
	}
	return last;
}

void query_params_add_filter(struct query_params *p, const char *name, const char *const *values,
                             size_t n_values)
{
	int n = last_filter(p) + 1;

	query_params_addf(p, name, "Filter.%d.Name", n);
	for (size_t i = 0; i < n_values; i++)
		query_params_addf(p, values[i], "Filter.%d.Value.%zu", n, i + 1);
}

void query_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_addch(out, c);
		} else if (c == ' ') {
			buf_addch(out, '+');
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
		}
	}
}

/* Action=..&Version=..&key=value..., every part form-encoded. */
static void build_body(struct buf *body, const char *action, const char *version,
                       const struct query_params *params)
{
	buf_addstr(body, "Action=");
	query_encode(body, action);
	buf_addstr(body, "&Version=");
	query_encode(body, version);
	for (size_t i = 0; params && i < params->n; i++) {
		buf_addch(body, '&');
		query_encode(body, params->keys[i]);
		buf_addch(body, '=');
		query_encode(body, params->values[i]);
	}
}

int query_call(struct client *c, enum service svc, const char *region, const char *action,
               const char *version, const struct query_params *params, xmlDocPtr *out,
               struct aws_error *err)
{
	struct buf body = BUF_INIT;
	struct http_headers headers;
	struct http_response resp;
	struct client_call call;
	int rc;

	*out = NULL;
	headers_init(&headers);
	http_response_init(&resp);
	build_body(&body, action, version, params);
	headers_add(&headers, "Content-Type", FORM_CONTENT_TYPE);
	memset(&call, 0, sizeof(call));
	call.service = svc;
	call.protocol = svc == SVC_EC2 ? PROTO_EC2 : PROTO_QUERY;
	call.region = region;
	call.operation = action;
	call.method = "POST";
	call.path = "/";
	call.headers = &headers;
	call.body = body.data;
	call.body_len = body.len;
	rc = client_send(c, &call, &resp, err);
	if (rc)
		goto out;
	*out = xml_parse(resp.body.data, resp.body.len, action, err);
	if (!*out) {
		rc = err->code;
		err->http_status = resp.status;
		err->attempts = resp.attempts;
	}
out:
	http_response_release(&resp);
	headers_release(&headers);
	buf_release(&body);
	return rc;
}

/* The <ActionResult> of a query-protocol answer, or NULL with ERR_PARSE. */
xmlNodePtr query_result(xmlDocPtr doc, const char *action, struct aws_error *err)
{
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	char name[96];

	snprintf(name, sizeof(name), "%sResponse", action);
	if (root && xml_is(root, name)) {
		snprintf(name, sizeof(name), "%sResult", action);
		if ((root = xml_child(root, name)))
			return root;
	}
	error_set(err, ERR_PARSE, "expected <%sResponse><%sResult> in the answer", action, action);
	error_set_operation(err, action);
	return NULL;
}
