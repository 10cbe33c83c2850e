#!/usr/bin/env python3
"""A small local HTTP server that misbehaves on purpose, for vpcflow's tests.

It listens on 127.0.0.1 and answers each request by a list of rules, so a test
can script what a client sees: throttling errors, 5xx, resets, stalls,
truncated bodies, malformed answers, pages. Requests no rule claims are
forwarded to an upstream (moto) when one is given. Every request is written to
a JSONL log, so tests can count attempts and look at what was sent.

    fault_server.py [--port N] [--rules JSON | --rules-file PATH]
                    [--upstream URL] [--log PATH]

The first line on stdout is "PORT <n>" once the server is listening (port 0,
the default, picks a free port).

Rules are a JSON list, or an object {"rules": [...], "default": RULE,
"seed": N, "client_tokens": BOOL}. A request takes the first rule that has
uses left, whose "match" fits and that fires (see "rate"); each rule is used
"times" times (default 1, or -1 for a rule with a "rate"; -1 means forever).
So a plain list is a script answered in order. When no rule fits: the
upstream if there is one, else the "default" rule (a 404 unless given).

"rate" (0 to 1) makes a rule fire for only that share of the requests it
matches, so a few rules describe a flaky service: {"kind": "throttle",
"rate": 0.3}. The draws are reproducible: the n-th request of an operation
that a rule matches always draws the same number for the same "seed" (the
rule's, else the top-level one, else 0), whatever the order in which
concurrent requests arrive.

A rule's "kind" (default "respond"):
  respond   "status" (200), "headers" ({}), "body" (a string) or "json" (any
            JSON value, sent compact), "delay" (seconds to wait first, 0)
  reset     read the request, then drop the connection with a TCP RST
  stall     wait "seconds" (default 30), then answer like respond
  truncate  answer like respond, but announce "missing" (default 100) more
            bytes than the body has, send the body and close the connection
  proxy     forward to the upstream, after "delay" seconds (0): a rule
            {"kind": "proxy", "delay": 0.05, "rate": 0.2} adds latency
  throttle  the throttling error of the request's service: EC2 503
            RequestLimitExceeded (EC2's XML error), IAM and STS 400 Throttling
            (the query protocol's <ErrorResponse>), JSON services (CloudWatch
            Logs, Firehose, ...) 400 ThrottlingException, S3 503 SlowDown;
            "code" and "status" override
  server_error  the service's internal error in its error format, "status"
            (500) and "code" (InternalError, ServiceFailure, ...) override
  malformed a 200 answer the client cannot use; "variant":
              truncated   the upstream's real answer (or "body"/"json" without
                          an upstream) cut to "keep" bytes (default half),
                          with a Content-Length that matches
              invalid     XML that is not well formed, or JSON that is not JSON
              html        an HTML error page, as a proxy in the way sends
              empty       no body at all
              wrong_root  well-formed XML with an unexpected root element, or
                          a JSON array where an object belongs
The request's service comes from the credential scope of its Authorization
header, else X-Amz-Target, the query Version or the Host; S3 otherwise.

"after_upstream": true forwards the request to the upstream first, so it takes
effect, and then answers with the fault instead of the upstream's answer: the
answer is lost (reset, truncate), late (stall: the upstream's answer after
"seconds") or replaced (throttle, server_error, respond, malformed). Such a
request is logged once the upstream has answered, with "upstream_status".

"client_tokens": true models AWS's idempotent ClientToken for query-protocol
requests the upstream serves (moto ignores the token): the first 2xx answer to
a (service, region, Action, ClientToken) is kept, a repeat with the same body
gets that answer again without reaching the upstream ("replayed": true in its
log line), a repeat with another body gets EC2's 400
IdempotentParameterMismatch. Such requests are logged after they are answered.

"match" (all keys optional, all must hold): "method"; "path" (a prefix of the
path with its query); "action" (the query protocol's Action, from the body or
the query string); "target" (X-Amz-Target, whole or the part after the dot);
"service" (as above: "ec2", "iam", "logs", "s3", ...); "body_contains";
"header_contains" ([NAME, TEXT]: header NAME, any case, holds TEXT; e.g.
["Authorization", "/eu-west-1/"] picks a region).

Each log line: seq, method, path, headers, body (text), action, target,
service, peer (the client's address and port: one per connection), rule (the
rule's index, "upstream" or "default"), and where they apply upstream_status
and replayed.

Other scripts can import this file and use Process to run it.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length"}

# Credential=AKID/20240101/us-east-1/ec2/aws4_request
SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
TARGET_SERVICES = {"Logs_20140328": "logs", "Firehose_20150804": "firehose",
                   "AWSOrganizationsV20161128": "organizations"}
QUERY_VERSIONS = {"2016-11-15": "ec2", "2010-05-08": "iam", "2011-06-15": "sts"}
PROTOCOLS = {"ec2": "ec2", "iam": "query", "sts": "query", "s3": "rest-xml"}
EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
QUERY_XMLNS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
               "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


def request_action(path, body):
    """The query protocol's Action, from a form body or the query string."""
    for text in (body.decode("utf-8", "replace"), urllib.parse.urlsplit(path).query):
        values = urllib.parse.parse_qs(text).get("Action")
        if values:
            return values[0]
    return ""


