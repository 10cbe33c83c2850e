/* A table of strings printed aligned (for people) or as CSV.
 *
 * Invariants: every row has n_cols cells, each an owned string (never NULL:
 * absent values are stored as ""). Control characters in cells are shown as
 * '?' when printed, so that text from AWS (tags, names) cannot drive the
 * terminal. */
#ifndef VPCFLOW_ENGINE_TABLE_H
#define VPCFLOW_ENGINE_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table {
	const char *const *headers; /* borrowed, n_cols titles */
	size_t n_cols;
	char **cells; /* n_rows * n_cols, row-major */
	size_t n_rows, alloc_rows;
};

void table_init(struct table *t, const char *const *headers, size_t n_cols);
void table_release(struct table *t);
/* Appends a row of n_cols strings (copied; NULL becomes ""). */
void table_add_row(struct table *t, const char *const *cells);
/* Sorts rows by the given columns, in order, as strings. */
void table_sort(struct table *t, const size_t *cols, size_t n_cols);
/* Prints headers and rows with columns padded to their widest cell. */
void table_print(const struct table *t, FILE *f);
/* RFC 4180 CSV with a header row. Cells that a spreadsheet would read as a
 * formula (leading = or @, or + or - not followed by a digit) are prefixed with a quote. */
void table_print_csv(const struct table *t, FILE *f);

#endif
