/* vpcflow audit: a read-only report of which VPCs lack working flow logs and
 * where flow-log data is kept forever or too briefly, in every region and,
 * with --org, every account of the organization (DESIGN.md sections 3, 4). */
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/org.h"
#include "aws/strlist.h"
#include "aws/sts.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"
#include "engine/audit.h"
#include "engine/parallel.h"

#define AUDIT_WORKERS     8  /* accounts x regions read at once */
#define AUDIT_CONNECTIONS 24 /* each region has three reads in flight */
#define DEFAULT_ORG_ROLE  "OrganizationAccountAccessRole"

static const struct option_spec audit_options[] = {
    {"regions", 0, OPT_VALUE, "LIST",
     "comma-separated regions, or 'all' (default: every enabled region)"},
    {"org", 0, OPT_FLAG, NULL, "audit every active account of the organization"},
    {"org-role", 0, OPT_VALUE, "NAME",
     "role to assume in member accounts (default: " DEFAULT_ORG_ROLE ")"},
    {"accounts", 0, OPT_VALUE, "LIST", "with --org: only these account IDs"},
    {"min-retention", 0, OPT_VALUE, "DAYS",
     "flag flow-log data kept fewer days (default: not checked; 90 and 365 are "
     "common minimums)"},
    {"fail-on", 0, OPT_VALUE, "SEVERITY",
     "exit 3 on findings at or above low, medium or high (default: medium)"},
    {"emit-spec", 0, OPT_VALUE, "FILE",
     "write the spec that fixes missing flow logs (with several accounts: one file each, "
     "FILE-ACCOUNT.json)"},
    {NULL, 0, 0, NULL, NULL},
};

/* One account to audit. client is owned unless it is the caller's. */
struct target {
	char *account_id;
	struct creds_provider *creds;
	struct client *client;
	int own;
	struct strlist regions;
	int failed;
	char *error; /* why it failed, owned */
};

/* Everything one run of the command holds; released by run_release. */
struct run {
	struct context *ctx;
	struct audit_options opt;
	enum audit_severity fail_on;
	const char *regions_arg; /* NULL or "all": every enabled region */
	struct strlist regions;  /* the list given */
	int org;
	const char *org_role;
	struct strlist only_accounts;
	const char *emit_spec;
	struct sts_identity me;
	struct aws_error me_err;
	int me_rc;
	struct org_account_list org_accounts;
	struct aws_error org_err;
	int org_rc;
	struct target *targets;
	size_t n_targets;
	struct audit_inventory inv;
	int progress_shown;
};

static int valid_account_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return 0;
	return n == 12;
}

