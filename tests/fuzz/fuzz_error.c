/* The error answer parser (client_parse_error in aws/client.h) on arbitrary
 * answers, for the four protocols. The first byte picks the protocol and the
 * HTTP status, the second which headers the answer carries; their values are
 * the first line of the rest, and what follows is the body. The parser must
 * always give ERR_SERVICE with a code and a message that fit on one line. */
#include <string.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/xalloc.h"
#include "tests/fuzz/fuzz.h"

static const long statuses[] = {400, 403, 404, 301, 500, 503, 429, 418};

static const char *const header_names[] = {"x-amzn-ErrorType", "x-amzn-RequestId",
                                           "x-amz-request-id", "x-amz-bucket-region"};

/* Whether field is a NUL-terminated string with no control characters. */
static int one_line(const char *field, size_t size)
{
	const char *end = memchr(field, '\0', size);

	return end && fuzz_one_line(field);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rest = (const char *)data + 2, *eol;
	size_t rest_len, value_len;
	struct http_response resp;
	struct aws_error err;
	struct buf value = BUF_INIT;
	enum protocol proto;
	struct buf line = BUF_INIT;

	if (size < 2)
		return 0;
	proto = (enum protocol)(data[0] % 4);
	rest_len = size - 2;
	http_response_init(&resp);
	resp.status = statuses[(data[0] >> 2) % (sizeof(statuses) / sizeof(statuses[0]))];
	if (data[1] & 0x0f) {
		eol = memchr(rest, '\n', rest_len);
		value_len = eol ? (size_t)(eol - rest) : rest_len;
		buf_add(&value, rest, value_len);
		for (size_t i = 0; i < 4; i++)
			if (data[1] & (1u << i))
				headers_add(&resp.headers, header_names[i], value.data);
		rest += eol ? value_len + 1 : value_len;
		rest_len -= eol ? value_len + 1 : value_len;
	}
	/* The body in a buffer of its exact size (plus the NUL struct buf keeps),
	 * so that AddressSanitizer sees any read past its end. */
	resp.body.data = xmalloc(rest_len + 1);
	memcpy(resp.body.data, rest, rest_len);
	resp.body.data[rest_len] = '\0';
	resp.body.len = rest_len;
	resp.body.alloc = rest_len + 1;

	error_clear(&err);
	FUZZ_CHECK(client_parse_error(proto, &resp, &err) == ERR_SERVICE);
	FUZZ_CHECK(err.code == ERR_SERVICE && err.http_status == resp.status);
	FUZZ_CHECK(one_line(err.aws_code, sizeof(err.aws_code)) && err.aws_code[0]);
	FUZZ_CHECK(one_line(err.message, sizeof(err.message)) && err.message[0]);
	FUZZ_CHECK(one_line(err.request_id, sizeof(err.request_id)));
	error_format(&err, &line);
	FUZZ_CHECK(!memchr(line.data, '\n', line.len));

	buf_release(&line);
	buf_release(&value);
	http_response_release(&resp);
	return 0;
}
