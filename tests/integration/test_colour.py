"""Colour in vpcflow's tables: only on a terminal (stdout on a pseudo-terminal
here), never in JSON or CSV, off with NO_COLOR or TERM=dumb, forced with
--color always. moto is seeded with boto3, which also confirms what the
coloured rows say."""

import json
import os
import re
import unittest

import harness

REGION = "us-east-1"
ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % harness.ACCOUNT_ID
FOREVER = "colour-forever"
SGR = re.compile(r"\x1b\[[0-9;]*m")
BOLD_RED, YELLOW, GREEN, CYAN, RESET = "\x1b[1;31m", "\x1b[33m", "\x1b[32m", "\x1b[36m", "\x1b[0m"


class ColourTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.emu.client("ec2", REGION)
        logs = cls.emu.client("logs", REGION)
        # moto's default VPC has no flow log (NO_FLOW_LOG, high); this one
        # delivers to a log group that never expires (RETENTION_UNSET, low).
        vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        logs.create_log_group(logGroupName=FOREVER)
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                             LogGroupName=FOREVER, DeliverLogsPermissionArn=ROLE)

    def env(self, **extra):
        env = self.emu.env(home=self.home)
        env.pop("NO_COLOR", None)
        env["TERM"] = "xterm-256color"
        env.update(extra)
        return env

    def run_on_terminal(self, *args, **env):
        """Runs vpcflow with stdout on a pseudo-terminal; returns the exit
        code, what the terminal got (newlines as written) and stderr."""
        return harness.run_on_terminal([harness.VPCFLOW, *args], self.env(**env))

    def run_piped(self, *args, **env):
        return self.run_vpcflow(*args, env=self.env(**env))

    def assert_no_escape(self, text):
        self.assertNotIn("\x1b", text)

    def test_audit_table_on_a_terminal_is_coloured_and_aligned(self):
        rc, out, err = self.run_on_terminal("audit")
        self.assertEqual(rc, 3, err)
        self.assertIn("\x1b[1mSEVERITY" + RESET, out)
        self.assertRegex(out, re.escape(BOLD_RED + "high" + RESET) + r" +NO_FLOW_LOG")
        self.assertRegex(out, re.escape(CYAN + "low" + RESET) + r" +RETENTION_UNSET")
        # Without the escapes it is the table a pipe gets, to the byte: the
        # widths ignore the escape sequences.
        piped = self.run_piped("audit")
        self.assertEqual(piped.returncode, 3, piped.stderr)
        self.assertEqual(SGR.sub("", out), piped.stdout)
        self.assert_no_escape(piped.stdout)

    def test_no_color_and_dumb_terminal_disable_it(self):
        for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
            with self.subTest(env=env):
                rc, out, err = self.run_on_terminal("audit", **env)
                self.assertEqual(rc, 3, err)
                self.assertIn("NO_FLOW_LOG", out)
                self.assert_no_escape(out)
        rc, out, err = self.run_on_terminal("audit", "--color", "never")
        self.assertEqual(rc, 3, err)
        self.assert_no_escape(out)
        rc, out, err = self.run_on_terminal("--no-color", "audit")
        self.assertEqual(rc, 3, err)
        self.assert_no_escape(out)

    def test_color_always_when_piped(self):
        proc = self.run_piped("audit", "--color", "always")
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn(BOLD_RED + "high" + RESET, proc.stdout)
        self.assert_no_escape(proc.stderr)
        # A flag on the command line outranks NO_COLOR (no-color.org).
        proc = self.run_piped("--color=always", "audit", NO_COLOR="1")
        self.assertIn(BOLD_RED + "high" + RESET, proc.stdout)

    def test_json_and_csv_never_coloured(self):
        rc, out, err = self.run_on_terminal("audit", "--output", "json", "--color", "always")
        self.assertEqual(rc, 3, err)
        self.assert_no_escape(out)
        doc = json.loads(out)
        self.assertEqual(doc["schemaVersion"], 1)
        proc = self.run_piped("list", "--output", "csv", "--color", "always")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assert_no_escape(proc.stdout)
        self.assertIn(FOREVER, proc.stdout)

    def test_retention_that_never_expires_is_yellow(self):
        group = self.emu.client("logs", REGION).describe_log_groups(
            logGroupNamePrefix=FOREVER)["logGroups"][0]
        self.assertNotIn("retentionInDays", group)
        rc, out, err = self.run_on_terminal("retention", "show")
        self.assertEqual(rc, 0, err)
        row = next(line for line in out.splitlines() if FOREVER in line)
        self.assertIn(YELLOW + "never expires" + RESET, row)

    def test_logs_actions_are_coloured_and_aligned(self):
        path = os.path.join(self.home, "records.log")
        lines = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                 "packets bytes start end action log-status",
                 "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 443 51000 6 10 840 "
                 "1795737600 1795737660 ACCEPT OK",
                 "2 123456789012 eni-0a1b2c3d4e5f60718 203.0.113.7 10.0.2.9 40000 22 6 1 40 "
                 "1795737600 1795737660 REJECT OK"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        rc, out, err = self.run_on_terminal("logs", "--file", path)
        self.assertEqual(rc, 0, err)
        rows = [line for line in out.splitlines() if "eni-" in line]
        self.assertEqual(len(rows), 2, out)
        self.assertIn(GREEN + "ACCEPT" + RESET, rows[0])
        self.assertIn("\x1b[31m" + "REJECT" + RESET, rows[1])
        # Without the escapes, the table is what a pipe gets.
        piped = self.run_piped("logs", "--file", path)
        self.assertEqual(piped.returncode, 0, piped.stderr)
        self.assert_no_escape(piped.stdout)
        self.assertEqual(SGR.sub("", out), piped.stdout)

    def test_plan_actions_are_coloured(self):
        spec = os.path.join(self.home, "spec.json")
        with open(spec, "w") as f:
            json.dump({"flowLogConfig": {"resourceType": "VPC", "logGroup": "colour-plan",
                                         "retentionDays": 30}}, f)
        rc, out, err = self.run_on_terminal("plan", spec)
        self.assertEqual(rc, 0, err)
        creates = [line for line in out.splitlines() if "+ create" in line]
        self.assertTrue(creates, out)
        for line in creates:
            self.assertTrue(line.startswith(GREEN + "+ create") and line.endswith(RESET),
                            repr(line))
        piped = self.run_piped("plan", spec)
        self.assertEqual(SGR.sub("", out), piped.stdout)
        # Planning changes nothing.
        groups = self.emu.client("logs", REGION).describe_log_groups(
            logGroupNamePrefix="colour-plan")["logGroups"]
        self.assertEqual(groups, [])

    def test_bad_value_is_a_usage_error(self):
        proc = self.run_piped("list", "--color", "sometimes")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--color 'sometimes'", proc.stderr)
        for word in ("auto", "always", "never"):
            self.assertIn(word, proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_help_names_the_option(self):
        proc = self.run_piped("--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--color", proc.stdout)
        proc = self.run_piped("list", "--help")
        self.assertIn("--color auto|always|never", proc.stdout)


if __name__ == "__main__":
    unittest.main()
