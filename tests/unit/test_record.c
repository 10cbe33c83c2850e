/* The flow-record parser, on sample records of every documented layout
 * (tests/data/records/<case>/: records.log, an optional log format, and the
 * expected reading of each line), its typed values (the fast readers against
 * the plain ones), and the splitting of lines into fields. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "engine/record.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* One line the way expected.txt writes it. */
static void render(struct buf *out, const struct record *r)
{
	static const char *const status[] = {"OK", "NODATA", "SKIPDATA"};

	buf_addstr(out, status[r->status]);
	for (size_t i = 0; i < r->n; i++) {
		const struct logformat_field *f = r->layout->fields[i];
		const struct record_value *v = &r->v[i];
		struct record_addr a;
		char text[46];
		uint64_t n;

		assert_non_null(f);
		buf_addf(out, " %s=", f->name);
		if (record_missing(v)) {
			buf_addch(out, '-');
			continue;
		}
		switch (f->type) {
		case LOGFORMAT_ADDR:
			assert_int_equal(record_addr_parse(v, &a), 0);
			record_addr_format(&a, text);
			buf_addstr(out, text);
			break;
		case LOGFORMAT_INT:
		case LOGFORMAT_PORT:
		case LOGFORMAT_TIME:
			assert_int_equal(record_u64(v, &n), 0);
			buf_addf(out, "%llu", (unsigned long long)n);
			if (strcmp(f->name, "protocol") == 0 && record_protocol_name((unsigned)n))
				buf_addf(out, "(%s)", record_protocol_name((unsigned)n));
			break;
		default:
			buf_add(out, v->s, v->len);
		}
	}
}

static void run_case(const char *dir)
{
	char path[1024];
	char *format, *text, *expected, *line, *save = NULL;
	struct record_layout layout;
	struct buf got = BUF_INIT;
	struct aws_error err;
	struct record r;
	int first = 1;

	snprintf(path, sizeof(path), "%s/format", dir);
	format = slurp(path);
	error_clear(&err);
	if (format) {
		format[strcspn(format, "\n")] = '\0';
		if (record_layout_parse(&layout, format, 0, &err) != 0)
			fail_msg("%s: %s", dir, err.message);
	} else {
		record_layout_default(&layout);
	}
	snprintf(path, sizeof(path), "%s/records.log", dir);
	text = slurp(path);
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	expected = slurp(path);
	assert_non_null(text);
	assert_non_null(expected);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (first && record_layout_from_header(&layout, line, strlen(line)))
			buf_addf(&got, "HEADER %zu\n", layout.n);
		else if (record_parse(&r, &layout, line, strlen(line)) != 0)
			buf_addstr(&got, "MALFORMED\n");
		else {
			render(&got, &r);
			buf_addch(&got, '\n');
		}
		first = 0;
	}
	if (strcmp(got.data, expected) != 0)
		fail_msg("%s:\n--- got\n%s--- expected\n%s", dir, got.data, expected);
	buf_release(&got);
	free(format);
	free(text);
	free(expected);
}

static void test_sample_records(void **state)
{
	const char *root = TEST_DATA_DIR "/records";
	DIR *d = opendir(root);
	struct dirent *e;
	int cases = 0;
	char path[1024];

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		run_case(path);
		cases++;
	}
	closedir(d);
	assert_true(cases >= 8);
}

