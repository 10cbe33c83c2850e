/* Specs. Run with a case folder of tests/data/spec (argv[1]) it checks that
 * case: spec.json gives exactly the lines of error.txt, or the normalised
 * spec of normalized.json. Run without, it tests the pieces: placeholders,
 * error lines, positions, templates and AWS naming rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/awsname.h"
#include "engine/jsonpos.h"
#include "engine/spec.h"
#include "engine/templates.h"

static const char *case_dir;

/* The contents of path, or NULL if it cannot be read (caller frees). */
static char *read_text(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* Every error as printed, one a line. */
static char *error_lines(const struct spec_errors *errs)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < errs->n; i++) {
		spec_error_format(&errs->v[i], &b);
		buf_addch(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

static char *dump(const json_t *j)
{
	return json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

/* A valid case: the normalised spec, and the same again when the
 * normalised spec is itself parsed. */
static void check_valid(const char *want_text)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec s, again;
	json_error_t jerr;
	json_t *want = json_loads(want_text, 0, &jerr), *got, *got_again;
	char *lines, *text;

	if (!want)
		fail_msg("normalized.json: %d:%d: %s", jerr.line, jerr.column, jerr.text);
	if (spec_load_file(&s, "spec.json", &errs) < 0) {
		lines = error_lines(&errs);
		fail_msg("spec.json is invalid:\n%s", lines);
	}
	got = spec_to_json(&s);
	text = dump(got);
	if (!json_equal(got, want))
		fail_msg("normalised spec differs from normalized.json; got:\n%s", text);
	assert_int_equal(spec_parse(&again, "normalized", text, strlen(text), &errs), 0);
	got_again = spec_to_json(&again);
	assert_true(json_equal(got_again, got));
	free(text);
	json_decref(got_again);
	json_decref(got);
	json_decref(want);
	spec_release(&again);
	spec_release(&s);
}

static void check_invalid(const char *want)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec s;
	char *lines;

	assert_int_equal(spec_load_file(&s, "spec.json", &errs), -1);
	assert_int_equal(s.n_configs, 0);
	lines = error_lines(&errs);
	assert_string_equal(lines, want);
	free(lines);
	spec_errors_release(&errs);
}

static void test_case(void **state)
{
	char *want;

	assert_int_equal(chdir(case_dir), 0);
	if ((want = read_text("error.txt"))) {
		check_invalid(want);
	} else {
		want = read_text("normalized.json");
		if (!want)
			fail_msg("%s has neither error.txt nor normalized.json", case_dir);
		check_valid(want);
	}
	free(want);
}

static void expect_expand(const char *tmpl, const char *want, const char *want_why)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	int rc = spec_expand(&out, tmpl, "vpc-0123abcd", "eu-west-1", "123456789012", &why);

	if (want) {
		assert_int_equal(rc, 0);
		assert_string_equal(out.data, want);
	} else {
		assert_int_equal(rc, -1);
		assert_string_equal(why.data, want_why);
	}
	buf_release(&out);
	buf_release(&why);
}

static void test_expand(void **state)
{
	struct buf out = BUF_INIT, why = BUF_INIT;

	expect_expand(SPEC_DEFAULT_LOG_GROUP, "/aws/vpc-flow-logs/vpc-0123abcd", NULL);
	expect_expand("${accountId}/${region}/x$", "123456789012/eu-west-1/x$", NULL);
	expect_expand("a/${regoin}", NULL,
	              "unknown placeholder '${regoin}'; did you mean "
	              "'${region}'?");
	expect_expand("${x}", NULL,
	              "unknown placeholder '${x}'; the placeholders are "
	              "${resourceId}, ${region} and ${accountId}");
	expect_expand("a${region", NULL, "'${' is not closed by '}'");
	/* Placeholders without a value stay as they are. */
	assert_int_equal(
	    spec_expand(&out, "${resourceId}-${region}", NULL, "us-east-1", NULL, &why), 0);
	assert_string_equal(out.data, "${resourceId}-us-east-1");
	buf_release(&out);
	buf_release(&why);
}

