#!/usr/bin/env python3
"""The way Prowler's vpc_flow_logs_enabled check reads AWS: per region, list the
VPCs, then one DescribeFlowLogs call per VPC, one after the other. Prints the
VPCs without a flow log.

Usage: tests/bench/audit_prowler_style.py ENDPOINT_URL REGION...
"""

import sys

import boto3


def main():
    endpoint, regions = sys.argv[1], sys.argv[2:]
    missing = 0
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
        vpcs = [v for page in ec2.get_paginator("describe_vpcs").paginate()
                for v in page["Vpcs"]]
        for vpc in vpcs:
            logs = ec2.describe_flow_logs(
                Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
            missing += not logs
    print("%d VPCs without a flow log" % missing)


if __name__ == "__main__":
    main()
