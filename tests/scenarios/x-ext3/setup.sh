# x-ext3: u32, addrtype, pkttype, mac, tcpmss, ah, esp, ipcomp, sctp, dccp, tos, dscp, ecn, time;
# TOS, DSCP, ECN, CLASSIFY, CHECKSUM, AUDIT, TRACE, IDLETIMER, RATEEST, CONNSECMARK, NFLOG
# written by hand (frames: ../make-ext3-scenario); run by bash in the router netns
ip link set eth0 address 02:00:00:57:00:01
ip link set eth1 address 02:00:00:57:00:02
ip addr add 10.157.1.1/24 brd 10.157.1.255 dev eth0
ip addr add 198.51.100.1/24 dev eth1
ip route add default via 198.51.100.254 dev eth1
ip neigh add 198.51.100.254 lladdr 02:01:57:00:01:fe dev eth1 nud permanent
ip neigh add 10.157.1.10 lladdr 02:01:57:00:00:0a dev eth0 nud permanent
ip neigh add 10.157.1.30 lladdr 02:01:57:00:00:1e dev eth0 nud permanent
sysctl -w net.ipv4.ip_forward=1

# sctp and dccp are not tracked: the scenario tests the matches, not their conntrack helpers
iptables -t raw -A PREROUTING -p sctp -j NOTRACK
iptables -t raw -A PREROUTING -p dccp -j NOTRACK
iptables -t raw -A PREROUTING -p udp --dport 9200 -j TRACE
iptables -t raw -A PREROUTING -m u32 --u32 "0>>22&0x3C@0&0xFFFF=0x2390"

# rate estimator first, then the matches that read it
iptables -t mangle -A PREROUTING -i eth0 -j RATEEST --rateest-name x3in --rateest-interval 250ms --rateest-ewmalog 1s
iptables -t mangle -A PREROUTING -m rateest --rateest x3in --rateest-lt --rateest-bps 1000mbit
iptables -t mangle -A PREROUTING -m rateest --rateest x3in --rateest-gt --rateest-bps 1000mbit
iptables -t mangle -A PREROUTING -m rateest --rateest x3in --rateest-lt --rateest-pps 1000000
# names longer than the field are cut by iptables (xtopt_parse_string), not refused
iptables -t mangle -A PREROUTING -p udp -j RATEEST --rateest-name x3-udp-estimator-long --rateest-interval 1s --rateest-ewmalog 2s
iptables -t mangle -A PREROUTING -m rateest --rateest x3-udp-estimato --rateest-lt --rateest-bps 1000mbit

iptables -t mangle -A PREROUTING -m addrtype --src-type LOCAL
iptables -t mangle -A PREROUTING -m addrtype --src-type LOCAL --limit-iface-in
iptables -t mangle -A PREROUTING -m addrtype ! --src-type UNICAST,LOCAL --dst-type MULTICAST

# packet-changing targets (their effect shows in the forwarded frames)
iptables -t mangle -A FORWARD -p udp --dport 9100 -j TOS --set-tos 0x10
iptables -t mangle -A FORWARD -p udp --dport 9101 -j TOS --and-tos 0x0f
iptables -t mangle -A FORWARD -p udp --dport 9102 -j TOS --or-tos 0x04
iptables -t mangle -A FORWARD -p udp --dport 9103 -j TOS --xor-tos 0x03
iptables -t mangle -A FORWARD -p udp --dport 9104 -j TOS --set-tos 0x08/0x0c
iptables -t mangle -A FORWARD -p udp --dport 9110 -j DSCP --set-dscp 0x0a
iptables -t mangle -A FORWARD -p udp --dport 9111 -j DSCP --set-dscp-class EF
iptables -t mangle -A FORWARD -p tcp --dport 81 -j ECN --ecn-tcp-remove
iptables -t mangle -A FORWARD -p tcp --dport 82 -j ECN --ecn-tcp-cwr 1 --ecn-tcp-ece 1
iptables -t mangle -A FORWARD -p udp --dport 9120 -j ECN --ecn-ip-ect 2
iptables -t mangle -A FORWARD -p udp --dport 9121 -j CLASSIFY --set-class 1:10
iptables -t mangle -A FORWARD -p udp --dport 9122 -j IDLETIMER --timeout 600 --label x3idle
iptables -t mangle -A FORWARD -p udp --dport 9122 -j IDLETIMER --timeout 600 --label x3idle-a-label-longer-than-27-chars
iptables -t mangle -A FORWARD -p udp --dport 9123 -j CONNSECMARK --save
iptables -t mangle -A FORWARD -p udp --dport 9123 -j CONNSECMARK --restore
iptables -t mangle -A POSTROUTING -p udp --dport 9130 -j CHECKSUM --checksum-fill

