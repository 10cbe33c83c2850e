/* A second, position-keeping reading of a JSON text. */
#include "engine/jsonpos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

#define MAX_DEPTH 1024

/* The scanner. Invariants: line and column are those of text[pos]; path is
 * the path of the value being read. Once stopped, nothing more is read. */
struct scan {
	const char *text;
	size_t len, pos;
	int line, column;
	struct buf path;
	struct jsonpos *idx; /* NULL when only looking for a path */
	size_t stop;         /* offset to stop at (jsonpos_path_at) */
	int stopped, failed, depth;
	struct buf *stop_path;
};

static void advance(struct scan *s)
{
	unsigned char c = (unsigned char)s->text[s->pos++];

	if (c == '\n') {
		s->line++;
		s->column = 1;
	} else if ((c & 0xC0) != 0x80) {
		s->column++;
	}
}

static int peek(const struct scan *s)
{
	return s->pos < s->len ? (unsigned char)s->text[s->pos] : -1;
}

static void skip_blanks(struct scan *s)
{
	while (s->pos < s->len) {
		char c = s->text[s->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		advance(s);
	}
}

/* Ends the scan here, noting the path of this place (plus key, if the
 * scanner stands on an object key). */
static int stop_here(struct scan *s, const char *key)
{
	if (!s->stopped && s->stop_path) {
		buf_add(s->stop_path, s->path.data, s->path.len);
		if (key)
			jsonpos_path_key(s->stop_path, key);
	}
	s->stopped = 1;
	return -1;
}

static int fail(struct scan *s, const char *key)
{
	s->failed = 1;
	return stop_here(s, key);
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct buf *out, unsigned cp)
{
	if (cp < 0x80) {
		buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(out, (int)(0xC0 | (cp >> 6)));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addch(out, (int)(0xE0 | (cp >> 12)));
		buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else {
		buf_addch(out, (int)(0xF0 | (cp >> 18)));
		buf_addch(out, (int)(0x80 | ((cp >> 12) & 0x3F)));
		buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	}
}

/* Decodes the escape at raw (after the backslash) into out; returns the
 * number of raw bytes it takes after the backslash, or 0 if invalid. */
static size_t decode_escape(const char *raw, size_t avail, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	unsigned cp, lo;

	if (avail < 1)
		return 0;
	if (raw[0] != 'u') {
		p = strchr(from, raw[0]);
		if (!p || !raw[0])
			return 0;
		buf_addch(out, to[p - from]);
		return 1;
	}
	if (avail < 5 || hex4(raw + 1, &cp) < 0)
		return 0;
	if (cp >= 0xD800 && cp < 0xDC00 && avail >= 11 && raw[5] == '\\' && raw[6] == 'u' &&
	    hex4(raw + 7, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
		add_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
		return 11;
	}
	add_utf8(out, cp);
	return 5;
}

/* Reads a string literal at pos into out (decoded). */
static int read_string(struct scan *s, struct buf *out)
{
	advance(s); /* the quote */
	while (s->pos < s->len) {
		unsigned char c = (unsigned char)s->text[s->pos];

		if (c == '"') {
			advance(s);
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			size_t n = decode_escape(s->text + s->pos + 1, s->len - s->pos - 1, out);

			if (!n)
				return -1;
			for (size_t i = 0; i <= n; i++)
				advance(s);
			continue;
		}
		buf_addch(out, c);
		advance(s);
	}
	return -1;
}

static int read_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if (s->len - s->pos < n || memcmp(s->text + s->pos, word, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		advance(s);
	return 0;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int read_number(struct scan *s)
{
	if (peek(s) == '-')
		advance(s);
	if (!is_digit(peek(s)))
		return -1;
	if (peek(s) == '0')
		advance(s);
	else
		while (is_digit(peek(s)))
			advance(s);
	if (peek(s) == '.') {
		advance(s);
		if (!is_digit(peek(s)))
			return -1;
		while (is_digit(peek(s)))
			advance(s);
	}
	if (peek(s) == 'e' || peek(s) == 'E') {
		advance(s);
		if (peek(s) == '+' || peek(s) == '-')
			advance(s);
		if (!is_digit(peek(s)))
			return -1;
		while (is_digit(peek(s)))
			advance(s);
	}
	return 0;
}

static int read_value(struct scan *s, int key_line, int key_column);

static int read_object(struct scan *s)
{
	size_t base = s->path.len;
	struct buf key = BUF_INIT;
	int rc = -1;

	advance(s);
	skip_blanks(s);
	if (peek(s) == '}') {
		advance(s);
		return 0;
	}
	for (;;) {
		int kl, kc;

		skip_blanks(s);
		buf_reset(&key);
		if (s->pos >= s->stop) {
			struct scan probe = *s;

			probe.path = (struct buf)BUF_INIT;
			if (peek(s) == '"' && read_string(&probe, &key) == 0)
				stop_here(s, key.data);
			else
				stop_here(s, NULL);
			goto out;
		}
		kl = s->line;
		kc = s->column;
		if (peek(s) != '"' || read_string(s, &key) < 0) {
			fail(s, NULL);
			goto out;
		}
		skip_blanks(s);
		if (peek(s) != ':') {
			fail(s, key.data);
			goto out;
		}
		advance(s);
		jsonpos_path_key(&s->path, key.data);
		if (read_value(s, kl, kc) < 0)
			goto out;
		buf_truncate(&s->path, base);
		skip_blanks(s);
		if (peek(s) == ',') {
			advance(s);
			continue;
		}
		if (peek(s) == '}') {
			advance(s);
			break;
		}
		fail(s, NULL);
		goto out;
	}
	rc = 0;
out:
	buf_release(&key);
	return rc;
}

static int read_array(struct scan *s)
{
	size_t base = s->path.len;

	advance(s);
	skip_blanks(s);
	if (peek(s) == ']') {
		advance(s);
		return 0;
	}
	for (size_t i = 0;; i++) {
		jsonpos_path_index(&s->path, i);
		if (read_value(s, 0, 0) < 0)
			return -1;
		buf_truncate(&s->path, base);
		skip_blanks(s);
		if (peek(s) == ',') {
			advance(s);
			continue;
		}
		if (peek(s) == ']') {
			advance(s);
			return 0;
		}
		return fail(s, NULL);
	}
}

static int read_value(struct scan *s, int key_line, int key_column)
{
	int c, rc;

	skip_blanks(s);
	if (s->pos >= s->stop || s->pos >= s->len)
		return s->pos >= s->stop ? stop_here(s, NULL) : fail(s, NULL);
	if (s->idx) {
		struct jsonpos_entry *e;

		ALLOC_GROW(s->idx->v, s->idx->n + 1, s->idx->alloc);
		e = &s->idx->v[s->idx->n++];
		e->path = xstrdup(s->path.data);
		e->offset = s->pos;
		e->line = s->line;
		e->column = s->column;
		e->key_line = key_line;
		e->key_column = key_column;
	}
	c = peek(s);
	if (c == '{' || c == '[') {
		if (++s->depth > MAX_DEPTH)
			return fail(s, NULL);
		rc = c == '{' ? read_object(s) : read_array(s);
		s->depth--;
		return rc;
	}
	if (c == '"') {
		struct buf ignored = BUF_INIT;

		rc = read_string(s, &ignored);
		buf_release(&ignored);
	} else if (c == 't') {
		rc = read_literal(s, "true");
	} else if (c == 'f') {
		rc = read_literal(s, "false");
	} else if (c == 'n') {
		rc = read_literal(s, "null");
	} else {
		rc = read_number(s);
	}
	return rc < 0 ? fail(s, NULL) : 0;
}

static void scan_init(struct scan *s, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->text = text;
	s->len = len;
	s->line = 1;
	s->column = 1;
	s->stop = SIZE_MAX;
	buf_init(&s->path, 0);
}

int jsonpos_build(struct jsonpos *out, const char *text, size_t len)
{
	struct scan s;
	int rc;

	memset(out, 0, sizeof(*out));
	scan_init(&s, text, len);
	s.idx = out;
	rc = read_value(&s, 0, 0);
	if (rc == 0) {
		skip_blanks(&s);
		if (s.pos < s.len)
			rc = -1;
	}
	buf_release(&s.path);
	return rc;
}

const struct jsonpos_entry *jsonpos_find(const struct jsonpos *idx, const char *path)
{
	for (size_t i = 0; i < idx->n; i++)
		if (strcmp(idx->v[i].path, path) == 0)
			return &idx->v[i];
	return NULL;
}

void jsonpos_release(struct jsonpos *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		free(idx->v[i].path);
	free(idx->v);
	memset(idx, 0, sizeof(*idx));
}

void jsonpos_path_at(struct buf *path, const char *text, size_t len, size_t offset)
{
	struct scan s;

	scan_init(&s, text, len);
	s.stop = offset;
	s.stop_path = path;
	read_value(&s, 0, 0);
	buf_release(&s.path);
}

void jsonpos_line_col(const char *text, size_t len, size_t offset, int *line, int *column)
{
	struct scan s;

	scan_init(&s, text, len);
	while (s.pos < offset && s.pos < len)
		advance(&s);
	*line = s.line;
	*column = s.column;
}

int jsonpos_string_column(const char *text, size_t len, const struct jsonpos_entry *e, size_t at)
{
	struct buf decoded = BUF_INIT;
	struct scan s;

	scan_init(&s, text, len);
	s.pos = e->offset + 1; /* after the quote */
	s.column = e->column + 1;
	while (s.pos < len && text[s.pos] != '"' && decoded.len < at) {
		if (text[s.pos] == '\\') {
			size_t n = decode_escape(text + s.pos + 1, len - s.pos - 1, &decoded);

			if (!n)
				break;
			for (size_t i = 0; i <= n; i++)
				advance(&s);
		} else {
			buf_addch(&decoded, text[s.pos]);
			advance(&s);
		}
	}
	buf_release(&decoded);
	return s.column;
}

static int plain_word(const char *key)
{
	if (!((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || *key == '_'))
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || is_digit(*p) ||
		      *p == '_' || *p == '-'))
			return 0;
	return 1;
}

void jsonpos_path_key(struct buf *path, const char *key)
{
	if (plain_word(key)) {
		buf_addf(path, "%s%s", path->len ? "." : "", key);
		return;
	}
	buf_addstr(path, "[\"");
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addf(path, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_addf(path, "\\u%04x", *p);
		else
			buf_addch(path, *p);
	}
	buf_addstr(path, "\"]");
}

void jsonpos_path_index(struct buf *path, size_t i)
{
	buf_addf(path, "[%zu]", i);
}
