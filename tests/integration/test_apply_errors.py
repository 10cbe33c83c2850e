"""apply, plan and destroy when things go wrong: an invalid spec (exit 2,
not one request), a listed VPC that does not exist (the others are created;
a re-run after the fix creates only what is missing), IAM propagation ("Unable
to assume given IAM role" right after the role was made), and AWS errors.
AWS state is read back with boto3; requests are counted in the fault server's
log."""

import json
import unittest

import harness
from apply_support import Proxied, flow_logs, is_change, operation, operations, write_spec

PROPAGATION_ERROR = (
    "<Response><Errors><Error><Code>InvalidParameter</Code><Message>Unable to assume given "
    "IAM role: arn:aws:iam::%s:role/fresh-role</Message></Error></Errors>"
    "<RequestID>0f1e2d3c</RequestID></Response>" % harness.ACCOUNT_ID)


class InvalidSpecTest(harness.EmulatorTestCase):
    """Every command that reads a spec checks it whole before any request."""

    CASES = {
        "broken-json": '{"flowLogConfig": {"resourceType": "VPC",}',
        "unknown-key": {"flowLogConfig": {"resourceType": "VPC", "retentionDay": 30}},
        "bad-retention": {"flowLogConfig": {"resourceType": "VPC", "retentionDays": 45}},
        "bad-id": {"flowLogConfig": {"resourceType": "VPC", "resourceIds": ["subnet-0a1b2c3d"]}},
        "bad-field": {"flowLogConfig": {"resourceType": "VPC", "logFormat": "srcaddr nope"}},
        "no-bucket": {"flowLogConfig": {"resourceType": "VPC", "destination": "S3"}},
    }

    def test_invalid_specs_exit_2_without_a_request(self):
        for name, spec in self.CASES.items():
            path = write_spec(self.home, spec, name + ".json")
            for argv in (["plan", path], ["apply", path, "--yes"],
                         ["destroy", path, "--yes", "--destinations"]):
                with self.subTest(case=name, command=argv[0]):
                    with Proxied(self, upstream=False) as px:
                        proc = px.run(*argv)
                        requests = px.requests()
                    self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
                    self.assertIn(path, proc.stderr)
                    self.assertIn("nothing was sent to AWS", proc.stderr)
                    self.assertEqual(requests, [])

    def test_missing_spec_file_and_arguments(self):
        with Proxied(self, upstream=False) as px:
            for argv in (["apply"], ["plan", "/nonexistent/spec.json"],
                         ["destroy", "a.json", "b.json"]):
                proc = px.run(*argv)
                self.assertEqual(proc.returncode, 2, argv)
                self.assertTrue(proc.stderr.startswith("vpcflow: "), proc.stderr)
            self.assertEqual(px.requests(), [])


