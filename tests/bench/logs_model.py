"""An independent model of what `vpcflow logs` shows, for the tests and the
benchmark: sample records, the --where filter, and the --summary analysis,
written from the documented behaviour in plain Python."""

import ipaddress
import random

DEFAULT_FIELDS = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                  "packets bytes start end action log-status").split()
PROTO_NAMES = {1: "ICMP", 6: "TCP", 17: "UDP", 47: "GRE", 50: "ESP", 58: "ICMPv6"}


def addr_key(text):
    a = ipaddress.ip_address(text)
    if a.version == 4:
        return b"\0" * 10 + b"\xff\xff" + a.packed
    return a.packed


def make_records(n, t0, span, seed=1, account="123456789012", eni="eni-0a1b2c3d4e5f60718",
                 extra=None):
    """n record dicts (field -> text) with start times in [t0, t0 + span),
    sorted by start; includes NODATA records and network-ACL-like pairs."""
    rnd = random.Random(seed)
    hosts = ["10.0.%d.%d" % (rnd.randrange(4), rnd.randrange(1, 30)) for _ in range(12)]
    outside = ["203.0.113.%d" % i for i in range(1, 8)] + ["2001:db8::%x" % i for i in (1, 2)]
    recs = []
    while len(recs) < n:
        start = t0 + rnd.randrange(span)
        base = {"version": "2", "account-id": account, "interface-id": eni,
                "start": str(start), "end": str(start + 60)}
        kind = rnd.random()
        if kind < 0.04:
            r = dict(base, **{f: "-" for f in ("srcaddr", "dstaddr", "srcport", "dstport",
                                               "protocol", "packets", "bytes", "action")})
            r["log-status"] = "NODATA"
            recs.append(r)
            continue
        v6 = kind > 0.93
        src = rnd.choice(outside if v6 else hosts + outside[:3])
        dst = rnd.choice(outside[7:] if v6 else hosts)
        proto = rnd.choice([6, 6, 6, 17, 1])
        sport = 0 if proto == 1 else rnd.choice([443, 22, 51000 + rnd.randrange(20)])
        dport = 0 if proto == 1 else rnd.choice([443, 22, 53, 3389, 8080])
        action = "REJECT" if rnd.random() < 0.3 else "ACCEPT"
        packets = rnd.randrange(1, 50)
        r = dict(base, srcaddr=src, dstaddr=dst, srcport=str(sport), dstport=str(dport),
                 protocol=str(proto), packets=str(packets), bytes=str(packets * rnd.randrange(40, 1500)),
                 action=action)
        r["log-status"] = "OK"
        recs.append(r)
        if kind < 0.15 and action == "ACCEPT" and proto != 1:
            # The return of an accepted request, rejected: a network ACL.
            ret = dict(r, srcaddr=dst, dstaddr=src, srcport=str(dport), dstport=str(sport),
                       action="REJECT", packets="1", bytes="40")
            recs.append(ret)
    for r in recs:
        r.update(extra or {})
    recs.sort(key=lambda r: int(r["start"]))
    return recs[:n]


def line(rec, fields=DEFAULT_FIELDS):
    return " ".join(rec.get(f, "-") for f in fields)


def record_time_ms(rec, event_ms=None):
    if event_ms:
        return event_ms
    return int(rec["start"]) * 1000 if rec["start"] != "-" else 0


def in_range(rec, since_ms=None, until_ms=None, event_ms=None):
    t = record_time_ms(rec, event_ms)
    if t and since_ms is not None and t < since_ms:
        return False
    if t and until_ms is not None and t > until_ms:
        return False
    return True


