/* Flow log records: layouts, in-place splitting and typed values. */
#include "engine/record.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "aws/buf.h"
#include "aws/error.h"

static const char *const hot_names[RH_COUNT] = {
    "version",  "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets",    "bytes",        "start",   "end",     "action",  "log-status",
};

/* Sets pos and hot from fields. */
static void layout_index(struct record_layout *l)
{
	memset(l->pos, -1, sizeof(l->pos));
	memset(l->hot, -1, sizeof(l->hot));
	for (size_t i = 0; i < l->n; i++) {
		const struct logformat_field *f = l->fields[i];
		size_t reg;

		if (!f)
			continue;
		reg = (size_t)(f - logformat_fields);
		if (reg < RECORD_MAX_FIELDS && l->pos[reg] < 0)
			l->pos[reg] = (signed char)i;
		for (int h = 0; h < RH_COUNT; h++)
			if (strcmp(f->name, hot_names[h]) == 0 && l->hot[h] < 0)
				l->hot[h] = (signed char)i;
	}
}

/* Appends one named column; -1 when the layout is full. */
static int layout_add(struct record_layout *l, const char *name, size_t len,
                      const struct logformat_field **unknown)
{
	char tmp[64];
	const struct logformat_field *f = NULL;

	*unknown = NULL;
	if (l->n >= RECORD_MAX_FIELDS)
		return -1;
	if (len < sizeof(tmp)) {
		memcpy(tmp, name, len);
		tmp[len] = '\0';
		f = logformat_field(tmp);
	}
	l->fields[l->n++] = f;
	return 0;
}

void record_layout_default(struct record_layout *out)
{
	record_layout_parse(out, logformat_default(LOGFORMAT_VPC), 1, NULL);
}

int record_layout_parse(struct record_layout *out, const char *text, int lenient,
                        struct aws_error *err)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || strcmp(p, "default") == 0)
		p = logformat_default(LOGFORMAT_VPC);
	while (*p) {
		const char *start, *stop;
		const struct logformat_field *f;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		stop = p;
		if (stop - start >= 3 && start[0] == '$' && start[1] == '{' && stop[-1] == '}') {
			start += 2;
			stop--;
		}
		len = (size_t)(stop - start);
		if (layout_add(out, start, len, &f) < 0)
			return err ? error_set(err, ERR_INVALID,
			                       "a log format of more than %d fields",
			                       RECORD_MAX_FIELDS)
			           : ERR_INVALID;
		if (!out->fields[out->n - 1] && !lenient) {
			if (err)
				error_set(err, ERR_INVALID, "unknown log format field '%.*s'",
				          (int)len, start);
			return ERR_INVALID;
		}
	}
	layout_index(out);
	return 0;
}

int record_layout_from_header(struct record_layout *out, const char *line, size_t len)
{
	struct record_layout l;
	const char *p = line, *end = line + len;
	const struct logformat_field *f;

	if (len && end[-1] == '\r')
		end--;
	memset(&l, 0, sizeof(l));
	while (p < end) {
		const char *start = p;

		while (p < end && *p != ' ')
			p++;
		if (p == start)
			return 0;
		for (const char *q = start; q < p; q++)
			if (!islower((unsigned char)*q) && !isdigit((unsigned char)*q) && *q != '-')
				return 0;
		if (layout_add(&l, start, (size_t)(p - start), &f) < 0)
			return 0;
		if (l.n == 1 && !l.fields[0])
			return 0;
		if (p < end)
			p++;
	}
	if (!l.n)
		return 0;
	layout_index(&l);
	*out = l;
	return 1;
}

int record_layout_find(const struct record_layout *l, const char *name)
{
	const struct logformat_field *f = logformat_field(name);
	size_t reg;

	if (!f)
		return -1;
	reg = (size_t)(f - logformat_fields);
	return reg < RECORD_MAX_FIELDS ? l->pos[reg] : -1;
}

void record_layout_render(const struct record_layout *l, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++)
		buf_addf(out, "%s%s", i ? " " : "", l->fields[i] ? l->fields[i]->name : "?");
}

