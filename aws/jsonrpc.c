/* The JSON 1.1 protocol (CloudWatch Logs, Organizations, Firehose): POST /
 * with X-Amz-Target, pagination, and what their answer parsers share. */
#include "aws/jsonrpc.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"

#define JSON_CONTENT_TYPE "application/x-amz-json-1.1"

/* Parses a 2xx body: an object, or {} for an empty body. */
static int parse_answer(const struct http_response *resp, const char *operation, json_t **out,
                        struct aws_error *err)
{
	json_error_t jerr;
	size_t skip = 0;
	json_t *root;

	while (skip < resp->body.len && strchr(" \t\r\n", resp->body.data[skip]))
		skip++;
	if (skip == resp->body.len) {
		*out = json_object();
		return 0;
	}
	root = json_loadb(resp->body.data, resp->body.len, 0, &jerr);
	if (!root) {
		error_set_operation(err, operation);
		return error_set(err, ERR_PARSE, "malformed JSON in the response: %s (line %d)",
		                 jerr.text, jerr.line);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		error_set_operation(err, operation);
		return error_set(err, ERR_PARSE, "JSON response is not an object");
	}
	*out = root;
	return 0;
}

int jsonrpc_call(struct client *c, enum service svc, const char *region, const char *target_prefix,
                 const char *operation, json_t *request, json_t **out, struct aws_error *err)
{
	struct http_headers headers;
	struct http_response resp;
	struct client_call call;
	struct buf target = BUF_INIT;
	char *body = NULL;
	int rc;

	*out = NULL;
	headers_init(&headers);
	http_response_init(&resp);
	body = request ? json_dumps(request, JSON_COMPACT) : NULL;
	if (request && !body) {
		error_set_operation(err, operation);
		rc = error_set(err, ERR_INVALID, "request cannot be encoded as JSON");
		goto out;
	}
	buf_addf(&target, "%s.%s", target_prefix, operation);
	headers_add(&headers, "Content-Type", JSON_CONTENT_TYPE);
	headers_add(&headers, "X-Amz-Target", target.data);
	memset(&call, 0, sizeof(call));
	call.service = svc;
	call.protocol = PROTO_JSON;
	call.region = region;
	call.operation = operation;
	call.method = "POST";
	call.path = "/";
	call.headers = &headers;
	call.body = body ? body : "{}";
	call.body_len = strlen(call.body);
	rc = client_send(c, &call, &resp, err);
	if (rc)
		goto out;
	rc = parse_answer(&resp, operation, out, err);
	if (rc) {
		err->http_status = resp.status;
		err->attempts = resp.attempts;
	}
out:
	http_response_release(&resp);
	headers_release(&headers);
	buf_release(&target);
	free(body);
	return rc;
}

char *jsonrpc_dup_string(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? xstrdup(s) : NULL;
}

int jsonrpc_paginate(struct client *c, enum service svc, const char *region,
                     const char *target_prefix, const char *operation, json_t *request,
                     const char *token_key, jsonrpc_page_fn on_page, void *ctx,
                     struct aws_error *err)
{
	json_t *answer = NULL;
	char *token = NULL, *next = NULL;
	int rc;

	for (;;) {
		rc = jsonrpc_call(c, svc, region, target_prefix, operation, request, &answer, err);
		if (rc == 0)
			rc = on_page(ctx, answer, &next, err);
		json_decref(answer);
		answer = NULL;
		if (rc || !next)
			break;
		if (token && strcmp(token, next) == 0) {
			error_set(err, ERR_PARSE, "the same %s came back twice", token_key);
			error_set_operation(err, operation);
			rc = ERR_PARSE;
			break;
		}
		free(token);
		token = next;
		next = NULL;
		json_object_set_new(request, token_key, json_string(token));
	}
	free(token);
	free(next);
	return rc;
}
