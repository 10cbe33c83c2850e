/* The audit's output: findings as a table, CSV or JSON, the closing summary,
 * and the remedy (the `vpcflow apply` spec and `vpcflow retention set`
 * commands that would fix what was found). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/audit.h"
#include "engine/output.h"
#include "engine/table.h"

/* The spec's defaults (DESIGN.md section 2), written out in the remedy so
 * that it reads on its own. */
#define REMEDY_LOG_GROUP "/aws/vpc-flow-logs/${resourceId}"
#define REMEDY_RETENTION 365

static const char *const headers[] = {"SEVERITY", "CODE",     "ACCOUNT",
                                      "REGION",   "RESOURCE", "REASON"};

/* Only the severity is coloured: the eye finds the high rows, the rest of
 * the line stays readable. */
static enum table_style severity_style(enum audit_severity s)
{
	switch (s) {
	case AUDIT_HIGH:
		return TABLE_BOLD_RED;
	case AUDIT_MEDIUM:
		return TABLE_YELLOW;
	case AUDIT_LOW:
		return TABLE_CYAN;
	default:
		return TABLE_DIM;
	}
}

static void fill_table(struct table *t, const struct audit_report *r)
{
	table_init(t, headers, 6);
	for (size_t i = 0; i < r->n; i++) {
		const struct audit_finding *f = &r->v[i];
		const char *row[6] = {audit_severity_name(f->severity),
		                      audit_code_name(f->code),
		                      f->account,
		                      f->region,
		                      f->resource,
		                      f->reason};

		table_set_style(t, table_add_row(t, row), 0, severity_style(f->severity));
	}
}

void audit_print_table_color(FILE *f, const struct audit_report *r, int color)
{
	struct table t;

	if (!r->n)
		return;
	fill_table(&t, r);
	t.color = color;
	table_print(&t, f);
	table_release(&t);
}

void audit_print_table(FILE *f, const struct audit_report *r)
{
	audit_print_table_color(f, r, 0);
}

void audit_print_csv(FILE *f, const struct audit_report *r)
{
	struct table t;

	fill_table(&t, r);
	table_print_csv(&t, f);
	table_release(&t);
}

void audit_summary_line(struct buf *out, const struct audit_report *r)
{
	const struct audit_summary *s = &r->summary;

	buf_addf(out, "%zu VPC%s checked in %zu region%s of %zu account%s: %zu covered", s->vpcs,
	         s->vpcs == 1 ? "" : "s", s->regions, s->regions == 1 ? "" : "s", s->accounts,
	         s->accounts == 1 ? "" : "s", s->covered);
	if (s->shared)
		buf_addf(out, ", %zu shared (not judged)", s->shared);
	buf_addf(out, "; findings: %zu high, %zu medium, %zu low", s->by_severity[AUDIT_HIGH],
	         s->by_severity[AUDIT_MEDIUM], s->by_severity[AUDIT_LOW]);
	if (s->by_severity[AUDIT_INFO])
		buf_addf(out, " (and %zu note%s)", s->by_severity[AUDIT_INFO],
		         s->by_severity[AUDIT_INFO] == 1 ? "" : "s");
}

/* --- Remedy --- */

static int fixes_coverage(const struct audit_finding *f)
{
	return f->code == AUDIT_NO_FLOW_LOG ||
	       (f->code == AUDIT_PARTIAL_SUBNET_COVERAGE && f->subnets.n);
}

static int same_account(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void audit_remedy_accounts(struct strlist *out, const struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *acct = r->v[i].account ? r->v[i].account : "";

		if (fixes_coverage(&r->v[i]) && !strlist_has(out, acct))
			strlist_add(out, acct);
	}
}

/* The resources of one configuration of the spec. */
struct remedy_config {
	const char *region;
	int subnets; /* resourceType Subnet, else VPC */
	struct strlist ids;
};

static int remedy_config_cmp(const void *pa, const void *pb)
{
	const struct remedy_config *a = pa, *b = pb;
	int c = strcmp(a->region, b->region);

	return c ? c : a->subnets - b->subnets;
}

static struct remedy_config *config_for(struct remedy_config **v, size_t *n, size_t *alloc,
                                        const char *region, int subnets)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].region, region) == 0 && (*v)[i].subnets == subnets)
			return &(*v)[i];
	ALLOC_GROW(*v, *n + 1, *alloc);
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].region = region;
	(*v)[*n].subnets = subnets;
	return &(*v)[(*n)++];
}