static enum record_status status_of(const struct record_value *v)
{
	if (!v)
		return RECORD_OK;
	if (v->len == 6 && memcmp(v->s, "NODATA", 6) == 0)
		return RECORD_NODATA;
	if (v->len == 8 && memcmp(v->s, "SKIPDATA", 8) == 0)
		return RECORD_SKIPDATA;
	return RECORD_OK;
}

/* The bytes of the 16 at p equal to c, as bits: bit i set when p[i] is c. */
static inline uint64_t matches16(const char *p, char c)
{
#if defined(__SSE2__)
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
#else
	uint64_t bits = 0;

	for (int i = 0; i < 16; i++)
		bits |= (uint64_t)(p[i] == c) << i;
	return bits;
#endif
}

/* The blanks of the 16 bytes at p as bits: bit i set when p[i] is ' '. */
static inline uint64_t blanks16(const char *p)
{
	return matches16(p, ' ');
}

/* The blanks of the line's bytes from p, up to 16 of them, as bits. Nothing
 * past end is read: near the end, the 16 bytes that end the line are read
 * instead, and shifted so that those before p drop out. */
static inline uint64_t blanks_at(const char *line, const char *p, const char *end)
{
	size_t left = (size_t)(end - p);
	uint64_t bits = 0;

	if (left >= 16)
		return blanks16(p);
	if (end - line >= 16)
		return blanks16(end - 16) >> (16 - left);
	for (size_t i = 0; i < left; i++) /* a line of less than 16 bytes */
		bits |= (uint64_t)(p[i] == ' ') << i;
	return bits;
}

int record_parse(struct record *out, const struct record_layout *l, const char *line, size_t len)
{
	const char *end = line + len, *field = line;
	size_t n = 0, want = l->n;

	if (len && end[-1] == '\r')
		end--;
	out->layout = l;
	out->line = line;
	out->end = line + len;
	out->n = 0;
	out->status = RECORD_OK;
	out->event_ms = 0;
	/* Each blank ends a field. The blanks of 64 bytes are found first, as
	 * the bits of a word, 16 bytes at a time; then the fields are cut at
	 * them: no byte is looked at twice, and the loops hardly branch on the
	 * data. */
	for (const char *block = line; block < end; block += 64) {
		uint64_t bits = 0;

		for (size_t i = 0; i < 64 && block + i < end; i += 16)
			bits |= blanks_at(line, block + i, end) << i;
		for (; bits; bits &= bits - 1) {
			const char *blank = block + __builtin_ctzll(bits);

			if (n + 1 >= want)
				return -1;
			out->v[n].s = field;
			out->v[n++].len = (uint32_t)(blank - field);
			field = blank + 1;
		}
	}
	if (n + 1 != want)
		return -1;
	out->v[n].s = field;
	out->v[n++].len = (uint32_t)(end - field);
	out->n = n;
	out->status = status_of(record_at(out, l->hot[RH_LOG_STATUS]));
	return 0;
}

/* The bytes of the 64 at p equal to c, as bits. */
static inline uint64_t bytes64(const char *p, char c)
{
	uint64_t bits = 0;

	for (int i = 0; i < 64; i += 16)
		bits |= matches16(p + i, c) << i;
	return bits;
}

/* The bits set in x, without a call where the CPU is not known to count
 * them itself. */
static inline unsigned popcount64(uint64_t x)
{
#if defined(__POPCNT__)
	return (unsigned)__builtin_popcountll(x);
#else
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
#endif
}

