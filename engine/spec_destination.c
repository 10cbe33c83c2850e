/* The checks of the keys that belong to a configuration's destination:
 * CloudWatch Logs (log group, retention, role), S3 (bucket, prefix, file
 * format, partitions, expiration) and Firehose (delivery stream). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"
#include "engine/awsname.h"
#include "engine/logretention.h"
#include "engine/spec_parse.h"

static const char *const file_formats[] = {"plain-text", "parquet", NULL};

/* Sample values that expand placeholders for checks of names: as long as
 * real ones get. */
#define SAMPLE_RESOURCE "tgw-attach-0123456789abcdef0"
#define SAMPLE_REGION   "ap-southeast-5"
#define SAMPLE_ACCOUNT  "123456789012"

/* "123456789012" */
static int account_id(const char *s)
{
	return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* The path of a role ARN (between "role/" and the name): printable ASCII. */
static int role_path(const char *s)
{
	const char *name = strrchr(s, '/');

	for (; name && s < name; s++)
		if (*s < 0x21 || *s > 0x7E)
			return 0;
	return 1;
}

/* Checks the placeholders of a name template and returns it expanded with
 * sample values (caller frees), or NULL after an error. */
static char *expand_sample(struct spec_checker *c, const char *key, const char *tmpl)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	char *s = NULL;

	if (spec_expand(&out, tmpl, SAMPLE_RESOURCE, SAMPLE_REGION, SAMPLE_ACCOUNT, &why) < 0)
		spec_config_error(c, key, SPEC_AT_VALUE, "%s", why.data);
	else
		s = buf_detach(&out, NULL);
	buf_release(&out);
	buf_release(&why);
	return s;
}

static void check_log_group(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf why = BUF_INIT;
	const char *s = spec_config_string(c, "logGroup", v);
	char *sample;

	if (!s || !(sample = expand_sample(c, "logGroup", s)))
		return;
	if (awsname_log_group(sample, &why) < 0)
		spec_config_error(c, "logGroup", SPEC_AT_VALUE, "'%s' is not a log group name: %s",
		                  s, why.data);
	else
		out->log_group = xstrdup(s);
	free(sample);
	buf_release(&why);
}

static void check_retention(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	long long days;
	int lo, hi;
	struct buf b = BUF_INIT;

	if (spec_config_int(c, "retentionDays", v, &days) < 0)
		return;
	if (out->destination == SPEC_S3) {
		if (days < 1 || days > INT_MAX)
			spec_config_error(
			    c, "retentionDays", SPEC_AT_VALUE,
			    "%lld is not a number of days: S3 expiration takes 1 to %d", days,
			    INT_MAX);
		else
			out->retention_days = (int)days;
		return;
	}
	if (logretention_allowed(days, &lo, &hi)) {
		out->retention_days = (int)days;
		return;
	}
	logretention_list(&b);
	if (lo && hi)
		spec_config_error(
		    c, "retentionDays", SPEC_AT_VALUE,
		    "%lld days is not a CloudWatch Logs retention period; use %d or %d (allowed: "
		    "%s)",
		    days, lo, hi, b.data);
	else
		spec_config_error(
		    c, "retentionDays", SPEC_AT_VALUE,
		    "%lld days is not a CloudWatch Logs retention period; use %d (allowed: %s)",
		    days, lo ? lo : hi, b.data);
	buf_release(&b);
}

static void check_iam_role(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf why = BUF_INIT;
	struct awsname_arn arn;
	const char *s = spec_config_string(c, "iamRole", v), *name;

	if (!s)
		return;
	if (strncmp(s, "arn:", 4) == 0) {
		if (awsname_arn_parse(&arn, s) < 0 || strcmp(arn.service, "iam") != 0 ||
		    *arn.region || !account_id(arn.account) ||
		    strncmp(arn.resource, "role/", 5) != 0 || !role_path(arn.resource + 5)) {
			spec_config_error(c, "iamRole", SPEC_AT_VALUE,
			                  "'%s' is not a role ARN: role ARNs look like "
			                  "'arn:aws:iam::123456789012:role/NAME'",
			                  s);
			awsname_arn_release(&arn);
			goto out;
		}
		name = strrchr(arn.resource, '/') + 1;
		if (awsname_role(name, &why) < 0)
			spec_config_error(c, "iamRole", SPEC_AT_VALUE, "'%s' is not a role ARN: %s",
			                  s, why.data);
		else
			out->iam_role = xstrdup(s);
		awsname_arn_release(&arn);
	} else if (awsname_role(s, &why) < 0) {
		spec_config_error(c, "iamRole", SPEC_AT_VALUE, "'%s' is not a role name or ARN: %s",
		                  s, why.data);
	} else {
		out->iam_role = xstrdup(s);
	}
out:
	buf_release(&why);
}

