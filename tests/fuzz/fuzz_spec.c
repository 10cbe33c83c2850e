/* The spec parser (engine/spec.h) on arbitrary bytes. Beyond not crashing:
 * a spec that parses comes back normalised, and that normalised form must
 * parse again to the same thing; a spec that fails has at least one error,
 * each with a message; the templates of a parsed spec expand or explain why
 * not. */
#include <string.h>

#include <jansson.h>

#include "aws/buf.h"
#include "engine/spec.h"
#include "tests/fuzz/fuzz.h"

/* Expands a template of a parsed spec the way apply would. */
static void expand(const char *tmpl)
{
	struct buf out = BUF_INIT, why = BUF_INIT;

	if (!tmpl)
		return;
	if (spec_expand(&out, tmpl, "vpc-0a1b2c3d4e5f60001", "us-east-1", "123456789012", &why) < 0)
		FUZZ_CHECK(why.len > 0);
	buf_release(&out);
	buf_release(&why);
}

/* Parses the normalised text of s and checks it normalises to itself. */
static void check_round_trip(const struct spec *s)
{
	struct spec again = {0};
	struct spec_errors errs = SPEC_ERRORS_INIT;
	json_t *first = spec_to_json(s), *second;
	char *text = json_dumps(first, JSON_SORT_KEYS);

	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(spec_parse(&again, "normalised.json", text, strlen(text), &errs) == 0);
	FUZZ_CHECK(again.n_configs == s->n_configs);
	second = spec_to_json(&again);
	FUZZ_CHECK(json_equal(first, second));
	json_decref(second);
	json_decref(first);
	free(text);
	spec_release(&again);
	spec_errors_release(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec s = {0};
	struct spec_errors errs = SPEC_ERRORS_INIT;
	struct buf line = BUF_INIT;

	if (spec_parse(&s, "fuzz.json", (const char *)data, size, &errs) == 0) {
		FUZZ_CHECK(s.n_configs >= 1);
		FUZZ_CHECK(errs.n == 0);
		for (size_t i = 0; i < s.n_configs; i++) {
			FUZZ_CHECK(s.configs[i].log_format != NULL);
			expand(s.configs[i].log_group);
			expand(s.configs[i].prefix);
		}
		check_round_trip(&s);
	} else {
		FUZZ_CHECK(errs.n > 0);
		FUZZ_CHECK(s.n_configs == 0);
	}
	for (size_t i = 0; i < errs.n; i++) {
		FUZZ_CHECK(errs.v[i].message && *errs.v[i].message);
		buf_reset(&line);
		spec_error_format(&errs.v[i], &line);
		FUZZ_CHECK_ONE_LINE(line.data);
	}
	buf_release(&line);
	spec_release(&s);
	spec_errors_release(&errs);
	return 0;
}
