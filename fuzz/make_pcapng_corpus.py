#!/usr/bin/python3
"""Write the seed corpus of fuzz_pcapng: small pcapng files in every shape the reader takes.

Little- and big-endian sections, two sections, if_tsresol (ns, 2^-20) and if_tsoffset,
Enhanced/Simple/obsolete Packet Blocks, an unknown block, and a few broken files.
Run from anywhere: /usr/bin/python3 fuzz/make_pcapng_corpus.py  (writes fuzz/corpus/pcapng/).
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.realpath(__file__)), "corpus", "pcapng")
FRAME = bytes.fromhex("ffffffffffff020100000a0a08060001080006040001020100000a0a0a56010a"
                      "0000000000000a560101")  # an ARP who-has, 42 bytes


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def block(e, btype, body):
    body = pad(body)
    n = len(body) + 12
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def opt(e, code, val):
    return struct.pack(e + "HH", code, len(val)) + pad(val)


def idb(e, name, extra=b""):
    opts = opt(e, 2, name.encode()) + extra + struct.pack(e + "HH", 0, 0)
    return block(e, 1, struct.pack(e + "HHI", 1, 0, 0) + opts)


def epb(e, ifid, ticks, data):
    return block(e, 6, struct.pack(e + "IIIII", ifid, ticks >> 32, ticks & 0xFFFFFFFF,
                                   len(data), len(data)) + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    us = 1700000000 * 10**6
    files = {
        "le-two-ifaces": shb("<") + idb("<", "eth0") + idb("<", "eth1") +
        epb("<", 0, us, FRAME) + epb("<", 1, us + 10000, FRAME),
        "be": shb(">") + idb(">", "eth0") + epb(">", 0, us, FRAME),
        "tsresol-ns": shb("<") + idb("<", "eth0", opt("<", 9, b"\x09")) +
        epb("<", 0, us * 1000 + 5, FRAME),
        "tsresol-pow2-offset": shb("<") + idb("<", "eth2", opt("<", 9, b"\x94") +
                                              opt("<", 14, struct.pack("<q", 1700000000))) +
        epb("<", 0, 1 << 20, FRAME),
        "spb": shb("<") + idb("<", "eth0") + block("<", 3, struct.pack("<I", len(FRAME)) + FRAME),
        "obsolete-pb": shb("<") + idb("<", "eth0") +
        block("<", 2, struct.pack("<HHIIII", 0, 0, us >> 32, us & 0xFFFFFFFF,
                                  len(FRAME), len(FRAME)) + FRAME),
        "unknown-block-two-sections": shb("<") + idb("<", "eth0") + block("<", 0x0BAD, b"xyz") +
        epb("<", 0, us, FRAME) + shb(">") + idb(">", "eth1") + epb(">", 0, us, FRAME),
        "noname-iface": shb("<") + block("<", 1, struct.pack("<HHI", 1, 0, 0)) + epb("<", 0, us, FRAME),
        "bad-trailing-length": shb("<") + idb("<", "eth0") + epb("<", 0, us, FRAME)[:-4] + b"\0\0\0\0",
        "bad-iface-id": shb("<") + idb("<", "eth0") + epb("<", 5, us, FRAME),
        "bad-caplen": shb("<") + idb("<", "eth0") +
        block("<", 6, struct.pack("<IIIII", 0, 0, 0, 4000, 4000) + FRAME),
        "truncated": (shb("<") + idb("<", "eth0") + epb("<", 0, us, FRAME))[:-7],
    }
    for name, data in files.items():
        with open(os.path.join(OUT, name + ".pcapng"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
