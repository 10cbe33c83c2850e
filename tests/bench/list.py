#!/usr/bin/env python3
"""Process start and one API round trip: vpcflow side by side with the AWS CLI.

Starts moto (signature checking on) on a free local port, seeds VPCs with flow
logs, then times, over N runs each (median and spread):
  vpcflow --version          vs  aws --version
  vpcflow list --output json vs  aws ec2 describe-flow-logs
and prints the ratios (AWS CLI time / vpcflow time, peak RSS likewise).

Usage: tests/bench/list.py [--runs N] [--vpcflow build/release/vpcflow]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
import timing  # noqa: E402


def rss_of(argv, env):
    """Peak RSS (KiB) of one run, measured with GNU time's format if present."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        return int(out.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--vpcs", type=int, default=20)
    ap.add_argument("--vpcflow", default=os.path.join(ROOT, "build", "release", "vpcflow"))
    args = ap.parse_args()
    if not os.path.exists(args.vpcflow):
        sys.exit("no %s: build it first (cmake --preset release && "
                 "cmake --build --preset release)" % args.vpcflow)
    aws = shutil.which("aws")
    if not aws:
        sys.exit("the AWS CLI (aws) is not on PATH")

    emu = harness.Emulator().start()
    home = tempfile.mkdtemp()
    try:
        ec2 = emu.client("ec2")
        logs = emu.client("logs")
        vpcs = [ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                for i in range(args.vpcs)]
        logs.create_log_group(logGroupName="bench")
        ec2.create_flow_logs(ResourceIds=vpcs, ResourceType="VPC", TrafficType="ALL",
                             LogGroupName="bench",
                             DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/x")
        # The AWS CLI v1 reads AWS_DEFAULT_REGION, not AWS_REGION.
        env = emu.env(home=home, AWS_DEFAULT_REGION="us-east-1")
        cases = [
            ("process start", [args.vpcflow, "--version"], [aws, "--version"]),
            ("one round trip (DescribeFlowLogs, %d flow logs)" % args.vpcs,
             [args.vpcflow, "list", "--output", "json"],
             [aws, "ec2", "describe-flow-logs", "--endpoint-url", emu.url, "--output", "json"]),
        ]
        print("%-46s %12s %12s %8s %10s %10s %8s" % (
            "case", "vpcflow ms", "aws ms", "ratio", "vpcflow KiB", "aws KiB", "ratio"))
        for name, ours, theirs in cases:
            t_ours = timing.walls(timing.measure(ours, args.runs, env))
            t_theirs = timing.walls(timing.measure(theirs, args.runs, env))
            m_ours, m_theirs = rss_of(ours, env), rss_of(theirs, env)
            a, b = statistics.median(t_ours) * 1000, statistics.median(t_theirs) * 1000
            print("%-46s %12.1f %12.1f %7.1fx %10d %10d %7.1fx" % (
                name, a, b, b / a, m_ours, m_theirs, (m_theirs / m_ours) if m_ours else 0))
        print("(median of %d runs each; ratio = aws / vpcflow, higher is better for vpcflow)"
              % args.runs)
    finally:
        emu.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
