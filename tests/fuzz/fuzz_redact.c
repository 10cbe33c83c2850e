/* The redaction of the --debug wire log (http_redact_body in aws/http.h) on
 * arbitrary bodies, and on arbitrary secret values in the three syntaxes AWS
 * answers carry them in: XML elements, JSON strings and form or query
 * parameters. Whatever the secret is, encoded as that syntax encodes it, the
 * redacted body must show "<redacted>" in its place and nothing of it. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/buf.h"
#include "aws/http.h"
#include "aws/s3.h"
#include "tests/fuzz/fuzz.h"

/* Redacts head + value + tail and checks the result is head + "<redacted>" +
 * tail (or the body unchanged when value is empty). */
static void check_wrapped(const char *head, const char *value, const char *tail)
{
	struct buf body = BUF_INIT, shown = BUF_INIT, want = BUF_INIT;

	buf_addf(&body, "%s%s%s", head, value, tail);
	http_redact_body(&shown, body.data, body.len);
	buf_addf(&want, "%s%s%s", head, *value ? "<redacted>" : "", tail);
	FUZZ_CHECK(shown.len == want.len && memcmp(shown.data, want.data, want.len) == 0);
	buf_release(&body);
	buf_release(&shown);
	buf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf shown = BUF_INIT, value = BUF_INIT, encoded = BUF_INIT;
	json_t *str;
	char *json;

	/* Any body: no crash, no read past its end. */
	http_redact_body(&shown, (const char *)data, size);
	buf_release(&shown);

	buf_add(&value, data, size);
	if (strlen(value.data) != size) /* secrets are text: no NUL bytes */
		goto out;

	s3_xml_escape(&encoded, value.data);
	check_wrapped("<AssumeRoleResult><Credentials><SessionToken>", encoded.data,
	              "</SessionToken></Credentials></AssumeRoleResult>");
	check_wrapped("<sts:SecretAccessKey xml:space=\"preserve\">", encoded.data,
	              "</sts:SecretAccessKey>");

	buf_reset(&encoded);
	s3_uri_encode(&encoded, value.data, 0);
	check_wrapped("Action=AssumeRoleWithWebIdentity&WebIdentityToken=", encoded.data,
	              "&Version=2011-06-15");
	check_wrapped("/?X-Amz-Signature=", encoded.data, "");

	str = json_stringn(value.data, value.len);
	json = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
	if (json) {
		/* json is the quoted string: the value sits between its quotes. */
		json[strlen(json) - 1] = '\0';
		check_wrapped("{\"roleCredentials\": {\"secretAccessKey\": \"", json + 1,
		              "\", \"expiration\": 1}}");
		free(json);
	}
	json_decref(str);
out:
	buf_release(&value);
	buf_release(&encoded);
	return 0;
}