static int valid_role_name(const char *s)
{
	if (!*s || strlen(s) > 512)
		return 0;
	for (; *s; s++)
		if (!strchr("+=,.@_-/", *s) && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9'))
			return 0;
	return 1;
}

/* Reads and checks the options; -1 after a usage message. */
static int parse_options(struct run *r, const struct args *args)
{
	struct context *ctx = r->ctx;
	const char *v;
	long n;

	if (args->n_positional) {
		cli_error(ctx, "unexpected argument '%s'", args->positional[0]);
		return -1;
	}
	r->fail_on = AUDIT_MEDIUM;
	if ((v = args_get(args, "fail-on")) && audit_parse_severity(v, &r->fail_on) < 0) {
		cli_error(ctx, "--fail-on '%s' is not one of low, medium, high", v);
		return -1;
	}
	if ((v = args_get(args, "min-retention"))) {
		if (cli_parse_uint(ctx, "min-retention", v, 1, 3653, &n) < 0)
			return -1;
		r->opt.min_retention = (int)n;
	}
	r->org = args_flag(args, "org");
	r->org_role = args_get(args, "org-role");
	if (!r->org && (r->org_role || args_get(args, "accounts"))) {
		cli_error(ctx, "--%s needs --org", r->org_role ? "org-role" : "accounts");
		return -1;
	}
	if (!r->org_role)
		r->org_role = DEFAULT_ORG_ROLE;
	if (!valid_role_name(r->org_role)) {
		cli_error(ctx, "--org-role '%s' is not a role name (like %s)", r->org_role,
		          DEFAULT_ORG_ROLE);
		return -1;
	}
	if ((v = args_get(args, "accounts"))) {
		strlist_split(&r->only_accounts, v, ',');
		if (!r->only_accounts.n) {
			cli_error(ctx, "--accounts: no account given; use a list such as "
			               "'111122223333,444455556666'");
			return -1;
		}
		for (size_t i = 0; i < r->only_accounts.n; i++) {
			if (!valid_account_id(r->only_accounts.v[i])) {
				cli_error(ctx, "--accounts: '%s' is not an account ID (12 digits)",
				          r->only_accounts.v[i]);
				return -1;
			}
		}
	}
	r->emit_spec = args_get(args, "emit-spec");
	if (r->emit_spec && !*r->emit_spec) {
		cli_error(ctx, "--emit-spec needs a file name");
		return -1;
	}
	r->regions_arg = args_get(args, "regions");
	if (r->regions_arg && strcmp(r->regions_arg, "all") != 0 &&
	    cli_regions(&r->regions, ctx, r->regions_arg) < 0)
		return -1;
	if (r->regions_arg && strcmp(r->regions_arg, "all") == 0)
		r->regions_arg = NULL;
	return 0;
}

/* The partition of the caller ("aws", "aws-cn", ...), from its ARN. */
static void partition_of(char *out, size_t size, const char *arn)
{
	const char *p = arn && strncmp(arn, "arn:", 4) == 0 ? arn + 4 : NULL;
	size_t len = p ? strcspn(p, ":") : 0;

	snprintf(out, size, "%.*s", len ? (int)len : 3, len ? p : "aws");
}

/* The regions of a target: the list given, or the account's enabled ones. */
static int target_regions(struct run *r, struct target *t, struct aws_error *err)
{
	const char *home = r->ctx->region ? r->ctx->region : "us-east-1";

	if (!r->regions_arg && !r->regions.n)
		return ec2_describe_regions(&t->regions, t->client, home, err);
	for (size_t i = 0; i < r->regions.n; i++)
		strlist_add(&t->regions, r->regions.v[i]);
	return 0;
}

/* Gets a client for one member account (AssumeRole) and its regions. */
static void prepare_target(void *arg, size_t i)
{
	struct run *r = arg;
	struct target *t = &r->targets[i];
	struct sts_assume_role_request req = {0};
	struct creds creds = {0};
	struct aws_error err;
	char partition[32], *arn;
	struct buf msg = BUF_INIT;

	error_clear(&err);
	if (!t->own) {
		partition_of(partition, sizeof(partition), r->me.arn);
		arn = xasprintf("arn:%s:iam::%s:role/%s", partition, t->account_id, r->org_role);
		req.role_arn = arn;
		req.role_session_name = "vpcflow-audit";
		if (sts_assume_role(&creds, r->ctx->client, r->ctx->region, &req, &err) < 0) {
			buf_addf(&msg, "cannot assume role %s in account %s: ", arn, t->account_id);
			error_format(&err, &msg);
			buf_addstr(&msg, " (check that the role exists and trusts this account, "
			                 "or name another with --org-role)");
			t->failed = 1;
		} else {
			t->creds = creds_static_new(creds.access_key_id, creds.secret_access_key,
			                            creds.session_token);
			t->client = cli_client_new(r->ctx, t->creds);
		}
		creds_release(&creds);
		free(arn);
	}
	if (!t->failed && target_regions(r, t, &err) < 0) {
		buf_addstr(&msg, "cannot list the enabled regions: ");
		error_format(&err, &msg);
		t->failed = 1;
	}
	/* Problems are added afterwards, in account order: this runs in threads. */
	if (t->failed)
		t->error = buf_detach(&msg, NULL);
	buf_release(&msg);
}

static void add_target(struct run *r, const char *account, int own)
{
	struct target *t;

	r->targets = xrealloc(r->targets, (r->n_targets + 1) * sizeof(*r->targets));
	t = memset(&r->targets[r->n_targets++], 0, sizeof(*t));
	t->account_id = account ? xstrdup(account) : NULL;
	t->own = own;
	if (own)
		t->client = r->ctx->client;
}

/* --org: the accounts to audit, from ListAccounts; -1 when it cannot be read. */
static int org_targets(struct run *r)
{
	struct context *ctx = r->ctx;
	struct buf b = BUF_INIT;

	if (r->org_rc < 0) {
		cli_aws_error(ctx,
		              "list the organization's accounts (--org needs the "
		              "management account or a delegated administrator)",
		              &r->org_err);
		return -1;
	}
	for (size_t i = 0; i < r->only_accounts.n; i++) {
		const char *want = r->only_accounts.v[i];
		int found = 0;

		for (size_t k = 0; k < r->org_accounts.n && !found; k++)
			found = strcmp(r->org_accounts.v[k].id, want) == 0;
		if (!found) {
			buf_reset(&b);
			buf_addf(&b, "account %s is not in the organization", want);
			audit_problem_add(&r->inv.errors, want, NULL, b.data);
		}
	}
	for (size_t k = 0; k < r->org_accounts.n; k++) {
		const struct org_account *a = &r->org_accounts.v[k];

		if (r->only_accounts.n && !strlist_has(&r->only_accounts, a->id))
			continue;
		if (!a->status || strcmp(a->status, "ACTIVE") != 0) {
			buf_reset(&b);
			buf_addf(&b, "account %s is %s: not audited", a->id,
			         a->status ? a->status : "not active");
			audit_problem_add(&r->inv.warnings, a->id, NULL, b.data);
			continue;
		}
		add_target(r, a->id, strcmp(a->id, r->me.account) == 0);
	}
	buf_release(&b);
	return 0;
}

/* The first reads, at once: who the caller is, and the organization. */
static void first_reads(void *arg, size_t i)
{
	struct run *r = arg;

	if (i == 0) {
		error_clear(&r->me_err);
		r->me_rc =
		    sts_get_caller_identity(&r->me, r->ctx->client, r->ctx->region, &r->me_err);
	} else {
		error_clear(&r->org_err);
		r->org_rc = org_list_accounts(&r->org_accounts, r->ctx->client, NULL, &r->org_err);
	}
}

static void progress(void *arg, size_t done, size_t total, size_t findings)
{
	struct run *r = arg;

	fprintf(stderr, "\rvpcflow: audit: %zu/%zu regions read, %zu finding%s so far\033[K", done,
	        total, findings, findings == 1 ? "" : "s");
	fflush(stderr);
	r->progress_shown = 1;
}

static void collect(struct run *r)
{
	struct audit_scope *scopes = xcalloc(r->n_targets + 1, sizeof(*scopes));
	size_t n = 0;
	int show = r->ctx->stderr_tty && !r->ctx->quiet;

	for (size_t i = 0; i < r->n_targets; i++) {
		if (r->targets[i].failed)
			continue;
		scopes[n].account_id = r->targets[i].account_id;
		scopes[n].client = r->targets[i].client;
		scopes[n++].regions = &r->targets[i].regions;
	}
	audit_collect(&r->inv, scopes, n, AUDIT_WORKERS, &r->opt, show ? progress : NULL, r);
	if (r->progress_shown)
		fprintf(stderr, "\r\033[K");
	free(scopes);
}

/* Without --org the account is learned alongside the reads: it is filled in
 * afterwards, in the inventory and in the problems. */
static void set_account(struct run *r, const char *account)
{
	struct audit_problem_list *lists[2] = {&r->inv.errors, &r->inv.warnings};

	if (r->inv.n_accounts)
		r->inv.accounts[0].account_id = xstrdup(account);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (!lists[k]->v[i].account)
				lists[k]->v[i].account = xstrdup(account);
}

/* Without --org: the caller's account, its identity read alongside. */
static void single_account(void *arg, size_t i)
{
	struct run *r = arg;
	struct aws_error err;

	if (i == 0) {
		first_reads(r, 0);
		return;
	}
	error_clear(&err);
	if (target_regions(r, &r->targets[0], &err) < 0) {
		struct buf msg = BUF_INIT;

		buf_addstr(&msg, "cannot list the enabled regions: ");
		error_format(&err, &msg);
		audit_problem_add(&r->inv.errors, NULL, NULL, msg.data);
		r->targets[0].failed = 1;
		buf_release(&msg);
		return;
	}
	collect(r);
}

static int problem_cmp(const void *pa, const void *pb)
{
	const struct audit_problem *a = pa, *b = pb;
	int c = strcmp(a->account ? a->account : "", b->account ? b->account : "");

	if (!c)
		c = strcmp(a->region ? a->region : "", b->region ? b->region : "");
	return c ? c : strcmp(a->message, b->message);
}

/* "account 1234, region eu-west-1: " in front of a problem, as it applies. */
static void problem_subject(struct buf *b, const struct audit_problem *p)
{
	if (p->account)
		buf_addf(b, "account %s%s", p->account, p->region ? ", " : ": ");
	if (p->region)
		buf_addf(b, "region %s: ", p->region);
}

static void report_problems(struct run *r)
{
	struct audit_problem_list *lists[2] = {&r->inv.errors, &r->inv.warnings};

	for (int k = 0; k < 2; k++) {
		if (lists[k]->n > 1)
			qsort(lists[k]->v, lists[k]->n, sizeof(*lists[k]->v), problem_cmp);
		for (size_t i = 0; i < lists[k]->n; i++) {
			struct buf b = BUF_INIT;

			problem_subject(&b, &lists[k]->v[i]);
			buf_addstr(&b, lists[k]->v[i].message);
			if (k == 0)
				cli_error(r->ctx, "%s", b.data);
			else
				cli_warn(r->ctx, "%s", b.data);
			buf_release(&b);
		}
	}
}

/* Prints (table output) and writes (--emit-spec) the remedy. Returns -1 when
 * a spec file could not be written. */
static int remedy(struct run *r, const struct audit_report *rep, int print)
{
	struct strlist accounts = STRLIST_INIT, commands = STRLIST_INIT;
	int rc = 0;

	audit_remedy_accounts(&accounts, rep);
	audit_remedy_commands(&commands, rep, &r->opt);
	for (size_t i = 0; i < accounts.n; i++) {
		const char *acct = *accounts.v[i] ? accounts.v[i] : NULL;
		json_t *spec = audit_remedy_spec(rep, acct, &r->opt);
		struct buf text = BUF_INIT;
		struct aws_error err;

		audit_spec_text(&text, spec);
		if (print) {
			printf("\nTo add the missing flow logs%s%s, run 'vpcflow apply FILE' with "
			       "this spec in FILE (--emit-spec FILE writes it):\n%s",
			       acct && r->org ? " in account " : "", acct && r->org ? acct : "",
			       text.data);
		}
		if (r->emit_spec) {
			char *path = audit_spec_path(r->emit_spec, accounts.v[i], accounts.n > 1);

			error_clear(&err);
			if (audit_write_file(path, text.data, &err) < 0) {
				cli_error(r->ctx, "--emit-spec: %s", err.message);
				rc = -1;
			} else if (!r->ctx->quiet) {
				fprintf(stderr, "vpcflow: audit: wrote the spec to '%s'\n", path);
			}
			free(path);
		}
		buf_release(&text);
		json_decref(spec);
	}
	if (r->emit_spec && !accounts.n && !r->ctx->quiet)
		fprintf(stderr, "vpcflow: audit: no flow log is missing: no spec written to '%s'\n",
		        r->emit_spec);
	if (print && commands.n) {
		printf("\nTo set retention:\n");
		for (size_t i = 0; i < commands.n; i++)
			printf("  %s\n", commands.v[i]);
	}
	strlist_release(&accounts);
	strlist_release(&commands);
	return rc;
}

static void print_report(struct run *r, const struct audit_report *rep)
{
	struct context *ctx = r->ctx;
	struct buf line = BUF_INIT;

	if (ctx->output == OUTPUT_JSON) {
		json_t *root = audit_to_json(rep, &r->inv, &r->opt);

		output_json_print(stdout, root);
		json_decref(root);
		return;
	}
	if (ctx->output == OUTPUT_CSV) {
		audit_print_csv(stdout, rep);
		return;
	}
	audit_print_table_color(stdout, rep, ctx->color);
	audit_summary_line(&line, rep);
	printf("%s%s\n", rep->n ? "\n" : "", line.data);
	buf_release(&line);
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->n_targets; i++) {
		struct target *t = &r->targets[i];

		if (!t->own)
			client_free(t->client);
		creds_provider_free(t->creds);
		strlist_release(&t->regions);
		free(t->account_id);
		free(t->error);
	}
	free(r->targets);
	audit_inventory_release(&r->inv);
	org_account_list_release(&r->org_accounts);
	if (r->me_rc == 0)
		sts_identity_release(&r->me);
	strlist_release(&r->regions);
	strlist_release(&r->only_accounts);
}

