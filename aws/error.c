#include "aws/error.h"

#include <stdio.h>
#include <string.h>

#include "aws/buf.h"

void error_clear(struct aws_error *err)
{
	memset(err, 0, sizeof(*err));
}

void error_scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int error_vset(struct aws_error *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	error_scrub(err->message);
	return code;
}

int error_set(struct aws_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void error_prefix(struct aws_error *err, const char *fmt, ...)
{
	char prefix[256];
	char old[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	/* Truncation is fine: the message is for people, and the prefix matters most. */
	if (snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old) < 0)
		err->message[0] = '\0';
	error_scrub(err->message);
}

void error_set_operation(struct aws_error *err, const char *operation)
{
	snprintf(err->operation, sizeof(err->operation), "%s", operation ? operation : "");
}

const char *error_code_name(int code)
{
	switch (code) {
	case ERR_NONE:
		return "no error";
	case ERR_INVALID:
		return "invalid input";
	case ERR_NETWORK:
		return "network error";
	case ERR_TIMEOUT:
		return "timeout";
	case ERR_SERVICE:
		return "AWS error";
	case ERR_PARSE:
		return "malformed response";
	case ERR_CREDENTIALS:
		return "credentials error";
	case ERR_IO:
		return "I/O error";
	case ERR_CONFIG:
		return "configuration error";
	case ERR_NOT_FOUND:
		return "not found";
	}
	return "unknown error";
}

void error_format(const struct aws_error *err, struct buf *out)
{
	if (err->operation[0])
		buf_addf(out, "%s: ", err->operation);
	if (err->aws_code[0])
		buf_addf(out, "%s: ", err->aws_code);
	buf_addstr(out, err->message[0] ? err->message : error_code_name(err->code));
	if (err->request_id[0])
		buf_addf(out, " (request %s)", err->request_id);
}

int error_is(const struct aws_error *err, const char *aws_code)
{
	return err->code == ERR_SERVICE && strcmp(err->aws_code, aws_code) == 0;
}
