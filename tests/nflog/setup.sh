# NFLOG groups as captures: tests/nflog/run compares what `usnf sim --nflog 5=F
# --nflog 6=G` writes with what `tcpdump -i nflog:5/6 -w` recorded from the kernel
# for the same frames (tests/nflog/make-expected).
ip link set eth0 address 02:00:00:00:00:01
ip link set eth1 address 02:00:00:00:00:02
ip addr add 10.0.0.1/24 dev eth0
ip addr add 10.0.1.1/24 dev eth1
ip -6 addr add fd00::1/64 dev eth0 nodad
ip -6 addr add fd01::1/64 dev eth1 nodad
ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:aa dev eth0
ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:02 dev eth1
ip -6 neigh add fd00::2 lladdr 02:00:00:00:00:aa dev eth0
ip -6 neigh add fd01::2 lladdr 02:00:00:00:01:02 dev eth1
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv6.conf.all.forwarding=1
iptables -t mangle -A PREROUTING -s 10.0.0.9 -j MARK --set-mark 0x2a
# group 7 has no listener: logging to it changes nothing
iptables -t raw -A PREROUTING -p icmp -j NFLOG --nflog-group 7
iptables -A INPUT -p udp -j NFLOG --nflog-group 5 --nflog-prefix "in udp"
# --nflog-range is not kept by iptables-nft: the whole packet is logged
iptables -A INPUT -p tcp -j NFLOG --nflog-group 5 --nflog-range 8
iptables -A FORWARD -j NFLOG --nflog-group 5 --nflog-size 20
iptables -A OUTPUT -p icmp -j NFLOG --nflog-group 5 --nflog-prefix "output icmp, a longer prefix"
iptables -t mangle -A POSTROUTING -o eth1 -j NFLOG --nflog-group 5 --nflog-size 0 --nflog-prefix post
ip6tables -A INPUT -p udp -j NFLOG --nflog-group 6 --nflog-prefix v6in
ip6tables -A FORWARD -j NFLOG --nflog-group 6 --nflog-threshold 3
ip6tables -A OUTPUT -p ipv6-icmp --icmpv6-type echo-reply -j NFLOG --nflog-group 6 --nflog-size 48
