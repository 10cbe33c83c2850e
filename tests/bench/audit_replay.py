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
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
import fault_server  # noqa: E402


class Server(fault_server.Server):
    """The fault server's server with no rules: the cache in front of the
    upstream, and with a delay, the log of the requests answered."""

    def __init__(self, upstream, delay=0.0, cache=None, lock=None):
        super().__init__(0, fault_server.Rules([]), upstream, handler=Handler)
        self.cache = {} if cache is None else cache
        self.lock = lock or threading.Lock()
        self.delay = delay
        self.log = []  # with a delay: the requests answered


class Handler(fault_server.Handler):
    """Answers from the cache, the upstream the first time."""

    def do_any(self):
        body = self.read_body()
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
        self.send(hit)

    # The parent's names are bound to its own do_any.
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

    def requests_log(self):
        with self.server.lock:
            data = json.dumps(self.server.log).encode()
            if self.command == "DELETE":
                self.server.log.clear()
        self.send(fault_server.Answer(200, [("Content-Type", "application/json")], data))


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
