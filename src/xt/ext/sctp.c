/* sctp: SCTP ports and chunk types (xt_sctp.c, libxt_sctp.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define SCTP_SRC_PORTS 0x01
#define SCTP_DEST_PORTS 0x02
#define SCTP_CHUNK_TYPES 0x04
#define SCTP_MATCH_ANY 0x01
#define SCTP_MATCH_ALL 0x02
#define SCTP_MATCH_ONLY 0x04
#define SCTP_NUM_FLAGS 4
#define SCTP_MAP_WORDS 64       /* 256 / sizeof(u32), as the kernel's struct has it */

enum { O_SPORT = 0, O_DPORT, O_CHUNK_TYPES };

struct sctp_flag_info {
	uint8_t chunktype, flag, flag_mask;
};

/* struct xt_sctp_info. */
struct sctp_info {
	uint16_t dpts[2], spts[2];
	uint32_t chunkmap[SCTP_MAP_WORDS];
	uint32_t chunk_match_type;
	struct sctp_flag_info flag_info[SCTP_NUM_FLAGS];
	int32_t flag_count;
	uint32_t flags, invflags;
};

static const struct xt_opt sctp_opts[] = {
	{ .name = "source-port", .id = O_SPORT, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "sport", .id = O_SPORT, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "destination-port", .id = O_DPORT, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "dport", .id = O_DPORT, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "chunk-types", .id = O_CHUNK_TYPES, .arg = XT_ARG_TWO, .invertible = true, .multi = true },
	{ 0 },
};

/* libxt_sctp's chunk names; valid_flags spells bits 7..0 ('-': none). */
static const struct {
	const char *name;
	uint8_t type;
	const char *valid_flags;
} sctp_chunks[] = {
	{ "DATA", 0, "----IUBE" }, { "INIT", 1, "--------" }, { "INIT_ACK", 2, "--------" },
	{ "SACK", 3, "--------" }, { "HEARTBEAT", 4, "--------" },
	{ "HEARTBEAT_ACK", 5, "--------" }, { "ABORT", 6, "-------T" },
	{ "SHUTDOWN", 7, "--------" }, { "SHUTDOWN_ACK", 8, "--------" },
	{ "ERROR", 9, "--------" }, { "COOKIE_ECHO", 10, "--------" },
	{ "COOKIE_ACK", 11, "--------" }, { "ECN_ECNE", 12, "--------" },
	{ "ECN_CWR", 13, "--------" }, { "SHUTDOWN_COMPLETE", 14, "-------T" },
	{ "I_DATA", 64, "----IUBE" }, { "RE_CONFIG", 130, "--------" },
	{ "PAD", 132, "--------" }, { "ASCONF", 193, "--------" },
	{ "ASCONF_ACK", 128, "--------" }, { "FORWARD_TSN", 192, "--------" },
	{ "I_FORWARD_TSN", 194, "--------" },
};
#define SCTP_NCHUNKS (sizeof(sctp_chunks) / sizeof(sctp_chunks[0]))

static bool sctp_map_isset(const uint32_t *map, unsigned int t)
{
	return map[t / 32] & (1u << (t % 32));
}

static int sctp_port(struct xt_parse *ps, const char *s, uint16_t *out)
{
	unsigned long long v;

	if (xt_parse_uint(s, 0, 65535, &v) == 0) {
		*out = (uint16_t)v;
		return 0;
	}
	if (strcmp(s, "amqp") == 0) {           /* the one sctp name in /etc/services */
		*out = 5672;
		return 0;
	}
	return xt_parse_error(ps, "invalid port/service `%s' specified", s);
}

/* parse_sctp_ports(): "a", "a:b", ":b", "a:". */
static int sctp_parse_ports(struct xt_parse *ps, const char *arg, uint16_t *pts)
{
	char buf[64], *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (!colon) {
		if (sctp_port(ps, buf, &pts[0]))
			return -1;
		pts[1] = pts[0];
		return 0;
	}
	*colon++ = '\0';
	pts[0] = 0;
	pts[1] = 0xffff;
	if (buf[0] && sctp_port(ps, buf, &pts[0]))
		return -1;
	if (colon[0] && sctp_port(ps, colon, &pts[1]))
		return -1;
	return 0;
}

