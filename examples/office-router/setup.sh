#!/bin/sh
# A small office router: LAN (eth0), Internet uplink (eth1), DMZ with public servers (eth2).
# The same file runs on Linux (bash, in a network namespace) and in `usnf sim -f`.
set -e

# --- interfaces and addresses -------------------------------------------------------
ip link set eth0 address 02:00:00:00:10:01
ip link set eth1 address 02:00:00:00:10:02
ip link set eth2 address 02:00:00:00:10:03
ip addr add 192.168.10.1/24 dev eth0           # LAN
ip -6 addr add fe80::1/64 dev eth0
ip -6 addr add fd10:0:0:10::1/64 dev eth0
ip addr add 203.0.113.2/29 dev eth1            # uplink, the provider's router is .1
ip -6 addr add fe80::2/64 dev eth1
ip -6 addr add 2001:db8:ffff::2/64 dev eth1
ip addr add 198.51.100.1/28 dev eth2           # DMZ: public servers
ip -6 addr add fe80::3/64 dev eth2
ip -6 addr add 2001:db8:20::1/64 dev eth2

# --- routes and neighbours (static, so the run needs no ARP/NDP resolution) --------
ip route add default via 203.0.113.1 dev eth1
ip -6 route add default via 2001:db8:ffff::1 dev eth1
ip neigh add 203.0.113.1 lladdr 02:00:5e:00:01:01 dev eth1 nud permanent
ip -6 neigh add 2001:db8:ffff::1 lladdr 02:00:5e:00:01:01 dev eth1 nud permanent
ip neigh add 192.168.10.20 lladdr 02:00:00:aa:00:14 dev eth0 nud permanent
ip neigh add 192.168.10.21 lladdr 02:00:00:aa:00:15 dev eth0 nud permanent
ip -6 neigh add fd10:0:0:10::20 lladdr 02:00:00:aa:00:14 dev eth0 nud permanent
ip neigh add 198.51.100.10 lladdr 02:00:00:dd:00:0a dev eth2 nud permanent
ip neigh add 198.51.100.11 lladdr 02:00:00:dd:00:0b dev eth2 nud permanent
ip -6 neigh add 2001:db8:20::10 lladdr 02:00:00:dd:00:0a dev eth2 nud permanent
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv6.conf.all.forwarding=1

# --- IPv4 filter: default deny, one user chain per direction ------------------------
# (stateless: return traffic is recognised by TCP flags and source ports)
iptables-restore <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:router_in - [0:0]
:lan_to_wan - [0:0]
:wan_to_dmz - [0:0]
:dmz_to_wan - [0:0]
:log_and_reject - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j router_in
-A router_in -i eth0 -p icmp --icmp-type echo-request -j ACCEPT
-A router_in -i eth0 -s 192.168.10.0/24 -p tcp --dport 22 -j ACCEPT
-A router_in -p icmp --icmp-type echo-request -m limit --limit 1/second --limit-burst 3 -j ACCEPT
-A router_in -p udp --dport 33434:33534 -j REJECT --reject-with icmp-port-unreachable
-A router_in -j LOG --log-prefix "in-drop: "
-A FORWARD -i eth0 -o eth1 -j lan_to_wan
-A FORWARD -i eth1 -o eth2 -j wan_to_dmz
-A FORWARD -i eth2 -o eth1 -j dmz_to_wan
-A FORWARD -i eth1 -o eth0 -p tcp ! --syn -j ACCEPT
-A FORWARD -i eth1 -o eth0 -p udp --sport 53 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -p icmp --icmp-type echo-reply -j ACCEPT
-A FORWARD -i eth0 -o eth2 -p tcp --dport 443 -j ACCEPT
-A FORWARD -j log_and_reject
-A lan_to_wan -p tcp --dport 25 -j log_and_reject
-A lan_to_wan -s 192.168.10.0/24 -j ACCEPT
-A wan_to_dmz -d 198.51.100.10/32 -p tcp --dport 443 -j ACCEPT
-A wan_to_dmz -d 198.51.100.10/32 -p tcp --dport 80 -j ACCEPT
-A wan_to_dmz -d 198.51.100.11/32 -p tcp --dport 25 -j ACCEPT
-A dmz_to_wan -p tcp ! --syn -j ACCEPT
-A dmz_to_wan -p udp --dport 53 -j ACCEPT
-A log_and_reject -j LOG --log-prefix "fw-reject: "
-A log_and_reject -p tcp -j REJECT --reject-with tcp-reset
-A log_and_reject -j REJECT --reject-with icmp-admin-prohibited
COMMIT
RULES

# --- IPv6 filter: neighbour discovery and echo to the router, LAN out, DMZ web in ---
ip6tables -P FORWARD DROP
ip6tables -N lan6_out
ip6tables -A INPUT -p ipv6-icmp -j ACCEPT
ip6tables -A FORWARD -i eth0 -o eth1 -j lan6_out
ip6tables -A FORWARD -i eth1 -o eth2 -d 2001:db8:20::10 -p tcp --dport 443 -j ACCEPT
ip6tables -A FORWARD -i eth1 -o eth0 -p tcp ! --syn -j ACCEPT
ip6tables -A FORWARD -j REJECT --reject-with icmp6-adm-prohibited
ip6tables -A lan6_out -p tcp --dport 25 -j REJECT --reject-with tcp-reset
ip6tables -A lan6_out -j ACCEPT