static void test_layouts(void **state)
{
	struct record_layout l;
	struct aws_error err;
	struct buf b = BUF_INIT;

	error_clear(&err);
	record_layout_default(&l);
	assert_int_equal(l.n, 14);
	assert_int_equal(l.hot[RH_SRCADDR], 3);
	assert_int_equal(l.hot[RH_LOG_STATUS], 13);
	assert_int_equal(record_layout_find(&l, "bytes"), 9);
	assert_int_equal(record_layout_find(&l, "vpc-id"), -1);
	assert_int_equal(record_layout_parse(&l, "${srcaddr} ${nope}", 0, &err), ERR_INVALID);
	assert_non_null(strstr(err.message, "'nope'"));
	assert_int_equal(record_layout_parse(&l, "srcaddr nope dstaddr", 1, &err), 0);
	assert_int_equal(l.n, 3);
	assert_null(l.fields[1]);
	assert_int_equal(l.hot[RH_DSTADDR], 2);
	record_layout_render(&l, &b);
	assert_string_equal(b.data, "srcaddr ? dstaddr");
	buf_release(&b);
	assert_int_equal(record_layout_parse(&l, "default", 0, &err), 0);
	assert_int_equal(l.n, 14);
	/* Not headers: records, and words the registry does not start with. */
	assert_int_equal(record_layout_from_header(&l, "2 123 eni-1", 11), 0);
	assert_int_equal(record_layout_from_header(&l, "hello world", 11), 0);
	assert_int_equal(record_layout_from_header(&l, "version Srcaddr", 15), 0);
	assert_int_equal(record_layout_from_header(&l, "version  srcaddr", 16), 0);
	assert_int_equal(record_layout_from_header(&l, "", 0), 0);
	assert_int_equal(record_layout_from_header(&l, "version future-field\r", 21), 1);
	assert_int_equal(l.n, 2);
	assert_null(l.fields[1]);
}

static void test_values(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint64_t n;
	} nums[] = {
	    {"0", 0, 0},
	    {"18446744073709551615", 0, UINT64_MAX},
	    {"18446744073709551616", -1, 0},
	    {"-", 1, 0},
	    {"", 1, 0},
	    {"12a", -1, 0},
	    {"-1", -1, 0},
	    {"123456789012345678901", -1, 0},
	};
	static const struct {
		const char *text;
		int rc;
		const char *back;
	} addrs[] = {
	    {"10.0.0.1", 0, "10.0.0.1"},
	    {"255.255.255.255", 0, "255.255.255.255"},
	    {"256.0.0.1", -1, NULL},
	    {"1.2.3", -1, NULL},
	    {"1.2.3.4.5", -1, NULL},
	    {"1..2.3", -1, NULL},
	    {"::1", 0, "::1"},
	    {"2001:DB8::0:1", 0, "2001:db8::1"},
	    {"-", 1, NULL},
	    {"eni-1", -1, NULL},
	    {"1234.1.1.1", -1, NULL},
	    {"::ffff:1.2.3.4", 0, "::ffff:1.2.3.4"},
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct record_value v = {nums[i].text, (uint32_t)strlen(nums[i].text)};
		uint64_t n;

		assert_int_equal(record_u64(&v, &n), nums[i].rc);
		if (nums[i].rc == 0)
			assert_true(n == nums[i].n);
	}
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct record_value v = {addrs[i].text, (uint32_t)strlen(addrs[i].text)};
		struct record_addr a;
		char text[46];

		assert_int_equal(record_addr_parse(&v, &a), addrs[i].rc);
		if (addrs[i].back) {
			record_addr_format(&a, text);
			assert_string_equal(text, addrs[i].back);
		}
	}
	assert_string_equal(record_protocol_name(6), "TCP");
	assert_string_equal(record_protocol_name(17), "UDP");
	assert_string_equal(record_protocol_name(1), "ICMP");
	assert_string_equal(record_protocol_name(58), "ICMPv6");
	assert_string_equal(record_protocol_name(47), "GRE");
	assert_string_equal(record_protocol_name(50), "ESP");
	assert_null(record_protocol_name(253));
	assert_int_equal(record_protocol_number("tcp"), 6);
	assert_int_equal(record_protocol_number("icmpv6"), 58);
	assert_int_equal(record_protocol_number("bogus"), -1);
}

static void test_time(void **state)
{
	struct record_layout l;
	struct record r;
	const char *line = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK";

	record_layout_default(&l);
	assert_int_equal(record_parse(&r, &l, line, strlen(line)), 0);
	assert_true(record_time_ms(&r) == 1700000000000LL);
	r.event_ms = 1700000005123LL;
	assert_true(record_time_ms(&r) == 1700000005123LL);
	/* Nothing is read past the given length. */
	assert_int_equal(record_parse(&r, &l, line, 20), -1);
}

static uint32_t rnd_next(uint32_t *x)
{
	*x = *x * 1103515245 + 12345;
	return *x >> 8;
}

