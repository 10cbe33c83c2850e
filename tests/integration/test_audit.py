"""vpcflow audit against moto (signature checking on).

The findings vpcflow reports are compared, exactly, with findings the test
computes itself from what boto3 reads back (VPCs, subnets, flow logs, log
groups, Firehose delivery streams, buckets and their lifecycle rules), by the
rules of DESIGN.md
section 3 written again here in Python. Nothing is hard-coded but the seeding.

moto cannot share a VPC into another account (RAM shares do not reach EC2), so
SHARED is covered by the unit tests only (tests/unit/test_audit.c).
"""

import collections
import csv
import io
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.request

import boto3
import jsonschema
import botocore.config
import botocore.exceptions

import harness
from apply_support import Proxied

ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % harness.ACCOUNT_ID
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
SEVERITY = {
    "NO_FLOW_LOG": "high", "PARTIAL_SUBNET_COVERAGE": "medium", "DELIVERY_FAILED": "high",
    "DESTINATION_MISSING": "high", "TRAFFIC_ACCEPT_ONLY": "medium", "RETENTION_UNSET": "low",
    "RETENTION_BELOW_MIN": "medium", "S3_NO_EXPIRATION": "low", "SHARED": "info",
    "COVERED_BY_SUBNETS": "info",
}
RANK = {"high": 3, "medium": 2, "low": 1, "info": 0}
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def pages(client, op, key, **kw):
    return [x for page in client.get_paginator(op).paginate(**kw) for x in page[key]]


def client_factory(emu, creds=None):
    """clients(service, region) for the test user, or for assumed credentials."""
    def make(service, region):
        if creds is None:
            return emu.client(service, region)
        return boto3.client(
            service, endpoint_url=emu.url, region_name=region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            config=botocore.config.Config(retries={"max_attempts": 1}))
    return make


def bucket_state(s3, bucket):
    """(exists, lifecycle rules or None)."""
    try:
        s3.head_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError:
        return False, None
    try:
        return True, s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchLifecycleConfiguration":
            return True, []
        raise


def rule_prefix(rule):
    f = rule.get("Filter") or {}
    if "Tag" in f or "Tags" in (f.get("And") or {}) or "ObjectSizeGreaterThan" in f:
        return None  # applies to some objects only
    return f.get("Prefix", (f.get("And") or {}).get("Prefix", rule.get("Prefix", "")))


def expiration(rules, key):
    days = [r["Expiration"]["Days"] for r in rules
            if r["Status"] == "Enabled" and r.get("Expiration", {}).get("Days")
            and rule_prefix(r) is not None and key.startswith(rule_prefix(r))]
    return min(days) if days else 0


def log_group_of(fl):
    if fl.get("LogDestinationType", "cloud-watch-logs") != "cloud-watch-logs":
        return None
    if fl.get("LogGroupName"):
        return fl["LogGroupName"]
    m = re.match(r"arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)", fl.get("LogDestination", ""))
    return m.group(1) if m else None


def stream_of(fl, account, region):
    """The Firehose delivery stream a flow log delivers to, when it is one of
    account in region (one elsewhere cannot be listed, so it is not judged)."""
    if fl.get("LogDestinationType") != "kinesis-data-firehose":
        return None
    m = re.match(r"arn:[^:]+:firehose:([^:]*):([^:]*):deliverystream/(.+)",
                 fl.get("LogDestination", ""))
    return m.group(3) if m and m.group(1) == region and m.group(2) == account else None


def stream_names(firehose):
    names, more, start = [], True, None
    while more:
        kw = {"ExclusiveStartDeliveryStreamName": start} if start else {}
        page = firehose.list_delivery_streams(Limit=10000, **kw)
        names += page["DeliveryStreamNames"]
        more = page["HasMoreDeliveryStreams"]
        start = names[-1] if names else None
    return set(names)


