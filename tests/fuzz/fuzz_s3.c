/* The S3 answer parsers (aws/s3.h) on arbitrary bytes. The first byte picks
 * the parser (the letters below; any other byte picks by its value), the rest
 * is the answer. A lifecycle configuration that parses is what vpcflow merges
 * its rule into and writes back: the document s3_lifecycle_to_xml makes of
 * it, with vpcflow's rule set, must parse again with the same rules. */
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/s3.h"
#include "tests/fuzz/fuzz.h"

/* Checks the error a failed parse left. */
static void check_failure(int rc, const struct aws_error *err)
{
	if (rc == 0)
		return;
	FUZZ_CHECK(rc < 0 && err->code == rc);
	FUZZ_CHECK(FUZZ_TERMINATED(err->message) && FUZZ_TERMINATED(err->operation));
	FUZZ_CHECK_ONE_LINE(err->message);
}

static void run_location(const char *body, size_t len)
{
	struct aws_error err;
	char *region = NULL;
	int rc;

	error_clear(&err);
	rc = s3_parse_location(&region, body, len, &err);
	check_failure(rc, &err);
	FUZZ_CHECK(rc != 0 || (region && *region));
	free(region);
}

static int same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Writes lc out and reads it back: the rules must come back as they were. */
static void check_round_trip(const struct s3_lifecycle *lc)
{
	struct s3_lifecycle again = {0};
	struct buf xml = BUF_INIT;
	struct aws_error err;

	s3_lifecycle_to_xml(&xml, lc);
	error_clear(&err);
	FUZZ_CHECK(s3_parse_lifecycle(&again, xml.data, xml.len, &err) == 0);
	FUZZ_CHECK(again.n == lc->n);
	for (size_t i = 0; i < lc->n; i++) {
		FUZZ_CHECK(same_string(again.v[i].id, lc->v[i].id));
		FUZZ_CHECK(same_string(again.v[i].status, lc->v[i].status));
		FUZZ_CHECK(
		    same_string(again.v[i].prefix, lc->v[i].prefix) ||
		    (!lc->v[i].raw_xml && !lc->v[i].prefix && !strcmp(again.v[i].prefix, "")));
		FUZZ_CHECK(again.v[i].expiration_days == lc->v[i].expiration_days);
	}
	s3_lifecycle_release(&again);
	buf_release(&xml);
}

static void run_lifecycle(const char *body, size_t len)
{
	struct s3_lifecycle lc = {0};
	struct aws_error err;
	int rc;

	error_clear(&err);
	rc = s3_parse_lifecycle(&lc, body, len, &err);
	check_failure(rc, &err);
	if (rc == 0) {
		check_round_trip(&lc);
		s3_lifecycle_set_rule(&lc, "vpcflow-flow-logs", "AWSLogs/", 365);
		FUZZ_CHECK(s3_lifecycle_find(&lc, "vpcflow-flow-logs") != NULL);
		check_round_trip(&lc);
		FUZZ_CHECK(s3_lifecycle_remove_rule(&lc, "vpcflow-flow-logs"));
		check_round_trip(&lc);
	}
	s3_lifecycle_release(&lc);
}

static void run_list_objects(const char *body, size_t len)
{
	struct s3_object_list l = {0};
	struct aws_error err;
	char *next = NULL;
	int rc = 0;

	for (int page = 0; page < 2 && rc == 0; page++) {
		error_clear(&err);
		rc = s3_parse_list_objects(&l, body, len, &next, &err);
		check_failure(rc, &err);
		free(next);
		next = NULL;
	}
	/* A failed parse may leave a half-read entry: callers only release. */
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		FUZZ_CHECK(l.v[i].key != NULL && l.v[i].size >= 0);
	s3_object_list_release(&l);
}

static const struct {
	char letter;
	void (*run)(const char *body, size_t len);
} parsers[] = {
    {'l', run_location},
    {'c', run_lifecycle},
    {'o', run_list_objects},
};
#define N_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pick;

	if (size < 1)
		return 0;
	pick = data[0] % N_PARSERS;
	for (size_t i = 0; i < N_PARSERS; i++)
		if (parsers[i].letter == (char)data[0])
			pick = i;
	parsers[pick].run((const char *)data + 1, size - 1);
	return 0;
}
