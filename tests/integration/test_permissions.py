"""Least privilege, proved against moto with signature checking and IAM policy
enforcement on.

tests/data/iam/permissions.json lists, per command variant, the IAM actions
vpcflow needs. For each variant a user (or, for the member accounts of
`audit --org`, a role) whose policy grants exactly those actions runs the
command successfully; then, for each action, one whose policy lacks only that
action runs it again and must fail with exit code 1 and a message naming the
operation and the denial. An action marked optional must instead leave a
warning that names the operation and the action, and the command goes on.

moto does not check every action AWS checks: the ones it lets through are in
NOT_ENFORCED_BY_EMULATOR, each with the reason, and the test fails as soon as
one of them is enforced (or another action is not), so the list stays true.
The README's ready-to-paste policies hold exactly the actions of their
variants (DocumentTest)."""

import concurrent.futures
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import boto3
import botocore.config

import harness
from apply_support import fault_server, write_spec

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "bench"))
import logs_model as model  # noqa: E402

ACCOUNT = harness.ACCOUNT_ID
DATA = os.path.join(harness.SOURCE_DIR, "tests", "data", "iam")
EXIT_OK, EXIT_AWS, EXIT_FINDINGS = 0, 1, 3
WORKERS = 4

with open(os.path.join(DATA, "permissions.json"), encoding="utf-8") as _f:
    PERMISSIONS = json.load(_f)
VARIANTS = {v["name"]: v for v in PERMISSIONS["variants"]}

# (action, operation where AWS checks it): why moto lets the call through
# without the action. The test fails when one of these starts being enforced.
NOT_ENFORCED_BY_EMULATOR = {
    ("iam:PassRole", "CreateFlowLogs"):
        "moto's CreateFlowLogs does not check that the caller may pass the delivery role",
    ("ec2:CreateTags", "CreateFlowLogs"):
        "moto does not authorize the tags of a create call (tag-on-create) separately",
    ("iam:TagRole", "CreateRole"):
        "moto does not authorize the tags of CreateRole separately",
    ("logs:TagResource", "CreateLogGroup"):
        "moto does not authorize the tags of CreateLogGroup separately",
    ("logs:CreateLogDelivery", "CreateFlowLogs"):
        "moto has no log delivery behind flow logs to S3 and Firehose",
    ("logs:DeleteLogDelivery", "DeleteFlowLogs"):
        "moto has no log delivery behind flow logs to S3 and Firehose",
    ("firehose:TagDeliveryStream", "CreateFlowLogs"):
        "moto does not tag the stream for log delivery",
    ("iam:CreateServiceLinkedRole", "CreateFlowLogs"):
        "moto does not create the log-delivery service-linked role",
    ("s3:PutBucketPublicAccessBlock", "PutPublicAccessBlock"):
        "moto authorizes PutPublicAccessBlock as s3:CreateBucket",
    ("s3:PutEncryptionConfiguration", "PutBucketEncryption"):
        "moto authorizes PutBucketEncryption as s3:CreateBucket",
}

# Calls moto authorizes under a name IAM does not have: policies grant that
# name beside the real action, and lose both together.
EMULATOR_NAMES = {
    ("s3:ListBucket", "HeadBucket"): "s3:HeadBucket",
}

DENIAL = re.compile(r"AccessDenied|UnauthorizedOperation|not authorized|403 Forbidden")
CUSTOM = ("version vpc-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
          "start end action log-status").split()
ALLOW_ALL = ["*"]

# moto's S3 signature check reads query values decoded ('/' for '%2F') and so
# computes another signature for ListObjectsV2 with a prefix or a delimiter,
# from boto3 too (test_services.NoSignatureCheckTest). Here it encodes them
# again, as SigV4 says, before checking: signatures are still checked, and so
# is IAM.
MOTO = r"""
import sys, urllib.parse
from moto.iam import access_control
from moto.server import main

def encoded(value):
    return urllib.parse.quote(value, safe="-_.~")

original = access_control.S3IAMRequest._create_aws_request

def create_aws_request(self):
    path, sep, query = self._path.partition("?")
    if sep:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        self._path = path + "?" + "&".join(encoded(k) + "=" + encoded(v) for k, v in pairs)
    return original(self)

access_control.S3IAMRequest._create_aws_request = create_aws_request
main(sys.argv[1:])
"""


class Emulator(harness.Emulator):
    """harness.Emulator, with moto's S3 query canonicalization mended."""

    def start(self):
        popen = subprocess.Popen

        def with_mended_moto(argv, **kw):
            if argv[1:3] == ["-m", "moto.server"]:
                argv = [argv[0], "-c", MOTO] + argv[3:]
            return popen(argv, **kw)
        subprocess.Popen = with_mended_moto
        try:
            return super().start()
        finally:
            subprocess.Popen = popen


def policy_document(actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]})


