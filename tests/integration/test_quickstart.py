"""The README's quick start story runs to the end: audit finds the VPCs
without flow logs, apply adds them, and audit then finds every VPC covered.
What the emulator holds at the end is read with boto3 by the script itself
(examples/quickstart.py STATE.json), before it stops the emulator."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import harness

TRUST_PRINCIPAL = "vpc-flow-logs.amazonaws.com"


class QuickstartTest(unittest.TestCase):

    def test_story_runs_and_covers_every_vpc(self):
        script = os.path.join(harness.SOURCE_DIR, "examples", "quickstart.py")
        with tempfile.TemporaryDirectory() as tmp:
            state_file = os.path.join(tmp, "state.json")
            proc = subprocess.run([sys.executable, script, harness.VPCFLOW, state_file],
                                  capture_output=True, text=True, timeout=240)
            self.assertEqual(proc.returncode, 0, proc.stdout[-2000:] + proc.stderr[-2000:])
            with open(state_file) as f:
                state = json.load(f)

        # The story as the newcomer reads it.
        checked = re.findall(r"(\d+) VPCs checked in 2 regions of 1 account: (\d+) covered",
                             proc.stdout)
        self.assertEqual(len(checked), 2, proc.stdout)
        (before_n, before_covered), (after_n, after_covered) = checked
        self.assertLess(int(before_covered), int(before_n))
        self.assertEqual(after_covered, after_n)
        self.assertIn("NO_FLOW_LOG", proc.stdout)
        self.assertIn("Apply complete", proc.stdout)

        # What AWS holds: every VPC of both regions has a flow log of all
        # traffic; those vpcflow made follow the tutorial's spec, deliver
        # through its role into log groups that exist and expire.
        role = state["role"]
        trust = json.dumps(role["AssumeRolePolicyDocument"])
        self.assertIn(TRUST_PRINCIPAL, trust)
        vpcs = 0
        made = 0
        for region, r in state["regions"].items():
            groups = {g["logGroupName"]: g for g in r["logGroups"]}
            by_vpc = {}
            for fl in r["flowLogs"]:
                by_vpc.setdefault(fl["ResourceId"], []).append(fl)
            for vpc in r["vpcs"]:
                vpcs += 1
                logs = by_vpc.get(vpc, [])
                self.assertTrue(logs, "%s in %s has no flow log" % (vpc, region))
                self.assertTrue(any(fl["TrafficType"] == "ALL" for fl in logs), logs)
                ours = [fl for fl in logs
                        if fl.get("DeliverLogsPermissionArn") == role["Arn"]]
                for fl in ours:
                    made += 1
                    for field in ("${srcaddr}", "${dstaddr}", "${protocol}", "${action}"):
                        self.assertIn(field, fl["LogFormat"])
                    group = groups.get(fl["LogGroupName"])
                    self.assertIsNotNone(group, "log group %s missing" % fl["LogGroupName"])
                    self.assertGreater(group.get("retentionInDays", 0), 0, group)
        self.assertEqual(vpcs, int(after_n))
        # All but the hand-made one were enabled by vpcflow.
        self.assertEqual(made, vpcs - 1)


if __name__ == "__main__":
    unittest.main()
