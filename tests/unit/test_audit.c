/* The audit rules, as a pure function over inventories built in memory.
 *
 * Each case of `cases` is data: an inventory in a small line language and the
 * findings expected, as "CODE RESOURCE" in report order. The lines:
 *   account ID | account -            the audited account (- : unknown)
 *   min DAYS                          --min-retention
 *   vpc ID [owner=ACCOUNT] [default]
 *   subnet ID VPC
 *   fl ID RESOURCE TRAFFIC [group=NAME] [arn=ARN] [s3=ARN] [firehose=ARN]
 *      [failed=MESSAGE] [hive]
 *   groups-unread                     DescribeLogGroups could not be read
 *   group NAME RETENTION              an existing log group (0: never expires)
 *   streams-unread                    ListDeliveryStreams could not be read
 *   stream NAME                       an existing Firehose delivery stream
 *   bucket NAME present|absent|unknown [lifecycle] [rule=STATUS,PREFIX,DAYS[,tag]]...
 * Hand-written tests follow for the helpers, the remedy and the output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/xalloc.h"
#include "engine/audit.h"
#include "engine/spec.h"

struct audit_case {
	const char *name;
	const char *input;
	const char *expected; /* "CODE RESOURCE" lines, report order */
};

#define VPC_A "vpc-0aaaaaaaaaaaaaaa1"
#define VPC_B "vpc-0bbbbbbbbbbbbbbb2"
#define SUB_1 "subnet-0111111111111111a"
#define SUB_2 "subnet-0222222222222222b"
#define SUB_3 "subnet-0333333333333333c"
#define STREAM_ARN(region, account, name)                                                          \
	"arn:aws:firehose:" region ":" account ":deliverystream/" name
#define FH(name) " firehose=" STREAM_ARN("us-east-1", "111122223333", name)