def granted(variant, missing=None):
    """The actions a case's principal gets: the variant's, with the
    emulator's names for them, less the missing one (and its names)."""
    out = set()
    for a in variant["actions"]:
        if a is missing:
            continue
        out.add(a["action"])
        for op in a["operations"]:
            if (a["action"], op) in EMULATOR_NAMES:
                out.add(EMULATOR_NAMES[(a["action"], op)])
    return out


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def post_moto(emu, path, data):
    req = urllib.request.Request(emu.url + path, data=data, method="POST",
                                 headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req).read()


def client_with(emu, creds, service, region="us-east-1"):
    return boto3.client(
        service, endpoint_url=emu.url, region_name=region,
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=botocore.config.Config(retries={"max_attempts": 1}))


class Run:
    """What the cases of a variant run: argv, extra environment, the exit code
    of success, a check of AWS state after the exact policy's run, whether its
    output must equal an admin's, whether it goes through the proxy that
    answers HeadBucket of far buckets with 301, and whether that 301 names the
    bucket's region (x-amz-bucket-region, as S3 sends it) or not."""

    def __init__(self, argv, rc=EXIT_OK, env=None, check=None, same_as_admin=False,
                 proxied=False, names_region=True):
        self.argv = list(argv)
        self.rc = rc
        self.env = env or {}
        self.check = check
        self.same_as_admin = same_as_admin
        self.proxied = proxied
        self.names_region = names_region


class Case:
    def __init__(self, variant, missing):
        self.variant = variant
        self.missing = missing
        self.run = None
        self.keys = None
        self.can_list = False  # whether the policy holds s3:ListBucket
        self.argv = None
        self.env = None
        self.proc = None

    @property
    def label(self):
        what = ("without %s" % self.missing["action"]) if self.missing else "exact"
        return "%s [%s]" % (self.variant["name"], what)


