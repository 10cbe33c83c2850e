/* --summary: counts, top lists and their order, network-ACL-like rejections,
 * and that merging partial summaries gives the whole one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/record.h"
#include "engine/summary.h"

static const char *const lines[] = {
    /* A request accepted and its return rejected: a network ACL. */
    "2 1 eni-1 10.0.0.5 10.0.1.7 51234 443 6 10 1000 1 2 ACCEPT OK",
    "2 1 eni-1 10.0.1.7 10.0.0.5 443 51234 6 1 40 1 2 REJECT OK",
    "2 1 eni-1 10.0.1.7 10.0.0.5 443 51234 6 1 40 1 2 REJECT OK",
    /* Requests rejected outright: a security group. */
    "2 1 eni-1 203.0.113.9 10.0.0.5 40000 22 6 1 60 1 2 REJECT OK",
    "2 1 eni-1 203.0.113.9 10.0.0.5 40001 22 6 1 60 1 2 REJECT OK",
    "2 1 eni-1 198.51.100.1 10.0.0.5 40000 3389 6 1 60 1 2 REJECT OK",
    /* More accepted traffic. */
    "2 1 eni-1 10.0.0.5 8.8.8.8 53000 53 17 2 150 1 2 ACCEPT OK",
    "2 1 eni-1 2001:db8::1 2001:db8::2 1000 443 6 5 5000 1 2 ACCEPT OK",
    "2 1 eni-1 - - - - - - - 1 2 - NODATA",
    "2 1 eni-1 - - - - - - - 1 2 - SKIPDATA",
};

#define N_LINES (sizeof(lines) / sizeof(lines[0]))

static void add_lines(struct summary *s, size_t from, size_t to)
{
	struct record_layout l;
	struct record r;

	record_layout_default(&l);
	for (size_t i = from; i < to; i++) {
		assert_int_equal(record_parse(&r, &l, lines[i], strlen(lines[i])), 0);
		summary_add(s, &r);
	}
}

static void addr_is(const struct record_addr *a, const char *want)
{
	char text[46];

	record_addr_format(a, text);
	assert_string_equal(text, want);
}

static void check(const struct summary_report *r)
{
	assert_int_equal(r->records, 10);
	assert_int_equal(r->nodata, 1);
	assert_int_equal(r->skipdata, 1);
	assert_int_equal(r->accepted.records, 3);
	assert_int_equal(r->accepted.packets, 17);
	assert_int_equal(r->accepted.bytes, 6150);
	assert_int_equal(r->rejected.records, 5);
	assert_int_equal(r->rejected.bytes, 260);
	/* Talkers by bytes; top 3 only. */
	assert_int_equal(r->talkers.n, 3);
	addr_is(&r->talkers.v[0].src, "2001:db8::1");
	addr_is(&r->talkers.v[1].src, "10.0.0.5");
	addr_is(&r->talkers.v[1].dst, "10.0.1.7");
	addr_is(&r->talkers.v[2].dst, "8.8.8.8");
	/* Rejected sources by records, ties by address. */
	assert_int_equal(r->rejected_sources.n, 3);
	addr_is(&r->rejected_sources.v[0].src, "10.0.1.7");
	addr_is(&r->rejected_sources.v[1].src, "203.0.113.9");
	assert_int_equal(r->rejected_sources.v[1].records, 2);
	addr_is(&r->rejected_sources.v[2].src, "198.51.100.1");
	/* Ports by records, ties by port. */
	assert_int_equal(r->ports.v[0].dstport, 22);
	assert_int_equal(r->ports.v[0].records, 2);
	assert_int_equal(r->ports.v[1].dstport, 443);
	assert_int_equal(r->ports.v[1].records, 2);
	assert_int_equal(r->ports.v[2].dstport, 51234);
	/* The network ACL: the request is the accepted direction. */
	assert_int_equal(r->acl_like.n, 1);
	addr_is(&r->acl_like.v[0].src, "10.0.0.5");
	assert_int_equal(r->acl_like.v[0].srcport, 51234);
	addr_is(&r->acl_like.v[0].dst, "10.0.1.7");
	assert_int_equal(r->acl_like.v[0].dstport, 443);
	assert_int_equal(r->acl_like.v[0].protocol, 6);
	assert_int_equal(r->acl_like.v[0].accepted, 1);
	assert_int_equal(r->acl_like.v[0].rejected, 2);
	assert_int_equal(r->acl_rejected, 2);
	assert_int_equal(r->sg_rejected, 3);
}

static void test_report(void **state)
{
	struct summary *s = summary_new();
	struct summary_report r;

	add_lines(s, 0, N_LINES);
	summary_report(&r, s, 3);
	check(&r);
	summary_report_release(&r);
	summary_free(s);
}

static void test_merge(void **state)
{
	struct summary *a = summary_new(), *b = summary_new();
	struct summary_report r;

	add_lines(a, 0, 2);
	add_lines(b, 2, N_LINES);
	summary_merge(a, b);
	summary_report(&r, a, 3);
	check(&r);
	summary_report_release(&r);
	summary_free(a);
	summary_free(b);
}

static void test_growth(void **state)
{
	struct summary *s = summary_new();
	struct summary_report r;
	struct record_layout l;
	struct record rec;
	char line[128];

	record_layout_default(&l);
	for (int i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line),
		         "2 1 eni-1 10.%d.%d.1 10.0.0.1 %d 80 6 1 %d 1 2 ACCEPT OK", i / 256,
		         i % 256, 1024 + i, i);
		assert_int_equal(record_parse(&rec, &l, line, strlen(line)), 0);
		summary_add(s, &rec);
	}
	summary_report(&r, s, 2);
	assert_int_equal(r.talkers.n, 2);
	assert_int_equal(r.talkers.v[0].bytes, 4999);
	addr_is(&r.talkers.v[0].src, "10.19.135.1");
	assert_int_equal(r.ports.n, 1);
	assert_int_equal(r.ports.v[0].records, 5000);
	summary_report_release(&r);
	summary_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