static const struct audit_case cases[] = {
    {"no_flow_log", "vpc " VPC_A "\n", "NO_FLOW_LOG " VPC_A "\n"},
    {"vpc_all_covered", "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g\ngroup g 365\n", ""},
    {"reject_only_is_covered", "vpc " VPC_A "\nfl fl-1 " VPC_A " REJECT group=g\ngroup g 90\n", ""},
    {"accept_only", "vpc " VPC_A "\nfl fl-1 " VPC_A " ACCEPT group=g\ngroup g 90\n",
     "TRAFFIC_ACCEPT_ONLY " VPC_A "\n"},
    {"accept_and_reject_logs_cover",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ACCEPT group=g\nfl fl-2 " VPC_A
     " REJECT group=g\ngroup g 90\n",
     ""},
    {"subnets_full_coverage",
     "vpc " VPC_A "\nsubnet " SUB_1 " " VPC_A "\nsubnet " SUB_2 " " VPC_A "\nfl fl-1 " SUB_1
     " ALL group=g\nfl fl-2 " SUB_2 " REJECT group=g\ngroup g 30\n",
     "COVERED_BY_SUBNETS " VPC_A "\n"},
    {"subnets_partial_coverage",
     "vpc " VPC_A "\nsubnet " SUB_1 " " VPC_A "\nsubnet " SUB_2 " " VPC_A "\nsubnet " SUB_3
     " " VPC_A "\nfl fl-1 " SUB_1 " ALL group=g\ngroup g 30\n",
     "PARTIAL_SUBNET_COVERAGE " VPC_A "\n"},
    {"subnets_accept_only_everywhere",
     "vpc " VPC_A "\nsubnet " SUB_1 " " VPC_A "\nfl fl-1 " SUB_1 " ACCEPT group=g\ngroup g 30\n",
     "TRAFFIC_ACCEPT_ONLY " VPC_A "\n"},
    {"vpc_accept_plus_subnet_reject_covers",
     "vpc " VPC_A "\nsubnet " SUB_1 " " VPC_A "\nfl fl-1 " VPC_A " ACCEPT group=g\nfl fl-2 " SUB_1
     " REJECT group=g\ngroup g 30\n",
     "COVERED_BY_SUBNETS " VPC_A "\n"},
    {"vpc_log_covers_subnets",
     "vpc " VPC_A "\nsubnet " SUB_1 " " VPC_A "\nsubnet " SUB_2 " " VPC_A "\nfl fl-1 " VPC_A
     " ALL group=g\ngroup g 30\n",
     ""},
    {"delivery_failed_only_log",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g failed=Access_error\ngroup g 30\n",
     "DELIVERY_FAILED fl-1\nNO_FLOW_LOG " VPC_A "\n"},
    {"delivery_failed_beside_a_good_log",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g failed=Rate_limited\nfl fl-2 " VPC_A
     " ALL group=h\ngroup g 30\ngroup h 30\n",
     "DELIVERY_FAILED fl-1\n"},
    {"missing_log_group", "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=gone failed=Access_error\n",
     "DELIVERY_FAILED fl-1\nDESTINATION_MISSING gone\nNO_FLOW_LOG " VPC_A "\n"},
    {"missing_log_group_without_failure",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=gone\nfl fl-2 " VPC_B " ALL group=gone\nvpc " VPC_B
     "\n",
     "DESTINATION_MISSING gone\nNO_FLOW_LOG " VPC_A "\nNO_FLOW_LOG " VPC_B "\n"},
    {"log_groups_unread_are_not_judged",
     "groups-unread\nvpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=gone\n", ""},
    {"group_from_destination_arn",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL arn=arn:aws:logs:us-east-1:111122223333:log-group:/flow/a:*\ngroup /flow/a 0\n",
     "RETENTION_UNSET /flow/a\n"},
    {"group_arn_of_other_account_is_not_judged",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL arn=arn:aws:logs:us-east-1:999999999999:log-group:x\n",
     ""},
    {"retention_unset_once_per_group",
     "vpc " VPC_A "\nvpc " VPC_B "\nfl fl-1 " VPC_A " ALL group=g\nfl fl-2 " VPC_B
     " ALL group=g\ngroup g 0\n",
     "RETENTION_UNSET g\n"},
    {"retention_below_min", "min 90\nvpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g\ngroup g 30\n",
     "RETENTION_BELOW_MIN g\n"},
    {"retention_at_min", "min 90\nvpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g\ngroup g 90\n", ""},
    {"retention_not_checked_without_min",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL group=g\ngroup g 1\n", ""},
    {"s3_missing_bucket",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::gone\nbucket gone absent\n",
     "DESTINATION_MISSING gone\nNO_FLOW_LOG " VPC_A "\n"},
    {"s3_no_lifecycle",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b present lifecycle\n",
     "S3_NO_EXPIRATION b\n"},
    {"s3_expiration_covers",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL s3=arn:aws:s3:::b\nbucket b present rule=Enabled,AWSLogs/,365\n",
     ""},
    {"s3_whole_bucket_rule_covers",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b present rule=Enabled,,30\n",
     ""},
    {"s3_rule_for_other_prefix",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL s3=arn:aws:s3:::b/flow/\nbucket b present rule=Enabled,AWSLogs/,30\n",
     "S3_NO_EXPIRATION b\n"},
    {"s3_rule_for_the_prefix",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL s3=arn:aws:s3:::b/flow/\nbucket b present rule=Enabled,flow/AWSLogs/,30\n",
     ""},
    {"s3_rule_for_one_region_only",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b present "
     "rule=Enabled,AWSLogs/111122223333/vpcflowlogs/eu-west-1/,30\n",
     "S3_NO_EXPIRATION b\n"},
    {"s3_rule_for_this_region",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b present "
     "rule=Enabled,AWSLogs/111122223333/vpcflowlogs/us-east-1/,30\n",
     ""},
    {"s3_hive_partitions",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b hive\nbucket b present "
     "rule=Enabled,AWSLogs/aws-account-id=111122223333/,30\n",
     ""},
    {"s3_disabled_rule",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b present rule=Disabled,,30\n",
     "S3_NO_EXPIRATION b\n"},
    {"s3_tag_filtered_rule",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL s3=arn:aws:s3:::b\nbucket b present rule=Enabled,,30,tag\n",
     "S3_NO_EXPIRATION b\n"},
    {"s3_expiration_below_min",
     "min 90\nvpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL s3=arn:aws:s3:::b\nbucket b present rule=Enabled,,30\n",
     "RETENTION_BELOW_MIN b\n"},
    {"s3_unknown_bucket_not_judged",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL s3=arn:aws:s3:::b\nbucket b unknown\n", ""},
    {"firehose_stream_present", "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("s") "\nstream s\n", ""},
    {"firehose_stream_missing", "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("gone") "\nstream s\n",
     "DESTINATION_MISSING gone\nNO_FLOW_LOG " VPC_A "\n"},
    {"firehose_stream_missing_beside_a_good_log",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("gone") "\nfl fl-2 " VPC_A " ALL" FH("s")
     "\nstream s\n",
     "DESTINATION_MISSING gone\n"},
    {"firehose_stream_missing_once_for_its_flow_logs",
     "vpc " VPC_A "\nvpc " VPC_B "\nfl fl-1 " VPC_A " ALL" FH("gone") "\nfl fl-2 " VPC_B
     " ALL" FH("gone") "\n",
     "DESTINATION_MISSING gone\nNO_FLOW_LOG " VPC_A "\nNO_FLOW_LOG " VPC_B "\n"},
    {"firehose_streams_unread_are_not_judged",
     "streams-unread\nvpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("gone") "\n", ""},
    {"firehose_stream_of_other_account_is_not_judged",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL firehose=" STREAM_ARN("us-east-1", "999999999999", "theirs") "\n",
     ""},
    {"firehose_stream_of_other_region_is_not_judged",
     "vpc " VPC_A "\nfl fl-1 " VPC_A
     " ALL firehose=" STREAM_ARN("eu-west-1", "111122223333", "far") "\n",
     ""},
    {"firehose_failed_delivery",
     "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("s") " failed=Access_error\nstream s\n",
     "DELIVERY_FAILED fl-1\nNO_FLOW_LOG " VPC_A "\n"},
    {"shared_vpc_not_judged", "vpc " VPC_A " owner=999999999999\n", "SHARED " VPC_A "\n"},
    {"unknown_account_judges_everything", "account -\nvpc " VPC_A " owner=999999999999\n",
     "NO_FLOW_LOG " VPC_A "\n"},
    {"default_vpc_audited", "vpc " VPC_A " default\n", "NO_FLOW_LOG " VPC_A "\n"},
    {"eni_log_does_not_cover",
     "vpc " VPC_A "\nfl fl-1 eni-0123456789abcdef0 ALL group=g\ngroup g 30\n",
     "NO_FLOW_LOG " VPC_A "\n"},
    {"sorted_by_severity",
     "vpc " VPC_B "\nvpc " VPC_A "\nfl fl-1 " VPC_B " ACCEPT group=g\nfl fl-2 " VPC_A
     " ALL group=h failed=x\ngroup g 0\ngroup h 0\n",
     "DELIVERY_FAILED fl-2\nNO_FLOW_LOG " VPC_A "\nTRAFFIC_ACCEPT_ONLY " VPC_B
     "\nRETENTION_UNSET g\nRETENTION_UNSET h\n"},
};

/* --- Building inventories from the line language --- */

static struct audit_region *the_region(struct audit_inventory *inv)
{
	return &inv->accounts[0].regions[0];
}

static const char *opt_value(char **words, size_t n, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (strncmp(words[i], key, len) == 0 && words[i][len] == '=')
			return words[i] + len + 1;
	return NULL;
}

static int has_word(char **words, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i], w) == 0)
			return 1;
	return 0;
}

static void add_rule(struct audit_bucket *b, const char *spec)
{
	char *copy = xstrdup(spec), *status = copy, *prefix, *days, *tag;
	struct s3_lifecycle_rule *r;

	prefix = strchr(status, ',');
	*prefix++ = '\0';
	days = strchr(prefix, ',');
	*days++ = '\0';
	tag = strchr(days, ',');
	if (tag)
		*tag++ = '\0';
	ALLOC_GROW(b->lifecycle.v, b->lifecycle.n + 1, b->lifecycle.alloc);
	r = memset(&b->lifecycle.v[b->lifecycle.n++], 0, sizeof(*r));
	r->id = xasprintf("rule-%zu", b->lifecycle.n);
	r->status = xstrdup(status);
	r->prefix = *prefix ? xstrdup(prefix) : NULL;
	r->expiration_days = atoi(days);
	r->raw_xml = xasprintf("<Rule><Filter>%s</Filter></Rule>",
	                       tag ? "<And><Tag><Key>k</Key><Value>v</Value></Tag></And>" : "");
	b->lifecycle_read = 1;
	free(copy);
}

/* Builds one account with one region (us-east-1) from the case's lines. */
static void build(struct audit_inventory *inv, struct audit_options *opt, const char *input)
{
	char *text = xstrdup(input), *save = NULL;
	struct audit_account *a;
	struct audit_region *r;

	memset(inv, 0, sizeof(*inv));
	memset(opt, 0, sizeof(*opt));
	inv->accounts = xcalloc(1, sizeof(*inv->accounts));
	inv->n_accounts = inv->alloc_accounts = 1;
	a = &inv->accounts[0];
	a->account_id = xstrdup("111122223333");
	a->regions = xcalloc(1, sizeof(*a->regions));
	a->n_regions = a->alloc_regions = 1;
	r = the_region(inv);
	r->region = xstrdup("us-east-1");
	r->log_groups_read = 1;
	r->streams_read = 1;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *words[16], *wsave = NULL;
		size_t n = 0;

		for (char *w = strtok_r(line, " ", &wsave); w && n < 16;
		     w = strtok_r(NULL, " ", &wsave))
			words[n++] = w;
		if (!n)
			continue;
		if (strcmp(words[0], "account") == 0) {
			free(a->account_id);
			a->account_id = strcmp(words[1], "-") ? xstrdup(words[1]) : NULL;
		} else if (strcmp(words[0], "min") == 0) {
			opt->min_retention = atoi(words[1]);
		} else if (strcmp(words[0], "vpc") == 0) {
			struct ec2_vpc *v;
			const char *owner = opt_value(words, n, "owner");

			ALLOC_GROW(r->vpcs.v, r->vpcs.n + 1, r->vpcs.alloc);
			v = memset(&r->vpcs.v[r->vpcs.n++], 0, sizeof(*v));
			v->vpc_id = xstrdup(words[1]);
			v->owner_id = xstrdup(owner ? owner : "111122223333");
			v->is_default = has_word(words, n, "default");
		} else if (strcmp(words[0], "subnet") == 0) {
			struct ec2_subnet *s;

			ALLOC_GROW(r->subnets.v, r->subnets.n + 1, r->subnets.alloc);
			s = memset(&r->subnets.v[r->subnets.n++], 0, sizeof(*s));
			s->subnet_id = xstrdup(words[1]);
			s->vpc_id = xstrdup(words[2]);
		} else if (strcmp(words[0], "fl") == 0) {
			struct ec2_flow_log *f;
			const char *v;

			ALLOC_GROW(r->flow_logs.v, r->flow_logs.n + 1, r->flow_logs.alloc);
			f = memset(&r->flow_logs.v[r->flow_logs.n++], 0, sizeof(*f));
			f->flow_log_id = xstrdup(words[1]);
			f->resource_id = xstrdup(words[2]);
			f->traffic_type = xstrdup(words[3]);
			f->log_destination_type = xstrdup("cloud-watch-logs");
			if ((v = opt_value(words, n, "group")))
				f->log_group_name = xstrdup(v);
			if ((v = opt_value(words, n, "arn")))
				f->log_destination = xstrdup(v);
			if ((v = opt_value(words, n, "s3"))) {
				free(f->log_destination_type);
				f->log_destination_type = xstrdup("s3");
				f->log_destination = xstrdup(v);
			}
			if ((v = opt_value(words, n, "firehose"))) {
				free(f->log_destination_type);
				f->log_destination_type = xstrdup("kinesis-data-firehose");
				f->log_destination = xstrdup(v);
			}
			f->deliver_logs_status = xstrdup("SUCCESS");
			if ((v = opt_value(words, n, "failed"))) {
				free(f->deliver_logs_status);
				f->deliver_logs_status = xstrdup("FAILED");
				f->deliver_logs_error_message = xstrdup(v);
			}
			f->hive_compatible_partitions = has_word(words, n, "hive");
		} else if (strcmp(words[0], "streams-unread") == 0) {
			r->streams_read = 0;
		} else if (strcmp(words[0], "stream") == 0) {
			strlist_add(&r->streams, words[1]);
		} else if (strcmp(words[0], "groups-unread") == 0) {
			r->log_groups_read = 0;
		} else if (strcmp(words[0], "group") == 0) {
			struct logs_group *g;

			ALLOC_GROW(r->log_groups.v, r->log_groups.n + 1, r->log_groups.alloc);
			g = memset(&r->log_groups.v[r->log_groups.n++], 0, sizeof(*g));
			g->name = xstrdup(words[1]);
			g->retention_in_days = atoi(words[2]);
		} else if (strcmp(words[0], "bucket") == 0) {
			struct audit_bucket *b;

			ALLOC_GROW(a->buckets, a->n_buckets + 1, a->alloc_buckets);
			b = memset(&a->buckets[a->n_buckets++], 0, sizeof(*b));
			b->name = xstrdup(words[1]);
			b->presence = strcmp(words[2], "present") == 0  ? AUDIT_PRESENT
			              : strcmp(words[2], "absent") == 0 ? AUDIT_ABSENT
			                                                : AUDIT_UNKNOWN;
			b->lifecycle_read = has_word(words, n, "lifecycle");
			for (size_t i = 3; i < n; i++)
				if (strncmp(words[i], "rule=", 5) == 0)
					add_rule(b, words[i] + 5);
		} else {
			fail_msg("unknown line '%s'", words[0]);
		}
	}
	free(text);
}