class PermissionsCase(harness.EmulatorTestCase):
    """Runs the variants of VARIANTS: prepare_<variant name> methods return a
    Run; with SHARED (read-only commands) once per variant, else once per
    case, on fresh resources."""

    VARIANTS = ()
    SHARED = True
    REGION = "us-east-1"
    # Regions whose signed HeadBucket of a bucket named perm-far* the proxy
    # answers with 301 (for principals S3 would answer: those with
    # s3:ListBucket), as S3 does for a bucket that lives elsewhere.
    FAR_FROM = ()

    @classmethod
    def setUpClass(cls):
        unittest.TestCase.setUpClass()
        cls.emu = Emulator().start()
        cls.clients = {}
        cls.iam = cls.emu.client("iam")
        cls.principals = 0
        cls.proxy = None
        cls.workdir = tempfile.mkdtemp(prefix="vpcflow-perm-")

    @classmethod
    def tearDownClass(cls):
        if cls.proxy is not None:
            cls.proxy.stop()
        shutil.rmtree(cls.workdir, ignore_errors=True)
        super().tearDownClass()

    def env_for(self, keys, extra):
        env = self.emu.env(region=self.REGION, home=self.workdir)
        env.update(keys)
        env.update(extra)
        return env

    def grant(self, case, actions):
        """A principal whose policy allows exactly actions: returns its keys
        as environment variables, and extra arguments."""
        type(self).principals += 1
        name = "perm-%d" % self.principals
        self.iam.create_user(UserName=name)
        if actions:
            self.iam.put_user_policy(UserName=name, PolicyName="exact",
                                     PolicyDocument=policy_document(actions))
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}, []

    def prepare(self, variant):
        method = "prepare_" + re.sub(r"[^a-z0-9]+", "_", variant["name"].lower()).strip("_")
        return getattr(self, method)()

    def cases(self):
        out, shared = [], {}
        self.seeds = []
        for name in self.VARIANTS:
            v = VARIANTS[name]
            for missing in [None] + v["actions"]:
                case = Case(v, missing)
                if not self.SHARED:
                    case.run = self.prepare(v)
                elif name in shared:
                    case.run = shared[name]
                else:
                    case.run = shared[name] = self.prepare(v)
                actions = granted(v, missing)
                case.keys, argv = self.grant(case, actions)
                case.can_list = "s3:ListBucket" in actions
                case.argv = case.run.argv + argv
                out.append(case)
        self.run_seeds()
        return out

    def start_proxy(self, cases):
        """The proxy in front of moto for proxied runs, if any. Each principal
        gets its own rules (by its key), so a variant can have 301s that do
        not name the region."""
        keys = [(c.keys["AWS_ACCESS_KEY_ID"], c.run.names_region) for c in cases
                if c.run.proxied and c.can_list]
        if not keys:
            return
        keys.append((self.emu.access_key, True))
        days = [time.strftime("%Y%m%d", time.gmtime(time.time() + d)) for d in (0, 86400)]
        rules = [{"match": {"method": "HEAD", "path": "/perm-far", "header_contains": [
                      "Authorization", "Credential=%s/%s/%s/s3/" % (key, day, region)]},
                  "status": 301,
                  "headers": {"x-amz-bucket-region": "eu-west-1"} if names_region else {},
                  "times": -1}
                 for key, names_region in keys for day in days for region in self.FAR_FROM]
        type(self).proxy = fault_server.Process(rules, upstream=self.emu.url).start()

    def run_env(self, run, keys):
        env = self.env_for(keys, run.env)
        if run.proxied:
            env["AWS_ENDPOINT_URL"] = self.proxy.url
        return env

    def execute(self, cases):
        self.start_proxy(cases)
        for case in cases:
            case.env = self.run_env(case.run, case.keys)

        def one(case):
            case.proc = harness.run([harness.VPCFLOW, *case.argv], env=case.env, timeout=120)
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(one, cases))

    def judge(self, case):
        """What is wrong with the case's outcome, or None."""
        p, run, m = case.proc, case.run, case.missing
        said = "exit %d\nstdout: %s\nstderr: %s" % (p.returncode, p.stdout[-1500:],
                                                    p.stderr[-1500:])
        if "AddressSanitizer" in p.stderr or p.returncode < 0:
            return "crashed\n%s" % said
        if m is None:
            if p.returncode != run.rc:
                return "the exact policy is not enough (exit %d, want %d)\n%s" % (
                    p.returncode, run.rc, said)
            if "warning" in p.stderr:
                return "the exact policy leaves warnings\n%s" % said
            return None
        if (m["action"], m["operations"][0]) in NOT_ENFORCED_BY_EMULATOR:
            if p.returncode != run.rc or "warning" in p.stderr:
                return ("the emulator now enforces %s: take it out of NOT_ENFORCED_BY_EMULATOR"
                        "\n%s" % (m["action"], said))
            return None
        # Every command says its errors on stderr (plan --output json also in
        # the JSON).
        said_all = p.stderr
        ops = [op for op in m["operations"] if op in said_all]
        if m.get("optional"):
            if p.returncode != run.rc:
                return "optional, but the command failed\n%s" % said
            if not (ops and m["action"] in p.stderr and "warning" in p.stderr):
                return ("optional: a warning must name the operation and %s\n%s"
                        % (m["action"], said))
            return None
        if p.returncode == run.rc:
            return ("not enforced: the command succeeded without %s (an action it does not "
                    "need, or one for NOT_ENFORCED_BY_EMULATOR)\n%s" % (m["action"], said))
        if p.returncode != EXIT_AWS:
            return "want exit %d for a missing permission\n%s" % (EXIT_AWS, said)
        if not ops:
            return "the message does not name the operation %s\n%s" % (m["operations"], said)
        if not (m["action"] in said_all or DENIAL.search(said_all)):
            return "the message does not say access was denied\n%s" % said
        return None

    def test_each_variant_needs_exactly_its_actions(self):
        cases = self.cases()
        self.execute(cases)
        report = os.environ.get("VPCFLOW_PERMISSIONS_REPORT")
        if report:  # one line per case, for people reading what each denial says
            with open(report, "a", encoding="utf-8") as f:
                for c in cases:
                    lines = [ln for ln in c.proc.stderr.splitlines() if ln.strip()]
                    f.write("%s: exit %d: %s\n" % (c.label, c.proc.returncode,
                                                   lines[0] if lines else "-"))
        admin = {}
        for case in cases:
            with self.subTest(case=case.label):
                problem = self.judge(case)
                self.assertIsNone(problem, problem)
                if case.missing is not None:
                    continue
                if case.run.check:
                    case.run.check()
                if case.run.same_as_admin:
                    if id(case.run) not in admin:
                        admin[id(case.run)] = harness.run(
                            [harness.VPCFLOW, *case.run.argv], env=self.run_env(case.run, {}))
                    self.assertEqual(case.proc.stdout, admin[id(case.run)].stdout,
                                     "the exact policy shows other things than an admin sees")

    # --- seeding ---

    @classmethod
    def client(cls, service, region=None):
        """The admin's client, made once (making one takes a while)."""
        key = (service, region or cls.REGION)
        if key not in cls.clients:
            cls.clients[key] = cls.emu.client(service, key[1])
        return cls.clients[key]

    @classmethod
    def spec_file(cls, name, configs):
        return write_spec(cls.workdir, {"flowLogConfigs": configs}, name + ".json")

    @classmethod
    def seed_apply(cls, name, configs):
        """Makes with the admin's keys what vpcflow apply makes for configs;
        returns the spec file."""
        spec = cls.spec_file(name, configs)
        proc = harness.run([harness.VPCFLOW, "apply", spec, "--yes"],
                           env=cls.emu.env(region=cls.REGION, home=cls.workdir))
        if proc.returncode != 0:
            raise RuntimeError("seeding %s failed:\n%s%s" % (name, proc.stdout, proc.stderr))
        return spec

    def seed_later(self, name, configs, then=None):
        """seed_apply, done with the other cases' seeds side by side once every
        case is prepared, then the callable then; returns the spec file."""
        self.seeds.append((name, configs, then))
        return self.spec_file(name, configs)

    def run_seeds(self):
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda seed: self.seed_apply(seed[0], seed[1]), self.seeds))
        for _, _, then in self.seeds:
            if then:
                then()

    @classmethod
    def far_bucket(cls, name):
        """A bucket in eu-west-1, not vpcflow's, with a policy and lifecycle
        rules of its own."""
        s3 = cls.client("s3", "eu-west-1")
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "Theirs", "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % name}]}))
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={
            "Rules": [{"ID": "theirs", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                       "Expiration": {"Days": 3}}]})

    @classmethod
    def new_vpc(cls, region=None):
        ec2 = cls.client("ec2", region or cls.REGION)
        return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def put_s3_records(s3, bucket, recs, region="us-east-1"):
    """One object of records in the default layout, keyed by the hour after them."""
    g = time.gmtime(int(recs[-1]["start"]) // 3600 * 3600 + 3600)
    key = "AWSLogs/%s/vpcflowlogs/%s/%s/%s_vpcflowlogs_%s_fl-0123456789abcdef0_%s_0001.log.gz" % (
        ACCOUNT, region, time.strftime("%Y/%m/%d", g), ACCOUNT, region,
        time.strftime("%Y%m%dT%H%MZ", g))
    body = "\n".join([" ".join(model.DEFAULT_FIELDS)] + [model.line(r) for r in recs]) + "\n"
    s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(body.encode()))


