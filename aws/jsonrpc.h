/* The JSON 1.1 protocol (CloudWatch Logs, Organizations, Firehose): POST /
 * with X-Amz-Target, and the pagination its List and Describe calls share. */
#ifndef VPCFLOW_AWS_JSONRPC_H
#define VPCFLOW_AWS_JSONRPC_H

#include <jansson.h>

#include "aws/endpoint.h"

struct aws_error;
struct client;

/* Posts request (borrowed; NULL sends {}) with X-Amz-Target: target_prefix.operation
 * ("Logs_20140328.DescribeLogGroups"). *out is the parsed answer, a new reference
 * owned by the caller ({} for an empty body). */
int jsonrpc_call(struct client *c, enum service svc, const char *region, const char *target_prefix,
                 const char *operation, json_t *request, json_t **out, struct aws_error *err);

/* The string member key of obj, copied (the caller frees it); NULL when obj is
 * not an object, or key is absent or not a string. For the answer parsers. */
char *jsonrpc_dup_string(const json_t *obj, const char *key);

/* Reads one page of a paginated answer (borrowed): 0 to go on, > 0 to stop
 * early, a negative ERR_* (err filled) to fail. *next_token receives the
 * page's token, owned, or NULL on the last page (logs_parse_* and
 * org_parse_accounts fill theirs this way). */
typedef int (*jsonrpc_page_fn)(void *ctx, json_t *answer, char **next_token, struct aws_error *err);

/* Calls operation page after page until a page has no token, sending request
 * (borrowed) with token_key ("nextToken", "NextToken") set to the token of the
 * page before. on_page may change request for the next page. A token that
 * comes back as it was sent is a server loop: ERR_PARSE. Returns 0 after the
 * last page, on_page's value when it stops or fails, or jsonrpc_call's. */
int jsonrpc_paginate(struct client *c, enum service svc, const char *region,
                     const char *target_prefix, const char *operation, json_t *request,
                     const char *token_key, jsonrpc_page_fn on_page, void *ctx,
                     struct aws_error *err);

#endif
