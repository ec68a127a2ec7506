/* ipset_xt: the private data of the `set` match and the `SET` target (xt/ext/set.c, SET.c). */
#ifndef USNF_IPSET_XT_H
#define USNF_IPSET_XT_H

#include <stdint.h>

#include "xt/xt_ext.h"

struct usnf_net;

/* struct xt_set_info: a set by id, its dimension and src/dst flags. */
struct ipset_xt_info {
	uint16_t index;                 /* IPSET_INVALID_ID: not given */
	uint8_t dim;
	uint8_t flags;                  /* bit i (1..dim): src; IPSET_XT_INV: ! given */
};
#define IPSET_XT_INV 0x01               /* IPSET_INV_MATCH (bit 0 is free: dims count from 1) */

/* struct xt_set_info_match_v4 */
struct ipset_xt_match {
	struct usnf_net *net;           /* where the set lives (names are printed from it) */
	struct ipset_xt_info set;
	uint8_t mflags;                 /* IPSET_XTF_* */
	uint8_t pkt_op, byte_op;        /* IPSET_CNT_* */
	uint64_t pkt_val, byte_val;
	uint32_t xflags;                /* parse state */
};

/* struct xt_set_info_target_v3 */
struct ipset_xt_target {
	struct usnf_net *net;
	struct ipset_xt_info add, del, map;
	uint8_t tflags;                 /* IPSET_XTF_* */
	uint32_t timeout;               /* IPSET_NO_TIMEOUT: not given */
	uint32_t xflags;
};

#define IPSET_XTF_RETURN_NOMATCH  0x01
#define IPSET_XTF_SKIP_COUNTERS   0x02
#define IPSET_XTF_SKIP_SUBCOUNTERS 0x04
#define IPSET_XTF_EXIST           0x08
#define IPSET_XTF_MAP_MARK        0x10
#define IPSET_XTF_MAP_PRIO        0x20
#define IPSET_XTF_MAP_QUEUE       0x40

extern const struct xt_match_ops xt_match_set;
extern const struct xt_target_ops xt_target_set;

#endif
