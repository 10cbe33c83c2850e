/* A small owned list of strings (region names, IDs, ...). */
#ifndef VPCFLOW_AWS_STRLIST_H
#define VPCFLOW_AWS_STRLIST_H

#include <stddef.h>

/* Invariants: v[0..n) are owned, non-NULL, NUL-terminated strings; alloc >= n.
 * A zeroed struct (STRLIST_INIT) is an empty list. */
struct strlist {
	char **v;
	size_t n, alloc;
};

#define STRLIST_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strlist_init(struct strlist *l);
/* Frees every string and the array; leaves l empty and reusable. */
void strlist_release(struct strlist *l);
/* Appends a copy of s. */
void strlist_add(struct strlist *l, const char *s);
/* Appends s itself; l owns it afterwards. */
void strlist_add_owned(struct strlist *l, char *s);
/* Whether l holds a string equal to s. */
int strlist_has(const struct strlist *l, const char *s);
/* Appends the pieces of s between sep characters, with surrounding blanks
 * trimmed; empty pieces are skipped ("a, b,,c" gives a, b, c). */
void strlist_split(struct strlist *l, const char *s, int sep);

#endif
