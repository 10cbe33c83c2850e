"""vpcflow under faults: tests/tools/fault_server.py in front of moto (signature
checking on) throttles, fails, resets, stalls, slows down and garbles answers
by rule and by rate; AWS state is read back with boto3.

Resets come in two kinds: before the request reaches the emulator, and after
it took effect, so that only the answer is lost. A lost answer to a change is
the hard case: the client sends the change again. AWS answers a repeated
ClientToken of an EC2 call (CreateFlowLogs) with the first call's answer;
moto ignores the token, so the fault server models AWS there ("client_tokens":
the first answer to a token is kept and replayed). IAM and CloudWatch Logs
take no token: vpcflow itself must take "already exists" after a lost answer
for done (CreateRole, CreateLogGroup).

The fault draws are seeded, so a run that fails names a seed that reproduces
its faults.
"""

import collections
import json
import os
import subprocess
import sys
import unittest

import harness
from apply_support import Proxied, flow_logs, is_change, operation, write_spec

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
import fault_server  # noqa: E402

RAWCALL = os.path.join(harness.TOOLS, "rawcall")
# Enough attempts that 30% throttling and 5% resets do not exhaust a call
# (0.35 ** 10 is 3e-5), and a short backoff so that the tests need not wait.
PATIENT = {"AWS_MAX_ATTEMPTS": "10", "VPCFLOW_RETRY_BASE_MS": "5"}
VPCS_XML = ('<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            "<requestId>r</requestId><vpcSet/></DescribeVpcsResponse>")
FLOW_LOGS_XML = ('<CreateFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                 "<requestId>r</requestId><flowLogIdSet><item>fl-0abc</item></flowLogIdSet>"
                 "<unsuccessful/></CreateFlowLogsResponse>")


def flaky(seed, throttle=0.30, resets=0.05, extra=()):
    """Rules for a flaky AWS: `throttle` of all requests throttled, `resets`
    of them reset, half before the request reaches the emulator and half
    after it took effect (the rates are conditional on the earlier rules not
    firing), then `extra` rules."""
    before = resets / 2 / (1 - throttle)
    after = resets / 2 / (1 - throttle - resets / 2)
    return {"seed": seed, "client_tokens": True, "rules": [
        {"kind": "throttle", "rate": throttle},
        {"kind": "reset", "rate": before},
        {"kind": "reset", "rate": after, "after_upstream": True}] + list(extra)}


def hits(requests):
    """How often each rule answered, by rule index."""
    return collections.Counter(r["rule"] for r in requests if isinstance(r["rule"], int))


class FaultServerTest(unittest.TestCase):
    """The fault server's rules as vpcflow's client sees them (tests/tools/rawcall)."""

    def serve(self, rules, upstream=None):
        fs = fault_server.Process(rules, upstream=upstream).start()
        self.addCleanup(fs.stop)
        return fs

    def rawcall(self, fs, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                  "AWS_ENDPOINT_URL": fs.url, "VPCFLOW_RETRY_BASE_MS": "5"})
        e.update(env or {})
        return subprocess.run([RAWCALL, *args], env=e, capture_output=True, text=True,
                              timeout=60)

    # (rawcall arguments, service the fault server must see, throttling code,
    # its status, internal error code)
    SERVICES = [
        (("query", "ec2", "us-east-1", "DescribeVpcs"), "ec2",
         "RequestLimitExceeded", 503, "InternalError"),
        (("query", "iam", "us-east-1", "ListRoles"), "iam", "Throttling", 400, "ServiceFailure"),
        (("query", "sts", "us-east-1", "GetCallerIdentity"), "sts",
         "Throttling", 400, "InternalFailure"),
        (("json", "logs", "us-east-1", "DescribeLogGroups", "{}"), "logs",
         "ThrottlingException", 400, "ServiceUnavailableException"),
        (("--path", "/", "rest-xml", "s3", "us-east-1", "ListBuckets"), "s3",
         "SlowDown", 503, "InternalError"),
    ]

    def test_throttling_speaks_each_services_error(self):
        for args, service, code, status, _ in self.SERVICES:
            with self.subTest(service=service):
                fs = self.serve([{"kind": "throttle", "times": -1}])
                r = self.rawcall(fs, "--max-attempts", "2", *args)
                self.assertEqual(r.returncode, 1, r.stdout)
                # vpcflow's error reader found the code, and retried it as throttling.
                self.assertRegex(r.stderr, r"^error: \w+: %s: .*\(after 2 attempts\).* "
                                           r"attempts=2 http=%d\n$" % (code, status))
                self.assertEqual([q["service"] for q in fs.requests()], [service] * 2)

    def test_server_error_speaks_each_services_error(self):
        for args, service, _, _, code in self.SERVICES:
            with self.subTest(service=service):
                fs = self.serve([{"kind": "server_error", "times": -1}])
                r = self.rawcall(fs, "--max-attempts", "2", *args)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertRegex(r.stderr, r"^error: \w+: %s: .* attempts=2 http=500\n$" % code)

    def test_rates_are_reproducible_from_the_seed(self):
        def outcomes(seed):
            fs = self.serve({"seed": seed, "rules": [{"kind": "throttle", "rate": 0.5}],
                             "default": {"body": VPCS_XML}})
            return [self.rawcall(fs, "--max-attempts", "1", "query", "ec2", "us-east-1",
                                 "DescribeVpcs").returncode for _ in range(24)]

        first = outcomes(5)
        self.assertEqual(outcomes(5), first)
        self.assertNotEqual(outcomes(6), first)
        self.assertTrue(4 <= first.count(1) <= 20, first)

    def test_lost_answer_is_replayed_for_its_client_token(self):
        upstream = self.serve({"rules": [], "default": {"body": FLOW_LOGS_XML}})
        fs = self.serve({"client_tokens": True,
                         "rules": [{"kind": "reset", "after_upstream": True}]},
                        upstream=upstream.url)
        create = ("query", "ec2", "us-east-1", "CreateFlowLogs")
        r = self.rawcall(fs, *create, "ClientToken=tok-1&ResourceId.1=vpc-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "ok attempts=2")
        self.assertIn("fl-0abc", r.stdout)
        sent = fs.requests()
        self.assertEqual([(q["rule"], q.get("upstream_status"), q.get("replayed"))
                          for q in sent], [(0, 200, None), ("upstream", 200, True)])
        self.assertEqual(len(upstream.requests()), 1)  # the repeat never got there
        # The token with other parameters is refused, as AWS does.
        r = self.rawcall(fs, *create, "ClientToken=tok-1&ResourceId.1=vpc-2")
        self.assertRegex(r.stderr, r"IdempotentParameterMismatch: .* http=400\n$")
        # Another token is another call.
        r = self.rawcall(fs, *create, "ClientToken=tok-2&ResourceId.1=vpc-2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(upstream.requests()), 2)

    def test_stall_past_the_timeout_after_the_request_took_effect(self):
        upstream = self.serve({"rules": [], "default": {"body": VPCS_XML}})
        fs = self.serve([{"kind": "stall", "seconds": 3, "after_upstream": True},
                         {"kind": "proxy", "delay": 0.2}], upstream=upstream.url)
        r = self.rawcall(fs, "--timeout-ms", "1000", "query", "ec2", "us-east-1",
                         "DescribeVpcs")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "ok attempts=2")
        self.assertEqual([q["rule"] for q in fs.requests()], [0, 1])
        self.assertEqual(len(upstream.requests()), 2)


class ApplyUnderFaultsTest(harness.EmulatorTestCase):
    """apply of 50 VPCs through a flaky AWS, and a lost answer to every kind
    of change apply makes."""

    REGION = "us-east-1"
    SEED = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.emu.client("ec2", cls.REGION)
        cls.vpcs = sorted(ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                          for i in range(50))

    def apply_through(self, rules, spec, region, **env):
        with Proxied(self, rules) as px:
            return px.run("apply", spec, "--yes", region=region, **env), px.requests()

    def assert_one_flow_log_each(self, region, resources, why):
        logs = flow_logs(self.emu, region)
        per = collections.Counter(fl["ResourceId"] for fl in logs)
        self.assertEqual(sorted(per), sorted(resources), why)
        self.assertEqual([r for r, n in per.items() if n != 1], [], "duplicates; " + why)
        return logs

    def test_50_vpcs_under_throttling_and_resets(self):
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": self.vpcs, "regions": [self.REGION],
            "iamRole": "faults-role"}})
        proc, requests = self.apply_through(flaky(self.SEED), spec, self.REGION, **PATIENT)
        why = "seed %d: %s" % (self.SEED, proc.stderr[-2000:])
        self.assertEqual(proc.returncode, 0, why)
        self.assertEqual(proc.stderr, "")
        self.assertRegex(proc.stdout, r"\nApply complete: \d+ done, 0 failed, 0 skipped\.\n")

        # The faults happened: throttles, resets, and lost answers to changes.
        n = hits(requests)
        self.assertGreater(n[0], len(requests) // 5, n)
        self.assertGreater(n[1], 0, n)
        lost = [operation(r) for r in requests if r["rule"] == 2 and is_change(r)]
        self.assertTrue(lost, n)

        # Exactly one flow log per VPC and nothing else; one log group each.
        logs = self.assert_one_flow_log_each(self.REGION, self.vpcs, why)
        self.assertEqual({fl["LogGroupName"] for fl in logs},
                         {"/aws/vpc-flow-logs/" + v for v in self.vpcs})
        cwl = self.emu.client("logs", self.REGION)
        groups = [g for page in cwl.get_paginator("describe_log_groups").paginate()
                  for g in page["logGroups"]]
        self.assertEqual(sorted(g["logGroupName"] for g in groups),
                         sorted("/aws/vpc-flow-logs/" + v for v in self.vpcs))
        self.assertEqual({g.get("retentionInDays") for g in groups}, {365})
        self.emu.client("iam").get_role(RoleName="faults-role")

        # Nothing is left to do.
        proc = self.run_vpcflow("plan", spec, "--detailed-exitcode",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_lost_answer_to_every_change(self):
        region = "eu-west-1"
        ec2 = self.emu.client("ec2", region)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"] for i in range(3)]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": vpcs, "regions": [region],
            "iamRole": "lost-answers-role"}})

        def lose(kind="reset", **match):
            return {"kind": kind, "after_upstream": True, "match": match}

        rules = {"client_tokens": True, "rules": [
            lose(action="CreateRole"), lose(action="PutRolePolicy"),
            lose(target="CreateLogGroup"), lose(target="PutRetentionPolicy"),
            # One flow log each: lost to a reset, to a 500 after it was made,
            # and to a stall past the client's timeout.
            lose(action="CreateFlowLogs", body_contains=vpcs[0]),
            lose("server_error", action="CreateFlowLogs", body_contains=vpcs[1]),
            lose("stall", action="CreateFlowLogs", body_contains=vpcs[2], seconds=3)]}
        proc, requests = self.apply_through(rules, spec, region, VPCFLOW_TIMEOUT_MS="1500",
                                            VPCFLOW_RETRY_BASE_MS="5")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Each change took effect on its first send and its answer was lost.
        fired = [(r["rule"], operation(r), r.get("upstream_status"))
                 for r in requests if isinstance(r["rule"], int)]
        self.assertEqual(sorted(fired), [
            (0, "CreateRole", 200), (1, "PutRolePolicy", 200), (2, "CreateLogGroup", 200),
            (3, "PutRetentionPolicy", 200), (4, "CreateFlowLogs", 200),
            (5, "CreateFlowLogs", 200), (6, "CreateFlowLogs", 200)])
        self.assertEqual(sum(1 for r in requests if r.get("replayed")), 3)

        self.assert_one_flow_log_each(region, vpcs, proc.stdout)
        role = self.emu.client("iam").get_role(RoleName="lost-answers-role")["Role"]
        [stmt] = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(stmt["Principal"], {"Service": "vpc-flow-logs.amazonaws.com"})
        self.assertEqual(self.emu.client("iam").list_role_policies(
            RoleName="lost-answers-role")["PolicyNames"], ["vpcflow-delivery"])
        groups = self.emu.client("logs", region).describe_log_groups()["logGroups"]
        self.assertEqual(sorted((g["logGroupName"], g.get("retentionInDays")) for g in groups),
                         sorted(("/aws/vpc-flow-logs/" + v, 365) for v in vpcs))

    def test_lost_answer_to_every_deletion(self):
        """Deletions take no client token: a resent delete finds the thing
        gone, which is what was asked for."""
        region = "ap-south-1"
        ec2 = self.emu.client("ec2", region)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"] for i in range(2)]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": vpcs, "regions": [region],
            "iamRole": "lost-deletes-role"}})
        proc, _ = self.apply_through([], spec, region)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assert_one_flow_log_each(region, vpcs, proc.stdout)

        def lose(kind="reset", **match):
            return {"kind": kind, "after_upstream": True, "match": match}

        rules = [lose(action="DeleteFlowLogs"), lose(target="DeleteLogGroup"),
                 lose("server_error", action="DeleteRolePolicy"), lose(action="DeleteRole")]
        with Proxied(self, rules) as px:
            proc = px.run("destroy", spec, "--destinations", "--yes", region=region,
                          VPCFLOW_RETRY_BASE_MS="5")
            requests = px.requests()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        # Each deletion took effect on its first send and its answer was lost.
        fired = sorted((r["rule"], operation(r), r.get("upstream_status"))
                       for r in requests if isinstance(r["rule"], int))
        self.assertEqual([(rule, op) for rule, op, _ in fired], [
            (0, "DeleteFlowLogs"), (1, "DeleteLogGroup"), (2, "DeleteRolePolicy"),
            (3, "DeleteRole")])
        self.assertEqual({status for _, _, status in fired}, {200})
        # Nothing is left: no flow log, no log group, no role.
        self.assertEqual(flow_logs(self.emu, region), [])
        groups = self.emu.client("logs", region).describe_log_groups()["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], [])
        with self.assertRaises(self.emu.client("iam").exceptions.NoSuchEntityException):
            self.emu.client("iam").get_role(RoleName="lost-deletes-role")

    def test_flow_log_already_gone_in_unsuccessful(self):
        """AWS may also name a flow log it did not find in Unsuccessful: that
        one is gone too, while another reason is a failure."""
        region = "ap-northeast-3"
        ec2 = self.emu.client("ec2", region)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"] for i in range(2)]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": vpcs, "regions": [region],
            "iamRole": "gone-role"}})
        proc, _ = self.apply_through([], spec, region)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ids = {fl["ResourceId"]: fl["FlowLogId"] for fl in flow_logs(self.emu, region)}

        def answer(code, vpc):
            return ('<DeleteFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                    "<requestId>r-1</requestId><unsuccessful><item><error><code>%s</code>"
                    "<message>says AWS</message></error><resourceId>%s</resourceId></item>"
                    "</unsuccessful></DeleteFlowLogsResponse>" % (code, ids[vpc]))

        for code, rc in (("InvalidFlowLogId.NotFound", 0), ("Client.Unknown", 1)):
            rules = [{"kind": "respond", "after_upstream": True, "status": 200,
                      "body": answer(code, vpcs[0]), "match": {"action": "DeleteFlowLogs"}}]
            with Proxied(self, rules) as px:
                proc = px.run("destroy", spec, "--yes", region=region)
            self.assertEqual(proc.returncode, rc, proc.stdout + proc.stderr)
            self.assertEqual(flow_logs(self.emu, region), [])
            if rc:
                self.assertIn("Client.Unknown", proc.stderr)
                self.assertIn(vpcs[0], proc.stderr)
                self.assertNotIn(vpcs[1], proc.stderr)
                break
            proc, _ = self.apply_through([], spec, region)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            ids = {fl["ResourceId"]: fl["FlowLogId"] for fl in flow_logs(self.emu, region)}


