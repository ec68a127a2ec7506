ip6tables-restore <<-"END"
	*filter
	COMMIT
	END
iptables-restore < rules.v4