def truth(clients, account, regions, min_retention=0):
    """The findings the rules give for account in regions, from boto3 reads:
    a list of (severity, code, account, region, resource), and per VPC
    whether it is the default one."""
    found, defaults = [], {}
    buckets = {}

    def add(code, region, resource):
        found.append((SEVERITY[code], code, account, region, resource))

    for region in regions:
        ec2 = clients("ec2", region)
        vpcs = {v["VpcId"]: v for v in pages(ec2, "describe_vpcs", "Vpcs")}
        subnets = {s["SubnetId"]: s for s in pages(ec2, "describe_subnets", "Subnets")}
        flow_logs = pages(ec2, "describe_flow_logs", "FlowLogs")
        groups = {g["logGroupName"]: g for g in
                  pages(clients("logs", region), "describe_log_groups", "logGroups")}
        streams = None
        bits = collections.defaultdict(set)
        destinations = collections.OrderedDict()
        for vpc in vpcs.values():
            defaults[vpc["VpcId"]] = vpc["IsDefault"]
        for fl in flow_logs:
            failed = fl.get("DeliverLogsStatus") == "FAILED"
            exists = True
            if fl.get("LogDestinationType") == "s3":
                m = re.match(r"arn:[^:]+:s3:::([^/]+)/?(.*)", fl["LogDestination"])
                bucket, prefix = m.group(1), m.group(2).rstrip("/")
                if bucket not in buckets:
                    buckets[bucket] = bucket_state(clients("s3", region), bucket)
                exists = buckets[bucket][0]
                key = "%sAWSLogs/%s/vpcflowlogs/%s/" % (prefix + "/" if prefix else "",
                                                        account, region)
                destinations.setdefault(("s3", bucket, key), None)
            elif log_group_of(fl):
                name = log_group_of(fl)
                exists = name in groups
                destinations.setdefault(("logs", name), None)
            elif stream_of(fl, account, region):
                if streams is None:
                    streams = stream_names(clients("firehose", region))
                name = stream_of(fl, account, region)
                exists = name in streams
                destinations.setdefault(("firehose", name), None)
            if failed:
                add("DELIVERY_FAILED", region, fl["FlowLogId"])
            traffic = {"ALL": {"ACCEPT", "REJECT"}}.get(fl["TrafficType"], {fl["TrafficType"]})
            if not failed and exists:
                bits[fl["ResourceId"]] |= traffic
        missing_buckets = set()
        for dest in destinations:
            if dest[0] == "logs":
                name = dest[1]
                if name not in groups:
                    add("DESTINATION_MISSING", region, name)
                elif not groups[name].get("retentionInDays"):
                    add("RETENTION_UNSET", region, name)
                elif min_retention and groups[name]["retentionInDays"] < min_retention:
                    add("RETENTION_BELOW_MIN", region, name)
                continue
            if dest[0] == "firehose":
                if dest[1] not in streams:
                    add("DESTINATION_MISSING", region, dest[1])
                continue
            _, bucket, key = dest
            exists, rules = buckets[bucket]
            if not exists:
                if bucket not in missing_buckets:
                    add("DESTINATION_MISSING", region, bucket)
                missing_buckets.add(bucket)
                continue
            days = expiration(rules, key)
            if not days:
                add("S3_NO_EXPIRATION", region, bucket)
            elif min_retention and days < min_retention:
                add("RETENTION_BELOW_MIN", region, bucket)
        for vpc_id, vpc in vpcs.items():
            if vpc["OwnerId"] != account:
                add("SHARED", region, vpc_id)
                continue
            units = [bits[vpc_id] | bits[s] for s in subnets if subnets[s]["VpcId"] == vpc_id]
            units = units or [bits[vpc_id]]
            if all("REJECT" in u for u in units):
                if "REJECT" not in bits[vpc_id]:
                    add("COVERED_BY_SUBNETS", region, vpc_id)
            elif all(units):
                add("TRAFFIC_ACCEPT_ONLY", region, vpc_id)
            elif any(units):
                add("PARTIAL_SUBNET_COVERAGE", region, vpc_id)
            else:
                add("NO_FLOW_LOG", region, vpc_id)
    return found, defaults


def report_key(f):
    return (-RANK[f[0]], f[2], f[3], f[4], f[1])


def rows(doc):
    return [(f["severity"], f["code"], f["account"], f["region"], f["resource"])
            for f in doc["findings"]]


def post_moto(emu, path, data):
    req = urllib.request.Request(emu.url + path, data=data, method="POST",
                                 headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req).read()


