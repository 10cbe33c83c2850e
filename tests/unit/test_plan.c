/* The plan as a pure function: a spec and a hand-made state in, the
 * actions (as the lines plan prints) out; and the policy merging it uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/xalloc.h"
#include "engine/plan.h"
#include "engine/policy.h"
#include "engine/state.h"
#include "engine/templates.h"

#define ACCOUNT "123456789012"
#define HOME    "us-east-1"
#define ROLE    "arn:aws:iam::" ACCOUNT ":role/vpc-flow-log-role"
#define TUTORIAL                                                                                   \
	"{ \"flowLogConfig\": { \"resourceType\": \"VPC\", \"destination\": \"CloudWatchLogs\","   \
	"\"logFormat\": \"srcaddr dstaddr protocol action port instance\","                        \
	"\"iamRole\": \"vpc-flow-log-role\", \"trafficType\": \"ALL\" } }"
#define FORMAT "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} ${instance-id}"

/* One test's spec, state and plan. */
struct fixture {
	struct spec spec;
	struct state st;
	struct plan plan;
	char *text; /* the plan's lines */
};

static void load(struct fixture *fx, const char *spec_json)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;

	memset(fx, 0, sizeof(*fx));
	if (spec_parse(&fx->spec, "spec.json", spec_json, strlen(spec_json), &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].message);
		fail_msg("spec does not parse");
	}
	state_init(&fx->st, ACCOUNT, "aws", HOME, fx->spec.n_configs);
}

/* A region where configuration 0 applies, with resources ids (NULL-ended). */
static struct state_region *region(struct fixture *fx, const char *name, ...)
{
	struct state_region *r = state_add_region(&fx->st, name);
	const char *id;
	va_list ap;

	r->applies[0] = 1;
	va_start(ap, name);
	while ((id = va_arg(ap, const char *)))
		strlist_add(&r->found[0], id);
	va_end(ap);
	return r;
}

static struct ec2_flow_log *flow_log(struct state_region *r, const char *id, const char *resource,
                                     const char *type, const char *dest, const char *traffic,
                                     int managed)
{
	struct ec2_flow_log *fl;

	ALLOC_GROW(r->flow_logs.v, r->flow_logs.n + 1, r->flow_logs.alloc);
	fl = &r->flow_logs.v[r->flow_logs.n++];
	memset(fl, 0, sizeof(*fl));
	fl->flow_log_id = xstrdup(id);
	fl->resource_id = xstrdup(resource);
	fl->log_destination_type = xstrdup(type);
	if (strcmp(type, "cloud-watch-logs") == 0) {
		fl->log_group_name = xstrdup(dest);
		fl->deliver_logs_permission_arn = xstrdup(ROLE);
	} else {
		fl->log_destination = xstrdup(dest);
	}
	fl->traffic_type = xstrdup(traffic);
	fl->log_format = xstrdup(FORMAT);
	fl->max_aggregation_interval = 600;
	if (managed)
		tag_list_add(&fl->tags, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	return fl;
}

/* The trust policy vpcflow writes, rendered for ACCOUNT. */
static char *trust(void)
{
	struct templates_var vars[] = {{"accountId", ACCOUNT, NULL, 0},
	                               {"partition", "aws", NULL, 0}};
	struct buf b = BUF_INIT, why = BUF_INIT;

	assert_int_equal(templates_render(&b, "trust-policy.json", vars, 2, &why), 0);
	buf_release(&why);
	return buf_detach(&b, NULL);
}

/* The tutorial's role as vpcflow made it, with policy as its inline policy. */
static struct state_role *managed_role(struct fixture *fx, const char *policy)
{
	struct state_role *sr = state_add_role(&fx->st, "vpc-flow-log-role");

	sr->exists = 1;
	sr->arn = xstrdup(ROLE);
	sr->role.arn = xstrdup(ROLE);
	sr->role.role_name = xstrdup("vpc-flow-log-role");
	sr->role.assume_role_policy_document = trust();
	tag_list_add(&sr->role.tags, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	sr->policy = policy ? xstrdup(policy) : NULL;
	return sr;
}

static const char *run(struct fixture *fx, int destroy, int destinations)
{
	struct plan_options opt = {0, destinations};
	struct buf b = BUF_INIT, why = BUF_INIT;
	int rc = destroy ? plan_destroy(&fx->plan, &fx->spec, &fx->st, &opt, &why)
	                 : plan_make(&fx->plan, &fx->spec, &fx->st, &opt, &why);

	assert_int_equal(rc, 0);
	for (size_t i = 0; i < fx->plan.n; i++) {
		plan_format_action(&b, &fx->plan.v[i]);
		buf_addch(&b, '\n');
	}
	buf_release(&why);
	free(fx->text);
	fx->text = buf_detach(&b, NULL);
	return fx->text;
}

static void done(struct fixture *fx)
{
	plan_release(&fx->plan);
	state_release(&fx->st);
	spec_release(&fx->spec);
	free(fx->text);
}

static const struct plan_action *find(const struct plan *p, enum plan_kind kind)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == kind)
			return &p->v[i];
	return NULL;
}

