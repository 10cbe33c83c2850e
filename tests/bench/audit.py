#!/usr/bin/env python3
"""vpcflow audit side by side with what users run instead, over a slow network.

Seeds moto (signature checking on) with R regions x V VPCs (S subnets each; a
fraction of the VPCs without a flow log, the others with a VPC-level flow log
to one log group per region), delays every request by the given latency, and
times, over N runs each:

  vpcflow audit          vpcflow audit --regions R1,... --output json
  aws CLI script         tests/bench/audit_cli.sh: describe-vpcs, describe-subnets,
                         describe-flow-logs, describe-log-groups per region, in order
  Prowler-style boto3    tests/bench/audit_prowler_style.py: DescribeVpcs, then one
                         DescribeFlowLogs call per VPC, in order
  per-region boto3       tests/bench/audit_per_region.py: pages through each region's
                         VPCs, subnets, flow logs and log groups, in order

It prints each median time, the ratios to vpcflow, the requests each made, and
the lower bound: the longest chain of requests that depend on each other in
vpcflow's audit (DescribeFlowLogs, then DescribeLogGroups page by page; the
other reads run alongside) times the latency.

moto works out each answer in Python, one at a time: at hundreds of VPCs that
costs seconds, more than the latency, and would make every client look alike.
So by default a replay cache (tests/bench/audit_replay.py) answers instead,
filled by one unmeasured run of each client, and adds the latency itself (one
Python process serving, rather than a latency proxy in front of it: both
would share the machine's cores with the client measured). The emulator's
own time is printed apart. --live measures against moto itself, through the
fault server as a latency proxy. A benchmark, not a test.

Usage: tests/bench/audit.py [--regions 4] [--vpcs 250] [--subnets 2]
                            [--unlogged 0.2] [--latency-ms 50] [--runs 3]
                            [--vpcflow build/release/vpcflow] [--live] [--skip-prowler]
"""

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))

import fault_server  # noqa: E402
import harness  # noqa: E402
import timing  # noqa: E402

ALL_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1",
               "ap-northeast-1", "sa-east-1", "ca-central-1"]
GROUP = "/bench/vpc-flow-logs"


