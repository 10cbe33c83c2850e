/* The header list of aws/http.h. */
#include <stdlib.h>
#include <strings.h>

#include "aws/http.h"
#include "aws/xalloc.h"

void headers_init(struct http_headers *h)
{
	h->v = NULL;
	h->n = 0;
	h->alloc = 0;
}

void headers_release(struct http_headers *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].value);
	}
	free(h->v);
	headers_init(h);
}

void headers_add(struct http_headers *h, const char *name, const char *value)
{
	ALLOC_GROW(h->v, h->n + 1, h->alloc);
	h->v[h->n].name = xstrdup(name);
	h->v[h->n].value = xstrdup(value);
	h->n++;
}

void headers_set(struct http_headers *h, const char *name, const char *value)
{
	size_t i, kept = 0;
	int replaced = 0;

	for (i = 0; i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) != 0) {
			h->v[kept++] = h->v[i];
		} else if (!replaced) {
			free(h->v[i].value);
			h->v[i].value = xstrdup(value);
			h->v[kept++] = h->v[i];
			replaced = 1;
		} else {
			free(h->v[i].name);
			free(h->v[i].value);
		}
	}
	h->n = kept;
	if (!replaced)
		headers_add(h, name, value);
}

const char *headers_get(const struct http_headers *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0)
			return h->v[i].value;
	return NULL;
}
