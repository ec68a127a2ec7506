/* ipset_int: what the ipset files share and nobody else needs. */
#ifndef USNF_IPSET_INT_H
#define USNF_IPSET_INT_H

#include "ipset/ipset.h"

/* How many published rules (set match, SET target) and list:set sets refer to id. */
unsigned int ipset_refs(const struct ipset_net *in, unsigned int id);

/* Host prefix length of the set's family (32 or 128). */
static inline uint8_t ipset_hostmask(const struct ipset_set *s)
{
	return s->o.family == IPSET_FAM_INET6 ? 128 : 32;
}

/* Keep the first cidr bits of a 16-byte address. */
static inline void ipset_addr_mask(uint8_t *a, unsigned int cidr, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++) {
		unsigned int bits = cidr > i * 8 ? cidr - i * 8 : 0;

		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* list:set members: the entry's set id. */
static inline unsigned int ipset_key_setid(const struct ipset_key *k)
{
	return (unsigned int)k->setid_hi << 8 | k->setid_lo;
}

/* The store (ipset_core.c), for the kernel layout model. */
bool ipset_store_expired(struct ipset_net *in, const struct ipset_set *s, uint32_t idx);
void ipset_store_forget(struct ipset_set *s, uint32_t idx);    /* drop without layout change */
void ipset_expire(struct ipset_net *in, struct ipset_set *s);   /* the GC: expired ones go */

/* The kernel's hash layout (ipset_kern.c). */
uint32_t ipset_kern_jhash2(const uint32_t *k, uint32_t len, uint32_t initval);
uint32_t ipset_kern_dsize(const struct ipset_set *s);
int ipset_kern_add(struct ipset_net *in, struct ipset_set *s, uint32_t idx);
void ipset_kern_del(struct ipset_set *s, uint32_t idx);
void ipset_kern_clear(struct ipset_set *s);
void ipset_kern_remap(struct ipset_set *s, const uint32_t *remap);
uint32_t ipset_kern_order(const struct ipset_net *in, const struct ipset_set *s, uint32_t *idx);
uint32_t ipset_kern_hashsize(const struct ipset_set *s);
uint64_t ipset_kern_memsize(const struct ipset_set *s);
uint64_t ipset_kern_comment_size(const char *c);

#endif
