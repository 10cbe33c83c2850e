"""Secrets and transport security: --debug and error output never show the
secret key, the session token or a request signature, whatever the command;
TLS certificates are always verified (AWS_CA_BUNDLE adds trust, nothing turns
verification off); a shared credentials file readable by others is warned
about.

The emulator (moto) checks signatures; vpcflow runs with temporary
credentials from STS AssumeRole, so every request carries a session token. A
fault server in front of the emulator logs each request, which is where the
test reads the signatures vpcflow sent."""

import http.server
import json
import os
import re
import shutil
import ssl
import stat
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

import harness
from apply_support import Proxied

ACCOUNT = harness.ACCOUNT_ID
TUTORIAL = os.path.join(harness.SOURCE_DIR, "examples", "tutorial.json")
LOG_GROUP = "/vpcflow/hardening"
SIGNATURE_RE = re.compile(r"Signature=([0-9a-f]{16,})")
CANNED_FLOW_LOGS = os.path.join(harness.SOURCE_DIR, "tests", "data", "responses", "ec2",
                                "describe_flow_logs_page2.xml")
CANNED_FLOW_LOG_ID = "fl-0a1b2c3d4e5f60003"

# Harmless arguments for each command, in an emulator. A command not listed
# here (one that landed after this test) gets arguments from its usage: the
# tutorial spec if it takes a spec, --regions us-east-1 and --yes if it has
# them.
COMMAND_ARGS = {
    "help": [[], ["list"]],
    "validate": [[TUTORIAL]],
    "list": [["--regions", "us-east-1"], ["--regions", "us-east-1", "--output", "json"]],
    "audit": [["--regions", "us-east-1"]],
    "retention": [["show", "--regions", "us-east-1"]],
    "logs": [["--log-group", LOG_GROUP, "--since", "1h"]],
    "plan": [[TUTORIAL, "--regions", "us-east-1"]],
    "apply": [[TUTORIAL, "--regions", "us-east-1", "--yes"]],
    "destroy": [[TUTORIAL, "--regions", "us-east-1", "--yes"]],
}
# Commands that always call AWS with these arguments: their debug log must
# show signed requests, so that the test cannot pass on an empty log.
CALLS_AWS = {"list", "audit", "retention", "logs"}


def vpcflow_commands():
    """The command names `vpcflow --help` lists."""
    out = harness.run([harness.VPCFLOW, "--help"]).stdout
    names, inside = [], False
    for line in out.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            names.append(line.split()[0])
    return names


def args_from_usage(command):
    """Arguments for a command this test does not know, from its help."""
    usage = harness.run([harness.VPCFLOW, "help", command]).stdout
    args = []
    if re.search(r"\bSPEC\b", usage.split("\n\n")[0]):
        args.append(TUTORIAL)
    if "--regions" in usage:
        args += ["--regions", "us-east-1"]
    if re.search(r"--yes\b", usage):
        args.append("--yes")
    return [args]


