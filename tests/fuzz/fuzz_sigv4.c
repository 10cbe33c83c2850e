/* The SigV4 canonical request stage (aws/sigv4.h), and the signing around it,
 * on arbitrary paths, queries and headers. The first byte holds the flags
 * (bit 0 S3 rules, bit 1 unsigned payload); then come lines: the method, the
 * URL (a line starting with '/' is a path and query on an AWS host; anything
 * else is taken as the whole URL), "Name: value" headers, and after an empty
 * line the body. The signed request's Authorization header, redacted for the
 * debug log, must not show the signature. */
#include <string.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "tests/fuzz/fuzz.h"

/* Splits text at its first '\n': *line gets what comes before it (into a
 * NUL-terminated copy in line), and the rest is returned. */
static const char *next_line(struct buf *line, const char *text, const char *end)
{
	const char *eol = memchr(text, '\n', (size_t)(end - text));

	buf_reset(line);
	buf_add(line, text, (size_t)((eol ? eol : end) - text));
	return eol ? eol + 1 : end;
}

/* Signs req and checks the debug form of its Authorization header. */
static void sign_and_redact(struct http_request *req, unsigned flags)
{
	const struct sigv4_params p = {"AKIDEXAMPLE",
	                               "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	                               "session-token-for-the-fuzz-target",
	                               "us-east-1",
	                               "ec2",
	                               1440938160,
	                               flags};
	struct aws_error err;
	struct buf shown = BUF_INIT;
	const char *auth, *sig;

	error_clear(&err);
	if (sigv4_sign(req, &p, &err) < 0)
		return;
	auth = headers_get(&req->headers, "Authorization");
	FUZZ_CHECK(auth && strncmp(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 40) == 0);
	sig = strstr(auth, "Signature=");
	FUZZ_CHECK(sig != NULL);
	/* Header names are the program's own, never "...signature=...": only
	 * the usual shape, one "Signature=" at the end, is checked. */
	if (strlen(sig + 10) == 64) {
		http_redact_header(&shown, "Authorization", auth);
		FUZZ_CHECK(!strstr(shown.data, sig + 10));
		buf_reset(&shown);
	}
	http_redact_header(&shown, "X-Amz-Security-Token",
	                   headers_get(&req->headers, "X-Amz-Security-Token"));
	FUZZ_CHECK(!strstr(shown.data, p.session_token));
	buf_release(&shown);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	struct buf method = BUF_INIT, url = BUF_INIT, line = BUF_INIT;
	struct buf canonical = BUF_INIT, signed_headers = BUF_INIT;
	struct http_request req = {0};
	struct aws_error err;
	unsigned flags;
	char *colon;

	if (size < 1)
		return 0;
	flags = data[0] & (SIGV4_S3 | SIGV4_UNSIGNED_PAYLOAD);
	p = next_line(&method, p, end);
	p = next_line(&line, p, end);
	if (line.data[0] == '/')
		buf_addstr(&url, "https://ec2.us-east-1.amazonaws.com");
	buf_addstr(&url, line.data);
	headers_init(&req.headers);
	while (p < end) {
		p = next_line(&line, p, end);
		if (line.len == 0)
			break;
		colon = strchr(line.data, ':');
		if (colon)
			*colon = '\0';
		headers_add(&req.headers, line.data, colon ? colon + 1 : "");
	}
	req.method = method.data;
	req.url = url.data;
	req.body = p;
	req.body_len = (size_t)(end - p);

	error_clear(&err);
	if (sigv4_canonical_request(&canonical, &signed_headers, &req, "UNSIGNED-PAYLOAD", flags,
	                            &err) == 0) {
		size_t mlen = strlen(method.data); /* the method stops at a NUL byte */

		FUZZ_CHECK(strncmp(canonical.data, method.data, mlen) == 0 &&
		           canonical.data[mlen] == '\n');
		FUZZ_CHECK(canonical.len >= 16 &&
		           strcmp(canonical.data + canonical.len - 16, "UNSIGNED-PAYLOAD") == 0);
	} else {
		FUZZ_CHECK(err.code == ERR_INVALID && FUZZ_TERMINATED(err.message));
	}
	sign_and_redact(&req, flags);

	headers_release(&req.headers);
	buf_release(&method);
	buf_release(&url);
	buf_release(&line);
	buf_release(&canonical);
	buf_release(&signed_headers);
	return 0;
}
