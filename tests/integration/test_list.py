"""vpcflow list, help and the global options, against moto with signature
checking on; AWS state is read back with boto3."""

import csv
import io
import json
import unittest

import harness

REGIONS = ["us-east-1", "eu-west-1"]
ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % harness.ACCOUNT_ID


class ListTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expected = {}
        for n, region in enumerate(REGIONS):
            ec2 = cls.emu.client("ec2", region)
            logs = cls.emu.client("logs", region)
            vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                    for i in range(3)]
            logs.create_log_group(logGroupName="fl-%s" % region)
            ec2.create_flow_logs(ResourceIds=vpcs[:2], ResourceType="VPC", TrafficType="ALL",
                                 LogGroupName="fl-%s" % region, DeliverLogsPermissionArn=ROLE)
            ec2.create_flow_logs(ResourceIds=vpcs[2:], ResourceType="VPC",
                                 TrafficType="REJECT", LogGroupName="missing-%d" % n,
                                 DeliverLogsPermissionArn=ROLE)
        for region in REGIONS:
            for fl in cls.emu.client("ec2", region).describe_flow_logs()["FlowLogs"]:
                cls.expected[fl["FlowLogId"]] = (region, fl)

    def list_json(self, *args):
        proc = self.run_vpcflow("list", "--output", "json", *args)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        return doc

    def test_json_matches_aws_in_every_region(self):
        doc = self.list_json("--regions", ",".join(REGIONS))
        self.assertEqual(doc["errors"], [])
        got = {fl["flowLogId"]: fl for fl in doc["flowLogs"]}
        self.assertEqual(set(got), set(self.expected))
        for fl_id, (region, fl) in self.expected.items():
            ours = got[fl_id]
            self.assertEqual(ours["region"], region)
            self.assertEqual(ours["resourceId"], fl["ResourceId"])
            self.assertEqual(ours["trafficType"], fl["TrafficType"])
            self.assertEqual(ours["destination"], fl.get("LogDestination") or fl["LogGroupName"])
            self.assertEqual(ours["deliverLogsStatus"], fl.get("DeliverLogsStatus"))
            self.assertEqual(ours["logFormat"], fl.get("LogFormat"))

    def test_default_region_comes_from_environment(self):
        doc = self.list_json()
        regions = {fl["region"] for fl in doc["flowLogs"]}
        self.assertEqual(regions, {"us-east-1"})

    def test_region_flag_beats_environment(self):
        doc = self.list_json("--region", "eu-west-1")
        self.assertEqual({fl["region"] for fl in doc["flowLogs"]}, {"eu-west-1"})

    def test_resource_filter(self):
        fl_id, (region, fl) = sorted(self.expected.items())[0]
        doc = self.list_json("--regions", region, "--resource", fl["ResourceId"])
        self.assertEqual([x["flowLogId"] for x in doc["flowLogs"]], [fl_id])

    def test_all_regions(self):
        doc = self.list_json("--regions", "all")
        self.assertEqual({x["flowLogId"] for x in doc["flowLogs"]}, set(self.expected))

    def test_table_and_csv(self):
        proc = self.run_vpcflow("list", "--regions", ",".join(REGIONS))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split()[:3], ["REGION", "FLOW", "LOG"])
        self.assertEqual(len(lines), 1 + len(self.expected))
        for fl_id in self.expected:
            self.assertIn(fl_id, proc.stdout)
        proc = self.run_vpcflow("list", "--regions", ",".join(REGIONS), "--output", "csv")
        rows = list(csv.reader(io.StringIO(proc.stdout)))
        self.assertEqual(rows[0], ["REGION", "FLOW LOG", "RESOURCE", "TRAFFIC",
                                   "DESTINATION", "STATUS"])
        self.assertEqual({r[1] for r in rows[1:]}, set(self.expected))

    def test_wrong_secret_is_one_line_naming_the_operation(self):
        env = self.emu.env(home=self.home, AWS_SECRET_ACCESS_KEY="not-the-secret")
        proc = self.run_vpcflow("list", env=env)
        self.assertEqual(proc.returncode, 1)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn("DescribeFlowLogs", lines[0])
        self.assertIn("AuthFailure", lines[0])
        self.assertNotIn("not-the-secret", proc.stderr + proc.stdout)

    def test_sts_wrong_secret_names_signature_mismatch(self):
        env = self.emu.env(home=self.home, AWS_SECRET_ACCESS_KEY="not-the-secret")
        proc = self.run_tool("rawcall", "query", "sts", "us-east-1", "GetCallerIdentity",
                             env=env)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("SignatureDoesNotMatch", proc.stdout + proc.stderr)
        self.assertIn("GetCallerIdentity", proc.stdout + proc.stderr)

    def test_unreachable_endpoint_is_exit_1(self):
        env = self.emu.env(home=self.home, AWS_ENDPOINT_URL="http://127.0.0.1:%d"
                           % harness.free_port(), AWS_MAX_ATTEMPTS="1")
        proc = self.run_vpcflow("list", env=env)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("us-east-1", proc.stderr)

    def test_no_region_is_usage_error(self):
        env = self.emu.env(home=self.home)
        del env["AWS_REGION"]
        proc = self.run_vpcflow("list", env=env)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no region", proc.stderr)


class UsageTest(harness.EmulatorTestCase):
    """Usage errors exit 2 and name what to do; none of them reaches AWS."""

    auth = False

    def test_version_and_help(self):
        proc = self.run_vpcflow("--version")
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout, r"^vpcflow \d+\.\d+\.\d+\n$")
        proc = self.run_vpcflow("--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("list", proc.stdout)
        proc = self.run_vpcflow("help", "list")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--regions LIST", proc.stdout)
        self.assertIn("--resource ID", proc.stdout)
        proc = self.run_vpcflow("list", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("usage: vpcflow list", proc.stdout)

    def test_unknown_command_suggests(self):
        proc = self.run_vpcflow("lsit")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("did you mean 'list'", proc.stderr)

    def test_unknown_option_suggests(self):
        proc = self.run_vpcflow("list", "--regoins", "all")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("did you mean '--regions'", proc.stderr)

    def test_bad_values(self):
        for args, words in [
                (["list", "--output", "xml"], "table, json, csv"),
                (["list", "--regions", "US_EAST"], "not a region name"),
                (["list", "--max-attempts", "zero"], "whole number"),
                (["list", "--regions"], "needs a value"),
                (["list", "extra"], "unexpected argument")]:
            proc = self.run_vpcflow(*args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(words, proc.stderr, args)
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)


if __name__ == "__main__":
    unittest.main()