/* save_chunk_flag_info(). */
static int sctp_flag(struct sctp_info *s, uint8_t type, unsigned int bit, bool set,
		     struct xt_parse *ps)
{
	int i;

	for (i = 0; i < s->flag_count; i++) {
		if (s->flag_info[i].chunktype == type) {
			s->flag_info[i].flag_mask |= (uint8_t)(1u << bit);
			if (set)
				s->flag_info[i].flag |= (uint8_t)(1u << bit);
			return 0;
		}
	}
	if (s->flag_count == SCTP_NUM_FLAGS)
		return xt_parse_error(ps, "Number of chunk types with flags exceeds currently "
				      "allowed limit. Increasing this limit involves changing "
				      "IPT_NUM_SCTP_FLAGS and recompiling both the kernel space "
				      "and user space modules");
	s->flag_info[i].chunktype = type;
	s->flag_info[i].flag_mask |= (uint8_t)(1u << bit);
	if (set)
		s->flag_info[i].flag |= (uint8_t)(1u << bit);
	s->flag_count++;
	return 0;
}

/* One "NAME[:flags]" of the chunk list. */
static int sctp_parse_chunk(struct sctp_info *s, char *tok, struct xt_parse *ps)
{
	char *fl = strchr(tok, ':');
	const char *p;
	size_t i, j;

	if (fl)
		*fl++ = '\0';
	for (i = 0; i < SCTP_NCHUNKS; i++)
		if (strcasecmp(sctp_chunks[i].name, tok) == 0)
			break;
	if (i < SCTP_NCHUNKS) {
		s->chunkmap[sctp_chunks[i].type / 32] |= 1u << (sctp_chunks[i].type % 32);
	} else if (strcasecmp(tok, "ALL") == 0) {
		memset(s->chunkmap, 0xff, sizeof(s->chunkmap));
	} else if (strcasecmp(tok, "NONE") == 0) {
		memset(s->chunkmap, 0, sizeof(s->chunkmap));
	} else {
		return xt_parse_error(ps, "Unknown sctp chunk `%s'", tok);
	}
	if (!fl)
		return 0;
	for (j = 0; fl[j]; j++) {
		p = i < SCTP_NCHUNKS && fl[j] != '-' ?
			    strchr(sctp_chunks[i].valid_flags, toupper((unsigned char)fl[j])) : NULL;
		if (!p)
			return xt_parse_error(ps, "Invalid flags for chunk type %zu", i);
		if (sctp_flag(s, sctp_chunks[i].type, 7u - (unsigned int)(p - sctp_chunks[i].valid_flags),
			      isupper((unsigned char)fl[j]), ps))
			return -1;
	}
	return 0;
}