def cidr(i, k=None):
    """A /22 per VPC (up to 16384 VPCs), a /24 per subnet (up to 4)."""
    base = "10.%d.%d" % (i // 64, (i % 64) * 4 + (k or 0))
    return base + (".0/22" if k is None else ".0/24")


def seed(emu, regions, vpcs, subnets, unlogged):
    role = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % harness.ACCOUNT_ID
    for region in regions:
        ec2 = emu.client("ec2", region)
        logs = emu.client("logs", region)
        logs.create_log_group(logGroupName=GROUP)
        logs.put_retention_policy(logGroupName=GROUP, retentionInDays=365)
        ids = []
        for i in range(vpcs):
            vpc = ec2.create_vpc(CidrBlock=cidr(i))["Vpc"]["VpcId"]
            for k in range(subnets):
                ec2.create_subnet(VpcId=vpc, CidrBlock=cidr(i, k))
            ids.append(vpc)
        logged = ids[:vpcs - int(vpcs * unlogged)]
        for at in range(0, len(logged), 1000):
            ec2.create_flow_logs(ResourceIds=logged[at:at + 1000], ResourceType="VPC",
                                 TrafficType="ALL", LogGroupName=GROUP,
                                 DeliverLogsPermissionArn=role)
        print("  %s: %d VPCs, %d subnets, %d flow logs" % (region, vpcs, vpcs * subnets,
                                                           len(logged)), flush=True)


def measure(argv, env, runs, ok=(0,)):
    """Wall times (s) of runs runs of argv."""
    return timing.walls(timing.measure(argv, runs, env, ok))


class ReplayLog:
    """The delayed port of the replay cache, with the fault server's
    url and requests() (what the measured runs sent)."""

    def __init__(self, url):
        self.url = url

    def requests(self):
        with urllib.request.urlopen(self.url + "/__requests") as f:
            return json.load(f)

    def stop(self):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=4)
    ap.add_argument("--vpcs", type=int, default=250, help="VPCs per region")
    ap.add_argument("--subnets", type=int, default=2, help="subnets per VPC (at most 4)")
    ap.add_argument("--unlogged", type=float, default=0.2, help="fraction without flow logs")
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--vpcflow", default=os.path.join(ROOT, "build", "release", "vpcflow"))
    ap.add_argument("--live", action="store_true",
                    help="every request to moto itself (no replay cache): measures moto too")
    ap.add_argument("--skip-prowler", action="store_true",
                    help="leave out the Prowler-style script (one request per VPC)")
    args = ap.parse_args()
    if not os.path.exists(args.vpcflow):
        sys.exit("no %s: build it first (cmake --preset release && "
                 "cmake --build --preset release)" % args.vpcflow)
    if not shutil.which("aws"):
        sys.exit("the AWS CLI (aws) is not on PATH")
    regions = ALL_REGIONS[:args.regions]
    latency = args.latency_ms / 1000.0

    emu = harness.Emulator().start()
    home = tempfile.mkdtemp()
    proxy = replay = None
    try:
        print("seeding %d regions x %d VPCs ..." % (len(regions), args.vpcs), flush=True)
        t0 = time.perf_counter()
        seed(emu, regions, args.vpcs, args.subnets, args.unlogged)
        print("seeded in %.0f s" % (time.perf_counter() - t0))
        upstream = emu.url
        if not args.live:
            replay = subprocess.Popen([sys.executable, os.path.join(HERE, "audit_replay.py"),
                                       "--upstream", emu.url, "--delay-ms",
                                       str(args.latency_ms)], stdout=subprocess.PIPE, text=True)
            upstream = "http://127.0.0.1:%d" % int(replay.stdout.readline().split()[1])
            proxy = ReplayLog("http://127.0.0.1:%d" % int(replay.stdout.readline().split()[1]))
        else:
            proxy = fault_server.Process([{"kind": "proxy", "delay": latency, "times": -1}],
                                         upstream=upstream).start()
        py = sys.executable
        cases = [
            ("vpcflow audit", lambda url: [args.vpcflow, "audit", "--output", "json",
                                           "--regions", ",".join(regions)], (0, 3)),
            ("aws CLI script", lambda url: ["sh", os.path.join(HERE, "audit_cli.sh"), url,
                                            *regions], (0,)),
            ("Prowler-style boto3", lambda url: [py, os.path.join(HERE, "audit_prowler_style.py"),
                                                 url, *regions], (0,)),
            ("per-region boto3", lambda url: [py, os.path.join(HERE, "audit_per_region.py"), url,
                                              *regions], (0,)),
        ]
        if args.skip_prowler:
            cases = [c for c in cases if not c[0].startswith("Prowler")]
        # The emulator's own time: vpcflow straight to moto, no latency, no replay.
        t_moto = statistics.median(measure(cases[0][1](emu.url), emu.env(home=home),
                                           args.runs, (0, 3)))
        results = {}
        for name, argv, ok in cases:
            # Unmeasured first run, straight to the replay cache (fills it).
            measure(argv(upstream), emu.env(home=home, AWS_ENDPOINT_URL=upstream), 1, ok)
            runs = 1 if name.startswith("Prowler") else args.runs
            env = emu.env(home=home, AWS_ENDPOINT_URL=proxy.url)
            before = len(proxy.requests())
            times = measure(argv(proxy.url), env, runs, ok)
            reqs = proxy.requests()[before:]
            results[name] = (statistics.median(times), min(times), len(reqs) // runs, reqs)
            print("  %-22s %.3f s" % (name, results[name][0]), flush=True)
        t_local = statistics.median(measure(cases[0][1](upstream), emu.env(
            home=home, AWS_ENDPOINT_URL=upstream), args.runs, (0, 3)))

        # The bound: DescribeFlowLogs, then the DescribeLogGroups pages of the
        # region that needs most (other reads run alongside these).
        ours = results["vpcflow audit"][3]
        pages = collections.Counter()
        for req in ours[:len(ours) // args.runs]:
            if fault_server.request_operation(req) == "DescribeLogGroups":
                pages[req["headers"].get("Authorization", "").split("/")[2]] += 1
        chain = 1 + max(pages.values() or [0])
        bound = chain * latency
        base = results["vpcflow audit"][0]

        print()
        print("%d regions x %d VPCs (%d subnets each, %.0f%% without flow logs), %.0f ms a "
              "request" % (len(regions), args.vpcs, args.subnets, args.unlogged * 100,
                           args.latency_ms))
        print("%-24s %10s %10s %10s %12s" % ("", "median s", "min s", "requests",
                                            "x vpcflow"))
        for name, _, _ in cases:
            med, best, n, _ = results[name]
            print("%-24s %10.3f %10.3f %10d %11.1fx" % (name, med, best, n, med / base))
        print("%-24s %10.3f %10s %10s %11.2fx" % ("lower bound (%d x %.0f ms)" % (
            chain, args.latency_ms), bound, "", "", bound / base))
        print()
        print()
        print("vpcflow straight to moto, no latency (the emulator's own time): %.3f s" % t_moto)
        if not args.live:
            print("vpcflow straight to the replay cache, no latency: %.3f s" % t_local)
            print("(answers replayed from a cache filled by an unmeasured first run: "
                  "tests/bench/audit_replay.py)")
        print("vpcflow / bound: %.2fx (goal: within 1.5x)" % (base / bound))
        if "per-region boto3" in results:
            print("per-region boto3 / vpcflow: %.1fx (goal: more than 5x)"
                  % (results["per-region boto3"][0] / base))
        if "Prowler-style boto3" in results:
            print("Prowler-style / vpcflow: %.1fx (goal: more than 50x)"
                  % (results["Prowler-style boto3"][0] / base))
        print("(median of %d runs; the Prowler-style script runs once)" % args.runs)
    finally:
        if proxy:
            proxy.stop()
        if replay:
            replay.terminate()
            replay.wait()
            replay.stdout.close()
        emu.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
