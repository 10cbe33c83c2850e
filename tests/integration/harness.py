"""Shared fixtures for the integration tests: a moto server with signature
checking on, boto3 clients to check AWS state independently of vpcflow, and
helpers to run vpcflow and the test tools.

Each test module starts its own emulator on a free loopback port, so modules
can run in parallel under ctest -j.
"""

import json
import os
import pty
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("VPCFLOW_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
VPCFLOW = os.environ.get("VPCFLOW_BIN", os.path.join(SOURCE_DIR, "build", "dev", "vpcflow"))
TOOLS = os.environ.get("VPCFLOW_TOOLS", os.path.join(SOURCE_DIR, "build", "dev", "tests"))
ACCOUNT_ID = "123456789012"

# Actions moto lets through unauthenticated before it starts checking
# signatures: CreateUser, CreatePolicy, AttachUserPolicy, CreateAccessKey.
_BOOTSTRAP_ACTIONS = 4


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc=None, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not start" % port)


class Emulator:
    """moto in server mode with SigV4 checking and IAM enforcement on.

    After start(), access_key/secret_key belong to an IAM user with an
    allow-everything policy; requests signed with anything else fail."""

    def __init__(self, auth=True):
        self.auth = auth
        self.port = None
        self.proc = None
        self.log = None
        self.access_key = "AKIAIOSFODNN7EXAMPLE"
        self.secret_key = "bootstrap-secret"

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.port = free_port()
        env = dict(os.environ)
        if self.auth:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(_BOOTSTRAP_ACTIONS)
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_for_port(self.port, self.proc)
        if self.auth:
            iam = self.client("iam")
            iam.create_user(UserName="vpcflow-test")
            arn = iam.create_policy(
                PolicyName="everything",
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
            iam.attach_user_policy(UserName="vpcflow-test", PolicyArn=arn)
            key = iam.create_access_key(UserName="vpcflow-test")["AccessKey"]
            self.access_key = key["AccessKeyId"]
            self.secret_key = key["SecretAccessKey"]
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.log is not None:
            self.log.close()
            os.unlink(self.log.name)
            self.log = None

    def client(self, service, region="us-east-1"):
        return boto3.client(
            service, endpoint_url=self.url, region_name=region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=botocore.config.Config(retries={"max_attempts": 1}))

    def env(self, region="us-east-1", home=None, **extra):
        """An environment for vpcflow: the test user's keys, the emulator as
        the endpoint, and a HOME with no AWS config of the developer's."""
        return offline_env(region, home, **dict({
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.url,
        }, **extra))


def offline_env(region="us-east-1", home=None, **extra):
    """An environment for vpcflow with none of the developer's AWS settings:
    made-up keys, no instance metadata, HOME home; then extra (an endpoint,
    real keys)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    if home is not None:
        env["HOME"] = home
    env.update(extra)
    return env


class EmulatorTestCase(unittest.TestCase):
    """A TestCase with one emulator per class, and a private HOME per test."""

    auth = True

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(auth=cls.auth).start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="vpcflow-home-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)

    def run_vpcflow(self, *args, env=None, input=None, timeout=120):
        return run([VPCFLOW, *args], env=env or self.emu.env(home=self.home),
                   input=input, timeout=timeout)

    def run_tool(self, tool, *args, env=None, timeout=120):
        return run([os.path.join(TOOLS, tool), *args],
                   env=env or self.emu.env(home=self.home), timeout=timeout)


def run_on_terminal(argv, env, stream="stdout", timeout=120):
    """Runs argv with stream ("stdout" or "stderr") on a pseudo-terminal and
    the other one piped: (exit code, what the terminal got with newlines as
    written, the other stream's text)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=slave if stream == "stdout" else subprocess.PIPE,
                                stderr=slave if stream == "stderr" else subprocess.PIPE)
    finally:
        os.close(slave)
    other = proc.stderr if stream == "stdout" else proc.stdout
    got = []
    reader = threading.Thread(target=lambda: got.append(other.read()))
    reader.start()  # both at once: neither side can fill up and block vpcflow
    terminal = read_pty(master).replace("\r\n", "\n")
    reader.join(timeout)
    other.close()
    return proc.wait(timeout=timeout), terminal, b"".join(got).decode(errors="replace")


def read_pty(master):
    """Every byte a pseudo-terminal got, read until its other side is closed
    (reading says EIO then); closes master. Read while the program runs, so
    that a long output cannot fill the terminal and block it."""
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


def run(argv, env=None, input=None, timeout=120):
    return subprocess.run(argv, env=env, input=input, capture_output=True, text=True,
                          timeout=timeout)
