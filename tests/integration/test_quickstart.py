"""The README's quick start story runs to the end: audit finds the VPCs
without flow logs, apply adds them, and audit then finds every VPC covered."""

import os
import re
import subprocess
import sys
import unittest

import harness


class QuickstartTest(unittest.TestCase):

    def test_story_runs_and_covers_every_vpc(self):
        script = os.path.join(harness.SOURCE_DIR, "examples", "quickstart.py")
        proc = subprocess.run([sys.executable, script, harness.VPCFLOW],
                              capture_output=True, text=True, timeout=240)
        self.assertEqual(proc.returncode, 0, proc.stdout[-2000:] + proc.stderr[-2000:])
        checked = re.findall(r"(\d+) VPCs checked in 2 regions of 1 account: (\d+) covered",
                             proc.stdout)
        self.assertEqual(len(checked), 2, proc.stdout)
        (before_n, before_covered), (after_n, after_covered) = checked
        self.assertEqual(before_n, after_n)
        self.assertLess(int(before_covered), int(before_n))
        self.assertEqual(after_covered, after_n)
        self.assertIn("NO_FLOW_LOG", proc.stdout)
        self.assertIn("Apply complete", proc.stdout)


if __name__ == "__main__":
    unittest.main()
