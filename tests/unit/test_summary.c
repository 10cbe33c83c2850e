/* --summary: counts, top lists and their order, network-ACL-like rejections
 * (one case a row of a table), that merging partial summaries gives the
 * whole one, and counts too big for the compact table of IPv4 flows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Adds lines (NULL-terminated) to s. */
static void add_text(struct summary *s, const char *const *text)
{
	struct record_layout l;
	struct record r;

	record_layout_default(&l);
	for (; *text; text++) {
		assert_int_equal(record_parse(&r, &l, *text, strlen(*text)), 0);
		summary_add(s, &r);
	}
}

/* "ADDR:PORT -> ADDR:PORT accepted N, rejected M" */
static void acl_row_text(char *out, size_t size, const struct summary_row *x)
{
	char a[46], b[46];

	record_addr_format(&x->src, a);
	record_addr_format(&x->dst, b);
	snprintf(out, size, "%s:%u -> %s:%u accepted %llu, rejected %llu", a, x->srcport, b,
	         x->dstport, (unsigned long long)x->accepted, (unsigned long long)x->rejected);
}

#define REC(src, dst, sport, dport, action)                                                        \
	"2 1 eni-1 " src " " dst " " sport " " dport " 6 1 40 1 2 " action " OK"

/* Conversations and how their rejected records are told apart: a is the
 * end whose address (then port) orders first. want is the report as
 * report_text writes it. */
