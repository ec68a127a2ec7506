#!/usr/bin/python3
"""Write capture.pcapng for the office-router example: a day at the office in 18 frames.

Run from anywhere: /usr/bin/python3 examples/office-router/make-capture.py
"""
import os
import struct

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, ICMPv6ND_NS,
                       ICMPv6NDOptSrcLLAddr, IPv6, Raw)

HERE = os.path.dirname(os.path.realpath(__file__))
R = {"eth0": "02:00:00:00:10:01", "eth1": "02:00:00:00:10:02", "eth2": "02:00:00:00:10:03"}
PC, LAPTOP, WEB = "02:00:00:aa:00:14", "02:00:00:aa:00:15", "02:00:00:dd:00:0a"
ISP = "02:00:5e:00:01:01"


def lan(p, mac=PC):
    return "eth0", Ether(src=mac, dst=R["eth0"]) / p


def wan(p):
    return "eth1", Ether(src=ISP, dst=R["eth1"]) / p


def dmz(p):
    return "eth2", Ether(src=WEB, dst=R["eth2"]) / p


FRAMES = [
    ("eth0", Ether(src=PC, dst="ff:ff:ff:ff:ff:ff") / ARP(hwsrc=PC, psrc="192.168.10.20", pdst="192.168.10.1")),
    lan(IP(src="192.168.10.20", dst="93.184.216.34", id=1) / TCP(sport=50000, dport=443, flags="S", seq=1)),
    wan(IP(src="93.184.216.34", dst="192.168.10.20", id=2) / TCP(sport=443, dport=50000, flags="SA", seq=7, ack=2)),
    lan(IP(src="192.168.10.20", dst="192.0.2.53", id=3) / UDP(sport=40000, dport=53) / Raw(b"\x12\x34" + b"\0" * 10)),
    lan(IP(src="192.168.10.20", dst="192.0.2.25", id=4) / TCP(sport=50001, dport=25, flags="S", seq=1)),
    lan(IP(src="192.168.10.21", dst="192.168.10.1", id=5) / ICMP(id=1, seq=1) / Raw(b"ping" * 8), LAPTOP),
    lan(IP(src="192.168.10.21", dst="192.168.10.1", id=6) / TCP(sport=50002, dport=22, flags="S", seq=1), LAPTOP),
    wan(IP(src="198.18.7.7", dst="203.0.113.2", id=7) / TCP(sport=61000, dport=22, flags="S", seq=1)),
    wan(IP(src="198.18.7.7", dst="198.51.100.10", id=8) / TCP(sport=61001, dport=443, flags="S", seq=1)),
    wan(IP(src="198.18.7.7", dst="198.51.100.10", id=9) / TCP(sport=61002, dport=3306, flags="S", seq=1)),
    wan(IP(src="198.18.7.8", dst="203.0.113.2", id=10) / ICMP(id=9, seq=1)),
    wan(IP(src="198.18.7.8", dst="203.0.113.2", id=11) / ICMP(id=9, seq=2)),
    wan(IP(src="198.18.7.8", dst="203.0.113.2", id=12) / ICMP(id=9, seq=3)),
    wan(IP(src="198.18.7.8", dst="203.0.113.2", id=13) / ICMP(id=9, seq=4)),
    wan(IP(src="198.18.7.9", dst="203.0.113.2", id=14, ttl=1) / UDP(sport=44444, dport=33434)),
    dmz(IP(src="198.51.100.10", dst="192.0.2.53", id=15) / UDP(sport=41000, dport=53) / Raw(b"\x55\x66" + b"\0" * 10)),
    ("eth0", Ether(src=PC, dst="33:33:ff:00:00:01") / IPv6(src="fd10:0:0:10::20", dst="ff02::1:ff00:1", hlim=255) /
     ICMPv6ND_NS(tgt="fd10:0:0:10::1") / ICMPv6NDOptSrcLLAddr(lladdr=PC)),
    lan(IPv6(src="fd10:0:0:10::20", dst="2001:db8:aaaa::80") / TCP(sport=50003, dport=443, flags="S", seq=1)),
    lan(IPv6(src="fd10:0:0:10::20", dst="2001:db8:aaaa::25") / TCP(sport=50004, dport=25, flags="S", seq=1)),
    wan(IPv6(src="2001:db8:bad::1", dst="fd10:0:0:10::20") / TCP(sport=61003, dport=22, flags="S", seq=1)),
]


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    body = pad4(body)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def main():
    names = ["eth0", "eth1", "eth2"]
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    for n in names:
        out.append(block(1, struct.pack("<HHI", 1, 0, 0) + struct.pack("<HH", 2, len(n)) +
                         pad4(n.encode()) + struct.pack("<HH", 0, 0)))
    t0 = 1700000000 * 10**6
    for i, (n, pkt) in enumerate(FRAMES):
        data, us = bytes(pkt), t0 + i * 200000          # 200 ms apart
        out.append(block(6, struct.pack("<IIIII", names.index(n), us >> 32, us & 0xFFFFFFFF,
                                        len(data), len(data)) + data))
    with open(os.path.join(HERE, "capture.pcapng"), "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()