static void test_error_format(void **state)
{
	struct spec_error e = {"spec.json", 3, 7, "flowLogConfigs[1].retentionDays", "too long"};
	struct buf b = BUF_INIT;

	spec_error_format(&e, &b);
	assert_string_equal(b.data, "spec.json:3:7: flowLogConfigs[1].retentionDays: too long");
	buf_reset(&b);
	e.path = "";
	spec_error_format(&e, &b);
	assert_string_equal(b.data, "spec.json:3:7: too long");
	buf_reset(&b);
	e.line = 0;
	spec_error_format(&e, &b);
	assert_string_equal(b.data, "spec.json: too long");
	buf_release(&b);
}

static void test_missing_file(void **state)
{
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec s;

	assert_int_equal(spec_load_file(&s, "/nonexistent/spec.json", &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 0);
	assert_string_equal(errs.v[0].message, "cannot open: No such file or directory");
	spec_errors_release(&errs);
}

static void test_errors_in_file_order(void **state)
{
	static const char text[] =
	    "{\"flowLogConfigs\": [\n"
	    "  {\"resourceType\": \"VPC\", \"zzz\": 1},\n"
	    "  {\"aaa\": 1, \"resourceType\": \"VPC\", \"trafficType\": \"x\"}\n"
	    "]}";
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct spec s;
	char *lines;

	assert_int_equal(spec_parse(&s, "f", text, strlen(text), &errs), -1);
	lines = error_lines(&errs);
	assert_string_equal(lines, "f:2:27: flowLogConfigs[0].zzz: unknown key 'zzz'; the keys are "
	                           "resourceType, resourceIds, regions, destination, logGroup, "
	                           "retentionDays, bucket, prefix, fileFormat, "
	                           "hiveCompatiblePartitions, perHourPartition, deliveryStream, "
	                           "logFormat, iamRole, trafficType, maxAggregationInterval, tags\n"
	                           "f:3:4: flowLogConfigs[1].aaa: unknown key 'aaa'; the keys are "
	                           "resourceType, resourceIds, regions, destination, logGroup, "
	                           "retentionDays, bucket, prefix, fileFormat, "
	                           "hiveCompatiblePartitions, perHourPartition, deliveryStream, "
	                           "logFormat, iamRole, trafficType, maxAggregationInterval, tags\n"
	                           "f:3:52: flowLogConfigs[1].trafficType: 'x' is not one of ALL, "
	                           "ACCEPT, REJECT\n");
	free(lines);
	spec_errors_release(&errs);
}

static void test_positions(void **state)
{
	static const char text[] = "{\"a\": [1, {\"b c\": \"x\\u00e9y\"}],\n\t\"\xc3\xa9\": true}";
	struct jsonpos idx = JSONPOS_INIT;
	const struct jsonpos_entry *e;
	struct buf path = BUF_INIT;

	assert_int_equal(jsonpos_build(&idx, text, strlen(text)), 0);
	assert_non_null(e = jsonpos_find(&idx, "a[1][\"b c\"]"));
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 19);
	assert_int_equal(e->key_column, 12);
	/* The decoded "y" follows a 6-character escape. */
	assert_int_equal(jsonpos_string_column(text, strlen(text), e, 3), 27);
	assert_non_null(e = jsonpos_find(&idx, "[\"\xc3\xa9\"]"));
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 7);
	jsonpos_release(&idx);
	jsonpos_path_at(&path, text, strlen(text), 14);
	assert_string_equal(path.data, "a[1][\"b c\"]");
	buf_release(&path);
	assert_int_equal(jsonpos_build(&idx, "{\"a\": [1,]}", 11), -1);
	jsonpos_release(&idx);
}

