#!/usr/bin/env python3
"""A local stand-in for the credential endpoints that live outside AWS's APIs,
for the credentials-chain integration tests:

  * EC2 instance metadata, IMDSv2 only: PUT /latest/api/token (with
    X-aws-ec2-metadata-token-ttl-seconds) gives a session token; every GET
    under /latest/meta-data/ must carry it (X-aws-ec2-metadata-token), else 401.
  * ECS/EKS container credentials: GET <--container-path>, checking the
    Authorization header against --container-auth when given.
  * The IAM Identity Center portal: GET /federation/credentials?role_name=&
    account_id= with x-amz-sso_bearer_token equal to --sso-token.

GET /_stats answers with every request seen so far (method, path, the headers
that matter) as JSON, so that tests can count them.

Usage: metadata_server.py [--port N] [options]; prints "PORT <n>" on its first
stdout line once it listens on 127.0.0.1.
"""

import argparse
import datetime
import json
import secrets
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IMDS_CREDS_PREFIX = "/latest/meta-data/iam/security-credentials/"
RECORDED_HEADERS = ("x-aws-ec2-metadata-token", "x-aws-ec2-metadata-token-ttl-seconds",
                    "authorization", "x-amz-sso_bearer_token", "accept")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.requests = []
        self.tokens = set()

    def creds(self, kind):
        o = self.opts
        expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
            seconds=o.lifetime)
        return {
            "AccessKeyId": o.access_key or ("ASIA%sEXAMPLE" % kind.upper())[:20].ljust(20, "0"),
            "SecretAccessKey": o.secret_key or "%s-secret-key" % kind,
            "Token": o.session_token or "%s-session-token" % kind,
            "Expiration": iso(expiration),
            "_expiration_ms": int(expiration.timestamp()) * 1000,
        }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "metadata-server/1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    @property
    def state(self):
        return self.server.state

    def record(self):
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {h: self.headers[h] for h in RECORDED_HEADERS if h in self.headers},
        }
        with self.state.lock:
            self.state.requests.append(entry)

    def reply(self, status, body, content_type="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_PUT(self):
        self.read_body()
        self.record()
        if self.path != "/latest/api/token":
            return self.reply(404, "not found", "text/plain")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.reply(400, "missing or bad token TTL", "text/plain")
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
        self.reply(200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            with self.state.lock:
                return self.reply(200, json.dumps({"requests": self.state.requests}))
        self.record()
        if url.path.startswith("/latest/"):
            return self.imds(url.path)
        if url.path == "/federation/credentials":
            return self.sso(urllib.parse.parse_qs(url.query))
        if url.path == self.state.opts.container_path:
            return self.container()
        self.reply(404, "not found", "text/plain")

    def imds(self, path):
        token = self.headers.get("X-aws-ec2-metadata-token")
        with self.state.lock:
            valid = token in self.state.tokens
        if not valid:
            return self.reply(401, "", "text/plain")
        role = self.state.opts.role
        if path == IMDS_CREDS_PREFIX:
            return self.reply(200, role + "\n" if role else "", "text/plain")
        if path == IMDS_CREDS_PREFIX + role and role:
            creds = self.state.creds("imds")
            del creds["_expiration_ms"]
            creds.update({"Code": "Success", "Type": "AWS-HMAC",
                          "LastUpdated": iso(datetime.datetime.now(datetime.timezone.utc))})
            return self.reply(200, json.dumps(creds), "text/plain")
        self.reply(404, "not found", "text/plain")

    def container(self):
        want = self.state.opts.container_auth
        if want is not None and self.headers.get("Authorization") != want:
            return self.reply(401, json.dumps({"message": "bad authorization"}))
        creds = self.state.creds("container")
        del creds["_expiration_ms"]
        creds["RoleArn"] = "arn:aws:iam::123456789012:role/task-role"
        self.reply(200, json.dumps(creds))

    def sso(self, query):
        if self.headers.get("x-amz-sso_bearer_token") != self.state.opts.sso_token:
            return self.reply(401, json.dumps({"message": "Session token not found or invalid"}),
                              headers={"x-amzn-ErrorType": "UnauthorizedException"})
        if not query.get("role_name") or not query.get("account_id"):
            return self.reply(400, json.dumps({"message": "role_name and account_id required"}),
                              headers={"x-amzn-ErrorType": "InvalidRequestException"})
        c = self.state.creds("sso")
        self.reply(200, json.dumps({"roleCredentials": {
            "accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"],
            "sessionToken": c["Token"], "expiration": c["_expiration_ms"]}}))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--role", default="vpcflow-instance-role",
                   help="IMDS role name; empty: the instance has no role")
    p.add_argument("--access-key", help="key id of every answer (default: per endpoint)")
    p.add_argument("--secret-key")
    p.add_argument("--session-token")
    p.add_argument("--lifetime", type=int, default=6 * 3600, help="seconds until Expiration")
    p.add_argument("--container-path", default="/v2/credentials/task")
    p.add_argument("--container-auth", help="required Authorization header value")
    p.add_argument("--sso-token", default="sso-access-token")
    opts = p.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    server.daemon_threads = True
    server.state = State(opts)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
