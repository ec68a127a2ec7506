/* io/pcapng: a checked pcapng reader (every length verified) and a small writer. */
#include "io/pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Block types and options of the pcapng specification (draft-ietf-opsawg-pcapng). */
#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB  0x00000002u      /* obsolete Packet Block */
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BOM    0x1A2B3C4Du
#define OPT_END 0
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

/* Parser state: one section's byte order and where its interfaces start. */
struct rd {
	const uint8_t *b;
	size_t len;
	bool swap;
	unsigned int sect_base;         /* global index of the section's first IDB */
	struct pcapng_file *f;
	unsigned int cap_ifaces, cap_frames;
	struct strbuf *err;
};

static uint16_t rd16(const struct rd *r, size_t off)
{
	uint16_t v;

	memcpy(&v, r->b + off, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static uint32_t rd32(const struct rd *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->b + off, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static int rd_fail(struct rd *r, size_t off, const char *what)
{
	sb_addf(r->err, "offset %zu: %s", off, what);
	return -EINVAL;
}

static int add_iface(struct rd *r, struct pcapng_iface **out)
{
	struct pcapng_file *f = r->f;

	if (f->n_ifaces == r->cap_ifaces) {
		unsigned int cap = r->cap_ifaces ? r->cap_ifaces * 2 : 8;
		struct pcapng_iface *n = realloc(f->ifaces, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		f->ifaces = n;
		r->cap_ifaces = cap;
	}
	*out = &f->ifaces[f->n_ifaces++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static int add_frame(struct rd *r, struct pcapng_frame **out)
{
	struct pcapng_file *f = r->f;

	if (f->n_frames == r->cap_frames) {
		unsigned int cap = r->cap_frames ? r->cap_frames * 2 : 64;
		struct pcapng_frame *n = realloc(f->frames, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		f->frames = n;
		r->cap_frames = cap;
	}
	*out = &f->frames[f->n_frames++];
	return 0;
}

/* Ticks of an interface's resolution to nanoseconds (if_tsresol: 10^-n or 2^-n s). */
static uint64_t ticks_to_ns(const struct pcapng_iface *ifc, uint64_t ticks)
{
	unsigned int n = ifc->tsresol & 0x7f;
	unsigned __int128 ns;

	if (ifc->tsresol & 0x80) {
		ns = ((unsigned __int128)ticks * 1000000000u) >> (n > 127 ? 127 : n);
	} else {
		ns = ticks;
		for (unsigned int i = n; i < 9; i++)
			ns *= 10;
		for (unsigned int i = 9; i < n && ns; i++)
			ns /= 10;
	}
	ns += (unsigned __int128)(ifc->tsoffset * 1000000000);
	return (uint64_t)ns;
}

/* Options area [off, end): returns 0 or -EINVAL; calls back for IDB options. */
static int parse_idb_options(struct rd *r, size_t off, size_t end, struct pcapng_iface *ifc)
{
	while (off + 4 <= end) {
		uint16_t code = rd16(r, off), olen = rd16(r, off + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;

		if (code == OPT_END)
			return 0;
		if (off + 4 + padded > end)
			return rd_fail(r, off, "option runs past the end of its block");
		const uint8_t *v = r->b + off + 4;
		if (code == OPT_IF_NAME) {
			size_t n = strnlen((const char *)v, olen);

			if (n == 0 || n >= sizeof(ifc->name))
				return rd_fail(r, off, "if_name empty or longer than 63 bytes");
			memcpy(ifc->name, v, n);
			ifc->name[n] = '\0';
		} else if (code == OPT_IF_TSRESOL) {
			if (olen != 1)
				return rd_fail(r, off, "if_tsresol must be 1 byte");
			if ((v[0] & 0x80) ? (v[0] & 0x7f) > 63 : v[0] > 19)
				return rd_fail(r, off, "if_tsresol out of range");
			ifc->tsresol = v[0];
		} else if (code == OPT_IF_TSOFFSET) {
			if (olen != 8)
				return rd_fail(r, off, "if_tsoffset must be 8 bytes");
			uint64_t raw;

			memcpy(&raw, v, 8);
			if (r->swap)
				raw = __builtin_bswap64(raw);
			ifc->tsoffset = (int64_t)raw;
			if (ifc->tsoffset > 4000000000LL || ifc->tsoffset < -4000000000LL)
				return rd_fail(r, off, "if_tsoffset out of range");
		}
		off += 4 + padded;
	}
	return 0;
}

static int parse_idb(struct rd *r, size_t off, size_t blen)
{
	struct pcapng_iface *ifc;
	int rc;

	if (blen < 20)
		return rd_fail(r, off, "interface description block shorter than 20 bytes");
	rc = add_iface(r, &ifc);
	if (rc)
		return rc;
	ifc->linktype = rd16(r, off + 8);
	ifc->tsresol = 6;
	snprintf(ifc->name, sizeof(ifc->name), "if%u", r->f->n_ifaces - 1 - r->sect_base);
	return parse_idb_options(r, off + 16, off + blen - 4, ifc);
}

static int iface_of(struct rd *r, size_t off, uint32_t id, unsigned int *out)
{
	if (id >= r->f->n_ifaces - r->sect_base)
		return rd_fail(r, off, "packet refers to an undefined interface");
	*out = r->sect_base + id;
	return 0;
}

static int push_frame(struct rd *r, unsigned int ifc, uint64_t ticks, size_t data_off,
		      uint32_t caplen, uint32_t origlen)
{
	struct pcapng_frame *fr;
	int rc = add_frame(r, &fr);

	if (rc)
		return rc;
	fr->iface = ifc;
	fr->ts_ns = ticks_to_ns(&r->f->ifaces[ifc], ticks);
	fr->data = r->b + data_off;
	fr->len = caplen;
	fr->orig_len = origlen;
	return 0;
}

/*
 * The body shared by the enhanced packet block and the obsolete packet block:
 * both put timestamp, captured and original length at offsets 12..27 and the
 * data at 28; only the interface id differs (32 bits vs 16 bits + drops).
 */
static int parse_packet_body(struct rd *r, size_t off, size_t blen, uint32_t ifid)
{
	unsigned int ifc;
	int rc;

	rc = iface_of(r, off, ifid, &ifc);
	if (rc)
		return rc;
	uint64_t ticks = (uint64_t)rd32(r, off + 12) << 32 | rd32(r, off + 16);
	uint32_t caplen = rd32(r, off + 20);
	if (caplen > blen - 32)
		return rd_fail(r, off, "captured length runs past the end of its block");
	return push_frame(r, ifc, ticks, off + 28, caplen, rd32(r, off + 24));
}

static int parse_epb(struct rd *r, size_t off, size_t blen)
{
	if (blen < 32)
		return rd_fail(r, off, "enhanced packet block shorter than 32 bytes");
	return parse_packet_body(r, off, blen, rd32(r, off + 8));
}

static int parse_pb(struct rd *r, size_t off, size_t blen)
{
	if (blen < 32)
		return rd_fail(r, off, "packet block shorter than 32 bytes");
	return parse_packet_body(r, off, blen, rd16(r, off + 8));
}

static int parse_spb(struct rd *r, size_t off, size_t blen)
{
	if (blen < 16)
		return rd_fail(r, off, "simple packet block shorter than 16 bytes");
	if (r->f->n_ifaces - r->sect_base < 1)
		return rd_fail(r, off, "simple packet block before any interface");
	uint32_t orig = rd32(r, off + 8);
	uint32_t caplen = orig < blen - 16 ? orig : (uint32_t)(blen - 16);
	return push_frame(r, r->sect_base, 0, off + 12, caplen, orig);
}

/* A Section Header Block at off: sets the byte order; returns its length or -EINVAL. */
static int parse_shb(struct rd *r, size_t off, size_t *blen)
{
	uint32_t bom;

	if (off + 28 > r->len)
		return rd_fail(r, off, "truncated section header block");
	memcpy(&bom, r->b + off + 8, 4);
	if (bom == BOM)
		r->swap = false;
	else if (bom == __builtin_bswap32(BOM))
		r->swap = true;
	else
		return rd_fail(r, off, "bad byte-order magic in section header block");
	if (rd16(r, off + 12) != 1)
		return rd_fail(r, off, "unsupported pcapng major version");
	*blen = rd32(r, off + 4);
	if (*blen < 28)
		return rd_fail(r, off, "section header block shorter than 28 bytes");
	r->sect_base = r->f->n_ifaces;
	return 0;
}

static int parse_block(struct rd *r, size_t off, size_t *blen_out)
{
	uint32_t type;
	size_t blen;
	int rc;

	memcpy(&type, r->b + off, 4);   /* the SHB type reads the same in both orders */
	if (type == BT_SHB) {
		rc = parse_shb(r, off, &blen);
		if (rc)
			return rc;
	} else {
		if (off == 0)
			return rd_fail(r, off, "not a pcapng file (no section header block)");
		type = rd32(r, off);
		blen = rd32(r, off + 4);
	}
	if (blen < 12 || blen % 4)
		return rd_fail(r, off, "block length not a multiple of 4 or below 12");
	if (blen > r->len - off)
		return rd_fail(r, off, "block runs past the end of the file");
	if (rd32(r, off + blen - 4) != blen)
		return rd_fail(r, off, "trailing block length differs from the leading one");
	*blen_out = blen;
	switch (type) {
	case BT_IDB:
		return parse_idb(r, off, blen);
	case BT_EPB:
		return parse_epb(r, off, blen);
	case BT_PB:
		return parse_pb(r, off, blen);
	case BT_SPB:
		return parse_spb(r, off, blen);
	default:
		return 0;               /* SHB (done), NRB, ISB, custom ...: skipped */
	}
}

int pcapng_parse(const uint8_t *buf, size_t len, struct pcapng_file *out, struct strbuf *err)
{
	struct rd r = { .f = out, .err = err };
	size_t off = 0, blen = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len < 28) {
		sb_addf(err, "offset 0: file too short for a pcapng section header (%zu bytes)", len);
		return -EINVAL;
	}
	out->buf = malloc(len);
	if (!out->buf)
		return -ENOMEM;
	memcpy(out->buf, buf, len);
	out->len = len;
	r.b = out->buf;
	r.len = len;
	while (off < len && !rc) {
		if (len - off < 12) {
			rc = rd_fail(&r, off, "truncated block header");
			break;
		}
		rc = parse_block(&r, off, &blen);
		off += blen;
	}
	if (rc == -ENOMEM)
		sb_add(err, "out of memory");
	if (rc)
		pcapng_file_free(out);
	return rc;
}

int pcapng_read(const char *path, struct pcapng_file *out, struct strbuf *err)
{
	struct strbuf msg = STRBUF_INIT;
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!fp) {
		rc = -errno;
		sb_addf(err, "%s: %s", path, strerror(errno));
		return rc;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			uint8_t *n = realloc(buf, ncap);

			if (!n) {
				rc = -ENOMEM;
				break;
			}
			buf = n;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (!rc && ferror(fp))
		rc = -EIO;
	fclose(fp);
	if (rc)
		sb_addf(err, "%s: %s", path, strerror(-rc));
	else if ((rc = pcapng_parse(buf, len, out, &msg)) != 0)
		sb_addf(err, "%s: %s", path, sb_str(&msg));
	free(buf);
	sb_release(&msg);
	return rc;
}

void pcapng_file_free(struct pcapng_file *f)
{
	if (!f)
		return;
	free(f->ifaces);
	free(f->frames);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/* --- writer (always little-endian, as pcapngio.py writes) --- */

static void w_put(struct pcapng_writer *w, const void *p, size_t n)
{
	if (w->oom)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n)
			cap *= 2;
		uint8_t *nb = realloc(w->buf, cap);
		if (!nb) {
			w->oom = 1;
			return;
		}
		w->buf = nb;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void w_u32(struct pcapng_writer *w, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 & 0xff };

	w_put(w, b, 4);
}

static void w_u16(struct pcapng_writer *w, uint16_t v)
{
	uint8_t b[2] = { v & 0xff, v >> 8 };

	w_put(w, b, 2);
}

static void w_pad(struct pcapng_writer *w, size_t n)
{
	static const uint8_t zero[4];

	w_put(w, zero, (4 - n % 4) % 4);
}

void pcapng_writer_init(struct pcapng_writer *w)
{
	memset(w, 0, sizeof(*w));
	w_u32(w, BT_SHB);
	w_u32(w, 28);
	w_u32(w, BOM);
	w_u16(w, 1);
	w_u16(w, 0);
	w_u32(w, 0xffffffffu);  /* section length: unknown (-1) */
	w_u32(w, 0xffffffffu);
	w_u32(w, 28);
}

unsigned int pcapng_writer_add_iface(struct pcapng_writer *w, const char *name)
{
	return pcapng_writer_add_iface_type(w, name, PCAPNG_LINKTYPE_ETHERNET);
}

unsigned int pcapng_writer_add_iface_type(struct pcapng_writer *w, const char *name,
					  uint16_t linktype)
{
	size_t n = strnlen(name, PCAPNG_IFNAME_MAX - 1);
	uint32_t blen = (uint32_t)(20 + 4 + ((n + 3) & ~(size_t)3) + 4);

	w_u32(w, BT_IDB);
	w_u32(w, blen);
	w_u16(w, linktype);
	w_u16(w, 0);
	w_u32(w, 0);            /* snaplen: unlimited */
	w_u16(w, OPT_IF_NAME);
	w_u16(w, (uint16_t)n);
	w_put(w, name, n);
	w_pad(w, n);
	w_u16(w, OPT_END);
	w_u16(w, 0);
	w_u32(w, blen);
	return w->n_ifaces++;
}

void pcapng_writer_add_frame(struct pcapng_writer *w, unsigned int iface, uint64_t ts_ns,
			     const uint8_t *data, uint32_t len)
{
	uint64_t us = ts_ns / 1000;
	uint32_t blen = 32 + ((len + 3) & ~3u);

	w_u32(w, BT_EPB);
	w_u32(w, blen);
	w_u32(w, iface);
	w_u32(w, (uint32_t)(us >> 32));
	w_u32(w, (uint32_t)us);
	w_u32(w, len);
	w_u32(w, len);
	w_put(w, data, len);
	w_pad(w, len);
	w_u32(w, blen);
}

int pcapng_writer_save(const struct pcapng_writer *w, const char *path, struct strbuf *err)
{
	FILE *fp;
	int rc = 0;

	if (w->oom) {
		sb_addf(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	fp = fopen(path, "wb");
	if (!fp) {
		rc = -errno;
		sb_addf(err, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fwrite(w->buf, 1, w->len, fp) != w->len)
		rc = -EIO;
	if (fclose(fp) && !rc)
		rc = -errno;
	if (rc)
		sb_addf(err, "%s: %s", path, strerror(-rc));
	return rc;
}

void pcapng_writer_release(struct pcapng_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}
