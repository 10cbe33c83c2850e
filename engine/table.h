/* A table of strings printed aligned (for people) or as CSV.
 *
 * Invariants: every row has n_cols cells, each an owned string (never NULL:
 * absent values are stored as "") with a style (TABLE_PLAIN unless set).
 * Control characters in cells are shown as '?' when printed, so that text
 * from AWS (tags, names) cannot drive the terminal. Styles are drawn only
 * when color is set (the caller decides: a terminal, NO_COLOR, --color);
 * widths are always those of the plain text, so a table lines up the same
 * with colour or without. */
#ifndef VPCFLOW_ENGINE_TABLE_H
#define VPCFLOW_ENGINE_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct buf;

/* How a cell is drawn on a colour terminal (SGR codes, no curses). Kept few
 * and meaning-bound: red for what is broken or deleted, yellow for what
 * changes or deserves a look, green for what is created or fine, cyan for
 * low findings, dim for notes and what stays as it is. */
enum table_style {
	TABLE_PLAIN,
	TABLE_BOLD,
	TABLE_DIM,
	TABLE_RED,
	TABLE_BOLD_RED,
	TABLE_GREEN,
	TABLE_YELLOW,
	TABLE_CYAN,
};

/* Ends any style. */
#define TABLE_SGR_RESET "\033[0m"

struct table {
	const char *const *headers; /* borrowed, n_cols titles */
	size_t n_cols;
	char **cells; /* n_rows * n_cols, row-major */
	size_t n_rows, alloc_rows;
	unsigned char *styles; /* n_rows * n_cols enum table_style, like cells */
	size_t alloc_styles;
	int color; /* table_print draws styles and bold headers */
};

/* An empty table without colour. */
void table_init(struct table *t, const char *const *headers, size_t n_cols);
void table_release(struct table *t);
/* Appends a row of n_cols strings (copied; NULL becomes ""), all plain.
 * Returns the row's index, for table_set_style. */
size_t table_add_row(struct table *t, const char *const *cells);
/* Draws the cell at row, col in style (rows keep their styles when sorted). */
void table_set_style(struct table *t, size_t row, size_t col, enum table_style style);
/* Sorts rows by the given columns, in order, as strings; rows that compare
 * equal keep their order. */
void table_sort(struct table *t, const size_t *cols, size_t n_cols);
/* Prints headers and rows with columns padded to their widest cell. */
void table_print(const struct table *t, FILE *f);
/* RFC 4180 CSV with a header row, never styled. Cells that a spreadsheet would
 * read as a formula (leading = or @, or + or - not followed by a digit) are
 * prefixed with a quote. */
void table_print_csv(const struct table *t, FILE *f);

/* For printers that write their own rows (one cell, one call): appends text
 * (control characters as '?') to out, inside style's escape sequences when
 * color is set, then spaces up to width columns (0: none). The padding
 * stays outside the escapes, so widths count the plain text only. */
void table_add_cell(struct buf *out, const char *text, size_t width, enum table_style style,
                    int color);
/* The escape sequence that starts style ("" for TABLE_PLAIN); end it with
 * TABLE_SGR_RESET. Static string. */
const char *table_sgr(enum table_style style);

#endif