static void check_bucket(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf why = BUF_INIT;
	struct awsname_arn arn;
	const char *s = spec_config_string(c, "bucket", v), *name = s;

	if (!s)
		return;
	memset(&arn, 0, sizeof(arn));
	if (strncmp(s, "arn:", 4) == 0) {
		if (awsname_arn_parse(&arn, s) < 0 || strcmp(arn.service, "s3") != 0 ||
		    *arn.region || *arn.account) {
			spec_config_error(
			    c, "bucket", SPEC_AT_VALUE,
			    "'%s' is not a bucket ARN: bucket ARNs look like 'arn:aws:s3:::NAME'",
			    s);
			goto out;
		}
		if (strchr(arn.resource, '/')) {
			spec_config_error(
			    c, "bucket", SPEC_AT_VALUE,
			    "'%s' names a key prefix; give the bucket alone and the prefix in "
			    "\"prefix\"",
			    s);
			goto out;
		}
		name = arn.resource;
	}
	if (awsname_bucket(name, &why) < 0)
		spec_config_error(c, "bucket", SPEC_AT_VALUE, "'%s' is not a bucket name: %s", name,
		                  why.data);
	else
		out->bucket = xstrdup(name);
out:
	awsname_arn_release(&arn);
	buf_release(&why);
}

static void check_prefix(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	const char *s = spec_config_string(c, "prefix", v);
	char *sample;
	size_t n;

	if (!s)
		return;
	if (s[0] == '/') {
		spec_config_error(c, "prefix", SPEC_AT_VALUE,
		                  "'%s' begins with '/'; S3 key prefixes do not", s);
		return;
	}
	if (strncmp(s, "AWSLogs", 7) == 0) {
		spec_config_error(
		    c, "prefix", SPEC_AT_VALUE,
		    "'%s' begins with AWSLogs, which flow logs add themselves after the prefix", s);
		return;
	}
	if (!(sample = expand_sample(c, "prefix", s)))
		return;
	n = strspn(sample, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                   "!-_.*'()/");
	if (sample[n])
		spec_config_error(
		    c, "prefix", SPEC_AT_VALUE,
		    "'%s' holds '%c'; key prefixes hold only letters, digits and ! - _ . * ' ( ) /",
		    s, sample[n]);
	else if (strlen(sample) > 512)
		spec_config_error(c, "prefix", SPEC_AT_VALUE, "is longer than 512 characters");
	else if (strstr(s, "//"))
		spec_config_error(c, "prefix", SPEC_AT_VALUE,
		                  "'%s' holds an empty folder name ('//')", s);
	else {
		out->prefix = xstrdup(s);
		n = strlen(out->prefix);
		while (n && out->prefix[n - 1] == '/')
			out->prefix[--n] = '\0';
	}
	free(sample);
}

static void check_delivery_stream(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf why = BUF_INIT;
	struct awsname_arn arn;
	const char *s = spec_config_string(c, "deliveryStream", v), *name = s;

	if (!s)
		return;
	memset(&arn, 0, sizeof(arn));
	if (strncmp(s, "arn:", 4) == 0) {
		if (awsname_arn_parse(&arn, s) < 0 || strcmp(arn.service, "firehose") != 0 ||
		    awsname_region(arn.region, &why) < 0 || !account_id(arn.account) ||
		    strncmp(arn.resource, "deliverystream/", 15) != 0) {
			spec_config_error(c, "deliveryStream", SPEC_AT_VALUE,
			                  "'%s' is not a stream ARN: stream ARNs look like "
			                  "'arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME'",
			                  s);
			goto out;
		}
		name = arn.resource + 15;
		if (out->regions_kind == SPEC_REGIONS_ALL) {
			spec_config_error(
			    c, "deliveryStream", SPEC_AT_VALUE,
			    "'%s' is a stream in %s, but regions is \"all\"; give a stream name to "
			    "use the stream of that name in each region",
			    s, arn.region);
			goto out;
		}
		for (size_t i = 0; i < out->regions.n; i++)
			if (strcmp(out->regions.v[i], arn.region) != 0) {
				spec_config_error(
				    c, "deliveryStream", SPEC_AT_VALUE,
				    "'%s' is a stream in %s, but regions lists %s; flow logs "
				    "deliver to a stream in their own region",
				    s, arn.region, out->regions.v[i]);
				goto out;
			}
	}
	if (awsname_firehose_stream(name, &why) < 0)
		spec_config_error(c, "deliveryStream", SPEC_AT_VALUE,
		                  "'%s' is not a stream name: %s", name, why.data);
	else
		out->delivery_stream = xstrdup(s);
out:
	awsname_arn_release(&arn);
	buf_release(&why);
}

