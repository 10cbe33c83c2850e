"""vpcflow logs against moto with signature checking on: records the test
puts into CloudWatch Logs and S3 (and files) come back filtered and summed
up exactly as an independent Python model of the same records says."""

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import harness

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "bench"))
import fault_server  # noqa: E402
import logs_model as model  # noqa: E402

ACCOUNT = harness.ACCOUNT_ID
ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % ACCOUNT
CUSTOM = ("version vpc-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
          "start end action log-status flow-direction").split()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def key_fields(rec):
    """What the tests compare of each record."""
    return (model.normalize_addr(rec["srcaddr"]) if rec["srcaddr"] != "-" else None,
            model.normalize_addr(rec["dstaddr"]) if rec["dstaddr"] != "-" else None,
            None if rec["srcport"] == "-" else int(rec["srcport"]),
            None if rec["dstport"] == "-" else int(rec["dstport"]),
            int(rec["start"]), rec["action"] if rec["action"] != "-" else None,
            None if rec["bytes"] == "-" else int(rec["bytes"]))


def json_fields(o):
    return (o.get("srcaddr"), o.get("dstaddr"), o.get("srcport"), o.get("dstport"), o["start"],
            o.get("action"), o.get("bytes"))


def scaled(summary, k):
    """summary with every count multiplied by k: the summary of its records
    repeated k times (checked against the model by the tests using it)."""
    counts = {"records", "nodata", "skipdata", "packets", "bytes", "networkAclLike",
              "securityGroupLike", "accepted", "returnRejected"}
    if isinstance(summary, dict):
        return {key: v * k if key in counts and isinstance(v, int) else scaled(v, k)
                for key, v in summary.items()}
    if isinstance(summary, list):
        return [scaled(v, k) for v in summary]
    return summary


def put_object(s3, key, recs):
    body = "\n".join([" ".join(model.DEFAULT_FIELDS)] + [model.line(r) for r in recs]) + "\n"
    s3.put_object(Bucket="s3-flows", Key=key, Body=gzip.compress(body.encode()))


