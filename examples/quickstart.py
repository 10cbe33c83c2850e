#!/usr/bin/env python3
"""The quick start's story, against a local emulator: what has flow logs, and
what does not. Run through examples/quickstart.sh, which builds vpcflow first.

Usage: examples/quickstart.py [VPCFLOW [STATE.json]]; with STATE.json, what the
emulator holds at the end is written there (read with boto3, for the tests)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1"]


def step(title, vpcflow, *args, env):
    print("\n== %s\n$ vpcflow %s" % (title, " ".join(args)), flush=True)
    proc = subprocess.run([vpcflow, *args], env=env)
    return proc.returncode


def save_state(emu, path):
    """What the emulator holds at the end, read with boto3: the VPCs, flow
    logs and log groups of each region, and the delivery role."""
    state = {"regions": {}}
    for region in REGIONS:
        ec2, logs = emu.client("ec2", region), emu.client("logs", region)
        state["regions"][region] = {
            "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]],
            "flowLogs": ec2.describe_flow_logs()["FlowLogs"],
            "logGroups": logs.describe_log_groups()["logGroups"],
        }
    role = emu.client("iam").get_role(RoleName="vpc-flow-log-role")["Role"]
    state["role"] = {"Arn": role["Arn"], "AssumeRolePolicyDocument":
                     role["AssumeRolePolicyDocument"]}
    with open(path, "w") as f:
        json.dump(state, f, default=str)


def main():
    vpcflow = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/release/vpcflow")
    state_file = sys.argv[2] if len(sys.argv) > 2 else None
    print("Starting a local AWS emulator (moto) ...", flush=True)
    emu = harness.Emulator().start()
    home = tempfile.mkdtemp(prefix="vpcflow-quickstart-")
    try:
        # A few VPCs in two regions; one of them already has a flow log that
        # someone enabled by hand, the others have none.
        for region in REGIONS:
            ec2 = emu.client("ec2", region)
            for i in range(2):
                vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)["Vpc"]["VpcId"]
                ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "app-%d" % i}])
                ec2.create_subnet(VpcId=vpc, CidrBlock="10.%d.1.0/24" % i)
        ec2 = emu.client("ec2", REGIONS[0])
        logs = emu.client("logs", REGIONS[0])
        first = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["app-0"]}])
        vpc = first["Vpcs"][0]["VpcId"]
        logs.create_log_group(logGroupName="/aws/vpc-flow-logs/" + vpc)
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                             LogGroupName="/aws/vpc-flow-logs/" + vpc,
                             DeliverLogsPermissionArn="arn:aws:iam::%s:role/vpc-flow-logs-delivery"
                             % harness.ACCOUNT_ID)
        total = sum(len(emu.client("ec2", r).describe_vpcs()["Vpcs"]) for r in REGIONS)
        print("Emulator at %s with %d VPCs in %s (default VPCs included)."
              % (emu.url, total, " and ".join(REGIONS)))

        env = emu.env(home=home)
        regions = ",".join(REGIONS)
        spec = os.path.join(ROOT, "examples", "tutorial.json")
        rc = step("Which VPCs lack flow logs?", vpcflow,
                  "audit", "--regions", regions, "--fail-on", "high", env=env)
        print("(exit code %d: findings at or above --fail-on)" % rc)
        print("\n== The tutorial's spec\n" + open(spec).read().strip())
        step("What applying it would change in %s" % REGIONS[0], vpcflow,
             "plan", spec, "--region", REGIONS[0], env=env)
        for region in REGIONS:
            if step("Apply it in %s" % region, vpcflow, "apply", spec, "--region", region,
                    "--yes", env=env):
                return 1
        rc = step("Audit again", vpcflow, "audit", "--regions", regions, env=env)
        step("The flow logs now", vpcflow, "list", "--regions", regions, env=env)
        step("Planned again: only the hand-made flow log differs from the spec", vpcflow,
             "plan", spec, env=env)
        if state_file:
            save_state(emu, state_file)
        return rc
    finally:
        emu.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
