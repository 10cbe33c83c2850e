"""The typed AWS calls (aws/ec2.h, iam.h, sts.h, logs.h, s3.h, org.h), driven
through tests/tools/awsdrv against moto with signature checking on, each result
checked against AWS state read with boto3. What moto cannot show (pagination,
the exact request parameters, unsigned requests) is checked against a small
local fake that serves canned answers from tests/data/responses and records
every request."""

import datetime
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import botocore.exceptions

import harness

ACCOUNT = harness.ACCOUNT_ID
RESPONSES = os.path.join(harness.SOURCE_DIR, "tests", "data", "responses")
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                  "ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT}}}]}


class DrvMixin:
    """Runs awsdrv and decodes its JSON answer."""

    def drv_raw(self, *args, region="us-east-1", env=None):
        return self.run_tool("awsdrv", *args, "--region", region, env=env)

    def drv(self, *args, region="us-east-1", env=None):
        p = self.drv_raw(*args, region=region, env=env)
        self.assertEqual(p.returncode, 0, "awsdrv %s: %s" % (" ".join(args), p.stderr))
        return json.loads(p.stdout)

    def drv_fail(self, *args, region="us-east-1", env=None):
        p = self.drv_raw(*args, region=region, env=env)
        self.assertEqual(p.returncode, 1, p.stdout)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("error: "), lines[0])
        return lines[0]

    def write(self, name, text):
        path = os.path.join(self.home, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


def _check_objects(t, s3, bucket, keys, listings):
    """Puts keys with boto3, then lists (each (prefix, delimiter) of listings)
    and reads them through awsdrv, comparing with boto3."""
    for i, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=b"body %d \x00\xff" % i)
    got = t.drv("s3", "list-objects", bucket)
    want = s3.list_objects_v2(Bucket=bucket)["Contents"]
    t.assertEqual([(o["Key"], o["Size"], o["ETag"]) for o in got["Contents"]],
                  [(o["Key"], o["Size"], o["ETag"]) for o in want])
    t.assertEqual(sorted(o["Key"] for o in got["Contents"]), sorted(keys))
    t.assertEqual(got["CommonPrefixes"], [])
    for prefix, delimiter in listings:
        args, kw = ["--prefix", prefix], {"Prefix": prefix}
        if delimiter:
            args += ["--delimiter", delimiter]
            kw["Delimiter"] = delimiter
        got = t.drv("s3", "list-objects", bucket, *args)
        want = s3.list_objects_v2(Bucket=bucket, **kw)
        t.assertEqual(got["CommonPrefixes"], [p["Prefix"] for p in want.get("CommonPrefixes", [])])
        t.assertEqual([o["Key"] for o in got["Contents"]],
                      [o["Key"] for o in want.get("Contents", [])])
        t.assertTrue(got["Contents"] or got["CommonPrefixes"])
    for key in keys:
        want = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        for how in ("get-object", "get-object-stream"):
            p = subprocess.run([os.path.join(harness.TOOLS, "awsdrv"), "s3", how, bucket, key],
                               env=t.emu.env(home=t.home), capture_output=True, timeout=60)
            t.assertEqual(p.returncode, 0, p.stderr)
            t.assertEqual(p.stdout, want, how)