def put_objects(s3, prefix, hive, recs):
    """One object per hour of records, keyed by the hour after them."""
    by_hour = {}
    for r in recs:
        by_hour.setdefault(int(r["start"]) // 3600, []).append(r)
    for hour, rs in by_hour.items():
        t = (hour + 1) * 3600
        g = time.gmtime(t)
        name = "%s_vpcflowlogs_us-east-1_fl-0123456789abcdef0_%s_%08x.log.gz" % (
            ACCOUNT, time.strftime("%Y%m%dT%H%MZ", g), hour)
        if hive:
            key = ("%sAWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/"
                   "aws-region=us-east-1/year=%s/month=%s/day=%s/hour=%s/%s"
                   % (prefix, ACCOUNT, time.strftime("%Y", g), time.strftime("%m", g),
                      time.strftime("%d", g), time.strftime("%H", g), name))
        else:
            key = ("%sAWSLogs/%s/vpcflowlogs/us-east-1/%s/%s"
                   % (prefix, ACCOUNT, time.strftime("%Y/%m/%d", g), name))
        put_object(s3, key, rs)


class LogsTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = int(time.time())
        cls.t0 = now - 3 * 3600 - now % 60
        # CloudWatch: a flow log with a custom format, and its records.
        cls.cw_recs = model.make_records(400, cls.t0, 3 * 3600, seed=7,
                                         extra={"vpc-id": "vpc-0abc", "flow-direction": "ingress"})
        logs = cls.emu.client("logs")
        logs.create_log_group(logGroupName="cw-flows")
        logs.create_log_stream(logGroupName="cw-flows", logStreamName="eni-0a1b2c3d4e5f60718-all")
        events = [{"timestamp": int(r["start"]) * 1000, "message": model.line(r, CUSTOM)}
                  for r in cls.cw_recs]
        for i in range(0, len(events), 100):
            logs.put_log_events(logGroupName="cw-flows",
                                logStreamName="eni-0a1b2c3d4e5f60718-all",
                                logEvents=events[i:i + 100])
        ec2 = cls.emu.client("ec2")
        cls.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        cls.flow_log = ec2.create_flow_logs(
            ResourceIds=[cls.vpc], ResourceType="VPC", TrafficType="ALL",
            LogGroupName="cw-flows", DeliverLogsPermissionArn=ROLE,
            LogFormat=" ".join("${%s}" % f for f in CUSTOM))["FlowLogIds"][0]

    def logs_json(self, *args, env=None):
        proc = self.run_vpcflow("logs", *args, "--output", "json", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["schemaVersion"], 1)
        return doc

    def expect(self, recs, since, until, where=lambda r: True):
        return [key_fields(r) for r in recs
                if model.in_range(r, since * 1000, until * 1000) and where(r)]

    # --- CloudWatch ---

    def test_cloudwatch_time_range(self):
        since, until = self.t0 + 1800, self.t0 + 5400
        doc = self.logs_json("--log-group", "cw-flows", "--since", iso(since), "--until",
                             iso(until))
        got = [json_fields(o) for o in doc["records"]]
        self.assertEqual(got, self.expect(self.cw_recs, since, until))
        self.assertTrue(got)
        # The custom format was found through the flow log: its fields are there.
        self.assertEqual({o["vpc-id"] for o in doc["records"]}, {"vpc-0abc"})

    def test_mixed_formats_read_with_the_first(self):
        """Two flow logs with different formats deliver to one log group: the
        records are read with the first one's format, as the warning says."""
        logs, ec2 = self.emu.client("logs"), self.emu.client("ec2")
        logs.create_log_group(logGroupName="cw-mixed")
        logs.create_log_stream(logGroupName="cw-mixed", logStreamName="s")
        recs = [r for r in self.cw_recs if r["log-status"] == "OK"][:20]
        logs.put_log_events(logGroupName="cw-mixed", logStreamName="s", logEvents=[
            {"timestamp": int(r["start"]) * 1000, "message": model.line(r, CUSTOM)}
            for r in recs])
        for fmt in (CUSTOM, None):
            kw = {"LogFormat": " ".join("${%s}" % f for f in fmt)} if fmt else {}
            ec2.create_flow_logs(
                ResourceIds=[ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]],
                ResourceType="VPC", TrafficType="ALL", LogGroupName="cw-mixed",
                DeliverLogsPermissionArn=ROLE, **kw)
        formats = [fl.get("LogFormat") for fl in ec2.describe_flow_logs(
            Filters=[{"Name": "log-group-name", "Values": ["cw-mixed"]}])["FlowLogs"]]
        self.assertEqual(len(set(formats)), 2, formats)
        self.assertEqual(formats[0], " ".join("${%s}" % f for f in CUSTOM))
        proc = self.run_vpcflow("logs", "--log-group", "cw-mixed", "--since", "4h",
                                "--output", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("different formats deliver to 'cw-mixed'; reading with the first",
                      proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(sorted(json_fields(o) for o in doc["records"]),
                         sorted(key_fields(r) for r in recs))
        self.assertEqual({o["vpc-id"] for o in doc["records"]}, {"vpc-0abc"})

    def test_cloudwatch_filters_and_server_pattern(self):
        since, until = self.t0, self.t0 + 3 * 3600
        with fault_server.Process([], upstream=self.emu.url) as fs:
            env = self.emu.env(home=self.home, AWS_ENDPOINT_URL=fs.url)
            doc = self.logs_json("--flow-log-id", self.flow_log, "--since", iso(since),
                                 "--until", iso(until), "--where", "action=REJECT",
                                 "--where", "dstaddr=10.0.0.0/8", "--where",
                                 "dstport=1-1024", env=env)
            bodies = [r["body"] for r in fs.requests() if r["target"].endswith("FilterLogEvents")]
        want = self.expect(self.cw_recs, since, until,
                           lambda r: r["action"] == "REJECT" and r["dstaddr"].startswith("10.")
                           and 1 <= int(r["dstport"]) <= 1024)
        self.assertEqual([json_fields(o) for o in doc["records"]], want)
        self.assertTrue(want)
        sent = json.loads(bodies[0])
        self.assertEqual(sent["filterPattern"],
                         "[version, vpc_id, interface_id, srcaddr, dstaddr, srcport, dstport, "
                         "protocol, packets, bytes, start, end, action=\"REJECT\", log_status, "
                         "flow_direction]")
        self.assertEqual(sent["startTime"], since * 1000)

    def test_cloudwatch_summary(self):
        since, until = self.t0 + 600, self.t0 + 3 * 3600
        doc = self.logs_json("--resource", self.vpc, "--since", iso(since), "--until",
                             iso(until), "--summary", "--top", "5")
        recs = [r for r in self.cw_recs if model.in_range(r, since * 1000, until * 1000)]
        self.assertEqual(doc["summary"], model.summary(recs, top=5))
        self.assertGreater(doc["summary"]["rejections"]["networkAclLike"], 0)

    def test_limit_and_table(self):
        proc = self.run_vpcflow("logs", "--log-group", "cw-flows", "--since", "4h", "--limit",
                                "7", "--where", "log-status=OK")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["TIME", "INTERFACE", "SOURCE", "DESTINATION",
                                            "PROTOCOL", "ACTION", "PACKETS", "BYTES"])
        self.assertEqual(len(lines), 8)
        first = [r for r in self.cw_recs if r["log-status"] == "OK"][0]
        self.assertIn("%s:%s -> " % (first["srcaddr"], first["srcport"]), lines[1])
        self.assertIn(model.PROTO_NAMES[int(first["protocol"])], lines[1])
        self.assertIn(iso(int(first["start"])), lines[1])

    def test_follow_prints_new_events_once(self):
        logs = self.emu.client("logs")
        logs.create_log_group(logGroupName="follow")
        logs.create_log_stream(logGroupName="follow", logStreamName="s")
        base = int(time.time()) - 600
        recs = model.make_records(30, base, 60, seed=5)
        put = lambda rs: logs.put_log_events(  # noqa: E731
            logGroupName="follow", logStreamName="s",
            logEvents=[{"timestamp": int(r["start"]) * 1000, "message": model.line(r)}
                       for r in rs])
        put(recs[:20])
        proc = subprocess.Popen(
            [harness.VPCFLOW, "logs", "--log-group", "follow", "--follow", "--interval", "1",
             "--since", "15m", "--output", "json"],
            env=self.emu.env(home=self.home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            got = [json.loads(proc.stdout.readline()) for _ in range(20)]
            # Same timestamp as the last one seen, and later ones.
            late = [dict(r, start=recs[19]["start"]) for r in recs[20:25]] + recs[25:]
            put(late)
            got += [json.loads(proc.stdout.readline()) for _ in range(10)]
            time.sleep(2.5)
        finally:
            proc.terminate()
            rest, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(rest.strip(), "")
        self.assertEqual([json_fields(o) for o in got],
                         [key_fields(r) for r in recs[:20] + late])

    # --- Files ---

    def test_files_plain_gzip_and_saved_cloudwatch(self):
        recs = model.make_records(200, self.t0, 3600, seed=21)
        d = tempfile.mkdtemp(dir=self.home)
        plain = os.path.join(d, "a.log")
        with open(plain, "w") as f:
            f.write("\n".join(model.line(r) for r in recs[:100]) + "\n")
        gz = os.path.join(d, "b.log.gz")
        with gzip.open(gz, "wt") as f:
            f.write(" ".join(model.DEFAULT_FIELDS) + "\n")
            f.write("\n".join(model.line(r) for r in recs[100:150]))
        saved = os.path.join(d, "c.json")
        with open(saved, "w") as f:
            json.dump({"events": [{"timestamp": int(r["start"]) * 1000, "eventId": str(i),
                                   "message": model.line(r)}
                                  for i, r in enumerate(recs[150:])]}, f)
        doc = self.logs_json("--file", plain, gz, saved, "--summary")
        self.assertEqual(doc["summary"], model.summary(recs))
        self.assertEqual(doc["malformedLines"], 0)
        doc = self.logs_json("--file", plain, "--file", gz, "--where", "srcaddr!=10.0.0.0/8",
                             "--where", "protocol=tcp")
        want = [key_fields(r) for r in recs[:150] if r["log-status"] == "OK"
                and not r["srcaddr"].startswith("10.") and r["protocol"] == "6"]
        self.assertEqual([json_fields(o) for o in doc["records"]], want)

    # --- Files big enough to be read in pieces on two threads (64 MB) ---

    BIG = 64 * 1024 * 1024

    def test_big_file_read_in_pieces(self):
        recs = model.make_records(3000, self.t0, 3600, seed=5)
        self.assertEqual(model.summary(recs * 3), scaled(model.summary(recs), 3))
        header = " ".join(model.DEFAULT_FIELDS) + "\n"
        block = "\n".join(model.line(r) for r in recs) + "\n"
        blocks = self.BIG // len(block) + 60
        # Inserted before a block: two lines that are not records (in
        # different pieces, the later one in a piece that may well be read
        # first), and the header again, as where files were joined.
        inserted = {190: "2 123456789012 eni-1 10.0.0.1\n", 150: "not a flow record\n",
                    120: header}
        path = os.path.join(self.home, "big.log")
        with open(path, "w") as f:
            f.write(header)
            for i in range(blocks):
                f.write(inserted.get(i, "") + block)
        first = 1 + 150 * len(recs) + 1 + 1
        proc = self.run_vpcflow("logs", "--file", path, "--summary", "--output", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["summary"], scaled(model.summary(recs), blocks))
        self.assertEqual(doc["malformedLines"], 2)
        self.assertIn("2 lines were not flow records of the format (first: %s line %d)"
                      % (path, first), proc.stderr)

    def test_big_file_whose_format_changes(self):
        """A header line with other fields further down holds for the lines
        after it, whichever thread reads them."""
        recs = model.make_records(3000, self.t0, 3600, seed=6,
                                  extra={"vpc-id": "vpc-0abc", "flow-direction": "ingress"})
        default = "\n".join(model.line(r) for r in recs) + "\n"
        custom = "\n".join(model.line(r, CUSTOM) for r in recs) + "\n"
        first = 30
        rest = self.BIG // len(custom) + 20
        path = os.path.join(self.home, "formats.log")
        with open(path, "w") as f:
            f.write(" ".join(model.DEFAULT_FIELDS) + "\n" + default * first)
            f.write(" ".join(CUSTOM) + "\n" + custom * rest)
        doc = self.logs_json("--file", path, "--summary")
        self.assertEqual(doc["summary"], scaled(model.summary(recs), first + rest))
        self.assertEqual(doc["malformedLines"], 0)

    def test_csv(self):
        recs = model.make_records(20, self.t0, 600, seed=2)
        path = os.path.join(self.home, "f.log")
        with open(path, "w") as f:
            f.write("\n".join(model.line(r) for r in recs) + "\n")
        proc = self.run_vpcflow("logs", "--file", path, "--output", "csv")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = [ln.split(",") for ln in proc.stdout.splitlines()]
        self.assertEqual(rows[0][:6], ["time", "start", "end", "account-id", "interface-id",
                                       "srcaddr"])
        self.assertEqual(len(rows), 21)
        self.assertEqual([r[5] for r in rows[1:]],
                         [r["srcaddr"] if r["srcaddr"] != "-" else "" for r in recs])

    def test_bad_input(self):
        cases = [
            (["--file", "x", "--where", "acton=REJECT"], "did you mean 'action'"),
            (["--file", "x", "--where", "dstport=99999"], "a port or a range"),
            (["--file", "x", "--since", "yesterday"], "15m"),
            (["--log-group", "g", "--bucket", "b"], "once"),
            ([], "say what to read"),
            (["--file", "x", "--follow"], "CloudWatch Logs only"),
            (["--log-group", "g", "--follow", "--summary"], "--follow"),
            (["--file", "x", "--log-format", "srcaddr bogus"], "'bogus'"),
        ]
        for argv, message in cases:
            with self.subTest(argv=argv):
                proc = self.run_vpcflow("logs", *argv)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(message, proc.stderr)
        proc = self.run_vpcflow("logs", "--file", os.path.join(self.home, "missing.log"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("missing.log", proc.stderr)
        proc = self.run_vpcflow("logs", "--flow-log-id", "fl-00000000000000000")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("fl-00000000000000000", proc.stderr)


class S3Test(harness.EmulatorTestCase):
    """Reading S3, in the default layout (daily) and the hive-compatible one
    (hourly). moto's signature check rejects S3 query values and keys with
    reserved characters ('/' and '=' included, from boto3 too; see
    test_services.NoSignatureCheckTest), so this emulator runs without it."""

    auth = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = int(time.time())
        cls.t0 = now - 3 * 3600 - now % 60
        cls.s3_recs = model.make_records(300, cls.t0, 3 * 3600, seed=11)
        s3 = cls.emu.client("s3")
        s3.create_bucket(Bucket="s3-flows")
        put_objects(s3, "", hive=False, recs=cls.s3_recs)
        put_objects(s3, "team/", hive=True, recs=cls.s3_recs)
        # Objects in partitions days before the range, whose records claim
        # to be recent: they must never be read.
        stray = model.make_records(5, cls.t0, 3600, seed=3)
        old = time.gmtime(now - 5 * 86400)
        put_object(s3, "AWSLogs/%s/vpcflowlogs/us-east-1/%s/stray.log.gz"
                   % (ACCOUNT, time.strftime("%Y/%m/%d", old)), stray)
        put_object(s3, "team/AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region="
                   "us-east-1/year=%s/month=%s/day=%s/hour=00/stray.log.gz"
                   % (ACCOUNT, time.strftime("%Y", old), time.strftime("%m", old),
                      time.strftime("%d", old)), stray)
        s3.put_object(Bucket="s3-flows",
                      Key="pq/AWSLogs/%s/vpcflowlogs/us-east-1/%s/x.parquet"
                      % (ACCOUNT, time.strftime("%Y/%m/%d", time.gmtime(now))),
                      Body=b"PAR1....PAR1")

    expect = LogsTest.expect

    def test_s3_default_layout(self):
        since, until = self.t0 + 1200, self.t0 + 7000
        doc = LogsTest.logs_json(self, "--bucket", "s3-flows", "--since", iso(since), "--until",
                             iso(until))
        got = sorted((json_fields(o) for o in doc["records"]), key=repr)
        self.assertEqual(got, sorted(self.expect(self.s3_recs, since, until), key=repr))
        self.assertTrue(got)

    def test_parquet_is_refused(self):
        proc = self.run_vpcflow("logs", "--bucket", "s3-flows", "--prefix", "pq", "--since",
                                "1d")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("parquet is not supported yet", proc.stderr)

    def test_s3_hive_hourly_only_lists_partitions_in_range(self):
        since, until = self.t0 + 3600, self.t0 + 5400
        with fault_server.Process([], upstream=self.emu.url) as fs:
            env = self.emu.env(home=self.home, AWS_ENDPOINT_URL=fs.url)
            doc = LogsTest.logs_json(self, "--bucket", "s3-flows", "--prefix", "team", "--since",
                                 iso(since), "--until", iso(until), "--where",
                                 "action=ACCEPT", "--summary", env=env)
            paths = [r["path"] for r in fs.requests()]
        recs = [r for r in self.s3_recs if model.in_range(r, since * 1000, until * 1000)
                and r["action"] == "ACCEPT"]
        self.assertEqual(doc["summary"], model.summary(recs))
        gets = [p for p in paths if ".log.gz" in p]
        # Objects for the hours from since - 1h to until + 1h at most.
        self.assertTrue(0 < len(gets) <= 4, gets)
        self.assertFalse([p for p in paths if "stray" in p])

if __name__ == "__main__":
    unittest.main()
