/* The INI dialect of the AWS CLI's config and credentials files, read the
 * way botocore's configloader (over Python's RawConfigParser) reads them:
 * full-line `#`/`;` comments only (no inline comments), `=` or `:` as the
 * separator, values stripped, indented continuation lines, nested `s3 =`
 * blocks. A UTF-8 byte order mark at the start is skipped (the CLI rejects
 * it; nobody means it). Iterative, bounded by len, NUL bytes refused. */
#include "aws/ini.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/xalloc.h"

/* Python's str.isspace() on ASCII: what strip() removes. */
static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* The option being read: its value is complete only when a line that is not a
 * continuation arrives. lines[i] is the file line of the i-th value line. */
struct ini_state {
	ini_cb cb;
	const struct ini_hooks *hooks;
	void *ctx;
	struct aws_error *err;
	struct buf section;
	int have_section;
	int pending;
	struct buf key;
	struct buf value;
	int *lines;
	size_t n_lines, alloc_lines;
	size_t indent_level;
};

static void state_add_value_line(struct ini_state *st, const char *s, size_t n, int line)
{
	if (st->n_lines)
		buf_addch(&st->value, '\n');
	buf_add(&st->value, s, n);
	ALLOC_GROW(st->lines, st->n_lines + 1, st->alloc_lines);
	st->lines[st->n_lines++] = line;
}

/* Reports one nested block (`s3 =` followed by indented `key = value` lines)
 * as "s3.key" settings, as botocore's _parse_nested does. */
static int flush_nested(struct ini_state *st)
{
	struct buf key = BUF_INIT;
	struct buf val = BUF_INIT;
	const char *p = st->value.data;
	const char *end = st->value.data + st->value.len;
	size_t idx = 0;
	int rc = 0;

	while (p <= end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le, *eq;
		int line = idx < st->n_lines ? st->lines[idx] : st->lines[st->n_lines - 1];

		while (s < e && is_space((unsigned char)*s))
			s++;
		while (e > s && is_space((unsigned char)e[-1]))
			e--;
		if (s < e) {
			eq = memchr(s, '=', (size_t)(e - s));
			if (!eq) {
				rc = error_set(
				    st->err, ERR_CONFIG,
				    "line %d: expected 'key = value' in the settings of '%s'", line,
				    st->key.data);
				break;
			}
			const char *ke = eq, *vs = eq + 1;
			while (ke > s && is_space((unsigned char)ke[-1]))
				ke--;
			while (vs < e && is_space((unsigned char)*vs))
				vs++;
			buf_reset(&key);
			buf_addf(&key, "%s.", st->key.data);
			buf_add(&key, s, (size_t)(ke - s));
			buf_reset(&val);
			buf_add(&val, vs, (size_t)(e - vs));
			rc = st->cb(st->ctx, st->section.data, key.data, val.data, line);
		}
		if (!nl)
			break;
		p = nl + 1;
		idx++;
	}
	buf_release(&key);
	buf_release(&val);
	return rc;
}

/* Hands the pending option to the callback. */
static int flush_option(struct ini_state *st)
{
	int rc;

	if (!st->pending)
		return 0;
	st->pending = 0;
	while (st->value.len && is_space((unsigned char)st->value.data[st->value.len - 1]))
		buf_truncate(&st->value, st->value.len - 1);
	if (st->value.len && st->value.data[0] == '\n')
		rc = flush_nested(st);
	else
		rc = st->cb(st->ctx, st->section.data, st->key.data, st->value.data, st->lines[0]);
	buf_reset(&st->key);
	buf_reset(&st->value);
	st->n_lines = 0;
	return rc;
}

/* One line that is neither blank, a comment nor a continuation: a section
 * header or an option. [s, e) is the stripped text. */
static int parse_line(struct ini_state *st, const char *s, const char *e, int line)
{
	const char *q, *ke, *vs;
	int rc;

	if ((rc = flush_option(st)) != 0)
		return rc;
	if (*s == '[') {
		/* RawConfigParser's \[(?P<header>.+)\]: up to the last ']' */
		const char *close = NULL;
		for (const char *p = e - 1; p >= s + 2; p--) {
			if (*p == ']') {
				close = p;
				break;
			}
		}
		if (close) {
			buf_reset(&st->section);
			buf_add(&st->section, s + 1, (size_t)(close - s - 1));
			st->have_section = 1;
			if (st->hooks && st->hooks->section)
				return st->hooks->section(st->ctx, st->section.data, line);
			return 0;
		}
	}
	if (!st->have_section)
		return error_set(st->err, ERR_CONFIG,
		                 "line %d: settings must follow a [section] header", line);
	for (q = s; q < e && *q != '=' && *q != ':'; q++)
		;
	if (q == e)
		return error_set(st->err, ERR_CONFIG,
		                 "line %d: expected '[section]' or 'key = value'", line);
	for (ke = q; ke > s && is_space((unsigned char)ke[-1]); ke--)
		;
	if (ke == s)
		return error_set(st->err, ERR_CONFIG, "line %d: missing key before '%c'", line, *q);
	for (vs = q + 1; vs < e && is_space((unsigned char)*vs); vs++)
		;
	for (const char *p = s; p < ke; p++) {
		char c = *p;
		buf_addch(&st->key, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	state_add_value_line(st, vs, (size_t)(e - vs), line);
	st->pending = 1;
	if (st->hooks && st->hooks->option)
		return st->hooks->option(st->ctx, st->section.data, st->key.data, line);
	return 0;
}

/* The reader behind ini_parse(), with optional hooks. Iterative, reads
 * only [text, text + len), splits lines on \n, \r\n and \r like Python. */
int ini_read(const char *text, size_t len, ini_cb cb, const struct ini_hooks *hooks, void *ctx,
             struct aws_error *err)
{
	struct ini_state st = {0};
	const char *p = text, *end = text + len;
	int line = 0;
	int rc = 0;

	st.cb = cb;
	st.hooks = hooks;
	st.ctx = ctx;
	st.err = err;
	buf_init(&st.section, 0);
	buf_init(&st.key, 0);
	buf_init(&st.value, 0);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == 0) {
		const char *ls = p, *le = p, *s, *e;

		while (le < end && *le != '\n' && *le != '\r')
			le++;
		line++;
		s = p;
		e = le;
		if (le < end)
			p = (*le == '\r' && le + 1 < end && le[1] == '\n') ? le + 2 : le + 1;
		else
			p = end;
		while (s < e && is_space((unsigned char)*s))
			s++;
		while (e > s && is_space((unsigned char)e[-1]))
			e--;
		if (s < e && (*s == '#' || *s == ';'))
			continue;
		if (s == e) {
			if (st.pending)
				state_add_value_line(&st, "", 0, line);
			continue;
		}
		if (memchr(s, '\0', (size_t)(e - s))) {
			rc = error_set(err, ERR_CONFIG, "line %d: unexpected NUL byte", line);
			break;
		}
		if (st.pending && (size_t)(s - ls) > st.indent_level) {
			state_add_value_line(&st, s, (size_t)(e - s), line);
			continue;
		}
		st.indent_level = (size_t)(s - ls);
		rc = parse_line(&st, s, e, line);
	}
	if (rc == 0)
		rc = flush_option(&st);
	buf_release(&st.section);
	buf_release(&st.key);
	buf_release(&st.value);
	free(st.lines);
	return rc;
}

int ini_parse(const char *text, size_t len, ini_cb cb, void *ctx, struct aws_error *err)
{
	return ini_read(text, len, cb, NULL, ctx, err);
}