# matches: no target, only their counters tell (every frame meets every rule)
iptables -N x3m
iptables -A x3m -m u32 --u32 "0>>22&0x3C@0&0xFFFF=9001"
iptables -A x3m -m u32 ! --u32 "0>>22&0x3C@0&0xFFFF=9001"
iptables -A x3m -m u32 --u32 "6&0xFF=17 && 0&0xFFFF=0x20:0x40"
iptables -A x3m -m u32 --u32 "0>>22&0x3C@12>>26&0x3C@0=0x47455420"
iptables -A x3m -m u32 --u32 "0&0xFF000000=0x45000000 && 12=0x0a9d010a"
iptables -A x3m -m u32 --u32 "0>>22&0x3C@8&0xFFFF=0x7575"
iptables -A x3m -m u32 ! --u32 "0>>22&0x3C@8&0xFFFF=0x7575"
iptables -A x3m -m u32 --u32 "9&0xFF=1,6,17:50"
iptables -A x3m -m addrtype --src-type UNICAST --dst-type UNICAST
iptables -A x3m -m addrtype --dst-type LOCAL
iptables -A x3m -m addrtype ! --dst-type UNICAST
iptables -A x3m -m addrtype --dst-type BROADCAST,MULTICAST
iptables -A x3m -m addrtype --dst-type LOCAL --limit-iface-in
iptables -A x3m -m addrtype --dst-type UNICAST --limit-iface-in
iptables -A x3m -m pkttype --pkt-type unicast
iptables -A x3m -m pkttype --pkt-type broadcast
iptables -A x3m -m pkttype --pkt-type multicast
iptables -A x3m -m pkttype ! --pkt-type unicast
iptables -A x3m -m mac --mac-source 02:01:57:00:00:0a
iptables -A x3m -m mac ! --mac-source 02:01:57:00:00:0a
iptables -A x3m -p tcp -m tcpmss --mss 1000:1500
iptables -A x3m -p tcp -m tcpmss ! --mss 536
iptables -A x3m -p tcp -m tcpmss --mss 536
iptables -A x3m -p ah -m ah --ahspi 100:200
iptables -A x3m -p ah -m ah ! --ahspi 150
iptables -A x3m -p esp -m esp --espspi 0x100
iptables -A x3m -p esp -m esp --espspi 1:10
iptables -A x3m -p ipcomp -m ipcomp --ipcompspi 5
iptables -A x3m -p ipcomp -m ipcomp ! --ipcompspi 5
iptables -A x3m -p sctp -m sctp --dport 5000
iptables -A x3m -p sctp -m sctp --sport 1000:2000 ! --dport 5000
iptables -A x3m -p sctp -m sctp --chunk-types any INIT
iptables -A x3m -p sctp -m sctp --chunk-types all DATA,SACK
iptables -A x3m -p sctp -m sctp --chunk-types only DATA
iptables -A x3m -p sctp -m sctp ! --chunk-types any DATA
iptables -A x3m -p sctp -m sctp --chunk-types any DATA:BE
iptables -A x3m -p sctp -m sctp --chunk-types any DATA:u
iptables -A x3m -p dccp -m dccp --dport 5001
iptables -A x3m -p dccp -m dccp --sport 6000:6010
iptables -A x3m -p dccp -m dccp --dccp-types REQUEST,DATA
iptables -A x3m -p dccp -m dccp ! --dccp-types REQUEST
iptables -A x3m -p dccp -m dccp --dccp-option 2
iptables -A x3m -m tos --tos 0x10
iptables -A x3m -m tos --tos 0x08/0x08
iptables -A x3m -m tos ! --tos Minimize-Cost
iptables -A x3m -m dscp --dscp 0x2e
iptables -A x3m -m dscp --dscp-class AF11
iptables -A x3m -m dscp ! --dscp 0
iptables -A x3m -p tcp -m ecn --ecn-tcp-cwr
iptables -A x3m -p tcp -m ecn --ecn-tcp-ece
iptables -A x3m -p tcp -m ecn ! --ecn-tcp-ece --ecn-tcp-cwr
iptables -A x3m -m ecn --ecn-ip-ect 1
iptables -A x3m -m ecn --ecn-ip-ect 3
iptables -A x3m -m ecn ! --ecn-ip-ect 0
iptables -A x3m -m time --datestop 2037-01-01
iptables -A x3m -m time --datestop 2001-01-01
iptables -A x3m -m time --weekdays Mon,Tue,Wed,Thu,Fri,Sat,Sun
iptables -A x3m -m time --timestart 00:00 --timestop 23:59:59
iptables -A x3m -m time --datestart 2001-01-01 --datestop 2037-01-01 --timestart 00:00 --timestop 23:59:59 --weekdays Mon,Tue,Wed,Thu,Fri,Sat,Sun
iptables -A x3m -m time --monthdays 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
iptables -A x3m -m time --datestart 2037-01-01
iptables -A FORWARD -j x3m
iptables -A INPUT -j x3m
iptables -A FORWARD -p udp --dport 9140 -j AUDIT --type accept
iptables -A FORWARD -p udp --dport 9140 -j NFLOG --nflog-group 77 --nflog-prefix x3
iptables -A INPUT -p udp --dport 9141 -j AUDIT --type drop
iptables -A INPUT -p udp --dport 9141 -j NFLOG --nflog-group 78
# CLASSIFY is not bound to mangle (xt_CLASSIFY has hooks, no table)
iptables -A FORWARD -p udp --dport 9121 -j CLASSIFY --set-class 1:11
iptables -A FORWARD -p udp --dport 9142 -j DROP
