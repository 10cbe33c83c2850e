/* The JSON 1.1 protocol (CloudWatch Logs): POST / with X-Amz-Target. */
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

#endif