def header(req, name):
    for k, v in req["headers"].items():
        if k.lower() == name.lower():
            return v
    return ""


def request_region(req):
    m = SCOPE.search(header(req, "Authorization"))
    return m.group(1) if m else ""


def request_service(req):
    """The AWS service a request is for (see the module's help)."""
    m = SCOPE.search(header(req, "Authorization"))
    if m:
        return m.group(2)
    if req["target"]:
        prefix = req["target"].split(".")[0]
        return TARGET_SERVICES.get(prefix, prefix.lower())
    version = urllib.parse.parse_qs(req["body"]).get("Version")
    if version and version[0] in QUERY_VERSIONS:
        return QUERY_VERSIONS[version[0]]
    label = header(req, "Host").split(".")[0].split(":")[0]
    if label in ("ec2", "iam", "sts", "logs", "firehose", "organizations"):
        return label
    return "s3"


def request_operation(req):
    """What a request does, for the reproducible draws: the Action, the JSON
    target's operation, or "METHOD path" (S3)."""
    if req["action"]:
        return req["action"]
    if req["target"]:
        return req["target"].split(".")[-1]
    return "%s %s" % (req["method"], req["path"])


def client_token(req):
    """The ClientToken of a form-encoded request, or None."""
    if not req["action"]:
        return None
    values = urllib.parse.parse_qs(req["body"]).get("ClientToken")
    return values[0] if values else None


def draw(seed, index, operation, n):
    """A number in [0, 1) fixed by its arguments."""
    digest = hashlib.sha256(("%s|%d|%s|%d" % (seed, index, operation, n)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


class Answer:
    """An HTTP answer to send: status, headers (a list of pairs), body bytes."""

    def __init__(self, status, headers, data):
        self.status = status
        self.headers = list(headers)
        self.data = data


def forward(upstream, command, path, headers, body, timeout=120):
    """Sends a request on to upstream (a URL) as it came, Host and signature
    untouched; returns the upstream's Answer, a 502 when it cannot be reached."""
    up = urllib.parse.urlsplit(upstream)
    conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=timeout)
    try:
        # Host goes through unchanged: the client signed it.
        conn.putrequest(command, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            if name.lower() not in HOP_BY_HOP:
                conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as e:
        return Answer(502, [("Content-Type", "text/plain")],
                      ("fault_server: upstream: %s" % e).encode())
    finally:
        conn.close()
    kept = [(n, v) for n, v in resp.getheaders()
            if n.lower() not in HOP_BY_HOP and n.lower() not in ("server", "date")]
    return Answer(resp.status, kept, data)


def error_answer(req, status, code, message):
    """An error in the request's service's own format."""
    svc = request_service(req)
    proto = PROTOCOLS.get(svc, "json")
    rid = "fault-" + os.urandom(8).hex()
    if proto == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
                "<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
                % (code, message, rid))
        return Answer(status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())
    if proto == "query":
        body = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code>'
                "<Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
                % (QUERY_XMLNS.get(svc, ""), "Receiver" if status >= 500 else "Sender",
                   code, message, rid))
        return Answer(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                      body.encode())
    if proto == "rest-xml":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
                "<Message>%s</Message><RequestId>%s</RequestId><HostId>fault</HostId></Error>"
                % (code, message, rid))
        return Answer(status, [("Content-Type", "application/xml"), ("x-amz-request-id", rid)],
                      body.encode())
    body = json.dumps({"__type": code, "message": message}, separators=(",", ":"))
    return Answer(status, [("Content-Type", "application/x-amz-json-1.1"),
                           ("x-amzn-RequestId", rid)], body.encode())