/* parse_sctp_chunks(): "all|any|only LIST". */
static int sctp_parse_chunks(struct sctp_info *s, const char *arg, struct xt_parse *ps)
{
	char buf[512], *list, *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	list = strchr(buf, ' ');
	if (list)
		*list++ = '\0';
	if (strcasecmp(buf, "ANY") == 0)
		s->chunk_match_type = SCTP_MATCH_ANY;
	else if (strcasecmp(buf, "ALL") == 0)
		s->chunk_match_type = SCTP_MATCH_ALL;
	else if (strcasecmp(buf, "ONLY") == 0)
		s->chunk_match_type = SCTP_MATCH_ONLY;
	else
		return xt_parse_error(ps, "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
	memset(s->chunkmap, 0, sizeof(s->chunkmap));
	for (tok = strtok_r(list ? list : (char *)"", ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (sctp_parse_chunk(s, tok, ps))
			return -1;
	return 0;
}

static int sctp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const char *const once[] = { "Only one `--source-port' allowed",
					    "Only one `--destination-port' allowed",
					    "Only one `--chunk-types' allowed" };
	static const uint32_t bits[] = { SCTP_SRC_PORTS, SCTP_DEST_PORTS, SCTP_CHUNK_TYPES };
	struct sctp_info *s = data;
	int rc;

	if (s->flags & bits[id])
		return xt_parse_error(ps, "%s", once[id]);
	s->flags |= bits[id];
	if (id == O_SPORT)
		rc = sctp_parse_ports(ps, arg, s->spts);
	else if (id == O_DPORT)
		rc = sctp_parse_ports(ps, arg, s->dpts);
	else
		rc = sctp_parse_chunks(s, arg, ps);
	if (invert)
		s->invflags |= bits[id];
	return rc;
}

static void sctp_init(void *data)
{
	struct sctp_info *s = data;

	s->spts[1] = s->dpts[1] = 0xffff;
}

/* sctp_mt_check(). */
static int sctp_check(const void *data, struct xt_parse *ps)
{
	const struct sctp_info *s = data;
	uint32_t valid = SCTP_SRC_PORTS | SCTP_DEST_PORTS | SCTP_CHUNK_TYPES;

	if ((s->flags & ~valid) || (s->invflags & ~valid) || (s->invflags & ~s->flags))
		return -EINVAL;
	if ((s->flags & SCTP_CHUNK_TYPES) &&
	    (s->chunk_match_type & ~(SCTP_MATCH_ANY | SCTP_MATCH_ALL | SCTP_MATCH_ONLY)))
		return -EINVAL;
	return 0;
}

/* print_chunks(): NONE, ALL, or the list with each chunk's flags. */
static void sctp_chunks_out(const struct sctp_info *s, bool numeric, struct strbuf *out)
{
	static const char *const types[] = { "", " any", " all", "", " only" };
	bool all = true, none = true, first = true;
	unsigned int i, j, k;

	sb_add(out, s->chunk_match_type <= 4 ? types[s->chunk_match_type] : "");
	for (i = 0; i < SCTP_MAP_WORDS; i++) {
		all &= s->chunkmap[i] == 0xffffffffu;
		none &= s->chunkmap[i] == 0;
	}
	if (none || all) {
		sb_add(out, none ? " NONE" : " ALL");
		return;
	}
	for (i = 0; i < 256; i++) {
		if (!sctp_map_isset(s->chunkmap, i))
			continue;
		for (k = 0; k < SCTP_NCHUNKS && sctp_chunks[k].type != i; k++)
			;
		sb_addc(out, first ? ' ' : ',');
		first = false;
		if (numeric)
			sb_addf(out, "0x%04X", i);
		else
			sb_add(out, k < SCTP_NCHUNKS ? sctp_chunks[k].name : "UNKNOWN");
		for (j = 0; j < (unsigned int)s->flag_count; j++) {
			const struct sctp_flag_info *f = &s->flag_info[j];
			int b;

			/* print_chunk_flags() looks the flags up by table index, not
			 * type, and skips types past the table (I_DATA...). */
			if (f->chunktype != i || !f->flag_mask || i >= SCTP_NCHUNKS)
				continue;
			sb_addc(out, ':');
			for (b = 7; b >= 0; b--) {
				char c = sctp_chunks[i].valid_flags[7 - b];

				if (f->flag_mask & (1u << b))
					sb_addc(out, f->flag & (1u << b) ? c : (char)tolower((unsigned char)c));
			}
		}
	}
}

static void sctp_ports_save(const char *opt, const uint16_t *pts, bool inv, struct strbuf *out)
{
	sb_addf(out, "%s --%s %u", inv ? " !" : "", opt, pts[0]);
	if (pts[0] != pts[1])
		sb_addf(out, ":%u", pts[1]);
}

static void sctp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct sctp_info *s = data;

	if (s->flags & SCTP_SRC_PORTS)
		sctp_ports_save("sport", s->spts, s->invflags & SCTP_SRC_PORTS, out);
	if (s->flags & SCTP_DEST_PORTS)
		sctp_ports_save("dport", s->dpts, s->invflags & SCTP_DEST_PORTS, out);
	if (s->flags & SCTP_CHUNK_TYPES) {
		sb_addf(out, "%s --chunk-types", s->invflags & SCTP_CHUNK_TYPES ? " !" : "");
		sctp_chunks_out(s, false, out);
	}
}

static void sctp_ports_print(const char *name, const uint16_t *pts, bool inv, struct strbuf *out)
{
	if (pts[0] == 0 && pts[1] == 0xffff && !inv)
		return;
	if (pts[0] == pts[1])
		sb_addf(out, " %s:%s%u", name, inv ? "!" : "", pts[0]);
	else
		sb_addf(out, " %ss:%s%u:%u", name, inv ? "!" : "", pts[0], pts[1]);
}

static void sctp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct sctp_info *s = data;

	sb_add(out, " sctp");
	if (s->flags & SCTP_SRC_PORTS)
		sctp_ports_print("spt", s->spts, s->invflags & SCTP_SRC_PORTS, out);
	if (s->flags & SCTP_DEST_PORTS)
		sctp_ports_print("dpt", s->dpts, s->invflags & SCTP_DEST_PORTS, out);
	if (s->flags & SCTP_CHUNK_TYPES) {
		if (s->invflags & SCTP_CHUNK_TYPES)
			sb_add(out, " !");
		sctp_chunks_out(s, flags & XT_PRINT_NUMERIC, out);
	}
}