static int spec_retention(const struct audit_options *opt)
{
	int min = opt ? opt->min_retention : 0;

	return min > REMEDY_RETENTION ? audit_retention_round_up(min) : REMEDY_RETENTION;
}

json_t *audit_remedy_spec(const struct audit_report *r, const char *account,
                          const struct audit_options *opt)
{
	struct remedy_config *v = NULL;
	size_t n = 0, alloc = 0;
	json_t *configs, *spec = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct audit_finding *f = &r->v[i];
		struct remedy_config *c;

		if (!fixes_coverage(f) || !same_account(f->account, account))
			continue;
		c = config_for(&v, &n, &alloc, f->region, f->code != AUDIT_NO_FLOW_LOG);
		if (f->code == AUDIT_NO_FLOW_LOG)
			strlist_add(&c->ids, f->resource);
		for (size_t k = 0; k < f->subnets.n; k++)
			strlist_add(&c->ids, f->subnets.v[k]);
	}
	if (!n)
		return NULL;
	qsort(v, n, sizeof(*v), remedy_config_cmp);
	configs = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *ids = json_array();

		for (size_t k = 0; k < v[i].ids.n; k++)
			json_array_append_new(ids, json_string(v[i].ids.v[k]));
		json_array_append_new(
		    configs, json_pack("{s:s, s:o, s:[s], s:s, s:s, s:i, s:s}", "resourceType",
		                       v[i].subnets ? "Subnet" : "VPC", "resourceIds", ids,
		                       "regions", v[i].region, "destination", "CloudWatchLogs",
		                       "logGroup", REMEDY_LOG_GROUP, "retentionDays",
		                       spec_retention(opt), "trafficType", "ALL"));
		strlist_release(&v[i].ids);
	}
	free(v);
	spec = json_object();
	json_object_set_new(spec, "flowLogConfigs", configs);
	return spec;
}

/* Appends s in single quotes for a POSIX shell. */
static void shell_quote(struct buf *b, const char *s)
{
	buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addstr(b, "'\\''");
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '\'');
}

void audit_remedy_commands(struct strlist *out, const struct audit_report *r,
                           const struct audit_options *opt)
{
	int min = opt ? opt->min_retention : 0;
	int many_accounts = 0;

	for (size_t i = 1; i < r->n; i++)
		if (!same_account(r->v[i].account, r->v[0].account))
			many_accounts = 1;
	for (size_t i = 0; i < r->n; i++) {
		const struct audit_finding *f = &r->v[i];
		struct buf b = BUF_INIT;
		int days;

		if (f->code != AUDIT_RETENTION_UNSET && f->code != AUDIT_RETENTION_BELOW_MIN &&
		    f->code != AUDIT_S3_NO_EXPIRATION)
			continue;
		if (f->code == AUDIT_RETENTION_BELOW_MIN)
			days = f->log_group ? audit_retention_round_up(min) : min;
		else if (f->log_group)
			days = spec_retention(opt);
		else
			days = min > REMEDY_RETENTION ? min : REMEDY_RETENTION;
		buf_addf(&b, "vpcflow retention set %d", days);
		if (f->log_group) {
			buf_addstr(&b, " --log-group ");
			shell_quote(&b, f->log_group);
		} else if (f->bucket) {
			buf_addstr(&b, " --bucket ");
			shell_quote(&b, f->bucket);
			if (f->prefix) {
				buf_addstr(&b, " --prefix ");
				shell_quote(&b, f->prefix);
			}
		} else {
			buf_release(&b);
			continue;
		}
		buf_addf(&b, " --region %s", f->region);
		if (many_accounts && f->account)
			buf_addf(&b, "  # in account %s", f->account);
		if (strlist_has(out, b.data))
			buf_release(&b);
		else
			strlist_add_owned(out, buf_detach(&b, NULL));
	}
}

void audit_spec_text(struct buf *out, json_t *spec)
{
	json_t *configs = json_object_get(spec, "flowLogConfigs");
	size_t i;
	json_t *c;

	buf_addstr(out, "{\"flowLogConfigs\": [\n");
	json_array_foreach(configs, i, c)
	{
		char *line = json_dumps(c, JSON_PRESERVE_ORDER);

		buf_addf(out, "  %s%s\n", line ? line : "{}",
		         i + 1 < json_array_size(configs) ? "," : "");
		free(line);
	}
	buf_addstr(out, "]}\n");
}

