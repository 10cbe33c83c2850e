#!/usr/bin/env python3
"""Enabling flow logs from a spec: vpcflow side by side with the AWS CLI.

Starts moto (signature checking on) on a free local port and seeds N VPCs. Then
times, over R runs each (median):
  enable   vpcflow apply examples/tutorial.json --yes
           vs the AWS CLI steps a user scripts for the same result: create-role,
           put-role-policy, and per VPC create-log-group, put-retention-policy,
           create-flow-logs
  check    vpcflow plan examples/tutorial.json (nothing to change)
           vs the AWS CLI reads that tell the same: get-role, describe-vpcs,
           describe-flow-logs, describe-log-groups
Between enable runs the state is reset (not timed). Prints the ratios
(AWS CLI time / vpcflow time).

Usage: tests/bench/apply.py [--runs R] [--vpcs N] [--vpcflow build/release/vpcflow]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
import timing  # noqa: E402

TUTORIAL = os.path.join(ROOT, "examples", "tutorial.json")
ROLE = "vpc-flow-log-role"
FORMAT = "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} ${instance-id}"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "arn:aws:logs:*:*:log-group:/aws/vpc-flow-logs/*"}]})


def timed(steps, env):
    """Wall-clock seconds of the steps, one after the other."""
    return sum(timing.run_once(argv, env)[0] for argv in steps)


def reset(emu):
    """Removes the flow logs, log groups and role of a run."""
    ec2, cwl, iam = emu.client("ec2"), emu.client("logs"), emu.client("iam")
    ids = [fl["FlowLogId"] for fl in ec2.describe_flow_logs()["FlowLogs"]]
    if ids:
        ec2.delete_flow_logs(FlowLogIds=ids)
    for g in cwl.describe_log_groups(logGroupNamePrefix="/aws/vpc-flow-logs/")["logGroups"]:
        cwl.delete_log_group(logGroupName=g["logGroupName"])
    for name in iam.list_role_policies(RoleName=ROLE)["PolicyNames"] if any(
            r["RoleName"] == ROLE for r in iam.list_roles()["Roles"]) else []:
        iam.delete_role_policy(RoleName=ROLE, PolicyName=name)
    if any(r["RoleName"] == ROLE for r in iam.list_roles()["Roles"]):
        iam.delete_role(RoleName=ROLE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--vpcs", type=int, default=10)
    ap.add_argument("--vpcflow", default=os.path.join(ROOT, "build", "release", "vpcflow"))
    args = ap.parse_args()
    if not os.path.exists(args.vpcflow):
        sys.exit("no %s: build it first" % args.vpcflow)
    aws = shutil.which("aws")
    if not aws:
        sys.exit("the AWS CLI (aws) is not on PATH")

    emu = harness.Emulator().start()
    home = tempfile.mkdtemp()
    try:
        ec2 = emu.client("ec2")
        for i in range(args.vpcs):
            ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)
        vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
        env = emu.env(home=home, AWS_DEFAULT_REGION="us-east-1")
        cli = [aws, "--endpoint-url", emu.url, "--output", "json"]
        role_arn = "arn:aws:iam::%s:role/%s" % (harness.ACCOUNT_ID, ROLE)
        cli_enable = [cli + ["iam", "create-role", "--role-name", ROLE,
                             "--assume-role-policy-document", TRUST],
                      cli + ["iam", "put-role-policy", "--role-name", ROLE, "--policy-name",
                             "delivery", "--policy-document", POLICY]]
        for vpc in vpcs:
            group = "/aws/vpc-flow-logs/" + vpc
            cli_enable += [
                cli + ["logs", "create-log-group", "--log-group-name", group],
                cli + ["logs", "put-retention-policy", "--log-group-name", group,
                       "--retention-in-days", "365"],
                cli + ["ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids",
                       vpc, "--traffic-type", "ALL", "--log-group-name", group,
                       "--deliver-logs-permission-arn", role_arn, "--log-format", FORMAT]]
        cli_check = [cli + ["iam", "get-role", "--role-name", ROLE],
                     cli + ["ec2", "describe-vpcs"], cli + ["ec2", "describe-flow-logs"],
                     cli + ["logs", "describe-log-groups", "--log-group-name-prefix",
                            "/aws/vpc-flow-logs/"]]
        ours_enable = [[args.vpcflow, "apply", TUTORIAL, "--yes", "--quiet"]]
        ours_check = [[args.vpcflow, "plan", TUTORIAL, "--quiet"]]

        results = []
        for name, ours, theirs in (("enable (%d VPCs)" % len(vpcs), ours_enable, cli_enable),
                                   ("check, nothing to change", ours_check, cli_check)):
            t_ours, t_theirs = [], []
            for _ in range(args.runs):
                if name.startswith("enable"):
                    reset(emu)
                t_theirs.append(timed(theirs, env))
                if name.startswith("enable"):
                    reset(emu)
                t_ours.append(timed(ours, env))
            results.append((name, statistics.median(t_ours) * 1000,
                            statistics.median(t_theirs) * 1000, len(theirs)))
        print("%-30s %12s %12s %10s %8s" % ("case", "vpcflow ms", "aws ms", "aws calls",
                                            "ratio"))
        for name, a, b, calls in results:
            print("%-30s %12.1f %12.1f %10d %7.1fx" % (name, a, b, calls, b / a))
        print("(median of %d runs each; ratio = aws / vpcflow, higher is better for vpcflow)"
              % args.runs)
    finally:
        emu.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