/* Keys that only some destinations take: the destination they belong to. */
static const struct {
	const char *key;
	enum spec_destination only;
} destination_keys[] = {
    {"logGroup", SPEC_CLOUDWATCH_LOGS},
    {"iamRole", SPEC_CLOUDWATCH_LOGS},
    {"bucket", SPEC_S3},
    {"prefix", SPEC_S3},
    {"fileFormat", SPEC_S3},
    {"hiveCompatiblePartitions", SPEC_S3},
    {"perHourPartition", SPEC_S3},
    {"deliveryStream", SPEC_KINESIS_FIREHOSE},
};

/* Reports keys given for a destination that does not take them. Returns
 * the number reported. */
static int misplaced_keys(struct spec_checker *c, enum spec_destination d)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(destination_keys) / sizeof(destination_keys[0]); i++) {
		const char *key = destination_keys[i].key;

		if (!json_object_get(c->obj, key) || destination_keys[i].only == d)
			continue;
		n++;
		if (strcmp(key, "iamRole") == 0 && d == SPEC_S3)
			spec_config_error(c, key, SPEC_AT_KEY,
			                  "iamRole does not apply to S3 destinations: the bucket "
			                  "policy lets the log delivery service write");
		else if (strcmp(key, "iamRole") == 0)
			spec_config_error(
			    c, key, SPEC_AT_KEY,
			    "iamRole does not apply to KinesisFirehose destinations: "
			    "flow logs deliver to a stream of the same account without "
			    "one");
		else
			spec_config_error(
			    c, key, SPEC_AT_KEY,
			    "%s applies only to %s destinations, and destination is %s", key,
			    spec_destination_name(destination_keys[i].only),
			    spec_destination_name(d));
	}
	if (d == SPEC_KINESIS_FIREHOSE && json_object_get(c->obj, "retentionDays")) {
		n++;
		spec_config_error(
		    c, "retentionDays", SPEC_AT_KEY,
		    "retentionDays does not apply to KinesisFirehose destinations: the "
		    "stream's own destination keeps the records");
	}
	return n;
}

void spec_destination_check(struct spec_checker *c, struct spec_config *out)
{
	json_t *v;
	int i;

	misplaced_keys(c, out->destination);
	switch (out->destination) {
	case SPEC_CLOUDWATCH_LOGS:
		out->log_group = NULL;
		if ((v = json_object_get(c->obj, "logGroup")))
			check_log_group(c, v, out);
		else
			out->log_group = xstrdup(SPEC_DEFAULT_LOG_GROUP);
		if ((v = json_object_get(c->obj, "iamRole")))
			check_iam_role(c, v, out);
		else
			out->iam_role = xstrdup(SPEC_DEFAULT_IAM_ROLE);
		out->retention_days = SPEC_DEFAULT_RETENTION;
		if ((v = json_object_get(c->obj, "retentionDays")))
			check_retention(c, v, out);
		break;
	case SPEC_S3:
		out->retention_days = SPEC_DEFAULT_RETENTION;
		if ((v = json_object_get(c->obj, "retentionDays")))
			check_retention(c, v, out);
		if ((v = json_object_get(c->obj, "bucket")))
			check_bucket(c, v, out);
		else
			spec_config_error(
			    c, NULL, SPEC_AT_VALUE,
			    "an S3 destination needs \"bucket\": a bucket name or ARN");
		if ((v = json_object_get(c->obj, "prefix")))
			check_prefix(c, v, out);
		if ((v = json_object_get(c->obj, "fileFormat")) &&
		    spec_config_enum(c, "fileFormat", v, file_formats, NULL, &i) == 0)
			out->file_format = (enum spec_file_format)i;
		if ((v = json_object_get(c->obj, "hiveCompatiblePartitions")))
			spec_config_bool(c, "hiveCompatiblePartitions", v,
			                 &out->hive_compatible_partitions);
		if ((v = json_object_get(c->obj, "perHourPartition")))
			spec_config_bool(c, "perHourPartition", v, &out->per_hour_partition);
		break;
	case SPEC_KINESIS_FIREHOSE:
		if ((v = json_object_get(c->obj, "deliveryStream")))
			check_delivery_stream(c, v, out);
		else
			spec_config_error(
			    c, NULL, SPEC_AT_VALUE,
			    "a KinesisFirehose destination needs \"deliveryStream\": a stream name "
			    "or ARN");
		break;
	}
}
