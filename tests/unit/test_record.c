/* The flow-record parser, on sample records of every documented layout
 * (tests/data/records/<case>/: records.log, an optional log format, and the
 * expected reading of each line), and its typed values. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample_records),
	    cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
