"""What the apply, plan and destroy tests share: writing specs, running
vpcflow behind the fault server (as a proxy in front of moto, so every request
is logged), and telling read-only requests from changes."""

import json
import os
import sys

import harness

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
import fault_server  # noqa: E402

ROLE_ARN = "arn:aws:iam::%s:role/%%s" % harness.ACCOUNT_ID
FORMAT = "${srcaddr} ${dstaddr} ${protocol} ${action} ${srcport} ${dstport} ${instance-id}"
TUTORIAL = os.path.join(harness.SOURCE_DIR, "examples", "tutorial.json")
READ_PREFIXES = ("Describe", "Get", "List", "Head")


def write_spec(directory, spec, name="spec.json"):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(spec if isinstance(spec, str) else json.dumps(spec))
    return path


def operation(req):
    """The API operation of a logged request: the query Action, the JSON
    target's operation, or "S3 METHOD PATH" for S3's REST calls."""
    if req["action"]:
        return req["action"]
    if req["target"]:
        return req["target"].split(".")[-1]
    return "S3 %s %s" % (req["method"], req["path"])


def is_change(req):
    """Whether a logged request changes something in AWS."""
    if req["action"] or req["target"]:
        return not operation(req).startswith(READ_PREFIXES)
    return req["method"] not in ("GET", "HEAD")


def operations(requests, name):
    return [r for r in requests if operation(r) == name]


class Proxied:
    """A fault server with rules in front of the test's emulator, and the
    environment that points vpcflow at it:

        with Proxied(test, rules) as px:
            proc = px.run("apply", spec, "--yes")
            ... px.requests() ...

    upstream=False: nothing behind it, requests no rule claims get a 404 (a
    test without an emulator gets made-up keys). Requests are read inside the
    with block: the log goes when the server stops."""

    def __init__(self, test, rules=None, upstream=True):
        self.test = test
        self.server = fault_server.Process(rules or [],
                                           upstream=test.emu.url if upstream else None)

    def __enter__(self):
        self.server.start()
        return self

    def __exit__(self, *exc):
        self.server.stop()

    @property
    def url(self):
        return self.server.url

    def env(self, region="us-east-1", **extra):
        """The test's environment with this server as the endpoint; extra
        comes last (it may name other keys, even another endpoint)."""
        emu = getattr(self.test, "emu", None)
        make = emu.env if emu is not None else harness.offline_env
        return make(region=region, home=self.test.home,
                    **dict({"AWS_ENDPOINT_URL": self.server.url}, **extra))

    def run(self, *args, region="us-east-1", **extra):
        return self.test.run_vpcflow(*args, env=self.env(region, **extra))

    def requests(self):
        return self.server.requests()

    def wait_for(self, predicate, timeout=30.0, proc=None):
        return self.server.wait_for(predicate, timeout=timeout, proc=proc)


def flow_logs(emu, region, resource_ids=None):
    """Flow logs as boto3 sees them, optionally only those of resource_ids."""
    logs = emu.client("ec2", region).describe_flow_logs()["FlowLogs"]
    if resource_ids is not None:
        logs = [fl for fl in logs if fl["ResourceId"] in resource_ids]
    return logs


def tags(fl):
    return {t["Key"]: t["Value"] for t in fl.get("Tags", [])}
