/* recent: the /proc/net/xt_recent/NAME interface of xt_recent's lists. */
#ifndef USNF_XT_EXT_RECENT_H
#define USNF_XT_EXT_RECENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/strbuf.h"

struct usnf_net;

/*
 * The jiffies xt_recent stamps entries with: the kernel's, at HZ=1000, as if the
 * instance had booted at engine clock 0.  A 64-bit kernel starts jiffies at
 * INITIAL_JIFFIES, (unsigned long)(unsigned int)(-300 * HZ), five minutes before
 * the 32-bit wrap, so a setup file's entries (clock 0) read 4294667296.
 */
#define RECENT_INITIAL_JIFFIES 4294667296ull
uint64_t recent_jiffies(uint64_t now_ns);

/* recent_seq_show() of every entry of list name into out; 0 or -ENOENT (no list). */
int recent_proc_show(struct usnf_net *net, const char *name, struct strbuf *out);
/*
 * One write(2) of (buf, len) at file offset *off, as recent_mt_proc_write(): "+ADDR",
 * "-ADDR" or "/" (flush).  Returns the bytes consumed (at most 47: a longer write is
 * short, and the next one at a non-zero offset fails with -ESPIPE), or -EINVAL,
 * -ESPIPE, -ENOENT (no list).
 */
ssize_t recent_proc_write(struct usnf_net *net, const char *name, const char *buf,
			  size_t len, uint64_t *off);
/* The lists' names (the files of /proc/net/xt_recent), oldest first. */
void recent_proc_names(struct usnf_net *net, void (*fn)(void *ctx, const char *name), void *ctx);

#endif