class DebugSecretsTest(harness.EmulatorTestCase):
    """Every command, run with --debug on temporary credentials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.emu.client("iam")
        iam.create_role(RoleName="hardening", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::%s:user/vpcflow-test" % ACCOUNT}}]}))
        iam.put_role_policy(RoleName="hardening", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        cls.role_arn = "arn:aws:iam::%s:role/hardening" % ACCOUNT
        cls.creds = cls.emu.client("sts").assume_role(
            RoleArn=cls.role_arn, RoleSessionName="hardening")["Credentials"]
        ec2 = cls.emu.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        ec2.create_vpc(CidrBlock="10.10.0.0/16")
        logs = cls.emu.client("logs")
        logs.create_log_group(logGroupName=LOG_GROUP)
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="eni-0abc-all")
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                             LogGroupName=LOG_GROUP,
                             DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % ACCOUNT)

    def setUp(self):
        super().setUp()
        self.proxy = self.enterContext(Proxied(self))

    def env(self, **extra):
        """Temporary credentials, requests through the logging proxy."""
        return self.proxy.env(**dict({
            "AWS_ACCESS_KEY_ID": self.creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": self.creds["SessionToken"]}, **extra))

    def sent(self, header):
        """The values of a header in the requests the proxy saw."""
        values = []
        for r in self.proxy.requests():
            for name, value in r["headers"].items():
                if name.lower() == header.lower():
                    values.append(value)
        return values

    def assert_no_secret(self, what, text, secrets):
        for secret in secrets:
            if secret:
                self.assertNotIn(secret, text, "%s shows a secret" % what)
        m = SIGNATURE_RE.search(text)
        self.assertIsNone(m, "%s shows a signature: %s" % (what, m and m.group(0)))

    def signatures(self):
        return [m.group(1) for a in self.sent("Authorization")
                for m in [SIGNATURE_RE.search(a)] if m]

    def test_every_command_keeps_secrets_out_of_debug(self):
        commands = vpcflow_commands()
        self.assertIn("list", commands)
        secrets = [self.creds["SecretAccessKey"], self.creds["SessionToken"],
                   self.emu.secret_key]
        for command in commands:
            for args in COMMAND_ARGS.get(command) or args_from_usage(command):
                with self.subTest(command=command, args=args):
                    before = len(self.proxy.requests())
                    proc = self.run_vpcflow(command, "--debug", *args, env=self.env(),
                                            input="")
                    self.assertGreaterEqual(proc.returncode, 0,
                                            "killed by a signal:\n" + proc.stderr)
                    output = proc.stdout + proc.stderr
                    self.assert_no_secret("vpcflow %s --debug" % command, output,
                                          secrets + self.signatures())
                    if command in CALLS_AWS:
                        self.assertGreater(len(self.proxy.requests()), before)
                        self.assertRegex(proc.stderr, r"Authorization: AWS4-HMAC-SHA256 "
                                         r"Credential=%s/" % self.creds["AccessKeyId"])
                        self.assertIn("Signature=<redacted>", proc.stderr)
                        self.assertRegex(proc.stderr, r"X-Amz-Security-Token: <redacted>")
        # the requests did carry what the output must not show
        self.assertIn(self.creds["SessionToken"], self.sent("X-Amz-Security-Token"))
        self.assertTrue(self.signatures())

    def test_assumed_role_answer_is_redacted(self):
        """The chain's own AssumeRole: its answer holds the new secret and
        token, and --debug logs that answer."""
        os.makedirs(os.path.join(self.home, ".aws"))
        with open(os.path.join(self.home, ".aws", "config"), "w") as f:
            f.write("[profile chained]\nrole_arn = %s\nsource_profile = base\n" % self.role_arn)
        path = os.path.join(self.home, ".aws", "credentials")
        with open(path, "w") as f:
            f.write("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (self.emu.access_key, self.emu.secret_key))
        os.chmod(path, 0o600)
        env = self.proxy.env()
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        proc = self.run_vpcflow("list", "--debug", "--profile", "chained", "--regions",
                                "us-east-1", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        tokens = self.sent("X-Amz-Security-Token")
        self.assertTrue(tokens, "the assumed role's token was never used")
        self.assertIn("AssumeRole", proc.stderr)
        shown = re.findall(r"<SecretAccessKey>(.*?)</SecretAccessKey>", proc.stderr)
        self.assertTrue(shown, "the AssumeRole answer is not in the debug log")
        self.assertEqual(set(shown), {"<redacted>"})
        self.assert_no_secret("vpcflow list --debug --profile", proc.stdout + proc.stderr,
                              [self.emu.secret_key] + tokens + self.signatures())

    def test_wrong_secret_error_shows_no_secret(self):
        wrong = "Wr0ngSecretKeyForTheHardeningTest/abcdefgh"
        proc = self.run_vpcflow("list", "--regions", "us-east-1", "--debug",
                                env=self.env(AWS_SECRET_ACCESS_KEY=wrong))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertRegex(proc.stderr, r"DescribeFlowLogs: (SignatureDoesNotMatch|AuthFailure)")
        self.assert_no_secret("a signature error", proc.stdout + proc.stderr,
                              [wrong, self.creds["SessionToken"]] + self.signatures())

    def test_signature_echoed_by_s3_stays_out_of_debug(self):
        """S3 answers SignatureDoesNotMatch with the signature it was given
        (<SignatureProvided>): the debug log of that answer must hide it."""
        seen = []
        server = EchoSignatureServer(seen)
        self.addCleanup(server.stop)
        env = self.env(AWS_ENDPOINT_URL=server.url)
        for args in (["logs", "--bucket", "flow-logs", "--prefix", "p", "--since", "1h"],
                     ["list", "--regions", "us-east-1"]):
            with self.subTest(args=args):
                proc = self.run_vpcflow("--debug", "--max-attempts", "1", *args, env=env)
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertIn("SignatureDoesNotMatch", proc.stderr)
                self.assertTrue(seen)
                self.assert_no_secret("an answer echoing the signature",
                                      proc.stdout + proc.stderr,
                                      seen + [self.creds["SessionToken"]])


class EchoSignatureServer:
    """A local HTTP server answering every request as S3 answers a bad
    signature, quoting the request's signature back."""

    def __init__(self, seen):
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                m = SIGNATURE_RE.search(self.headers.get("Authorization", ""))
                sig = m.group(1) if m else ""
                seen.append(sig)
                body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
                        "<Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                        "calculated does not match the signature you provided. Check your key "
                        "and signing method.</Message><AWSAccessKeyId>ASIAEXAMPLE"
                        "</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256</StringToSign>"
                        "<SignatureProvided>%s</SignatureProvided><RequestId>R1</RequestId>"
                        "<HostId>H1</HostId></Error>" % sig).encode()
                self.send_response(403)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_cert(directory, name, san):
    """A self-signed certificate (also its own CA) for san, e.g.
    "IP:127.0.0.1"; returns (cert path, key path)."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", key, "-out", cert, "-subj", "/CN=vpcflow-test-" + name,
                    "-addext", "subjectAltName=" + san],
                   check=True, capture_output=True)
    return cert, key


class CannedHTTPSServer:
    """A local HTTPS server answering DescribeFlowLogs with a canned page and
    anything else with an EC2 error; counts the requests that got through."""

    def __init__(self, cert, key):
        with open(CANNED_FLOW_LOGS, "rb") as f:
            page = f.read()
        self.requests = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                action = urllib.parse.parse_qs(body.decode()).get("Action", [""])[0]
                requests.append(action)
                if action == "DescribeFlowLogs":
                    status, answer = 200, page
                else:
                    status, answer = 400, (
                        b"<Response><Errors><Error><Code>InvalidAction</Code><Message>not "
                        b"canned</Message></Error></Errors><RequestID>r</RequestID></Response>")
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # handshakes the client refuses are expected

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@unittest.skipUnless(shutil.which("openssl"), "needs the openssl command")
class TLSTest(unittest.TestCase):
    """Certificates are verified against the system store or AWS_CA_BUNDLE."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="vpcflow-tls-")
        cls.cert, key = make_cert(cls.dir, "server", "IP:127.0.0.1")
        cls.other_ca, _ = make_cert(cls.dir, "other", "IP:127.0.0.1")
        cls.named, named_key = make_cert(cls.dir, "named", "DNS:localhost")
        cls.server = CannedHTTPSServer(cls.cert, key)
        cls.named_server = CannedHTTPSServer(cls.named, named_key)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.named_server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def list_flow_logs(self, server, *args, **env):
        base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                     "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": server.url,
                     "AWS_EC2_METADATA_DISABLED": "true", "HOME": self.dir})
        base.update(env)
        return harness.run([harness.VPCFLOW, "list", "--regions", "us-east-1", *args],
                           env=base, timeout=60)

    def assert_certificate_error(self, proc, server, before):
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertRegex(lines[0], r"^vpcflow: ")
        self.assertRegex(lines[0].lower(), r"certificate")
        self.assertNotIn(CANNED_FLOW_LOG_ID, proc.stdout)
        self.assertEqual(len(server.requests), before, "a request got through")

    def test_untrusted_certificate_is_a_clear_error(self):
        before = len(self.server.requests)
        proc = self.list_flow_logs(self.server)
        self.assert_certificate_error(proc, self.server, before)

    def test_ca_bundle_adds_trust(self):
        before = len(self.server.requests)
        proc = self.list_flow_logs(self.server, "--output", "json", AWS_CA_BUNDLE=self.cert)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ids = [fl["flowLogId"] for fl in json.loads(proc.stdout)["flowLogs"]]
        self.assertEqual(ids, [CANNED_FLOW_LOG_ID])
        self.assertEqual(self.server.requests[before:], ["DescribeFlowLogs"])

    def test_other_ca_is_refused(self):
        before = len(self.server.requests)
        proc = self.list_flow_logs(self.server, AWS_CA_BUNDLE=self.other_ca)
        self.assert_certificate_error(proc, self.server, before)

    def test_certificate_for_another_name_is_refused(self):
        before = len(self.named_server.requests)
        proc = self.list_flow_logs(self.named_server, AWS_CA_BUNDLE=self.named)
        self.assert_certificate_error(proc, self.named_server, before)

    def test_verification_cannot_be_turned_off(self):
        before = len(self.server.requests)
        # the AWS CLI's switch is not an option of vpcflow
        proc = self.list_flow_logs(self.server, "--no-verify-ssl")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("--no-verify-ssl", proc.stderr)
        # nor do the variables other tools read turn it off
        proc = self.list_flow_logs(self.server, AWS_CA_BUNDLE="", CURL_CA_BUNDLE="",
                                   PYTHONHTTPSVERIFY="0", CURLOPT_SSL_VERIFYPEER="0",
                                   GIT_SSL_NO_VERIFY="1", NODE_TLS_REJECT_UNAUTHORIZED="0")
        self.assert_certificate_error(proc, self.server, before)