/* A new role carries the tags of the configurations that use it only. */
static void test_role_tags_are_its_configurations(void **state)
{
	struct fixture fx;
	struct state_region *r;
	size_t roles = 0;

	load(&fx, "{\"flowLogConfigs\": ["
	          "{\"resourceType\": \"VPC\", \"iamRole\": \"role-a\", \"tags\": {\"team\": \"a\"}},"
	          "{\"resourceType\": \"VPC\", \"iamRole\": \"role-b\","
	          " \"tags\": {\"team\": \"b\", \"cost\": \"x\"}}]}");
	r = region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	r->applies[1] = 1;
	strlist_add(&r->found[1], "vpc-0aaaaaaaaaaaaaaa2");
	state_add_role(&fx.st, "role-a");
	state_add_role(&fx.st, "role-b");
	run(&fx, 0, 0);
	for (size_t i = 0; i < fx.plan.n; i++) {
		const struct plan_action *a = &fx.plan.v[i];
		int is_a;

		if (a->kind != PLAN_ROLE)
			continue;
		roles++;
		is_a = strcmp(a->subject, "role-a") == 0;
		assert_string_equal(tag_list_get(&a->tags, "team"), is_a ? "a" : "b");
		if (is_a)
			assert_null(tag_list_get(&a->tags, "cost"));
		else
			assert_string_equal(tag_list_get(&a->tags, "cost"), "x");
		assert_string_equal(tag_list_get(&a->tags, PLAN_MANAGED_TAG), "true");
	}
	assert_int_equal(roles, 2);
	done(&fx);
}

static void test_tutorial_from_nothing(void **state)
{
	struct fixture fx;
	const struct plan_action *a;

	load(&fx, TUTORIAL);
	region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", "vpc-0aaaaaaaaaaaaaaa2", NULL);
	state_add_role(&fx.st, "vpc-flow-log-role");
	assert_string_equal(
	    run(&fx, 0, 0),
	    "+ create IAM role vpc-flow-log-role: trusted by vpc-flow-logs.amazonaws.com for flow "
	    "logs of account " ACCOUNT "\n"
	    "+ put inline policy vpcflow-delivery on role vpc-flow-log-role: lets flow logs write "
	    "to 1 log group pattern\n"
	    "+ create log group /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1 (region us-east-1): "
	    "retention 365 days\n"
	    "+ create log group /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2 (region us-east-1): "
	    "retention 365 days\n"
	    "+ create flow log for vpc-0aaaaaaaaaaaaaaa1 (region us-east-1): no flow log delivers "
	    "to /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1\n"
	    "+ create flow log for vpc-0aaaaaaaaaaaaaaa2 (region us-east-1): no flow log delivers "
	    "to /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2\n");
	assert_true(plan_has_changes(&fx.plan));
	assert_false(plan_is_blocked(&fx.plan));
	a = find(&fx.plan, PLAN_ROLE);
	assert_non_null(strstr(a->document, "\"vpc-flow-logs.amazonaws.com\""));
	assert_non_null(strstr(a->document, "\"aws:SourceAccount\": \"" ACCOUNT "\""));
	assert_non_null(strstr(a->document, "arn:aws:ec2:*:" ACCOUNT ":vpc-flow-log/*"));
	assert_string_equal(tag_list_get(&a->tags, PLAN_MANAGED_TAG), "true");
	a = find(&fx.plan, PLAN_ROLE_POLICY);
	assert_non_null(strstr(a->document, "\"arn:aws:logs:us-east-1:" ACCOUNT
	                                    ":log-group:/aws/vpc-flow-logs/*:*\""));
	assert_null(strstr(a->document, "\"Resource\": \"*\""));
	a = find(&fx.plan, PLAN_LOG_GROUP);
	assert_int_equal(a->retention_days, 365);
	assert_string_equal(tag_list_get(&a->tags, PLAN_MANAGED_TAG), "true");
	a = find(&fx.plan, PLAN_FLOW_LOG);
	assert_string_equal(fx.plan.flows[a->flow].role_arn, ROLE);
	assert_string_equal(fx.plan.flows[a->flow].log_group,
	                    "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1");
	done(&fx);
}