static void test_templates_embedded(void **state)
{
	static const char *const names[] = {"cloudwatch-delivery-policy.json",
	                                    "s3-bucket-policy.json", "spec.schema.json",
	                                    "trust-policy.json"};
	size_t len;
	json_error_t jerr;

	assert_int_equal(templates_count, 4);
	for (size_t i = 0; i < 4; i++) {
		const char *t = templates_get(names[i], &len);
		json_t *j;

		assert_non_null(t);
		assert_int_equal(strlen(t), len);
		j = json_loadb(t, len, 0, &jerr);
		assert_non_null(j);
		json_decref(j);
	}
	assert_null(templates_get("nope.json", NULL));
}

static json_t *render(const char *name, const struct templates_var *vars, size_t n)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	json_error_t jerr;
	json_t *j;

	if (templates_render(&out, name, vars, n, &why) < 0)
		fail_msg("%s", why.data);
	j = json_loads(out.data, 0, &jerr);
	if (!j)
		fail_msg("%s: %s\n%s", name, jerr.text, out.data);
	buf_release(&out);
	buf_release(&why);
	return j;
}

static void test_trust_policy(void **state)
{
	const struct templates_var vars[] = {{"accountId", "123456789012", NULL, 0},
	                                     {"partition", "aws", NULL, 0}};
	json_t *j = render("trust-policy.json", vars, 2), *st;

	st = json_array_get(json_object_get(j, "Statement"), 0);
	assert_string_equal(json_string_value(json_object_get(st, "Action")), "sts:AssumeRole");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(st, "Principal"), "Service")),
	    "vpc-flow-logs.amazonaws.com");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(json_object_get(st, "Condition"), "StringEquals"),
	                        "aws:SourceAccount")),
	                    "123456789012");
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(st, "Condition"), "ArnLike"), "aws:SourceArn")),
	    "arn:aws:ec2:*:123456789012:vpc-flow-log/*");
	json_decref(j);
}

static void test_delivery_policy_lists_log_groups(void **state)
{
	const char *const arns[] = {"arn:aws:logs:*:1:log-group:/a:*",
	                            "arn:aws:logs:*:1:log-group:/b\"c:*"};
	const struct templates_var vars[] = {{"logGroupArns", NULL, arns, 2},
	                                     {"accountId", "1", NULL, 0},
	                                     {"partition", "aws-cn", NULL, 0}};
	json_t *j = render("cloudwatch-delivery-policy.json", vars, 3), *res;

	res = json_object_get(json_array_get(json_object_get(j, "Statement"), 0), "Resource");
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(json_string_value(json_array_get(res, 1)),
	                    "arn:aws:logs:*:1:log-group:/b\"c:*");
	res = json_object_get(json_array_get(json_object_get(j, "Statement"), 1), "Resource");
	assert_string_equal(json_string_value(res), "arn:aws-cn:logs:*:1:log-group:*");
	json_decref(j);
}

static void test_bucket_policy(void **state)
{
	const struct templates_var vars[] = {{"accountId", "123456789012", NULL, 0},
	                                     {"partition", "aws", NULL, 0},
	                                     {"bucket", "my-logs", NULL, 0},
	                                     {"keyPrefix", "flows/", NULL, 0}};
	json_t *j = render("s3-bucket-policy.json", vars, 4), *st;

	st = json_array_get(json_object_get(j, "Statement"), 0);
	assert_string_equal(json_string_value(json_object_get(st, "Sid")), "AWSLogDeliveryWrite");
	assert_string_equal(json_string_value(json_object_get(st, "Resource")),
	                    "arn:aws:s3:::my-logs/flows/AWSLogs/123456789012/*");
	st = json_array_get(json_object_get(j, "Statement"), 1);
	assert_string_equal(json_string_value(json_object_get(st, "Sid")),
	                    "AWSLogDeliveryAclCheck");
	assert_string_equal(json_string_value(json_object_get(st, "Resource")),
	                    "arn:aws:s3:::my-logs");
	json_decref(j);
}