static void evaluate(struct audit_report *rep, const char *input, struct audit_options *opt,
                     struct audit_inventory *inv)
{
	build(inv, opt, input);
	memset(rep, 0, sizeof(*rep));
	audit_evaluate(rep, inv, opt);
	audit_report_sort(rep);
}

static void run_case(void **state)
{
	const struct audit_case *c = *state;
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	struct buf got = BUF_INIT;

	evaluate(&rep, c->input, &opt, &inv);
	for (size_t i = 0; i < rep.n; i++) {
		buf_addf(&got, "%s %s\n", audit_code_name(rep.v[i].code), rep.v[i].resource);
		assert_non_null(rep.v[i].reason);
		assert_non_null(strchr(rep.v[i].reason, ' '));
		assert_null(strchr(rep.v[i].reason, '\n'));
		assert_int_equal(rep.v[i].severity, audit_code_severity(rep.v[i].code));
	}
	assert_string_equal(got.data, c->expected);
	buf_release(&got);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

/* --- Hand-written tests --- */

static const struct audit_finding *find(const struct audit_report *rep, enum audit_code code)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->v[i].code == code)
			return &rep->v[i];
	return NULL;
}

static void test_reasons_and_fields(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	const struct audit_finding *f;

	evaluate(&rep,
	         "vpc " VPC_A " default\nvpc " VPC_B "\nsubnet " SUB_1 " " VPC_B "\nsubnet " SUB_2
	         " " VPC_B "\nsubnet " SUB_3 " " VPC_B "\nfl fl-1 " SUB_1
	         " ALL group=g\nfl fl-2 " SUB_3 " ACCEPT group=g\nfl fl-3 " VPC_A
	         " ALL group=g failed=Access_error\ngroup g 7\n",
	         &opt, &inv);
	f = find(&rep, AUDIT_NO_FLOW_LOG);
	assert_non_null(f);
	assert_true(f->default_vpc);
	assert_string_equal(f->vpc_id, VPC_A);
	assert_string_equal(f->account, "111122223333");
	assert_string_equal(f->region, "us-east-1");
	assert_true(strncmp(f->reason, "default VPC: ", 13) == 0);
	assert_non_null(strstr(f->reason, "fl-3"));

	f = find(&rep, AUDIT_DELIVERY_FAILED);
	assert_non_null(f);
	assert_string_equal(f->flow_log_id, "fl-3");
	assert_int_equal(f->severity, AUDIT_HIGH);
	assert_non_null(strstr(f->reason, "Access_error"));
	assert_non_null(strstr(f->reason, "'g'"));
	assert_true(f->default_vpc);

	f = find(&rep, AUDIT_PARTIAL_SUBNET_COVERAGE);
	assert_non_null(f);
	assert_int_equal(f->severity, AUDIT_MEDIUM);
	assert_int_equal(f->subnets.n, 2);
	assert_string_equal(f->subnets.v[0], SUB_2);
	assert_string_equal(f->subnets.v[1], SUB_3);
	assert_non_null(strstr(f->reason, "1 of 3 subnets"));
	assert_non_null(strstr(f->reason, "accepted traffic only (" SUB_3 ")"));
	assert_false(f->default_vpc);

	assert_int_equal(rep.summary.vpcs, 2);
	assert_int_equal(rep.summary.covered, 0);
	assert_int_equal(rep.summary.by_severity[AUDIT_HIGH], 2);
	assert_int_equal(rep.summary.by_severity[AUDIT_MEDIUM], 1);
	assert_int_equal(audit_report_count_at_least(&rep, AUDIT_HIGH), 2);
	assert_int_equal(audit_report_count_at_least(&rep, AUDIT_MEDIUM), 3);
	assert_int_equal(audit_report_count_at_least(&rep, AUDIT_LOW), 3);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

/* A missing delivery stream: its row names the stream, the flow log and the
 * VPC, and says what it means. */
static void test_missing_stream_row(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	const struct audit_finding *f;

	evaluate(&rep, "vpc " VPC_A "\nfl fl-1 " VPC_A " ALL" FH("gone") "\n", &opt, &inv);
	f = find(&rep, AUDIT_DESTINATION_MISSING);
	assert_non_null(f);
	assert_int_equal(f->severity, AUDIT_HIGH);
	assert_string_equal(f->resource, "gone");
	assert_string_equal(f->flow_log_id, "fl-1");
	assert_string_equal(f->vpc_id, VPC_A);
	assert_null(f->log_group);
	assert_null(f->bucket);
	assert_string_equal(f->reason, "Firehose delivery stream 'gone' does not exist, so flow "
	                               "log fl-1 delivers nothing");
	f = find(&rep, AUDIT_NO_FLOW_LOG);
	assert_non_null(f);
	assert_non_null(strstr(f->reason, "fl-1 does not deliver"));
	assert_int_equal(rep.summary.covered, 0);
	audit_report_release(&rep);
	audit_inventory_release(&inv);

	evaluate(&rep,
	         "vpc " VPC_A "\nvpc " VPC_B "\nfl fl-1 " VPC_A " ALL" FH("gone") "\nfl fl-2 " VPC_B
	         " REJECT" FH("gone") "\n",
	         &opt, &inv);
	f = find(&rep, AUDIT_DESTINATION_MISSING);
	assert_non_null(f);
	assert_null(f->flow_log_id);
	assert_null(f->vpc_id);
	assert_non_null(strstr(f->reason, "2 flow logs deliver nothing (fl-1, fl-2)"));
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

static void test_summary_counts_notes_apart(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;

	evaluate(&rep,
	         "vpc " VPC_A " owner=999999999999\nvpc " VPC_B "\nsubnet " SUB_1 " " VPC_B
	         "\nfl fl-1 " SUB_1 " ALL group=g\ngroup g 30\n",
	         &opt, &inv);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.summary.vpcs, 1);
	assert_int_equal(rep.summary.covered, 1);
	assert_int_equal(rep.summary.shared, 1);
	assert_int_equal(rep.summary.by_severity[AUDIT_INFO], 2);
	assert_int_equal(audit_report_count_at_least(&rep, AUDIT_LOW), 0);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

static void test_destination_helpers(void **state)
{
	struct ec2_flow_log fl = {0};
	struct buf b = BUF_INIT;
	char *bucket, *prefix;

	assert_int_equal(audit_s3_destination(&bucket, &prefix, "arn:aws:s3:::my-bucket"), 0);
	assert_string_equal(bucket, "my-bucket");
	assert_string_equal(prefix, "");
	free(bucket);
	free(prefix);
	assert_int_equal(audit_s3_destination(&bucket, &prefix, "arn:aws-cn:s3:::b/a/b//"), 0);
	assert_string_equal(bucket, "b");
	assert_string_equal(prefix, "a/b");
	free(bucket);
	free(prefix);
	assert_int_equal(audit_s3_destination(&bucket, &prefix, "arn:aws:logs:::b"), -1);
	assert_int_equal(audit_s3_destination(&bucket, &prefix, "arn:aws:s3:::"), -1);
	assert_int_equal(audit_s3_destination(&bucket, &prefix, "bucket"), -1);
	assert_null(bucket);

	fl.log_destination_type = "cloud-watch-logs";
	fl.log_destination = "arn:aws:logs:eu-west-1:111122223333:log-group:/a/b:*";
	assert_string_equal(audit_flow_log_group(&fl, &b), "/a/b");
	assert_true(audit_destination_visible(&fl, "111122223333", "eu-west-1"));
	assert_false(audit_destination_visible(&fl, "111122223333", "us-east-1"));
	assert_false(audit_destination_visible(&fl, "444455556666", "eu-west-1"));
	assert_true(audit_destination_visible(&fl, NULL, "eu-west-1"));
	fl.log_destination = "arn:aws:logs:eu-west-1:111122223333:log-group:plain";
	assert_string_equal(audit_flow_log_group(&fl, &b), "plain");
	fl.log_group_name = "named";
	assert_string_equal(audit_flow_log_group(&fl, &b), "named");
	assert_true(audit_destination_visible(&fl, "444455556666", "us-east-1"));
	fl.log_group_name = NULL;
	fl.log_destination = "arn:aws:s3:::bucket";
	assert_null(audit_flow_log_group(&fl, &b));
	fl.log_destination_type = "s3";
	assert_null(audit_flow_log_group(&fl, &b));
	assert_null(audit_flow_log_stream(&fl, &b));

	fl.log_destination_type = "kinesis-data-firehose";
	fl.log_destination = STREAM_ARN("eu-west-1", "111122223333", "flows");
	assert_string_equal(audit_flow_log_stream(&fl, &b), "flows");
	assert_null(audit_flow_log_group(&fl, &b));
	assert_true(audit_destination_visible(&fl, "111122223333", "eu-west-1"));
	assert_false(audit_destination_visible(&fl, "111122223333", "us-east-1"));
	assert_false(audit_destination_visible(&fl, "444455556666", "eu-west-1"));
	fl.log_destination = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/";
	assert_null(audit_flow_log_stream(&fl, &b));
	fl.log_destination = "arn:aws:firehose:eu-west-1:111122223333:other/flows";
	assert_null(audit_flow_log_stream(&fl, &b));
	fl.log_destination = "arn:aws:s3:::bucket";
	assert_null(audit_flow_log_stream(&fl, &b));
	fl.log_destination = NULL;
	assert_null(audit_flow_log_stream(&fl, &b));
	buf_release(&b);

	audit_s3_key_prefix(&b, "p/q", "111122223333", "us-east-1", 0);
	assert_string_equal(b.data, "p/q/AWSLogs/111122223333/vpcflowlogs/us-east-1/");
	buf_reset(&b);
	audit_s3_key_prefix(&b, "", "111122223333", "us-east-1", 1);
	assert_string_equal(b.data, "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/"
	                            "aws-region=us-east-1/");
	buf_release(&b);
}

static void test_spec_paths(void **state)
{
	static const char *const paths[][3] = {
	    {"fix.json", "", "fix.json"},
	    {"fix.json", "111122223333", "fix-111122223333.json"},
	    {"out/fix", "111122223333", "out/fix-111122223333.json"},
	    {"a.b/fix", "111122223333", "a.b/fix-111122223333.json"},
	    {"a.b/fix.spec", "111122223333", "a.b/fix-111122223333.spec"},
	};
	char *one = audit_spec_path("fix.json", "111122223333", 0);

	assert_string_equal(one, "fix.json");
	free(one);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *p = audit_spec_path(paths[i][0], paths[i][1], 1);

		assert_string_equal(p, paths[i][2]);
		free(p);
	}
}

static void test_retention_and_severity_names(void **state)
{
	enum audit_severity s = AUDIT_INFO;

	assert_int_equal(audit_retention_round_up(1), 1);
	assert_int_equal(audit_retention_round_up(2), 3);
	assert_int_equal(audit_retention_round_up(90), 90);
	assert_int_equal(audit_retention_round_up(91), 120);
	assert_int_equal(audit_retention_round_up(9999), 3653);
	assert_int_equal(audit_parse_severity("high", &s), 0);
	assert_int_equal(s, AUDIT_HIGH);
	assert_int_equal(audit_parse_severity("info", &s), -1);
	assert_int_equal(audit_parse_severity("HIGH", &s), -1);
	assert_string_equal(audit_severity_name(AUDIT_MEDIUM), "medium");
	assert_string_equal(audit_code_name(AUDIT_S3_NO_EXPIRATION), "S3_NO_EXPIRATION");
}

/* Every name starts with one of the prefixes, and there are at most
 * max_total (or max, the naming schemes, if more). */
static void check_split(const char *const *names, size_t n, size_t max, size_t page,
                        size_t max_total, const char *want)
{
	struct strlist in = STRLIST_INIT, out = STRLIST_INIT;
	struct buf got = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		strlist_add(&in, names[i]);
	audit_log_group_prefixes(&out, &in, max, page, max_total);
	assert_true(out.n <= (max_total > max ? max_total : max));
	for (size_t i = 0; i < n; i++) {
		int hit = 0;

		for (size_t k = 0; k < out.n; k++)
			hit |= strncmp(names[i], out.v[k], strlen(out.v[k])) == 0;
		assert_true(hit);
	}
	for (size_t k = 0; k < out.n; k++)
		buf_addf(&got, "%s|", out.v[k]);
	assert_string_equal(got.data, want);
	buf_release(&got);
	strlist_release(&in);
	strlist_release(&out);
}

static void check_prefixes(const char *const *names, size_t n, size_t max, const char *want)
{
	check_split(names, n, max, AUDIT_LOG_GROUP_PAGE, max, want);
}

static void test_log_group_prefixes(void **state)
{
	static const char *const one[] = {"/aws/vpc-flow-logs/vpc-1"};
	static const char *const shared[] = {"/aws/vpc-flow-logs/vpc-2", "/aws/vpc-flow-logs/vpc-1",
	                                     "/aws/vpc-flow-logs/vpc-30"};
	static const char *const two_trees[] = {"/a/x1", "/a/x2", "/b/y1", "/b/y2", "/a/x3"};
	static const char *const disjoint[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
	static const char *const four[] = {"a1", "b1", "c1", "d1"};

	check_prefixes(one, 1, 4, "/aws/vpc-flow-logs/vpc-1|");
	check_prefixes(shared, 3, 1, "/aws/vpc-flow-logs/vpc-|");
	check_prefixes(shared, 3, 4, "/aws/vpc-flow-logs/vpc-|");
	check_prefixes(two_trees, 5, 2, "/a/x|/b/y|");
	check_prefixes(two_trees, 5, 4, "/a/x|/b/y|");
	check_prefixes(disjoint, 5, 4, "|");
	check_prefixes(four, 4, 4, "a1|b1|c1|d1|");
	check_prefixes(NULL, 0, 4, "");
}

/* A group of more names than a page lists is split where the names part,
 * largest group first, within the most queries allowed. */
static void test_log_group_prefixes_split_big_groups(void **state)
{
	static const char *const per_vpc[] = {
	    "/aws/vpc-flow-logs/vpc-0a1", "/aws/vpc-flow-logs/vpc-0a2", "/aws/vpc-flow-logs/vpc-0b1",
	    "/aws/vpc-flow-logs/vpc-1c1", "/aws/vpc-flow-logs/vpc-1c2", "/aws/vpc-flow-logs/vpc-2d",
	    "/other/x1",                  "/other/x2"};
	static const char *const nested[] = {"/g/a", "/g/a1", "/g/a2", "/g/b1", "/g/b2"};
	static const char *const disjoint[] = {"alpha", "apple", "beta", "bravo"};

	/* Pages of 2: vpc- parts in three, then vpc-0 (3 names) in two. */
	check_split(per_vpc, 8, 4, 2, 16,
	            "/aws/vpc-flow-logs/vpc-0a|/aws/vpc-flow-logs/vpc-0b1|"
	            "/aws/vpc-flow-logs/vpc-1c|/aws/vpc-flow-logs/vpc-2d|/other/x|");
	/* Pages of 3: vpc-0 fits in one. */
	check_split(per_vpc, 8, 4, 3, 16,
	            "/aws/vpc-flow-logs/vpc-0|/aws/vpc-flow-logs/vpc-1c|"
	            "/aws/vpc-flow-logs/vpc-2d|/other/x|");
	/* Within 3 queries vpc- cannot part in three: it is paged. */
	check_split(per_vpc, 8, 2, 2, 3, "/aws/vpc-flow-logs/vpc-|/other/x|");
	/* A name that others start with is a prefix of its own. */
	check_split(nested, 5, 4, 3, 16, "/g/a|/g/b|");
	check_split(nested, 5, 4, 2, 16, "/g/a|/g/a1|/g/a2|/g/b|");
	check_split(nested, 5, 4, 1, 16, "/g/a|/g/a1|/g/a2|/g/b1|/g/b2|");
	/* "" (every log group) is split too. */
	check_split(disjoint, 4, 1, 4, 16, "|");
	check_split(disjoint, 4, 1, 2, 16, "a|b|");
	check_split(disjoint, 4, 1, 1, 16, "alpha|apple|beta|bravo|");
}

/* The remedy spec is what `vpcflow apply` reads: it must pass spec_parse. */
static void test_remedy_spec_is_a_valid_spec(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec spec;
	struct buf text = BUF_INIT;
	json_t *doc, *parsed;

	evaluate(&rep,
	         "min 400\nvpc " VPC_A "\nvpc " VPC_B "\nsubnet " SUB_1 " " VPC_B "\nsubnet " SUB_2
	         " " VPC_B "\nfl fl-1 " SUB_1 " ALL group=g\ngroup g 3653\n",
	         &opt, &inv);
	doc = audit_remedy_spec(&rep, "111122223333", &opt);
	assert_non_null(doc);
	assert_null(audit_remedy_spec(&rep, "444455556666", &opt));
	audit_spec_text(&text, doc);
	parsed = json_loads(text.data, 0, NULL);
	assert_non_null(parsed);
	json_decref(parsed);
	if (spec_parse(&spec, "remedy.json", text.data, text.len, &errs) < 0) {
		struct buf e = BUF_INIT;

		spec_error_format(&errs.v[0], &e);
		fail_msg("%s\n%s", e.data, text.data);
	}
	assert_int_equal(spec.n_configs, 2);
	assert_int_equal(spec.configs[0].resource_type, SPEC_VPC);
	assert_int_equal(spec.configs[0].resource_ids.n, 1);
	assert_string_equal(spec.configs[0].resource_ids.v[0], VPC_A);
	assert_int_equal(spec.configs[0].retention_days, 400);
	assert_int_equal(spec.configs[1].resource_type, SPEC_SUBNET);
	assert_string_equal(spec.configs[1].resource_ids.v[0], SUB_2);
	assert_int_equal(spec.configs[1].regions.n, 1);
	assert_string_equal(spec.configs[1].regions.v[0], "us-east-1");
	spec_release(&spec);
	spec_errors_release(&errs);
	json_decref(doc);
	buf_release(&text);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

static void test_remedy_commands(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	struct strlist cmds = STRLIST_INIT;

	evaluate(&rep,
	         "min 100\nvpc " VPC_A "\nvpc " VPC_B "\nfl fl-1 " VPC_A
	         " ALL group=it's\nfl fl-2 " VPC_B
	         " ALL s3=arn:aws:s3:::b/flow\ngroup it's 0\nbucket b present\n",
	         &opt, &inv);
	audit_remedy_commands(&cmds, &rep, &opt);
	assert_int_equal(cmds.n, 1);
	assert_string_equal(cmds.v[0],
	                    "vpcflow retention set 365 --log-group 'it'\\''s' --region us-east-1");
	strlist_release(&cmds);
	audit_report_release(&rep);
	audit_inventory_release(&inv);

	evaluate(&rep,
	         "min 100\nvpc " VPC_A "\nvpc " VPC_B "\nfl fl-1 " VPC_A
	         " ALL group=g\nfl fl-2 " VPC_B
	         " ALL s3=arn:aws:s3:::b/flow\ngroup g 30\nbucket b present lifecycle\n",
	         &opt, &inv);
	audit_remedy_commands(&cmds, &rep, &opt);
	assert_int_equal(cmds.n, 2);
	assert_string_equal(cmds.v[0],
	                    "vpcflow retention set 120 --log-group 'g' --region us-east-1");
	assert_string_equal(cmds.v[1], "vpcflow retention set 365 --bucket 'b' --prefix 'flow' "
	                               "--region us-east-1");
	strlist_release(&cmds);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

static char *render(const struct audit_report *rep, int csv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (csv)
		audit_print_csv(f, rep);
	else
		audit_print_table(f, rep);
	fclose(f);
	return text;
}

static void test_json_csv_and_table(void **state)
{
	struct audit_inventory inv;
	struct audit_options opt;
	struct audit_report rep;
	json_t *doc, *findings, *summary;
	struct buf line = BUF_INIT;
	char *text;

	evaluate(&rep,
	         "vpc " VPC_A " default\nvpc " VPC_B "\nfl fl-1 " VPC_B " ALL group=g\ngroup g 0\n",
	         &opt, &inv);
	audit_problem_add(&inv.errors, "111122223333", "eu-west-1", "DescribeVpcs: AccessDenied");
	doc = audit_to_json(&rep, &inv, &opt);
	findings = json_object_get(doc, "findings");
	assert_int_equal(json_array_size(findings), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(findings, 0), "code")),
	                    "NO_FLOW_LOG");
	assert_true(json_is_true(json_object_get(json_array_get(findings, 0), "defaultVpc")));
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(findings, 1), "logGroup")), "g");
	summary = json_object_get(doc, "summary");
	assert_int_equal(json_integer_value(json_object_get(summary, "vpcs")), 2);
	assert_int_equal(json_integer_value(json_object_get(summary, "covered")), 1);
	assert_int_equal(json_integer_value(json_object_get(summary, "errors")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(summary, "findings"), "low")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "errors"), 0), "region")),
	                    "eu-west-1");
	assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "remedy"), "specs")),
	                 1);
	assert_int_equal(
	    json_array_size(json_object_get(json_object_get(doc, "remedy"), "commands")), 1);
	json_decref(doc);

	text = render(&rep, 1);
	assert_true(strncmp(text, "SEVERITY,CODE,ACCOUNT,REGION,RESOURCE,REASON\r\n", 46) == 0 ||
	            strncmp(text, "SEVERITY,CODE,ACCOUNT,REGION,RESOURCE,REASON\n", 45) == 0);
	assert_non_null(strstr(text, "high,NO_FLOW_LOG,111122223333,us-east-1," VPC_A));
	free(text);
	text = render(&rep, 0);
	assert_true(strncmp(text, "SEVERITY", 8) == 0);
	assert_true(strstr(text, "NO_FLOW_LOG") < strstr(text, "RETENTION_UNSET"));
	free(text);

	audit_summary_line(&line, &rep);
	assert_string_equal(line.data, "2 VPCs checked in 1 region of 1 account: 1 covered; "
	                               "findings: 1 high, 0 medium, 1 low");
	buf_release(&line);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

