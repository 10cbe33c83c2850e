"""vpcflow plan and apply with CloudWatch Logs, against moto with signature
checking on: the tutorial's spec, idempotency (counted in the fault server's
request log), drift and --replace, and roles vpcflow may not use. AWS state is
read back with boto3."""

import csv
import io
import json
import os
import pty
import subprocess
import unittest

import harness
from apply_support import (FORMAT, ROLE_ARN, TUTORIAL, Proxied, flow_logs, is_change,
                           operation, operations, tags, write_spec)

ACCOUNT = harness.ACCOUNT_ID


class TutorialTest(harness.EmulatorTestCase):
    """The tutorial's spec in a region with three VPCs (and moto's default VPC:
    a spec without resourceIds means every VPC of the region)."""

    REGION = "us-west-2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.emu.client("ec2", cls.REGION)
        for i in range(3):
            ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)
        cls.vpcs = sorted(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"])

    def test_plan_apply_and_apply_again(self):
        # plan changes nothing and says what apply will do.
        with Proxied(self) as px:
            proc = px.run("plan", TUTORIAL, "--detailed-exitcode", region=self.REGION)
            self.assertEqual(proc.returncode, 3, proc.stderr)
            self.assertEqual([r for r in px.requests() if is_change(r)], [])
        for vpc in self.vpcs:
            self.assertIn("+ create flow log for %s (region %s): no flow log delivers to "
                          "/aws/vpc-flow-logs/%s\n" % (vpc, self.REGION, vpc), proc.stdout)
        self.assertIn("+ create IAM role vpc-flow-log-role", proc.stdout)
        self.assertEqual(flow_logs(self.emu, self.REGION), [])

        proc = self.run_vpcflow("apply", TUTORIAL, "--yes",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stderr)

        # Exactly one flow log per VPC, traffic ALL, the expanded format.
        logs = flow_logs(self.emu, self.REGION)
        self.assertEqual(sorted(fl["ResourceId"] for fl in logs), self.vpcs)
        for fl in logs:
            self.assertEqual(fl["TrafficType"], "ALL")
            self.assertEqual(fl["LogFormat"], FORMAT)
            self.assertEqual(fl["LogGroupName"], "/aws/vpc-flow-logs/" + fl["ResourceId"])
            self.assertEqual(fl["DeliverLogsPermissionArn"], ROLE_ARN % "vpc-flow-log-role")
            self.assertEqual(fl["MaxAggregationInterval"], 600)
            self.assertEqual(tags(fl).get("vpcflow:managed"), "true")
            self.assertIn("created flow log %s for %s" % (fl["FlowLogId"], fl["ResourceId"]),
                          proc.stdout)

        # A log group per VPC with 365-day retention, tagged.
        cwl = self.emu.client("logs", self.REGION)
        groups = {g["logGroupName"]: g for g in
                  cwl.describe_log_groups(logGroupNamePrefix="/aws/vpc-flow-logs/")["logGroups"]}
        self.assertEqual(sorted(groups), ["/aws/vpc-flow-logs/" + v for v in self.vpcs])
        for g in groups.values():
            self.assertEqual(g["retentionInDays"], 365)
            self.assertEqual(cwl.list_tags_log_group(logGroupName=g["logGroupName"])["tags"],
                             {"vpcflow:managed": "true"})

        # The role: trusted by the service with both conditions, tagged, and an
        # inline policy naming only the spec's log groups.
        iam = self.emu.client("iam")
        role = iam.get_role(RoleName="vpc-flow-log-role")["Role"]
        [stmt] = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "vpc-flow-logs.amazonaws.com"})
        self.assertEqual(stmt["Action"], "sts:AssumeRole")
        self.assertEqual(stmt["Condition"]["StringEquals"]["aws:SourceAccount"], ACCOUNT)
        self.assertEqual(stmt["Condition"]["ArnLike"]["aws:SourceArn"],
                         "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT)
        self.assertIn({"Key": "vpcflow:managed", "Value": "true"}, role["Tags"])
        policy = iam.get_role_policy(RoleName="vpc-flow-log-role",
                                     PolicyName="vpcflow-delivery")["PolicyDocument"]
        resources = [r for s in policy["Statement"]
                     for r in ([s["Resource"]] if isinstance(s["Resource"], str)
                               else s["Resource"])
                     if s["Sid"] == "DeliverToLogGroups"]
        prefix = "arn:aws:logs:%s:%s:log-group:/aws/vpc-flow-logs/" % (self.REGION, ACCOUNT)
        self.assertTrue(resources)
        self.assertTrue(all(r.startswith(prefix) for r in resources), resources)

        # A second apply changes nothing and sends no request that would.
        with Proxied(self) as px:
            proc = px.run("apply", TUTORIAL, "--yes", region=self.REGION)
            requests = px.requests()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("No changes", proc.stdout)
        self.assertTrue(operations(requests, "DescribeFlowLogs"))
        self.assertEqual([operation(r) for r in requests if is_change(r)], [])
        self.assertEqual(len(flow_logs(self.emu, self.REGION)), len(self.vpcs))

        proc = self.run_vpcflow("plan", TUTORIAL, "--detailed-exitcode", "--output", "json",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        self.assertEqual(doc["account"], ACCOUNT)
        self.assertFalse(doc["changes"])
        self.assertEqual(doc["actions"], [])

    def test_plan_json_lists_actions(self):
        ec2 = self.emu.client("ec2", "ap-south-1")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "vpc-flow-log-role"}})
        proc = self.run_vpcflow("plan", spec, "--output", "json",
                                env=self.emu.env(region="ap-south-1", home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        flows = [a for a in doc["actions"] if a["kind"] == "flow-log"]
        self.assertEqual(len(flows), 1)
        self.assertEqual(flows[0]["marker"], "+")
        self.assertEqual(flows[0]["op"], "create")
        self.assertEqual(flows[0]["subject"], vpc)
        self.assertEqual(flows[0]["region"], "ap-south-1")
        self.assertEqual(doc["summary"]["create"], sum(a["op"] == "create"
                                                       for a in doc["actions"]))


class MultiRegionTest(harness.EmulatorTestCase):
    """Regions are worked on together; the role is made once, before them."""

    REGIONS = ["us-east-2", "eu-west-3", "ap-southeast-1"]

    def test_regions_share_one_role(self):
        vpcs = {r: self.emu.client("ec2", r).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
                for r in self.REGIONS}
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": sorted(vpcs.values()),
            "regions": self.REGIONS, "iamRole": "multi-role", "retentionDays": 90}})
        with Proxied(self) as px:
            proc = px.run("apply", spec, "--yes", region="us-east-2")
            requests = px.requests()
        # Each VPC exists in one region only: the others name it missing.
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(len(operations(requests, "CreateRole")), 1)
        self.assertEqual(len(operations(requests, "PutRolePolicy")), 1)
        first_flow_log = min(i for i, r in enumerate(requests)
                             if operation(r) == "CreateFlowLogs")
        self.assertLess(requests.index(operations(requests, "PutRolePolicy")[0]), first_flow_log)
        for region, vpc in vpcs.items():
            [fl] = flow_logs(self.emu, region, [vpc])
            self.assertEqual(fl["LogGroupName"], "/aws/vpc-flow-logs/" + vpc)
            for other in self.REGIONS:
                if other != region:
                    self.assertIn("VPC %s does not exist in %s" % (vpc, other), proc.stderr)
        policy = self.emu.client("iam").get_role_policy(
            RoleName="multi-role", PolicyName="vpcflow-delivery")["PolicyDocument"]
        text = json.dumps(policy)
        for region in self.REGIONS:
            self.assertIn("arn:aws:logs:%s:%s:log-group:/aws/vpc-flow-logs/" % (region, ACCOUNT),
                          text)