static void test_render_errors(void **state)
{
	const char *const list[] = {"x"};
	const struct templates_var partial[] = {{"partition", "aws", NULL, 0}};
	const struct templates_var misplaced[] = {{"accountId", NULL, list, 1},
	                                          {"partition", "aws", NULL, 0}};
	struct buf out = BUF_INIT, why = BUF_INIT;

	assert_int_equal(templates_render(&out, "trust-policy.json", partial, 1, &why), -1);
	assert_string_equal(why.data, "template 'trust-policy.json': no value for '${accountId}'");
	assert_int_equal(out.len, 0);
	buf_reset(&why);
	assert_int_equal(templates_render(&out, "trust-policy.json", misplaced, 2, &why), -1);
	assert_int_equal(out.len, 0);
	buf_reset(&why);
	assert_int_equal(templates_render(&out, "none.json", NULL, 0, &why), -1);
	assert_string_equal(why.data, "no template 'none.json'");
	buf_release(&out);
	buf_release(&why);
}

static void test_names(void **state)
{
	static const char *const good_buckets[] = {"abc", "my.logs-2024", "a1b2c3", NULL};
	static const char *const bad_buckets[] = {"ab",      "My-Bucket",   "-abc",
	                                          "abc-",    "a..b",        "192.168.1.1",
	                                          "xn--abc", "abc-s3alias", NULL};
	struct buf why = BUF_INIT;
	struct awsname_arn arn;

	for (int i = 0; good_buckets[i]; i++)
		assert_int_equal(awsname_bucket(good_buckets[i], &why), 0);
	for (int i = 0; bad_buckets[i]; i++)
		assert_int_equal(awsname_bucket(bad_buckets[i], &why), -1);
	assert_int_equal(awsname_region("us-gov-west-1", &why), 0);
	assert_int_equal(awsname_region("eu-central-2", &why), 0);
	assert_int_equal(awsname_region("useast1", &why), -1);
	assert_int_equal(awsname_region("us-east-123", &why), -1);
	assert_int_equal(awsname_ec2_id("vpc-0123abcd", "vpc-", &why), 0);
	assert_int_equal(awsname_ec2_id("vpc-0123456789abcdef0", "vpc-", &why), 0);
	assert_int_equal(awsname_ec2_id("vpc-0123ABCD", "vpc-", &why), -1);
	assert_int_equal(awsname_ec2_id("vpc-0123abc", "vpc-", &why), -1);
	assert_int_equal(awsname_log_group("/aws/vpc/flow#1", &why), 0);
	assert_int_equal(awsname_log_group("aws/x", &why), -1);
	assert_int_equal(awsname_log_group("a b", &why), -1);
	assert_int_equal(awsname_role("vpc-flow+logs=,.@_", &why), 0);
	assert_int_equal(awsname_role("a/b", &why), -1);
	assert_int_equal(awsname_partition("aws-us-gov"), 1);
	assert_int_equal(awsname_partition("awsx"), 0);
	assert_int_equal(awsname_partition("aws-"), 0);
	assert_int_equal(awsname_arn_parse(&arn, "arn:aws:iam::123456789012:role/a/b:c"), 0);
	assert_string_equal(arn.service, "iam");
	assert_string_equal(arn.region, "");
	assert_string_equal(arn.resource, "role/a/b:c");
	awsname_arn_release(&arn);
	assert_int_equal(awsname_arn_parse(&arn, "arn:aws:s3"), -1);
	buf_release(&why);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest one_case[] = {
	    cmocka_unit_test(test_case),
	};
	const struct CMUnitTest pieces[] = {
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_error_format),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_errors_in_file_order),
	    cmocka_unit_test(test_positions),
	    cmocka_unit_test(test_templates_embedded),
	    cmocka_unit_test(test_trust_policy),
	    cmocka_unit_test(test_delivery_policy_lists_log_groups),
	    cmocka_unit_test(test_bucket_policy),
	    cmocka_unit_test(test_render_errors),
	    cmocka_unit_test(test_names),
	};

	if (argc > 1) {
		case_dir = argv[1];
		return cmocka_run_group_tests(one_case, NULL, NULL);
	}
	return cmocka_run_group_tests(pieces, NULL, NULL);
}
