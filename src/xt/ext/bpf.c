/*
 * bpf: run a classic BPF program over the packet from its network header
 * (xt_bpf.c revision 1 with --bytecode, libxt_bpf.c).  The program is checked as
 * bpf_check_classic() does and interpreted with the semantics of the kernel's
 * cBPF-to-eBPF conversion: a load outside the packet or a division by a zero X
 * ends the program with 0.  --object-pinned (an eBPF object in bpffs) has no
 * equivalent here and is refused as a path that does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define BPF_MAX_INSTR 64        /* XT_BPF_MAX_NUM_INSTR */
#define BPF_MEMWORDS 16
#define BPF_PATH_MAX 512
#define SKF_AD_OFF (-0x1000)
#define SKF_NET_OFF (-0x100000)
#define SKF_LL_OFF (-0x200000)

enum { M_BYTECODE = 0, M_PINNED = 1 };
enum { O_BCODE = 0, O_PINNED };

/* struct sock_filter */
struct bpf_insn_c {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

/* struct xt_bpf_info_v1 (bytecode mode) */
struct bpf_info {
	uint16_t mode;
	uint16_t num;
	struct bpf_insn_c prog[BPF_MAX_INSTR];
	char path[BPF_PATH_MAX];
};

static const struct xt_opt bpf_opts[] = {
	{ .name = "bytecode", .id = O_BCODE, .arg = XT_ARG_REQUIRED },
	{ .name = "object-pinned", .id = O_PINNED, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc bpf_fc[] = {
	{ .id = O_BCODE, .excl = EXT_F(O_PINNED) },
	{ .id = O_PINNED, .excl = EXT_F(O_BCODE) },
	{ .id = EXT_FC_END },
};

/* bpf_parse_string(): "N,code jt jf k,code jt jf k,..." */
static int bpf_parse_code(struct bpf_info *b, const char *arg, struct xt_parse *ps)
{
	const char *tok = arg;
	unsigned int len, i = 0, code, jt, jf, k;
	char sep;

	if (sscanf(arg, "%u%c", &len, &sep) != 2 || sep != ',' || len > 0xffff)
		return xt_parse_error(ps, "bpf: error parsing program length");
	if (!len)
		return xt_parse_error(ps, "bpf: illegal zero length program");
	if (len > BPF_MAX_INSTR)
		return xt_parse_error(ps, "bpf: number of instructions exceeds maximum");
	while ((tok = strchr(tok, ',')) && (++tok)[0]) {
		if (i >= len)
			return xt_parse_error(ps, "bpf: real program length exceeds encoded length "
					      "parameter");
		if (sscanf(tok, "%u %u %u %u", &code, &jt, &jf, &k) != 4)
			return xt_parse_error(ps, "bpf: error at instr %d", i);
		b->prog[i].code = (uint16_t)code;
		b->prog[i].jt = (uint8_t)jt;
		b->prog[i].jf = (uint8_t)jf;
		b->prog[i].k = k;
		i++;
	}
	if (i != len)
		return xt_parse_error(ps, "bpf: parsed program length is less than the encoded "
				      "length parameter");
	b->num = (uint16_t)len;
	b->mode = M_BYTECODE;
	return 0;
}

static int bpf_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct bpf_info *b = data;

	if (id == O_BCODE)
		return bpf_parse_code(b, arg, ps);
	if (strlen(arg) >= BPF_PATH_MAX)
		return xt_parse_error(ps, "bpf: argument too long (max %u)", BPF_PATH_MAX - 1);
	memset(b->path, 0, sizeof(b->path));
	strcpy(b->path, arg);
	b->mode = M_PINNED;
	/* bpf_obj_get_readonly(): no bpffs here */
	return xt_parse_error(ps, "bpf: failed to get bpf object");
}

static int bpf_final_check(void *data, struct xt_parse *ps)
{
	const struct bpf_info *b = data;

	return ext_fcheck(ps, "bpf", bpf_opts, bpf_fc, b->num ? EXT_F(O_BCODE) : 0);
}

/* The opcodes bpf_check_classic() accepts. */
static bool bpf_code_ok(uint16_t c)
{
	static const uint16_t codes[] = {
		0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x94, 0x9c, 0x54, 0x5c, 0x44,
		0x4c, 0x64, 0x6c, 0x74, 0x7c, 0xa4, 0xac, 0x84,                 /* ALU */
		0x20, 0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60,           /* LD */
		0x01, 0x61, 0x81, 0xb1,                                         /* LDX */
		0x02, 0x03,                                                     /* ST, STX */
		0x07, 0x87,                                                     /* TAX, TXA */
		0x06, 0x16,                                                     /* RET K, A */
		0x05, 0x15, 0x1d, 0x35, 0x3d, 0x25, 0x2d, 0x45, 0x4d,           /* JMP */
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == c)
			return true;
	return false;
}

/* The ancillary loads (SKF_AD_*) the kernel knows: offsets 0..60 past SKF_AD_OFF. */
static bool bpf_anc_ok(uint32_t k)
{
	int32_t off = (int32_t)k - SKF_AD_OFF;

	return off >= 0 && off <= 60 && off % 4 == 0;
}

/* check_load_and_stores(): every M[] slot read is written first on all paths. */
static bool bpf_mem_ok(const struct bpf_insn_c *p, unsigned int n)
{
	uint16_t valid[BPF_MAX_INSTR];
	unsigned int pc;

	memset(valid, 0xff, sizeof(valid));
	valid[0] = 0;
	for (pc = 0; pc < n; pc++) {
		uint16_t c = p[pc].code, m = valid[pc];

		switch (c) {
		case 0x02: case 0x03:                           /* ST, STX */
			m |= (uint16_t)(1u << p[pc].k);
			break;
		case 0x60: case 0x61:                           /* LD/LDX MEM */
			if (!(m & (1u << p[pc].k)))
				return false;
			break;
		default:
			break;
		}
		if (c == 0x05) {
			valid[pc + 1 + p[pc].k] &= m;
		} else if ((c & 0x07) == 0x05) {
			valid[pc + 1 + p[pc].jt] &= m;
			valid[pc + 1 + p[pc].jf] &= m;
		} else if ((c & 0x07) != 0x06 && pc + 1 < n) {
			valid[pc + 1] &= m;
		}
	}
	return true;
}

/* bpf_check_classic() */
static int bpf_check(const void *data, struct xt_parse *ps)
{
	const struct bpf_info *b = data;
	unsigned int pc, n = b->num;

	if (b->mode != M_BYTECODE || n == 0 || n > BPF_MAX_INSTR)
		return -EINVAL;
	for (pc = 0; pc < n; pc++) {
		const struct bpf_insn_c *i = &b->prog[pc];

		if (!bpf_code_ok(i->code))
			return -EINVAL;
		switch (i->code) {
		case 0x34: case 0x94:                           /* DIV K, MOD K */
			if (i->k == 0)
				return -EINVAL;
			break;
		case 0x64: case 0x74:                           /* LSH K, RSH K */
			if (i->k >= 32)
				return -EINVAL;
			break;
		case 0x60: case 0x61: case 0x02: case 0x03:     /* M[] access */
			if (i->k >= BPF_MEMWORDS)
				return -EINVAL;
			break;
		case 0x05:                                      /* JA */
			if (i->k >= n - pc - 1)
				return -EINVAL;
			break;
		case 0x20: case 0x28: case 0x30:                /* LD ABS */
			if ((int32_t)i->k >= SKF_AD_OFF && (int32_t)i->k < 0 && !bpf_anc_ok(i->k))
				return -EINVAL;
			break;
		default:
			if ((i->code & 0x07) == 0x05 &&
			    (pc + i->jt + 1 >= n || pc + i->jf + 1 >= n))
				return -EINVAL;
			break;
		}
	}
	if (b->prog[n - 1].code != 0x06 && b->prog[n - 1].code != 0x16)
		return -EINVAL;
	return bpf_mem_ok(b->prog, n) ? 0 : -EINVAL;
}

static void bpf_code_out(const struct bpf_info *b, char tail, struct strbuf *out)
{
	unsigned int i;

	for (i = 0; i < b->num; i++) {
		sb_addf(out, "%u %u %u %u", b->prog[i].code, b->prog[i].jt, b->prog[i].jf,
			b->prog[i].k);
		if (i + 1 < b->num || tail)
			sb_addc(out, i + 1 < b->num ? ',' : tail);
	}
}

static void bpf_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct bpf_info *b = data;

	sb_addf(out, " --bytecode \"%u,", b->num);
	bpf_code_out(b, '"', out);
}

/*
 * bpf_print_v1(): no leading space.  iptables also ends the list with a NUL byte
 * (its tail character); that byte would end the listing's string here, so it is
 * left out.
 */
static void bpf_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	sb_add(out, "match bpf ");
	bpf_code_out(data, '\0', out);
}