/* match_flags(). */
static bool sctp_flags_ok(const struct sctp_info *s, uint8_t type, uint8_t flags)
{
	int i;

	for (i = 0; i < s->flag_count; i++)
		if (s->flag_info[i].chunktype == type)
			return (flags & s->flag_info[i].flag_mask) == s->flag_info[i].flag;
	return true;
}

/* match_packet(): walk the chunks after the common header. */
static bool sctp_chunks_match(const struct sctp_info *s, const struct pkt *pkt, uint32_t off,
			      bool *hotdrop)
{
	uint32_t copy[SCTP_MAP_WORDS];
	const uint8_t *ch;
	unsigned int i;

	if (s->chunk_match_type == SCTP_MATCH_ALL)
		memcpy(copy, s->chunkmap, sizeof(copy));
	do {
		ch = pkt_header(pkt, off, 4);
		if (!ch || (ch[2] == 0 && ch[3] == 0)) {
			*hotdrop = true;
			return false;
		}
		if (sctp_map_isset(s->chunkmap, ch[0])) {
			bool ok = sctp_flags_ok(s, ch[0], ch[1]);

			if (s->chunk_match_type == SCTP_MATCH_ANY && ok)
				return true;
			if (s->chunk_match_type == SCTP_MATCH_ALL && ok)
				copy[ch[0] / 32] &= ~(1u << (ch[0] % 32));
			if (s->chunk_match_type == SCTP_MATCH_ONLY && !ok)
				return false;
		} else if (s->chunk_match_type == SCTP_MATCH_ONLY) {
			return false;
		}
		off += ((uint32_t)(ch[2] << 8 | ch[3]) + 3u) & ~3u;
	} while (off < pkt_end(pkt));
	if (s->chunk_match_type == SCTP_MATCH_ALL) {
		for (i = 0; i < SCTP_MAP_WORDS; i++)
			if (copy[i])
				return false;
		return true;
	}
	return s->chunk_match_type == SCTP_MATCH_ONLY;
}

/* sctp_mt(): SCCHECK() of each given test, inverted as asked. */
static bool sctp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct sctp_info *s = data;
	const uint8_t *sh;
	uint16_t sp, dp;

	if (par->fragoff != 0)
		return false;
	sh = pkt_header(pkt, par->thoff, 12);
	if (!sh) {
		par->hotdrop = true;
		return false;
	}
	sp = (uint16_t)(sh[0] << 8 | sh[1]);
	dp = (uint16_t)(sh[2] << 8 | sh[3]);
	if ((s->flags & SCTP_SRC_PORTS) &&
	    !(!!(s->invflags & SCTP_SRC_PORTS) ^ (sp >= s->spts[0] && sp <= s->spts[1])))
		return false;
	if ((s->flags & SCTP_DEST_PORTS) &&
	    !(!!(s->invflags & SCTP_DEST_PORTS) ^ (dp >= s->dpts[0] && dp <= s->dpts[1])))
		return false;
	if ((s->flags & SCTP_CHUNK_TYPES) &&
	    !(!!(s->invflags & SCTP_CHUNK_TYPES) ^
	      sctp_chunks_match(s, pkt, par->thoff + 12, &par->hotdrop)))
		return false;
	return true;
}

const struct xt_match_ops xt_match_sctp = {
	.name = "sctp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct sctp_info),
	.opts = sctp_opts,
	.proto = 132,
	.init = sctp_init,
	.parse = sctp_parse,
	.check = sctp_check,
	.save = sctp_save,
	.print = sctp_print,
	.match = sctp_match,
};
