#!/usr/bin/env python3
"""A caching proxy for read-only benchmarks: the first answer to each request
comes from the upstream (moto), later identical requests are answered from
memory. moto works out every answer in Python, one request at a time, which
at hundreds of VPCs costs more than the network latency a benchmark wants to
measure; replayed answers take the emulator's own time out and leave only
what the client does (how many requests, in what order, at once or not).

Two requests are the same when method, path, X-Amz-Target, body and the
region and service of their signature agree (dates and signatures differ).
Only for state that does not change while the benchmark runs.

With --delay-ms, a second port shares the cache and answers each request
that many milliseconds late: the network latency the benchmark adds, in the
same process rather than in a proxy in front (one Python hop, not two, on a
machine whose cores the client needs too). It keeps a log of the requests it
answered, read with GET /__requests (and emptied with DELETE /__requests).

    audit_replay.py --upstream URL [--delay-ms N]
        prints "PORT <n>" (no delay) and, with --delay-ms, "DELAYED <n>"
"""

import argparse
import http.server
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
import fault_server  # noqa: E402


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops SYNs of concurrent clients

    def __init__(self, upstream, delay=0.0, cache=None, lock=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.upstream = upstream
        self.cache = {} if cache is None else cache
        self.lock = lock or threading.Lock()
        self.delay = delay
        self.log = []  # with a delay: the requests answered


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def do_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__requests":
            return self.requests_log()
        if self.server.delay:
            time.sleep(self.server.delay)
            with self.server.lock:
                self.server.log.append({
                    "method": self.command, "path": self.path,
                    "action": fault_server.request_action(self.path, body),
                    "target": self.headers.get("X-Amz-Target", ""),
                    "headers": {"Authorization": self.headers.get("Authorization", "")}})
        scope = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/",
                          self.headers.get("Authorization", ""))
        key = (self.command, self.path, self.headers.get("X-Amz-Target", ""), body,
               scope.groups() if scope else None)
        with self.server.lock:
            hit = self.server.cache.get(key)
        if hit is None:
            hit = fault_server.forward(self.server.upstream, self.command, self.path,
                                       self.headers, body, timeout=300)
            with self.server.lock:
                self.server.cache[key] = hit
        self.send_response(hit.status)
        for name, value in hit.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(hit.data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(hit.data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_any

    def requests_log(self):
        with self.server.lock:
            data = json.dumps(self.server.log).encode()
            if self.command == "DELETE":
                self.server.log.clear()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--delay-ms", type=float, default=0)
    args = ap.parse_args()
    server = Server(args.upstream)
    print("PORT %d" % server.server_address[1], flush=True)
    delayed = None
    if args.delay_ms:
        delayed = Server(args.upstream, args.delay_ms / 1000.0, server.cache, server.lock)
        threading.Thread(target=delayed.serve_forever, daemon=True).start()
        print("DELAYED %d" % delayed.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if delayed:
            delayed.server_close()


if __name__ == "__main__":
    sys.exit(main())