/* A load from the packet: offsets past SKF_NET_OFF / SKF_LL_OFF are from those headers. */
static bool bpf_load(const struct pkt *pkt, int64_t off, unsigned int size, uint32_t *v)
{
	uint32_t base = pkt->net_off, end = pkt_end(pkt);
	const uint8_t *p;
	unsigned int i;

	if (off < 0) {
		if (off >= SKF_NET_OFF && off < SKF_AD_OFF) {
			off -= SKF_NET_OFF;
		} else if (off >= SKF_LL_OFF && off < SKF_NET_OFF && pkt->mac_off != PKT_OFF_UNSET) {
			base = pkt->mac_off;
			off -= SKF_LL_OFF;
		} else {
			return false;
		}
	}
	if ((uint64_t)base + (uint64_t)off + size > end)
		return false;
	p = pkt_at(pkt, base + (uint32_t)off);
	*v = 0;
	for (i = 0; i < size; i++)
		*v = *v << 8 | p[i];
	return true;
}

/* The ancillary words usnf can answer (others read as 0). */
static uint32_t bpf_anc(const struct pkt *pkt, uint32_t k, struct xt_action *par)
{
	switch ((int32_t)k - SKF_AD_OFF) {
	case 0: return pkt->protocol;                           /* PROTOCOL */
	case 4: return pkt->pkt_type;                           /* PKTTYPE */
	case 8: return par->state && par->state->in ? (uint32_t)par->state->in->ifindex : 0;
	case 20: return pkt->mark;                              /* MARK */
	default: return 0;                                      /* CPU and the rest */
	}
}