class AuditTest(harness.EmulatorTestCase):
    """One account, three regions seeded with every finding moto can show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_us_east_1()
        cls.seed_eu_west_1()
        cls.seed_ap_southeast_2()
        cls.seed_quiet_region()

    @classmethod
    def vpc(cls, region, cidr="10.0.0.0/16", subnets=0):
        ec2 = cls.emu.client("ec2", region)
        vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        subs = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace(".0.0/16", ".%d.0/24" % i))
                ["Subnet"]["SubnetId"] for i in range(subnets)]
        return vpc_id, subs

    @classmethod
    def flow_log(cls, region, ids, kind="VPC", traffic="ALL", **dest):
        ec2 = cls.emu.client("ec2", region)
        if "LogGroupName" in dest or dest.get("LogDestinationType") == "cloud-watch-logs":
            dest["DeliverLogsPermissionArn"] = ROLE
        out = ec2.create_flow_logs(ResourceIds=ids, ResourceType=kind, TrafficType=traffic,
                                   **dest)
        assert not out["Unsuccessful"], out

    @classmethod
    def group(cls, region, name, retention=None):
        logs = cls.emu.client("logs", region)
        logs.create_log_group(logGroupName=name)
        if retention:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention)

    @staticmethod
    def stream_arn(region, account, name):
        return "arn:aws:firehose:%s:%s:deliverystream/%s" % (region, account, name)

    @classmethod
    def stream(cls, region, name):
        cls.emu.client("firehose", region).create_delivery_stream(
            DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose" % harness.ACCOUNT_ID,
                "BucketARN": "arn:aws:s3:::audit-firehose"})

    @classmethod
    def seed_us_east_1(cls):
        r = "us-east-1"
        cls.group(r, "audit-ok-use1", 365)
        cls.vpc(r, "10.1.0.0/16")                                   # NO_FLOW_LOG
        failed, _ = cls.vpc(r, "10.2.0.0/16")                       # log group missing
        cls.flow_log(r, [failed], LogGroupName="audit-missing-use1")
        accept, _ = cls.vpc(r, "10.3.0.0/16")                       # ACCEPT only
        cls.flow_log(r, [accept], traffic="ACCEPT", LogGroupName="audit-ok-use1")
        ok, _ = cls.vpc(r, "10.4.0.0/16")                           # covered
        cls.flow_log(r, [ok], LogGroupName="audit-ok-use1")
        mixed, _ = cls.vpc(r, "10.5.0.0/16")                        # covered + broken log
        cls.flow_log(r, [mixed], LogGroupName="audit-ok-use1")
        cls.flow_log(r, [mixed], LogGroupName="audit-missing-2-use1")
        # Firehose: a stream that exists (covered), one deleted since
        # (DESTINATION_MISSING, and NO_FLOW_LOG for its VPC), and one of
        # another account (not judged: it cannot be listed from here).
        for name in ("audit-stream-use1", "audit-gone-stream-use1"):
            cls.stream(r, name)
        for name in ("audit-stream-use1", "audit-gone-stream-use1"):
            vpc, _ = cls.vpc(r, "10.6.0.0/16")
            cls.flow_log(r, [vpc], LogDestinationType="kinesis-data-firehose",
                         LogDestination=cls.stream_arn(r, harness.ACCOUNT_ID, name))
        cls.emu.client("firehose", r).delete_delivery_stream(
            DeliveryStreamName="audit-gone-stream-use1")
        theirs, _ = cls.vpc(r, "10.7.0.0/16")
        cls.flow_log(r, [theirs], LogDestinationType="kinesis-data-firehose",
                     LogDestination=cls.stream_arn(r, "999999999999", "audit-theirs"))

    @classmethod
    def seed_eu_west_1(cls):
        r = "eu-west-1"
        cls.group(r, "audit-forever")
        cls.group(r, "audit-short", 7)
        cls.group(r, "audit-ok-euw1", 365)
        forever, _ = cls.vpc(r, "10.1.0.0/16")
        cls.flow_log(r, [forever], LogGroupName="audit-forever")
        short, _ = cls.vpc(r, "10.2.0.0/16")
        cls.flow_log(r, [short], LogGroupName="audit-short")
        _, full = cls.vpc(r, "10.3.0.0/16", subnets=2)              # every subnet logged
        cls.flow_log(r, full, kind="Subnet", LogGroupName="audit-ok-euw1")
        _, part = cls.vpc(r, "10.4.0.0/16", subnets=3)              # one subnet of three
        cls.flow_log(r, part[:1], kind="Subnet", LogGroupName="audit-ok-euw1")

    @classmethod
    def seed_ap_southeast_2(cls):
        r = "ap-southeast-2"
        s3 = cls.emu.client("s3", r)
        where = {"LocationConstraint": r}
        for name in ("audit-noexp-apse2", "audit-exp-apse2", "audit-short-apse2",
                     "audit-gone-apse2"):
            s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
        for name, days in (("audit-exp-apse2", 365), ("audit-short-apse2", 30)):
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={
                "Rules": [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"},
                           "Expiration": {"Days": days}}]})
        for name in ("audit-noexp-apse2", "audit-exp-apse2", "audit-short-apse2",
                     "audit-gone-apse2"):
            vpc, _ = cls.vpc(r)
            cls.flow_log(r, [vpc], LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::" + name)
        s3.delete_bucket(Bucket="audit-gone-apse2")                # DESTINATION_MISSING
        # A log group named only by the ARN in LogDestination (moto marks the
        # flow log FAILED, which the test reads back like the rest).
        cls.group(r, "/audit/arn-only")
        vpc, _ = cls.vpc(r, "10.9.0.0/16")
        cls.flow_log(r, [vpc], LogDestinationType="cloud-watch-logs",
                     LogDestination="arn:aws:logs:%s:%s:log-group:/audit/arn-only"
                     % (r, harness.ACCOUNT_ID))

    @classmethod
    def seed_quiet_region(cls):
        """us-west-2: only the default VPC, logged, kept forever (one low finding)."""
        r = "us-west-2"
        ec2 = cls.emu.client("ec2", r)
        default = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]]
        cls.group(r, "audit-west")
        cls.flow_log(r, default, LogGroupName="audit-west")

    def audit_json(self, *args, env=None, expect=None):
        proc = self.run_vpcflow("audit", "--output", "json", *args, env=env)
        if expect is not None:
            self.assertEqual(proc.returncode, expect, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        return proc, doc

    def check_against_truth(self, doc, regions, min_retention=0):
        want, defaults = truth(client_factory(self.emu), harness.ACCOUNT_ID, regions,
                               min_retention)
        got = rows(doc)
        self.assertEqual(sorted(got), sorted(want))
        self.assertEqual(got, sorted(got, key=report_key), "report order")
        for f in doc["findings"]:
            if f["vpcId"]:
                self.assertEqual(f["defaultVpc"], defaults[f["vpcId"]], f)
                self.assertEqual(f["reason"].startswith("default VPC"), defaults[f["vpcId"]])
        return want

    def test_findings_match_aws_exactly(self):
        proc, doc = self.audit_json("--regions", ",".join(REGIONS), "--min-retention", "90",
                                    expect=3)
        self.assertEqual(doc["errors"], [])
        want = self.check_against_truth(doc, REGIONS, 90)
        # The seeding shows every finding moto can represent.
        codes = {w[1] for w in want}
        self.assertEqual(codes, set(SEVERITY) - {"SHARED"})
        # AWS's own message for failed delivery is in the reason.
        ec2 = self.emu.client("ec2", "us-east-1")
        for fl in ec2.describe_flow_logs()["FlowLogs"]:
            if fl.get("DeliverLogsStatus") == "FAILED":
                row = [f for f in doc["findings"] if f["resource"] == fl["FlowLogId"]][0]
                self.assertIn(fl["DeliverLogsErrorMessage"], row["reason"])
                self.assertEqual(row["code"], "DELIVERY_FAILED")
        summary = doc["summary"]
        vpcs = sum(len(self.emu.client("ec2", r).describe_vpcs()["Vpcs"]) for r in REGIONS)
        self.assertEqual(summary["vpcs"], vpcs)
        flagged = {w[4] for w in want if w[1] in ("NO_FLOW_LOG", "PARTIAL_SUBNET_COVERAGE",
                                                   "TRAFFIC_ACCEPT_ONLY")}
        self.assertEqual(summary["covered"], vpcs - len(flagged))
        for sev in ("high", "medium", "low"):
            self.assertEqual(summary["findings"][sev], sum(1 for w in want if w[0] == sev))

    def test_firehose_destinations(self):
        _, doc = self.audit_json("--regions", "us-east-1", expect=3)
        self.check_against_truth(doc, ["us-east-1"])
        ec2 = self.emu.client("ec2", "us-east-1")
        by_stream = {fl["LogDestination"].split("/")[-1]: fl
                     for fl in ec2.describe_flow_logs()["FlowLogs"]
                     if fl.get("LogDestinationType") == "kinesis-data-firehose"}
        rows_of = collections.defaultdict(list)
        for f in doc["findings"]:
            rows_of[f["resource"]].append(f["code"])
        gone = by_stream["audit-gone-stream-use1"]
        row = [f for f in doc["findings"] if f["resource"] == "audit-gone-stream-use1"]
        self.assertEqual([f["code"] for f in row], ["DESTINATION_MISSING"])
        self.assertEqual((row[0]["severity"], row[0]["flowLogId"], row[0]["vpcId"]),
                         ("high", gone["FlowLogId"], gone["ResourceId"]))
        self.assertIn("Firehose delivery stream 'audit-gone-stream-use1' does not exist",
                      row[0]["reason"])
        self.assertEqual(row[0]["deliveryStream"], "audit-gone-stream-use1")
        self.assertNotIn("logGroup", row[0])
        self.assertEqual(rows_of[gone["ResourceId"]], ["NO_FLOW_LOG"])
        # The stream that exists, and the one of another account, cover their VPCs.
        for name in ("audit-stream-use1", "audit-theirs"):
            self.assertEqual(rows_of[by_stream[name]["ResourceId"]], [], name)
            self.assertEqual(rows_of[name], [], name)

    def test_unreadable_streams_are_an_error_not_a_finding(self):
        denied = json.dumps({"__type": "AccessDeniedException",
                             "message": "not authorized to perform firehose:ListDeliveryStreams"})
        rules = [{"match": {"target": "ListDeliveryStreams",
                            "header_contains": ["Authorization", "/us-east-1/"]},
                  "status": 400, "body": denied, "times": -1}]
        with Proxied(self, rules) as px:
            proc, doc = self.audit_json("--regions", "us-east-1", env=px.env(), expect=1)
        self.assertEqual(len(doc["errors"]), 1, doc["errors"])
        self.assertEqual(doc["errors"][0]["region"], "us-east-1")
        self.assertIn("ListDeliveryStreams", doc["errors"][0]["message"])
        self.assertIn("AccessDenied", doc["errors"][0]["message"])
        # Nothing is said of the streams (the flow log into the deleted one
        # is not known to be broken); the rest of the region is judged.
        want, _ = truth(client_factory(self.emu), harness.ACCOUNT_ID, ["us-east-1"])
        gone = [fl for fl in self.emu.client("ec2", "us-east-1").describe_flow_logs()["FlowLogs"]
                if fl.get("LogDestination", "").endswith("/audit-gone-stream-use1")][0]
        unjudged = ("audit-gone-stream-use1", gone["ResourceId"])
        self.assertEqual(len([w for w in want if w[4] in unjudged]), 2)
        self.assertEqual(sorted(rows(doc)), sorted(w for w in want if w[4] not in unjudged))
        self.assertIn("region us-east-1", proc.stderr)

    def test_without_min_retention_nothing_is_below_it(self):
        _, doc = self.audit_json("--regions", ",".join(REGIONS), expect=3)
        want = self.check_against_truth(doc, REGIONS, 0)
        self.assertNotIn("RETENTION_BELOW_MIN", {w[1] for w in want})

    def test_remedy_spec_covers_every_vpc_without_flow_logs(self):
        spec_file = os.path.join(self.home, "fix.json")
        _, doc = self.audit_json("--regions", ",".join(REGIONS), "--emit-spec", spec_file)
        with open(spec_file, encoding="utf-8") as f:
            spec = json.load(f)
        want, _ = truth(client_factory(self.emu), harness.ACCOUNT_ID, REGIONS)
        missing = {(w[3], w[4]) for w in want if w[1] == "NO_FLOW_LOG"}
        in_spec = {(c["regions"][0], i) for c in spec["flowLogConfigs"]
                   if c["resourceType"] == "VPC" for i in c["resourceIds"]}
        self.assertEqual(in_spec, missing)
        partial = [f for f in doc["findings"] if f["code"] == "PARTIAL_SUBNET_COVERAGE"]
        ec2 = self.emu.client("ec2", "eu-west-1")
        logged = {fl["ResourceId"] for fl in ec2.describe_flow_logs()["FlowLogs"]}
        unlogged = {s["SubnetId"] for s in ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [partial[0]["vpcId"]]}])["Subnets"]} - logged
        subnet_ids = {i for c in spec["flowLogConfigs"] if c["resourceType"] == "Subnet"
                      for i in c["resourceIds"]}
        self.assertEqual(subnet_ids, unlogged)
        self.assertEqual(doc["remedy"]["specs"][0]["spec"], spec)
        # What apply reads: the spec's published JSON Schema, checked by jsonschema.
        with open(os.path.join(harness.SOURCE_DIR, "templates", "spec.schema.json"),
                  encoding="utf-8") as f:
            jsonschema.validate(spec, json.load(f))
        # Retention commands name the log groups kept forever.
        forever = sorted(w[4] for w in want if w[1] == "RETENTION_UNSET")
        commands = " ".join(doc["remedy"]["commands"])
        for name in forever:
            self.assertIn("--log-group '%s'" % name, commands)

    def test_exit_codes_follow_fail_on(self):
        proc, doc = self.audit_json("--regions", "us-west-2", expect=0)
        self.assertEqual([f["code"] for f in doc["findings"]], ["RETENTION_UNSET"])
        self.audit_json("--regions", "us-west-2", "--fail-on", "low", expect=3)
        self.audit_json("--regions", "us-west-2", "--fail-on", "high", expect=0)
        self.audit_json("--regions", "us-east-1", "--fail-on", "high", expect=3)

    def test_default_regions_are_every_enabled_region(self):
        _, doc = self.audit_json()
        # Enabled: not "not-opted-in", and in the partition of the caller's region.
        enabled = {r["RegionName"] for r in self.emu.client("ec2").describe_regions()["Regions"]
                   if r.get("OptInStatus") != "not-opted-in"
                   and not r["RegionName"].startswith(("cn-", "us-gov-"))}
        self.assertEqual(doc["summary"]["regions"], len(enabled))
        self.assertEqual({f["region"] for f in doc["findings"]}, enabled)  # default VPCs

    def test_table_and_csv(self):
        proc = self.run_vpcflow("audit", "--regions", ",".join(REGIONS))
        self.assertEqual(proc.returncode, 3, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["SEVERITY", "CODE", "ACCOUNT", "REGION",
                                            "RESOURCE", "REASON"])
        severities = []
        for line in lines[1:]:
            if not line.strip():
                break
            severities.append(line.split()[0])
        self.assertEqual(severities, sorted(severities, key=lambda s: -RANK[s]))
        self.assertTrue(any(re.match(r"\d+ VPCs checked in 3 regions of 1 account: \d+ covered",
                                     line) for line in lines), proc.stdout)
        self.assertIn("vpcflow apply", proc.stdout)
        self.assertIn("vpcflow retention set", proc.stdout)
        self.assertEqual(proc.stderr, "")  # no TTY: no progress line

        proc = self.run_vpcflow("audit", "--regions", ",".join(REGIONS), "--output", "csv")
        table = list(csv.reader(io.StringIO(proc.stdout)))
        self.assertEqual(table[0], ["SEVERITY", "CODE", "ACCOUNT", "REGION", "RESOURCE",
                                    "REASON"])
        want, _ = truth(client_factory(self.emu), harness.ACCOUNT_ID, REGIONS)
        self.assertEqual(sorted(tuple(r[:5]) for r in table[1:]),
                         sorted(w for w in want))

    def test_progress_on_a_terminal(self):
        rc, progress, stdout = harness.run_on_terminal(
            [harness.VPCFLOW, "audit", "--regions", ",".join(REGIONS), "--output", "json"],
            self.emu.env(home=self.home), stream="stderr")
        self.assertEqual(rc, 3)
        self.assertIn("3/3 regions read", progress)
        self.assertRegex(progress, r"\d+ findings? so far")
        json.loads(stdout)  # stdout stays clean

    def test_failing_region_is_an_error_row_and_exit_1(self):
        denied = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
                  '<Code>UnauthorizedOperation</Code><Message>You are not authorized to '
                  'perform this operation.</Message></Error></Errors><RequestID>r-1</RequestID>'
                  '</Response>')
        rules = [{"match": {"action": "DescribeVpcs",
                            "header_contains": ["Authorization", "/eu-west-1/"]},
                  "status": 403, "body": denied, "times": -1}]
        with Proxied(self, rules) as px:
            proc, doc = self.audit_json("--regions", ",".join(REGIONS), env=px.env(), expect=1)
        self.assertEqual(len(doc["errors"]), 1)
        self.assertEqual(doc["errors"][0]["region"], "eu-west-1")
        self.assertEqual(doc["errors"][0]["account"], harness.ACCOUNT_ID)
        self.assertIn("UnauthorizedOperation", doc["errors"][0]["message"])
        self.assertIn("DescribeVpcs", doc["errors"][0]["message"])
        self.check_against_truth(doc, ["us-east-1", "ap-southeast-2"])
        err_lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(err_lines), 1, proc.stderr)
        self.assertIn("region eu-west-1", err_lines[0])

    def test_s3_destination_with_a_prefix(self):
        """moto refuses S3 destinations with a key prefix: the fault server
        answers DescribeFlowLogs with one, the rest comes from moto."""
        region = "ap-southeast-2"
        vpc = self.emu.client("ec2", region).describe_vpcs()["Vpcs"][0]["VpcId"]
        answer = ('<DescribeFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                  '<requestId>r-3</requestId><flowLogSet><item><flowLogId>fl-0123456789abcdef0'
                  '</flowLogId><resourceId>%s</resourceId><trafficType>ALL</trafficType>'
                  '<logDestinationType>s3</logDestinationType><logDestination>'
                  'arn:aws:s3:::audit-exp-apse2/team-a/</logDestination><deliverLogsStatus>'
                  'SUCCESS</deliverLogsStatus><flowLogStatus>ACTIVE</flowLogStatus></item>'
                  '</flowLogSet></DescribeFlowLogsResponse>' % vpc)
        rules = [{"match": {"action": "DescribeFlowLogs",
                            "header_contains": ["Authorization", "/%s/" % region]},
                  "body": answer, "times": -1}]
        with Proxied(self, rules) as px:
            _, doc = self.audit_json("--regions", region, env=px.env(), expect=3)
            paths = [r["path"] for r in px.requests() if not r["action"] and not r["target"]]
        # The bucket's rule expires AWSLogs/ only, not team-a/AWSLogs/.
        row = [f for f in doc["findings"] if f["code"] == "S3_NO_EXPIRATION"]
        self.assertEqual(len(row), 1, doc["findings"])
        self.assertEqual((row[0]["resource"], row[0]["prefix"]), ("audit-exp-apse2", "team-a"))
        self.assertIn("'team-a/AWSLogs/%s/vpcflowlogs/%s/'" % (harness.ACCOUNT_ID, region),
                      row[0]["reason"])
        self.assertNotIn(vpc, [f["resource"] for f in doc["findings"]])  # covered
        self.assertEqual(sorted(p.split("?")[0] for p in paths),
                         ["/audit-exp-apse2", "/audit-exp-apse2"])
        self.assertIn("--bucket 'audit-exp-apse2' --prefix 'team-a'",
                      " ".join(doc["remedy"]["commands"]))


class RequestCountTest(harness.EmulatorTestCase):
    """Describe* calls per region do not grow with the number of VPCs."""

    REGIONS = ["ca-central-1", "sa-east-1", "eu-north-1"]
    BUCKET = "audit-count-bucket"
    STREAM = "audit-count-stream"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emu.client("s3").create_bucket(Bucket=cls.BUCKET)
        cls.emu.client("firehose", cls.REGIONS[0]).create_delivery_stream(
            DeliveryStreamName=cls.STREAM, ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose" % harness.ACCOUNT_ID,
                "BucketARN": "arn:aws:s3:::" + cls.BUCKET})
        cls.seeded = {r: 0 for r in cls.REGIONS}

    def seed(self, per_region):
        """Brings every region to per_region VPCs: a subnet each, half with a
        flow log to its own log group, one with an S3 flow log; in the first
        region, one subnet with a flow log of its own, and every third VPC
        with a flow log to a Firehose stream (one that exists, or not)."""
        for region in self.REGIONS:
            ec2 = self.emu.client("ec2", region)
            logs = self.emu.client("logs", region)
            for i in range(self.seeded[region], per_region):
                vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.%d.1.0/24" % i)[
                    "Subnet"]["SubnetId"]
                if i == 2 and region == self.REGIONS[0]:
                    group = "/aws/vpc-flow-logs/" + subnet
                    logs.create_log_group(logGroupName=group)
                    ec2.create_flow_logs(ResourceIds=[subnet], ResourceType="Subnet",
                                         TrafficType="ALL", LogGroupName=group,
                                         DeliverLogsPermissionArn=ROLE)
                if i % 3 == 0 and region == self.REGIONS[0]:
                    stream = self.STREAM if i % 2 else "audit-count-gone-%d" % i
                    ec2.create_flow_logs(
                        ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                        LogDestinationType="kinesis-data-firehose",
                        LogDestination="arn:aws:firehose:%s:%s:deliverystream/%s"
                        % (region, harness.ACCOUNT_ID, stream))
                if i == 0:
                    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC",
                                         TrafficType="ALL", LogDestinationType="s3",
                                         LogDestination="arn:aws:s3:::" + self.BUCKET)
                elif i % 2:
                    group = "/aws/vpc-flow-logs/" + vpc
                    logs.create_log_group(logGroupName=group)
                    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC",
                                         TrafficType="ALL", LogGroupName=group,
                                         DeliverLogsPermissionArn=ROLE)
            self.seeded[region] = per_region

    def count(self):
        with Proxied(self) as px:
            proc = px.run("audit", "--output", "json", "--regions", ",".join(self.REGIONS))
            self.assertIn(proc.returncode, (0, 3), proc.stderr)
            counts = collections.Counter()
            for req in px.requests():
                auth = req["headers"].get("Authorization", "")
                region = re.search(r"Credential=[^/]+/\d+/([^/]+)/", auth).group(1)
                op = req["action"] or req["target"].split(".")[-1] or "%s %s" % (
                    req["method"], "lifecycle" if "lifecycle" in req["path"] else "bucket")
                if req["target"] == "" and not req["action"]:
                    region = "any"  # a bucket is read by whichever region claims it first
                counts[(op, region)] += 1
        return counts, json.loads(proc.stdout)

    def test_counts_do_not_grow_with_vpcs(self):
        self.seed(3)
        small, doc_small = self.count()
        self.seed(30)
        large, doc_large = self.count()
        self.assertEqual(large, small)
        self.assertGreater(doc_large["summary"]["vpcs"], doc_small["summary"]["vpcs"] + 80)
        for region in self.REGIONS:
            for op in ("DescribeVpcs", "DescribeFlowLogs"):
                self.assertEqual(large[(op, region)], 1, (op, region, large))
            self.assertGreaterEqual(large[("DescribeLogGroups", region)], 1)
            # Subnets are read only where a flow log is on a subnet, and
            # delivery streams where a flow log delivers to one.
            self.assertEqual(large[("DescribeSubnets", region)],
                             1 if region == self.REGIONS[0] else 0, (region, large))
            self.assertEqual(large[("ListDeliveryStreams", region)],
                             1 if region == self.REGIONS[0] else 0, (region, large))
        missing = {f["resource"] for f in doc_large["findings"]
                   if f["code"] == "DESTINATION_MISSING"}
        self.assertEqual(missing, {"audit-count-gone-%d" % i for i in range(0, 30, 6)})
        # The bucket that every region delivers to is read once.
        self.assertEqual(sum(n for (op, _), n in large.items() if op == "HEAD bucket"), 1)
        self.assertEqual(sum(n for (op, _), n in large.items() if op == "GET lifecycle"), 1)


class ManyLogGroupsTest(harness.EmulatorTestCase):
    """A log group per VPC, more than DescribeLogGroups lists in a page: the
    names are queried by several prefixes at once, not page after page."""

    REGION = "ap-northeast-2"
    VPCS = 120

    def test_log_groups_read_in_parallel_prefixes(self):
        ec2 = self.emu.client("ec2", self.REGION)
        logs = self.emu.client("logs", self.REGION)
        kept = {}
        for i in range(self.VPCS):
            vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
            group = "/aws/vpc-flow-logs/" + vpc
            if i % 10:  # every tenth log group is missing
                logs.create_log_group(logGroupName=group)
                if i % 3 == 0:
                    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogGroupName=group, DeliverLogsPermissionArn=ROLE)
            kept[group] = i
        # The truth, through boto3: which flow-log log groups exist, and
        # which of those keep their logs forever.
        existing = {}
        for page in logs.get_paginator("describe_log_groups").paginate():
            for g in page["logGroups"]:
                existing[g["logGroupName"]] = g.get("retentionInDays")
        missing = sorted(g for g in kept if g not in existing)
        forever = sorted(g for g in kept if g in existing and existing[g] is None)

        with Proxied(self) as px:
            proc = px.run("audit", "--output", "json", "--regions", self.REGION)
            self.assertEqual(proc.returncode, 3, proc.stderr)
            queries = [json.loads(r["body"]) for r in px.requests()
                       if r["target"].endswith(".DescribeLogGroups")]
        doc = json.loads(proc.stdout)
        found = collections.defaultdict(list)
        for f in doc["findings"]:
            found[f["code"]].append(f["resource"])
        self.assertEqual(sorted(found["DESTINATION_MISSING"]), missing)
        self.assertEqual(sorted(found["RETENTION_UNSET"]), forever)
        # Several prefix queries, none of them a second page.
        self.assertGreater(len(queries), 1, queries)
        self.assertLessEqual(len(queries), 16, queries)
        self.assertFalse([q for q in queries if q.get("nextToken")], queries)
        prefixes = [q.get("logGroupNamePrefix", "") for q in queries]
        self.assertEqual(len(set(prefixes)), len(prefixes), prefixes)
        for group in kept:
            self.assertTrue(any(group.startswith(p) for p in prefixes), group)


class OrgTest(harness.EmulatorTestCase):
    """--org against moto's Organizations: two member accounts reached with
    AssumeRole, one whose role has no permissions, and the caller's own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.emu.client("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.members = [org.create_account(Email="%s@example.com" % n, AccountName=n)
                       ["CreateAccountStatus"]["AccountId"] for n in ("a", "b", "c")]
        cls.creds = {}
        # moto creates OrganizationAccountAccessRole without permissions: give
        # the first two members an allow-all policy with checks off meanwhile.
        post_moto(cls.emu, "/moto-api/reset-auth", b"1000000")
        try:
            for account in cls.members[:2]:
                cls.creds[account] = cls.assume(account)
                iam = client_factory(cls.emu, cls.creds[account])("iam", "us-east-1")
                iam.put_role_policy(RoleName="OrganizationAccountAccessRole",
                                    PolicyName="all", PolicyDocument=ALLOW_ALL)
        finally:
            post_moto(cls.emu, "/moto-api/reset-auth", b"0")
        a, b = (client_factory(cls.emu, cls.creds[m]) for m in cls.members[:2])
        a("ec2", "us-east-1").create_vpc(CidrBlock="10.1.0.0/16")
        vpc = b("ec2", "us-east-1").create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        b("logs", "us-east-1").create_log_group(logGroupName="member-b")
        b("ec2", "us-east-1").create_flow_logs(
            ResourceIds=[vpc], ResourceType="VPC", TrafficType="ACCEPT", LogGroupName="member-b",
            DeliverLogsPermissionArn="arn:aws:iam::%s:role/x" % cls.members[1])
        cls.emu.client("ec2", "us-east-1").create_vpc(CidrBlock="10.3.0.0/16")

    @classmethod
    def assume(cls, account):
        return cls.emu.client("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account,
            RoleSessionName="audit-test")["Credentials"]

    def truth_for(self, accounts):
        want = []
        for account in accounts:
            creds = None if account == harness.ACCOUNT_ID else self.creds[account]
            want += truth(client_factory(self.emu, creds), account, ["us-east-1"])[0]
        return sorted(want)

    def test_org_audits_every_account(self):
        proc = self.run_vpcflow("audit", "--org", "--regions", "us-east-1", "--output", "json")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        reached = [harness.ACCOUNT_ID] + self.members[:2]
        self.assertEqual(sorted(rows(doc)), self.truth_for(reached))
        self.assertEqual(doc["summary"]["accounts"], 3)
        # The third member's role may do nothing: its region is an error row.
        self.assertEqual([(e["account"], e["region"]) for e in doc["errors"]],
                         [(self.members[2], "us-east-1")])
        self.assertRegex(doc["errors"][0]["message"], "AccessDenied|UnauthorizedOperation")
        self.assertEqual(len(doc["remedy"]["specs"]), 3)

    def test_accounts_restricts(self):
        spec_file = os.path.join(self.home, "fix.json")
        proc = self.run_vpcflow("audit", "--org", "--regions", "us-east-1", "--output", "json",
                                "--accounts", ",".join(self.members[:2]),
                                "--emit-spec", spec_file)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(sorted(rows(doc)), self.truth_for(self.members[:2]))
        self.assertEqual(doc["errors"], [])
        for account in self.members[:2]:
            with open(os.path.join(self.home, "fix-%s.json" % account), encoding="utf-8") as f:
                spec = json.load(f)
            vpcs = {v["VpcId"] for v in client_factory(self.emu, self.creds[account])(
                "ec2", "us-east-1").describe_vpcs()["Vpcs"]}
            ids = {i for c in spec["flowLogConfigs"] for i in c["resourceIds"]}
            self.assertTrue(ids and ids <= vpcs, (ids, vpcs))

    def test_role_that_cannot_be_assumed_is_an_error_row(self):
        denied = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>'
                  'User is not authorized to perform: sts:AssumeRole</Message></Error>'
                  '<RequestId>r-2</RequestId></ErrorResponse>')
        rules = [{"match": {"action": "AssumeRole", "body_contains": self.members[0]},
                  "status": 403, "body": denied, "times": -1}]
        with Proxied(self, rules) as px:
            proc = px.run("audit", "--org", "--regions", "us-east-1", "--output", "json",
                          "--accounts", ",".join(self.members[:2]))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(len(doc["errors"]), 1)
        err = doc["errors"][0]
        self.assertEqual(err["account"], self.members[0])
        self.assertIn("cannot assume role arn:aws:iam::%s:role/OrganizationAccountAccessRole"
                      % self.members[0], err["message"])
        self.assertIn("AccessDenied", err["message"])
        self.assertEqual(sorted(rows(doc)), self.truth_for(self.members[1:2]))
        self.assertIn("account %s" % self.members[0], proc.stderr)

    def test_unknown_account_is_reported(self):
        proc = self.run_vpcflow("audit", "--org", "--regions", "us-east-1", "--output", "json",
                                "--accounts", "999999999999")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertIn("not in the organization", doc["errors"][0]["message"])
        self.assertEqual(doc["findings"], [])


class UsageTest(unittest.TestCase):
    """Bad options exit 2 with one line, and nothing reaches AWS."""

    def test_bad_options(self):
        self.home = tempfile.mkdtemp(prefix="vpcflow-home-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        with Proxied(self, upstream=False) as px:
            env = px.env()
            for args, words in [
                    (["--fail-on", "critical"], "low, medium, high"),
                    (["--min-retention", "0"], "whole number"),
                    (["--org-role", "Admin"], "needs --org"),
                    (["--accounts", "123456789012"], "needs --org"),
                    (["--org", "--accounts", "12345"], "not an account ID"),
                    (["--org", "--org-role", "bad role"], "not a role name"),
                    (["--regions", "Mars"], "not a region name"),
                    (["--emit-spec", ""], "needs a file name"),
                    (["extra"], "unexpected argument")]:
                proc = harness.run([harness.VPCFLOW, "audit", *args], env=env)
                self.assertEqual(proc.returncode, 2, (args, proc.stderr))
                self.assertIn(words, proc.stderr, args)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
            self.assertEqual(px.requests(), [])


if __name__ == "__main__":
    unittest.main()
