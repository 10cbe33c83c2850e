/* The JSON answer parsers of CloudWatch Logs and Organizations (aws/logs.h,
 * aws/org.h) on arbitrary input. The first byte picks the parser (the letters
 * below; any other byte picks by its value), the rest is the answer, read as
 * the JSON protocol reads it. Event callbacks stop the read after a number of
 * events the input chooses, as a limit does. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/error.h"
#include "aws/logs.h"
#include "aws/org.h"
#include "tests/fuzz/fuzz.h"

/* Checks the error a failed parse left. */
static void check_failure(int rc, const struct aws_error *err)
{
	if (rc < 0) {
		FUZZ_CHECK(err->code == rc);
		FUZZ_CHECK(FUZZ_TERMINATED(err->message) && FUZZ_TERMINATED(err->operation));
		FUZZ_CHECK_ONE_LINE(err->message);
	}
}

static void run_log_groups(json_t *answer, unsigned char knob)
{
	struct logs_group_list l = {0};
	struct aws_error err;
	char *next = NULL;
	int rc = 0;

	for (int page = 0; page < 2 && rc == 0; page++) {
		error_clear(&err);
		rc = logs_parse_log_groups(&l, answer, &next, &err);
		check_failure(rc, &err);
		free(next);
		next = NULL;
	}
	/* A failed parse may leave a half-read entry: callers only release. */
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		FUZZ_CHECK(l.v[i].name != NULL);
	logs_group_list_release(&l);
}

/* How many events to take before stopping (> 0) or failing (< 0). */
struct event_budget {
	int left;
	int fail;
};

static int on_event(void *ctx, const struct logs_event *ev)
{
	struct event_budget *b = ctx;

	FUZZ_CHECK(ev->log_stream_name && ev->message && ev->event_id);
	(void)strlen(ev->message);
	if (--b->left > 0)
		return 0;
	return b->fail ? ERR_INVALID : 1;
}

static void run_events(json_t *answer, unsigned char knob)
{
	struct event_budget b = {1 + (knob & 0x0f), knob & 0x10};
	struct aws_error err;
	char *next = NULL;
	int rc;

	error_clear(&err);
	rc = logs_parse_events(answer, on_event, &b, &next, &err);
	if (rc < 0 && !(b.fail && b.left <= 0))
		check_failure(rc, &err);
	free(next);
}

static void run_accounts(json_t *answer, unsigned char knob)
{
	struct org_account_list l = {0};
	struct aws_error err;
	char *next = NULL;
	int rc = 0;

	for (int page = 0; page < 2 && rc == 0; page++) {
		error_clear(&err);
		rc = org_parse_accounts(&l, answer, &next, &err);
		check_failure(rc, &err);
		free(next);
		next = NULL;
	}
	/* A failed parse may leave a half-read entry: callers only release. */
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		FUZZ_CHECK(l.v[i].id != NULL);
	org_account_list_release(&l);
}

static const struct {
	char letter;
	void (*run)(json_t *answer, unsigned char knob);
} parsers[] = {
    {'g', run_log_groups},
    {'e', run_events},
    {'a', run_accounts},
};
#define N_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *answer;
	size_t pick;

	if (size < 1)
		return 0;
	pick = data[0] % N_PARSERS;
	for (size_t i = 0; i < N_PARSERS; i++)
		if (parsers[i].letter == (char)data[0])
			pick = i;
	answer = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	if (!answer)
		return 0;
	parsers[pick].run(answer, size > 1 ? data[size - 1] : 0);
	json_decref(answer);
	return 0;
}