char *audit_spec_path(const char *path, const char *account, int several)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t stem = strlen(path);

	if (!several || !account || !*account)
		return xstrdup(path);
	if (dot && (!slash || dot > slash))
		stem = (size_t)(dot - path);
	return xasprintf("%.*s-%s%s", (int)stem, path, account, path[stem] ? path + stem : ".json");
}

int audit_write_file(const char *path, const char *text, struct aws_error *err)
{
	FILE *f = fopen(path, "w");
	int failed;

	if (!f)
		return error_set(err, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	failed = fputs(text, f) == EOF;
	failed |= fclose(f) != 0;
	if (failed)
		return error_set(err, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* --- JSON --- */

static json_t *finding_json(const struct audit_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "severity", json_string(audit_severity_name(f->severity)));
	json_object_set_new(o, "code", json_string(audit_code_name(f->code)));
	json_object_set_new(o, "account", output_json_string(f->account));
	json_object_set_new(o, "region", output_json_string(f->region));
	json_object_set_new(o, "resource", output_json_string(f->resource));
	json_object_set_new(o, "vpcId", output_json_string(f->vpc_id));
	json_object_set_new(o, "defaultVpc", json_boolean(f->default_vpc));
	json_object_set_new(o, "flowLogId", output_json_string(f->flow_log_id));
	if (f->log_group)
		json_object_set_new(o, "logGroup", json_string(f->log_group));
	if (f->bucket) {
		json_object_set_new(o, "bucket", json_string(f->bucket));
		json_object_set_new(o, "prefix", json_string(f->prefix ? f->prefix : ""));
	}
	if (f->delivery_stream)
		json_object_set_new(o, "deliveryStream", json_string(f->delivery_stream));
	if (f->code == AUDIT_RETENTION_UNSET || f->code == AUDIT_RETENTION_BELOW_MIN)
		json_object_set_new(o, "retentionDays", json_integer(f->retention_days));
	if (f->code == AUDIT_PARTIAL_SUBNET_COVERAGE) {
		json_t *subnets = json_array();

		for (size_t i = 0; i < f->subnets.n; i++)
			json_array_append_new(subnets, json_string(f->subnets.v[i]));
		json_object_set_new(o, "subnets", subnets);
	}
	json_object_set_new(o, "reason", json_string(f->reason));
	return o;
}

static json_t *problems_json(const struct audit_problem_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:s}", "account",
		                                   output_json_string(l->v[i].account), "region",
		                                   output_json_string(l->v[i].region), "message",
		                                   l->v[i].message));
	return a;
}

json_t *audit_to_json(const struct audit_report *r, const struct audit_inventory *inv,
                      const struct audit_options *opt)
{
	const struct audit_summary *s = &r->summary;
	json_t *root = json_object(), *findings = json_array(), *specs = json_array();
	json_t *commands = json_array();
	struct strlist accounts = STRLIST_INIT, lines = STRLIST_INIT;

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(findings, finding_json(&r->v[i]));
	json_object_set_new(root, "findings", findings);
	json_object_set_new(
	    root, "summary",
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I}", "accounts",
	              (json_int_t)s->accounts, "regions", (json_int_t)s->regions, "vpcs",
	              (json_int_t)s->vpcs, "covered", (json_int_t)s->covered, "shared",
	              (json_int_t)s->shared, "findings", "high",
	              (json_int_t)s->by_severity[AUDIT_HIGH], "medium",
	              (json_int_t)s->by_severity[AUDIT_MEDIUM], "low",
	              (json_int_t)s->by_severity[AUDIT_LOW], "info",
	              (json_int_t)s->by_severity[AUDIT_INFO], "errors", (json_int_t)inv->errors.n));
	json_object_set_new(root, "errors", problems_json(&inv->errors));
	json_object_set_new(root, "warnings", problems_json(&inv->warnings));

	audit_remedy_accounts(&accounts, r);
	for (size_t i = 0; i < accounts.n; i++) {
		const char *acct = *accounts.v[i] ? accounts.v[i] : NULL;

		json_array_append_new(specs,
		                      json_pack("{s:o, s:o}", "account", output_json_string(acct),
		                                "spec", audit_remedy_spec(r, acct, opt)));
	}
	audit_remedy_commands(&lines, r, opt);
	for (size_t i = 0; i < lines.n; i++)
		json_array_append_new(commands, json_string(lines.v[i]));
	json_object_set_new(root, "remedy",
	                    json_pack("{s:o, s:o}", "specs", specs, "commands", commands));
	strlist_release(&accounts);
	strlist_release(&lines);
	return root;
}
