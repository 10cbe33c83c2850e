"""S3 addressing and streaming end to end, through tests/tools/awsdrv.

Against moto (signature checking on), behind the fault server as a recording
proxy: an overridden endpoint means path style, with the bucket in front of
the path and the Host the endpoint's, for plain and dotted bucket names. A
5 MB object put with boto3 streams back with the same bytes. Against the fault
server alone: the bucket region of 301 and 403 answers, a body callback that
stops the transfer, and a body that breaks off after delivery started (not
retried) or before (retried). Virtual-hosted URLs need a real region and TLS:
tests/unit/test_s3_addressing.c covers them."""

import hashlib
import json
import os
import subprocess
import sys
import unittest

import harness

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "tools"))
import fault_server  # noqa: E402

AWSDRV = os.path.join(harness.TOOLS, "awsdrv")
BIG = 5 * 1024 * 1024


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class S3AddressingTest(harness.EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = os.urandom(BIG)
        s3 = cls.emu.client("s3")
        s3.create_bucket(Bucket="vpcflow-stream")
        s3.put_object(Bucket="vpcflow-stream", Key="AWSLogs/big object.bin", Body=cls.big)

    def serve(self, rules, upstream=None):
        fs = fault_server.Process(rules, upstream=upstream).start()
        self.addCleanup(fs.stop)
        return fs

    def awsdrv(self, endpoint, *args, region="us-east-1"):
        env = self.emu.env(home=self.home, AWS_ENDPOINT_URL=endpoint, VPCFLOW_RETRY_BASE_MS="5")
        return subprocess.run([AWSDRV, *args, "--region", region], env=env, capture_output=True,
                              timeout=120)

    def ok_json(self, p):
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return json.loads(p.stdout)

    def stream(self, endpoint, bucket, key, *opts):
        """Runs get-object-stream into a file: (process, summary, bytes)."""
        out = os.path.join(self.home, "object.bin")
        p = self.awsdrv(endpoint, "s3", "get-object-stream", bucket, key, "--out", out, *opts)
        with open(out, "rb") as f:
            data = f.read()
        return p, json.loads(p.stdout), data

    def error_line(self, p):
        lines = p.stderr.decode().splitlines()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].startswith("error: "), lines[0])
        return lines[0]

    def test_override_is_path_style_with_the_endpoint_host(self):
        fs = self.serve([], upstream=self.emu.url)
        for bucket, region in (("vpcflow-addr", "eu-west-1"), ("vpcflow.dotted.logs", "us-east-1")):
            self.ok_json(self.awsdrv(fs.url, "s3", "create-bucket", bucket, region=region))
            self.assertEqual(self.ok_json(self.awsdrv(fs.url, "s3", "head-bucket", bucket,
                                                      region=region)),
                             {"Exists": True, "BucketRegion": region})
            self.ok_json(self.awsdrv(fs.url, "s3", "put-bucket-tagging", bucket, "--tag", "a=b",
                                     region=region))
            s3 = self.emu.client("s3", region)
            s3.put_object(Bucket=bucket, Key="AWSLogs/one.log", Body=b"one\n")
            got = self.ok_json(self.awsdrv(fs.url, "s3", "list-objects", bucket, region=region))
            self.assertEqual([o["Key"] for o in got["Contents"]], ["AWSLogs/one.log"])
            p = self.awsdrv(fs.url, "s3", "get-object", bucket, "AWSLogs/one.log", region=region)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, b"one\n")

            location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
            self.assertEqual(location, None if region == "us-east-1" else region)
            self.assertEqual(s3.get_bucket_tagging(Bucket=bucket)["TagSet"],
                             [{"Key": "a", "Value": "b"}])

        reqs = fs.requests()
        self.assertEqual(len(reqs), 10)
        host = "127.0.0.1:%d" % fs.port
        for q in reqs:
            self.assertEqual(q["headers"]["Host"], host, q)
            signed = q["headers"]["Authorization"].split("SignedHeaders=")[1].split(",")[0]
            self.assertIn("host", signed.split(";"))
        paths = [(q["method"], q["path"]) for q in reqs]
        self.assertEqual(paths[:4], [("PUT", "/vpcflow-addr"), ("HEAD", "/vpcflow-addr"),
                                     ("PUT", "/vpcflow-addr?tagging"), paths[3]])
        self.assertTrue(paths[3][1].startswith("/vpcflow-addr?list-type=2&"), paths[3])
        self.assertEqual(paths[4], ("GET", "/vpcflow-addr/AWSLogs/one.log"))
        self.assertEqual(paths[5:7], [("PUT", "/vpcflow.dotted.logs"),
                                      ("HEAD", "/vpcflow.dotted.logs")])
        self.assertEqual(paths[9], ("GET", "/vpcflow.dotted.logs/AWSLogs/one.log"))

    def test_bad_bucket_name_is_refused_before_sending(self):
        fs = self.serve([])
        for bucket in ("a/b", "evil.com?x=", "x y"):
            line = self.error_line(self.awsdrv(fs.url, "s3", "head-bucket", bucket))
            self.assertIn("invalid bucket name '%s'" % bucket, line)
        self.assertEqual(fs.requests(), [])

    def test_stream_5mb_object_from_moto(self):
        p, summary, data = self.stream(self.emu.url, "vpcflow-stream", "AWSLogs/big object.bin")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(summary["Code"], "no error")
        self.assertEqual(summary["Bytes"], BIG)
        self.assertEqual(sha256(data), sha256(self.big))
        # Delivered as it came, in many pieces, never as one buffered body.
        self.assertGreater(summary["Chunks"], 10)
        self.assertLessEqual(summary["MaxChunk"], 1024 * 1024)
        p = self.awsdrv(self.emu.url, "s3", "get-object", "vpcflow-stream",
                        "AWSLogs/big object.bin")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sha256(p.stdout), sha256(self.big))

    def test_callback_stop_is_io_error_and_not_retried(self):
        # Rules travel on a command line: 100 kB is about what one may hold.
        body = "0123456789abcdef" * 6000
        fs = self.serve([{"body": body, "times": 2}])
        p, summary, data = self.stream(fs.url, "vpcflow-stream", "AWSLogs/big object.bin",
                                       "--stop-after", "30000")
        line = self.error_line(p)
        self.assertEqual(summary["Code"], "I/O error")
        self.assertGreaterEqual(summary["Bytes"], 30000)
        self.assertLess(summary["Bytes"], len(body))
        self.assertEqual(data, body[:len(data)].encode())
        self.assertRegex(line, r"^error: GetObject: object 'AWSLogs/big object.bin': the body "
                               r"callback stopped the transfer after %d bytes$" % summary["Bytes"])
        self.assertEqual([q["method"] for q in fs.requests()], ["GET"])

    def test_body_broken_after_delivery_is_not_retried(self):
        sent = "x" * 20000
        fs = self.serve([{"kind": "truncate", "body": sent, "missing": 5000},
                         {"body": "y" * 25000}])
        p, summary, data = self.stream(fs.url, "vpcflow-stream", "k.log")
        line = self.error_line(p)
        self.assertEqual(data, sent.encode())
        self.assertEqual(summary["Bytes"], len(sent))
        self.assertEqual(summary["Code"], "network error")
        self.assertRegex(line, r"^error: GetObject: object 'k.log': request to %s: .*5000 bytes "
                               r"remaining.* \(the body broke off after 20000 bytes had been "
                               r"delivered; not retried\)$" % fs.url)
        reqs = fs.requests()
        self.assertEqual([(q["method"], q["path"]) for q in reqs],
                         [("GET", "/vpcflow-stream/k.log")])

    def test_failures_before_delivery_are_retried(self):
        slow = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        fs = self.serve([{"status": 503, "body": slow},
                         {"kind": "truncate", "body": "", "missing": 100},
                         {"body": "whole body\n"}])
        p, summary, data = self.stream(fs.url, "vpcflow-stream", "k.log")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(data, b"whole body\n")
        self.assertEqual((summary["Bytes"], summary["Chunks"]), (11, 1))
        self.assertEqual(len(fs.requests()), 3)

    def test_error_body_is_read_not_streamed(self):
        body = ("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
                "</Message><RequestId>req-404</RequestId></Error>")
        fs = self.serve([{"status": 404, "body": body}])
        p, summary, data = self.stream(fs.url, "vpcflow-stream", "gone.log")
        line = self.error_line(p)
        self.assertEqual(data, b"")
        self.assertEqual((summary["Bytes"], summary["Chunks"]), (0, 0))
        self.assertEqual(line, "error: GetObject: NoSuchKey: The specified key does not exist. "
                               "(request req-404)")
        self.assertEqual(len(fs.requests()), 1)

    def test_head_bucket_reports_region_of_301_and_403(self):
        fs = self.serve([
            {"status": 301, "headers": {"x-amz-bucket-region": "eu-west-1"},
             "match": {"method": "HEAD", "path": "/vpcflow-moved"}},
            {"status": 403, "headers": {"x-amz-bucket-region": "ap-southeast-2"},
             "match": {"method": "HEAD", "path": "/vpcflow-theirs"}},
            {"status": 404, "match": {"method": "HEAD", "path": "/vpcflow-none"}},
        ])
        self.assertEqual(self.ok_json(self.awsdrv(fs.url, "s3", "head-bucket", "vpcflow-moved")),
                         {"Exists": True, "Moved": True, "Error": "PermanentRedirect",
                          "BucketRegion": "eu-west-1"})
        self.assertEqual(self.ok_json(self.awsdrv(fs.url, "s3", "head-bucket", "vpcflow-theirs")),
                         {"Exists": True, "Forbidden": True, "Error": "Forbidden",
                          "BucketRegion": "ap-southeast-2"})
        absent = self.ok_json(self.awsdrv(fs.url, "s3", "head-bucket", "vpcflow-none"))
        self.assertTrue(absent["absent"])
        self.assertIn("HeadBucket: NoSuchBucket: bucket 'vpcflow-none' does not exist",
                      absent["error"])
        # Neither 301 nor 403 is retried.
        self.assertEqual([q["path"] for q in fs.requests()],
                         ["/vpcflow-moved", "/vpcflow-theirs", "/vpcflow-none"])


if __name__ == "__main__":
    unittest.main()
