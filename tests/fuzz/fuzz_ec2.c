/* The EC2 answer parsers (aws/ec2.h) on arbitrary XML. The first byte picks
 * the parser (the letters below; any other byte picks by its value), the rest
 * is the answer. Each document is parsed twice into the same list, as pages
 * accumulate; whatever the parser returns, the list must release cleanly. */
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/xml.h"
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

/* Defines run_<parse>: up to two pages of one document into one list, as
 * the Describe calls read them (they stop at the first failure). */
#define PAGED(type, parse, release)                                                                \
	static void run_##parse(xmlDocPtr doc)                                                     \
	{                                                                                          \
		type l = {0};                                                                      \
		struct aws_error err;                                                              \
		char *next = NULL;                                                                 \
		int rc = 0;                                                                        \
                                                                                                   \
		for (int page = 0; page < 2 && rc == 0; page++) {                                  \
			error_clear(&err);                                                         \
			rc = parse(&l, doc, &next, &err);                                          \
			check_failure(rc, &err);                                                   \
			FUZZ_CHECK(l.n <= l.alloc);                                                \
			free(next);                                                                \
			next = NULL;                                                               \
		}                                                                                  \
		release(&l);                                                                       \
	}

PAGED(struct ec2_flow_log_list, ec2_parse_flow_logs, ec2_flow_log_list_release)
PAGED(struct ec2_vpc_list, ec2_parse_vpcs, ec2_vpc_list_release)
PAGED(struct ec2_subnet_list, ec2_parse_subnets, ec2_subnet_list_release)
PAGED(struct ec2_eni_list, ec2_parse_enis, ec2_eni_list_release)
PAGED(struct ec2_tgw_list, ec2_parse_tgws, ec2_tgw_list_release)
PAGED(struct ec2_tgw_attachment_list, ec2_parse_tgw_attachments, ec2_tgw_attachment_list_release)

static void run_regions(xmlDocPtr doc)
{
	struct ec2_region_list l = {0};
	struct aws_error err;
	int rc = 0;

	for (int page = 0; page < 2 && rc == 0; page++) {
		error_clear(&err);
		rc = ec2_parse_regions(&l, doc, &err);
		check_failure(rc, &err);
	}
	/* A failed parse may leave a half-read entry: callers only release. */
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		FUZZ_CHECK(l.v[i].region_name != NULL);
	ec2_region_list_release(&l);
}

static void run_create(xmlDocPtr doc)
{
	struct ec2_create_flow_logs_result r = {0};
	struct aws_error err;

	error_clear(&err);
	check_failure(ec2_parse_create_flow_logs(&r, doc, &err), &err);
	ec2_create_flow_logs_result_release(&r);
}

static void run_delete(xmlDocPtr doc)
{
	struct ec2_unsuccessful_list l = {0};
	struct aws_error err;
	int rc = 0;

	for (int batch = 0; batch < 2 && rc == 0; batch++) {
		error_clear(&err);
		rc = ec2_parse_delete_flow_logs(&l, doc, &err);
		check_failure(rc, &err);
	}
	ec2_unsuccessful_list_release(&l);
}

static const struct {
	char letter;
	void (*run)(xmlDocPtr doc);
} parsers[] = {
    {'r', run_regions},        {'f', run_ec2_parse_flow_logs}, {'c', run_create},
    {'d', run_delete},         {'v', run_ec2_parse_vpcs},      {'s', run_ec2_parse_subnets},
    {'e', run_ec2_parse_enis}, {'t', run_ec2_parse_tgws},      {'a', run_ec2_parse_tgw_attachments},
};
#define N_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_error err;
	xmlDocPtr doc;
	size_t pick;

	if (size < 1)
		return 0;
	pick = data[0] % N_PARSERS;
	for (size_t i = 0; i < N_PARSERS; i++)
		if (parsers[i].letter == (char)data[0])
			pick = i;
	error_clear(&err);
	doc = xml_parse((const char *)data + 1, size - 1, "Fuzz", &err);
	if (!doc) {
		FUZZ_CHECK(err.code == ERR_PARSE && FUZZ_TERMINATED(err.message));
		return 0;
	}
	parsers[pick].run(doc);
	xmlFreeDoc(doc);
	return 0;
}
