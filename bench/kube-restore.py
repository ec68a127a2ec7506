#!/usr/bin/python3
"""bench/kube-restore.py OUT [SERVICES]: a kube-proxy (iptables mode) style nat table
for `usnf sim` load timing: per service one KUBE-SERVICES rule, a KUBE-SVC chain of 9
statistic-balanced jumps and 9 KUBE-SEP chains with a DNAT each (SERVICES=5000 gives
95,001 rules in 50,006 chains)."""
import sys

out, services = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5000
lines = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
         ":POSTROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]"]
rules = ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES']
for s in range(services):
    svc = f"KUBE-SVC-{s:012X}"
    lines.append(f":{svc} - [0:0]")
    rules.append(f"-A KUBE-SERVICES -d 10.{(s >> 8) & 255}.{s & 255}.1/32 -p tcp -m comment "
                 f'--comment "ns/svc{s}:http cluster IP" -m tcp --dport 80 -j {svc}')
    for e in range(9):
        sep = f"KUBE-SEP-{s:08X}{e:04X}"
        lines.append(f":{sep} - [0:0]")
        prob = f" -m statistic --mode random --probability 0.{e + 1:05d}" if e < 8 else ""
        rules.append(f'-A {svc} -m comment --comment "ns/svc{s}:http"{prob} -j {sep}')
        rules.append(f'-A {sep} -p tcp -m comment --comment "ns/svc{s}:http" -m tcp '
                     f"-j DNAT --to-destination 10.244.{e}.{s % 250}:8080")
with open(out, "w") as f:
    f.write("\n".join(lines + rules + ["COMMIT"]) + "\n")
print(f"{len(rules)} rules")
