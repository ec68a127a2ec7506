#!/usr/bin/python3
"""Write the seed corpora of fuzz_frame and fuzz_pktparse: small valid and broken frames.

The addresses match the router built by fuzz/fuzz_frame.c (eth0 02:00:00:00:00:01,
10.0.0.1/24, 2001:db8:0::1/64; eth1 10.0.1.1/24, 2001:db8:1::1/64).
Run from anywhere: python3 fuzz/make_frame_corpus.py  (writes fuzz/corpus/frame/ and
fuzz/corpus/pktparse/, the same frames).
"""
import os
import sys

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest,
                       ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPOption_RR, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Raw, AH)

R0 = "02:00:00:00:00:01"
H0 = "02:00:00:00:00:02"
BC = "ff:ff:ff:ff:ff:ff"


def eth(dst=R0):
    return Ether(dst=dst, src=H0)


def frames():
    e = eth()
    v4 = IP(src="10.0.0.2", dst="192.168.1.1", ttl=64)
    v6 = IPv6(src="2001:db8::2", dst="2001:db8:1::2", hlim=64)
    yield "udp4", e / v4 / UDP(sport=1234, dport=53) / Raw(b"q" * 12)
    yield "udp4_discard", e / v4 / UDP(sport=1234, dport=9) / Raw(b"x")
    yield "tcp4_syn", e / v4 / TCP(sport=40000, dport=80, flags="S", seq=1)
    yield "tcp4_ssh", e / v4 / TCP(sport=40001, dport=22, flags="S")
    yield "tcp4_ack", e / v4 / TCP(sport=40000, dport=80, flags="A", seq=2, ack=5)
    yield "icmp4_echo_local", e / IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(id=7, seq=1)
    yield "icmp4_echo_fwd", e / v4 / ICMP(id=8, seq=1) / Raw(b"ping")
    yield "udp4_local_closed", e / IP(src="10.0.0.2", dst="10.0.0.1") / UDP(dport=7777)
    yield "tcp4_local_closed", e / IP(src="10.0.0.2", dst="10.0.0.1") / TCP(dport=23, flags="S")
    yield "ttl1", e / IP(src="10.0.0.2", dst="192.168.1.1", ttl=1) / UDP(dport=33434)
    yield "no_route", e / IP(src="10.0.0.2", dst="172.16.0.1") / UDP(dport=1)
    yield "ip_options", e / IP(src="10.0.0.2", dst="192.168.1.1",
                               options=[IPOption_RR(routers=["0.0.0.0"] * 2)]) / UDP(dport=53)
    yield "frag4_first", e / IP(src="10.0.0.2", dst="192.168.1.1", id=99, flags="MF") \
        / UDP(sport=1, dport=2, len=40) / Raw(b"a" * 16)
    yield "frag4_second", e / IP(src="10.0.0.2", dst="192.168.1.1", id=99, frag=3,
                                 proto=17) / Raw(b"b" * 16)
    yield "df_big", e / IP(src="10.0.0.2", dst="192.168.1.1", flags="DF") / UDP() \
        / Raw(b"z" * 1500)
    yield "arp_req", eth(BC) / ARP(op=1, hwsrc=H0, psrc="10.0.0.2", pdst="10.0.0.1")
    yield "arp_reply", eth() / ARP(op=2, hwsrc=H0, psrc="10.0.0.2", hwdst=R0, pdst="10.0.0.1")
    yield "bcast_udp", eth(BC) / IP(src="10.0.0.2", dst="10.0.0.255") / UDP(dport=67)
    yield "otherhost", eth("02:00:00:00:00:99") / v4 / UDP(dport=53)
    yield "vlan_prio", Ether(dst=R0, src=H0) / Dot1Q(vlan=0, prio=5) / v4 / UDP(dport=53)
    yield "vlan5", Ether(dst=R0, src=H0) / Dot1Q(vlan=5) / v4 / UDP(dport=53)
    yield "qinq", Ether(dst=R0, src=H0) / Dot1AD(vlan=0) / Dot1Q(vlan=0) / v4 / UDP(dport=53)
    yield "udp6", e / v6 / UDP(sport=1234, dport=53) / Raw(b"q" * 12)
    yield "tcp6_ssh", e / v6 / TCP(sport=40001, dport=22, flags="S")
    yield "icmp6_echo_local", e / IPv6(src="2001:db8::2", dst="2001:db8::1") \
        / ICMPv6EchoRequest(id=1, seq=1)
    yield "ns", Ether(dst="33:33:ff:00:00:01", src=H0) / IPv6(src="2001:db8::2",
                                                                dst="ff02::1:ff00:1", hlim=255) \
        / ICMPv6ND_NS(tgt="2001:db8::1") / ICMPv6NDOptSrcLLAddr(lladdr=H0)
    yield "hlim1", e / IPv6(src="2001:db8::2", dst="2001:db8:1::2", hlim=1) / UDP(dport=33434)
    yield "ext6_chain", e / v6 / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() \
        / IPv6ExtHdrRouting(segleft=0) / UDP(dport=53)
    yield "ext6_ah", e / v6 / AH(nh=17, payloadlen=4, icv=b"\0" * 12) / UDP(dport=53)
    yield "frag6_first", e / v6 / IPv6ExtHdrFragment(id=5, m=1, offset=0, nh=17) \
        / UDP(sport=1, dport=2, len=40) / Raw(b"a" * 16)
    yield "frag6_second", e / v6 / IPv6ExtHdrFragment(id=5, m=0, offset=3, nh=17) \
        / Raw(b"b" * 16)
    yield "frag6_atomic", e / v6 / IPv6ExtHdrFragment(id=6, m=0, offset=0) / UDP(dport=53)


