/* AWS naming rules, checked offline before anything is sent: S3 buckets,
 * CloudWatch log groups, IAM roles, Firehose streams, regions, resource IDs
 * and ARNs. Each check returns 0, or -1 after appending to why what the rule
 * is (lowercase, no full stop: "bucket names are 3 to 63 characters long"). */
#ifndef VPCFLOW_ENGINE_AWSNAME_H
#define VPCFLOW_ENGINE_AWSNAME_H

#include "aws/buf.h"

int awsname_bucket(const char *name, struct buf *why);
int awsname_log_group(const char *name, struct buf *why);
int awsname_role(const char *name, struct buf *why);
int awsname_firehose_stream(const char *name, struct buf *why);
/* A region name such as "us-east-1" or "us-gov-west-1" (its form only). */
int awsname_region(const char *name, struct buf *why);
/* An EC2 ID: prefix then 8 or 17 lowercase hex digits. */
int awsname_ec2_id(const char *id, const char *prefix, struct buf *why);
/* An AWS partition name: "aws", "aws-cn", "aws-us-gov", ... */
int awsname_partition(const char *name);

/* An ARN split into its fields. The strings point into a copy owned by the
 * struct (awsname_arn_release frees it). */
struct awsname_arn {
	char *copy;
	const char *partition, *service, *region, *account, *resource;
};

/* Splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE". Returns 0, or -1
 * (out is then empty) if s is not in that form or has a bad partition. */
int awsname_arn_parse(struct awsname_arn *out, const char *s);
void awsname_arn_release(struct awsname_arn *arn);

#endif
