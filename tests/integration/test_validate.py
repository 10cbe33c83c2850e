"""vpcflow validate, driven through the real binary: exit codes, the normalised
spec (table, JSON, CSV), every error line of every invalid spec case, and
that validating sends nothing anywhere.

No emulator is needed: validate is offline.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("VPCFLOW_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
VPCFLOW = os.environ.get("VPCFLOW_BIN", os.path.join(SOURCE_DIR, "build", "dev", "vpcflow"))
CASES = os.path.join(SOURCE_DIR, "tests", "data", "spec")
EXAMPLES = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "*.json")))


class ValidateTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="vpcflow-home-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        # No credentials, no config, an endpoint nobody listens on.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update({"HOME": self.home, "AWS_EC2_METADATA_DISABLED": "true",
                         "AWS_CONFIG_FILE": os.path.join(self.home, "none"),
                         "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "none"),
                         "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})

    def validate(self, *args, cwd=None, input=None, env=None):
        return subprocess.run([VPCFLOW, *args], cwd=cwd, input=input, env=env or self.env,
                              capture_output=True, text=True, timeout=60)

    def test_examples_validate(self):
        self.assertTrue(EXAMPLES)
        for path in EXAMPLES:
            with self.subTest(example=os.path.basename(path)):
                r = self.validate("validate", path)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertIn("is valid", r.stdout)
                self.assertIn("logFormat", r.stdout)

    def test_tutorial_shows_the_expanded_log_format(self):
        r = self.validate("validate", os.path.join(SOURCE_DIR, "examples", "tutorial.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} "
                      "${instance-id}", r.stdout)
        self.assertIn("vpc-flow-log-role", r.stdout)

    def test_json_output_is_the_normalised_spec(self):
        for d in sorted(glob.glob(os.path.join(CASES, "valid", "*"))):
            with self.subTest(case=os.path.basename(d)):
                r = self.validate("--output", "json", "validate", "spec.json", cwd=d)
                self.assertEqual(r.returncode, 0, r.stderr)
                got = json.loads(r.stdout)
                self.assertEqual(got.pop("schemaVersion"), 1)
                with open(os.path.join(d, "normalized.json"), encoding="utf-8") as f:
                    self.assertEqual(got, json.load(f))

    def test_json_output_validates_to_itself(self):
        for path in EXAMPLES:
            with self.subTest(example=os.path.basename(path)):
                first = self.validate("validate", "-o", "json", path)
                self.assertEqual(first.returncode, 0, first.stderr)
                again = self.validate("validate", "-o", "json", "-", input=first.stdout)
                self.assertEqual(again.returncode, 0, again.stderr)
                self.assertEqual(json.loads(again.stdout), json.loads(first.stdout))

    def test_csv_output(self):
        path = os.path.join(SOURCE_DIR, "examples", "eni-reject-only.json")
        r = self.validate("validate", "--output", "csv", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "CONFIG,SETTING,VALUE")
        self.assertIn("flowLogConfig,trafficType,REJECT", lines)

    def test_every_invalid_case_prints_its_errors(self):
        dirs = sorted(glob.glob(os.path.join(CASES, "invalid", "*")))
        self.assertGreaterEqual(len(dirs), 40)
        for d in dirs:
            with self.subTest(case=os.path.basename(d)):
                r = self.validate("validate", "spec.json", cwd=d)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stdout, "")
                with open(os.path.join(d, "error.txt"), encoding="utf-8") as f:
                    want = ["vpcflow: validate: " + line for line in f.read().splitlines()]
                self.assertEqual(r.stderr.splitlines(), want)

    def test_stdin(self):
        with open(os.path.join(SOURCE_DIR, "examples", "tutorial.json"), encoding="utf-8") as f:
            text = f.read()
        r = self.validate("validate", "-", input=text)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("<stdin> is valid"))
        r = self.validate("validate", "-", input='{"flowLogConfig": {"resourceType": "VPN"}}')
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "vpcflow: validate: <stdin>:1:36: flowLogConfig.resourceType: "
                                   "'VPN' is not one of VPC, Subnet, NetworkInterface, "
                                   "TransitGateway, TransitGatewayAttachment; did you mean "
                                   "'VPC'?\n")

    def test_missing_and_unreadable_files(self):
        missing = os.path.join(self.home, "nope.json")
        r = self.validate("validate", missing)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "vpcflow: validate: %s: cannot open: No such file or "
                                   "directory\n" % missing)
        r = self.validate("validate", self.home)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "vpcflow: validate: %s: cannot read: Is a directory\n"
                         % self.home)

    def test_usage_errors(self):
        r = self.validate("validate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing the spec file", r.stderr)
        r = self.validate("validate", "a.json", "b.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unexpected argument 'b.json'", r.stderr)

    def test_sends_nothing(self):
        # A listener that would see any connection validate opened, with it
        # set as the endpoint, and --debug to log any request on stderr.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            listener.setblocking(False)
            url = "http://127.0.0.1:%d" % listener.getsockname()[1]
            env = dict(self.env, AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1")
            for path in EXAMPLES:
                r = self.validate("--debug", "--endpoint-url", url, "validate", path, env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
            with self.assertRaises(BlockingIOError):
                listener.accept()


if __name__ == "__main__":
    unittest.main()
