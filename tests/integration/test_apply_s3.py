"""vpcflow apply with an S3 destination, against moto: the bucket vpcflow
makes (public access block, encryption, the delivery policy, the lifecycle
rule, tags), an existing bucket whose other statements and rules survive, and
the file options (checked in the request log: moto ignores DestinationOptions
and reports a destination with a key prefix as a missing bucket, DESIGN.md
section 6)."""

import json
import unittest
import urllib.parse

import harness
from apply_support import Proxied, flow_logs, is_change, operation, operations, write_spec

ACCOUNT = harness.ACCOUNT_ID
REGION = "us-east-1"


def statements(s3, bucket):
    return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]


class S3Test(harness.EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.ec2 = self.emu.client("ec2", REGION)
        self.s3 = self.emu.client("s3", REGION)
        self.vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def spec(self, bucket, **extra):
        config = {"resourceType": "VPC", "resourceIds": [self.vpc], "destination": "S3",
                  "bucket": bucket, "retentionDays": 30}
        config.update(extra)
        return write_spec(self.home, {"flowLogConfig": config})

    def apply(self, spec, *args):
        proc = self.run_vpcflow("apply", spec, "--yes", *args)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc

    def test_new_bucket(self):
        bucket = "vpcflow-new-bucket"
        self.apply(self.spec(bucket, tags={"team": "network"}))

        pab = self.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        self.assertEqual(pab, {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                               "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        rules = self.s3.get_bucket_encryption(Bucket=bucket)[
            "ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                         "AES256")
        tagset = {t["Key"]: t["Value"] for t in
                  self.s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
        self.assertEqual(tagset, {"vpcflow:managed": "true", "team": "network"})

        by_sid = {s["Sid"]: s for s in statements(self.s3, bucket)}
        write = by_sid["AWSLogDeliveryWrite"]
        self.assertEqual(write["Principal"], {"Service": "delivery.logs.amazonaws.com"})
        self.assertEqual(write["Action"], "s3:PutObject")
        self.assertEqual(write["Resource"], "arn:aws:s3:::%s/AWSLogs/%s/*" % (bucket, ACCOUNT))
        self.assertEqual(write["Condition"]["StringEquals"]["aws:SourceAccount"], ACCOUNT)
        self.assertEqual(write["Condition"]["ArnLike"]["aws:SourceArn"],
                         "arn:aws:logs:*:%s:*" % ACCOUNT)
        check = by_sid["AWSLogDeliveryAclCheck"]
        self.assertEqual(check["Resource"], "arn:aws:s3:::" + bucket)
        self.assertEqual(check["Condition"]["StringEquals"]["aws:SourceAccount"], ACCOUNT)

        [rule] = self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        self.assertEqual(rule["Expiration"]["Days"], 30)
        self.assertEqual(rule["Status"], "Enabled")
        self.assertEqual(rule["Filter"]["Prefix"], "AWSLogs/")

        [fl] = flow_logs(self.emu, REGION, [self.vpc])
        self.assertEqual(fl["LogDestinationType"], "s3")
        self.assertEqual(fl["LogDestination"], "arn:aws:s3:::" + bucket)
        self.assertNotIn("DeliverLogsPermissionArn", fl)
        self.assertEqual(self.emu.client("iam").list_roles()["Roles"], [])

    def test_existing_bucket_keeps_its_statements_and_rules(self):
        bucket = "vpcflow-existing-bucket"
        self.s3.create_bucket(Bucket=bucket)
        theirs = {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*",
                  "Action": "s3:*", "Resource": "arn:aws:s3:::%s/*" % bucket,
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [theirs]}))
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={
            "Rules": [{"ID": "tmp-cleanup", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                       "Expiration": {"Days": 3}}]})
        spec = self.spec(bucket)

        proc = self.run_vpcflow("plan", spec)
        self.assertIn("~ update policy of bucket %s" % bucket, proc.stdout)
        self.assertIn("~ update lifecycle of bucket %s" % bucket, proc.stdout)
        self.assertNotIn("create bucket", proc.stdout)
        self.apply(spec)

        got = statements(self.s3, bucket)
        self.assertIn(theirs, got)
        self.assertEqual(sorted(s["Sid"] for s in got),
                         ["AWSLogDeliveryAclCheck", "AWSLogDeliveryWrite", "DenyInsecure"])
        rules = {r["ID"]: r for r in
                 self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
        self.assertEqual(sorted(rules), ["tmp-cleanup", "vpcflow-expire"])
        self.assertEqual(rules["tmp-cleanup"]["Expiration"]["Days"], 3)
        self.assertEqual(rules["tmp-cleanup"]["Filter"]["Prefix"], "tmp/")
        with self.assertRaises(self.s3.exceptions.ClientError):
            self.s3.get_public_access_block(Bucket=bucket)  # not vpcflow's to change

        # Applied again: nothing to do, nothing duplicated.
        with Proxied(self) as px:
            proc = px.run("apply", spec, "--yes")
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("No changes", proc.stdout)
        self.assertEqual(changes, [])
        self.assertEqual(len(statements(self.s3, bucket)), 3)
        self.assertEqual(len(flow_logs(self.emu, REGION, [self.vpc])), 1)

    def test_file_options_and_prefix_reach_the_request(self):
        bucket = "vpcflow-parquet-bucket"
        answer = ("<CreateFlowLogsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                  "<requestId>1</requestId><flowLogIdSet><item>fl-0123456789abcdef0</item>"
                  "</flowLogIdSet><unsuccessful/></CreateFlowLogsResponse>")
        spec = self.spec(bucket, prefix="flows/${region}", fileFormat="parquet",
                         hiveCompatiblePartitions=True, perHourPartition=True,
                         retentionDays=400)
        with Proxied(self, [{"match": {"action": "CreateFlowLogs"}, "body": answer}]) as px:
            proc = px.run("apply", spec, "--yes")
            [create] = operations(px.requests(), "CreateFlowLogs")
            iam = [operation(r) for r in px.requests() if "iam" in r["headers"].get(
                "Authorization", "")]
        self.assertEqual(proc.returncode, 0, proc.stderr)
        params = dict(urllib.parse.parse_qsl(create["body"]))
        self.assertEqual(params["DestinationOptions.FileFormat"], "parquet")
        self.assertEqual(params["DestinationOptions.HiveCompatiblePartitions"], "true")
        self.assertEqual(params["DestinationOptions.PerHourPartition"], "true")
        self.assertEqual(params["LogDestinationType"], "s3")
        self.assertEqual(params["LogDestination"],
                         "arn:aws:s3:::%s/flows/%s" % (bucket, REGION))
        self.assertEqual(params["ResourceId.1"], self.vpc)
        self.assertTrue(params["ClientToken"].startswith("vpcflow-"))
        self.assertNotIn("DeliverLogsPermissionArn", params)
        self.assertEqual(iam, [])
        [rule] = self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        self.assertEqual(rule["Filter"]["Prefix"], "flows/%s/AWSLogs/" % REGION)
        self.assertEqual(rule["Expiration"]["Days"], 400)
        by_sid = {s["Sid"]: s for s in statements(self.s3, bucket)}
        self.assertEqual(by_sid["AWSLogDeliveryWrite"]["Resource"],
                         "arn:aws:s3:::%s/flows/%s/AWSLogs/%s/*" % (bucket, REGION, ACCOUNT))


class UntaggedBucketTest(harness.EmulatorTestCase):
    """s3:PutBucketTagging denied: the bucket is made but cannot carry
    vpcflow's tag, and a later plan cannot tell it from a bucket of someone
    else's. The failure says so and how to go on; each way it names ends with
    the bucket set up, tagged and deleted by destroy --destinations."""

    def setUp(self):
        super().setUp()
        self.iam = self.emu.client("iam")
        self.vpc = self.emu.client("ec2", REGION).create_vpc(
            CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.user = "no-tagging-%s" % self.id().rsplit("_", 1)[-1]
        self.iam.create_user(UserName=self.user)
        self.allow_tagging(False)
        key = self.iam.create_access_key(UserName=self.user)["AccessKey"]
        self.keys = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                     "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    def allow_tagging(self, allowed):
        statements = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        if not allowed:
            statements.append({"Effect": "Deny", "Action": "s3:PutBucketTagging",
                               "Resource": "*"})
        self.iam.put_user_policy(UserName=self.user, PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))

    def run_as_user(self, *args):
        env = self.emu.env(region=REGION, home=self.home)
        env.update(self.keys)
        return self.run_vpcflow(*args, env=env)

    def tags(self, bucket):
        try:
            return {t["Key"]: t["Value"] for t in
                    self.emu.client("s3").get_bucket_tagging(Bucket=bucket)["TagSet"]}
        except self.emu.client("s3").exceptions.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "NoSuchTagSet")
            return {}

    def apply_denied(self, bucket):
        """The apply whose tagging is denied; returns the spec."""
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [self.vpc], "destination": "S3",
            "bucket": bucket, "tags": {"team": "network"}}})
        proc = self.run_as_user("apply", spec, "--yes")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("vpcflow: apply: create bucket '%s' (region %s): bucket %s was created "
                      "but it could not be tagged (it needs s3:PutBucketTagging): "
                      "PutBucketTagging: AccessDenied" % (bucket, REGION, bucket), proc.stderr)
        self.assertIn("without the tag vpcflow:managed=true a later apply takes it for a "
                      "bucket vpcflow did not make, and destroy --destinations keeps it: once "
                      "s3:PutBucketTagging is allowed, delete the empty bucket (aws s3api "
                      "delete-bucket --bucket %s) and run apply again, which makes it afresh, "
                      "or tag it yourself (aws s3api put-bucket-tagging --bucket %s --tagging "
                      "'TagSet=[{Key=vpcflow:managed,Value=true}]') and run apply again"
                      % (bucket, bucket), proc.stderr)
        self.emu.client("s3").head_bucket(Bucket=bucket)
        self.assertEqual(self.tags(bucket), {})
        self.assertEqual(flow_logs(self.emu, REGION, [self.vpc]), [])
        self.allow_tagging(True)
        return spec

    def finish(self, spec, bucket, want_tags):
        proc = self.run_as_user("apply", spec, "--yes")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(self.tags(bucket), want_tags)
        [fl] = flow_logs(self.emu, REGION, [self.vpc])
        self.assertEqual(fl["LogDestination"], "arn:aws:s3:::" + bucket)
        proc = self.run_as_user("destroy", spec, "--yes", "--destinations")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertNotIn(bucket, [b["Name"] for b in
                                  self.emu.client("s3").list_buckets()["Buckets"]])

    def test_deleted_and_made_again(self):
        bucket = "vpcflow-untagged-deleted"
        spec = self.apply_denied(bucket)
        self.emu.client("s3").delete_bucket(Bucket=bucket)
        self.finish(spec, bucket, {"vpcflow:managed": "true", "team": "network"})

    def test_tagged_by_hand(self):
        bucket = "vpcflow-untagged-tagged"
        spec = self.apply_denied(bucket)
        self.emu.client("s3").put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
            {"Key": "vpcflow:managed", "Value": "true"}]})
        self.finish(spec, bucket, {"vpcflow:managed": "true"})


if __name__ == "__main__":
    unittest.main()
