#!/usr/bin/env python3
"""A small local HTTP server that misbehaves on purpose, for vpcflow's tests.

It listens on 127.0.0.1 and answers each request by a list of rules, so a test
can script what a client sees: throttling errors, 5xx, resets, stalls,
truncated bodies, pages. Requests no rule claims are forwarded to an upstream
(moto) when one is given. Every request is written to a JSONL log, so tests can
count attempts and look at what was sent.

    fault_server.py [--port N] [--rules JSON | --rules-file PATH]
                    [--upstream URL] [--log PATH]

The first line on stdout is "PORT <n>" once the server is listening (port 0,
the default, picks a free port).

Rules are a JSON list, or an object {"rules": [...], "default": RULE}. A request
takes the first rule that has uses left and whose "match" fits; each rule is
used "times" times (default 1; -1 means forever). So a plain list is a script
answered in order. When no rule fits: the upstream if there is one, else the
"default" rule (a 404 unless given).

A rule's "kind" (default "respond"):
  respond   "status" (200), "headers" ({}), "body" (a string) or "json" (any
            JSON value, sent compact), "delay" (seconds to wait first, 0)
  reset     read the request, then drop the connection with a TCP RST
  stall     wait "seconds" (default 30), then answer like respond
  truncate  answer like respond, but announce "missing" (default 100) more
            bytes than the body has, send the body and close the connection
  proxy     forward to the upstream, after "delay" seconds (0): a rule
            {"kind": "proxy", "delay": 0.05, "times": -1} adds latency

"match" (all keys optional, all must hold): "method"; "path" (a prefix of the
path with its query); "action" (the query protocol's Action, from the body or
the query string); "target" (X-Amz-Target, whole or the part after the dot);
"body_contains"; "header_contains" ([NAME, TEXT]: header NAME, any case, holds
TEXT; e.g. ["Authorization", "/eu-west-1/"] picks a region).

Each log line: seq, method, path, headers, body (text), action, target, peer
(the client's address and port: one per connection), rule (the rule's index,
"upstream" or "default").

Other scripts can import this file and use Process to run it.
"""

import argparse
import http.client
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length"}


def request_action(path, body):
    """The query protocol's Action, from a form body or the query string."""
    for text in (body.decode("utf-8", "replace"), urllib.parse.urlsplit(path).query):
        values = urllib.parse.parse_qs(text).get("Action")
        if values:
            return values[0]
    return ""


class Rules:
    """The rule list with its use counts; thread-safe."""

    def __init__(self, spec):
        if isinstance(spec, dict):
            rules, default = spec.get("rules", []), spec.get("default")
        else:
            rules, default = spec, None
        self.rules = [dict(r) for r in rules]
        self.left = [r.get("times", 1) for r in self.rules]
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
                and (not m.get("body_contains") or m["body_contains"] in req["body"])
                and (not m.get("header_contains") or Rules.header_has(req, *m["header_contains"])))

    @staticmethod
    def header_has(req, name, text):
        return any(k.lower() == name.lower() and text in v for k, v in req["headers"].items())

    def pick(self, req):
        """Returns (label, rule) for a request, using up one use of the rule."""
        with self.lock:
            for i, rule in enumerate(self.rules):
                if self.left[i] != 0 and self.matches(rule, req):
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

    def __init__(self, port, rules, upstream=None, log_path=None):
        super().__init__(("127.0.0.1", port), Handler)
        self.rules = rules
        self.upstream = upstream
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None
        self.log_lock = threading.Lock()
        self.seq = 0

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

    def do_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = {
            "method": self.command,
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": body.decode("utf-8", "replace"),
            "action": request_action(self.path, body),
            "target": self.headers.get("X-Amz-Target", ""),
            "peer": "%s:%d" % self.client_address[:2],
        }
        label, rule = self.server.rules.pick(req)
        if rule is None:
            label, rule = ("upstream", {"kind": "proxy"}) if self.server.upstream else \
                ("default", self.server.rules.default)
        req["rule"] = label
        self.server.record(req)
        kind = rule.get("kind", "respond")
        try:
            if kind == "reset":
                self.reset()
            elif kind == "proxy":
                time.sleep(rule.get("delay", 0))
                self.forward(body)
            elif kind == "stall":
                time.sleep(rule.get("seconds", 30))
                self.respond(rule)
            elif kind == "truncate":
                self.respond(rule, missing=rule.get("missing", 100))
            else:
                time.sleep(rule.get("delay", 0))
                self.respond(rule)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

    def respond(self, rule, missing=0):
        if "json" in rule:
            data = json.dumps(rule["json"], separators=(",", ":")).encode()
        else:
            data = rule.get("body", "").encode()
        self.send_response(rule.get("status", 200))
        headers = {k.lower(): (k, v) for k, v in (rule.get("headers") or {}).items()}
        for name, value in headers.values():
            self.send_header(name, str(value))
        if "content-type" not in headers and data:
            self.send_header("Content-Type", "application/json" if "json" in rule else "text/xml")
        self.send_header("Content-Length", str(len(data) + missing))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()
        if missing:
            self.close_connection = True

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def forward(self, body):
        up = urllib.parse.urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)
        try:
            # Host goes through unchanged: the client signed it.
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


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
