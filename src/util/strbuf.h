/* strbuf: a growable string for command output and messages (not for the packet path). */
#ifndef USNF_UTIL_STRBUF_H
#define USNF_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s;        /* always NUL-terminated once anything was added; NULL when empty */
	size_t len;
	size_t cap;
	int oom;        /* set if an allocation failed; further appends are ignored */
};

#define STRBUF_INIT { NULL, 0, 0, 0 }

void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void sb_addf(struct strbuf *sb, const char *fmt, ...);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);               /* len = 0, keeps memory */
void sb_release(struct strbuf *sb);             /* frees, back to STRBUF_INIT */
static inline const char *sb_str(const struct strbuf *sb) { return sb->s ? sb->s : ""; }

#endif
