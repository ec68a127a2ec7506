# x-ext6: ip6tables extensions (frag hbh dst rt mh ipv6header srh eui64 hl ah esp mac pkttype
# addrtype tcpmss rpfilter HL DNPT) and iptables rpfilter; input from ../make-ext6-scenario.
# No IPv6 conntrack user, so IPv6 fragments are matched one by one (no nf_defrag_ipv6).
ip link set eth0 address 02:00:00:66:00:01
ip link set eth1 address 02:00:00:66:00:02
ip link set eth2 address 02:00:00:66:00:03
ip addr add 10.137.6.1/24 dev eth0
ip -6 addr add fe80::1/64 dev eth0
ip -6 addr add fd66:e6:1::1/64 dev eth0
ip addr add 198.51.100.1/24 dev eth1
ip -6 addr add fe80::2/64 dev eth1
ip -6 addr add 2001:db8:e6::1/64 dev eth1
ip addr add 192.0.2.1/24 dev eth2
ip -6 addr add fe80::3/64 dev eth2
ip -6 addr add 2001:db8:e6:2::1/64 dev eth2
ip route add default via 198.51.100.254 dev eth1
ip -6 route add default via 2001:db8:e6::fe dev eth1
ip route add 10.200.0.0/16 via 192.0.2.254 dev eth2
ip -6 route add 2001:db8:e6:200::/56 via 2001:db8:e6:2::fe dev eth2
ip route add unreachable 10.250.0.0/16
ip -6 route add unreachable 2001:db8:e6:250::/64
ip neigh add 198.51.100.254 lladdr 02:01:66:00:01:fe dev eth1 nud permanent
ip -6 neigh add 2001:db8:e6::fe lladdr 02:01:66:00:01:fe dev eth1 nud permanent
ip neigh add 192.0.2.254 lladdr 02:01:66:00:02:fe dev eth2 nud permanent
ip -6 neigh add 2001:db8:e6:2::fe lladdr 02:01:66:00:02:fe dev eth2 nud permanent
ip neigh add 10.137.6.10 lladdr 02:01:66:00:00:0a dev eth0 nud permanent
ip -6 neigh add fd66:e6:1::a lladdr 02:01:66:00:00:0a dev eth0 nud permanent
ip -6 neigh add fe80::a lladdr 02:01:66:00:00:0a dev eth0 nud permanent
ip -6 neigh add fd66:e6:1::1:66ff:fe00:b lladdr 02:01:66:00:00:0b dev eth0 nud permanent
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv6.conf.all.forwarding=1

iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter
iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter --loose
iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter --validmark
iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter --accept-local
iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter --invert
iptables -t raw -A PREROUTING -p udp --dport 7300 -m rpfilter --loose --accept-local --invert

ip6tables -t raw -A PREROUTING -m rpfilter
ip6tables -t raw -A PREROUTING -m rpfilter --loose
ip6tables -t raw -A PREROUTING -m rpfilter --validmark
ip6tables -t raw -A PREROUTING -m rpfilter --accept-local
ip6tables -t raw -A PREROUTING -m rpfilter --invert
ip6tables -t raw -A PREROUTING -m rpfilter --loose --accept-local --invert
ip6tables -t raw -A PREROUTING -m frag --fragmore
ip6tables -t raw -A PREROUTING -m frag --fragid 150 --fraglast

ip6tables -t mangle -A PREROUTING -m eui64
ip6tables -t mangle -A PREROUTING -m pkttype --pkt-type unicast
ip6tables -t mangle -A PREROUTING -m pkttype --pkt-type multicast
ip6tables -t mangle -A PREROUTING -m pkttype --pkt-type broadcast
ip6tables -t mangle -A PREROUTING -m addrtype --dst-type LOCAL
ip6tables -t mangle -A PREROUTING -m addrtype --dst-type LOCAL --limit-iface-in
ip6tables -t mangle -A PREROUTING -m addrtype --dst-type MULTICAST
ip6tables -t mangle -A PREROUTING -m addrtype --dst-type ANYCAST
ip6tables -t mangle -A PREROUTING -m addrtype --dst-type UNREACHABLE
ip6tables -t mangle -A PREROUTING -m addrtype --src-type UNICAST
ip6tables -t mangle -A PREROUTING -m addrtype ! --dst-type UNICAST
ip6tables -t mangle -A PREROUTING -d fd66:e6:1:: -j DROP
ip6tables -t mangle -A PREROUTING -p udp --dport 7100 -j HL --hl-set 33
ip6tables -t mangle -A PREROUTING -p udp --dport 7101 -j HL --hl-dec 5
ip6tables -t mangle -A PREROUTING -p udp --dport 7102 -j HL --hl-inc 10
ip6tables -t mangle -A PREROUTING -i eth1 -d 2001:db8:aaaa::/64 -j DNPT --src-pfx 2001:db8:aaaa::/64 --dst-pfx 2001:db8:e6:200::/64