class ServicesTest(DrvMixin, harness.EmulatorTestCase):

    def test_sts_get_caller_identity(self):
        got = self.drv("sts", "get-caller-identity")
        want = self.emu.client("sts").get_caller_identity()
        self.assertEqual(got, {k: want[k] for k in ("Account", "Arn", "UserId")})

    def test_ec2_describe_regions(self):
        for region in ("us-east-1", "eu-west-1"):
            got = self.drv("ec2", "describe-regions", region=region)
            want = self.emu.client("ec2", region).describe_regions(AllRegions=False)["Regions"]
            self.assertEqual([r["RegionName"] for r in got["Regions"]],
                             [r["RegionName"] for r in want])
            self.assertEqual([r["OptInStatus"] for r in got["Regions"]],
                             [r.get("OptInStatus") for r in want])
            enabled = [r["RegionName"] for r in want
                       if r.get("OptInStatus") != "not-opted-in"
                       and not r["RegionName"].startswith(("cn-", "us-gov-"))]
            self.assertEqual(got["Names"], enabled)
            self.assertIn("us-east-1", got["Names"])
            self.assertIn("eu-west-1", got["Names"])

    def test_ec2_describe_resources(self):
        region = "us-west-2"
        ec2 = self.emu.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16", TagSpecifications=[{
            "ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "core & edge"}]}])["Vpc"]
        subnets = [ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.8.%d.0/24" % i,
                                     AvailabilityZone=region + "ab"[i])["Subnet"]
                   for i in range(2)]
        eni = ec2.create_network_interface(SubnetId=subnets[0]["SubnetId"],
                                           Description="probe eni")["NetworkInterface"]
        tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]
        att = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc["VpcId"],
            SubnetIds=[subnets[0]["SubnetId"]])["TransitGatewayVpcAttachment"]

        got = self.drv("ec2", "describe-vpcs", "--filter", "vpc-id=" + vpc["VpcId"], region=region)
        want = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]
        self.assertEqual(got, [{"VpcId": want["VpcId"], "OwnerId": want["OwnerId"],
                                "CidrBlock": want["CidrBlock"], "State": want["State"],
                                "IsDefault": want["IsDefault"],
                                "Tags": {t["Key"]: t["Value"] for t in want["Tags"]}}])
        every = self.drv("ec2", "describe-vpcs", region=region)
        self.assertEqual(sorted(v["VpcId"] for v in every),
                         sorted(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]))

        got = self.drv("ec2", "describe-subnets", "--filter", "vpc-id=" + vpc["VpcId"],
                       region=region)
        want = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
        self.assertEqual(sorted((s["SubnetId"], s["VpcId"], s["OwnerId"], s["AvailabilityZone"],
                                 s["CidrBlock"]) for s in got),
                         sorted((s["SubnetId"], s["VpcId"], s["OwnerId"], s["AvailabilityZone"],
                                 s["CidrBlock"]) for s in want["Subnets"]))
        self.assertEqual(len(got), 2)

        got = self.drv("ec2", "describe-network-interfaces", "--filter",
                       "subnet-id=" + subnets[0]["SubnetId"], region=region)
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["NetworkInterfaceId"], eni["NetworkInterfaceId"])
        self.assertEqual(got[0]["VpcId"], vpc["VpcId"])
        self.assertEqual(got[0]["SubnetId"], subnets[0]["SubnetId"])
        self.assertEqual(got[0]["OwnerId"], eni["OwnerId"])
        self.assertEqual(got[0]["InterfaceType"], eni["InterfaceType"])
        self.assertEqual(got[0]["Description"], "probe eni")

        got = self.drv("ec2", "describe-transit-gateways", region=region)
        want = ec2.describe_transit_gateways()["TransitGateways"]
        self.assertEqual(sorted((t["TransitGatewayId"], t["OwnerId"], t["State"]) for t in got),
                         sorted((t["TransitGatewayId"], t["OwnerId"], t["State"]) for t in want))
        self.assertIn(tgw["TransitGatewayId"], [t["TransitGatewayId"] for t in got])

        got = self.drv("ec2", "describe-transit-gateway-attachments", "--filter",
                       "transit-gateway-id=" + tgw["TransitGatewayId"], region=region)
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["TransitGatewayAttachmentId"], att["TransitGatewayAttachmentId"])
        self.assertEqual(got[0]["TransitGatewayId"], tgw["TransitGatewayId"])
        self.assertEqual(got[0]["ResourceType"], "vpc")
        self.assertEqual(got[0]["ResourceId"], vpc["VpcId"])
        want = ec2.describe_transit_gateway_attachments(
            TransitGatewayAttachmentIds=[att["TransitGatewayAttachmentId"]])
        self.assertEqual(got[0]["State"], want["TransitGatewayAttachments"][0]["State"])

    def _assert_same_flow_log(self, got, want):
        """Every field awsdrv reports equals boto3's view of the flow log."""
        for key in ("FlowLogId", "ResourceId", "TrafficType", "LogDestinationType",
                    "LogDestination", "LogGroupName", "DeliverLogsStatus",
                    "DeliverLogsErrorMessage", "DeliverLogsPermissionArn",
                    "DeliverCrossAccountRole", "FlowLogStatus", "LogFormat",
                    "MaxAggregationInterval"):
            self.assertEqual(got[key], want.get(key, 0 if key == "MaxAggregationInterval"
                                                else None), key)
        self.assertEqual(got["Tags"], {t["Key"]: t["Value"] for t in want.get("Tags", [])})
        created = datetime.datetime.fromisoformat(got["CreationTime"].replace("Z", "+00:00"))
        self.assertLess(abs((created - want["CreationTime"]).total_seconds()), 1)

    def test_ec2_flow_logs_cloudwatch(self):
        region = "eu-west-1"
        ec2 = self.emu.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        self.emu.client("logs", region).create_log_group(logGroupName="/aws/vpc-flow-logs/t1")
        role = self.emu.client("iam").create_role(
            RoleName="fl-delivery", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        fmt = "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} ${instance-id}"

        made = self.drv("ec2", "create-flow-logs", "--resource-ids", vpc, "--resource-type", "VPC",
                        "--traffic-type", "REJECT", "--log-destination-type", "cloud-watch-logs",
                        "--log-group-name", "/aws/vpc-flow-logs/t1",
                        "--deliver-logs-permission-arn", role, "--log-format", fmt,
                        "--max-aggregation-interval", "60", "--tag", "managed-by=vpcflow",
                        "--tag", "team=net sec", "--client-token", "tok-1", region=region)
        self.assertEqual(made["Unsuccessful"], [])
        self.assertEqual(len(made["FlowLogIds"]), 1)
        fl_vpc = made["FlowLogIds"][0]
        made = self.drv("ec2", "create-flow-logs", "--resource-ids", subnet,
                        "--resource-type", "Subnet", "--traffic-type", "ALL",
                        "--log-group-name", "/aws/vpc-flow-logs/missing",
                        "--deliver-logs-permission-arn", role, region=region)
        fl_subnet = made["FlowLogIds"][0]

        want = {f["FlowLogId"]: f for f in ec2.describe_flow_logs()["FlowLogs"]}
        got = self.drv("ec2", "describe-flow-logs", region=region)
        self.assertEqual(sorted(f["FlowLogId"] for f in got), sorted(want))
        for f in got:
            self._assert_same_flow_log(f, want[f["FlowLogId"]])
        byid = {f["FlowLogId"]: f for f in got}
        self.assertEqual(byid[fl_vpc]["ResourceId"], vpc)
        self.assertEqual(byid[fl_vpc]["TrafficType"], "REJECT")
        self.assertEqual(byid[fl_vpc]["LogFormat"], fmt)
        self.assertEqual(byid[fl_vpc]["MaxAggregationInterval"], 60)
        self.assertEqual(byid[fl_vpc]["Tags"], {"managed-by": "vpcflow", "team": "net sec"})
        self.assertEqual(byid[fl_vpc]["DeliverLogsStatus"], "SUCCESS")
        self.assertEqual(byid[fl_subnet]["DeliverLogsStatus"], "FAILED")  # no such group

        only = self.drv("ec2", "describe-flow-logs", "--filter", "resource-id=" + subnet,
                        region=region)
        self.assertEqual([f["FlowLogId"] for f in only], [fl_subnet])

        self.assertEqual(self.drv("ec2", "delete-flow-logs", fl_vpc, fl_subnet, region=region),
                         {"Unsuccessful": []})
        self.assertEqual(ec2.describe_flow_logs()["FlowLogs"], [])
        line = self.drv_fail("ec2", "delete-flow-logs", "fl-0000000000000000a", region=region)
        self.assertTrue(line.startswith("error: DeleteFlowLogs: InvalidFlowLogId.NotFound: "),
                        line)

    def test_ec2_flow_logs_s3_and_unsuccessful(self):
        region = "us-east-2"
        ec2 = self.emu.client("ec2", region)
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % (20 + i))["Vpc"]["VpcId"]
                for i in range(2)]
        self.emu.client("s3", region).create_bucket(
            Bucket="flow-dest-2", CreateBucketConfiguration={"LocationConstraint": region})

        made = self.drv("ec2", "create-flow-logs", "--resource-ids", vpcs[0],
                        "--resource-type", "VPC", "--traffic-type", "ACCEPT",
                        "--log-destination-type", "s3",
                        "--log-destination", "arn:aws:s3:::flow-dest-2",
                        "--file-format", "parquet", "--hive-compatible-partitions", "1",
                        "--per-hour-partition", "1", region=region)
        self.assertEqual(made["Unsuccessful"], [])
        want = ec2.describe_flow_logs(FlowLogIds=made["FlowLogIds"])["FlowLogs"][0]
        got = self.drv("ec2", "describe-flow-logs", "--filter",
                       "flow-log-id=" + made["FlowLogIds"][0], region=region)
        self.assertEqual(len(got), 1)
        self._assert_same_flow_log(got[0], want)
        self.assertEqual(got[0]["LogDestination"], "arn:aws:s3:::flow-dest-2")

        # A missing bucket: AWS (and moto) answer per resource in Unsuccessful.
        made = self.drv("ec2", "create-flow-logs", "--resource-ids", ",".join(vpcs),
                        "--resource-type", "VPC", "--traffic-type", "ALL",
                        "--log-destination-type", "s3",
                        "--log-destination", "arn:aws:s3:::no-such-flow-bucket", region=region)
        self.assertEqual(made["FlowLogIds"], [])
        self.assertEqual([u["ResourceId"] for u in made["Unsuccessful"]], vpcs)
        for u in made["Unsuccessful"]:
            self.assertTrue(u["Code"])
            self.assertIn("no-such-flow-bucket", u["Message"])
        self.assertEqual(len(ec2.describe_flow_logs()["FlowLogs"]), 1)

    def test_iam_role_and_policies(self):
        iam = self.emu.client("iam")
        trust = self.write("trust.json", json.dumps(TRUST))
        got = self.drv("iam", "create-role", "vpcflow-r1", trust, "--path", "/vpcflow/",
                       "--description", "Delivers flow logs", "--tag", "managed-by=vpcflow")
        want = iam.get_role(RoleName="vpcflow-r1")["Role"]
        for key in ("Arn", "RoleName", "RoleId", "Path", "Description"):
            self.assertEqual(got[key], want[key], key)
        self.assertEqual(json.loads(got["AssumeRolePolicyDocument"]), TRUST)
        self.assertEqual(got["Tags"], {"managed-by": "vpcflow"})
        self.assertEqual(self.drv("iam", "get-role", "vpcflow-r1"), got)

        trust2 = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Sid="with space+plus")])
        self.drv("iam", "update-assume-role-policy", "vpcflow-r1",
                 self.write("trust2.json", json.dumps(trust2)))
        self.assertEqual(iam.get_role(RoleName="vpcflow-r1")["Role"]["AssumeRolePolicyDocument"],
                         trust2)
        self.assertEqual(json.loads(self.drv("iam", "get-role", "vpcflow-r1")
                                    ["AssumeRolePolicyDocument"]), trust2)

        absent = self.drv("iam", "get-role-policy", "vpcflow-r1", "delivery")
        self.assertTrue(absent["absent"])
        self.assertIn("NoSuchEntity", absent["error"])
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "Deliver", "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups"],
            "Resource": ["arn:aws:logs:*:%s:log-group:/aws/vpc-flow-logs/a b+c:*" % ACCOUNT]}]}
        self.drv("iam", "put-role-policy", "vpcflow-r1", "delivery",
                 self.write("policy.json", json.dumps(policy, indent=2)))
        self.assertEqual(iam.get_role_policy(RoleName="vpcflow-r1",
                                             PolicyName="delivery")["PolicyDocument"], policy)
        got = self.drv("iam", "get-role-policy", "vpcflow-r1", "delivery")
        self.assertEqual(json.loads(got["PolicyDocument"]), policy)

        self.drv("iam", "tag-role", "vpcflow-r1", "--tag", "team=network", "--tag", "env=test")
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="vpcflow-r1")["Tags"]}
        self.assertEqual(tags, {"managed-by": "vpcflow", "team": "network", "env": "test"})

        self.drv("iam", "delete-role-policy", "vpcflow-r1", "delivery")
        self.assertEqual(iam.list_role_policies(RoleName="vpcflow-r1")["PolicyNames"], [])
        self.assertTrue(self.drv("iam", "delete-role-policy", "vpcflow-r1", "delivery")["absent"])
        self.drv("iam", "delete-role", "vpcflow-r1")
        with self.assertRaises(botocore.exceptions.ClientError):
            iam.get_role(RoleName="vpcflow-r1")
        self.assertTrue(self.drv("iam", "get-role", "vpcflow-r1")["absent"])

    def test_sts_assume_role(self):
        user = self.emu.client("sts").get_caller_identity()["Arn"]
        doc = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": user}, "Action": "sts:AssumeRole"}]}
        arn = self.emu.client("iam").create_role(
            RoleName="auditor", AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        before = time.time()
        cr = self.drv("sts", "assume-role", arn, "audit-session", "--external-id", "ext-1",
                      "--duration", "900")
        self.assertEqual(cr["Source"], "assume-role")
        self.assertTrue(cr["AccessKeyId"] and cr["SecretAccessKey"] and cr["SessionToken"])
        self.assertAlmostEqual(cr["ExpiresMs"] / 1000, before + 900, delta=60)
        env = self.emu.env(home=self.home, AWS_ACCESS_KEY_ID=cr["AccessKeyId"],
                           AWS_SECRET_ACCESS_KEY=cr["SecretAccessKey"],
                           AWS_SESSION_TOKEN=cr["SessionToken"])
        who = self.drv("sts", "get-caller-identity", env=env)
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/auditor/audit-session" % ACCOUNT)

    def test_logs_groups(self):
        region = "eu-central-1"
        logs = self.emu.client("logs", region)
        logs.create_log_group(logGroupName="/other/group")
        self.drv("logs", "create-log-group", "/aws/vpc-flow-logs/g1", "--tag",
                 "managed-by=vpcflow", region=region)
        self.drv("logs", "create-log-group", "/aws/vpc-flow-logs/g2", region=region)
        got = self.drv("logs", "describe-log-groups", "/aws/vpc-flow-logs/", region=region)
        want = logs.describe_log_groups(logGroupNamePrefix="/aws/vpc-flow-logs/")["logGroups"]
        self.assertEqual([(g["LogGroupName"], g["Arn"], g["CreationTime"], g["StoredBytes"])
                          for g in got],
                         [(g["logGroupName"], g["arn"], g["creationTime"], g.get("storedBytes", 0))
                          for g in want])
        self.assertEqual([g["RetentionInDays"] for g in got], [0, 0])
        self.assertEqual(len(self.drv("logs", "describe-log-groups", region=region)), 3)
        arn = got[0]["Arn"]
        self.assertTrue(arn.endswith(":*"))
        self.assertEqual(got[0]["LogGroupArn"], arn[:-2])
        self.assertEqual(logs.list_tags_for_resource(resourceArn=arn[:-2])["tags"],
                         {"managed-by": "vpcflow"})

        self.drv("logs", "put-retention-policy", "/aws/vpc-flow-logs/g1", "30", region=region)
        want = logs.describe_log_groups(logGroupNamePrefix="/aws/vpc-flow-logs/g1")["logGroups"]
        self.assertEqual(want[0]["retentionInDays"], 30)
        got = self.drv("logs", "describe-log-groups", "/aws/vpc-flow-logs/g1", region=region)
        self.assertEqual(got[0]["RetentionInDays"], 30)
        self.drv("logs", "delete-retention-policy", "/aws/vpc-flow-logs/g1", region=region)
        want = logs.describe_log_groups(logGroupNamePrefix="/aws/vpc-flow-logs/g1")["logGroups"]
        self.assertNotIn("retentionInDays", want[0])

        self.drv("logs", "tag-resource", arn, "--tag", "team=network", region=region)
        self.assertEqual(logs.list_tags_for_resource(resourceArn=arn[:-2])["tags"],
                         {"managed-by": "vpcflow", "team": "network"})
        self.assertEqual(self.drv("logs", "list-tags-for-resource", arn, region=region),
                         {"managed-by": "vpcflow", "team": "network"})

        self.drv("logs", "delete-log-group", "/aws/vpc-flow-logs/g2", region=region)
        self.assertEqual([g["logGroupName"] for g in logs.describe_log_groups(
            logGroupNamePrefix="/aws/vpc-flow-logs/")["logGroups"]], ["/aws/vpc-flow-logs/g1"])
        line = self.drv_fail("logs", "delete-log-group", "/aws/vpc-flow-logs/g2", region=region)
        self.assertIn("DeleteLogGroup: ResourceNotFoundException: ", line)

    def test_logs_filter_events(self):
        region = "us-east-1"
        logs = self.emu.client("logs", region)
        logs.create_log_group(logGroupName="flows")
        start = int(time.time() * 1000) - 60000
        for s, name in enumerate(("eni-a-all", "eni-b-all")):
            logs.create_log_stream(logGroupName="flows", logStreamName=name)
            logs.put_log_events(logGroupName="flows", logStreamName=name, logEvents=[
                {"timestamp": start + i * 1000,
                 "message": "2 %s %s 10.0.0.%d 10.0.1.1 443 %d 6 1 40 0 0 %s OK" % (
                     ACCOUNT, name[:5], i, 40000 + i, "REJECT" if i % 3 == 0 else "ACCEPT")}
                for i in range(15)])

        def events(*args):
            p = self.drv_raw("logs", "filter-log-events", "flows", *args, region=region)
            self.assertEqual(p.returncode, 0, p.stderr)
            return [json.loads(line) for line in p.stdout.splitlines()]

        got = events()
        want = logs.filter_log_events(logGroupName="flows")["events"]
        self.assertEqual([(e["eventId"], e["logStreamName"], e["timestamp"], e["message"])
                          for e in got],
                         [(e["eventId"], e["logStreamName"], e["timestamp"], e["message"])
                          for e in want])
        self.assertEqual(len(got), 30)
        self.assertEqual(len(events("--limit", "7")), 7)
        self.assertEqual({e["logStreamName"] for e in events("--stream", "eni-b-all")},
                         {"eni-b-all"})
        rejects = events("--pattern", "REJECT")
        self.assertEqual(len(rejects), 10)
        window = events("--start", str(start + 2000), "--end", str(start + 5000))
        self.assertEqual(sorted({e["timestamp"] for e in window}),
                         [start + 2000, start + 3000, start + 4000, start + 5000])

    def test_s3_buckets_in_regions(self):
        for region, bucket in (("us-east-1", "vpcflow-east"), ("eu-west-1", "vpcflow-west"),
                               ("ap-southeast-2", "vpcflow-sydney")):
            self.drv("s3", "create-bucket", bucket, region=region)
            want = self.emu.client("s3", region).get_bucket_location(Bucket=bucket)
            self.assertEqual(want["LocationConstraint"],
                             None if region == "us-east-1" else region)
            self.assertEqual(self.drv("s3", "get-bucket-location", bucket, region=region),
                             {"LocationConstraint": region})
            head = self.drv("s3", "head-bucket", bucket, region=region)
            self.assertEqual(head, {"Exists": True, "BucketRegion": region})
        line = self.drv_fail("s3", "create-bucket", "vpcflow-west", region="eu-west-1")
        self.assertIn("CreateBucket: BucketAlreadyOwnedByYou: ", line)
        absent = self.drv("s3", "head-bucket", "vpcflow-nowhere")
        self.assertTrue(absent["absent"])
        self.assertIn("HeadBucket: NoSuchBucket", absent["error"])

    def test_s3_bucket_settings(self):
        s3 = self.emu.client("s3")
        s3.create_bucket(Bucket="vpcflow-settings")
        self.assertTrue(self.drv("s3", "get-bucket-policy", "vpcflow-settings")["absent"])
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "AWSLogDeliveryWrite", "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::vpcflow-settings/AWSLogs/%s/*" % ACCOUNT,
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT,
                                           "s3:x-amz-acl": "bucket-owner-full-control"}}}]}
        self.drv("s3", "put-bucket-policy", "vpcflow-settings",
                 self.write("bucket.json", json.dumps(policy)))
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket="vpcflow-settings")["Policy"]),
                         policy)
        self.assertEqual(json.loads(self.drv("s3", "get-bucket-policy",
                                             "vpcflow-settings")["Policy"]), policy)

        self.drv("s3", "put-public-access-block", "vpcflow-settings")
        pab = s3.get_public_access_block(Bucket="vpcflow-settings")
        self.assertEqual(pab["PublicAccessBlockConfiguration"], {
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        self.drv("s3", "put-bucket-encryption", "vpcflow-settings")
        rules = s3.get_bucket_encryption(
            Bucket="vpcflow-settings")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
        self.drv("s3", "put-bucket-tagging", "vpcflow-settings", "--tag", "managed-by=vpcflow",
                 "--tag", "cost=net & sec")
        self.assertEqual({t["Key"]: t["Value"] for t in
                          s3.get_bucket_tagging(Bucket="vpcflow-settings")["TagSet"]},
                         {"managed-by": "vpcflow", "cost": "net & sec"})

    def test_s3_lifecycle_merge_keeps_other_rules(self):
        s3 = self.emu.client("s3", "eu-west-1")
        bucket = "vpcflow-lifecycle"
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertTrue(self.drv("s3", "get-lifecycle", bucket, region="eu-west-1")["absent"])
        other = {"ID": "archive", "Status": "Enabled",
                 "Filter": {"And": {"Prefix": "data/",
                                    "Tags": [{"Key": "class", "Value": "cold"}]}},
                 "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                                 {"Days": 90, "StorageClass": "GLACIER"}],
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 45},
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}
        s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                              LifecycleConfiguration={"Rules": [other]})
        before = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]

        self.drv("s3", "put-lifecycle", bucket, "30", "AWSLogs/", region="eu-west-1")
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        self.assertEqual(len(rules), 2)
        self.assertEqual(rules[0], before[0])
        mine = rules[1]
        self.assertEqual(mine["ID"], "vpcflow-expiration")
        self.assertEqual(mine["Status"], "Enabled")
        self.assertEqual(mine["Filter"], {"Prefix": "AWSLogs/"})
        self.assertEqual(mine["Expiration"], {"Days": 30})

        self.drv("s3", "put-lifecycle", bucket, "60", "AWSLogs/", region="eu-west-1")
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        self.assertEqual([r["ID"] for r in rules], ["archive", "vpcflow-expiration"])
        self.assertEqual(rules[0], before[0])
        self.assertEqual(rules[1]["Expiration"], {"Days": 60})
        got = self.drv("s3", "get-lifecycle", bucket, region="eu-west-1")["Rules"]
        self.assertEqual([(r["ID"], r["Prefix"], r["ExpirationDays"]) for r in got],
                         [("archive", "data/", 0), ("vpcflow-expiration", "AWSLogs/", 60)])

        self.drv("s3", "delete-lifecycle", bucket, region="eu-west-1")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            s3.get_bucket_lifecycle_configuration(Bucket=bucket)
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchLifecycleConfiguration")

    def test_s3_objects(self):
        s3 = self.emu.client("s3")
        bucket = "vpcflow-objects"
        s3.create_bucket(Bucket=bucket)
        # moto's own signature check rejects keys and query values with
        # reserved characters, '/' included (from boto3 too):
        # NoSignatureCheckTest covers those.
        keys = ["AWSLogs/%s/vpcflowlogs/us-east-1/2024/01/0%d/f %d.log.gz" % (ACCOUNT, d, i)
                for d in (1, 2) for i in range(3)] + ["top.txt"]
        _check_objects(self, s3, bucket, keys, [("AWSLogs", None), ("to", None)])
        line = self.drv_fail("s3", "delete-bucket", bucket)
        self.assertIn("DeleteBucket: BucketNotEmpty: ", line)
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
        self.drv("s3", "delete-bucket", bucket)
        self.assertNotIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])

    def test_org_list_accounts(self):
        org = self.emu.client("organizations")
        org.create_organization(FeatureSet="ALL")
        for i in range(3):
            org.create_account(Email="member%d@example.com" % i, AccountName="member-%d" % i)
        want = org.list_accounts()["Accounts"]
        got = self.drv("org", "list-accounts")
        self.assertEqual(got, [{k: a[k] for k in ("Id", "Arn", "Name", "Email", "Status")}
                               for a in want])
        self.assertEqual(len(got), 4)

    def test_wrong_secret_key_is_one_line_error(self):
        env = self.emu.env(home=self.home, AWS_SECRET_ACCESS_KEY="not-the-secret",
                           AWS_MAX_ATTEMPTS="1")
        sts = self.emu.client("sts")
        sts._request_signer._credentials.secret_key = "not-the-secret"
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        code = cm.exception.response["Error"]["Code"]
        p = self.drv_raw("sts", "get-caller-identity", env=env)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("error: GetCallerIdentity: %s: " % code), lines[0])
        line = self.drv_fail("ec2", "describe-vpcs", env=env)
        self.assertTrue(line.startswith("error: DescribeVpcs: AuthFailure: "), line)
        line = self.drv_fail("logs", "describe-log-groups", env=env)
        self.assertTrue(line.startswith("error: DescribeLogGroups: SignatureDoesNotMatch: "),
                        line)


