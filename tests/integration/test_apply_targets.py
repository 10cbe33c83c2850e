"""vpcflow apply for every resource type (subnet, network interface, transit
gateway and attachment; VPCs are in test_apply.py) and for Firehose, against
moto; and the batching of CreateFlowLogs (25 transit gateways a call), counted
in the fault server's request log. AWS state is read back with boto3."""

import unittest
import urllib.parse

import harness
from apply_support import Proxied, flow_logs, operation, operations, tags, write_spec

ACCOUNT = harness.ACCOUNT_ID


class TargetsTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.emu.client("ec2", "us-east-1")
        cls.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        cls.subnets = [ec2.create_subnet(VpcId=cls.vpc, CidrBlock="10.0.%d.0/24" % i)
                       ["Subnet"]["SubnetId"] for i in range(2)]
        cls.eni = ec2.create_network_interface(SubnetId=cls.subnets[0])[
            "NetworkInterface"]["NetworkInterfaceId"]
        cls.tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        cls.attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=cls.tgw, VpcId=cls.vpc, SubnetIds=[cls.subnets[0]])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]

    def apply(self, config, region="us-east-1"):
        spec = write_spec(self.home, {"flowLogConfig": config})
        with Proxied(self) as px:
            proc = px.run("apply", spec, "--yes", region=region)
            requests = px.requests()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return requests

    def check(self, ids, resource_type, traffic="ALL", interval=600):
        logs = flow_logs(self.emu, "us-east-1", ids)
        self.assertEqual(sorted(fl["ResourceId"] for fl in logs), sorted(ids))
        for fl in logs:
            self.assertEqual(fl["LogGroupName"], "/aws/vpc-flow-logs/" + fl["ResourceId"])
            self.assertEqual(fl.get("TrafficType"), traffic)
            self.assertEqual(fl["MaxAggregationInterval"], interval)
            self.assertEqual(tags(fl)["vpcflow:managed"], "true")
        return logs

    def test_subnets(self):
        requests = self.apply({"resourceType": "Subnet", "resourceIds": self.subnets,
                               "trafficType": "REJECT", "iamRole": "targets-role"})
        self.check(self.subnets, "Subnet", traffic="REJECT")
        for create in operations(requests, "CreateFlowLogs"):
            self.assertIn("ResourceType=Subnet", create["body"])
            self.assertIn("TrafficType=REJECT", create["body"])

    def test_network_interface(self):
        requests = self.apply({"resourceType": "NetworkInterface", "resourceIds": [self.eni],
                               "maxAggregationInterval": 60, "iamRole": "targets-role"})
        self.check([self.eni], "NetworkInterface", interval=60)
        [create] = operations(requests, "CreateFlowLogs")
        self.assertIn("ResourceType=NetworkInterface", create["body"])

    def test_transit_gateway_and_attachment(self):
        for kind, ident in (("TransitGateway", self.tgw),
                            ("TransitGatewayAttachment", self.attachment)):
            requests = self.apply({"resourceType": kind, "resourceIds": [ident],
                                   "iamRole": "targets-role"})
            [create] = operations(requests, "CreateFlowLogs")
            params = dict(urllib.parse.parse_qsl(create["body"]))
            self.assertEqual(params["ResourceType"], kind)
            self.assertEqual(params["MaxAggregationInterval"], "60")
            self.assertNotIn("TrafficType", params)  # transit gateways take none
            self.check([ident], kind, traffic=None, interval=60)

    def test_every_subnet_of_the_region(self):
        region = "eu-west-2"
        ec2 = self.emu.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        for i in range(2):
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.%d.0/24" % i)
        every = sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])
        self.apply({"resourceType": "Subnet", "iamRole": "targets-role",
                    "logGroup": "/vpcflow/subnets"}, region=region)
        logs = flow_logs(self.emu, region)
        self.assertEqual(sorted(fl["ResourceId"] for fl in logs), every)
        self.assertEqual({fl["LogGroupName"] for fl in logs}, {"/vpcflow/subnets"})


class BatchTest(harness.EmulatorTestCase):
    """Flow logs sharing a destination go in as few calls as AWS allows."""

    REGION = "us-west-2"
    GATEWAYS = 30

    def test_transit_gateways_25_a_call(self):
        ec2 = self.emu.client("ec2", self.REGION)
        gateways = [ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
                    for _ in range(self.GATEWAYS)]
        spec = write_spec(self.home, {"flowLogConfig": {
            "resourceType": "TransitGateway", "logGroup": "/vpcflow/tgw/${region}",
            "iamRole": "batch-role"}})
        with Proxied(self) as px:
            proc = px.run("apply", spec, "--yes", region=self.REGION)
            creates = operations(px.requests(), "CreateFlowLogs")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        sizes = sorted(sum(k.startswith("ResourceId.") for k, _ in
                           urllib.parse.parse_qsl(c["body"])) for c in creates)
        self.assertEqual(sizes, [5, 25])
        logs = flow_logs(self.emu, self.REGION)
        self.assertEqual(sorted(fl["ResourceId"] for fl in logs), sorted(gateways))
        self.assertEqual({fl["LogGroupName"] for fl in logs}, {"/vpcflow/tgw/" + self.REGION})


class FirehoseTest(harness.EmulatorTestCase):
    REGION = "eu-west-1"

    def setUp(self):
        super().setUp()
        ec2 = self.emu.client("ec2", self.REGION)
        self.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def spec(self, stream):
        return write_spec(self.home, {"flowLogConfig": {
            "resourceType": "VPC", "resourceIds": [self.vpc],
            "destination": "KinesisFirehose", "deliveryStream": stream}})

    def test_delivery_stream(self):
        s3 = self.emu.client("s3", self.REGION)
        s3.create_bucket(Bucket="firehose-target",
                         CreateBucketConfiguration={"LocationConstraint": self.REGION})
        arn = self.emu.client("firehose", self.REGION).create_delivery_stream(
            DeliveryStreamName="flow-stream", ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose" % ACCOUNT,
                "BucketARN": "arn:aws:s3:::firehose-target"})["DeliveryStreamARN"]
        with Proxied(self) as px:
            proc = px.run("apply", self.spec("flow-stream"), "--yes", region=self.REGION)
            requests = px.requests()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        [fl] = flow_logs(self.emu, self.REGION, [self.vpc])
        self.assertEqual(fl["LogDestinationType"], "kinesis-data-firehose")
        self.assertEqual(fl["LogDestination"], arn)
        self.assertNotIn("DeliverLogsPermissionArn", fl)
        self.assertTrue(operations(requests, "DescribeDeliveryStream"))
        self.assertFalse([operation(r) for r in requests if "CreateRole" in operation(r)])

        proc = self.run_vpcflow("plan", self.spec("flow-stream"), "--detailed-exitcode",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_missing_stream_changes_nothing(self):
        proc = self.run_vpcflow("apply", self.spec("no-such-stream"), "--yes",
                                env=self.emu.env(region=self.REGION, home=self.home))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("Firehose delivery stream 'no-such-stream' does not exist in %s"
                      % self.REGION, proc.stderr)
        self.assertEqual(flow_logs(self.emu, self.REGION, [self.vpc]), [])


if __name__ == "__main__":
    unittest.main()
