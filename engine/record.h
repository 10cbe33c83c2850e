/* Flow log records: one line of text split in place into the fields of its
 * log format (no copy, no allocation), with typed access to the values.
 *
 * A layout says which field each column holds; it comes from a log format
 * string ("${version} ${srcaddr} ..."), from the header line that S3 objects
 * carry ("version srcaddr ..."), or is AWS's default. Field names and types
 * are the registry's (engine/logformat.h). */
#ifndef VPCFLOW_ENGINE_RECORD_H
#define VPCFLOW_ENGINE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/logformat.h"

struct aws_error;
struct buf;

#define RECORD_MAX_FIELDS 96 /* columns of a record; also bounds the registry */

/* The fields every view of a record uses, found once per layout. */
enum record_hot {
	RH_VERSION,
	RH_ACCOUNT,
	RH_INTERFACE,
	RH_SRCADDR,
	RH_DSTADDR,
	RH_SRCPORT,
	RH_DSTPORT,
	RH_PROTOCOL,
	RH_PACKETS,
	RH_BYTES,
	RH_START,
	RH_END,
	RH_ACTION,
	RH_LOG_STATUS,
	RH_COUNT
};

/* Invariants: fields[0..n) are registry fields, or NULL for a column whose
 * name the registry does not know (kept, read as a string); pos[i] is the
 * column of registry field i (logformat_fields[i]) or -1; hot[h] likewise for
 * the hot fields. */
struct record_layout {
	const struct logformat_field *fields[RECORD_MAX_FIELDS];
	size_t n;
	signed char pos[RECORD_MAX_FIELDS];
	signed char hot[RH_COUNT];
};

/* AWS's default VPC format (version 2, 14 fields). */
void record_layout_default(struct record_layout *out);
/* From a log format as AWS reports it ("${version} ${srcaddr} ...") or as
 * names ("version srcaddr ..."). Names the registry does not know are
 * ERR_INVALID (message naming them) unless lenient, when they become string
 * columns. Empty text or "default" gives the default layout. */
int record_layout_parse(struct record_layout *out, const char *text, int lenient,
                        struct aws_error *err);
/* Whether line (len bytes, no newline) is a header line: field names
 * separated by blanks, the first being a registry field. When it is, fills
 * out from it and returns 1; else 0. */
int record_layout_from_header(struct record_layout *out, const char *line, size_t len);
/* The column of the field named name, or -1. */
int record_layout_find(const struct record_layout *l, const char *name);
/* Appends the layout as names separated by blanks (a header line). */
void record_layout_render(const struct record_layout *l, struct buf *out);

enum record_status {
	RECORD_OK,
	RECORD_NODATA,   /* no traffic during the capture window */
	RECORD_SKIPDATA, /* records were skipped during the capture window */
};

/* One value: len bytes at s, not NUL-terminated; "-" means no value. */
struct record_value {
	const char *s;
	uint32_t len;
};

/* A parsed record. Values point into the line it was parsed from, [line,
 * end), which must outlive it. event_ms is the time the source gives the
 * record (CloudWatch's event timestamp), 0 when none. */
struct record {
	const struct record_layout *layout;
	struct record_value v[RECORD_MAX_FIELDS];
	size_t n;
	enum record_status status;
	int64_t event_ms;
	const char *line, *end;
};

/* Splits line (len bytes without its newline; a trailing '\r' is dropped) at
 * single blanks into out. Returns 0, or -1 when the number of values is not
 * the layout's. Never reads past line + len. */
int record_parse(struct record *out, const struct record_layout *l, const char *line, size_t len);

/* Splits the line that starts at p, when it ends within the 128 bytes from
 * p (all of which are read), into out, faster than record_parse: the
 * blanks and the newline are found in the same pass. Sets *len to the
 * line's length without its newline (when it has one within those bytes)
 * and returns 0 when the line is a record as record_parse would split it;
 * -1 when not, or not certainly (no newline within the bytes, an empty
 * line, a header, a '\r' to drop): record_parse then judges. */
#define RECORD_NEXT_READ 128
int record_parse_next(struct record *out, const struct record_layout *l, const char *p,
                      size_t *len);

/* Whether a value is "-" (or empty). */
static inline int record_missing(const struct record_value *v)
{
	return v->len == 0 || (v->len == 1 && v->s[0] == '-');
}

/* The value of column i, or NULL when i < 0. */
static inline const struct record_value *record_at(const struct record *r, int i)
{
	return i >= 0 && (size_t)i < r->n ? &r->v[i] : NULL;
}

/* The value of a hot field, or NULL when the layout lacks it. */
static inline const struct record_value *record_hot(const struct record *r, enum record_hot h)
{
	return record_at(r, r->layout->hot[h]);
}

/* A whole number: 0, 1 when the value is missing ("-", or v NULL), -1 when
 * it is not a number. */
int record_u64(const struct record_value *v, uint64_t *out);

/* A value of 1 to 8 digits from the 8 bytes that end at end (those before
 * the value read as '0'), checked and combined a word at a time, without a
 * branch a digit: 0, or -1 when a byte is not a digit. Little-endian. */
static inline int record_digits8(const char *end, uint32_t len, uint64_t *out)
{
	const uint64_t zeros = 0x3030303030303030ull, high = 0xf0f0f0f0f0f0f0f0ull;
	uint64_t w, before = len < 8 ? ~0ull >> (8 * len) : 0;

	memcpy(&w, end - 8, 8);
	w = (w & ~before) | (zeros & before);
	if ((w & high) != zeros || ((w + 0x0606060606060606ull) & high) != zeros)
		return -1;
	w -= zeros;
	w = w * 10 + (w >> 8); /* pairs of digits */
	*out = (((w & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
	        (((w >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >>
	       32;
	return 0;
}

/* record_u64 of column i (-1: none), faster: a value of up to 8 digits is
 * read as one word, with the bytes of the line before it. */
static inline int record_number(const struct record *r, int i, uint64_t *out)
{
	const struct record_value *v = record_at(r, i);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (v && v->len - 1 < 8 && (size_t)(v->s - r->line) + v->len >= 8 &&
	    record_digits8(v->s + v->len, v->len, out) == 0)
		return 0;
#endif
	return record_u64(v, out);
}

/* An address in 16 bytes (IPv4 as ::ffff:a.b.c.d). */
struct record_addr {
	unsigned char b[16];
	int v4;
};

/* Parses an IPv4 or IPv6 address: 0, 1 when missing, -1 when not one. */
int record_addr_parse(const struct record_value *v, struct record_addr *out);
/* The IPv4 address of column i as a number (a << 24 | b << 16 | c << 8 | d):
 * 0, or -1 when the value is anything else (missing, IPv6, not an address:
 * record_addr_parse tells which). Reads 16 bytes of the line at once. */
int record_ipv4(const struct record *r, int i, uint32_t *out);
/* Writes an address as text into out (at least 46 bytes). */
void record_addr_format(const struct record_addr *a, char *out);

/* "TCP", "UDP", "ICMP", ... for an IANA protocol number, or NULL. */
const char *record_protocol_name(unsigned proto);
/* The number of a protocol name (case-insensitive), or -1. */
int record_protocol_number(const char *name);

/* The record's time in milliseconds since the epoch: event_ms when set,
 * else its start field; 0 when it has neither. */
int64_t record_time_ms(const struct record *r);

#endif
