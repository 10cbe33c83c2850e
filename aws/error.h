/* The one failure record of the AWS layer. Functions that can fail return int:
 * 0, or one of the negative ERR_* codes, and fill a caller-owned struct aws_error.
 *
 * Invariants: every field is a NUL-terminated string (possibly empty); code is 0
 * after error_clear(); http_status is 0 when no HTTP response was received. */
#ifndef VPCFLOW_AWS_ERROR_H
#define VPCFLOW_AWS_ERROR_H

#include <stdarg.h>

struct buf;

enum {
	ERR_NONE = 0,
	ERR_INVALID = -1,     /* bad argument or input from the user */
	ERR_NETWORK = -2,     /* connect failure, reset, DNS, TLS */
	ERR_TIMEOUT = -3,     /* connect or total timeout */
	ERR_SERVICE = -4,     /* AWS answered with an error (aws_code is set) */
	ERR_PARSE = -5,       /* a response that is malformed or not what was expected */
	ERR_CREDENTIALS = -6, /* no credentials, or a provider failed */
	ERR_IO = -7,          /* local file or process failure */
	ERR_CONFIG = -8,      /* bad config file or profile */
	ERR_NOT_FOUND = -9,   /* a resource that does not exist (where the caller asks) */
};

struct aws_error {
	int code;
	long http_status;
	int attempts;       /* attempts made for the failed call; 0 if none */
	char operation[64]; /* e.g. "DescribeVpcs" */
	char aws_code[64];  /* e.g. "RequestLimitExceeded" */
	char request_id[96];
	char message[512];
	char bucket_region[32]; /* S3: x-amz-bucket-region of an error answer (301, 403), or "" */
};

void error_clear(struct aws_error *err);
/* Sets code and a printf-style message; keeps the other fields. Returns code,
 * so that callers can write `return error_set(err, ERR_INVALID, ...)`. */
int error_set(struct aws_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int error_vset(struct aws_error *err, int code, const char *fmt, va_list ap);
/* Puts "context: " in front of the message (git's error prefixing). */
void error_prefix(struct aws_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void error_set_operation(struct aws_error *err, const char *operation);
/* A short name for code: "network error", "AWS error", ... */
const char *error_code_name(int code);
/* Appends the one-line form: "Operation: AwsCode: message (request ID)". */
void error_format(const struct aws_error *err, struct buf *out);
/* Replaces control characters (and DEL) in s by '?', in place, so that text
 * quoted from files and servers keeps a message on one line and cannot drive
 * a terminal. */
void error_scrub(char *s);
/* Whether the error is the AWS error code given (case-sensitive). */
int error_is(const struct aws_error *err, const char *aws_code);

#endif