class NoSignatureCheckTest(DrvMixin, harness.EmulatorTestCase):
    """What moto's signature checking cannot take, from boto3 either: an
    unsigned AssumeRoleWithWebIdentity (it answers 500) and S3 keys with
    reserved characters (it computes another signature). That the first is
    really unsigned is checked against the fake below."""

    auth = False

    def test_s3_keys_with_reserved_characters(self):
        s3 = self.emu.client("s3")
        s3.create_bucket(Bucket="vpcflow-odd-keys")
        keys = ["AWSLogs/odd key+plus%/\u00fc=\u00e9&x.log", "AWSLogs/odd key+plus%/a%2Fb~!$'()*,;:@",
                "AWSLogs/x/y.log", "top+level.txt"]
        _check_objects(self, s3, "vpcflow-odd-keys", keys, [
            ("AWSLogs/", "/"), ("AWSLogs/odd key+plus%/", None), ("", "/"),
            ("AWSLogs/odd key+plus%/\u00fc", "=")])

    def test_assume_role_with_web_identity(self):
        doc = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": "token.actions.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity"}]}
        arn = self.emu.client("iam").create_role(
            RoleName="ci", AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        token = self.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl")
        before = time.time()
        cr = self.drv("sts", "assume-role-with-web-identity", arn, "ci-run", token,
                      "--duration", "1800")
        self.assertEqual(cr["Source"], "web-identity")
        self.assertTrue(cr["AccessKeyId"] and cr["SecretAccessKey"] and cr["SessionToken"])
        self.assertAlmostEqual(cr["ExpiresMs"] / 1000, before + 1800, delta=60)


def _read(path):
    with open(os.path.join(RESPONSES, path), "rb") as f:
        return f.read()


class FakeAws(http.server.ThreadingHTTPServer):
    """Serves canned AWS answers page by page and records every request."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _FakeHandler)
        self.requests = []

    def pages(self, action):
        return [r for r in self.requests if r["action"] == action]


class _FakeHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, action, params):
        self.server.requests.append({"action": action, "params": params,
                                     "headers": {k.lower(): v for k, v in self.headers.items()},
                                     "path": self.path})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target")
        if target:
            req = json.loads(body or b"{}")
            op = target.split(".", 1)[1]
            self._record(op, req)
            token = req.get("nextToken") or req.get("NextToken")
            name = {("DescribeLogGroups", None): "logs/describe_log_groups_page1.json",
                    ("DescribeLogGroups", "describe-page-2"): "logs/describe_log_groups_page2.json",
                    ("FilterLogEvents", None): "logs/filter_log_events_page1.json",
                    ("FilterLogEvents", "filter-page-2"): "logs/filter_log_events_empty_page.json",
                    ("ListAccounts", None): "org/list_accounts_page1.json",
                    ("ListAccounts", "accounts-page-2"): "org/list_accounts_page2.json",
                    }.get((op, token))
            if name:
                answer = _read(name)
            else:  # the last FilterLogEvents page
                answer = json.dumps({"events": [
                    {"logStreamName": "s", "timestamp": 3, "message": "third", "eventId": "3"},
                    {"logStreamName": "s", "timestamp": 4, "message": "fourth", "eventId": "4"}
                ]}).encode()
            self._send(answer, "application/x-amz-json-1.1")
            return
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        action = form["Action"]
        self._record(action, form)
        token = form.get("NextToken")
        if action == "DescribeSubnets":
            answer = _read("ec2/describe_subnets.xml").replace(
                b"</subnetSet>", b"</subnetSet><nextToken>again</nextToken>")
        else:
            answer = _read({
                ("DescribeFlowLogs", None): "ec2/describe_flow_logs_page1.xml",
                ("DescribeFlowLogs", "eyJ2IjoiMiIsImMiOiJwYWdlMiJ9"):
                    "ec2/describe_flow_logs_page2.xml",
                ("DescribeVpcs", None): "ec2/describe_vpcs_page1.xml",
                ("DescribeVpcs", "vpc-page-2"): "ec2/describe_vpcs_page2.xml",
                ("CreateFlowLogs", None): "ec2/create_flow_logs_partial.xml",
                ("AssumeRoleWithWebIdentity", None): "sts/assume_role_with_web_identity.xml",
            }[(action, token)])
        self._send(answer, "text/xml")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        self._record("ListObjectsV2", query)
        token = query.get("continuation-token")
        self._send(_read("s3/list_objects_page2.xml" if token else "s3/list_objects_page1.xml"),
                   "application/xml")


class PaginationTest(DrvMixin, unittest.TestCase):
    """Every paginated call follows the tokens to the last page, with the
    largest page size; and the requests carry exactly what they should."""

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeAws()
        cls.thread = threading.Thread(target=cls.fake.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.fake.shutdown()
        cls.fake.server_close()

    def setUp(self):
        self.fake.requests.clear()
        self.home = tempfile.mkdtemp(prefix="vpcflow-home-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)

    def run_tool(self, tool, *args, env=None, timeout=60):
        env = env or {
            "PATH": os.environ.get("PATH", ""), "HOME": self.home,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % self.fake.server_address[1],
            "AWS_MAX_ATTEMPTS": "1"}
        return harness.run([os.path.join(harness.TOOLS, tool), *args], env=env, timeout=timeout)

    def test_describe_flow_logs_pages(self):
        got = self.drv("ec2", "describe-flow-logs", "--filter", "resource-id=vpc-1,vpc-2")
        self.assertEqual([f["FlowLogId"] for f in got],
                         ["fl-0a1b2c3d4e5f60001", "fl-0a1b2c3d4e5f60002", "fl-0a1b2c3d4e5f60003"])
        self.assertEqual(got[1]["DestinationOptions"], {
            "FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False})
        pages = [r["params"] for r in self.fake.pages("DescribeFlowLogs")]
        self.assertEqual(len(pages), 2)
        for p in pages:
            self.assertEqual(p["MaxResults"], "1000")
            self.assertEqual(p["Version"], "2016-11-15")
            self.assertEqual((p["Filter.1.Name"], p["Filter.1.Value.1"], p["Filter.1.Value.2"]),
                             ("resource-id", "vpc-1", "vpc-2"))
        self.assertNotIn("NextToken", pages[0])
        self.assertEqual(pages[1]["NextToken"], "eyJ2IjoiMiIsImMiOiJwYWdlMiJ9")

    def test_describe_vpcs_pages_and_token_loop(self):
        got = self.drv("ec2", "describe-vpcs")
        self.assertEqual([v["VpcId"] for v in got],
                         ["vpc-0a60eb65b4EXAMPLE", "vpc-06e4ab6c6cEXAMPLE"])
        self.assertEqual([p["params"].get("NextToken") for p in self.fake.pages("DescribeVpcs")],
                         [None, "vpc-page-2"])
        line = self.drv_fail("ec2", "describe-subnets")
        self.assertIn("DescribeSubnets", line)
        self.assertIn("same NextToken", line)
        self.assertEqual(len(self.fake.pages("DescribeSubnets")), 2)

    def test_create_flow_logs_sends_every_parameter(self):
        got = self.drv("ec2", "create-flow-logs", "--resource-ids", "vpc-0123abcd,vpc-deadbeef",
                       "--resource-type", "VPC", "--traffic-type", "ALL",
                       "--log-destination-type", "s3",
                       "--log-destination", "arn:aws:s3:::flow-bucket/prefix/",
                       "--deliver-cross-account-role", "arn:aws:iam::210987654321:role/x",
                       "--deliver-logs-permission-arn", "arn:aws:iam::123456789012:role/d",
                       "--log-group-name", "grp",
                       "--log-format", "${srcaddr} ${dstaddr}", "--max-aggregation-interval",
                       "60", "--file-format", "parquet", "--hive-compatible-partitions", "1",
                       "--per-hour-partition", "0", "--tag", "managed-by=vpcflow",
                       "--tag", "a b=c:d", "--client-token", "tok-42")
        self.assertEqual(got["FlowLogIds"], ["fl-1a2b3c4d"])
        self.assertEqual(got["ClientToken"], "vpcflow-7f1c2d")
        self.assertEqual(got["Unsuccessful"][0], {
            "ResourceId": "vpc-deadbeef", "Code": "InvalidVpcID.NotFound",
            "Message": "The vpc ID 'vpc-deadbeef' does not exist"})
        (req,) = self.fake.pages("CreateFlowLogs")
        p = dict(req["params"])
        self.assertEqual(p.pop("Action"), "CreateFlowLogs")
        self.assertEqual(p, {
            "Version": "2016-11-15",
            "ResourceId.1": "vpc-0123abcd", "ResourceId.2": "vpc-deadbeef",
            "ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "s3",
            "LogDestination": "arn:aws:s3:::flow-bucket/prefix/", "LogGroupName": "grp",
            "DeliverLogsPermissionArn": "arn:aws:iam::123456789012:role/d",
            "DeliverCrossAccountRole": "arn:aws:iam::210987654321:role/x",
            "LogFormat": "${srcaddr} ${dstaddr}", "MaxAggregationInterval": "60",
            "DestinationOptions.FileFormat": "parquet",
            "DestinationOptions.HiveCompatiblePartitions": "true",
            "DestinationOptions.PerHourPartition": "false",
            "TagSpecification.1.ResourceType": "vpc-flow-log",
            "TagSpecification.1.Tag.1.Key": "managed-by",
            "TagSpecification.1.Tag.1.Value": "vpcflow",
            "TagSpecification.1.Tag.2.Key": "a b", "TagSpecification.1.Tag.2.Value": "c:d",
            "ClientToken": "tok-42"})
        self.assertTrue(req["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 "))

    def test_log_groups_events_and_accounts_pages(self):
        got = self.drv("logs", "describe-log-groups", "/aws/")
        self.assertEqual(len(got), 3)
        pages = [r["params"] for r in self.fake.pages("DescribeLogGroups")]
        self.assertEqual(pages, [{"limit": 50, "logGroupNamePrefix": "/aws/"},
                                 {"limit": 50, "logGroupNamePrefix": "/aws/",
                                  "nextToken": "describe-page-2"}])

        p = self.drv_raw("logs", "filter-log-events", "flows", "--stream", "a", "--start", "5",
                         "--end", "9", "--pattern", "REJECT")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([json.loads(x)["message"].split()[-2] for x in p.stdout.splitlines()[:2]],
                         ["ACCEPT", "REJECT"])
        self.assertEqual(len(p.stdout.splitlines()), 4)
        pages = [r["params"] for r in self.fake.pages("FilterLogEvents")]
        self.assertEqual([pg.get("nextToken") for pg in pages],
                         [None, "filter-page-2", "filter-page-3"])
        self.assertEqual(pages[0], {"logGroupName": "flows", "logStreamNames": ["a"],
                                    "startTime": 5, "endTime": 9, "filterPattern": "REJECT",
                                    "limit": 10000})
        self.fake.requests.clear()
        p = self.drv_raw("logs", "filter-log-events", "flows", "--limit", "3")
        self.assertEqual(len(p.stdout.splitlines()), 3)
        self.assertEqual([pg["params"]["limit"] for pg in self.fake.pages("FilterLogEvents")],
                         [3, 1, 1])

        got = self.drv("org", "list-accounts")
        self.assertEqual([a["Id"] for a in got], ["111111111111", "222222222222"])
        self.assertEqual([r["params"] for r in self.fake.pages("ListAccounts")],
                         [{"MaxResults": 20}, {"MaxResults": 20, "NextToken": "accounts-page-2"}])
        self.assertEqual(self.fake.pages("ListAccounts")[0]["headers"]["x-amz-target"],
                         "AWSOrganizationsV20161128.ListAccounts")

    def test_list_objects_pages(self):
        got = self.drv("s3", "list-objects", "flow-bucket", "--prefix", "AWSLogs/a b",
                       "--delimiter", "/")
        self.assertEqual(len(got["Contents"]), 3)
        self.assertEqual(got["CommonPrefixes"], ["AWSLogs/123456789012/", "AWSLogs/999/"])
        pages = self.fake.pages("ListObjectsV2")
        self.assertEqual([r["path"].split("?")[0] for r in pages], ["/flow-bucket"] * 2)
        self.assertIn("prefix=AWSLogs%2Fa%20b", pages[0]["path"])
        for r in pages:
            self.assertEqual((r["params"]["list-type"], r["params"]["max-keys"]), ("2", "1000"))
        self.assertEqual(pages[1]["params"]["continuation-token"],
                         "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")

    def test_web_identity_request_is_unsigned(self):
        token = os.path.join(self.home, "token")
        with open(token, "w") as f:
            f.write("header.payload.signature")
        got = self.drv("sts", "assume-role-with-web-identity", "arn:aws:iam::1:role/ci", "run-1",
                       token)
        self.assertEqual(got["AccessKeyId"], "ASgeIAIOSFODNN7EXAMPLE")
        self.assertEqual(got["ExpiresMs"], 1414191623123)
        (req,) = self.fake.pages("AssumeRoleWithWebIdentity")
        self.assertNotIn("authorization", req["headers"])
        self.assertNotIn("x-amz-security-token", req["headers"])
        self.assertEqual(req["params"]["WebIdentityToken"], "header.payload.signature")
        self.assertEqual(req["params"]["RoleSessionName"], "run-1")


if __name__ == "__main__":
    unittest.main()