class CredentialsFilePermissionsTest(harness.EmulatorTestCase):
    """The shared credentials file holds secrets: readable by others, it is
    warned about, naming the file and the fix."""

    def run_with_credentials_file(self, mode):
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        path = os.path.join(self.home, ".aws", "credentials")
        with open(path, "w") as f:
            f.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (self.emu.access_key, self.emu.secret_key))
        os.chmod(path, mode)
        env = self.emu.env(home=self.home)
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        proc = self.run_vpcflow("list", "--regions", "us-east-1", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn(self.emu.secret_key, proc.stdout + proc.stderr)
        return path, proc

    def test_world_readable_file_is_warned_about(self):
        for mode in (0o644, 0o640, 0o604):
            with self.subTest(mode=oct(mode)):
                path, proc = self.run_with_credentials_file(mode)
                warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
                self.assertEqual(len(warnings), 1, proc.stderr)
                self.assertIn(path, warnings[0])
                self.assertIn("readable by other users", warnings[0])
                self.assertIn("chmod 600", warnings[0])

    def test_private_file_is_not_warned_about(self):
        for mode in (0o600, 0o400):
            with self.subTest(mode=oct(mode)):
                path, proc = self.run_with_credentials_file(mode)
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), mode)
                self.assertNotIn("warning", proc.stderr)


if __name__ == "__main__":
    unittest.main()
