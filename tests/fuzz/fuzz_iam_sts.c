/* The IAM and STS answer parsers (aws/iam.h, aws/sts.h) on arbitrary input.
 * The first byte picks the parser (the letters below; any other byte picks
 * by its value), the rest is the answer, or the text for the time parser and
 * the policy decoder. A failed credentials parse must not quote the secret
 * or the session token in its message; a time that parses must format and
 * parse back to the same second. */
#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/creds.h"
#include "aws/error.h"
#include "aws/iam.h"
#include "aws/sigv4.h"
#include "aws/sts.h"
#include "aws/url.h"
#include "aws/xalloc.h"
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

static void run_role(xmlDocPtr doc, const char *action)
{
	struct iam_role r;
	struct aws_error err;
	int rc;

	error_clear(&err);
	rc = iam_parse_role(&r, doc, action, &err);
	check_failure(rc, &err);
	if (rc == 0)
		FUZZ_CHECK(r.arn && r.role_name && r.role_id);
	iam_role_release(&r);
}

static void run_get_role(xmlDocPtr doc)
{
	run_role(doc, "GetRole");
}

static void run_create_role(xmlDocPtr doc)
{
	run_role(doc, "CreateRole");
}

static void run_role_policy(xmlDocPtr doc)
{
	struct aws_error err;
	char *policy = NULL;
	int rc;

	error_clear(&err);
	rc = iam_parse_role_policy(&policy, doc, &err);
	check_failure(rc, &err);
	FUZZ_CHECK(rc != 0 || policy != NULL);
	free(policy);
}

static void run_caller_identity(xmlDocPtr doc)
{
	struct sts_identity id = {0};
	struct aws_error err;
	int rc;

	error_clear(&err);
	rc = sts_parse_caller_identity(&id, doc, &err);
	check_failure(rc, &err);
	if (rc == 0)
		FUZZ_CHECK(id.account && id.arn && id.user_id);
	sts_identity_release(&id);
}

/* Whether message quotes secret (secrets too short to tell are skipped). */
static int quotes(const char *message, const char *secret)
{
	return secret && strlen(secret) >= 4 && strstr(message, secret) != NULL;
}

static void run_credentials(xmlDocPtr doc, const char *action)
{
	struct creds c;
	struct aws_error err;
	xmlNodePtr cr;
	char result[64], *secret, *token;
	int rc;

	/* The secrets as the document has them, found independently. */
	snprintf(result, sizeof(result), "%sResult", action);
	cr = xml_path(xmlDocGetRootElement(doc), result, "Credentials", NULL);
	secret = xml_child_text(cr, "SecretAccessKey");
	token = xml_child_text(cr, "SessionToken");
	error_clear(&err);
	rc = sts_parse_credentials(&c, doc, action, "fuzz", &err);
	check_failure(rc, &err);
	if (rc == 0)
		FUZZ_CHECK(c.access_key_id && c.secret_access_key && c.session_token);
	else
		FUZZ_CHECK(!quotes(err.message, secret) && !quotes(err.message, token));
	creds_release(&c);
	free(secret);
	free(token);
}

static void run_assume_role(xmlDocPtr doc)
{
	run_credentials(doc, "AssumeRole");
}

static void run_web_identity(xmlDocPtr doc)
{
	run_credentials(doc, "AssumeRoleWithWebIdentity");
}

/* A time that parses, written back as ISO 8601, parses to its second. */
static void run_time(const char *text)
{
	int64_t ms, again;
	char amz[17];
	struct buf iso = BUF_INIT;

	if (sts_parse_time(&ms, text) != 0)
		return;
	if (ms >= 0 && ms < INT64_C(253402300800000)) { /* years 1970 to 9999 */
		sigv4_format_time(amz, ms / 1000);
		buf_addf(&iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", amz, amz + 4, amz + 6, amz + 9,
		         amz + 11, amz + 13);
		FUZZ_CHECK(sts_parse_time(&again, iso.data) == 0);
		FUZZ_CHECK(again == ms / 1000 * 1000);
	}
	buf_release(&iso);
}

static void run_url_decode(const char *text)
{
	char *s = xstrdup(text);

	FUZZ_CHECK(strlen(url_decode(s, URL_PLUS_KEEP)) <= strlen(text));
	free(s);
}

static const struct {
	char letter;
	void (*run_doc)(xmlDocPtr doc);
	void (*run_text)(const char *text);
} parsers[] = {
    {'r', run_get_role, NULL},    {'n', run_create_role, NULL},
    {'p', run_role_policy, NULL}, {'i', run_caller_identity, NULL},
    {'a', run_assume_role, NULL}, {'w', run_web_identity, NULL},
    {'t', NULL, run_time},        {'u', NULL, run_url_decode},
};
#define N_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_error err;
	struct buf text = BUF_INIT;
	xmlDocPtr doc;
	size_t pick;

	if (size < 1)
		return 0;
	pick = data[0] % N_PARSERS;
	for (size_t i = 0; i < N_PARSERS; i++)
		if (parsers[i].letter == (char)data[0])
			pick = i;
	if (parsers[pick].run_text) {
		buf_add(&text, data + 1, size - 1);
		parsers[pick].run_text(text.data);
		buf_release(&text);
		return 0;
	}
	error_clear(&err);
	doc = xml_parse((const char *)data + 1, size - 1, "Fuzz", &err);
	if (!doc)
		return 0;
	parsers[pick].run_doc(doc);
	xmlFreeDoc(doc);
	return 0;
}
