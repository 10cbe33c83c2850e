"""vpcflow retention show and set, against moto with signature checking on;
AWS state is read back with boto3."""

import collections
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


class RetentionRequestsTest(harness.EmulatorTestCase):
    """What retention show and set --all send: each bucket read once, however
    many regions and prefixes deliver to it, and log groups read by a few
    prefix queries, not one query each. Requests are counted through
    fault_server."""

    BUCKET_REGIONS = ["us-west-2", "eu-central-1"]
    BUCKET = "shared-flow-bucket"
    GROUP_REGION = "ap-northeast-1"
    GROUPS = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The bucket lives in the first region; flow logs of both deliver to
        # it, one of them under a prefix of its own.
        cls.emu.client("s3", cls.BUCKET_REGIONS[0]).create_bucket(
            Bucket=cls.BUCKET,
            CreateBucketConfiguration={"LocationConstraint": cls.BUCKET_REGIONS[0]})
        cls.bucket_logs = collections.defaultdict(set)  # key prefix -> flow log IDs
        for region in cls.BUCKET_REGIONS:
            ec2 = cls.emu.client("ec2", region)
            vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
            ids = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC",
                                       TrafficType="ALL", LogDestinationType="s3",
                                       LogDestination="arn:aws:s3:::" + cls.BUCKET)["FlowLogIds"]
            cls.bucket_logs["AWSLogs/"].update(ids)
        # moto takes no S3 destination with a key prefix: the second region
        # answers DescribeFlowLogs with its flow log and one more, under
        # "team/" (flow_log_rules).
        cls.team_flow_log = "fl-0123456789abcdef0"
        cls.bucket_logs["team/AWSLogs/"].add(cls.team_flow_log)
        # A log group per VPC; every fourth is missing, every third keeps
        # its events 30 days.
        ec2 = cls.emu.client("ec2", cls.GROUP_REGION)
        logs = cls.emu.client("logs", cls.GROUP_REGION)
        cls.groups = {}  # name -> retention, or "missing"
        for i in range(cls.GROUPS):
            vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
            group = "/aws/vpc-flow-logs/" + vpc
            cls.groups[group] = "missing"
            if i % 4:
                logs.create_log_group(logGroupName=group)
                cls.groups[group] = None
                if i % 3 == 0:
                    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
                    cls.groups[group] = 30
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogGroupName=group, DeliverLogsPermissionArn=ROLE)
        logs.create_log_group(logGroupName="/aws/vpc-flow-logs/not-a-destination")

    def flow_log_rules(self):
        """fault_server rules that add the flow log under "team/" to the
        second region's DescribeFlowLogs answer."""
        region = self.BUCKET_REGIONS[1]
        item = ("<item><flowLogId>%s</flowLogId><resourceId>%s</resourceId>"
                "<trafficType>ALL</trafficType><logDestinationType>s3</logDestinationType>"
                "<logDestination>arn:aws:s3:::%s%s</logDestination>"
                "<deliverLogsStatus>SUCCESS</deliverLogsStatus>"
                "<flowLogStatus>ACTIVE</flowLogStatus></item>")
        items = [item % (fl["FlowLogId"], fl["ResourceId"], self.BUCKET, "")
                 for fl in self.emu.client("ec2", region).describe_flow_logs()["FlowLogs"]]
        items.append(item % (self.team_flow_log, "vpc-0123456789abcdef0",
                             self.BUCKET, "/team/"))
        answer = ('<DescribeFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                  '<requestId>r-1</requestId><flowLogSet>%s</flowLogSet>'
                  '</DescribeFlowLogsResponse>' % "".join(items))
        return [{"match": {"action": "DescribeFlowLogs",
                           "header_contains": ["Authorization", "/%s/" % region]},
                 "body": answer, "times": -1}]

    def counted(self, *args, code=0, rules=()):
        """Runs vpcflow through fault_server (rules first): the JSON it
        printed, and the requests sent by operation ("DescribeLogGroups",
        "GET location", "PUT lifecycle", ...)."""
        rules = list(rules) + self.flow_log_rules()
        with fault_server.Process(rules, upstream=self.emu.url) as fs:
            env = self.emu.env(home=self.home, AWS_ENDPOINT_URL=fs.url)
            proc = self.run_vpcflow(*args, "--output", "json", env=env)
            counts = collections.Counter()
            for req in fs.requests():
                if req["service"] == "s3":
                    query = req["path"].partition("?")[2]
                    op = "%s %s" % (req["method"], query.split("=")[0] or "bucket")
                else:
                    op = req["action"] or req["target"].split(".")[-1]
                counts[op] += 1
        self.assertEqual(proc.returncode, code, proc.stderr)
        return json.loads(proc.stdout), counts

    def test_show_reads_a_shared_bucket_once(self):
        doc, counts = self.counted("retention", "show", "--regions",
                                   ",".join(self.BUCKET_REGIONS))
        self.assertEqual(doc["errors"], [])
        rows = [d for d in doc["destinations"] if d["name"] == self.BUCKET]
        # One row per prefix, not per region, with the flow logs of both
        # regions, in the bucket's own region.
        self.assertEqual(sorted(d["prefix"] for d in rows), sorted(self.bucket_logs))
        for d in rows:
            self.assertEqual(set(d["flowLogIds"]), self.bucket_logs[d["prefix"]])
            self.assertEqual(d["region"], self.BUCKET_REGIONS[0])
            self.assertTrue(d["exists"])
        self.assertEqual(counts["GET location"], 1, counts)
        self.assertEqual(counts["GET lifecycle"], 1, counts)

    def test_set_all_reads_each_bucket_once(self):
        doc, counts = self.counted("retention", "set", "60", "--all", "--yes", "--regions",
                                   ",".join(self.BUCKET_REGIONS))
        changes = [c for c in doc["changes"] if c["name"] == self.BUCKET]
        self.assertEqual(sorted(c["prefix"] for c in changes), sorted(self.bucket_logs))
        self.assertEqual({c["status"] for c in changes}, {"changed"})
        rules = self.emu.client("s3").get_bucket_lifecycle_configuration(
            Bucket=self.BUCKET)["Rules"]
        self.assertEqual(sorted((r["Filter"]["Prefix"], r["Expiration"]["Days"])
                                for r in rules),
                         [("AWSLogs/", 60), ("team/AWSLogs/", 60)])
        # Read once to plan; then each change reads the rules it merges into
        # and writes them back.
        self.assertEqual(counts["GET location"], 1, counts)
        self.assertEqual(counts["PUT lifecycle"], len(changes), counts)
        self.assertEqual(counts["GET lifecycle"], 1 + len(changes), counts)

    def test_log_groups_read_by_prefix(self):
        doc, counts = self.counted("retention", "show", "--regions", self.GROUP_REGION)
        self.assertEqual(doc["errors"], [])
        got = {d["name"]: d for d in doc["destinations"]}
        self.assertEqual(set(got), set(self.groups))
        # The truth, through boto3 (test_set_all_log_groups_by_prefix may
        # have changed it).
        existing = {}
        logs = self.emu.client("logs", self.GROUP_REGION)
        for page in logs.get_paginator("describe_log_groups").paginate():
            for g in page["logGroups"]:
                existing[g["logGroupName"]] = g.get("retentionInDays")
        for name, days in self.groups.items():
            self.assertEqual(got[name]["exists"], days != "missing", name)
            self.assertEqual(got[name]["retentionDays"], existing.get(name), name)
        # The names share their prefix: far fewer queries than log groups.
        self.assertGreaterEqual(counts["DescribeLogGroups"], 1, counts)
        self.assertLessEqual(counts["DescribeLogGroups"], 4, counts)

    def test_log_group_read_failure_named_once(self):
        denied = {"match": {"target": "DescribeLogGroups"}, "status": 400, "times": -1,
                  "json": {"__type": "AccessDeniedException", "message": "not allowed"}}
        doc, counts = self.counted("retention", "show", "--regions", self.GROUP_REGION,
                                   code=1, rules=[denied])
        # The log groups whose retention is unknown are left out, not shown
        # as never expiring; the failed query is reported once.
        self.assertEqual(doc["destinations"], [])
        self.assertEqual(len(doc["errors"]), 1, doc["errors"])
        self.assertEqual(doc["errors"][0]["region"], self.GROUP_REGION)
        self.assertIn("log groups", doc["errors"][0]["message"])
        self.assertIn("AccessDenied", doc["errors"][0]["message"])

    def test_set_all_log_groups_by_prefix(self):
        doc, counts = self.counted("retention", "set", "7", "--all", "--yes", "--regions",
                                   self.GROUP_REGION)
        present = sorted(g for g, days in self.groups.items() if days != "missing")
        self.assertEqual(sorted(c["name"] for c in doc["changes"]), present)
        logs = self.emu.client("logs", self.GROUP_REGION)
        for page in logs.get_paginator("describe_log_groups").paginate():
            for g in page["logGroups"]:
                want = 7 if g["logGroupName"] in self.groups else None
                self.assertEqual(g.get("retentionInDays"), want, g["logGroupName"])
        self.assertLessEqual(counts["DescribeLogGroups"], 4, counts)
        self.assertEqual(counts["PutRetentionPolicy"], len(present), counts)


if __name__ == "__main__":
    unittest.main()
