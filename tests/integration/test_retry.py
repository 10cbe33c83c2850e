"""The call pipeline end to end through tests/tools/rawcall: retries by the
standard mode against the fault server, what goes on the wire, the redacted
--debug log, and signed calls that moto's own SigV4 check accepts."""

import json
import os
import re
import subprocess
import sys
import unittest

import harness
from apply_support import Proxied

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
import fault_server  # noqa: E402

RAWCALL = os.path.join(harness.TOOLS, "rawcall")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//session+token=="

THROTTLED_EC2 = ("<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                 "<Message>Request limit exceeded.</Message></Error></Errors>"
                 "<RequestID>req-throttled</RequestID></Response>")
VPCS = ('<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>req-ok</requestId><vpcSet><item><vpcId>vpc-0abc</vpcId></item></vpcSet>"
        "</DescribeVpcsResponse>")
INVALID = ("<Response><Errors><Error><Code>InvalidParameterValue</Code>"
           "<Message>Value (x) for parameter vpcId is invalid.</Message></Error></Errors>"
           "<RequestID>req-bad</RequestID></Response>")


def forever(rule):
    return dict(rule, times=-1)


class FaultServerTest(unittest.TestCase):
    """Each test scripts a fresh fault server and runs rawcall once."""

    def serve(self, rules, upstream=None):
        fs = fault_server.Process(rules, upstream=upstream).start()
        self.addCleanup(fs.stop)
        return fs

    def rawcall(self, fs, *args, env=None, timeout=60):
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update({
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_ENDPOINT_URL": fs.url,
            "VPCFLOW_RETRY_BASE_MS": "5",
        })
        e.update(env or {})
        return subprocess.run([RAWCALL, *args], env=e, capture_output=True, text=True,
                              timeout=timeout)

    def describe_vpcs(self, fs, *opts, env=None):
        return self.rawcall(fs, *opts, "query", "ec2", "us-east-1", "DescribeVpcs", env=env)

    def assert_ok(self, r, attempts):
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "ok attempts=%d" % attempts)

    def assert_error(self, r, attempts, pattern):
        self.assertEqual(r.returncode, 1, r.stdout)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^error: ")
        self.assertRegex(lines[0], pattern)
        self.assertRegex(lines[0], r" attempts=%d http=\d+$" % attempts)
        return lines[0]

    def test_throttled_twice_then_ok(self):
        fs = self.serve([{"status": 503, "body": THROTTLED_EC2}] * 2 + [{"body": VPCS}])
        r = self.describe_vpcs(fs)
        self.assert_ok(r, 3)
        self.assertIn("vpc-0abc", r.stdout)
        reqs = fs.requests()
        self.assertEqual(len(reqs), 3)
        self.assertTrue(all(q["action"] == "DescribeVpcs" for q in reqs))
        self.assertTrue(all("Signature=" in q["headers"]["Authorization"] for q in reqs))
        # Error answers keep the connection open: all three went over one.
        self.assertEqual(len({q["peer"] for q in reqs}), 1)

    def test_json_throttling_then_ok(self):
        fs = self.serve([{"status": 400, "json": {"__type": "ThrottlingException",
                                                  "message": "Rate exceeded"}},
                         {"json": {"logGroups": [{"logGroupName": "g"}]}}])
        r = self.rawcall(fs, "json", "logs", "us-east-1", "DescribeLogGroups", '{"limit": 5}')
        self.assert_ok(r, 2)
        self.assertEqual(json.loads(r.stdout.splitlines()[1]), {"logGroups": [{"logGroupName": "g"}]})
        q = fs.requests()[0]
        self.assertEqual(q["target"], "Logs_20140328.DescribeLogGroups")
        self.assertEqual(q["headers"]["Content-Type"], "application/x-amz-json-1.1")
        self.assertEqual(q["body"], '{"limit":5}')

    def test_reset_then_ok(self):
        fs = self.serve([{"kind": "reset"}, {"body": VPCS}])
        self.assert_ok(self.describe_vpcs(fs), 2)
        self.assertEqual(len(fs.requests()), 2)

    def test_truncated_body_is_retried(self):
        fs = self.serve([{"kind": "truncate", "body": VPCS[:40]}, {"body": VPCS}])
        self.assert_ok(self.describe_vpcs(fs), 2)
        self.assertEqual(len(fs.requests()), 2)

    def test_timeout_gives_up_after_max_attempts(self):
        fs = self.serve([forever({"kind": "stall", "seconds": 5, "body": VPCS})])
        r = self.describe_vpcs(fs, "--timeout-ms", "300", "--max-attempts", "2")
        self.assert_error(r, 2, r"^error: DescribeVpcs: .*[Tt]imed out.*after 2 attempts")
        self.assertEqual(len(fs.requests()), 2)

    def test_non_retryable_error_is_sent_once(self):
        fs = self.serve([forever({"status": 400, "body": INVALID})])
        r = self.describe_vpcs(fs)
        line = self.assert_error(r, 1, r"^error: DescribeVpcs: InvalidParameterValue: "
                                       r"Value \(x\) for parameter vpcId is invalid\. "
                                       r"\(request req-bad\)")
        self.assertTrue(line.endswith("http=400"))
        self.assertEqual(len(fs.requests()), 1)

    def test_default_is_three_attempts(self):
        fs = self.serve([forever({"status": 503, "body": THROTTLED_EC2})])
        r = self.describe_vpcs(fs)
        self.assert_error(r, 3, r"RequestLimitExceeded: Request limit exceeded\. "
                                r"\(after 3 attempts\) \(request req-throttled\)")
        self.assertEqual(len(fs.requests()), 3)

    def test_aws_max_attempts_is_honoured(self):
        fs = self.serve([forever({"status": 503, "body": THROTTLED_EC2})])
        r = self.describe_vpcs(fs, env={"AWS_MAX_ATTEMPTS": "5"})
        self.assert_error(r, 5, r"RequestLimitExceeded")
        self.assertEqual(len(fs.requests()), 5)

    def test_option_beats_aws_max_attempts(self):
        fs = self.serve([forever({"status": 500, "body": ""})])
        r = self.describe_vpcs(fs, "--max-attempts", "2", env={"AWS_MAX_ATTEMPTS": "5"})
        self.assert_error(r, 2, r"InternalError: HTTP 500")
        self.assertEqual(len(fs.requests()), 2)

    def test_one_attempt_means_no_retry(self):
        fs = self.serve([{"status": 503, "body": THROTTLED_EC2}, {"body": VPCS}])
        r = self.describe_vpcs(fs, env={"AWS_MAX_ATTEMPTS": "1"})
        self.assert_error(r, 1, r"RequestLimitExceeded")

    def test_unreadable_gateway_error(self):
        fs = self.serve([forever({"status": 502, "body": "<html><body>Bad Gateway</body>",
                                  "headers": {"Content-Type": "text/html"}})])
        r = self.describe_vpcs(fs)
        self.assert_error(r, 3, r"DescribeVpcs: BadGateway: HTTP 502: unexpected answer: "
                                r"<html><body>Bad Gateway</body>")

    def test_malformed_success_is_a_parse_error(self):
        fs = self.serve([forever({"body": "<DescribeVpcsResponse><vpcSet>"})])
        r = self.describe_vpcs(fs)
        self.assert_error(r, 1, r"^error: DescribeVpcs: malformed XML in the response: .* attempts=1 http=200$")
        self.assertEqual(len(fs.requests()), 1)

    def test_malformed_json_is_a_parse_error(self):
        fs = self.serve([forever({"body": "{\"logGroups\": [", "headers": {
            "Content-Type": "application/x-amz-json-1.1"}})])
        r = self.rawcall(fs, "json", "logs", "us-east-1", "DescribeLogGroups")
        self.assert_error(r, 1, r"^error: DescribeLogGroups: malformed JSON in the response: ")

    def test_connection_refused(self):
        fs = self.serve([])
        port = fs.port
        fs.stop()
        r = self.rawcall(fs, "--max-attempts", "2", "query", "sts", "us-east-1",
                         "GetCallerIdentity", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % port})
        self.assert_error(r, 2, r"^error: GetCallerIdentity: .*(connect|Connection refused)")

    def test_head_error_code_from_status(self):
        fs = self.serve([forever({"status": 404, "body": "",
                                  "headers": {"x-amz-request-id": "HEAD404"}})])
        r = self.rawcall(fs, "--method", "HEAD", "--path", "/missing-bucket", "rest-xml", "s3",
                         "us-east-1", "HeadBucket")
        self.assert_error(r, 1, r"^error: HeadBucket: NotFound: HTTP 404 \(no response body\) "
                                r"\(request HEAD404\)")
        self.assertEqual(fs.requests()[0]["method"], "HEAD")

    def test_wire_format(self):
        """Exactly our headers and body bytes: no Expect, no Accept, no
        Content-Type that libcurl made up."""
        fs = self.serve([forever({"body": VPCS})])
        self.assert_ok(self.rawcall(fs, "query", "ec2", "us-east-1", "DescribeVpcs",
                                    "VpcId.1=vpc-1&Filter.1.Name=tag:Name&Filter.1.Value.1=a b"), 1)
        self.assert_ok(self.rawcall(fs, "--path", "/bucket", "--query", "lifecycle=",
                                    "rest-xml", "s3", "us-east-1", "GetBucketLifecycle"), 1)
        self.assert_ok(self.rawcall(fs, "--method", "PUT", "--path", "/bucket/key", "rest-xml",
                                    "s3", "us-east-1", "PutObject", "x" * 3000), 1)
        post, get, put = fs.requests()
        self.assertEqual(post["method"], "POST")
        self.assertEqual(post["path"], "/")
        self.assertEqual(post["body"], "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1"
                                       "&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b")
        self.assertEqual(post["headers"]["Content-Type"],
                         "application/x-www-form-urlencoded; charset=utf-8")
        self.assertEqual(int(post["headers"]["Content-Length"]), len(post["body"]))
        self.assertTrue(post["headers"]["User-Agent"].startswith("vpcflow/"))
        for q in (post, get, put):
            names = {k.lower() for k in q["headers"]}
            self.assertNotIn("expect", names)
            self.assertNotIn("accept", names)
        self.assertEqual(get["method"], "GET")
        self.assertEqual(get["path"], "/bucket?lifecycle=")
        self.assertNotIn("content-type", {k.lower() for k in get["headers"]})
        self.assertIn("x-amz-content-sha256", {k.lower() for k in get["headers"]})
        self.assertEqual(put["method"], "PUT")
        self.assertEqual(put["body"], "x" * 3000)
        self.assertNotIn("content-type", {k.lower() for k in put["headers"]})

    def test_debug_log_is_redacted(self):
        creds = ("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                 "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                 "<SecretAccessKey>RESPONSESECRETVALUE</SecretAccessKey>"
                 "<SessionToken>RESPONSETOKENVALUE</SessionToken>"
                 "</Credentials></AssumeRoleResult></AssumeRoleResponse>")
        fs = self.serve([{"status": 503, "body": THROTTLED_EC2}, {"body": creds}])
        r = self.rawcall(fs, "--debug", "query", "sts", "us-east-1", "AssumeRole",
                         "RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=s",
                         env={"AWS_SESSION_TOKEN": TOKEN})
        self.assert_ok(r, 2)
        log = r.stderr
        self.assertIn("> POST ", log)
        self.assertIn("< HTTP 503", log)
        self.assertIn("Credential=AKIDEXAMPLE/", log)
        self.assertIn("Signature=<redacted>", log)
        self.assertIn("X-Amz-Security-Token: <redacted>", log)
        self.assertIn("<SecretAccessKey><redacted></SecretAccessKey>", log)
        signatures = {re.search(r"Signature=([0-9a-f]{64})", q["headers"]["Authorization"])
                      .group(1) for q in fs.requests()}
        for secret in [SECRET, TOKEN, "RESPONSESECRETVALUE", "RESPONSETOKENVALUE", *signatures]:
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, r.stdout.replace("RESPONSESECRETVALUE", "").replace(
                "RESPONSETOKENVALUE", ""))