/* Two accounts: findings and remedies stay apart. */
static void test_two_accounts(void **state)
{
	struct audit_inventory inv, other;
	struct audit_options opt;
	struct audit_report rep = {0};
	struct strlist accounts = STRLIST_INIT;
	json_t *spec;

	build(&inv, &opt, "vpc " VPC_A "\n");
	build(&other, &opt, "account 444455556666\nvpc " VPC_B " owner=444455556666\n");
	ALLOC_GROW(inv.accounts, 2, inv.alloc_accounts);
	inv.accounts[1] = other.accounts[0];
	inv.n_accounts = 2;
	other.n_accounts = 0;
	audit_inventory_release(&other);
	audit_evaluate(&rep, &inv, &opt);
	audit_report_sort(&rep);
	assert_int_equal(rep.summary.accounts, 2);
	assert_int_equal(rep.summary.regions, 2);
	assert_int_equal(rep.n, 2);
	assert_string_equal(rep.v[0].account, "111122223333");
	assert_string_equal(rep.v[1].account, "444455556666");
	audit_remedy_accounts(&accounts, &rep);
	assert_int_equal(accounts.n, 2);
	spec = audit_remedy_spec(&rep, "444455556666", &opt);
	assert_string_equal(
	    json_string_value(json_array_get(
	        json_object_get(json_array_get(json_object_get(spec, "flowLogConfigs"), 0),
	                        "resourceIds"),
	        0)),
	    VPC_B);
	json_decref(spec);
	strlist_release(&accounts);
	audit_report_release(&rep);
	audit_inventory_release(&inv);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_reasons_and_fields),
	    cmocka_unit_test(test_missing_stream_row),
	    cmocka_unit_test(test_summary_counts_notes_apart),
	    cmocka_unit_test(test_destination_helpers),
	    cmocka_unit_test(test_retention_and_severity_names),
	    cmocka_unit_test(test_spec_paths),
	    cmocka_unit_test(test_log_group_prefixes),
	    cmocka_unit_test(test_log_group_prefixes_split_big_groups),
	    cmocka_unit_test(test_remedy_spec_is_a_valid_spec),
	    cmocka_unit_test(test_remedy_commands),
	    cmocka_unit_test(test_json_csv_and_table),
	    cmocka_unit_test(test_two_accounts),
	};
	size_t n_cases = sizeof(cases) / sizeof(cases[0]);
	size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = xcalloc(n_cases + n_fixed, sizeof(*tests));
	int rc;

	for (size_t i = 0; i < n_cases; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(tests + n_cases, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("audit", tests, n_cases + n_fixed, NULL, NULL);
	free(tests);
	return rc;
}