class ReadTest(PermissionsCase):
    """The read-only commands, in one world that does not change: flow logs
    to CloudWatch Logs (with a custom format), to S3 (a bucket here and one
    in another region) and Firehose, records in both, and what plan reads."""

    VARIANTS = ("validate", "list", "list --regions all", "audit",
                "audit --regions LIST (bucket in another region)",
                "audit --regions LIST (bucket in another region, 301 without its region)",
                "retention show", "retention show --regions all",
                "logs --log-group NAME", "logs --bucket NAME",
                "logs --flow-log-id ID (CloudWatch Logs)", "logs --flow-log-id ID (S3)",
                "logs --file PATH", "plan (CloudWatch Logs)", "plan (S3)",
                "plan (S3, 301 without its region)",
                "plan (Kinesis Data Firehose)", "plan (resource types)")
    FAR = "ap-southeast-2"  # where the flow log into the far bucket is
    FAR_FROM = (FAR, "us-east-1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = int(time.time())
        cls.t0 = now - 2 * 3600 - now % 60
        cls.window = ["--since", iso(cls.t0), "--until", iso(cls.t0 + 3600)]
        ec2 = cls.client("ec2")
        logs = cls.client("logs")
        s3 = cls.client("s3")
        recs = model.make_records(60, cls.t0, 1800, seed=3, extra={"vpc-id": "vpc-0abc"})
        logs.create_log_group(logGroupName="perm-cw")
        logs.create_log_stream(logGroupName="perm-cw", logStreamName="eni-0a1b2c3d4e5f60718-all")
        logs.put_log_events(logGroupName="perm-cw", logStreamName="eni-0a1b2c3d4e5f60718-all",
                            logEvents=[{"timestamp": int(r["start"]) * 1000,
                                        "message": model.line(r, CUSTOM)} for r in recs])
        cls.fl_cw = ec2.create_flow_logs(
            ResourceIds=[cls.new_vpc()], ResourceType="VPC", TrafficType="ALL",
            LogGroupName="perm-cw", DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % ACCOUNT,
            LogFormat=" ".join("${%s}" % f for f in CUSTOM))["FlowLogIds"][0]
        s3.create_bucket(Bucket="perm-logs")
        put_s3_records(s3, "perm-logs", model.make_records(40, cls.t0, 1800, seed=4))
        cls.fl_s3 = ec2.create_flow_logs(
            ResourceIds=[cls.new_vpc()], ResourceType="VPC", TrafficType="ALL",
            LogDestinationType="s3", LogDestination="arn:aws:s3:::perm-logs")["FlowLogIds"][0]
        # A flow log on a subnet: audit reads the subnets only then.
        subnet = ec2.create_subnet(VpcId=cls.new_vpc(), CidrBlock="10.0.2.0/24")[
            "Subnet"]["SubnetId"]
        ec2.create_flow_logs(
            ResourceIds=[subnet], ResourceType="Subnet", TrafficType="ALL",
            LogGroupName="perm-subnet", DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % ACCOUNT)
        cls.far_bucket("perm-far")
        cls.client("ec2", cls.FAR).create_flow_logs(
            ResourceIds=[cls.new_vpc(cls.FAR)], ResourceType="VPC", TrafficType="ALL",
            LogDestinationType="s3", LogDestination="arn:aws:s3:::perm-far")
        # What plan reads; audit checks that the stream of a flow log exists.
        cls.client("firehose").create_delivery_stream(
            DeliveryStreamName="perm-stream", ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose" % ACCOUNT,
                "BucketARN": "arn:aws:s3:::perm-logs"})
        ec2.create_flow_logs(
            ResourceIds=[cls.new_vpc()], ResourceType="VPC", TrafficType="ALL",
            LogDestinationType="kinesis-data-firehose",
            LogDestination="arn:aws:firehose:%s:%s:deliverystream/perm-stream"
            % (cls.REGION, ACCOUNT))
        cls.plan_vpc = cls.new_vpc()
        cls.subnet = ec2.create_subnet(VpcId=cls.plan_vpc, CidrBlock="10.0.1.0/24")[
            "Subnet"]["SubnetId"]
        cls.eni = ec2.create_network_interface(SubnetId=cls.subnet)[
            "NetworkInterface"]["NetworkInterfaceId"]
        cls.tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        cls.attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=cls.tgw, VpcId=cls.plan_vpc, SubnetIds=[cls.subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        cls.spec_cw = cls.seed_apply("plan-cw", [{
            "resourceType": "VPC", "resourceIds": [cls.plan_vpc], "iamRole": "perm-plan-role",
            "logGroup": "/perm/plan/${resourceId}", "retentionDays": 30,
            "tags": {"team": "network"}}])

    def output(self, *argv, rc=EXIT_OK, proxied=False, names_region=True):
        return Run([*argv, "--output", "json"], rc=rc, same_as_admin=True, proxied=proxied,
                   names_region=names_region)

    def prepare_validate(self):
        return Run(["validate", self.spec_cw])

    def prepare_list(self):
        return self.output("list")

    def prepare_list_regions_all(self):
        return self.output("list", "--regions", "all")

    def prepare_audit(self):
        return self.output("audit", rc=EXIT_FINDINGS)

    def prepare_audit_regions_list_bucket_in_another_region(self):
        return self.output("audit", "--regions", self.FAR, rc=EXIT_FINDINGS, proxied=True)

    def prepare_audit_regions_list_bucket_in_another_region_301_without_its_region(self):
        return self.output("audit", "--regions", self.FAR, rc=EXIT_FINDINGS, proxied=True,
                           names_region=False)

    def prepare_retention_show(self):
        return self.output("retention", "show")

    def prepare_retention_show_regions_all(self):
        return self.output("retention", "show", "--regions", "all")

    def prepare_logs_log_group_name(self):
        return self.output("logs", "--log-group", "perm-cw", *self.window)

    def prepare_logs_bucket_name(self):
        return self.output("logs", "--bucket", "perm-logs", *self.window)

    def prepare_logs_flow_log_id_id_cloudwatch_logs(self):
        return self.output("logs", "--flow-log-id", self.fl_cw, *self.window)

    def prepare_logs_flow_log_id_id_s3(self):
        return self.output("logs", "--flow-log-id", self.fl_s3, *self.window)

    def prepare_logs_file_path(self):
        path = os.path.join(self.workdir, "records.log")
        with open(path, "w", encoding="utf-8") as f:
            f.write(" ".join(model.DEFAULT_FIELDS) + "\n")
            for r in model.make_records(5, self.t0, 600, seed=5):
                f.write(model.line(r) + "\n")
        return Run(["logs", "--file", path, "--output", "json"])

    def prepare_plan_cloudwatch_logs(self):
        return self.output("plan", self.spec_cw)

    def plan_s3_spec(self):
        return self.spec_file("plan-s3", [{
            "resourceType": "VPC", "resourceIds": [self.plan_vpc], "destination": "S3",
            "bucket": "perm-far", "retentionDays": 30}])

    def prepare_plan_s3(self):
        return self.output("plan", self.plan_s3_spec(), proxied=True)

    def prepare_plan_s3_301_without_its_region(self):
        return self.output("plan", self.plan_s3_spec(), proxied=True, names_region=False)

    def prepare_plan_kinesis_data_firehose(self):
        spec = self.spec_file("plan-fh", [{
            "resourceType": "VPC", "resourceIds": [self.plan_vpc],
            "destination": "KinesisFirehose", "deliveryStream": "perm-stream"}])
        return self.output("plan", spec)

    def prepare_plan_resource_types(self):
        configs = [{"resourceType": kind, "resourceIds": [ident],
                    "destination": "KinesisFirehose", "deliveryStream": "perm-stream"}
                   for kind, ident in (("Subnet", self.subnet),
                                       ("NetworkInterface", self.eni),
                                       ("TransitGatewayAttachment", self.attachment))]
        configs.append({"resourceType": "TransitGateway", "regions": "all",
                        "destination": "KinesisFirehose", "deliveryStream": "perm-stream"})
        return self.output("plan", self.spec_file("plan-types", configs))


class ChangeTest(PermissionsCase):
    """The commands that change AWS: each case on resources of its own."""

    VARIANTS = ("retention set DAYS --log-group NAME", "retention set never --log-group NAME",
                "retention set DAYS --bucket NAME", "retention set DAYS --all",
                "apply (CloudWatch Logs)", "apply --replace (CloudWatch Logs, drift)",
                "apply (S3, new bucket)", "apply (S3, existing bucket)",
                "apply (Kinesis Data Firehose)", "destroy (CloudWatch Logs)",
                "destroy --destinations (CloudWatch Logs)", "destroy --destinations (S3)",
                "destroy (Kinesis Data Firehose)")
    SHARED = False
    FAR_FROM = ("us-east-1",)
    # Regions of their own for the cases of retention set --all.
    SPARE_REGIONS = ["us-east-2", "us-west-1", "us-west-2", "eu-west-2", "eu-west-3",
                     "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
                     "ca-central-1"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.n = 0
        cls.spare = list(cls.SPARE_REGIONS)
        cls.logs = cls.client("logs")
        cls.s3 = cls.client("s3")
        cls.client("s3").create_bucket(Bucket="perm-firehose-target")
        cls.client("firehose").create_delivery_stream(
            DeliveryStreamName="perm-stream", ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose" % ACCOUNT,
                "BucketARN": "arn:aws:s3:::perm-firehose-target"})

    def slot(self):
        type(self).n += 1
        return self.n

    def retention(self, group, region=None):
        logs = self.client("logs", region or self.REGION)
        [g] = [g for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
               if g["logGroupName"] == group]
        return g.get("retentionInDays")

    def expiration(self, bucket, region=None):
        rules = self.client("s3", region or self.REGION).get_bucket_lifecycle_configuration(
            Bucket=bucket)["Rules"]
        return sorted(r["Expiration"]["Days"] for r in rules)

    def flows_of(self, vpc, region=None):
        return [fl for fl in self.client("ec2", region).describe_flow_logs()["FlowLogs"]
                if fl["ResourceId"] == vpc]

    # retention set

    def group(self, days=30, region=None):
        name = "perm-rs-%d" % self.slot()
        logs = self.client("logs", region or self.REGION)
        logs.create_log_group(logGroupName=name)
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)
        return name

    def prepare_retention_set_days_log_group_name(self):
        g = self.group()
        return Run(["retention", "set", "7", "--log-group", g, "--yes"],
                   check=lambda: self.assertEqual(self.retention(g), 7))

    def prepare_retention_set_never_log_group_name(self):
        g = self.group()
        return Run(["retention", "set", "never", "--log-group", g, "--yes"],
                   check=lambda: self.assertIsNone(self.retention(g)))

    def prepare_retention_set_days_bucket_name(self):
        b = "perm-rb-%d" % self.slot()
        self.s3.create_bucket(Bucket=b)
        return Run(["retention", "set", "30", "--bucket", b, "--yes"],
                   check=lambda: self.assertEqual(self.expiration(b), [30]))

    def prepare_retention_set_days_all(self):
        region = self.spare.pop(0)
        ec2 = self.client("ec2", region)
        g = self.group(region=region)
        b = "perm-ra-%d" % self.slot()
        self.client("s3", region).create_bucket(
            Bucket=b, CreateBucketConfiguration={"LocationConstraint": region})
        ec2.create_flow_logs(ResourceIds=[self.new_vpc(region)], ResourceType="VPC",
                             TrafficType="ALL", LogGroupName=g,
                             DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % ACCOUNT)
        ec2.create_flow_logs(ResourceIds=[self.new_vpc(region)], ResourceType="VPC",
                             TrafficType="ALL", LogDestinationType="s3",
                             LogDestination="arn:aws:s3:::" + b)

        def check():
            self.assertEqual(self.retention(g, region), 7)
            self.assertEqual(self.expiration(b, region), [7])
        return Run(["retention", "set", "7", "--all", "--regions", region, "--yes"],
                   check=check)

    # apply

    def prepare_apply_cloudwatch_logs(self):
        n, vpc = self.slot(), self.new_vpc()
        spec = self.spec_file("apply-cw-%d" % n, [{
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": "perm-role-%d" % n,
            "logGroup": "/perm/apply-%d/${resourceId}" % n}])

        def check():
            [fl] = self.flows_of(vpc)
            self.assertEqual(fl["LogGroupName"], "/perm/apply-%d/%s" % (n, vpc))
            self.assertEqual(fl["DeliverLogsPermissionArn"],
                             "arn:aws:iam::%s:role/perm-role-%d" % (ACCOUNT, n))
        return Run(["apply", spec, "--yes"], check=check)

    def prepare_apply_replace_cloudwatch_logs_drift(self):
        n, vpc = self.slot(), self.new_vpc()
        role, group = "perm-drift-%d" % n, "/perm/drift-%d/%s" % (n, vpc)
        config = {"resourceType": "VPC", "resourceIds": [vpc], "iamRole": role,
                  "logGroup": "/perm/drift-%d/${resourceId}" % n, "retentionDays": 30,
                  "tags": {"team": "network"}, "trafficType": "ALL"}

        def drift():
            self.iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]}))
            self.iam.delete_role_policy(RoleName=role, PolicyName="vpcflow-delivery")
            self.logs.put_retention_policy(logGroupName=group, retentionInDays=7)
            self.logs.untag_log_group(logGroupName=group, tags=["team"])
        self.seed_later("drift-seed-%d" % n, [config], drift)
        spec = self.spec_file("drift-%d" % n, [dict(config, trafficType="REJECT")])

        def check():
            [fl] = self.flows_of(vpc)
            self.assertEqual(fl["TrafficType"], "REJECT")
            self.assertEqual(self.retention(group), 30)
            self.assertEqual(self.logs.list_tags_log_group(logGroupName=group)["tags"].get(
                "team"), "network")
            self.iam.get_role_policy(RoleName=role, PolicyName="vpcflow-delivery")
        return Run(["apply", spec, "--yes", "--replace"], check=check)

    @staticmethod
    def s3_config(vpc, bucket):
        return {"resourceType": "VPC", "resourceIds": [vpc], "destination": "S3",
                "bucket": bucket, "retentionDays": 30}

    def s3_spec(self, name, vpc, bucket):
        return self.spec_file(name, [self.s3_config(vpc, bucket)])

    def prepare_apply_s3_new_bucket(self):
        n, vpc = self.slot(), self.new_vpc()
        bucket = "perm-new-%d" % n
        spec = self.s3_spec("apply-s3-%d" % n, vpc, bucket)

        def check():
            [fl] = self.flows_of(vpc)
            self.assertEqual(fl["LogDestination"], "arn:aws:s3:::" + bucket)
            self.assertEqual(self.expiration(bucket), [30])
        return Run(["apply", spec, "--yes"], check=check)

    def prepare_apply_s3_existing_bucket(self):
        n, vpc = self.slot(), self.new_vpc()
        bucket = "perm-far-%d" % n
        self.far_bucket(bucket)
        spec = self.s3_spec("apply-far-%d" % n, vpc, bucket)

        def check():
            [fl] = self.flows_of(vpc)
            self.assertEqual(fl["LogDestination"], "arn:aws:s3:::" + bucket)
            self.assertEqual(self.expiration(bucket, "eu-west-1"), [3, 30])
            sids = {s.get("Sid") for s in json.loads(self.client("s3", "eu-west-1")
                                                     .get_bucket_policy(Bucket=bucket)
                                                     ["Policy"])["Statement"]}
            self.assertLessEqual({"Theirs", "AWSLogDeliveryWrite"}, sids)
        return Run(["apply", spec, "--yes"], check=check, proxied=True)

    @staticmethod
    def firehose_config(vpc):
        return {"resourceType": "VPC", "resourceIds": [vpc], "destination": "KinesisFirehose",
                "deliveryStream": "perm-stream"}

    def firehose_spec(self, name, vpc):
        return self.spec_file(name, [self.firehose_config(vpc)])

    def prepare_apply_kinesis_data_firehose(self):
        n, vpc = self.slot(), self.new_vpc()
        spec = self.firehose_spec("apply-fh-%d" % n, vpc)

        def check():
            [fl] = self.flows_of(vpc)
            self.assertEqual(fl["LogDestinationType"], "kinesis-data-firehose")
        return Run(["apply", spec, "--yes"], check=check)

    # destroy

    def made_cloudwatch(self):
        n, vpc = self.slot(), self.new_vpc()
        role, group = "perm-dr-%d" % n, "/perm/dr-%d/%s" % (n, vpc)
        spec = self.seed_later("destroy-cw-%d" % n, [{
            "resourceType": "VPC", "resourceIds": [vpc], "iamRole": role,
            "logGroup": "/perm/dr-%d/${resourceId}" % n}])
        return spec, vpc, role, group

    def prepare_destroy_cloudwatch_logs(self):
        spec, vpc, role, group = self.made_cloudwatch()

        def check():
            self.assertEqual(self.flows_of(vpc), [])
            self.iam.get_role(RoleName=role)
            self.assertEqual(self.retention(group), 365)
        return Run(["destroy", spec, "--yes"], check=check)

    def prepare_destroy_destinations_cloudwatch_logs(self):
        spec, vpc, role, group = self.made_cloudwatch()

        def check():
            self.assertEqual(self.flows_of(vpc), [])
            self.assertNotIn(role, [r["RoleName"] for r in self.iam.list_roles()["Roles"]])
            self.assertEqual(self.logs.describe_log_groups(
                logGroupNamePrefix=group)["logGroups"], [])
        return Run(["destroy", spec, "--yes", "--destinations"], check=check)

    def prepare_destroy_destinations_s3(self):
        n, vpc = self.slot(), self.new_vpc()
        bucket = "perm-ds-%d" % n
        spec = self.seed_later("destroy-s3-%d" % n, [self.s3_config(vpc, bucket)])

        def check():
            self.assertEqual(self.flows_of(vpc), [])
            self.assertNotIn(bucket, [b["Name"] for b in self.s3.list_buckets()["Buckets"]])
        return Run(["destroy", spec, "--yes", "--destinations"], check=check)

    def prepare_destroy_kinesis_data_firehose(self):
        n, vpc = self.slot(), self.new_vpc()
        spec = self.seed_later("destroy-fh-%d" % n, [self.firehose_config(vpc)])
        return Run(["destroy", spec, "--yes"],
                   check=lambda: self.assertEqual(self.flows_of(vpc), []))


