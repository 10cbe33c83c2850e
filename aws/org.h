/* AWS Organizations (JSON 1.1, target prefix AWSOrganizationsV20161128): the
 * accounts of the organization, for audits across accounts. Global: region
 * only picks the partition (NULL: the aws partition, signed for us-east-1). */
#ifndef VPCFLOW_AWS_ORG_H
#define VPCFLOW_AWS_ORG_H

#include <stddef.h>

#include <jansson.h>

struct aws_error;
struct client;

#define ORG_TARGET_PREFIX "AWSOrganizationsV20161128"

/* An account. Strings owned; id is never NULL after a successful parse, the
 * others are NULL when absent. status: ACTIVE, SUSPENDED, PENDING_CLOSURE. */
struct org_account {
	char *id, *arn, *name, *email, *status;
};

/* Invariants: v[0..n) are valid, owned entries; alloc >= n; a zeroed struct is
 * an empty list. */
struct org_account_list {
	struct org_account *v;
	size_t n, alloc;
};

void org_account_list_release(struct org_account_list *l);
/* Appends the Accounts of a ListAccounts answer; *next_token receives the owned
 * NextToken, or NULL on the last page. */
int org_parse_accounts(struct org_account_list *out, json_t *answer, char **next_token,
                       struct aws_error *err);
/* Every account of the organization (the caller must be in its management or
 * a delegated administrator account). */
int org_list_accounts(struct org_account_list *out, struct client *c, const char *region,
                      struct aws_error *err);

#endif
