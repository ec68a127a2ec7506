#!/bin/sh
set -e
iptables -A INPUT -m comment --comment "a \"b\" $ c" -j LOG --log-prefix 'x y ' \
   -p tcp # trailing
ip6tables-restore < rules.v6 2>/dev/null || true
cat <<-EOF >/dev/null
	line1 \$x \\ y
	  tab kept?
	EOF
echo a\ b "c\d" x#y
