#include "aws/strlist.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

void strlist_init(struct strlist *l)
{
	l->v = NULL;
	l->n = 0;
	l->alloc = 0;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	strlist_init(l);
}

void strlist_add_owned(struct strlist *l, char *s)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = s;
}

void strlist_add(struct strlist *l, const char *s)
{
	strlist_add_owned(l, xstrdup(s));
}

int strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void strlist_split(struct strlist *l, const char *s, int sep)
{
	while (*s) {
		const char *end = strchr(s, sep);
		const char *next = end ? end + 1 : s + strlen(s);

		if (!end)
			end = next;
		while (s < end && isspace((unsigned char)*s))
			s++;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		if (end > s)
			strlist_add_owned(l, xstrndup(s, (size_t)(end - s)));
		s = next;
	}
}
