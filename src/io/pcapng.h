/* io/pcapng: reading and writing pcapng capture files (the simulator's frames in and out). */
#ifndef USNF_IO_PCAPNG_H
#define USNF_IO_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define PCAPNG_LINKTYPE_ETHERNET 1u
#define PCAPNG_LINKTYPE_NFLOG 239u      /* nfgenmsg + NFULA_* TLVs (`tcpdump -i nflog:N`) */
#define PCAPNG_IFNAME_MAX 64u

/* One Interface Description Block.  Interfaces of all sections are numbered globally. */
struct pcapng_iface {
	char name[PCAPNG_IFNAME_MAX];   /* if_name, or "ifN" (N: index in its section) */
	uint16_t linktype;
	uint8_t tsresol;                /* if_tsresol as stored (6: microseconds, the default) */
	int64_t tsoffset;               /* if_tsoffset, seconds */
};

/* One packet; data points into the parsed buffer (pcapng_file.buf). */
struct pcapng_frame {
	unsigned int iface;             /* index into pcapng_file.ifaces */
	uint64_t ts_ns;                 /* timestamp in nanoseconds since the epoch */
	const uint8_t *data;
	uint32_t len;                   /* captured length */
	uint32_t orig_len;
};

struct pcapng_file {
	struct pcapng_iface *ifaces;
	unsigned int n_ifaces;
	struct pcapng_frame *frames;
	unsigned int n_frames;
	uint8_t *buf;                   /* owned copy of the file contents */
	size_t len;
};

/*
 * Parse a whole pcapng file held in (buf, len).  The bytes are copied, so buf may be
 * freed afterwards.  Both byte orders, several sections, EPB, SPB and the obsolete
 * Packet Block are read; unknown block types are skipped.  Returns 0, or -EINVAL with
 * "offset N: what is wrong" in err, or -ENOMEM.  Free the result with pcapng_file_free.
 */
int pcapng_parse(const uint8_t *buf, size_t len, struct pcapng_file *out, struct strbuf *err);
/* Read and parse a file; err gets "PATH: ..." on failure.  Returns 0 or -errno. */
int pcapng_read(const char *path, struct pcapng_file *out, struct strbuf *err);
void pcapng_file_free(struct pcapng_file *f);           /* accepts NULL, resets *f */

/*
 * A writer building the file in memory: one SHB, then IDBs (Ethernet, if_name, default
 * microsecond resolution), then EPBs.  Appends never fail visibly: an allocation
 * failure sets oom and pcapng_writer_save reports -ENOMEM.
 */
struct pcapng_writer {
	uint8_t *buf;
	size_t len;
	size_t cap;
	unsigned int n_ifaces;
	int oom;
};

void pcapng_writer_init(struct pcapng_writer *w);       /* writes the SHB */
/* Add an interface; its id is the number of interfaces added before it. */
unsigned int pcapng_writer_add_iface(struct pcapng_writer *w, const char *name);
/* The same with another link type (PCAPNG_LINKTYPE_NFLOG). */
unsigned int pcapng_writer_add_iface_type(struct pcapng_writer *w, const char *name,
					  uint16_t linktype);
void pcapng_writer_add_frame(struct pcapng_writer *w, unsigned int iface, uint64_t ts_ns,
			     const uint8_t *data, uint32_t len);
/* Write the buffer to path.  Returns 0 or -errno (message in err). */
int pcapng_writer_save(const struct pcapng_writer *w, const char *path, struct strbuf *err);
void pcapng_writer_release(struct pcapng_writer *w);

#endif
