/*
 * ext_list: the explicit table of every x_tables extension (no constructors: they
 * do not survive static linking).  One line per ops symbol; included with
 * XT_MATCH(sym) / XT_TARGET(sym) defined by the includer.  No include guard.
 */
/* core (xt engineer) */
XT_MATCH(xt_match_tcp)
XT_MATCH(xt_match_udp)
XT_MATCH(xt_match_icmp)
XT_MATCH(xt_match_icmp6)
/* other matches (ext engineer): one line each below */
XT_MATCH(xt_match_multiport)
XT_MATCH(xt_match_iprange)
XT_MATCH(xt_match_comment)
XT_MATCH(xt_match_mac)
XT_MATCH(xt_match_length)
XT_MATCH(xt_match_ttl)
XT_MATCH(xt_match_hl)
XT_MATCH(xt_match_tos)
XT_MATCH(xt_match_dscp)
XT_MATCH(xt_match_ecn)
XT_MATCH(xt_match_mark)
XT_MATCH(xt_match_pkttype)
XT_MATCH(xt_match_quota)
XT_MATCH(xt_match_limit)
XT_MATCH(xt_match_addrtype)
XT_MATCH(xt_match_statistic)
XT_MATCH(xt_match_string)
XT_MATCH(xt_match_u32)
XT_MATCH(xt_match_time)

/* targets (ext engineer): one line each below */
XT_TARGET(xt_target_reject4)
XT_TARGET(xt_target_reject6)
XT_TARGET(xt_target_log)
XT_TARGET(xt_target_mark)
XT_TARGET(xt_target_ttl)
XT_TARGET(xt_target_hl)
XT_TARGET(xt_target_dscp)
XT_TARGET(xt_target_tos)
XT_TARGET(xt_target_tcpmss)
XT_TARGET(xt_target_trace)
