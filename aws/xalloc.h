/* Allocation helpers that abort on out-of-memory, so that error paths are kept
 * for real failures. Every pointer they return is owned by the caller. */
#ifndef VPCFLOW_AWS_XALLOC_H
#define VPCFLOW_AWS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Like asprintf; never fails. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array so that it holds at least n elements (alloc is in elements). */
#define ALLOC_GROW(ptr, n, alloc)                                                                  \
	do {                                                                                       \
		if ((n) > (alloc)) {                                                               \
			(alloc) = (alloc) ? (alloc)*2 : 8;                                         \
			if ((alloc) < (n))                                                         \
				(alloc) = (n);                                                     \
			(ptr) = xrealloc((ptr), (alloc) * sizeof(*(ptr)));                         \
		}                                                                                  \
	} while (0)

#endif
