/* fuzz_pcapng: the pcapng reader on arbitrary bytes; what it accepts must survive a write/read round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapng_file f, g;
	struct pcapng_writer w;
	struct strbuf err = STRBUF_INIT;

	if (pcapng_parse(data, size, &f, &err)) {
		sb_release(&err);
		return 0;
	}
	pcapng_writer_init(&w);
	for (unsigned int i = 0; i < f.n_ifaces; i++)
		pcapng_writer_add_iface(&w, f.ifaces[i].name);
	for (unsigned int i = 0; i < f.n_frames; i++)
		pcapng_writer_add_frame(&w, f.frames[i].iface, f.frames[i].ts_ns, f.frames[i].data,
					f.frames[i].len);
	if (!w.oom) {
		if (pcapng_parse(w.buf, w.len, &g, &err))
			abort();        /* our own output must parse */
		if (g.n_frames != f.n_frames || g.n_ifaces != f.n_ifaces)
			abort();
		for (unsigned int i = 0; i < g.n_frames; i++)
			if (g.frames[i].len != f.frames[i].len ||
			    memcmp(g.frames[i].data, f.frames[i].data, f.frames[i].len))
				abort();
		pcapng_file_free(&g);
	}
	pcapng_writer_release(&w);
	pcapng_file_free(&f);
	sb_release(&err);
	return 0;
}