class OrgTest(PermissionsCase):
    """audit --org: the caller in the management account, and the role it
    assumes in a member account."""

    VARIANTS = ("audit --org", "audit --org (role in member accounts)")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.client("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.member = org.create_account(Email="m@example.com", AccountName="m")[
            "CreateAccountStatus"]["AccountId"]
        # moto gives OrganizationAccountAccessRole no permission: allow it
        # everything, with moto's checks off meanwhile.
        post_moto(cls.emu, "/moto-api/reset-auth", b"1000000")
        try:
            cls.creds = cls.client("sts").assume_role(
                RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % cls.member,
                RoleSessionName="perm")["Credentials"]
            client_with(cls.emu, cls.creds, "iam").put_role_policy(
                RoleName="OrganizationAccountAccessRole", PolicyName="all",
                PolicyDocument=policy_document(ALLOW_ALL))
        finally:
            post_moto(cls.emu, "/moto-api/reset-auth", b"0")
        cls.member_iam = client_with(cls.emu, cls.creds, "iam")
        for ec2, logs, name in (
                (cls.client("ec2"), cls.client("logs"), "perm-own"),
                (client_with(cls.emu, cls.creds, "ec2"), client_with(cls.emu, cls.creds, "logs"),
                 "perm-member")):
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            logs.create_log_group(logGroupName=name)
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogGroupName=name,
                                 DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % ACCOUNT)

    def grant(self, case, actions):
        if case.variant["name"] != "audit --org (role in member accounts)":
            return super().grant(case, actions)
        type(self).principals += 1
        role = "perm-member-%d" % self.principals
        self.member_iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
                "Action": "sts:AssumeRole"}]}))
        if actions:
            self.member_iam.put_role_policy(RoleName=role, PolicyName="exact",
                                            PolicyDocument=policy_document(actions))
        return {}, ["--org-role", role]

    def prepare_audit_org(self):
        return Run(["audit", "--org", "--regions", "us-east-1", "--output", "json"],
                   rc=EXIT_FINDINGS, same_as_admin=True)

    def prepare_audit_org_role_in_member_accounts(self):
        return Run(["audit", "--org", "--accounts", self.member, "--regions", "us-east-1",
                    "--output", "json"], rc=EXIT_FINDINGS)


