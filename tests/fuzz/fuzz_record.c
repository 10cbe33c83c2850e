/* The flow-record parser (engine/record.h) and the reader around it
 * (engine/logreader.h) on arbitrary bytes: the first line is taken as a log
 * format, the rest as records, fed as a stream in two chunks (so lines break
 * across them) and also line by line. Every value of a parsed record must lie
 * inside its line; typed reads, --where matching and the views must not
 * crash; the fast line splitter agrees with record_parse. */
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "engine/logreader.h"
#include "engine/logview.h"
#include "engine/record.h"
#include "engine/summary.h"
#include "engine/where.h"
#include "tests/fuzz/fuzz.h"

struct seen {
	struct summary *sum;
	struct where where;
	const char *lo, *hi; /* the bytes records may point into; NULL: unchecked */
	size_t n;
};

static int on_record(void *ctx, struct record *r)
{
	struct seen *s = ctx;
	struct record_addr a;
	uint64_t n;
	json_t *o;

	FUZZ_CHECK(r->n == r->layout->n);
	for (size_t i = 0; i < r->n; i++) {
		if (s->lo)
			FUZZ_CHECK(r->v[i].s >= s->lo && r->v[i].s + r->v[i].len <= s->hi);
		(void)record_u64(&r->v[i], &n);
		(void)record_addr_parse(&r->v[i], &a);
	}
	(void)where_match(&s->where, r);
	(void)record_time_ms(r);
	summary_add(s->sum, r);
	o = logview_json(r);
	json_decref(o);
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nl = memchr(text, '\n', size);
	struct record_layout layout;
	struct logreader reader;
	struct aws_error err;
	struct seen seen = {0};
	struct summary_report rep;
	char format[512];
	size_t flen = nl ? (size_t)(nl - text) : size, cut;
	static const char *const conds[] = {"action=REJECT", "srcaddr=10.0.0.0/8", "dstport=1-1024",
	                                    "srcaddr!=2001:db8::/32"};

	if (flen >= sizeof(format))
		flen = sizeof(format) - 1;
	memcpy(format, text, flen);
	format[flen] = '\0';
	error_clear(&err);
	if (record_layout_parse(&layout, format, 1, &err) != 0)
		record_layout_default(&layout);
	FUZZ_CHECK(layout.n <= RECORD_MAX_FIELDS);
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
		FUZZ_CHECK(where_add(&seen.where, conds[i], &err) == 0);
	seen.sum = summary_new();

	/* As a stream in two chunks: values may point into the reader's own
	 * buffers, so they are not bounds-checked against the input here. */
	logreader_init(&reader, &layout, on_record, &seen);
	logreader_begin(&reader, "fuzz");
	cut = size / 2;
	if (logreader_feed(&reader, text, cut, &err) == 0 &&
	    logreader_feed(&reader, text + cut, size - cut, &err) == 0)
		(void)logreader_end(&reader, &err);
	FUZZ_CHECK(reader.records + reader.malformed <= reader.lines);

	/* Line by line: values must lie inside each line. */
	for (const char *p = text, *end = text + size; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);

		seen.lo = p;
		seen.hi = p + len;
		(void)logreader_line(&reader, p, len, 1);
		p += len + 1;
	}
	logreader_release(&reader);

	/* record_parse_next, wherever it has its bytes to read: a line it
	 * splits, record_parse splits the same way. */
	for (const char *p = text, *end = text + size; end - p >= RECORD_NEXT_READ;) {
		static struct record fast, slow;
		const char *e;
		size_t len;

		if (record_parse_next(&fast, &layout, p, &len) == 0) {
			FUZZ_CHECK(record_parse(&slow, &layout, p, len) == 0);
			FUZZ_CHECK(fast.n == slow.n && fast.status == slow.status);
			for (size_t i = 0; i < fast.n; i++)
				FUZZ_CHECK(fast.v[i].s == slow.v[i].s &&
				           fast.v[i].len == slow.v[i].len);
		}
		if (!(e = memchr(p, '\n', (size_t)(end - p))))
			break;
		p = e + 1;
	}

	summary_report(&rep, seen.sum, 3);
	FUZZ_CHECK(rep.records == seen.n);
	FUZZ_CHECK(rep.talkers.n <= 3);
	summary_report_release(&rep);
	summary_free(seen.sum);
	where_release(&seen.where);
	return 0;
}
