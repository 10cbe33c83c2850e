#include "engine/table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

void table_init(struct table *t, const char *const *headers, size_t n_cols)
{
	t->headers = headers;
	t->n_cols = n_cols;
	t->cells = NULL;
	t->n_rows = 0;
	t->alloc_rows = 0;
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	table_init(t, t->headers, t->n_cols);
}

void table_add_row(struct table *t, const char *const *cells)
{
	size_t need = (t->n_rows + 1) * t->n_cols;

	ALLOC_GROW(t->cells, need, t->alloc_rows);
	for (size_t c = 0; c < t->n_cols; c++)
		t->cells[t->n_rows * t->n_cols + c] = xstrdup(cells[c] ? cells[c] : "");
	t->n_rows++;
}

/* qsort has no context argument: the sort keys travel in a static, so
 * table_sort is not reentrant. */
static const size_t *sort_cols;
static size_t sort_n_cols;

static int compare_rows(const void *a, const void *b)
{
	char *const *ra = a, *const *rb = b;

	for (size_t i = 0; i < sort_n_cols; i++) {
		int c = strcmp(ra[sort_cols[i]], rb[sort_cols[i]]);

		if (c)
			return c;
	}
	return 0;
}

void table_sort(struct table *t, const size_t *cols, size_t n_cols)
{
	char **rows;
	size_t row_bytes = t->n_cols * sizeof(char *);

	if (t->n_rows < 2)
		return;
	/* Sort rows as fixed-size blocks of n_cols pointers. */
	rows = t->cells;
	sort_cols = cols;
	sort_n_cols = n_cols;
	qsort(rows, t->n_rows, row_bytes, compare_rows);
}

/* Display width of s: UTF-8 continuation bytes take no column. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void put_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
	}
}

void table_print(const struct table *t, FILE *f)
{
	size_t *width = xcalloc(t->n_cols, sizeof(*width));

	for (size_t c = 0; c < t->n_cols; c++)
		width[c] = text_width(t->headers[c]);
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols; c++) {
			size_t w = text_width(t->cells[r * t->n_cols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r <= t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *s = r == 0 ? t->headers[c] : t->cells[(r - 1) * t->n_cols + c];
			int last = c + 1 == t->n_cols;

			put_cell(f, s);
			if (!last)
				fprintf(f, "%*s", (int)(width[c] - text_width(s) + 2), "");
		}
		fputc('\n', f);
	}
	free(width);
}

static void put_csv_cell(FILE *f, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	/* A leading = or @ starts a formula; + and - do unless a number follows. */
	int formula = s[0] == '=' || s[0] == '@' ||
	              ((s[0] == '+' || s[0] == '-') && s[1] && !isdigit((unsigned char)s[1]));

	if (quote || formula)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote || formula)
		fputc('"', f);
}

void table_print_csv(const struct table *t, FILE *f)
{
	for (size_t r = 0; r <= t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			if (c)
				fputc(',', f);
			put_csv_cell(f, r == 0 ? t->headers[c] : t->cells[(r - 1) * t->n_cols + c]);
		}
		fputs("\r\n", f);
	}
}
