#include "engine/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

size_t suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *d = xmalloc((n + 1) * (m + 1) * sizeof(*d));
	size_t result;

#define D(i, j) d[(i) * (m + 1) + (j)]
	for (size_t i = 0; i <= n; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= m; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			size_t best = D(i - 1, j) + 1;

			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	result = D(n, m);
#undef D
	free(d);
	return result;
}

const char *suggest_nearest(const char *word, const char *const *candidates)
{
	size_t len = strlen(word);
	size_t limit = len < 3 ? 1 : len / 3 + 1;
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	if (limit > 3)
		limit = 3;
	for (const char *const *c = candidates; *c; c++) {
		size_t d = suggest_distance(word, *c);

		if (d < best_d) {
			best_d = d;
			best = *c;
		}
	}
	return best && best_d <= limit ? best : NULL;
}
