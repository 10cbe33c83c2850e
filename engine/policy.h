/* IAM-style policy documents as JSON: merging our statements into a policy
 * someone else may also write to (bucket policies, the delivery role's
 * inline policy), and reading trust policies. Pure functions over jansson
 * values, so that apply is idempotent and never drops a statement. */
#ifndef VPCFLOW_ENGINE_POLICY_H
#define VPCFLOW_ENGINE_POLICY_H

#include <jansson.h>

/* Parses a policy document: a JSON object whose Statement is an object or an
 * array (a single object becomes a one-element array). Returns a new
 * reference, or NULL if text is not such a document. */
json_t *policy_parse(const char *text);

/* Merges the statements of ours into base (either may be NULL: no
 * statements) and returns the result, a new reference; base and ours are not
 * changed. Every statement of base is kept as it is, except that a statement
 * with the Sid of one of ours and otherwise the same content gains the
 * Resources it lacks. A statement of ours that no statement of base covers is
 * appended; if its Sid is taken by a different statement, it gets a Sid of
 * its own (Sid + "Vpcflow", then Sid + "Vpcflow2", ...). Merging the result
 * with ours again gives the result unchanged. */
json_t *policy_merge(json_t *base, json_t *ours);

/* Whether the trust policy lets service (a service principal such as
 * "vpc-flow-logs.amazonaws.com") assume the role: an Allow statement naming
 * it in Principal.Service with sts:AssumeRole in its Action. */
int policy_trusts_service(json_t *policy, const char *service);

/* The document as compact JSON text, owned by the caller. */
char *policy_dump(json_t *policy);

/* Whether two policy texts are the same document (JSON equality; NULL only
 * equals NULL). Texts that do not parse compare as strings. */
int policy_text_equal(const char *a, const char *b);

#endif
