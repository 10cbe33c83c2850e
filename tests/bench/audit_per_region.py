#!/usr/bin/env python3
"""A careful sequential boto3 audit: per region, one after the other, page
through the VPCs, subnets, flow logs and log groups, then judge coverage
locally. Prints the VPCs without a VPC- or subnet-level flow log.

Usage: tests/bench/audit_per_region.py ENDPOINT_URL REGION...
"""

import sys

import boto3


def pages(client, op, key):
    return [x for page in client.get_paginator(op).paginate() for x in page[key]]


def main():
    endpoint, regions = sys.argv[1], sys.argv[2:]
    missing = 0
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
        logs = boto3.client("logs", region_name=region, endpoint_url=endpoint)
        vpcs = pages(ec2, "describe_vpcs", "Vpcs")
        subnets = pages(ec2, "describe_subnets", "Subnets")
        flow_logs = pages(ec2, "describe_flow_logs", "FlowLogs")
        groups = {g["logGroupName"] for g in pages(logs, "describe_log_groups", "logGroups")}
        logged = {f["ResourceId"] for f in flow_logs
                  if f.get("LogGroupName") is None or f["LogGroupName"] in groups}
        for vpc in vpcs:
            subs = [s["SubnetId"] for s in subnets if s["VpcId"] == vpc["VpcId"]]
            if vpc["VpcId"] not in logged and not (subs and all(s in logged for s in subs)):
                missing += 1
    print("%d VPCs without a flow log" % missing)


if __name__ == "__main__":
    main()
