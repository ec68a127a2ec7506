/* csum: Internet checksums (RFC 1071) and incremental updates (RFC 1624). */
#ifndef USNF_PKT_CSUM_H
#define USNF_PKT_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include <usnf/pkt.h>

/*
 * Conventions, as the kernel's __wsum/__sum16: every 16-bit checksum value is as
 * stored in the packet (network byte order), read and written with memcpy into a
 * uint16_t.  Sums are over 16-bit words loaded in host order, which makes the
 * one's complement arithmetic byte-order independent (RFC 1071 section 2(B)).
 */

/* Add buf[0..len) to the unfolded 32-bit sum; any alignment, any length. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
/* Fold to 16 bits and complement: the value to store (0 when verifying a good one). */
uint16_t csum_fold(uint32_t sum);
/* The IPv4 header checksum over ihl 32-bit words: 0 if the header checksum is right. */
uint16_t ip_fast_csum(const void *iph, unsigned int ihl);
/* Pseudo-header sums (unfolded).  Addresses as in the packet; proto, len host order. */
uint32_t csum_pseudo4(uint32_t saddr, uint32_t daddr, uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const uint8_t *saddr, const uint8_t *daddr, uint8_t proto, uint32_t len);
/*
 * Checksum of the L4 data [off, off+len) of p (absolute offsets in buf) plus the
 * pseudo-header sum: store it in a zeroed checksum field, or verify (0 means valid).
 * 0xffff (never valid) if the range is not inside the packet.
 */
uint16_t csum_l4(const struct pkt *p, uint32_t off, uint32_t len, uint32_t pseudo);
/* Incremental updates of a checksum field when a 16/32/128-bit value changes. */
void csum_replace2(uint16_t *field, uint16_t from, uint16_t to);
void csum_replace4(uint16_t *field, uint32_t from, uint32_t to);
void csum_replace16(uint16_t *field, const uint8_t *from, const uint8_t *to);

/* UDP sends 0xffff for a computed 0, since 0 means "no checksum" (RFC 768). */
#define CSUM_MANGLED_0 ((uint16_t)0xffff)

#endif