THROTTLING = {"ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
              "query": (400, "Throttling", "Rate exceeded"),
              "json": (400, "ThrottlingException", "Rate exceeded"),
              "rest-xml": (503, "SlowDown", "Please reduce your request rate.")}
SERVER_ERRORS = {"ec2": "InternalError", "iam": "ServiceFailure", "sts": "InternalFailure",
                 "logs": "ServiceUnavailableException", "s3": "InternalError"}


def throttle_answer(rule, req):
    status, code, message = THROTTLING[PROTOCOLS.get(request_service(req), "json")]
    return error_answer(req, rule.get("status", status), rule.get("code", code), message)


def server_error_answer(rule, req):
    code = SERVER_ERRORS.get(request_service(req), "InternalFailure")
    return error_answer(req, rule.get("status", 500), rule.get("code", code),
                        "We encountered an internal error. Please try again.")


def rule_body(rule):
    if "json" in rule:
        return json.dumps(rule["json"], separators=(",", ":")).encode()
    return rule.get("body", "").encode()


def malformed_answer(rule, req, upstream):
    """The 200 answer of a "malformed" rule; upstream is the upstream's
    Answer (for "truncated") or None."""
    variant = rule.get("variant", "truncated")
    is_json = PROTOCOLS.get(request_service(req), "json") == "json"
    ctype = "application/x-amz-json-1.1" if is_json else "text/xml"
    root = (request_operation(req) if req["action"] or req["target"] else "Unexpected") + "Response"
    if variant == "truncated":
        data = upstream.data if upstream is not None else rule_body(rule)
        if upstream is not None:
            ctype = dict((k.lower(), v) for k, v in upstream.headers).get("content-type", ctype)
        data = data[:rule.get("keep", len(data) // 2)]
    elif variant == "invalid":
        data = (b'{"logGroups": [{"logGroupName": "g",}] "nextToken"' if is_json else
                ('<?xml version="1.0"?>\n<%s><requestId>fault</requestId><item a=1></%s>'
                 % (root, root)).encode())
    elif variant == "html":
        ctype = "text/html"
        data = (b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
                b"<body><h1>Service Unavailable</h1><p>Try again later.</p></body></html>")
    elif variant == "empty":
        data = b""
    elif variant == "wrong_root":
        data = (b'["not", "an", "object"]' if is_json else
                b'<?xml version="1.0"?>\n<UnexpectedResponse><requestId>fault</requestId>'
                b"<Note>not the answer that was asked for</Note></UnexpectedResponse>")
    else:
        raise ValueError("fault_server: unknown malformed variant %r" % variant)
    return Answer(200, [("Content-Type", ctype)] if data else [], data)


class Rules:
    """The rule list with its use counts and draws; thread-safe."""

    def __init__(self, spec):
        if isinstance(spec, dict):
            rules, default = spec.get("rules", []), spec.get("default")
            self.seed = spec.get("seed", 0)
            self.client_tokens = bool(spec.get("client_tokens"))
        else:
            rules, default = spec, None
            self.seed = 0
            self.client_tokens = False
        self.rules = [dict(r) for r in rules]
        self.left = [r.get("times", -1 if "rate" in r else 1) for r in self.rules]
        self.draws = {}
        self.default = default or {"status": 404, "body": "fault_server: no rule for request"}
        self.lock = threading.Lock()

    @staticmethod
    def matches(rule, req):
        m = rule.get("match") or {}
        target = req["target"]
        return ((not m.get("method") or m["method"] == req["method"])
                and (not m.get("path") or req["path"].startswith(m["path"]))
                and (not m.get("action") or m["action"] == req["action"])
                and (not m.get("target") or m["target"] in (target, target.split(".")[-1]))
                and (not m.get("service") or m["service"] == req["service"])
                and (not m.get("body_contains") or m["body_contains"] in req["body"])
                and (not m.get("header_contains") or Rules.header_has(req, *m["header_contains"])))

    @staticmethod
    def header_has(req, name, text):
        return any(k.lower() == name.lower() and text in v for k, v in req["headers"].items())

    def fires(self, i, rule, req):
        """Whether rule i, which matches req, fires by its rate (lock held)."""
        if "rate" not in rule:
            return True
        op = request_operation(req)
        n = self.draws.get((i, op), 0)
        self.draws[(i, op)] = n + 1
        return draw(rule.get("seed", self.seed), i, op, n) < float(rule["rate"])

    def pick(self, req):
        """Returns (label, rule) for a request, using up one use of the rule."""
        with self.lock:
            for i, rule in enumerate(self.rules):
                if self.left[i] != 0 and self.matches(rule, req) and self.fires(i, rule, req):
                    if self.left[i] > 0:
                        self.left[i] -= 1
                    return i, rule
        return None, None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the SYNs of a client that opens
    # more connections at once, which then waits a second to retry.
    request_queue_size = 128

    def __init__(self, port, rules, upstream=None, log_path=None, handler=None):
        super().__init__(("127.0.0.1", port), handler or Handler)
        self.rules = rules
        self.upstream = upstream
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None
        self.log_lock = threading.Lock()
        self.seq = 0
        # (service, region, action, token) -> {"lock", "body", "answer"}
        self.tokens = {}
        self.tokens_lock = threading.Lock()

    def record(self, entry):
        with self.log_lock:
            self.seq += 1
            entry["seq"] = self.seq
            if self.log_file:
                self.log_file.write(json.dumps(entry) + "\n")
                self.log_file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # answers are written in pieces: no 40 ms stalls

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_any(self):
        body = self.read_body()
        req = {
            "method": self.command,
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": body.decode("utf-8", "replace"),
            "action": request_action(self.path, body),
            "target": self.headers.get("X-Amz-Target", ""),
            "peer": "%s:%d" % self.client_address[:2],
        }
        req["service"] = request_service(req)
        label, rule = self.server.rules.pick(req)
        if rule is None:
            label, rule = ("upstream", {"kind": "proxy"}) if self.server.upstream else \
                ("default", self.server.rules.default)
        req["rule"] = label
        kind = rule.get("kind", "respond")
        upstream = None
        try:
            # The upstream first: for a lost answer, for a cut real answer,
            # and for a token that may be answered again.
            if self.server.upstream and (
                    rule.get("after_upstream")
                    or (kind == "malformed" and rule.get("variant", "truncated") == "truncated")
                    or (kind == "proxy" and self.server.rules.client_tokens
                        and client_token(req))):
                if kind == "proxy":
                    time.sleep(rule.get("delay", 0))
                upstream = self.fetch(body, req)
                req["upstream_status"] = upstream.status
            self.server.record(req)
            if kind == "reset":
                self.reset()
            elif kind == "proxy":
                if upstream is None:
                    time.sleep(rule.get("delay", 0))
                    upstream = self.fetch(body, req)
                self.send(upstream)
            elif kind == "stall":
                time.sleep(rule.get("seconds", 30))
                if upstream is not None and not ({"status", "body", "json"} & set(rule)):
                    self.send(upstream)
                else:
                    self.respond(rule)
            elif kind == "truncate":
                if upstream is not None:
                    self.send(upstream, missing=rule.get("missing", 100))
                else:
                    self.respond(rule, missing=rule.get("missing", 100))
            elif kind == "throttle":
                time.sleep(rule.get("delay", 0))
                self.send(throttle_answer(rule, req))
            elif kind == "server_error":
                time.sleep(rule.get("delay", 0))
                self.send(server_error_answer(rule, req))
            elif kind == "malformed":
                time.sleep(rule.get("delay", 0))
                self.send(malformed_answer(rule, req, upstream))
            else:
                time.sleep(rule.get("delay", 0))
                self.respond(rule)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

    def respond(self, rule, missing=0):
        data = rule_body(rule)
        headers = {k.lower(): (k, v) for k, v in (rule.get("headers") or {}).items()}
        pairs = list(headers.values())
        if "content-type" not in headers and data:
            pairs.append(("Content-Type", "application/json" if "json" in rule else "text/xml"))
        self.send(Answer(rule.get("status", 200), pairs, data), missing=missing)

    def send(self, answer, missing=0):
        """Sends answer; with missing, announces that many more bytes than
        the body has and closes the connection after the body."""
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(answer.data) + missing))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.data)
        self.wfile.flush()
        if missing:
            self.close_connection = True

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def fetch(self, body, req):
        """The upstream's Answer to the request; with client_tokens, the kept
        answer of a ClientToken seen before."""
        token = client_token(req) if self.server.rules.client_tokens else None
        if token is None:
            return self.forward(body)
        key = (req["service"], request_region(req), req["action"], token)
        with self.server.tokens_lock:
            entry = self.server.tokens.setdefault(
                key, {"lock": threading.Lock(), "body": None, "answer": None})
        with entry["lock"]:
            if entry["answer"] is not None:
                if entry["body"] != body:
                    return error_answer(req, 400, "IdempotentParameterMismatch",
                                        "Client token %s was used with other parameters."
                                        % token)
                req["replayed"] = True
                return entry["answer"]
            answer = self.forward(body)
            if 200 <= answer.status < 300:
                entry["body"], entry["answer"] = body, answer
            return answer

    def forward(self, body):
        return forward(self.server.upstream, self.command, self.path, self.headers, body)


