#include "engine/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

/* Three rolling rows of the distance table (the transposition looks two
 * rows back), so memory stays linear in the length of b. */
size_t suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *rows = xmalloc(3 * (m + 1) * sizeof(*rows));
	size_t *prev2 = rows, *prev = rows + m + 1, *cur = rows + 2 * (m + 1);
	size_t result;

	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + (ca != cb) < best)
				best = prev[j - 1] + (ca != cb);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		{
			size_t *t = prev2;

			prev2 = prev;
			prev = cur;
			cur = t;
		}
	}
	result = prev[m];
	free(rows);
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
		size_t clen = strlen(*c);
		size_t d;

		/* Lengths further apart than the limit cannot be near enough. */
		if ((clen > len ? clen - len : len - clen) > limit)
			continue;
		d = suggest_distance(word, *c);

		if (d < best_d) {
			best_d = d;
			best = *c;
		}
	}
	return best && best_d <= limit ? best : NULL;
}
