"""vpcflow destroy against moto: it removes what apply made (flow logs, then
with --destinations the log groups, the role and an empty bucket) and nothing
else: a log group, role, bucket and flow log made with boto3 survive. AWS state
is read back with boto3."""

import json
import unittest

import harness
from apply_support import TUTORIAL, Proxied, flow_logs, is_change, operation, write_spec

ACCOUNT = harness.ACCOUNT_ID
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


class DestroyTest(harness.EmulatorTestCase):
    REGION = "eu-north-1"

    def env(self, region=None):
        return self.emu.env(region=region or self.REGION, home=self.home)

    def run_ok(self, *args, region=None):
        proc = self.run_vpcflow(*args, env=self.env(region))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc

    def test_destroy_removes_what_apply_made_and_nothing_else(self):
        ec2 = self.emu.client("ec2", self.REGION)
        cwl = self.emu.client("logs", self.REGION)
        iam = self.emu.client("iam")
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"] for i in range(2)]
        self.run_ok("apply", TUTORIAL, "--yes")
        ours = {fl["FlowLogId"] for fl in flow_logs(self.emu, self.REGION)}
        all_vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
        self.assertEqual(len(ours), len(all_vpcs))

        # What someone else made: a log group, a role, a flow log on one of
        # the spec's VPCs, and a flow log of their own into one of our groups'
        # names' neighbours.
        cwl.create_log_group(logGroupName="/aws/vpc-flow-logs/unrelated")
        iam.create_role(RoleName="unrelated-role", AssumeRolePolicyDocument=TRUST)
        theirs = ec2.create_flow_logs(
            ResourceIds=[vpcs[0]], ResourceType="VPC", TrafficType="REJECT",
            LogGroupName="/aws/vpc-flow-logs/unrelated",
            DeliverLogsPermissionArn="arn:aws:iam::%s:role/unrelated-role" % ACCOUNT)[
            "FlowLogIds"][0]

        # Without --destinations only the flow logs go.
        proc = self.run_vpcflow("destroy", TUTORIAL, "--yes", env=self.env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        left = {fl["FlowLogId"] for fl in flow_logs(self.emu, self.REGION)}
        self.assertEqual(left, {theirs})
        for fl_id in ours:
            self.assertIn("deleted flow log %s" % fl_id, proc.stdout)
        groups = {g["logGroupName"] for g in cwl.describe_log_groups()["logGroups"]}
        self.assertEqual(groups, {"/aws/vpc-flow-logs/" + v for v in all_vpcs} |
                         {"/aws/vpc-flow-logs/unrelated"})
        iam.get_role(RoleName="vpc-flow-log-role")

        # Applied again, then destroyed with --destinations.
        self.run_ok("apply", TUTORIAL, "--yes")
        proc = self.run_ok("plan", TUTORIAL, "--destroy", "--destinations")
        self.assertIn("- delete IAM role vpc-flow-log-role (its inline policy first)",
                      proc.stdout)
        self.assertEqual(len(flow_logs(self.emu, self.REGION)), len(all_vpcs) + 1)
        proc = self.run_ok("destroy", TUTORIAL, "--yes", "--destinations")
        self.assertEqual({fl["FlowLogId"] for fl in flow_logs(self.emu, self.REGION)}, {theirs})
        groups = {g["logGroupName"] for g in cwl.describe_log_groups()["logGroups"]}
        self.assertEqual(groups, {"/aws/vpc-flow-logs/unrelated"})
        roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
        self.assertNotIn("vpc-flow-log-role", roles)
        self.assertIn("unrelated-role", roles)

        # Nothing left to delete: no request that changes anything.
        with Proxied(self) as px:
            proc = px.run("destroy", TUTORIAL, "--yes", "--destinations", region=self.REGION)
            changes = [operation(r) for r in px.requests() if is_change(r)]
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(changes, [])
        self.assertIn("No changes", proc.stdout)

    def test_untagged_destinations_are_kept(self):
        region = "ap-southeast-2"
        ec2 = self.emu.client("ec2", region)
        cwl = self.emu.client("logs", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        group = "/handmade/" + vpc
        self.emu.client("iam").create_role(RoleName="handmade-role", AssumeRolePolicyDocument=TRUST)
        cwl.create_log_group(logGroupName=group)
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [vpc], "logGroup": "/handmade/${resourceId}",
            "iamRole": "handmade-role"}})
        handmade = ec2.create_flow_logs(
            ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName=group,
            DeliverLogsPermissionArn="arn:aws:iam::%s:role/handmade-role" % ACCOUNT)[
            "FlowLogIds"][0]
        proc = self.run_ok("destroy", spec, "--yes", "--destinations", region=region)
        self.assertIn("keep flow log %s for %s (region %s): not created by vpcflow"
                      % (handmade, vpc, region), proc.stdout)
        self.assertIn("keep log group %s (region %s): not created by vpcflow" % (group, region),
                      proc.stdout)
        self.assertEqual([fl["FlowLogId"] for fl in flow_logs(self.emu, region)], [handmade])
        self.assertEqual([g["logGroupName"] for g in cwl.describe_log_groups()["logGroups"]],
                         [group])
        self.emu.client("iam").get_role(RoleName="handmade-role")

    def test_bucket_deleted_only_when_empty(self):
        region = "us-east-1"
        s3 = self.emu.client("s3", region)
        ec2 = self.emu.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        s3.create_bucket(Bucket="someone-elses-bucket")
        for bucket in ("vpcflow-destroy-empty", "vpcflow-destroy-full"):
            spec = write_spec(self.home, {"flowLogConfig": {
                "resourceType": "VPC", "resourceIds": [vpc], "destination": "S3",
                "bucket": bucket}}, bucket + ".json")
            self.run_ok("apply", spec, "--yes", region=region)
            if bucket.endswith("full"):
                s3.put_object(Bucket=bucket, Key="AWSLogs/x.log.gz", Body=b"x")
            proc = self.run_ok("destroy", spec, "--yes", "--destinations", region=region)
            names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
            self.assertIn("someone-elses-bucket", names)
            if bucket.endswith("full"):
                self.assertIn(bucket, names)
                self.assertIn("bucket %s is not empty: left in place" % bucket, proc.stderr)
            else:
                self.assertNotIn(bucket, names)
            self.assertEqual([fl for fl in flow_logs(self.emu, region, [vpc])
                              if bucket in fl.get("LogDestination", "")], [])


if __name__ == "__main__":
    unittest.main()
