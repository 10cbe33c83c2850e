#include "engine/table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"

void table_init(struct table *t, const char *const *headers, size_t n_cols)
{
	t->headers = headers;
	t->n_cols = n_cols;
	t->cells = NULL;
	t->n_rows = 0;
	t->alloc_rows = 0;
	t->styles = NULL;
	t->alloc_styles = 0;
	t->color = 0;
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->styles);
	table_init(t, t->headers, t->n_cols);
}

size_t table_add_row(struct table *t, const char *const *cells)
{
	size_t need = (t->n_rows + 1) * t->n_cols, at = t->n_rows * t->n_cols;

	ALLOC_GROW(t->cells, need, t->alloc_rows);
	ALLOC_GROW(t->styles, need, t->alloc_styles);
	for (size_t c = 0; c < t->n_cols; c++) {
		t->cells[at + c] = xstrdup(cells[c] ? cells[c] : "");
		t->styles[at + c] = TABLE_PLAIN;
	}
	return t->n_rows++;
}

void table_set_style(struct table *t, size_t row, size_t col, enum table_style style)
{
	if (row < t->n_rows && col < t->n_cols)
		t->styles[row * t->n_cols + col] = (unsigned char)style;
}

/* qsort has no context argument: the table and the sort keys travel in
 * statics, so table_sort is not reentrant. */
static const struct table *sort_table;
static const size_t *sort_cols;
static size_t sort_n_cols;

/* Compares two row numbers by their rows' keys; equal keys fall back to
 * the row number, which makes the sort stable. */
static int compare_rows(const void *a, const void *b)
{
	size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
	char *const *ca = &sort_table->cells[ra * sort_table->n_cols];
	char *const *cb = &sort_table->cells[rb * sort_table->n_cols];

	for (size_t i = 0; i < sort_n_cols; i++) {
		int c = strcmp(ca[sort_cols[i]], cb[sort_cols[i]]);

		if (c)
			return c;
	}
	return ra < rb ? -1 : ra > rb;
}

void table_sort(struct table *t, const size_t *cols, size_t n_cols)
{
	size_t *order, n = t->n_rows * t->n_cols;
	char **cells;
	unsigned char *styles;

	if (t->n_rows < 2)
		return;
	/* Sort row numbers, then move cells and styles together. */
	order = xcalloc(t->n_rows, sizeof(*order));
	for (size_t r = 0; r < t->n_rows; r++)
		order[r] = r;
	sort_table = t;
	sort_cols = cols;
	sort_n_cols = n_cols;
	qsort(order, t->n_rows, sizeof(*order), compare_rows);
	cells = xcalloc(n, sizeof(*cells));
	styles = xcalloc(n, sizeof(*styles));
	for (size_t r = 0; r < t->n_rows; r++) {
		memcpy(&cells[r * t->n_cols], &t->cells[order[r] * t->n_cols],
		       t->n_cols * sizeof(*cells));
		memcpy(&styles[r * t->n_cols], &t->styles[order[r] * t->n_cols], t->n_cols);
	}
	free(t->cells);
	free(t->styles);
	t->cells = cells;
	t->styles = styles;
	t->alloc_rows = t->alloc_styles = n;
	free(order);
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

const char *table_sgr(enum table_style style)
{
	static const char *const sgr[] = {
	    [TABLE_PLAIN] = "",
	    [TABLE_BOLD] = "\033[1m",
	    [TABLE_DIM] = "\033[2m",
	    [TABLE_RED] = "\033[31m",
	    [TABLE_BOLD_RED] = "\033[1;31m",
	    [TABLE_GREEN] = "\033[32m",
	    [TABLE_YELLOW] = "\033[33m",
	    [TABLE_CYAN] = "\033[36m",
	};

	return (size_t)style < sizeof(sgr) / sizeof(sgr[0]) ? sgr[style] : "";
}

void table_add_cell(struct buf *out, const char *text, size_t width, enum table_style style,
                    int color)
{
	int styled = color && style != TABLE_PLAIN && *text;
	size_t w = text_width(text);

	if (styled)
		buf_addstr(out, table_sgr(style));
	for (const char *s = text; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		buf_addch(out, ch < 0x20 || ch == 0x7f ? '?' : ch);
	}
	if (styled)
		buf_addstr(out, TABLE_SGR_RESET);
	for (; w < width; w++)
		buf_addch(out, ' ');
}

void table_print(const struct table *t, FILE *f)
{
	size_t *width = xcalloc(t->n_cols, sizeof(*width));
	struct buf line = BUF_INIT;

	for (size_t c = 0; c < t->n_cols; c++)
		width[c] = text_width(t->headers[c]);
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols; c++) {
			size_t w = text_width(t->cells[r * t->n_cols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r <= t->n_rows; r++) {
		buf_reset(&line);
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *s = t->headers[c];
			enum table_style style = TABLE_BOLD;
			int last = c + 1 == t->n_cols;

			if (r > 0) {
				s = t->cells[(r - 1) * t->n_cols + c];
				style = (enum table_style)t->styles[(r - 1) * t->n_cols + c];
			}

			/* Two spaces between columns; none after the last. */
			table_add_cell(&line, s, last ? 0 : width[c] + 2, style, t->color);
		}
		buf_addch(&line, '\n');
		fwrite(line.data, 1, line.len, f);
	}
	buf_release(&line);
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
