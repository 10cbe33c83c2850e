"""vpcflow retention show and set, against moto with signature checking on;
AWS state is read back with boto3."""

import json
import os
import sys
import unittest

import harness

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
import fault_server  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1"]
ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % harness.ACCOUNT_ID
# A rule of the bucket's owner that vpcflow must keep as it is.
OTHER_RULE = {
    "ID": "archive-tmp",
    "Status": "Enabled",
    "Filter": {"Prefix": "tmp/"},
    "Expiration": {"Days": 7},
    "Transitions": [{"Days": 1, "StorageClass": "STANDARD_IA"}],
}


class RetentionTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_logs = {}  # destination name -> set of flow log IDs
        for i, region in enumerate(REGIONS):
            ec2 = cls.emu.client("ec2", region)
            logs = cls.emu.client("logs", region)
            vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % k)["Vpc"]["VpcId"]
                    for k in range(2)]
            group = "flows-%s" % region
            logs.create_log_group(logGroupName=group)
            if i == 0:
                logs.put_retention_policy(logGroupName=group, retentionInDays=14)
            ids = ec2.create_flow_logs(ResourceIds=vpcs, ResourceType="VPC",
                                       TrafficType="ALL", LogGroupName=group,
                                       DeliverLogsPermissionArn=ROLE)["FlowLogIds"]
            cls.flow_logs[group] = set(ids)
        s3 = cls.emu.client("s3")
        s3.create_bucket(Bucket="flow-bucket")
        s3.put_bucket_lifecycle_configuration(
            Bucket="flow-bucket", LifecycleConfiguration={"Rules": [OTHER_RULE]})
        ec2 = cls.emu.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        ids = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT",
                                   LogDestinationType="s3",
                                   LogDestination="arn:aws:s3:::flow-bucket")["FlowLogIds"]
        cls.flow_logs["flow-bucket"] = set(ids)

    def vpcflow_json(self, *args, code=0, env=None):
        proc = self.run_vpcflow(*args, "--output", "json", env=env)
        self.assertEqual(proc.returncode, code, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        return doc

    def group_retention(self, name, region="us-east-1"):
        groups = self.emu.client("logs", region).describe_log_groups(
            logGroupNamePrefix=name)["logGroups"]
        group = [g for g in groups if g["logGroupName"] == name][0]
        return group.get("retentionInDays")

    def bucket_rules(self, bucket):
        s3 = self.emu.client("s3")
        try:
            return s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        except s3.exceptions.ClientError as e:
            if e.response["Error"]["Code"] == "NoSuchLifecycleConfiguration":
                return []
            raise

    def test_show_lists_every_destination_with_retention(self):
        doc = self.vpcflow_json("retention", "show", "--regions", ",".join(REGIONS))
        self.assertEqual(doc["errors"], [])
        got = {d["name"]: d for d in doc["destinations"]}
        self.assertEqual(set(got), set(self.flow_logs))
        for name, ids in self.flow_logs.items():
            self.assertEqual(set(got[name]["flowLogIds"]), ids)
            self.assertTrue(got[name]["exists"])
        for region in REGIONS:
            name = "flows-%s" % region
            self.assertEqual(got[name]["type"], "cloud-watch-logs")
            self.assertEqual(got[name]["region"], region)
            self.assertEqual(got[name]["retentionDays"], self.group_retention(name, region))
        bucket = got["flow-bucket"]
        self.assertEqual(bucket["type"], "s3")
        self.assertEqual(bucket["prefix"], "AWSLogs/")
        # The owner's rule covers tmp/ only: flow-log objects never expire.
        self.assertIsNone(bucket["retentionDays"])

    def test_show_table(self):
        proc = self.run_vpcflow("retention", "show")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split()[:4], ["REGION", "TYPE", "DESTINATION", "RETENTION"])
        row = [ln for ln in lines if "flows-us-east-1" in ln][0]
        self.assertIn("%d days" % self.group_retention("flows-us-east-1"), row)
        row = [ln for ln in lines if "flow-bucket" in ln][0]
        self.assertIn("s3://flow-bucket/AWSLogs/", row)
        self.assertIn("no expiration", row)

    def test_set_and_unset_log_group(self):
        logs = self.emu.client("logs")
        logs.create_log_group(logGroupName="set-me")
        proc = self.run_vpcflow("retention", "set", "30", "--log-group", "set-me")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("set-me", proc.stdout)
        self.assertEqual(self.group_retention("set-me"), 30)
        doc = self.vpcflow_json("retention", "set", "never", "--log-group", "set-me")
        self.assertEqual([(c["name"], c["fromDays"], c["toDays"], c["status"])
                          for c in doc["changes"]], [("set-me", 30, None, "changed")])
        self.assertIsNone(self.group_retention("set-me"))
        doc = self.vpcflow_json("retention", "set", "never", "--log-group", "set-me")
        self.assertEqual(doc["changes"][0]["status"], "unchanged")

    def test_bucket_rule_merged_and_others_kept(self):
        s3 = self.emu.client("s3")
        s3.create_bucket(Bucket="merge-bucket")
        s3.put_bucket_lifecycle_configuration(
            Bucket="merge-bucket", LifecycleConfiguration={"Rules": [OTHER_RULE]})
        before = self.bucket_rules("merge-bucket")
        proc = self.run_vpcflow("retention", "set", "400", "--bucket", "merge-bucket",
                                "--prefix", "team/", "--yes")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rules = {r["ID"]: r for r in self.bucket_rules("merge-bucket")}
        self.assertEqual(rules["archive-tmp"], before[0])
        ours = [r for rid, r in rules.items() if rid != "archive-tmp"]
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0]["Expiration"], {"Days": 400})
        self.assertEqual(ours[0]["Filter"]["Prefix"], "team/AWSLogs/")
        self.assertEqual(ours[0]["Status"], "Enabled")
        # Again with another number: the same rule changes, nothing is added.
        proc = self.run_vpcflow("retention", "set", "42", "--bucket", "merge-bucket",
                                "--prefix", "team")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rules = self.bucket_rules("merge-bucket")
        self.assertEqual(len(rules), 2)
        self.assertEqual({r["ID"]: r.get("Expiration") for r in rules}[ours[0]["ID"]],
                         {"Days": 42})
        proc = self.run_vpcflow("retention", "set", "never", "--bucket", "merge-bucket",
                                "--prefix", "team/")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.bucket_rules("merge-bucket"), before)

    def test_bucket_rule_written_by_apply_is_updated_in_place(self):
        # The rule apply writes for a bucket with the prefix "team/".
        s3 = self.emu.client("s3")
        s3.create_bucket(Bucket="applied-bucket")
        s3.put_bucket_lifecycle_configuration(
            Bucket="applied-bucket", LifecycleConfiguration={"Rules": [{
                "ID": "vpcflow-expire-team", "Status": "Enabled",
                "Filter": {"Prefix": "team/AWSLogs/"}, "Expiration": {"Days": 365}}]})
        proc = self.run_vpcflow("retention", "set", "30", "--bucket", "applied-bucket",
                                "--prefix", "team/", "--yes")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rules = self.bucket_rules("applied-bucket")
        self.assertEqual([(r["ID"], r["Expiration"]) for r in rules],
                         [("vpcflow-expire-team", {"Days": 30})])

    def test_bucket_without_lifecycle_gets_one_and_loses_it(self):
        s3 = self.emu.client("s3")
        s3.create_bucket(Bucket="bare-bucket")
        proc = self.run_vpcflow("retention", "set", "10", "--bucket", "bare-bucket")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rules = self.bucket_rules("bare-bucket")
        self.assertEqual([(r["Filter"]["Prefix"], r["Expiration"]["Days"]) for r in rules],
                         [("AWSLogs/", 10)])
        proc = self.run_vpcflow("retention", "set", "never", "--bucket", "bare-bucket")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.bucket_rules("bare-bucket"), [])

    def test_all_sets_every_destination(self):
        region = "ap-southeast-2"
        ec2 = self.emu.client("ec2", region)
        logs = self.emu.client("logs", region)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % k)["Vpc"]["VpcId"] for k in range(3)]
        for k, vpc in enumerate(vpcs):
            logs.create_log_group(logGroupName="all-%d" % k)
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogGroupName="all-%d" % k, DeliverLogsPermissionArn=ROLE)
        logs.create_log_group(logGroupName="not-a-destination")
        doc = self.vpcflow_json("retention", "set", "90", "--all", "--regions", region)
        self.assertEqual({c["name"] for c in doc["changes"]}, {"all-0", "all-1", "all-2"})
        for k in range(3):
            self.assertEqual(self.group_retention("all-%d" % k, region), 90)
        self.assertIsNone(self.group_retention("not-a-destination", region))

    def test_disallowed_cloudwatch_value_sends_nothing(self):
        with fault_server.Process([], upstream=self.emu.url) as fs:
            env = self.emu.env(home=self.home, AWS_ENDPOINT_URL=fs.url)
            proc = self.run_vpcflow("retention", "set", "42", "--log-group",
                                    "flows-us-east-1", env=env)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("42 is not a CloudWatch retention period; the nearest allowed are "
                          "30 and 60", proc.stderr)
            proc = self.run_vpcflow("retention", "set", "5000", "--all", env=env)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("nearest allowed is 3653", proc.stderr)
            self.assertEqual(fs.requests(), [])
        self.assertEqual(self.group_retention("flows-us-east-1"), 14)

    def test_missing_log_group_is_named(self):
        proc = self.run_vpcflow("retention", "set", "30", "--log-group", "flows-us-east-1",
                                "--log-group", "no-such-group")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("'no-such-group' does not exist", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        # Nothing was changed, not even the group that exists.
        self.assertEqual(self.group_retention("flows-us-east-1"), 14)

    def test_missing_bucket_is_named(self):
        proc = self.run_vpcflow("retention", "set", "30", "--bucket", "no-such-bucket")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no-such-bucket", proc.stderr)

    def test_usage_errors(self):
        cases = [
            (["retention"], "show"),
            (["retention", "list"], "'list' is not a retention subcommand"),
            (["retention", "set", "30"], "--log-group"),
            (["retention", "set", "thirty", "--log-group", "x"], "'thirty' is not a retention"),
            (["retention", "set", "0", "--log-group", "x"], "'0' is not a retention"),
            (["retention", "set", "30", "--log-group", "x", "--all"], "one of them"),
            (["retention", "set", "30", "--log-group", "x", "--prefix", "p"],
             "--prefix goes with --bucket"),
            (["retention", "show", "--all"], "show takes only --regions"),
        ]
        for argv, message in cases:
            with self.subTest(argv=argv):
                proc = self.run_vpcflow(*argv)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(message, proc.stderr)


if __name__ == "__main__":
    unittest.main()