/* Text that is, or nearly is, an IPv4 address or a number. */
static void rnd_value(char *out, size_t size, uint32_t *x, int number)
{
	static const char alphabet[] = "0123456789012345678901234567890123456789...-:ax";
	size_t n = 0;

	if (!number && rnd_next(x) % 2) {
		int parts = 3 + (int)(rnd_next(x) % 3 == 0 ? rnd_next(x) % 3 : 1);

		for (int p = 0; p < parts && n + 6 < size; p++) {
			unsigned v = rnd_next(x) % (rnd_next(x) % 4 ? 256 : 1200);
			int zeros = rnd_next(x) % 8 == 0 ? (int)(rnd_next(x) % 3) : 0;

			n += (size_t)snprintf(out + n, size - n, "%s%.*s%u", p ? "." : "", zeros,
			                      "000", v);
		}
		if (rnd_next(x) % 4 == 0 && n + 1 < size)
			out[n++] = '.'; /* a dot too many */
	} else if (number && rnd_next(x) % 2) {
		n = (size_t)snprintf(out, size, "%llu",
		                     (unsigned long long)rnd_next(x) >> (rnd_next(x) % 24));
	} else {
		size_t len = rnd_next(x) % 20;

		for (; n < len && n + 1 < size; n++)
			out[n] = alphabet[rnd_next(x) % (sizeof(alphabet) - 1)];
	}
	out[n] = '\0';
	if (!n) /* no empty field in a line of blanks */
		snprintf(out, size, "-");
}

/* The readers that take bytes around a value (record_number, record_ipv4)
 * agree with record_u64 and record_addr_parse, wherever the value lies in its
 * line: first, inside, last. Each line is a buffer of its own size, so that
 * a sanitizer sees any read past it. */
static void test_fast_values(void **state)
{
	static const char *const formats[] = {"srcaddr packets", "packets srcaddr",
	                                      "version account-id srcaddr dstaddr packets bytes"};
	uint32_t x = 1;

	for (int round = 0; round < 60000; round++) {
		const char *format = formats[round % 3];
		char addr[32], num[32], text[128];
		struct record_layout l;
		struct record_addr a;
		struct record r;
		uint64_t n1, n2;
		uint32_t v4;
		char *line;
		int len, col, rc;

		rnd_value(addr, sizeof(addr), &x, 0);
		rnd_value(num, sizeof(num), &x, 1);
		if (round % 3 == 0)
			len = snprintf(text, sizeof(text), "%s %s", addr, num);
		else if (round % 3 == 1)
			len = snprintf(text, sizeof(text), "%s %s", num, addr);
		else
			len = snprintf(text, sizeof(text), "2 12 %s 10.0.0.1 %s 77", addr, num);
		line = malloc((size_t)len);
		memcpy(line, text, (size_t)len);
		assert_int_equal(record_layout_parse(&l, format, 0, NULL), 0);
		if (record_parse(&r, &l, line, (size_t)len) != 0) {
			free(line);
			continue;
		}
		col = record_layout_find(&l, "srcaddr");
		rc = record_addr_parse(&r.v[col], &a);
		if (record_ipv4(&r, col, &v4) == 0) {
			assert_int_equal(rc, 0);
			assert_true(a.v4);
			assert_true(v4 == ((uint32_t)a.b[12] << 24 | (uint32_t)a.b[13] << 16 |
			                   (uint32_t)a.b[14] << 8 | a.b[15]));
		} else if (rc == 0 && a.v4) {
			fail_msg("'%s' is an IPv4 address", addr);
		}
		col = record_layout_find(&l, "packets");
		rc = record_u64(&r.v[col], &n1);
		assert_int_equal(record_number(&r, col, &n2), rc);
		assert_true(n1 == n2);
		free(line);
	}
}

/* record_parse against a plain split at each blank, on lines of every
 * length up to a few blocks of its scan, with blanks anywhere (also first,
 * last and doubled) and a trailing '\r' or not. Each line sits at the end of
 * its allocation, so that reading past it shows under the sanitizers. */