def broken(valid):
    """Damaged variants: truncations, bad lengths and checksums, odd versions."""
    b = bytes(valid["udp4"])
    yield "runt", b[:10]
    yield "eth_only", b[:14]
    yield "ip_truncated", b[:14 + 12]
    yield "ihl_short", b[:14] + bytes([0x44]) + b[15:]
    yield "ihl_long", b[:14] + bytes([0x4f]) + b[15:]
    yield "bad_version", b[:14] + bytes([0x65]) + b[15:]
    yield "tot_len_big", b[:16] + b"\xff\xff" + b[18:]
    yield "tot_len_small", b[:16] + b"\x00\x10" + b[18:]
    yield "ip_csum_bad", b[:24] + b"\x00\x00" + b[26:]
    yield "udp_len_bad", b[:38] + b"\x00\x04" + b[40:]
    yield "udp_csum_bad", b[:40] + b"\x12\x34" + b[42:]
    yield "padded", b + b"\0" * 30
    t = bytes(valid["tcp4_syn"])
    yield "tcp_doff_bad", t[:46] + b"\xf0" + t[47:]
    yield "tcp_flags_synfin", t[:47] + b"\x03" + t[48:]
    v6 = bytes(valid["ext6_chain"])
    yield "ext6_truncated", v6[:14 + 40 + 5]
    yield "ip6_plen_big", v6[:18] + b"\xff\xff" + v6[20:]
    yield "ext6_none", v6[:20] + b"\x3b" + v6[21:]
    h = bytes(valid["ext6_chain"])
    yield "ext6_hbh_len_huge", h[:55] + b"\xff" + h[56:]
    yield "vlan_truncated", bytes(valid["vlan_prio"])[:16]
    yield "arp_truncated", bytes(valid["arp_req"])[:20]


def main():
    valid = {}
    for name, pkt in frames():
        valid[name] = pkt
    for target in ("frame", "pktparse"):
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", target)
        os.makedirs(out, exist_ok=True)
        n = 0
        for name, pkt in list(valid.items()) + list(broken(valid)):
            with open(os.path.join(out, name), "wb") as f:
                f.write(bytes(pkt))
            n += 1
        print(f"{n} frames in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