static const struct acl_case {
	const char *name, *want;
	const char *lines[8];
} acl_cases[] = {
    {"return rejected: a network ACL",
     "acl 2, sg 0; 10.0.0.1:1000 -> 10.0.0.2:80 accepted 1, rejected 2",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT")}},
    {"request rejected: a security group",
     "acl 0, sg 1; none",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT")}},
    {"return rejected, request from b",
     "acl 1, sg 0; 10.0.0.2:80 -> 10.0.0.1:1000 accepted 1, rejected 1",
     {REC("10.0.0.2", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT")}},
    {"both ways: the request is the way whose return was rejected more (a->b)",
     "acl 3, sg 2; 10.0.0.1:1000 -> 10.0.0.2:80 accepted 1, rejected 3",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT")}},
    {"both ways: the request is the way whose return was rejected more (b->a)",
     "acl 2, sg 1; 10.0.0.2:80 -> 10.0.0.1:1000 accepted 2, rejected 2",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT")}},
    {"both ways, a tie: the request is a->b",
     "acl 1, sg 1; 10.0.0.1:1000 -> 10.0.0.2:80 accepted 1, rejected 1",
     {REC("10.0.0.2", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "REJECT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT")}},
    {"both ways, a tie, one address: a is the lower port",
     "acl 1, sg 1; 10.0.0.1:80 -> 10.0.0.1:1000 accepted 1, rejected 1",
     {REC("10.0.0.1", "10.0.0.1", "1000", "80", "ACCEPT"),
      REC("10.0.0.1", "10.0.0.1", "80", "1000", "ACCEPT"),
      REC("10.0.0.1", "10.0.0.1", "80", "1000", "REJECT"),
      REC("10.0.0.1", "10.0.0.1", "1000", "80", "REJECT")}},
    {"both ends the same: no return to speak of",
     "acl 0, sg 1; none",
     {REC("10.0.0.1", "10.0.0.1", "80", "80", "ACCEPT"),
      REC("10.0.0.1", "10.0.0.1", "80", "80", "REJECT")}},
    {"IPv6 orders after IPv4",
     "acl 1, sg 0; 2001:db8::1:443 -> 10.0.0.1:5000 accepted 1, rejected 1",
     {REC("2001:db8::1", "10.0.0.1", "443", "5000", "ACCEPT"),
      REC("10.0.0.1", "2001:db8::1", "5000", "443", "REJECT")}},
    {"other ports: another conversation",
     "acl 0, sg 1; none",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "1001", "REJECT")}},
    {"no ports: no conversation",
     "acl 0, sg 0; none",
     {REC("10.0.0.1", "10.0.0.2", "1000", "80", "ACCEPT"),
      REC("10.0.0.2", "10.0.0.1", "80", "-", "REJECT")}},
};

/* "acl N, sg M; " and the conversation rows, "; " between ("none" when
 * none). */
static void report_text(char *out, size_t size, const struct summary_report *r)
{
	size_t len =
	    (size_t)snprintf(out, size, "acl %llu, sg %llu; ", (unsigned long long)r->acl_rejected,
	                     (unsigned long long)r->sg_rejected);

	if (!r->acl_like.n)
		snprintf(out + len, size - len, "none");
	for (size_t i = 0; i < r->acl_like.n && len + 2 < size; i++) {
		if (i) {
			memcpy(out + len, "; ", 3);
			len += 2;
		}
		acl_row_text(out + len, size - len, &r->acl_like.v[i]);
		len += strlen(out + len);
	}
}

static void test_acl_cases(void **state)
{
	for (size_t i = 0; i < sizeof(acl_cases) / sizeof(acl_cases[0]); i++) {
		const struct acl_case *c = &acl_cases[i];
		struct summary *whole = summary_new(), *first = summary_new(),
		               *rest = summary_new();
		struct summary_report r;
		char got[512];

		add_text(whole, c->lines);
		summary_report(&r, whole, 10);
		report_text(got, sizeof(got), &r);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got '%s', want '%s'", c->name, got, c->want);
		summary_report_release(&r);
		/* The same from two parts merged, the first line apart. */
		add_text(first, (const char *const[]){c->lines[0], NULL});
		add_text(rest, c->lines + 1);
		summary_merge(rest, first);
		summary_report(&r, rest, 10);
		report_text(got, sizeof(got), &r);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s, merged: got '%s', want '%s'", c->name, got, c->want);
		summary_report_release(&r);
		summary_free(whole);
		summary_free(first);
		summary_free(rest);
	}
}

/* Records without an action count in talkers and ports only; records
 * without addresses only in the traffic counts. */
static void test_partial_records(void **state)
{
	static const char *const text[] = {
	    "2 1 eni-1 10.0.0.1 10.0.0.2 1000 80 6 3 100 1 2 - OK",
	    "2 1 eni-1 - 10.0.0.2 1000 80 6 1 40 1 2 ACCEPT OK",
	    "2 1 eni-1 10.0.0.1 not-an-address 1000 80 6 1 40 1 2 REJECT OK",
	    "2 1 eni-1 10.0.0.1 10.0.0.2 1000 70000 6 1 40 1 2 REJECT OK",
	    NULL,
	};
	struct summary *s = summary_new();
	struct summary_report r;

	add_text(s, text);
	summary_report(&r, s, 10);
	assert_int_equal(r.records, 4);
	assert_int_equal(r.accepted.records, 1);
	assert_int_equal(r.rejected.records, 2);
	assert_int_equal(r.talkers.n, 1);
	assert_int_equal(r.talkers.v[0].records, 2);
	assert_int_equal(r.talkers.v[0].packets, 4);
	assert_int_equal(r.talkers.v[0].bytes, 140);
	assert_int_equal(r.rejected_sources.n, 1);
	assert_int_equal(r.rejected_sources.v[0].records, 1);
	assert_int_equal(r.ports.n, 1); /* port 70000 is no port */
	assert_int_equal(r.ports.v[0].dstport, 80);
	assert_int_equal(r.ports.v[0].records, 1);
	assert_int_equal(r.acl_rejected + r.sg_rejected, 0);
	summary_report_release(&r);
	summary_free(s);
}

static void rows_equal(const struct summary_rows *a, const struct summary_rows *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_memory_equal(&a->v[i], &b->v[i], sizeof(a->v[i]));
}

/* Many flows (the tables grow) split among summaries at random points,
 * merged: the same report as one summary of everything. */
static void test_merge_many(void **state)
{
	enum { N = 20000, PARTS = 3 };
	struct summary *whole = summary_new(), *parts[PARTS];
	struct summary_report a, b;
	struct record_layout l;
	struct record rec;
	char line[160];
	uint32_t x = 1;

	record_layout_default(&l);
	for (int p = 0; p < PARTS; p++)
		parts[p] = summary_new();
	for (int i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		snprintf(line, sizeof(line),
		         "2 1 eni-1 10.0.%u.%u 10.0.%u.%u %u %u %u %u %u 1 2 %s OK", x >> 28,
		         (x >> 20) & 7, (x >> 17) & 7, (x >> 14) & 7, 1000 + ((x >> 12) & 3),
		         (x >> 10) & 1 ? 80 : 1000 + ((x >> 8) & 3), (x >> 7) & 1 ? 6 : 17, x & 15,
		         x & 1023, (x >> 5) & 3 ? "ACCEPT" : "REJECT");
		assert_int_equal(record_parse(&rec, &l, line, strlen(line)), 0);
		summary_add(whole, &rec);
		summary_add(parts[(x >> 3) % PARTS], &rec);
	}
	for (int p = 1; p < PARTS; p++)
		summary_merge(parts[0], parts[p]);
	summary_report(&a, whole, 100000);
	summary_report(&b, parts[0], 100000);
	assert_int_equal(a.records, N);
	assert_memory_equal(&a.accepted, &b.accepted, sizeof(a.accepted));
	assert_memory_equal(&a.rejected, &b.rejected, sizeof(a.rejected));
	assert_int_equal(a.acl_rejected, b.acl_rejected);
	assert_int_equal(a.sg_rejected, b.sg_rejected);
	assert_true(a.acl_rejected > 0);
	assert_true(a.talkers.n > 1000);
	rows_equal(&a.talkers, &b.talkers);
	rows_equal(&a.rejected_sources, &b.rejected_sources);
	rows_equal(&a.ports, &b.ports);
	rows_equal(&a.acl_like, &b.acl_like);
	/* A shorter list is the head of the longer one. */
	summary_report_release(&b);
	summary_report(&b, whole, 7);
	assert_int_equal(b.talkers.n, 7);
	assert_memory_equal(b.talkers.v, a.talkers.v, 7 * sizeof(*b.talkers.v));
	assert_int_equal(b.acl_like.n, a.acl_like.n < 7 ? a.acl_like.n : 7);
	assert_memory_equal(b.acl_like.v, a.acl_like.v, b.acl_like.n * sizeof(*b.acl_like.v));
	summary_report_release(&a);
	summary_report_release(&b);
	summary_free(whole);
	for (int p = 0; p < PARTS; p++)
		summary_free(parts[p]);
}

/* Counts past 32 bits in one flow, and the same flow given as IPv4 and as
 * IPv4-mapped IPv6 text: one flow, counted in full, also merged. */
static void test_big_counts(void **state)
{
	static const char *const text[] = {
	    "2 1 eni-1 10.0.0.1 10.0.0.2 1000 80 6 4000000000 3000000000 1 2 REJECT OK",
	    "2 1 eni-1 10.0.0.1 10.0.0.2 1000 80 6 4000000000 3000000000 1 2 REJECT OK",
	    "2 1 eni-1 ::ffff:10.0.0.1 10.0.0.2 1000 80 6 1 40 1 2 REJECT OK",
	    "2 1 eni-1 10.0.0.1 10.0.0.2 1000 80 6 5000000000 40 1 2 REJECT OK",
	    "2 1 eni-1 10.0.0.2 10.0.0.1 80 1000 6 294967297 40 1 2 ACCEPT OK",
	    "2 1 eni-1 10.0.0.2 10.0.0.1 80 1000 6 4000000000 40 1 2 ACCEPT OK",
	    NULL,
	};
	const uint64_t packets = 2 * 4000000000ull + 1 + 5000000000ull;
	struct summary *s = summary_new(), *a = summary_new(), *b = summary_new();
	struct summary_report r;

	add_text(s, text);
	add_text(a, text);
	add_text(b, text);
	add_text(b, text);
	summary_merge(a, b);
	for (int round = 0; round < 2; round++) {
		uint64_t times = round ? 3 : 1; /* a: the lines three times over */

		summary_report(&r, round ? a : s, 10);
		assert_true(r.rejected.packets == packets * times);
		assert_int_equal(r.talkers.n, 2);
		addr_is(&r.talkers.v[0].src, "10.0.0.1");
		assert_true(r.talkers.v[0].records == 4 * times);
		assert_true(r.talkers.v[0].packets == packets * times);
		assert_true(r.talkers.v[0].bytes == (6000000000ull + 80) * times);
		assert_true(r.talkers.v[1].packets == 4294967297ull * times);
		assert_int_equal(r.rejected_sources.n, 1);
		assert_true(r.rejected_sources.v[0].records == 4 * times);
		/* Every rejected record is the return of an accepted request. */
		assert_true(r.acl_rejected == 4 * times);
		assert_int_equal(r.acl_like.n, 1);
		assert_true(r.acl_like.v[0].accepted == 2 * times);
		summary_report_release(&r);
	}
	summary_free(s);
	summary_free(a);
	summary_free(b);
}

/* The default format with srcport before dstaddr: srcaddr to protocol are
 * not side by side, so records of it are parsed at once. */
static const char *const shuffled = "version account-id interface-id srcaddr srcport dstaddr "
                                    "dstport protocol packets bytes start end action log-status";

/* Two reports with the same counts and lists. */
static void reports_equal(const struct summary_report *a, const struct summary_report *b)
{
	assert_true(a->records == b->records);
	assert_memory_equal(&a->accepted, &b->accepted, sizeof(a->accepted));
	assert_memory_equal(&a->rejected, &b->rejected, sizeof(a->rejected));
	assert_true(a->acl_rejected == b->acl_rejected);
	assert_true(a->sg_rejected == b->sg_rejected);
	rows_equal(&a->talkers, &b->talkers);
	rows_equal(&a->rejected_sources, &b->rejected_sources);
	rows_equal(&a->ports, &b->ports);
	rows_equal(&a->acl_like, &b->acl_like);
}

/* Records counted by the text of their fields from srcaddr to protocol
 * (side by side, as in the default format) and records parsed at once
 * (another order of the fields, or text too long, as IPv6 addresses make
 * it) give the same report, alone or mixed in one summary. */
static void test_text_and_parsed(void **state)
{
	enum { N = 20000 };
	struct summary *text = summary_new(), *parsed = summary_new(), *mixed = summary_new();
	struct summary_report a, b, c;
	struct record_layout def, other;
	struct record rec;
	char line[200];
	uint32_t x = 5;

	record_layout_default(&def);
	assert_int_equal(record_layout_parse(&other, shuffled, 0, NULL), 0);
	for (int i = 0; i < N; i++) {
		char src[48], dst[48];
		unsigned sport, dport, proto, packets;
		const char *action;

		x = x * 1103515245 + 12345;
		if ((x >> 4) % 16 == 0) {
			snprintf(src, sizeof(src), "2001:db8:%x::%x", x >> 28, (x >> 20) & 7);
			snprintf(dst, sizeof(dst), "2001:db8:%x::%x", (x >> 17) & 3, (x >> 14) & 7);
		} else {
			snprintf(src, sizeof(src), "%u.0.%u.%u", (x >> 29) ? 10 : 203, x >> 28,
			         (x >> 20) & 7);
			snprintf(dst, sizeof(dst), "10.0.%u.%u", (x >> 17) & 3, (x >> 14) & 7);
		}
		sport = (x >> 12) & 1 ? 443 : 40000 + ((x >> 8) & 15);
		dport = (x >> 11) & 1 ? 443 : 40000 + ((x >> 8) & 15);
		proto = (x >> 7) & 1 ? 6 : 17;
		packets = x & 15;
		action = (x >> 5) & 3 ? "ACCEPT" : "REJECT";
		snprintf(line, sizeof(line), "2 1 eni-1 %s %s %u %u %u %u %u 1 2 %s OK", src, dst,
		         sport, dport, proto, packets, packets * 40, action);
		assert_int_equal(record_parse(&rec, &def, line, strlen(line)), 0);
		summary_add(text, &rec);
		if (i % 2)
			summary_add(mixed, &rec);
		snprintf(line, sizeof(line), "2 1 eni-1 %s %u %s %u %u %u %u 1 2 %s OK", src, sport,
		         dst, dport, proto, packets, packets * 40, action);
		assert_int_equal(record_parse(&rec, &other, line, strlen(line)), 0);
		summary_add(parsed, &rec);
		if (!(i % 2))
			summary_add(mixed, &rec);
	}
	summary_report(&a, text, 100000);
	summary_report(&b, parsed, 100000);
	summary_report(&c, mixed, 100000);
	assert_true(a.talkers.n > 100);
	assert_true(a.acl_rejected > 0);
	reports_equal(&a, &b);
	reports_equal(&a, &c);
	summary_report_release(&a);
	summary_report_release(&b);
	summary_report_release(&c);
	summary_free(text);
	summary_free(parsed);
	summary_free(mixed);
}

/* Enough distinct flows that the texts are folded on two threads: the same
 * report as when every record is parsed at once. */
static void test_many_texts(void **state)
{
	enum { N = 120000 };
	struct summary *text = summary_new(), *parsed = summary_new();
	struct summary_report a, b;
	struct record_layout def, other;
	struct record rec;
	char line[200];

	record_layout_default(&def);
	assert_int_equal(record_layout_parse(&other, shuffled, 0, NULL), 0);
	for (unsigned i = 0; i < N; i++) {
		unsigned j = i % (N / 3 * 2); /* half the flows twice */
		const char *action = j % 5 ? "ACCEPT" : "REJECT";

		snprintf(line, sizeof(line),
		         "2 1 eni-1 10.%u.%u.%u 10.9.%u.1 %u %u 6 %u %u 1 2 %s OK", j >> 16,
		         (j >> 8) & 255, j & 255, j % 7, 40000 + j % 13, 443 + j % 3, j % 9,
		         j % 9 * 40, action);
		assert_int_equal(record_parse(&rec, &def, line, strlen(line)), 0);
		summary_add(text, &rec);
		snprintf(line, sizeof(line),
		         "2 1 eni-1 10.%u.%u.%u %u 10.9.%u.1 %u 6 %u %u 1 2 %s OK", j >> 16,
		         (j >> 8) & 255, j & 255, 40000 + j % 13, j % 7, 443 + j % 3, j % 9,
		         j % 9 * 40, action);
		assert_int_equal(record_parse(&rec, &other, line, strlen(line)), 0);
		summary_add(parsed, &rec);
	}
	summary_report(&a, text, 50);
	summary_report(&b, parsed, 50);
	assert_int_equal(a.records, N);
	assert_int_equal(a.talkers.n, 50);
	assert_true(a.talkers.v[0].records == 2);
	reports_equal(&a, &b);
	summary_report_release(&a);
	summary_report_release(&b);
	summary_free(text);
	summary_free(parsed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report),          cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_growth),          cmocka_unit_test(test_acl_cases),
	    cmocka_unit_test(test_partial_records), cmocka_unit_test(test_merge_many),
	    cmocka_unit_test(test_big_counts),      cmocka_unit_test(test_text_and_parsed),
	    cmocka_unit_test(test_many_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