static void test_split(void **state)
{
	uint32_t x = 7;

	for (size_t len = 0; len < 200; len++) {
		for (int round = 0; round < 40; round++) {
			char *line = malloc(len ? len : 1);
			const char *at = line;
			struct record_layout l;
			struct record r;
			size_t blanks = 0, want, end = len;
			int rc;

			for (size_t i = 0; i < len; i++) {
				x = x * 1103515245 + 12345;
				line[i] = (x >> 16) % 5 == 0 ? ' ' : (char)('a' + (x >> 20) % 26);
			}
			if (len && round % 3 == 0)
				line[len - 1] = '\r';
			if (end && line[end - 1] == '\r')
				end--;
			for (size_t i = 0; i < end; i++)
				blanks += line[i] == ' ';
			record_layout_default(&l);
			/* The right number of fields, or one off either way. */
			want = blanks + 1 + (size_t)(round % 3) - 1;
			if (want > RECORD_MAX_FIELDS || want == 0)
				want = blanks + 1;
			if (want > RECORD_MAX_FIELDS) {
				free(line);
				continue;
			}
			l.n = want;
			rc = record_parse(&r, &l, line, len);
			if (want != blanks + 1) {
				assert_int_equal(rc, -1);
				free(line);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(r.n, want);
			for (size_t f = 0; f < want; f++) {
				const char *stop = memchr(at, ' ', (size_t)(line + end - at));

				if (!stop)
					stop = line + end;
				assert_ptr_equal(r.v[f].s, at);
				assert_int_equal(r.v[f].len, stop - at);
				at = stop + 1;
			}
			free(line);
		}
	}
}

/* record_parse_next against record_parse: on lines of every length up to
 * past the bytes it reads, with blanks anywhere, a trailing '\r' or not, a
 * first byte that may start a header, and more lines after. Whenever it
 * splits a line, record_parse splits it the same way; it leaves none that
 * is a plain record of the layout within its reach. The bytes it reads are
 * exactly the allocation, so that reading more shows under the
 * sanitizers. */
static void test_parse_next(void **state)
{
	uint32_t x = 11;

	for (size_t len = 0; len < RECORD_NEXT_READ + 20; len++) {
		for (int round = 0; round < 60; round++) {
			size_t size = len + 1 > RECORD_NEXT_READ ? len + 1 : RECORD_NEXT_READ;
			char *buf = malloc(size);
			struct record_layout l;
			struct record r1, r2;
			size_t blanks = 0, got = 0;
			int rc, plain;

			for (size_t i = 0; i < size; i++)
				buf[i] =
				    (char)(rnd_next(&x) % 4 == 0 ? ' ' : '0' + rnd_next(&x) % 10);
			for (size_t i = len + 1; i < size; i++)
				if (rnd_next(&x) % 16 == 0)
					buf[i] = '\n';
			buf[len] = '\n';
			if (len && round % 5 == 0)
				buf[len - 1] = '\r';
			if (len && round % 7 == 0)
				buf[0] = 'v';
			for (size_t i = 0; i < len; i++)
				blanks += buf[i] == ' ';
			record_layout_default(&l);
			l.n = blanks + 1 + (size_t)(round % 3) - 1; /* right, or one off */
			if (l.n == 0 || l.n > RECORD_MAX_FIELDS)
				l.n =
				    blanks + 1 > RECORD_MAX_FIELDS ? RECORD_MAX_FIELDS : blanks + 1;
			rc = record_parse_next(&r1, &l, buf, &got);
			plain = len > 0 && len < RECORD_NEXT_READ && buf[len - 1] != '\r' &&
			        !(buf[0] >= 'a' && buf[0] <= 'z') && l.n == blanks + 1;
			if (rc != 0) {
				if (plain)
					fail_msg("line of %zu bytes, %zu fields not split", len,
					         l.n);
				free(buf);
				continue;
			}
			assert_true(plain);
			assert_int_equal(got, len);
			assert_int_equal(record_parse(&r2, &l, buf, len), 0);
			assert_int_equal(r1.n, r2.n);
			assert_int_equal(r1.status, r2.status);
			assert_ptr_equal(r1.line, r2.line);
			assert_ptr_equal(r1.end, r2.end);
			for (size_t f = 0; f < r1.n; f++) {
				assert_ptr_equal(r1.v[f].s, r2.v[f].s);
				assert_int_equal(r1.v[f].len, r2.v[f].len);
			}
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample_records), cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_values),         cmocka_unit_test(test_time),
	    cmocka_unit_test(test_fast_values),    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_parse_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