class AuditUnderFaultsTest(harness.EmulatorTestCase):
    """audit's findings do not depend on how often AWS said "slow down"."""

    REGIONS = ["us-east-1", "eu-west-1"]
    ROLE = "arn:aws:iam::%s:role/audit-role" % harness.ACCOUNT_ID

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        use1 = cls.emu.client("ec2", "us-east-1")
        logs = cls.emu.client("logs", "us-east-1")
        logs.create_log_group(logGroupName="kept")
        logs.put_retention_policy(logGroupName="kept", retentionInDays=365)
        logs.create_log_group(logGroupName="forever")
        for i, (group, traffic) in enumerate([(None, None), ("kept", "ALL"),
                                              ("missing", "ALL"), ("kept", "ACCEPT"),
                                              ("forever", "ALL")]):
            vpc = use1.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
            if group:
                use1.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC",
                                      TrafficType=traffic, LogGroupName=group,
                                      DeliverLogsPermissionArn=cls.ROLE)
        euw1 = cls.emu.client("ec2", "eu-west-1")
        cls.emu.client("logs", "eu-west-1").create_log_group(logGroupName="short")
        cls.emu.client("logs", "eu-west-1").put_retention_policy(logGroupName="short",
                                                                 retentionInDays=7)
        vpc = euw1.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [euw1.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % i)["Subnet"]
                   ["SubnetId"] for i in range(3)]
        euw1.create_flow_logs(ResourceIds=subnets[:1], ResourceType="Subnet", TrafficType="ALL",
                              LogGroupName="short", DeliverLogsPermissionArn=cls.ROLE)
        s3 = cls.emu.client("s3", "eu-west-1")
        s3.create_bucket(Bucket="audit-faults-bucket",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        vpc = euw1.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        euw1.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                              LogDestinationType="s3",
                              LogDestination="arn:aws:s3:::audit-faults-bucket")

    def audit(self, px=None, **env):
        """audit of both regions, through px (a Proxied) if given."""
        proc = self.run_vpcflow("audit", "--regions", ",".join(self.REGIONS),
                                "--min-retention", "30", "--output", "json",
                                env=px.env(**env) if px else self.emu.env(home=self.home, **env))
        return proc, json.loads(proc.stdout)

    def baseline(self):
        proc, doc = self.audit()
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertEqual(doc["errors"], [])
        # The seeding shows a finding of most kinds, in both regions.
        self.assertGreaterEqual(len({f["code"] for f in doc["findings"]}), 6, doc["findings"])
        self.assertEqual({f["region"] for f in doc["findings"]}, set(self.REGIONS))
        return doc

    def test_same_findings_under_faults(self):
        want = self.baseline()
        runs = [(1, ()), (2, ()),
                (3, ({"kind": "server_error", "rate": 0.05},
                     {"kind": "proxy", "delay": 0.02, "rate": 0.1}))]
        for seed, extra in runs:
            with self.subTest(seed=seed), Proxied(self, flaky(seed, extra=extra)) as px:
                proc, doc = self.audit(px, **PATIENT)
                n = hits(px.requests())
                self.assertGreater(n[0], 0, n)
                self.assertEqual(proc.returncode, 3, "seed %d: %s" % (seed, proc.stderr))
                self.assertEqual(doc["errors"], [])
                self.assertEqual(doc["findings"], want["findings"])
                self.assertEqual(doc["summary"], want["summary"])

    def test_region_it_could_not_finish_is_named(self):
        want = self.baseline()
        rules = [{"kind": "throttle", "times": -1,
                  "match": {"header_contains": ["Authorization", "/eu-west-1/"]}}]
        with Proxied(self, rules) as px:
            proc, doc = self.audit(px, AWS_MAX_ATTEMPTS="2", VPCFLOW_RETRY_BASE_MS="5")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [line] = proc.stderr.splitlines()
        self.assertRegex(line, r"^vpcflow: audit: account \d+, region eu-west-1: \w+: "
                               r"RequestLimitExceeded: ")
        self.assertEqual([e["region"] for e in doc["errors"]], ["eu-west-1"])
        # What could be read is still reported, and nothing of the region that
        # could not: no finding is made up for it.
        self.assertEqual(doc["findings"],
                         [f for f in want["findings"] if f["region"] == "us-east-1"])


