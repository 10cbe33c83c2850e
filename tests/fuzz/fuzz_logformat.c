/* The log-format parser (engine/logformat.h) on arbitrary text, for VPC and
 * for transit gateway flow logs. A format that parses must render to the
 * "${field} ..." form AWS takes, and that form must parse back to the same
 * fields; a format that fails has errors pointing inside the text. */
#include <string.h>

#include "aws/buf.h"
#include "engine/logformat.h"
#include "tests/fuzz/fuzz.h"

/* Parses text for scope and checks what the parser promises. */
static void parse_scope(const char *text, size_t len, unsigned scope)
{
	struct logformat f = LOGFORMAT_INIT, again = LOGFORMAT_INIT;
	struct logformat_errors errs = LOGFORMAT_ERRORS_INIT, errs2 = LOGFORMAT_ERRORS_INIT;
	struct buf rendered = BUF_INIT;

	if (logformat_parse(&f, text, scope, &errs) == 0) {
		FUZZ_CHECK(errs.n == 0);
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_CHECK(f.fields[i]->scope & scope);
			FUZZ_CHECK(logformat_index(&f, f.fields[i]->name) == (int)i);
		}
		if (f.n)
			FUZZ_CHECK(logformat_version(&f) >= 2);
		logformat_render(&f, &rendered);
		FUZZ_CHECK(logformat_parse(&again, rendered.data, scope, &errs2) == 0);
		FUZZ_CHECK(again.n == f.n);
		FUZZ_CHECK(f.n == 0 ||
		           memcmp(again.fields, f.fields, f.n * sizeof(*f.fields)) == 0);
	} else {
		FUZZ_CHECK(errs.n > 0);
		FUZZ_CHECK(f.n == 0);
		for (size_t i = 0; i < errs.n; i++) {
			FUZZ_CHECK(errs.v[i].message && *errs.v[i].message);
			FUZZ_CHECK_ONE_LINE(errs.v[i].message);
			FUZZ_CHECK(errs.v[i].offset <= len);
		}
	}
	buf_release(&rendered);
	logformat_release(&f);
	logformat_release(&again);
	logformat_errors_release(&errs);
	logformat_errors_release(&errs2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT;

	/* The parser takes a C string: text stops at the first NUL byte. */
	buf_add(&text, data, size);
	parse_scope(text.data, strlen(text.data), LOGFORMAT_VPC);
	parse_scope(text.data, strlen(text.data), LOGFORMAT_TGW);
	buf_release(&text);
	return 0;
}
