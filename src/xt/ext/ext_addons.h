/* ext_addons: what the xtables-addons extensions (geoip, ipp2p) and CLUSTERIP export for tests. */
#ifndef USNF_XT_EXT_ADDONS_H
#define USNF_XT_EXT_ADDONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <usnf/pkt.h>

struct usnf_net;

/* clusterip_hashfn(): the cluster node (1..total_nodes) of an IPv4 packet. */
uint32_t xt_clusterip_hash(const struct pkt *pkt, uint32_t hash_mode, uint32_t initval,
			   uint16_t total_nodes);

/* geoip: the xt_geoip database (xtables-addons 3.x, /usr/share/xt_geoip/CC.iv4|.iv6). */
#define XT_GEOIP_DIR_DEFAULT "/usr/share/xt_geoip"

/* One range of a country's file; v4 in w[0] only, host order, v6 as 4 host-order words. */
struct xt_geoip_range {
	uint32_t begin[4], end[4];
};

/* A country's ranges as loaded, shared by every rule that names it (never freed). */
struct xt_geoip_country {
	struct xt_geoip_country *next;
	uint16_t cc;                    /* 'D' << 8 | 'E' */
	uint8_t v6;
	uint32_t count;
	struct xt_geoip_range *ranges;
};

/*
 * Decode a whole CC.iv4 (v6 false: 8-byte records, two big-endian words) or
 * CC.iv6 (32-byte records, two addresses in network order) into ranges
 * (malloc'ed, *out NULL when len is 0).  -EINVAL if len is not a whole number of
 * records ("seems to be corrupted"), -ENOMEM.
 */
int xt_geoip_decode(const uint8_t *buf, size_t len, bool v6, struct xt_geoip_range **out,
		    uint32_t *count);
/* geoip_bsearch4/6 of xt_geoip.c: addr (host-order words) inside one range. */
bool xt_geoip_lookup(const struct xt_geoip_range *r, uint32_t count, bool v6,
		     const uint32_t addr[4]);
/* Set the database directory of an instance (NULL or "" = the default). */
int xt_geoip_dir_set(struct usnf_net *net, const char *dir);

/* ipp2p: the xt_ipp2p.c payload classifiers; cmd is a mask of IPP2P_* bits. */
#define XT_IPP2P_EDK    (1u << 0)
#define XT_IPP2P_DC     (1u << 4)
#define XT_IPP2P_GNU    (1u << 6)
#define XT_IPP2P_KAZAA  (1u << 7)
#define XT_IPP2P_BIT    (1u << 8)
#define XT_IPP2P_APPLE  (1u << 9)
#define XT_IPP2P_SOUL   (1u << 10)
#define XT_IPP2P_WINMX  (1u << 11)
#define XT_IPP2P_ARES   (1u << 12)
/* The detection code (protocol * 100 + variant), 0 if none: TCP payload (after the header). */
unsigned int xt_ipp2p_tcp(uint32_t cmd, const uint8_t *payload, uint32_t len);
unsigned int xt_ipp2p_udp(uint32_t cmd, const uint8_t *payload, uint32_t len);

#endif
