iptables -A INPUT | grep x