class ConfirmTest(harness.EmulatorTestCase):
    """On a terminal apply asks first; anything but y changes nothing."""

    def test_no_on_a_terminal_changes_nothing(self):
        vpc = self.emu.client("ec2", "us-east-1").create_vpc(
            CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "confirm-role"}})
        controller, terminal = pty.openpty()
        os.write(controller, b"n\n")
        proc = subprocess.run([harness.VPCFLOW, "apply", spec], stdin=terminal,
                              capture_output=True, text=True, timeout=60,
                              env=self.emu.env(home=self.home))
        os.close(terminal)
        os.close(controller)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("[y/N]", proc.stderr)
        self.assertIn("cancelled: nothing was changed", proc.stderr)
        self.assertEqual(flow_logs(self.emu, "us-east-1", [vpc]), [])
        self.assertNotIn("confirm-role", [r["RoleName"] for r in
                                          self.emu.client("iam").list_roles()["Roles"]])


class DriftTest(harness.EmulatorTestCase):
    """A flow log to the spec's log group with other settings is drift:
    reported, left alone, replaced only with --replace."""

    REGION = "eu-west-1"

    def test_drift_is_replaced_only_with_replace(self):
        ec2 = self.emu.client("ec2", self.REGION)
        cwl = self.emu.client("logs", self.REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        group = "/aws/vpc-flow-logs/" + vpc
        cwl.create_log_group(logGroupName=group)
        cwl.put_retention_policy(logGroupName=group, retentionInDays=30)
        old = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ACCEPT",
                                   LogGroupName=group, LogFormat=FORMAT,
                                   DeliverLogsPermissionArn=ROLE_ARN % "drift-role")
        old_id = old["FlowLogIds"][0]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "drift-role",
            "logFormat": "srcaddr dstaddr protocol action port instance"}})
        env = self.emu.env(region=self.REGION, home=self.home)

        proc = self.run_vpcflow("plan", spec, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("! drift: flow log %s for %s (region %s) captures ACCEPT, spec says ALL "
                      "(apply --replace replaces it)" % (old_id, vpc, self.REGION), proc.stdout)
        self.assertIn("~ update retention of log group %s (region %s): 30 → 365 days"
                      % (group, self.REGION), proc.stdout)

        proc = self.run_vpcflow("apply", spec, "--yes", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        [fl] = flow_logs(self.emu, self.REGION, [vpc])
        self.assertEqual((fl["FlowLogId"], fl["TrafficType"]), (old_id, "ACCEPT"))
        self.assertEqual(cwl.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
                         ["retentionInDays"], 365)
        self.assertIn("1 drifted flow log left alone: apply --replace replaces it", proc.stdout)

        proc = self.run_vpcflow("apply", spec, "--yes", "--replace", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        [fl] = flow_logs(self.emu, self.REGION, [vpc])
        self.assertNotEqual(fl["FlowLogId"], old_id)
        self.assertEqual(fl["TrafficType"], "ALL")
        self.assertIn("replaced flow log %s of %s with %s" % (old_id, vpc, fl["FlowLogId"]),
                      proc.stdout)

        proc = self.run_vpcflow("plan", spec, "--detailed-exitcode", env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


class RoleTest(harness.EmulatorTestCase):
    """A role vpcflow did not make is used as it is when it trusts the flow
    logs service, and is an error (nothing changed) when it does not."""

    REGION = "eu-central-1"

    def setUp(self):
        super().setUp()
        self.vpc = self.emu.client("ec2", self.REGION).create_vpc(
            CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]

    def spec(self, role):
        return write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [self.vpc], "iamRole": role}})

    def make_role(self, name, service):
        self.emu.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": service},
                "Action": "sts:AssumeRole"}]}))

    def test_role_not_trusting_flow_logs_is_an_error(self):
        self.make_role("for-ec2", "ec2.amazonaws.com")
        with Proxied(self) as px:
            proc = px.run("apply", self.spec("for-ec2"), "--yes", region=self.REGION)
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 1)
        self.assertIn("role for-ec2 does not trust vpc-flow-logs.amazonaws.com and was not "
                      "created by vpcflow", proc.stderr)
        self.assertEqual(changes, [])
        self.assertEqual(flow_logs(self.emu, self.REGION, [self.vpc]), [])
        doc = self.emu.client("iam").get_role(RoleName="for-ec2")["Role"]
        self.assertEqual(doc["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"Service": "ec2.amazonaws.com"})

    def test_role_vpcflow_made_gets_its_trust_policy_back(self):
        self.emu.client("iam").create_role(
            RoleName="ours-changed", Tags=[{"Key": "vpcflow:managed", "Value": "true"}],
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        proc = self.run_vpcflow("apply", self.spec("ours-changed"), "--yes",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("~ update trust policy of role ours-changed", proc.stdout)
        role = self.emu.client("iam").get_role(RoleName="ours-changed")["Role"]
        [stmt] = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "vpc-flow-logs.amazonaws.com"})
        self.assertEqual(stmt["Condition"]["StringEquals"]["aws:SourceAccount"], ACCOUNT)
        self.assertEqual(len(flow_logs(self.emu, self.REGION, [self.vpc])), 1)

    def test_plan_json_errors_are_on_stderr_too(self):
        self.make_role("json-for-ec2", "ec2.amazonaws.com")
        proc = self.run_vpcflow("plan", self.spec("json-for-ec2"), "--output", "json",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual([a["kind"] for a in doc["actions"] if a["op"] == "error"], ["blocked"])
        self.assertEqual(proc.stderr, "vpcflow: plan: role json-for-ec2 does not trust "
                         "vpc-flow-logs.amazonaws.com and was not created by vpcflow: add "
                         "that service to its trust policy, or name another role in "
                         "iamRole\n")

    def test_blocked_apply_json_says_why_on_stdout(self):
        self.make_role("json-blocked", "ec2.amazonaws.com")
        proc = self.run_vpcflow("apply", self.spec("json-blocked"), "--yes", "--output", "json",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual([a["kind"] for a in doc["actions"] if a["op"] == "error"], ["blocked"])
        self.assertEqual((doc["done"], doc["failed"]), (0, 0))
        self.assertIn("role json-blocked does not trust", proc.stderr)
        self.assertEqual(flow_logs(self.emu, self.REGION, [self.vpc]), [])

    def hide_role_from_plan(self, name):
        """A fault server rule that answers the plan's GetRole of role name
        with NoSuchEntity, as if the role were made after the plan read."""
        return {"match": {"action": "GetRole", "body_contains": "RoleName=" + name},
                "status": 404, "body":
                '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name "
                "%s cannot be found.</Message></Error><RequestId>r</RequestId>"
                "</ErrorResponse>" % name}

    def test_role_made_since_the_plan_by_someone_else_is_left_alone(self):
        self.make_role("made-meanwhile", "ec2.amazonaws.com")
        with Proxied(self, [self.hide_role_from_plan("made-meanwhile")]) as px:
            proc = px.run("apply", self.spec("made-meanwhile"), "--yes", region=self.REGION)
            requests = px.requests()
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("+ create IAM role made-meanwhile", proc.stdout)
        self.assertIn("vpcflow: apply: create IAM role 'made-meanwhile': role made-meanwhile "
                      "was created since the plan, not by vpcflow (it lacks the tag "
                      "vpcflow:managed=true): left as it is; run plan again", proc.stderr)
        self.assertIn("name another role in iamRole", proc.stderr)
        # CreateRole found it, GetRole showed it is not vpcflow's: nothing else.
        self.assertEqual([operation(r) for r in requests if is_change(r)], ["CreateRole"])
        self.assertEqual([r["rule"] for r in operations(requests, "GetRole")], [0, "upstream"])
        doc = self.emu.client("iam").get_role(RoleName="made-meanwhile")["Role"]
        [stmt] = doc["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "ec2.amazonaws.com"})
        self.assertEqual(self.emu.client("iam").list_role_policies(
            RoleName="made-meanwhile")["PolicyNames"], [])
        self.assertEqual(flow_logs(self.emu, self.REGION, [self.vpc]), [])

    def test_role_vpcflow_made_since_the_plan_gets_its_trust_policy(self):
        """As when CreateRole's answer was lost and its resend found the role
        its first send made: vpcflow's tag says it is vpcflow's."""
        self.emu.client("iam").create_role(
            RoleName="ours-meanwhile", Tags=[{"Key": "vpcflow:managed", "Value": "true"}],
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        with Proxied(self, [self.hide_role_from_plan("ours-meanwhile")]) as px:
            proc = px.run("apply", self.spec("ours-meanwhile"), "--yes", region=self.REGION)
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(changes[:3], ["CreateRole", "UpdateAssumeRolePolicy", "PutRolePolicy"])
        role = self.emu.client("iam").get_role(RoleName="ours-meanwhile")["Role"]
        [stmt] = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "vpc-flow-logs.amazonaws.com"})
        self.assertEqual(len(flow_logs(self.emu, self.REGION, [self.vpc])), 1)

    def test_plan_csv(self):
        proc = self.run_vpcflow("plan", self.spec("csv-role"), "--output", "csv",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = list(csv.reader(io.StringIO(proc.stdout)))
        self.assertEqual(rows[0], ["MARKER", "OP", "KIND", "REGION", "SUBJECT", "TEXT"])
        self.assertIn(["+", "create", "flow-log", self.REGION, self.vpc],
                      [r[:5] for r in rows[1:]])

    def test_trusting_role_is_used_as_it_is(self):
        self.make_role("theirs", "vpc-flow-logs.amazonaws.com")
        with Proxied(self) as px:
            proc = px.run("apply", self.spec("theirs"), "--yes", region=self.REGION)
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(changes), ["CreateFlowLogs", "CreateLogGroup",
                                           "PutRetentionPolicy"])
        [fl] = flow_logs(self.emu, self.REGION, [self.vpc])
        self.assertEqual(fl["DeliverLogsPermissionArn"], ROLE_ARN % "theirs")
        policies = self.emu.client("iam").list_role_policies(RoleName="theirs")["PolicyNames"]
        self.assertEqual(policies, [])


if __name__ == "__main__":
    unittest.main()