ip6tables -A FORWARD -m hl --hl-eq 63
ip6tables -A FORWARD -m hl --hl-lt 10
ip6tables -A FORWARD -m hl --hl-gt 100
ip6tables -A FORWARD -m hl ! --hl-eq 63
ip6tables -A FORWARD -m frag --fragid 100:200
ip6tables -A FORWARD -m frag --fragid 300 --fragfirst
ip6tables -A FORWARD -m frag --fragmore
ip6tables -A FORWARD -m frag --fraglast
ip6tables -A FORWARD -m frag --fragres
ip6tables -A FORWARD -m frag ! --fragid 100:200
ip6tables -A FORWARD -m frag --fraglen 24
ip6tables -A FORWARD -m frag --fragid 4000000000:4294967295
ip6tables -A FORWARD -m hbh --hbh-len 0
ip6tables -A FORWARD -m hbh ! --hbh-len 0
ip6tables -A FORWARD -m hbh --hbh-len 8
ip6tables -A FORWARD -m hbh --hbh-opts 1:4
ip6tables -A FORWARD -m hbh --hbh-opts 5:2,1:0
ip6tables -A FORWARD -m hbh --hbh-opts 5,30:6
ip6tables -A FORWARD -m dst --dst-len 0
ip6tables -A FORWARD -m dst --dst-len 2 --dst-opts 1:2,201:16
ip6tables -A FORWARD -m dst ! --dst-len 2
ip6tables -A FORWARD -m dst --dst-len 24 --dst-opts 1:2,201:16
ip6tables -A FORWARD -m rt --rt-type 0 --rt-segsleft 1:2
ip6tables -A FORWARD -m rt --rt-type 2 --rt-len 2
ip6tables -A FORWARD -m rt --rt-type 2 --rt-len 24
ip6tables -A FORWARD -m rt --rt-type 0 --rt-0-res
ip6tables -A FORWARD -m rt --rt-type 0 --rt-0-addrs 2001:db8:1::1,2001:db8:1::2
ip6tables -A FORWARD -m rt --rt-type 0 --rt-0-addrs 2001:db8:1::2 --rt-0-not-strict
ip6tables -A FORWARD -m rt ! --rt-segsleft 0
ip6tables -A FORWARD -m rt --rt-type 4
ip6tables -A FORWARD -m srh --srh-next-hdr 17
ip6tables -A FORWARD -m srh --srh-segs-left-gt 0 --srh-last-entry-eq 1
ip6tables -A FORWARD -m srh --srh-tag 7
ip6tables -A FORWARD -m srh ! --srh-tag 1792
ip6tables -A FORWARD -m srh ! --srh-last-entry-lt 2
ip6tables -A FORWARD -m srh --srh-psid 2001:db8:7::1/128
ip6tables -A FORWARD -m srh --srh-nsid 2001:db8:5::/48
ip6tables -A FORWARD -m srh --srh-lsid 2001:db8:6::1
ip6tables -A FORWARD -m srh --srh-hdr-len-gt 4
ip6tables -A FORWARD -m ipv6header --header hop,prot
ip6tables -A FORWARD -m ipv6header --header hop,dst,prot
ip6tables -A FORWARD -m ipv6header --soft --header frag
ip6tables -A FORWARD -m ipv6header --soft --header ipv6-route,dst
ip6tables -A FORWARD -m ipv6header ! --header prot
ip6tables -A FORWARD -m ipv6header --header esp
ip6tables -A FORWARD -m ipv6header --header auth,prot
ip6tables -A FORWARD -m ah --ahspi 100:200
ip6tables -A FORWARD -m ah --ahlen 24
ip6tables -A FORWARD -m ah --ahres
ip6tables -A FORWARD -m ah ! --ahspi 100:200
ip6tables -A FORWARD -p esp -m esp --espspi 0x1000
ip6tables -A FORWARD -p esp -m esp ! --espspi 0x1000
ip6tables -A FORWARD -p tcp -m tcpmss --mss 1000:1500
ip6tables -A FORWARD -p tcp -m tcpmss ! --mss 1000:1500
ip6tables -A FORWARD -m eui64
ip6tables -A FORWARD -m mac --mac-source 02:01:66:00:00:0b
ip6tables -A FORWARD -m mac ! --mac-source 02:01:66:00:00:0b
ip6tables -A FORWARD -m pkttype --pkt-type unicast
ip6tables -A FORWARD -p 135 -m mh --mh-type binding-update
ip6tables -A FORWARD -p 135 -m mh --mh-type 0:2
ip6tables -A FORWARD -p 135 -m mh ! --mh-type 5
ip6tables -A FORWARD -p udp --dport 7200 -m addrtype --src-type LOCAL -j DROP

ip6tables -A INPUT -m hl --hl-lt 10
ip6tables -A INPUT -m dst --dst-len 0
ip6tables -A INPUT -m dst --dst-len 8
ip6tables -A INPUT -m eui64
ip6tables -A INPUT -m pkttype --pkt-type multicast
ip6tables -A INPUT -m pkttype --pkt-type broadcast
ip6tables -A INPUT -m addrtype --dst-type LOCAL --limit-iface-in
ip6tables -A INPUT -m addrtype --src-type LOCAL
ip6tables -A INPUT -m ipv6header --header dst,prot
ip6tables -A INPUT -m mac --mac-source 02:01:66:00:00:0a