/* The state a first apply of the tutorial leaves: the plan is empty. */
static void test_tutorial_applied_has_no_changes(void **state)
{
	struct fixture fx, first;
	struct state_region *r;
	const struct plan_action *pol;

	load(&first, TUTORIAL);
	region(&first, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	run(&first, 0, 0);
	pol = find(&first.plan, PLAN_ROLE_POLICY);

	load(&fx, TUTORIAL);
	r = region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	managed_role(&fx, pol->document);
	state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", NULL, 365);
	flow_log(r, "fl-1", "vpc-0aaaaaaaaaaaaaaa1", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", "ALL", 1);
	/* Another flow log elsewhere changes nothing. */
	flow_log(r, "fl-2", "vpc-0aaaaaaaaaaaaaaa1", "s3", "arn:aws:s3:::other", "REJECT", 0);
	assert_string_equal(run(&fx, 0, 0), "");
	assert_false(plan_has_changes(&fx.plan));
	done(&fx);
	done(&first);
}

/* The tutorial applied, its flow log reporting its log group only as the ARN
 * dest (no LogGroupName). */
static void applied_by_arn(struct fixture *fx, const char *policy, const char *dest)
{
	struct state_region *r;
	struct ec2_flow_log *fl;

	load(fx, TUTORIAL);
	r = region(fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	managed_role(fx, policy);
	state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", NULL, 365);
	fl = flow_log(r, "fl-1", "vpc-0aaaaaaaaaaaaaaa1", "cloud-watch-logs",
	              "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", "ALL", 1);
	free(fl->log_group_name);
	fl->log_group_name = NULL;
	fl->log_destination = xstrdup(dest);
}

/* A flow log that names its log group only by ARN, with or without the ":*"
 * of the group's streams, delivers to that group: nothing to change. */
static void test_log_group_by_arn(void **state)
{
	static const char *const arns[] = {
	    "arn:aws:logs:us-east-1:" ACCOUNT
	    ":log-group:/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1:*",
	    "arn:aws:logs:us-east-1:" ACCOUNT ":log-group:/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1",
	};
	struct fixture fx, first;
	const struct plan_action *pol;

	load(&first, TUTORIAL);
	region(&first, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	run(&first, 0, 0);
	pol = find(&first.plan, PLAN_ROLE_POLICY);
	for (size_t i = 0; i < sizeof(arns) / sizeof(arns[0]); i++) {
		applied_by_arn(&fx, pol->document, arns[i]);
		if (strcmp(run(&fx, 0, 0), "") != 0)
			fail_msg("%s: %s", arns[i], fx.text);
		done(&fx);
	}
	/* A group whose name only starts with the one wanted is another group. */
	applied_by_arn(&fx, pol->document,
	               "arn:aws:logs:us-east-1:" ACCOUNT
	               ":log-group:/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1-old:*");
	assert_non_null(strstr(run(&fx, 0, 0), "+ create flow log for vpc-0aaaaaaaaaaaaaaa1"));
	done(&fx);
	done(&first);
}

static void test_retention_and_drift(void **state)
{
	struct fixture fx;
	struct state_region *r;
	const struct plan_action *a;

	load(&fx, TUTORIAL);
	r = region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", "vpc-0aaaaaaaaaaaaaaa2", NULL);
	state_add_role(&fx.st, "vpc-flow-log-role")->exists = 0;
	state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", NULL, 30);
	state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2", NULL, 0);
	flow_log(r, "fl-0123", "vpc-0aaaaaaaaaaaaaaa1", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", "ACCEPT", 0);
	flow_log(r, "fl-0456", "vpc-0aaaaaaaaaaaaaaa2", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2", "ALL", 0)
	    ->max_aggregation_interval = 60;
	run(&fx, 0, 0);
	assert_non_null(strstr(fx.text, "~ update retention of log group "
	                                "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1 (region "
	                                "us-east-1): 30 → 365 days\n"));
	assert_non_null(strstr(fx.text, "~ update retention of log group "
	                                "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2 (region "
	                                "us-east-1): never expire → 365 days\n"));
	assert_non_null(strstr(fx.text,
	                       "! drift: flow log fl-0123 for vpc-0aaaaaaaaaaaaaaa1 (region "
	                       "us-east-1) captures ACCEPT, spec says ALL (apply "
	                       "--replace replaces it)\n"));
	assert_non_null(strstr(fx.text,
	                       "! drift: flow log fl-0456 for vpc-0aaaaaaaaaaaaaaa2 (region "
	                       "us-east-1) aggregates over 60 s, spec says 600 s"));
	assert_null(strstr(fx.text, "create flow log"));
	a = find(&fx.plan, PLAN_FLOW_LOG_REPLACE);
	assert_string_equal(a->flow_log_id, "fl-0123");
	assert_int_equal(plan_count(&fx.plan, PLAN_DRIFT), 2);
	done(&fx);
}

static void test_missing_resource_and_blocked_role(void **state)
{
	struct fixture fx;
	struct state_role *sr;
	const struct plan_action *a;
	struct buf text = BUF_INIT;
	json_t *json, *actions;

	load(&fx,
	     "{\"flowLogConfig\": {\"resourceType\": \"VPC\", \"resourceIds\": "
	     "[\"vpc-0aaaaaaaaaaaaaaa1\", \"vpc-0bbbbbbbbbbbbbbb2\"], \"iamRole\": \"theirs\"}}");
	region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	sr = state_add_role(&fx.st, "theirs");
	sr->exists = 1;
	sr->role.arn = xstrdup("arn:aws:iam::" ACCOUNT ":role/theirs");
	sr->role.assume_role_policy_document =
	    xstrdup("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Service\": "
	            "\"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}}");
	run(&fx, 0, 0);
	assert_true(plan_is_blocked(&fx.plan));
	assert_non_null(strstr(fx.text, "+ create flow log for vpc-0aaaaaaaaaaaaaaa1"));
	assert_null(strstr(fx.text, "create flow log for vpc-0bbbbbbbbbbbbbbb2"));
	/* Errors come last. */
	assert_non_null(strstr(fx.text,
	                       "! error: role theirs does not trust "
	                       "vpc-flow-logs.amazonaws.com and was not created by vpcflow"));
	assert_non_null(strstr(fx.text, "! error: VPC vpc-0bbbbbbbbbbbbbbb2 does not exist in "
	                                "us-east-1"));
	assert_int_equal(fx.plan.v[fx.plan.n - 1].op, PLAN_ERROR);
	assert_int_equal(fx.plan.v[fx.plan.n - 2].op, PLAN_ERROR);
	assert_int_equal(plan_count(&fx.plan, PLAN_ERROR), 2);
	/* The message is kept alone; "error: " is put in front where printed. */
	a = find(&fx.plan, PLAN_MISSING);
	assert_string_equal(a->text, "VPC vpc-0bbbbbbbbbbbbbbb2 does not exist in us-east-1 (or "
	                             "this account cannot see it): check resourceIds and regions");
	buf_reset(&text);
	plan_format_text(&text, a);
	assert_string_equal(text.data, "error: VPC vpc-0bbbbbbbbbbbbbbb2 does not exist in "
	                               "us-east-1 (or this account cannot see it): check "
	                               "resourceIds and regions");
	json = plan_to_json(&fx.plan);
	actions = json_object_get(json, "actions");
	assert_string_equal(
	    json_string_value(
	        json_object_get(json_array_get(actions, (size_t)(a - fx.plan.v)), "text")),
	    "error: VPC vpc-0bbbbbbbbbbbbbbb2 does not exist in us-east-1 (or this account cannot "
	    "see it): check resourceIds and regions");
	json_decref(json);
	buf_release(&text);
	done(&fx);

	/* The same role trusting the service is used as it is. */
	load(&fx, "{\"flowLogConfig\": {\"resourceType\": \"VPC\", \"iamRole\": \"theirs\"}}");
	region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	sr = state_add_role(&fx.st, "theirs");
	sr->exists = 1;
	sr->arn = xstrdup("arn:aws:iam::" ACCOUNT ":role/path/theirs");
	sr->role.assume_role_policy_document =
	    xstrdup("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": "
	            "[\"vpc-flow-logs.amazonaws.com\"]}, \"Action\": [\"sts:AssumeRole\"]}]}");
	run(&fx, 0, 0);
	assert_false(plan_is_blocked(&fx.plan));
	assert_null(find(&fx.plan, PLAN_ROLE_POLICY));
	assert_string_equal(fx.plan.flows[0].role_arn, "arn:aws:iam::" ACCOUNT ":role/path/theirs");
	done(&fx);
}

static void test_managed_role_is_repaired(void **state)
{
	struct fixture fx;
	struct state_role *sr;
	const struct plan_action *a;

	load(&fx, TUTORIAL);
	region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	sr = managed_role(&fx, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Mine\", "
	                       "\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": "
	                       "\"*\"}]}");
	free(sr->role.assume_role_policy_document);
	sr->role.assume_role_policy_document = xstrdup("{\"Statement\": []}");
	run(&fx, 0, 0);
	assert_non_null(find(&fx.plan, PLAN_ROLE_TRUST));
	a = find(&fx.plan, PLAN_ROLE_POLICY);
	assert_int_equal(a->op, PLAN_UPDATE);
	assert_non_null(strstr(a->document, "\"Sid\":\"Mine\""));
	assert_non_null(strstr(a->document, "\"Sid\":\"DeliverToLogGroups\""));
	done(&fx);
}

#define S3_SPEC                                                                                    \
	"{\"flowLogConfig\": {\"resourceType\": \"Subnet\", \"destination\": \"S3\", \"bucket\": " \
	"\"flow-bucket\", \"prefix\": \"logs/${region}\", \"retentionDays\": 90, \"fileFormat\": " \
	"\"parquet\", \"tags\": {\"team\": \"net\"}}}"

static void test_s3_new_bucket(void **state)
{
	struct fixture fx;
	const struct plan_action *a;

	load(&fx, S3_SPEC);
	region(&fx, HOME, "subnet-0aaaaaaaaaaaaaaa1", NULL);
	state_add_bucket(&fx.st, "flow-bucket");
	run(&fx, 0, 0);
	assert_non_null(strstr(fx.text, "+ create bucket flow-bucket (region us-east-1)"));
	assert_non_null(strstr(fx.text, "+ create flow log for subnet-0aaaaaaaaaaaaaaa1 (region "
	                                "us-east-1): no flow log delivers to "
	                                "arn:aws:s3:::flow-bucket/logs/us-east-1\n"));
	assert_null(find(&fx.plan, PLAN_ROLE));
	a = find(&fx.plan, PLAN_BUCKET);
	assert_string_equal(tag_list_get(&a->tags, "team"), "net");
	a = find(&fx.plan, PLAN_BUCKET_POLICY);
	assert_non_null(
	    strstr(a->document, "arn:aws:s3:::flow-bucket/logs/us-east-1/AWSLogs/" ACCOUNT "/*"));
	assert_non_null(strstr(a->document, "AWSLogDeliveryAclCheck"));
	a = find(&fx.plan, PLAN_BUCKET_LIFECYCLE);
	assert_int_equal(a->lifecycle.n, 1);
	assert_string_equal(a->lifecycle.v[0].id, "vpcflow-expire-logs/us-east-1");
	assert_string_equal(a->lifecycle.v[0].prefix, "logs/us-east-1/AWSLogs/");
	assert_int_equal(a->lifecycle.v[0].expiration_days, 90);
	done(&fx);
}

/* An existing bucket keeps its statements and rules; once merged, nothing
 * more to do. */
static void test_s3_existing_bucket_merges(void **state)
{
	struct fixture fx, again;
	struct state_bucket *sb;
	const struct plan_action *pol, *lc;
	struct state_region *r;
	struct ec2_flow_log *fl;

	load(&fx, S3_SPEC);
	region(&fx, HOME, "subnet-0aaaaaaaaaaaaaaa1", NULL);
	sb = state_add_bucket(&fx.st, "flow-bucket");
	sb->exists = 1;
	sb->region = xstrdup("eu-west-1");
	sb->policy = xstrdup("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Theirs\","
	                     "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
	                     "\"Resource\":\"arn:aws:s3:::flow-bucket\"}]}");
	s3_lifecycle_set_rule(&sb->lifecycle, "their-rule", "tmp/", 7);
	run(&fx, 0, 0);
	assert_null(find(&fx.plan, PLAN_BUCKET));
	pol = find(&fx.plan, PLAN_BUCKET_POLICY);
	assert_int_equal(pol->op, PLAN_UPDATE);
	assert_string_equal(pol->region, "eu-west-1");
	assert_non_null(strstr(pol->document, "\"Sid\":\"Theirs\""));
	assert_non_null(strstr(pol->document, "\"Sid\":\"AWSLogDeliveryWrite\""));
	lc = find(&fx.plan, PLAN_BUCKET_LIFECYCLE);
	assert_int_equal(lc->lifecycle.n, 2);
	assert_non_null(s3_lifecycle_find(&lc->lifecycle, "their-rule"));

	load(&again, S3_SPEC);
	r = region(&again, HOME, "subnet-0aaaaaaaaaaaaaaa1", NULL);
	sb = state_add_bucket(&again.st, "flow-bucket");
	sb->exists = 1;
	sb->policy = xstrdup(pol->document);
	for (size_t i = 0; i < lc->lifecycle.n; i++)
		s3_lifecycle_set_rule(&sb->lifecycle, lc->lifecycle.v[i].id,
		                      lc->lifecycle.v[i].prefix,
		                      lc->lifecycle.v[i].expiration_days);
	fl = flow_log(r, "fl-9", "subnet-0aaaaaaaaaaaaaaa1", "s3",
	              "arn:aws:s3:::flow-bucket/logs/us-east-1/", "ALL", 1);
	free(fl->log_format);
	fl->log_format = xstrdup(again.spec.configs[0].log_format);
	assert_string_equal(run(&again, 0, 0), "");
	done(&again);
	done(&fx);
}

static void test_firehose(void **state)
{
	struct fixture fx;
	struct state_region *r;

	load(&fx, "{\"flowLogConfig\": {\"resourceType\": \"NetworkInterface\", \"destination\": "
	          "\"KinesisFirehose\", \"deliveryStream\": \"flows\"}}");
	r = region(&fx, HOME, "eni-0aaaaaaaaaaaaaaa1", NULL);
	state_region_add_stream(r, "flows", NULL);
	run(&fx, 0, 0);
	assert_true(plan_is_blocked(&fx.plan));
	assert_non_null(strstr(fx.text, "! error: Firehose delivery stream 'flows' does not exist "
	                                "in us-east-1"));
	done(&fx);

	load(&fx, "{\"flowLogConfig\": {\"resourceType\": \"NetworkInterface\", \"destination\": "
	          "\"KinesisFirehose\", \"deliveryStream\": \"flows\"}}");
	r = region(&fx, HOME, "eni-0aaaaaaaaaaaaaaa1", NULL);
	state_region_add_stream(r, "flows",
	                        "arn:aws:firehose:us-east-1:" ACCOUNT ":deliverystream/flows");
	assert_string_equal(run(&fx, 0, 0),
	                    "+ create flow log for eni-0aaaaaaaaaaaaaaa1 (region us-east-1): no "
	                    "flow log delivers to arn:aws:firehose:us-east-1:" ACCOUNT
	                    ":deliverystream/flows\n");
	done(&fx);

	/* Another account's stream needs roles the spec cannot name. */
	load(&fx, "{\"flowLogConfig\": {\"resourceType\": \"NetworkInterface\", \"destination\": "
	          "\"KinesisFirehose\", \"deliveryStream\": "
	          "\"arn:aws:firehose:us-east-1:999999999999:deliverystream/theirs\"}}");
	region(&fx, HOME, "eni-0aaaaaaaaaaaaaaa1", NULL);
	run(&fx, 0, 0);
	assert_true(plan_is_blocked(&fx.plan));
	assert_non_null(strstr(fx.text, "is in another account"));
	assert_int_equal(fx.plan.n_flows, 0);
	done(&fx);
}

/* The spec's tags are added to a log group that lacks them. */
static void test_log_group_tags(void **state)
{
	struct fixture fx;
	struct state_region *r;
	struct state_log_group *g;
	const struct plan_action *a;

	load(&fx, "{\"flowLogConfig\": {\"resourceType\": \"VPC\", \"tags\": {\"team\": "
	          "\"net\", \"env\": \"prod\"}}}");
	r = region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	g = state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", NULL, 365);
	g->tags_read = 1;
	tag_list_add(&g->tags, "team", "net");
	tag_list_add(&g->tags, "env", "dev");
	run(&fx, 0, 0);
	a = find(&fx.plan, PLAN_LOG_GROUP_TAGS);
	assert_non_null(a);
	assert_int_equal(a->tags.n, 1);
	assert_string_equal(tag_list_get(&a->tags, "env"), "prod");
	assert_null(find(&fx.plan, PLAN_RETENTION));
	done(&fx);
}

static void test_destroy(void **state)
{
	struct fixture fx;
	struct state_region *r;
	struct state_log_group *g;

	load(&fx, TUTORIAL);
	r = region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", "vpc-0aaaaaaaaaaaaaaa2",
	           "vpc-0aaaaaaaaaaaaaaa3", NULL);
	managed_role(&fx, NULL);
	g = state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", NULL, 365);
	g->tags_read = 1;
	tag_list_add(&g->tags, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	g = state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2", NULL, 365);
	g->tags_read = 1;
	g = state_region_add_group(r, "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa3", NULL, 365);
	g->tags_read = 1;
	tag_list_add(&g->tags, PLAN_MANAGED_TAG, PLAN_MANAGED_VALUE);
	flow_log(r, "fl-1", "vpc-0aaaaaaaaaaaaaaa1", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1", "ALL", 1);
	flow_log(r, "fl-2", "vpc-0aaaaaaaaaaaaaaa2", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2", "ACCEPT", 1);
	flow_log(r, "fl-3", "vpc-0aaaaaaaaaaaaaaa3", "cloud-watch-logs",
	         "/aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa3", "ALL", 0);
	assert_string_equal(
	    run(&fx, 1, 0),
	    "- delete flow log fl-1 for vpc-0aaaaaaaaaaaaaaa1 (region us-east-1)\n"
	    "- delete flow log fl-2 for vpc-0aaaaaaaaaaaaaaa2 (region us-east-1)\n"
	    "  keep flow log fl-3 for vpc-0aaaaaaaaaaaaaaa3 (region us-east-1): not "
	    "created by vpcflow\n");
	plan_release(&fx.plan);
	run(&fx, 1, 1);
	assert_non_null(strstr(fx.text,
	                       "- delete log group /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa1 "
	                       "(region us-east-1)\n"));
	assert_non_null(strstr(fx.text, "  keep log group /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa2 "
	                                "(region us-east-1): not created by vpcflow\n"));
	assert_non_null(strstr(fx.text, "  keep log group /aws/vpc-flow-logs/vpc-0aaaaaaaaaaaaaaa3 "
	                                "(region us-east-1): flow log fl-3 uses it\n"));
	/* fl-3 still delivers with the role. */
	assert_non_null(
	    strstr(fx.text, "  keep IAM role vpc-flow-log-role: flow log fl-3 uses it"));
	assert_int_equal(plan_count(&fx.plan, PLAN_DELETE), 3);
	done(&fx);
}

static void test_policy_merge(void **state)
{
	json_t *base = policy_parse("{\"Statement\": {\"Sid\": \"A\", \"Effect\": \"Allow\", "
	                            "\"Action\": \"x:Y\", \"Resource\": [\"r1\"]}}");
	json_t *same_sid_more = policy_parse("{\"Statement\": [{\"Sid\": \"A\", \"Effect\": "
	                                     "\"Allow\", \"Action\": \"x:Y\", \"Resource\": "
	                                     "\"r2\"}]}");
	json_t *clash = policy_parse("{\"Statement\": [{\"Sid\": \"A\", \"Effect\": \"Deny\", "
	                             "\"Action\": \"x:Y\", \"Resource\": \"r3\"}]}");
	json_t *already = policy_parse("{\"Statement\": [{\"Sid\": \"A\", \"Effect\": \"Allow\", "
	                               "\"Action\": \"x:Y\", \"Resource\": \"r1\"}]}");
	json_t *trusting = policy_parse("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
	                                "{\"Service\": \"svc\"}, \"Action\": \"sts:*\"}}");
	json_t *m0, *m1, *m2, *m3, *m4;
	char *text;

	assert_non_null(base);
	assert_null(policy_parse("[1]"));
	assert_null(policy_parse("{\"Statement\": 3}"));
	/* Already there: unchanged, array form kept. */
	m0 = policy_merge(base, NULL);
	m1 = policy_merge(base, already);
	assert_true(json_equal(m1, m0));
	text = policy_dump(m1);
	assert_non_null(strstr(text, "\"Resource\":[\"r1\"]"));
	free(text);
	m2 = policy_merge(base, same_sid_more);
	text = policy_dump(m2);
	assert_non_null(strstr(text, "\"Resource\":[\"r1\",\"r2\"]"));
	free(text);
	m3 = policy_merge(m2, clash);
	text = policy_dump(m3);
	assert_non_null(strstr(text, "\"Sid\":\"AVpcflow\""));
	assert_non_null(strstr(text, "\"Resource\":[\"r1\",\"r2\"]"));
	free(text);
	m4 = policy_merge(m3, clash);
	assert_true(json_equal(m3, m4));
	assert_true(policy_trusts_service(trusting, "svc"));
	assert_false(policy_trusts_service(base, "svc"));
	assert_true(policy_text_equal("{\"a\": [1, 2]}", "{\"a\":[1,2]}"));
	assert_false(policy_text_equal("{\"a\": 1}", NULL));
	json_decref(base);
	json_decref(same_sid_more);
	json_decref(clash);
	json_decref(already);
	json_decref(trusting);
	json_decref(m0);
	json_decref(m1);
	json_decref(m2);
	json_decref(m3);
	json_decref(m4);
}

static void test_helpers_and_json(void **state)
{
	struct fixture fx;
	int foreign;
	char *name;
	json_t *doc;

	name = plan_role_name("arn:aws:iam::999999999999:role/a/b", ACCOUNT, &foreign);
	assert_string_equal(name, "b");
	assert_true(foreign);
	free(name);
	name = plan_role_name("arn:aws:iam::" ACCOUNT ":role/b", ACCOUNT, &foreign);
	assert_false(foreign);
	free(name);

	load(&fx, TUTORIAL);
	region(&fx, HOME, "vpc-0aaaaaaaaaaaaaaa1", NULL);
	run(&fx, 0, 0);
	doc = plan_to_json(&fx.plan);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(doc, "summary"), "create")), 4);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "actions"), 3), "marker")),
	                    "+");
	assert_true(json_is_true(json_object_get(doc, "changes")));
	json_decref(doc);
	done(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tutorial_from_nothing),
	    cmocka_unit_test(test_role_tags_are_its_configurations),
	    cmocka_unit_test(test_tutorial_applied_has_no_changes),
	    cmocka_unit_test(test_log_group_by_arn),
	    cmocka_unit_test(test_retention_and_drift),
	    cmocka_unit_test(test_missing_resource_and_blocked_role),
	    cmocka_unit_test(test_managed_role_is_repaired),
	    cmocka_unit_test(test_s3_new_bucket),
	    cmocka_unit_test(test_s3_existing_bucket_merges),
	    cmocka_unit_test(test_firehose),
	    cmocka_unit_test(test_log_group_tags),
	    cmocka_unit_test(test_destroy),
	    cmocka_unit_test(test_policy_merge),
	    cmocka_unit_test(test_helpers_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