class Process:
    """Runs fault_server.py as a child process for a test:

        with Process(rules, upstream=url) as fs:
            ... fs.url ... fs.requests() ...
    """

    def __init__(self, rules, upstream=None, log_path=None):
        self.rules = rules
        self.upstream = upstream
        self.log_path = log_path
        self.proc = None
        self.port = None
        self._own_log = log_path is None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        if self.log_path is None:
            fd, self.log_path = __import__("tempfile").mkstemp(prefix="fault-", suffix=".jsonl")
            os.close(fd)
        argv = [sys.executable, os.path.abspath(__file__), "--rules", json.dumps(self.rules),
                "--log", self.log_path]
        if self.upstream:
            argv += ["--upstream", self.upstream]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError("fault_server did not start: %r" % line)
        self.port = int(line.split()[1])
        return self

    def requests(self):
        """The requests received so far, as dicts (see the log format)."""
        with open(self.log_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for(self, predicate, timeout=30.0, proc=None):
        """The first logged request for which predicate holds, waiting up to
        timeout seconds for it; RuntimeError if it does not come, or if proc
        (a Popen) exits first."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for req in self.requests():
                if predicate(req):
                    return req
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("the client exited (%s) before the request came"
                                   % proc.returncode)
            time.sleep(0.05)
        raise RuntimeError("no such request within %.0f s" % timeout)

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
        if self._own_log and self.log_path and os.path.exists(self.log_path):
            os.unlink(self.log_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rules", help="rules as a JSON string")
    ap.add_argument("--rules-file", help="rules in a JSON file")
    ap.add_argument("--upstream", help="URL that unmatched requests are forwarded to")
    ap.add_argument("--log", help="JSONL request log")
    args = ap.parse_args()
    spec = []
    if args.rules_file:
        with open(args.rules_file, encoding="utf-8") as f:
            spec = json.load(f)
    elif args.rules:
        spec = json.loads(args.rules)
    server = Server(args.port, Rules(spec), args.upstream, args.log)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