static uint32_t bpf_alu(uint16_t op, uint32_t a, uint32_t v, bool *zero_div)
{
	switch (op) {
	case 0x00: return a + v;
	case 0x10: return a - v;
	case 0x20: return a * v;
	case 0x30: if (!v) { *zero_div = true; return 0; } return a / v;
	case 0x40: return a | v;
	case 0x50: return a & v;
	case 0x60: return a << (v & 31);
	case 0x70: return a >> (v & 31);
	case 0x80: return (uint32_t)-(int32_t)a;
	case 0x90: if (!v) { *zero_div = true; return 0; } return a % v;
	default: return a ^ v;
	}
}

static bool bpf_jmp(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case 0x10: return a == v;
	case 0x20: return a > v;
	case 0x30: return a >= v;
	default: return (a & v) != 0;
	}
}

/* One LD/LDX of a packet byte, half-word or word (ABS, IND, MSH). */
static bool bpf_ld(const struct pkt *pkt, const struct bpf_insn_c *i, uint32_t x,
		   struct xt_action *par, uint32_t *v)
{
	unsigned int size = (i->code & 0x18) == 0x00 ? 4 : (i->code & 0x18) == 0x08 ? 2 : 1;
	int64_t off = (int32_t)i->k;

	if ((i->code & 0xe0) == 0x20 && off >= SKF_AD_OFF && off < 0) {
		*v = bpf_anc(pkt, i->k, par);
		return true;
	}
	if ((i->code & 0xe0) == 0x40)
		off = (int64_t)x + (int32_t)i->k;
	return bpf_load(pkt, off, size, v);
}

static uint32_t bpf_run(const struct bpf_info *b, const struct pkt *pkt, struct xt_action *par)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 }, v, plen = pkt_end(pkt) - pkt->net_off;
	unsigned int pc = 0;
	bool zero = false;

	while (pc < b->num) {
		const struct bpf_insn_c *i = &b->prog[pc++];
		uint16_t c = i->code;

		switch (c & 0x07) {
		case 0x00:                                              /* LD */
			if ((c & 0xe0) == 0x00)
				a = i->k;
			else if ((c & 0xe0) == 0x60)
				a = mem[i->k & 15];
			else if ((c & 0xe0) == 0x80)
				a = plen;
			else if (!bpf_ld(pkt, i, x, par, &a))
				return 0;
			break;
		case 0x01:                                              /* LDX */
			if (c == 0x01)
				x = i->k;
			else if (c == 0x61)
				x = mem[i->k & 15];
			else if (c == 0x81)
				x = plen;
			else if (!bpf_load(pkt, (int32_t)i->k, 1, &v))
				return 0;
			else
				x = (v & 0x0f) * 4;
			break;
		case 0x02: mem[i->k & 15] = a; break;
		case 0x03: mem[i->k & 15] = x; break;
		case 0x04:                                              /* ALU */
			a = bpf_alu(c & 0xf0, a, (c & 0x08) ? x : i->k, &zero);
			if (zero)
				return 0;
			break;
		case 0x05:                                              /* JMP */
			if (c == 0x05)
				pc += i->k;
			else
				pc += bpf_jmp(c & 0xf0, a, (c & 0x08) ? x : i->k) ? i->jt : i->jf;
			break;
		case 0x06:                                              /* RET */
			return c == 0x16 ? a : i->k;
		default:                                                /* MISC */
			if (c == 0x07)
				x = a;
			else
				a = x;
			break;
		}
	}
	return 0;
}

static bool bpf_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return bpf_run(data, pkt, par) != 0;
}

const struct xt_match_ops xt_match_bpf = {
	.name = "bpf",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct bpf_info),
	.opts = bpf_opts,
	.parse = bpf_parse,
	.final_check = bpf_final_check,
	.check = bpf_check,
	.save = bpf_save,
	.print = bpf_print,
	.match = bpf_match,
};