static int run_audit(struct context *ctx, const struct args *args)
{
	struct run r = {.ctx = ctx, .me_rc = -1};
	struct audit_report rep = {0};
	int rc = EXIT_USAGE;

	if (parse_options(&r, args) < 0)
		goto out;
	rc = EXIT_FAILURE_AWS;
	if (r.org) {
		parallel_run(2, 2, first_reads, NULL, &r);
		if (r.me_rc < 0) {
			cli_aws_error(ctx, "find the caller's account", &r.me_err);
			goto out;
		}
		if (org_targets(&r) < 0)
			goto out;
		parallel_run(r.n_targets, AUDIT_WORKERS, prepare_target, NULL, &r);
		for (size_t i = 0; i < r.n_targets; i++)
			if (r.targets[i].error)
				audit_problem_add(&r.inv.errors, r.targets[i].account_id, NULL,
				                  r.targets[i].error);
		collect(&r);
	} else {
		add_target(&r, NULL, 1);
		parallel_run(2, 2, single_account, NULL, &r);
		if (r.me_rc < 0) {
			struct buf msg = BUF_INIT;

			buf_addstr(&msg,
			           "cannot find the caller's account (shared VPCs are not told "
			           "apart): ");
			error_format(&r.me_err, &msg);
			audit_problem_add(&r.inv.errors, NULL, NULL, msg.data);
			buf_release(&msg);
		} else {
			set_account(&r, r.me.account);
		}
	}

	audit_evaluate(&rep, &r.inv, &r.opt);
	audit_report_sort(&rep);
	report_problems(&r);
	print_report(&r, &rep);
	rc = remedy(&r, &rep, ctx->output == OUTPUT_TABLE) < 0 ? EXIT_FAILURE_AWS : EXIT_OK;
	if (r.inv.errors.n || rc != EXIT_OK)
		rc = EXIT_FAILURE_AWS;
	else if (audit_report_count_at_least(&rep, r.fail_on))
		rc = EXIT_FINDINGS;
out:
	audit_report_release(&rep);
	run_release(&r);
	return rc;
}

const struct command cmd_audit = {
    .name = "audit",
    .summary = "report VPCs without working flow logs, and flow-log data kept forever or "
               "too briefly (exit 3 on findings)",
    .usage = "[--regions LIST|all] [--org [--org-role NAME] [--accounts LIST]] "
             "[--min-retention DAYS] [--fail-on low|medium|high] [--output table|json|csv] "
             "[--emit-spec FILE]",
    .options = audit_options,
    .needs = NEEDS_AWS,
    .connections = AUDIT_CONNECTIONS,
    .run = run_audit,
};