def summary(recs, top=10):
    """The --summary analysis of recs (already filtered), as vpcflow's JSON."""
    out = {"records": len(recs), "nodata": 0, "skipdata": 0,
           "accepted": {"records": 0, "packets": 0, "bytes": 0},
           "rejected": {"records": 0, "packets": 0, "bytes": 0}}
    talkers, rejsrc, ports, convs = {}, {}, {}, {}
    for r in recs:
        if r["log-status"] == "NODATA":
            out["nodata"] += 1
            continue
        if r["log-status"] == "SKIPDATA":
            out["skipdata"] += 1
            continue
        acc, rej = r["action"] == "ACCEPT", r["action"] == "REJECT"
        p, b = int(r["packets"]), int(r["bytes"])
        if acc or rej:
            c = out["accepted" if acc else "rejected"]
            c["records"] += 1
            c["packets"] += p
            c["bytes"] += b
        t = talkers.setdefault((r["srcaddr"], r["dstaddr"]), [0, 0, 0])
        t[0] += 1
        t[1] += p
        t[2] += b
        if rej:
            t = rejsrc.setdefault(r["srcaddr"], [0, 0, 0])
            t[0] += 1
            t[1] += p
            t[2] += b
        proto, sport, dport = int(r["protocol"]), int(r["srcport"]), int(r["dstport"])
        t = ports.setdefault((proto, dport), [0, 0, 0])
        t[0] += 1
        t[1] += p
        t[2] += b
        if acc or rej:
            a, pa, bb, pb = r["srcaddr"], sport, r["dstaddr"], dport
            ka, kb = addr_key(a), addr_key(bb)
            swapped = (ka, pa) > (kb, pb)
            if swapped:
                a, pa, bb, pb = bb, pb, a, pa
            c = convs.setdefault((a, pa, bb, pb, proto), [0, 0, 0, 0])
            c[(2 if swapped else 0) + (1 if rej else 0)] += 1
    out["topTalkers"] = [
        {"srcaddr": s, "dstaddr": d, "bytes": v[2], "packets": v[1], "records": v[0]}
        for (s, d), v in sorted(talkers.items(),
                                key=lambda kv: (-kv[1][2], addr_key(kv[0][0]), addr_key(kv[0][1])))
    ][:top]
    out["topRejectedSources"] = [
        {"srcaddr": s, "records": v[0], "packets": v[1], "bytes": v[2]}
        for s, v in sorted(rejsrc.items(), key=lambda kv: (-kv[1][0], addr_key(kv[0])))
    ][:top]
    out["topDestinationPorts"] = [
        {"protocol": pr, "protocolName": PROTO_NAMES.get(pr), "dstport": dp, "records": v[0],
         "packets": v[1], "bytes": v[2]}
        for (pr, dp), v in sorted(ports.items(), key=lambda kv: (-kv[1][0], kv[0][1], kv[0][0]))
    ][:top]
    acl, acl_n, sg_n = [], 0, 0
    for (a, pa, bb, pb, proto), (acc_ab, rej_ab, acc_ba, rej_ba) in convs.items():
        ab, ba = acc_ab and rej_ba, acc_ba and rej_ab
        if not ab and not ba:
            sg_n += rej_ab + rej_ba
            continue
        fwd = ab and (not ba or rej_ba >= rej_ab)
        if fwd:
            acl_n += rej_ba
            sg_n += rej_ab
            acl.append((a, pa, bb, pb, proto, acc_ab, rej_ba))
        else:
            acl_n += rej_ab
            sg_n += rej_ba
            acl.append((bb, pb, a, pa, proto, acc_ba, rej_ab))
    acl.sort(key=lambda x: (-x[6], addr_key(x[0]), addr_key(x[2]), x[1], x[3], x[4]))
    out["rejections"] = {
        "networkAclLike": acl_n, "securityGroupLike": sg_n,
        "conversations": [
            {"srcaddr": s, "srcport": sp, "dstaddr": d, "dstport": dp, "protocol": pr,
             "protocolName": PROTO_NAMES.get(pr), "accepted": ac, "returnRejected": rj}
            for s, sp, d, dp, pr, ac, rj in acl[:top]]}
    return out


def normalize_addr(text):
    return str(ipaddress.ip_address(text))
