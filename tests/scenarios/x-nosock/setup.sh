# x-nosock: extensions that look at what usnf has not (local sockets, cgroups, OS
# fingerprints): the router's own packets (echo replies, ICMP errors, neighbour
# advertisements, TCP resets, REJECT's answers) meet them in OUTPUT and POSTROUTING,
# its input in INPUT; counters against the kernel.
ip link set eth0 address 02:00:00:57:00:01
ip addr add 10.138.1.1/24 dev eth0
ip -6 addr add fd57::1/64 dev eth0
ip neigh add 10.138.1.10 lladdr 02:01:57:00:00:0a dev eth0 nud permanent
ip -6 neigh add fd57::a lladdr 02:01:57:00:00:0a dev eth0 nud permanent
iptables -A INPUT -p tcp --dport 84 -j REJECT --reject-with tcp-reset
iptables -A INPUT -p udp --dport 85 -j REJECT
ip6tables -A INPUT -p tcp --dport 84 -j REJECT --reject-with tcp-reset
iptables -A INPUT -p tcp -m osf --genre Linux
iptables -A INPUT -p tcp -m osf ! --genre Linux
iptables -A INPUT -p tcp -m osf --genre Windows --ttl 2 --log 1
iptables -A OUTPUT -m owner --uid-owner 0
iptables -A OUTPUT -m owner ! --uid-owner 0
iptables -A OUTPUT -m owner --gid-owner 0-100 --suppl-groups
iptables -A OUTPUT -m owner --socket-exists
iptables -A OUTPUT -m owner ! --socket-exists
iptables -A OUTPUT -m cgroup --cgroup 1
iptables -A OUTPUT -m cgroup ! --cgroup 1
iptables -A OUTPUT -m cgroup --cgroup 0
iptables -A OUTPUT -m cgroup --path /
iptables -A OUTPUT -m cgroup ! --path /
iptables -t mangle -A POSTROUTING -m owner --uid-owner 0
iptables -t mangle -A POSTROUTING -m owner ! --gid-owner 0
ip6tables -A OUTPUT -m owner --uid-owner 0
ip6tables -A OUTPUT -m owner ! --uid-owner 0
ip6tables -A OUTPUT -m owner ! --socket-exists
ip6tables -A OUTPUT -m cgroup ! --cgroup 7
ip6tables -A OUTPUT -m owner --socket-exists
ip6tables -A OUTPUT -m cgroup --path /
