#!/usr/bin/python3
"""Turn a ClassBench filter set and trace into a usnf bench setup file and capture.

usage: bench/classbench.py FILTERS TRACE OUTDIR [--max-headers N]
  FILTERS  e.g. ../shared/classbench/acl1_1k (plain text; xz-compressed files are read too)
  TRACE    e.g. ../shared/classbench/acl1_1k_trace_uniform.xz
writes OUTDIR/setup.sh (router + `iptables-restore` of the filters as FORWARD rules, each
-j ACCEPT, policy DROP) and OUTDIR/trace.pcapng (one frame per header, on eth0), then:
  build/usnf bench forward -f OUTDIR/setup.sh -i OUTDIR/trace.pcapng -c 1000000

Mapping (see ../shared/classbench/README.md): -s/-d prefixes (host bits masked),
-p when the protocol is exact, --sport/--dport lo:hi (tcp/udp only); a wildcard
protocol with port ranges becomes one tcp and one udp rule; the flags field is
ignored, as in the usual 5-tuple work.  A header's first match is then the first
matching rule, and the packet is forwarded: the per-packet cost is the linear scan
up to that rule.  Frames whose protocol is not TCP/UDP carry 8 bytes of payload.
"""
import ipaddress
import lzma
import os
import struct
import sys

SETUP_HEAD = """\
sysctl -w net.ipv4.ip_forward=1
ip link set eth0 address 02:00:00:00:00:01 up
ip link set eth1 address 02:00:00:00:01:01 up
ip addr add 10.255.0.1/30 dev eth0
ip addr add 10.255.1.1/30 dev eth1
ip neigh add 10.255.1.2 lladdr 02:00:00:00:01:02 dev eth1
ip route add default via 10.255.1.2
"""


def opener(path):
    return lzma.open(path, "rt") if path.endswith(".xz") else open(path)


def prefix(s):
    net = ipaddress.ip_network(s, strict=False)
    return None if net.prefixlen == 0 else str(net)


def ports(s):
    lo, hi = (int(x) for x in s.split(":"))
    if lo == 0 and hi == 65535:
        return None
    return str(lo) if lo == hi else f"{lo}:{hi}"


def rules(path):
    with opener(path) as f:
        for line in f:
            fld = line.strip().lstrip("@").split("\t")
            if len(fld) < 5:
                continue
            src, dst, sp, dp = prefix(fld[0]), prefix(fld[1]), ports(fld[2]), ports(fld[3])
            val, mask = (int(x, 16) for x in fld[4].split("/"))
            base = []
            if src:
                base += ["-s", src]
            if dst:
                base += ["-d", dst]
            if mask == 0:
                protos = ["tcp", "udp"] if (sp or dp) else [None]
            else:
                protos = [{6: "tcp", 17: "udp", 1: "icmp"}.get(val, str(val))]
            for p in protos:
                r = list(base)
                if p:
                    r += ["-p", p]
                if p in ("tcp", "udp"):
                    if sp or dp:
                        r += ["-m", p]
                    if sp:
                        r += ["--sport", sp]
                    if dp:
                        r += ["--dport", dp]
                yield "-A FORWARD " + " ".join(r) + " -j ACCEPT"


def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(src, dst, sp, dport, proto):
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sp, dport, 1, 1, 5 << 4, 0x10, 65535, 0, 0) + b"x" * 6
    elif proto == 17:
        l4 = struct.pack("!HHHH", sp, dport, 8 + 18, 0) + b"x" * 18
    else:
        l4 = b"\0" * 8
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    if proto in (6, 17):
        pseudo = struct.pack("!IIBBH", src, dst, 0, proto, len(l4))
        c = csum(pseudo + l4) or (0xFFFF if proto == 17 else 0)
        at = 16 if proto == 6 else 6
        l4 = l4[:at] + struct.pack("!H", c) + l4[at + 2:]
    eth = bytes.fromhex("020000000001" "020000000002" "0800")
    return eth + ip + l4


def block(btype, body):
    pad = (-len(body)) % 4
    n = 12 + len(body) + pad
    return struct.pack("<II", btype, n) + body + b"\0" * pad + struct.pack("<I", n)


def pcapng(path, frames):
    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        name = b"eth0"
        opt = struct.pack("<HH", 2, len(name)) + name + b"\0" * ((-len(name)) % 4)
        f.write(block(1, struct.pack("<HHI", 1, 0, 0) + opt + struct.pack("<HH", 0, 0)))
        ts = 1700000000 * 1000000
        for fr in frames:
            pad = fr + b"\0" * ((-len(fr)) % 4)
            f.write(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                         len(fr), len(fr)) + pad))
            ts += 1


def main():
    args = sys.argv[1:]
    maxh = None
    if "--max-headers" in args:
        i = args.index("--max-headers")
        maxh = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    filters, trace, out = args
    os.makedirs(out, exist_ok=True)
    rl = list(rules(filters))
    with open(os.path.join(out, "setup.sh"), "w") as f:
        f.write(SETUP_HEAD)
        f.write("iptables-restore <<EOF\n*filter\n:INPUT ACCEPT [0:0]\n"
                ":FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n")
        f.write("\n".join(rl) + "\nCOMMIT\nEOF\n")
    frames = []
    with opener(trace) as f:
        for line in f:
            fld = line.split()
            if len(fld) < 5:
                continue
            frames.append(frame(int(fld[0]), int(fld[1]), int(fld[2]), int(fld[3]),
                                int(fld[4]) & 0xFF))
            if maxh and len(frames) >= maxh:
                break
    pcapng(os.path.join(out, "trace.pcapng"), frames)
    print(f"{len(rl)} rules, {len(frames)} frames in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