class DocumentTest(unittest.TestCase):
    """The README's permissions section agrees with permissions.json. Each
    ready-to-paste policy (a ```json block after <!-- policy: NAME -->) holds
    only actions that a variant naming it needs, and the policies a variant
    names hold all of its actions; every action is named in the text."""

    @staticmethod
    def document():
        readme = os.path.join(harness.SOURCE_DIR, "README.md")
        with open(readme, encoding="utf-8") as f:
            text = f.read()
        if "<!-- policy:" in text:
            return readme, text
        path = os.path.join(DATA, "README-permissions.md")
        with open(path, encoding="utf-8") as f:
            return path, f.read()

    def policies(self):
        path, text = self.document()
        blocks = re.findall(r"<!-- policy: ([a-z-]+) -->\s*```json\n(.*?)```", text, re.S)
        out = {}
        for name, body in blocks:
            self.assertNotIn(name, out, "policy %s twice in %s" % (name, path))
            out[name] = set()
            for st in json.loads(body)["Statement"]:
                self.assertEqual(st["Effect"], "Allow")
                out[name].update([st["Action"]] if isinstance(st["Action"], str)
                                 else st["Action"])
        return path, out

    def test_policies_hold_exactly_what_their_variants_need(self):
        path, got = self.policies()
        needed = {}
        for v in PERMISSIONS["variants"]:
            actions = {a["action"] for a in v["actions"]}
            for name in v["policies"]:
                needed.setdefault(name, set()).update(actions)
            union = set().union(*(got.get(name, set()) for name in v["policies"]))
            self.assertLessEqual(actions, union, "%s: %s lack %s" % (
                path, v["policies"], sorted(actions - union)))
        self.assertEqual(sorted(got), sorted(needed), path)
        for name, actions in got.items():
            self.assertLessEqual(actions, needed[name], "%s: policy %s holds more than its "
                                 "variants need: %s" % (path, name,
                                                        sorted(actions - needed[name])))

    def test_every_action_is_explained(self):
        path, text = self.document()
        for v in PERMISSIONS["variants"]:
            for a in v["actions"]:
                self.assertIn("`%s`" % a["action"], text, path)

    def test_not_enforced_list_names_real_entries(self):
        known = {(a["action"], a["operations"][0])
                 for v in PERMISSIONS["variants"] for a in v["actions"]}
        self.assertLessEqual(set(NOT_ENFORCED_BY_EMULATOR), known)
        self.assertLessEqual(set(EMULATOR_NAMES), {(a["action"], op)
                                                   for v in PERMISSIONS["variants"]
                                                   for a in v["actions"]
                                                   for op in a["operations"]})


if __name__ == "__main__":
    unittest.main()
