/* The one growable string buffer of vpcflow (after git's strbuf and curl's dynbuf).
 *
 * Invariants: data is never NULL and always NUL-terminated (data[len] == '\0');
 * an empty buffer points at a shared static "" until the first add. A non-zero cap
 * bounds len, for untrusted input such as HTTP bodies: an add that would pass the
 * cap adds nothing and returns -1. buf_detach() is the only way to take the memory. */
#ifndef VPCFLOW_AWS_BUF_H
#define VPCFLOW_AWS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc; /* 0 while data points at the shared "" */
	size_t cap;   /* 0: unbounded */
};

extern char buf_empty[];
#define BUF_INIT                                                                                   \
	{                                                                                          \
		buf_empty, 0, 0, 0                                                                 \
	}

void buf_init(struct buf *b, size_t cap);
/* Frees the contents and leaves b empty and reusable. */
void buf_release(struct buf *b);
/* Empties b, keeping its memory. */
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Shortens b to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* Returns the NUL-terminated contents, owned by the caller (never NULL), and
 * leaves b empty. len_out may be NULL. */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
