"""The credentials chain end to end: tests/tools/credsdrv resolves it as vpcflow
does, against moto (STS AssumeRole and AssumeRoleWithWebIdentity, with
signature checking on), and against tests/tools/metadata_server.py (IMDSv2, ECS
container credentials, the SSO portal). Every test has its own HOME."""

import datetime
import hashlib
import json
import os
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

import harness

CREDSDRV = os.path.join(harness.TOOLS, "credsdrv")
METADATA_SERVER = os.path.join(harness.SOURCE_DIR, "tests", "tools", "metadata_server.py")
ACCOUNT = harness.ACCOUNT_ID


class MetadataServer:
    """tests/tools/metadata_server.py on a free loopback port."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, METADATA_SERVER, *args],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError("metadata server did not start: %r" % line)
        self.url = "http://127.0.0.1:%d" % int(line.split()[1])

    def requests(self):
        with urllib.request.urlopen(self.url + "/_stats", timeout=5) as r:
            return json.load(r)["requests"]

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc.stdout.close()
            self.proc = None


def parse(line):
    return dict(part.split("=", 1) for part in line.split())


class CredsTest(harness.EmulatorTestCase):

    def env(self, **extra):
        """No AWS_* of the developer's, a private HOME, IMDS off unless a test
        turns it on; extra values of None remove a variable."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"HOME": self.home, "AWS_REGION": "us-east-1",
                    "AWS_EC2_METADATA_DISABLED": "true"})
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def credsdrv(self, *args, env=None):
        return harness.run([CREDSDRV, *args], env=env or self.env(), timeout=60)

    def resolve(self, *args, env=None):
        """Runs credsdrv, expects success; returns the parsed first line and
        the identity line, if asked for."""
        r = self.credsdrv(*args, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        fields = parse(lines[0])
        self.assertNotIn("secret", r.stdout.lower())
        if "--identity" in args:
            self.assertTrue(lines[-1].startswith("identity="), r.stdout)
            fields["identity"] = lines[-1].split("=", 1)[1]
        return fields, r

    def write(self, relpath, text, mode=0o600):
        path = os.path.join(self.home, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def server(self, *args):
        s = MetadataServer(*args)
        self.addCleanup(s.stop)
        return s

    def emu_keys(self):
        return ("aws_access_key_id = %s\naws_secret_access_key = %s\n"
                % (self.emu.access_key, self.emu.secret_key))

    def allow_unsigned_calls(self, n):
        """moto cannot check an unsigned call (AssumeRoleWithWebIdentity) while
        it checks signatures: let the next n calls through unchecked."""
        req = urllib.request.Request(self.emu.url + "/moto-api/reset-auth",
                                     data=str(n).encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).close()

    def make_role(self, name, principals=None):
        iam = self.emu.client("iam")
        principals = principals or ["arn:aws:iam::%s:user/vpcflow-test" % ACCOUNT]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"],
                "Principal": {"AWS": principals}}]}))
        iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        return "arn:aws:iam::%s:role/%s" % (ACCOUNT, name)

    # ---- EC2 instance metadata ----

    def test_imds_v2_token_first(self):
        md = self.server("--role", "web-server")
        # the server refuses IMDSv1
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(md.url + "/latest/meta-data/iam/security-credentials/",
                                   timeout=5)
        self.assertEqual(cm.exception.code, 401)
        seen = len(md.requests())
        env = self.env(AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=md.url + "/")
        fields, r = self.resolve("--twice", env=env)
        self.assertEqual(fields["source"], "imds")
        self.assertEqual(fields["access_key_id"], "ASIAIMDSEXAMPLE00000")
        self.assertEqual(fields["has_token"], "1")
        self.assertGreater(int(fields["expires"]), datetime.datetime.now().timestamp() + 3600)
        self.assertEqual(len(r.stdout.splitlines()), 2)
        reqs = md.requests()[seen:]
        self.assertEqual(reqs[0]["method"], "PUT")
        self.assertEqual(reqs[0]["path"], "/latest/api/token")
        self.assertEqual(reqs[0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"], "21600")
        gets = [q for q in reqs if q["method"] == "GET"]
        self.assertEqual([q["path"] for q in gets],
                         ["/latest/meta-data/iam/security-credentials/",
                          "/latest/meta-data/iam/security-credentials/web-server"])
        for q in gets:
            self.assertIn("x-aws-ec2-metadata-token", q["headers"])

    def test_imds_disabled_or_without_role(self):
        md = self.server("--role", "")
        env = self.env(AWS_EC2_METADATA_SERVICE_ENDPOINT=md.url)
        r = self.credsdrv(env=env)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(md.requests(), [])
        r = self.credsdrv(env=self.env(AWS_EC2_METADATA_DISABLED=None,
                                       AWS_EC2_METADATA_SERVICE_ENDPOINT=md.url))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no AWS credentials found", r.stdout)
        self.assertEqual(len(md.requests()), 2)  # token, then an empty role list

    # ---- ECS / EKS container credentials ----

    def test_container_full_uri_with_auth_token(self):
        md = self.server("--container-auth", "Bearer abc123", "--container-path", "/creds")
        full = md.url + "/creds"
        fields, _ = self.resolve(env=self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full,
                                              AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer abc123"))
        self.assertEqual(fields["source"], "container")
        self.assertEqual(fields["access_key_id"], "ASIACONTAINEREXAMPLE")
        self.assertEqual(fields["has_token"], "1")
        self.assertEqual(md.requests()[0]["headers"]["authorization"], "Bearer abc123")
        # the token file wins over the variable and is read as it is now
        path = self.write("token", "Bearer abc123\n")
        fields, _ = self.resolve(env=self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full,
                                              AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong",
                                              AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=path))
        self.assertEqual(fields["source"], "container")
        r = self.credsdrv(env=self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full,
                                       AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP 401", r.stdout)
        self.assertNotIn("wrong", r.stdout)

    def test_container_full_uri_must_be_local_or_https(self):
        r = self.credsdrv(env=self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.10/creds"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("host '192.0.2.10' is not allowed", r.stdout)

    # ---- STS, against moto ----

    def test_web_identity(self):
        role = self.make_role("web-role")
        token = self.write("token.jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln")
        env = self.env(AWS_ENDPOINT_URL=self.emu.url, AWS_WEB_IDENTITY_TOKEN_FILE=token,
                       AWS_ROLE_ARN=role, AWS_ROLE_SESSION_NAME="wi-session")
        self.allow_unsigned_calls(1)
        fields, _ = self.resolve("--identity", env=env)
        self.assertEqual(fields["source"], "web-identity")
        self.assertTrue(fields["access_key_id"].startswith("ASIA"), fields)
        self.assertEqual(fields["has_token"], "1")
        self.assertGreater(int(fields["expires"]), datetime.datetime.now().timestamp())
        self.assertEqual(fields["identity"],
                         "arn:aws:sts::%s:assumed-role/web-role/wi-session" % ACCOUNT)

    def test_assume_role_with_source_profile(self):
        deployer = self.make_role("deployer")
        auditor = self.make_role("auditor", [
            deployer, "arn:aws:sts::%s:assumed-role/deployer/integration" % ACCOUNT])
        self.write(".aws/config",
                   "[profile deploy]\nrole_arn = %s\nsource_profile = base\n"
                   "role_session_name = integration\nduration_seconds = 900\n"
                   "[profile audit]\nrole_arn = %s\nsource_profile = deploy\n"
                   % (deployer, auditor))
        self.write(".aws/credentials", "[base]\n" + self.emu_keys())
        env = self.env(AWS_ENDPOINT_URL=self.emu.url)
        fields, _ = self.resolve("--profile", "deploy", "--identity", env=env)
        self.assertEqual(fields["source"], "assume-role")
        self.assertTrue(fields["access_key_id"].startswith("ASIA"), fields)
        self.assertEqual(fields["identity"],
                         "arn:aws:sts::%s:assumed-role/deployer/integration" % ACCOUNT)
        # a role assumed from a role
        fields, _ = self.resolve("--profile", "audit", "--identity", env=env)
        self.assertEqual(fields["source"], "assume-role")
        self.assertTrue(fields["identity"].startswith(
            "arn:aws:sts::%s:assumed-role/auditor/vpcflow-" % ACCOUNT), fields)
        # boto3 agrees that the source keys are the test user's
        ident = self.emu.client("sts").get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/vpcflow-test" % ACCOUNT)

    def test_source_profile_loop_is_named(self):
        self.write(".aws/config",
                   "[profile a]\nrole_arn = arn:aws:iam::%s:role/a\nsource_profile = b\n"
                   "[profile b]\nrole_arn = arn:aws:iam::%s:role/b\nsource_profile = a\n"
                   % (ACCOUNT, ACCOUNT))
        r = self.credsdrv("--profile", "a")
        self.assertEqual(r.returncode, 2)
        self.assertIn("loop: a -> b -> a", r.stdout)

    # ---- SSO ----

    def sso_cache(self, key, token, expires):
        name = hashlib.sha1(key.encode()).hexdigest()
        self.write(".aws/sso/cache/%s.json" % name, json.dumps(
            {"startUrl": "https://example.awsapps.com/start", "region": "eu-west-1",
             "accessToken": token, "expiresAt": expires}))

    def test_sso_session_and_legacy(self):
        md = self.server("--sso-token", "portal-token")
        self.write(".aws/config",
                   "[profile sso]\nsso_session = corp\nsso_account_id = %s\n"
                   "sso_role_name = ReadOnly\n"
                   "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n"
                   "sso_region = eu-west-1\n"
                   "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"
                   "sso_region = eu-west-1\nsso_account_id = %s\nsso_role_name = Admin\n"
                   % (ACCOUNT, ACCOUNT))
        future = (datetime.datetime.now(datetime.timezone.utc)
                  + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.sso_cache("corp", "portal-token", future)
        env = self.env(AWS_ENDPOINT_URL_SSO=md.url)
        fields, _ = self.resolve("--profile", "sso", env=env)
        self.assertEqual(fields["source"], "sso")
        self.assertEqual(fields["access_key_id"], "ASIASSOEXAMPLE000000")
        self.assertEqual(fields["has_token"], "1")
        req = md.requests()[0]
        self.assertEqual(req["path"], "/federation/credentials?account_id=%s&role_name=ReadOnly"
                         % ACCOUNT)
        self.assertEqual(req["headers"]["x-amz-sso_bearer_token"], "portal-token")

        # legacy form: the cache is keyed by the start URL; a stale token fails
        r = self.credsdrv("--profile", "legacy", env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("run aws sso login --profile legacy", r.stdout)
        self.sso_cache("https://legacy.awsapps.com/start", "portal-token",
                       "2020-01-01T00:00:00UTC")
        r = self.credsdrv("--profile", "legacy", env=env)
        self.assertIn("expired at 2020-01-01T00:00:00UTC: run aws sso login --profile legacy",
                      r.stdout)
        self.sso_cache("https://legacy.awsapps.com/start", "revoked", future)
        r = self.credsdrv("--profile", "legacy", env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("rejected the token", r.stdout)
        self.assertNotIn("revoked", r.stdout)
        self.sso_cache("https://legacy.awsapps.com/start", "portal-token", future)
        fields, _ = self.resolve("--profile", "legacy", env=env)
        self.assertEqual(fields["source"], "sso")

    # ---- credential_process ----

    def test_credential_process(self):
        expires = (datetime.datetime.now(datetime.timezone.utc)
                   + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        script = self.write("bin/creds helper.sh",
                            "#!/bin/sh\n[ \"$1\" = --json ] || exit 7\n"
                            "cat <<JSON\n%s\nJSON\n" % json.dumps({
                                "Version": 1, "AccessKeyId": self.emu.access_key,
                                "SecretAccessKey": self.emu.secret_key,
                                "Expiration": expires}), mode=0o700)
        failing = self.write("bin/fail.sh", "#!/bin/sh\necho 'sso session expired' >&2\nexit 3\n",
                             mode=0o700)
        self.write(".aws/config",
                   "[default]\ncredential_process = '%s' --json\n"
                   "[profile broken]\ncredential_process = %s\n" % (script, failing))
        fields, _ = self.resolve("--identity", env=self.env(AWS_ENDPOINT_URL=self.emu.url))
        self.assertEqual(fields["source"], "process")
        self.assertEqual(fields["access_key_id"], self.emu.access_key)
        self.assertEqual(fields["has_token"], "0")
        self.assertNotEqual(fields["expires"], "0")
        self.assertEqual(fields["identity"], "arn:aws:iam::%s:user/vpcflow-test" % ACCOUNT)
        r = self.credsdrv("--profile", "broken")
        self.assertEqual(r.returncode, 1)
        self.assertIn("credential_process of profile 'broken' failed with exit status 3: "
                      "sso session expired", r.stdout)

    # ---- the order ----

    def test_env_beats_profile(self):
        self.write(".aws/credentials",
                   "[default]\naws_access_key_id = AKIAPROFILE000000000\n"
                   "aws_secret_access_key = not-used\n")
        env = self.env(AWS_ENDPOINT_URL=self.emu.url, AWS_ACCESS_KEY_ID=self.emu.access_key,
                       AWS_SECRET_ACCESS_KEY=self.emu.secret_key)
        fields, _ = self.resolve("--identity", env=env)
        self.assertEqual(fields["source"], "environment")
        self.assertEqual(fields["access_key_id"], self.emu.access_key)
        # AWS_PROFILE keeps the environment first; --profile skips it, as the CLI
        self.write(".aws/credentials", "[p]\n" + self.emu_keys() + "[default]\n"
                   "aws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = x\n")
        env.update(AWS_ACCESS_KEY_ID="AKIAENVIRONMENT00000", AWS_PROFILE="p")
        fields, _ = self.resolve(env=env)
        self.assertEqual(fields["source"], "environment")
        fields, _ = self.resolve("--profile", "p", "--identity", env=env)
        self.assertEqual(fields["source"], "profile")
        self.assertEqual(fields["identity"], "arn:aws:iam::%s:user/vpcflow-test" % ACCOUNT)

    def test_profile_beats_imds(self):
        md = self.server()
        self.write(".aws/credentials", "[default]\n" + self.emu_keys(), mode=0o644)
        env = self.env(AWS_ENDPOINT_URL=self.emu.url, AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=md.url)
        fields, r = self.resolve("--identity", env=env)
        self.assertEqual(fields["source"], "profile")
        self.assertEqual(md.requests(), [])
        # the credentials file was readable by others: one warning
        self.assertEqual(r.stderr.count("is readable by other users; run chmod 600"), 1)

    def test_missing_profile_and_nothing_found(self):
        r = self.credsdrv("--profile", "ghost")
        self.assertEqual(r.returncode, 2)
        self.assertIn("profile 'ghost' not found in %s/.aws/config or %s/.aws/credentials"
                      % (self.home, self.home), r.stdout)
        r = self.credsdrv()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout.strip(),
                         "error: no AWS credentials found: tried environment, profile "
                         "'default', container, instance metadata; set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY or configure a profile")


if __name__ == "__main__":
    unittest.main()