class EmulatorTest(harness.EmulatorTestCase):
    """Signed calls that moto verifies with its own SigV4 implementation."""

    def rawcall(self, *args, **extra):
        return self.run_tool("rawcall", *args, env=self.emu.env(home=self.home, **extra))

    def test_ec2_describe_vpcs(self):
        r = self.rawcall("query", "ec2", "us-east-1", "DescribeVpcs")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "ok attempts=1")
        self.assertIn("<vpcSet>", r.stdout)
        vpcs = self.emu.client("ec2").describe_vpcs()["Vpcs"]
        for vpc in vpcs:
            self.assertIn(vpc["VpcId"], r.stdout)

    def test_sts_get_caller_identity(self):
        r = self.rawcall("query", "sts", "us-east-1", "GetCallerIdentity")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("<Account>%s</Account>" % harness.ACCOUNT_ID, r.stdout)
        self.assertIn("user/vpcflow-test", r.stdout)

    def test_logs_json(self):
        self.emu.client("logs").create_log_group(logGroupName="/vpcflow/retry-test")
        r = self.rawcall("json", "logs", "us-east-1", "DescribeLogGroups",
                         '{"logGroupNamePrefix": "/vpcflow/"}')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("/vpcflow/retry-test", r.stdout)

    def test_wrong_secret(self):
        for args, code in ((("query", "ec2", "us-east-1", "DescribeVpcs"), "AuthFailure"),
                           (("query", "sts", "us-east-1", "GetCallerIdentity"),
                            "SignatureDoesNotMatch")):
            r = self.rawcall(*args, AWS_SECRET_ACCESS_KEY="not-the-secret")
            self.assertEqual(r.returncode, 1, r.stdout)
            lines = r.stderr.splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertRegex(lines[0], r"^error: %s: %s: .* attempts=1 http=40[13]$"
                             % (args[3], code))

    def test_retry_is_signed_again(self):
        """A throttled first attempt, then the real one, through the fault
        server's proxy to moto: the retry carries a valid signature."""
        with Proxied(self, [{"status": 503, "body": THROTTLED_EC2}]) as px:
            r = self.run_tool("rawcall", "query", "ec2", "us-east-1", "DescribeVpcs",
                              env=px.env(VPCFLOW_RETRY_BASE_MS="5"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.splitlines()[0], "ok attempts=2")
            self.assertEqual([q["rule"] for q in px.requests()], [0, "upstream"])


if __name__ == "__main__":
    unittest.main()