int record_parse_next(struct record *out, const struct record_layout *l, const char *p, size_t *len)
{
	uint64_t blank[2], nl[2];
	size_t want = l->n, field = 0, n;

	blank[0] = bytes64(p, ' ');
	blank[1] = bytes64(p + 64, ' ');
	nl[0] = bytes64(p, '\n');
	nl[1] = bytes64(p + 64, '\n');
	if (nl[0]) {
		n = (size_t)__builtin_ctzll(nl[0]);
		blank[0] &= (1ull << n) - 1;
		blank[1] = 0;
	} else if (nl[1]) {
		n = 64 + (size_t)__builtin_ctzll(nl[1]);
		blank[1] &= (1ull << (n - 64)) - 1;
	} else {
		return -1;
	}
	*len = n;
	/* Not empty, no '\r' to drop, not a header (which starts with a
	 * lowercase letter), and as many blanks as the layout has fields
	 * between them. */
	if (!n || !want || p[n - 1] == '\r' || (unsigned char)(p[0] - 'a') <= 'z' - 'a' ||
	    popcount64(blank[0]) + popcount64(blank[1]) != want - 1)
		return -1;
	/* One field a turn, as many turns as the layout has fields: the loop
	 * does not branch on where the blanks are. */
	for (size_t k = 0; k + 1 < want; k++) {
		uint64_t lo = blank[0], hi = blank[1];
		size_t at = lo ? (size_t)__builtin_ctzll(lo)
		               : 64 + (size_t)__builtin_ctzll(hi | 1ull << 63);

		blank[0] = lo & (lo - 1);
		blank[1] = lo ? hi : hi & (hi - 1);
		out->v[k].s = p + field;
		out->v[k].len = (uint32_t)(at - field);
		field = at + 1;
	}
	out->v[want - 1].s = p + field;
	out->v[want - 1].len = (uint32_t)(n - field);
	out->layout = l;
	out->line = p;
	out->end = p + n;
	out->n = want;
	out->event_ms = 0;
	out->status = status_of(record_at(out, l->hot[RH_LOG_STATUS]));
	return 0;
}

int record_u64(const struct record_value *v, uint64_t *out)
{
	uint64_t n = 0;

	*out = 0;
	if (!v || record_missing(v))
		return 1;
	if (v->len > 20)
		return -1;
	for (uint32_t i = 0; i < v->len; i++) {
		unsigned d = (unsigned)(unsigned char)v->s[i] - '0';

		if (d > 9)
			return -1;
		if (i == 19 && n > (UINT64_MAX - d) / 10) /* only a 20th digit can overflow */
			return -1;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_WORDS 1
#else
#define LITTLE_ENDIAN_WORDS 0
#endif

/* a.b.c.d, fast path for the common case. */
static int parse_v4(const char *s, uint32_t len, unsigned char out[4])
{
	unsigned part = 0, digits = 0, k = 0;

	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (!digits || k >= 3)
				return -1;
			out[k++] = (unsigned char)part;
			part = digits = 0;
		} else if (c >= '0' && c <= '9' && digits < 3) {
			part = part * 10 + (c - '0');
			digits++;
			if (part > 255)
				return -1;
		} else {
			return -1;
		}
	}
	if (!digits || k != 3)
		return -1;
	out[3] = (unsigned char)part;
	return 0;
}

/* The dots and the digits of the 16 bytes at s, as bits. */
static inline void classify16(const char *s, unsigned *dots, unsigned *digits)
{
#if defined(__SSE2__)
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));

	*dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
	*digits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
#else
	*dots = *digits = 0;
	for (int i = 0; i < 16; i++) {
		*dots |= (unsigned)(s[i] == '.') << i;
		*digits |= (unsigned)(s[i] >= '0' && s[i] <= '9') << i;
	}
#endif
}

/* Two parts of an address, each of 1 to 3 digits, given as the 4 bytes
 * that end it (keep: its digits' bytes), in the two halves of w; their
 * numbers come out in the two halves of the result. Every byte goes from
 * digit to number at once, and each byte of w * 10 + (w >> 8) pairs a digit
 * with the next: hundreds * 100 + that pair is a part. */
static inline uint64_t parts2(uint64_t w, uint64_t keep)
{
	const uint64_t low = 0x000000ff000000ffull;
	uint64_t pairs;

	w = (w & keep) - (0x3030303030303030ull & keep);
	pairs = w * 10 + (w >> 8);
	return ((w >> 8) & low) * 100 + ((pairs >> 16) & low);
}

/* The 4 bytes that end at s + end, in the low half of a word. */
static inline uint64_t word4(const char *s, unsigned end)
{
	uint32_t w;

	memcpy(&w, s + end - 4, 4);
	return w;
}

/* a.b.c.d from the 16 bytes at s (len of them the value), without a branch
 * on its digits: the dots are found as bits, which give the four parts.
 * -1 when the value is not exactly that. The 3 bytes before s are read. */