class MalformedAnswerTest(harness.EmulatorTestCase):
    """A 200 answer vpcflow cannot use, for each protocol: a one-line error
    naming the operation and what was wrong, exit 1, and no result made up
    from it (nothing printed as if read, nothing changed)."""

    VARIANTS = ["truncated", "invalid", "html", "empty", "wrong_root"]
    BUCKET = "malformed-answers"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.emu.client("ec2")
        cls.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        logs = cls.emu.client("logs")
        logs.create_log_group(logGroupName="kept-30")
        logs.put_retention_policy(logGroupName="kept-30", retentionInDays=30)
        cls.flow_log = ec2.create_flow_logs(
            ResourceIds=[cls.vpc], ResourceType="VPC", TrafficType="ALL",
            LogGroupName="kept-30",
            DeliverLogsPermissionArn="arn:aws:iam::%s:role/r" % harness.ACCOUNT_ID)[
            "FlowLogIds"][0]
        s3 = cls.emu.client("s3")
        s3.create_bucket(Bucket=cls.BUCKET)
        s3.put_bucket_lifecycle_configuration(Bucket=cls.BUCKET, LifecycleConfiguration={
            "Rules": [{"ID": "keep-30", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Expiration": {"Days": 30}}]})

    def lifecycle(self):
        return self.emu.client("s3").get_bucket_lifecycle_configuration(
            Bucket=self.BUCKET)["Rules"]

    def cases(self):
        """(protocol, vpcflow arguments, match, operation, text a made-up
        result would print)."""
        spec = write_spec(self.home, {"flowLogConfig": {"resourceType": "VPC",
                                                        "resourceIds": [self.vpc]}})
        return [
            ("EC2", ("list", "--regions", "us-east-1"), {"action": "DescribeFlowLogs"},
             "DescribeFlowLogs", [self.flow_log]),
            ("STS", ("plan", spec), {"action": "GetCallerIdentity"}, "GetCallerIdentity",
             ["Plan:", "create"]),
            ("IAM", ("plan", spec), {"action": "GetRole"}, "GetRole", ["Plan:", "create"]),
            ("CloudWatch Logs", ("retention", "show"), {"target": "DescribeLogGroups"},
             "DescribeLogGroups", ["kept-30", "never", "missing"]),
            ("CloudWatch Logs", ("audit", "--regions", "us-east-1"),
             {"target": "DescribeLogGroups"}, "DescribeLogGroups",
             ["DESTINATION_MISSING", "RETENTION_UNSET", "DELIVERY_FAILED"]),
            ("S3", ("retention", "set", "7", "--bucket", self.BUCKET),
             {"path": "/%s?lifecycle" % self.BUCKET}, "GetBucketLifecycleConfiguration",
             ["7 days"]),
        ]

    def test_malformed_answers(self):
        before = self.lifecycle()
        for proto, args, match, op, made_up in self.cases():
            for variant in self.VARIANTS:
                with self.subTest(protocol=proto, command=args[0], variant=variant):
                    rules = [{"kind": "malformed", "variant": variant, "match": match,
                              "times": -1}]
                    with Proxied(self, rules) as px:
                        proc = px.run(*args, VPCFLOW_RETRY_BASE_MS="5")
                        requests = px.requests()
                    self.assertIn(0, hits(requests), "the malformed answer was not asked for")
                    self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
                    lines = proc.stderr.splitlines()
                    self.assertEqual(len(lines), 1, proc.stderr)
                    self.assertRegex(lines[0], r"^vpcflow: %s: .*\b%s: .*(malformed (XML|JSON)|"
                                               r"expected|not an object|has no|refused)"
                                     % (args[0], op))
                    for text in made_up:
                        self.assertNotIn(text, proc.stdout)
                    self.assertEqual([operation(r) for r in requests if is_change(r)], [])
        self.assertEqual(self.lifecycle(), before)


if __name__ == "__main__":
    unittest.main()
