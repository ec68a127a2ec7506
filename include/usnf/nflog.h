/*
 * nflog: NFLOG groups as captures, the user-space nfnetlink_log.  A program
 * subscribes to a group number (NFULNL_CFG_CMD_BIND); every packet an NFLOG rule
 * (iptables-nft: the nft `log group N` expression) logs to that group is handed
 * to its callback as nfulnl_log_packet() would send it, during the rule's
 * evaluation.  No subscriber: the packet is not logged, the rule continues.
 */
#ifndef USNF_NFLOG_H
#define USNF_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

struct usnf_net;

/* NFULA_* attribute types (include/uapi/linux/netfilter/nfnetlink_log.h). */
enum usnf_nfula {
	USNF_NFULA_PACKET_HDR = 1,
	USNF_NFULA_MARK = 2,
	USNF_NFULA_TIMESTAMP = 3,
	USNF_NFULA_IFINDEX_INDEV = 4,
	USNF_NFULA_IFINDEX_OUTDEV = 5,
	USNF_NFULA_HWADDR = 8,
	USNF_NFULA_PAYLOAD = 9,
	USNF_NFULA_PREFIX = 10,
	USNF_NFULA_HWTYPE = 15,
	USNF_NFULA_HWHEADER = 16,
	USNF_NFULA_HWLEN = 17,
};

/* The largest copy range a subscriber can ask for (NFULNL_COPY_RANGE_MAX). */
#define USNF_NFLOG_COPY_RANGE_MAX (0xffffu - 4u)

/*
 * One logged packet: the content of one NFULNL_MSG_PACKET message.  Pointers are
 * valid during the callback only.  Absent attributes are 0/NULL.
 */
struct usnf_nflog_msg {
	uint16_t group;                 /* nfgenmsg res_id */
	uint8_t pf;                     /* nfgen_family: USNF_NFPROTO_IPV4 or _IPV6 */
	uint8_t hook;                   /* NFULA_PACKET_HDR: enum usnf_hook_num */
	uint16_t hw_protocol;           /* NFULA_PACKET_HDR: ethertype, host order */
	const char *prefix;             /* NFULA_PREFIX: never NULL ("" sends one NUL) */
	int indev, outdev;              /* NFULA_IFINDEX_INDEV/OUTDEV, 0: absent */
	uint32_t mark;                  /* NFULA_MARK, absent when 0 */
	/* The link-layer header as received (only with an input device, as the
	 * kernel): NFULA_HWTYPE/HWLEN/HWHEADER when hwhdr is set, NFULA_HWADDR (the
	 * source address) when hwaddr_len is not 0. */
	const uint8_t *hwhdr;
	uint16_t hwhdr_len;
	uint16_t hwtype;                /* ARPHRD_ETHER (1) or ARPHRD_LOOPBACK (772) */
	uint16_t hwaddr_len;
	bool has_tstamp;                /* NFULA_TIMESTAMP: PREROUTING, INPUT, FORWARD */
	uint64_t tstamp_ns;
	/* NFULA_PAYLOAD: the network-layer packet cut to the copy range and the
	 * rule's --nflog-size; absent when payload_len is 0. */
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t pkt_len;               /* the whole packet's length */
	const struct pkt *pkt;
};

typedef void (*usnf_nflog_fn)(void *ctx, const struct usnf_nflog_msg *msg);

/*
 * Listen on group (NFULNL_CFG_CMD_BIND with NFULNL_COPY_PACKET, copy_range bytes;
 * 0 or more than USNF_NFLOG_COPY_RANGE_MAX means the maximum, as nfulnl_set_mode()).
 * Returns 0, -EBUSY (the group has a subscriber), -EINVAL (no fn) or -ENOMEM.
 */
int usnf_nflog_subscribe(struct usnf_net *net, uint16_t group, uint32_t copy_range,
			 usnf_nflog_fn fn, void *ctx);
/* Stop listening (NFULNL_CFG_CMD_UNBIND).  0 or -ENODEV. */
int usnf_nflog_unsubscribe(struct usnf_net *net, uint16_t group);

/*
 * The message as LINKTYPE_NFLOG (239) stores it, which is what `tcpdump -i nflog:N
 * -w` writes: the nfgenmsg header, then the attributes (length and type in host
 * byte order, values as the kernel puts them, each padded to 4 bytes).  Writes at
 * most len bytes to buf and returns the record's full length (nothing is written
 * when it is larger than len).
 */
size_t usnf_nflog_encode(const struct usnf_nflog_msg *msg, uint8_t *buf, size_t len);

#endif