static int ipv4_16(const char *s, unsigned len, uint32_t *out)
{
	static const uint64_t keep[4] = {0, 0xff000000u, 0xffff0000u, 0xffffff00u};
	unsigned dots, digits, all = (1u << len) - 1, d0, d1, d2, rest, bad;
	uint64_t ab, cd;

	classify16(s, &dots, &digits);
	dots &= all;
	rest = dots;
	d0 = (unsigned)__builtin_ctz(rest | 1u << 16);
	rest &= rest - 1;
	d1 = (unsigned)__builtin_ctz(rest | 1u << 16);
	rest &= rest - 1;
	d2 = (unsigned)__builtin_ctz(rest | 1u << 16);
	rest &= rest - 1;
	/* Every byte a dot or a digit, three dots, parts of 1 to 3 digits. */
	bad = ((dots | digits) & all) != all;
	bad |= rest != 0;
	bad |= d0 - 1 > 2;
	bad |= d1 - d0 - 2 > 2;
	bad |= d2 - d1 - 2 > 2;
	bad |= len - d2 - 2 > 2;
	if (bad)
		return -1;
	ab = parts2(word4(s, d0) | word4(s, d1) << 32, keep[d0] | keep[d1 - d0 - 1] << 32);
	cd = parts2(word4(s, d2) | word4(s, len) << 32,
	            keep[d2 - d1 - 1] | keep[len - d2 - 1] << 32);
	if ((ab | cd) & 0xffffff00ffffff00ull)
		return -1; /* a part above 255 */
	*out = (uint32_t)ab << 24 | (uint32_t)(ab >> 32) << 16 | (uint32_t)cd << 8 |
	       (uint32_t)(cd >> 32);
	return 0;
}

int record_ipv4(const struct record *r, int i, uint32_t *out)
{
	const struct record_value *v = record_at(r, i);
	unsigned char b[4];

	if (!v)
		return -1;
	if (LITTLE_ENDIAN_WORDS && v->len >= 7 && v->len <= 15 && v->s - r->line >= 3 &&
	    r->end - v->s >= 16 && ipv4_16(v->s, v->len, out) == 0)
		return 0;
	if (parse_v4(v->s, v->len, b) != 0)
		return -1;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int record_addr_parse(const struct record_value *v, struct record_addr *out)
{
	char tmp[64];

	memset(out, 0, sizeof(*out));
	if (!v || record_missing(v))
		return 1;
	if (parse_v4(v->s, v->len, out->b + 12) == 0) {
		out->b[10] = out->b[11] = 0xff;
		out->v4 = 1;
		return 0;
	}
	if (v->len >= sizeof(tmp) || !memchr(v->s, ':', v->len))
		return -1;
	memcpy(tmp, v->s, v->len);
	tmp[v->len] = '\0';
	return inet_pton(AF_INET6, tmp, out->b) == 1 ? 0 : -1;
}

void record_addr_format(const struct record_addr *a, char *out)
{
	if (a->v4)
		snprintf(out, 46, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
	else if (!inet_ntop(AF_INET6, a->b, out, 46))
		snprintf(out, 46, "?");
}

static const struct {
	unsigned number;
	const char *name;
} protocols[] = {
    {0, "HOPOPT"},       {1, "ICMP"},        {2, "IGMP"},       {4, "IPv4"},   {6, "TCP"},
    {8, "EGP"},          {9, "IGP"},         {17, "UDP"},       {41, "IPv6"},  {43, "IPv6-Route"},
    {44, "IPv6-Frag"},   {46, "RSVP"},       {47, "GRE"},       {50, "ESP"},   {51, "AH"},
    {58, "ICMPv6"},      {59, "IPv6-NoNxt"}, {60, "IPv6-Opts"}, {88, "EIGRP"}, {89, "OSPF"},
    {103, "PIM"},        {112, "VRRP"},      {115, "L2TP"},     {132, "SCTP"}, {136, "UDPLite"},
    {137, "MPLS-in-IP"},
};

const char *record_protocol_name(unsigned proto)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].number == proto)
			return protocols[i].name;
	return NULL;
}

int record_protocol_number(const char *name)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcasecmp(protocols[i].name, name) == 0)
			return (int)protocols[i].number;
	return -1;
}

int64_t record_time_ms(const struct record *r)
{
	uint64_t t;

	if (r->event_ms)
		return r->event_ms;
	if (record_u64(record_hot(r, RH_START), &t) == 0 && t < INT64_MAX / 1000)
		return (int64_t)t * 1000;
	return 0;
}