class PartialFailureTest(harness.EmulatorTestCase):
    REGION = "us-west-1"
    MISSING = "vpc-0123456789abcdef0"

    def test_missing_vpc_then_fixed(self):
        ec2 = self.emu.client("ec2", self.REGION)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"] for i in range(2)]
        config = {"resourceType": "VPC", "resourceIds": vpcs + [self.MISSING],
                  "iamRole": "partial-role"}
        spec = write_spec(self.home, {"flowLogConfig": config})

        proc = self.run_vpcflow("apply", spec, "--yes",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("VPC %s does not exist in %s" % (self.MISSING, self.REGION), proc.stderr)
        self.assertEqual(sorted(fl["ResourceId"] for fl in flow_logs(self.emu, self.REGION)),
                         sorted(vpcs))

        # The fix: the spec names a VPC that exists. Only it gets a flow log.
        third = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        config["resourceIds"] = vpcs + [third]
        spec = write_spec(self.home, {"flowLogConfig": config})
        with Proxied(self) as px:
            proc = px.run("apply", spec, "--yes", region=self.REGION)
            creates = operations(px.requests(), "CreateFlowLogs")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(creates), 1)
        self.assertIn("ResourceId.1=" + third, creates[0]["body"])
        logs = flow_logs(self.emu, self.REGION)
        self.assertEqual(sorted(fl["ResourceId"] for fl in logs), sorted(vpcs + [third]))

    def test_unsuccessful_resources_are_reported(self):
        ec2 = self.emu.client("ec2", "ca-central-1")
        vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "partial-role",
            "logGroup": "/vpcflow/shared"}})
        answer = ("<CreateFlowLogsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                  "<requestId>1</requestId><flowLogIdSet/><unsuccessful><item><error>"
                  "<code>Client.AccessDenied</code><message>not authorized to deliver</message>"
                  "</error><resourceId>%s</resourceId></item></unsuccessful>"
                  "</CreateFlowLogsResponse>" % vpc)
        rules = [{"match": {"action": "CreateFlowLogs"}, "body": answer}]
        with Proxied(self, rules) as px:
            proc = px.run("apply", spec, "--yes", region="ca-central-1")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("create flow log for '%s' (region ca-central-1): CreateFlowLogs: "
                      "Client.AccessDenied: not authorized to deliver" % vpc, proc.stderr)
        self.assertIn("1 failed", proc.stdout)


class PropagationTest(harness.EmulatorTestCase):
    """The first CreateFlowLogs calls after the role was made are refused as
    IAM has not propagated yet: apply waits and tries again."""

    REGION = "ap-northeast-1"
    REFUSALS = 3

    def test_retried_until_the_role_is_usable(self):
        vpc = self.emu.client("ec2", self.REGION).create_vpc(
            CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "fresh-role"}})
        rules = [{"match": {"action": "CreateFlowLogs"}, "times": self.REFUSALS, "status": 400,
                  "body": PROPAGATION_ERROR}]
        with Proxied(self, rules) as px:
            proc = px.run("apply", spec, "--yes", region=self.REGION,
                          VPCFLOW_TEST_PROPAGATION_MS="5")
            creates = operations(px.requests(), "CreateFlowLogs")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(creates), self.REFUSALS + 1)
        self.assertEqual([c["rule"] for c in creates], [0] * self.REFUSALS + ["upstream"])
        tokens = [c["body"].split("ClientToken=")[1].split("&")[0] for c in creates]
        self.assertEqual(len(set(tokens)), len(tokens))
        self.assertEqual(len(flow_logs(self.emu, self.REGION, [vpc])), 1)

    def test_not_retried_for_a_role_made_earlier(self):
        """A role that was there before this run does not propagate: the
        error is reported at once."""
        vpc = self.emu.client("ec2", "sa-east-1").create_vpc(
            CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "old-role"}})
        self.emu.client("iam").create_role(RoleName="old-role", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        rules = [{"match": {"action": "CreateFlowLogs"}, "times": -1, "status": 400,
                  "body": PROPAGATION_ERROR}]
        with Proxied(self, rules) as px:
            proc = px.run("apply", spec, "--yes", region="sa-east-1",
                          VPCFLOW_TEST_PROPAGATION_MS="5")
            creates = operations(px.requests(), "CreateFlowLogs")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(creates), 1)
        self.assertIn("Unable to assume given IAM role", proc.stderr)

    def test_aws_error_while_reading_exits_1(self):
        rules = [{"match": {"action": "DescribeVpcs"}, "times": -1, "status": 403,
                  "body": "<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                          "<Message>You are not authorized to perform this operation."
                          "</Message></Error></Errors><RequestID>9</RequestID></Response>"}]
        spec = write_spec(self.home, {"flowLogConfig": {"resourceType": "VPC"}})
        with Proxied(self, rules) as px:
            proc = px.run("apply", spec, "--yes", region=self.REGION)
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 1)
        self.assertIn("UnauthorizedOperation", proc.stderr)
        self.assertIn("region %s" % self.REGION, proc.stderr)
        self.assertEqual(changes, [])


if __name__ == "__main__":
    unittest.main()
