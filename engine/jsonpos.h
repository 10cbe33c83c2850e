/* Where things are in a JSON text: the line and column of every value and
 * object key, by key path, for error messages that point into a file.
 * jansson gives positions only for syntax errors; this scanner reads the
 * text a second time to find the rest.
 *
 * Paths are written as in messages: "flowLogConfigs[1].retentionDays",
 * "tags[\"team/owner\"]" for keys that are not plain words; the root is "".
 * Lines and columns are 1-based; columns count characters, not bytes. */
#ifndef VPCFLOW_ENGINE_JSONPOS_H
#define VPCFLOW_ENGINE_JSONPOS_H

#include <stddef.h>

#include "aws/buf.h"

/* One value. key_* give the position of its key when it is an object
 * member (0 otherwise). */
struct jsonpos_entry {
	char *path;    /* owned */
	size_t offset; /* byte offset of the value's first byte */
	int line, column;
	int key_line, key_column;
};

/* Invariants: v[0..n) are in text order; paths are unique unless the text
 * repeats a key. JSONPOS_INIT is an empty index. */
struct jsonpos {
	struct jsonpos_entry *v;
	size_t n, alloc;
};

#define JSONPOS_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Indexes every value of text. Returns 0, or -1 if the text is not valid
 * JSON (the values before the error are indexed). */
int jsonpos_build(struct jsonpos *out, const char *text, size_t len);
/* The first entry with this path, or NULL. */
const struct jsonpos_entry *jsonpos_find(const struct jsonpos *idx, const char *path);
void jsonpos_release(struct jsonpos *idx);

/* Appends to path the path of the place at byte offset: the value, key or
 * array element the scanner reads there, in a possibly invalid text. */
void jsonpos_path_at(struct buf *path, const char *text, size_t len, size_t offset);
/* Line and column of byte offset in text. */
void jsonpos_line_col(const char *text, size_t len, size_t offset, int *line, int *column);
/* Column of the decoded byte `at` of the string value e (JSON strings hold
 * no raw newlines, so it is on e's line). */
int jsonpos_string_column(const char *text, size_t len, const struct jsonpos_entry *e, size_t at);

/* Path building: ".key" (or "key" at the root) for plain words, else
 * "[\"key\"]"; and "[i]". */
void jsonpos_path_key(struct buf *path, const char *key);
void jsonpos_path_index(struct buf *path, size_t i);

#endif
