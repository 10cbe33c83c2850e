/* Organizations: ListAccounts. */
#include "aws/org.h"

#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/jsonrpc.h"
#include "aws/xalloc.h"

/* The most accounts a ListAccounts page may hold. */
#define ACCOUNTS_PAGE 20

static int bad_answer(struct aws_error *err, const char *what)
{
	error_set(err, ERR_PARSE, "%s", what);
	error_set_operation(err, "ListAccounts");
	return ERR_PARSE;
}

void org_account_list_release(struct org_account_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].arn);
		free(l->v[i].name);
		free(l->v[i].email);
		free(l->v[i].status);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int org_parse_accounts(struct org_account_list *out, json_t *answer, char **next_token,
                       struct aws_error *err)
{
	json_t *accounts = json_object_get(answer, "Accounts"), *a;
	const char *token;
	size_t i;

	*next_token = NULL;
	if (!json_is_object(answer))
		return bad_answer(err, "the answer is not a JSON object");
	if (accounts && !json_is_array(accounts))
		return bad_answer(err, "Accounts is not an array");
	json_array_foreach(accounts, i, a)
	{
		struct org_account *acct;

		if (!json_is_object(a))
			return bad_answer(err, "an account that is not an object");
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		acct = &out->v[out->n++];
		acct->id = jsonrpc_dup_string(a, "Id");
		acct->arn = jsonrpc_dup_string(a, "Arn");
		acct->name = jsonrpc_dup_string(a, "Name");
		acct->email = jsonrpc_dup_string(a, "Email");
		acct->status = jsonrpc_dup_string(a, "Status");
		if (!acct->id || !*acct->id)
			return bad_answer(err, "an account without Id");
	}
	token = json_string_value(json_object_get(answer, "NextToken"));
	*next_token = token && *token ? xstrdup(token) : NULL;
	return 0;
}

/* Pages through ListAccounts for org_list_accounts. */
static int account_page(void *ctx, json_t *answer, char **next_token, struct aws_error *err)
{
	return org_parse_accounts(ctx, answer, next_token, err);
}

int org_list_accounts(struct org_account_list *out, struct client *c, const char *region,
                      struct aws_error *err)
{
	json_t *req = json_pack("{s:i}", "MaxResults", ACCOUNTS_PAGE);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = jsonrpc_paginate(c, SVC_ORGANIZATIONS, region, ORG_TARGET_PREFIX, "ListAccounts", req,
	                      "NextToken", account_page, out, err);
	if (rc)
		org_account_list_release(out);
	json_decref(req);
	return rc;
}
