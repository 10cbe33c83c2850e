"""An apply killed with SIGKILL part way, then run again, against moto
(signature checking on). The fault server in front of moto freezes vpcflow at
the exact point: a rule stalls the request that comes next (before it reaches
moto, or after it took effect so that only its answer is missing), the test
waits for that request in the fault server's log and kills vpcflow. The state
left behind is checked with boto3, then a second apply, without faults, must
finish the job: every target has exactly one flow log, every log group and
role is there once with its settings, and nothing else was made.
"""

import collections
import signal
import subprocess
import unittest

import harness
from apply_support import Proxied, flow_logs, operation, write_spec

POLICY = "vpcflow-delivery"
# Each test has a region and a role of its own; no other role may appear.
ROLES = {"interrupted-role", "interrupted-group", "interrupted-retention",
         "interrupted-batch", "interrupted-in-flight"}


def stall(after_upstream=False, **match):
    """A rule that freezes the request it matches (for longer than a test)."""
    return {"kind": "stall", "seconds": 300, "after_upstream": after_upstream,
            "match": match}


class InterruptedApplyTest(harness.EmulatorTestCase):

    def vpcs(self, region, n=3):
        ec2 = self.emu.client("ec2", region)
        return sorted(ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                      for i in range(n))

    def spec(self, role, **config):
        return write_spec(self.home, {"flowLogConfig": dict(config, iamRole=role)})

    def kill_at(self, rules, spec, region, predicate):
        """Runs apply through the fault server with rules, waits for the
        logged request predicate picks, kills vpcflow with SIGKILL and
        returns that request."""
        with Proxied(self, rules) as px:
            proc = subprocess.Popen([harness.VPCFLOW, "apply", spec, "--yes"],
                                    env=px.env(region), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            try:
                req = px.wait_for(predicate, timeout=60, proc=proc)
            except RuntimeError as e:
                req = e
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
        if isinstance(req, RuntimeError):
            self.fail("vpcflow did not get to the point: %s\n%s%s" % (req, out, err))
        self.assertEqual(proc.returncode, -signal.SIGKILL, out + err)
        return req

    def finish(self, spec, region):
        """The second apply, straight to moto; then nothing is left to do."""
        env = self.emu.env(region=region, home=self.home)
        proc = self.run_vpcflow("apply", spec, "--yes", env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertRegex(proc.stdout, r"\nApply complete: \d+ done, 0 failed, 0 skipped\.\n")
        proc = self.run_vpcflow("plan", spec, "--detailed-exitcode", env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc

    def groups(self, region):
        """{name: retention} of every log group in region."""
        cwl = self.emu.client("logs", region)
        return {g["logGroupName"]: g.get("retentionInDays")
                for page in cwl.get_paginator("describe_log_groups").paginate()
                for g in page["logGroups"]}

    def assert_finished(self, region, targets, groups, role):
        logs = flow_logs(self.emu, region)
        self.assertEqual(collections.Counter(fl["ResourceId"] for fl in logs),
                         collections.Counter(targets), "one flow log per target")
        self.assertEqual({fl["DeliverLogsPermissionArn"].split("/")[-1] for fl in logs}, {role})
        self.assertEqual(self.groups(region), {g: 365 for g in groups})
        iam = self.emu.client("iam")
        self.assertEqual(iam.list_role_policies(RoleName=role)["PolicyNames"], [POLICY])
        [stmt] = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "vpc-flow-logs.amazonaws.com"})
        names = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        self.assertLessEqual(set(names), ROLES)
        self.assertEqual(len(names), len(set(names)))

    def test_killed_after_the_role(self):
        region, role = "eu-north-1", "interrupted-role"
        vpcs = self.vpcs(region)
        spec = self.spec(role, resourceType="VPC", resourceIds=vpcs)
        self.kill_at([stall(action="PutRolePolicy")], spec, region,
                     lambda r: operation(r) == "PutRolePolicy")
        # The role is made, without its policy; nothing else is.
        iam = self.emu.client("iam")
        iam.get_role(RoleName=role)
        self.assertEqual(iam.list_role_policies(RoleName=role)["PolicyNames"], [])
        self.assertEqual(self.groups(region), {})
        self.assertEqual(flow_logs(self.emu, region), [])

        self.finish(spec, region)
        self.assert_finished(region, vpcs, ["/aws/vpc-flow-logs/" + v for v in vpcs], role)

    def test_killed_between_log_group_and_retention(self):
        region, role = "eu-central-1", "interrupted-retention"
        vpcs = self.vpcs(region)
        spec = self.spec(role, resourceType="VPC", resourceIds=vpcs)
        self.kill_at([stall(target="PutRetentionPolicy")], spec, region,
                     lambda r: operation(r) == "PutRetentionPolicy")
        # One log group, kept forever so far.
        self.assertEqual(list(self.groups(region).values()), [None])
        self.assertEqual(flow_logs(self.emu, region), [])

        self.finish(spec, region)
        self.assert_finished(region, vpcs, ["/aws/vpc-flow-logs/" + v for v in vpcs], role)

    def test_killed_after_the_log_groups(self):
        region, role = "ap-south-1", "interrupted-group"
        vpcs = self.vpcs(region)
        spec = self.spec(role, resourceType="VPC", resourceIds=vpcs)
        self.kill_at([stall(action="CreateFlowLogs")], spec, region,
                     lambda r: operation(r) == "CreateFlowLogs")
        # Every log group is made, no flow log is.
        self.assertEqual(self.groups(region), {"/aws/vpc-flow-logs/" + v: 365 for v in vpcs})
        self.assertEqual(flow_logs(self.emu, region), [])

        self.finish(spec, region)
        self.assert_finished(region, vpcs, ["/aws/vpc-flow-logs/" + v for v in vpcs], role)

    def test_killed_between_create_flow_logs_batches(self):
        # 30 transit gateways to one log group: two CreateFlowLogs calls (25
        # a call); the first goes through, the second is frozen.
        region, role = "ca-central-1", "interrupted-batch"
        ec2 = self.emu.client("ec2", region)
        gateways = [ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
                    for _ in range(30)]
        group = "/vpcflow/tgw/" + region
        spec = self.spec(role, resourceType="TransitGateway", logGroup="/vpcflow/tgw/${region}")
        rules = [{"kind": "proxy", "match": {"action": "CreateFlowLogs"}},
                 stall(action="CreateFlowLogs")]
        self.kill_at(rules, spec, region, lambda r: r["rule"] == 1)
        done = [fl["ResourceId"] for fl in flow_logs(self.emu, region)]
        self.assertIn(len(done), (5, 25))
        self.assertLessEqual(set(done), set(gateways))

        self.finish(spec, region)
        self.assert_finished(region, gateways, [group], role)

    def test_killed_while_a_create_was_in_flight(self):
        # The second CreateFlowLogs reaches moto and takes effect; vpcflow
        # dies before the answer comes. The next apply must see that flow
        # log rather than make it again (a new run sends a new ClientToken).
        region, role = "sa-east-1", "interrupted-in-flight"
        vpcs = self.vpcs(region)
        spec = self.spec(role, resourceType="VPC", resourceIds=vpcs)
        rules = [{"kind": "proxy", "match": {"action": "CreateFlowLogs"}},
                 stall(after_upstream=True, action="CreateFlowLogs")]
        req = self.kill_at(rules, spec, region, lambda r: r["rule"] == 1)
        self.assertEqual(req["upstream_status"], 200)
        self.assertEqual(len(flow_logs(self.emu, region)), 2)

        self.finish(spec, region)
        self.assert_finished(region, vpcs, ["/aws/vpc-flow-logs/" + v for v in vpcs], role)


if __name__ == "__main__":
    unittest.main()
