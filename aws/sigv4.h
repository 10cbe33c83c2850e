/* AWS Signature Version 4, header signing, as pure stages:
 * canonical request -> string to sign -> signature -> Authorization header.
 * Nothing here reads the clock or the environment: the time is passed in. */
#ifndef VPCFLOW_AWS_SIGV4_H
#define VPCFLOW_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>

struct aws_error;
struct buf;
struct http_request;

enum {
	SIGV4_S3 = 1 << 0,               /* S3 rules: path neither normalized nor encoded twice,
	                                    x-amz-content-sha256 header added */
	SIGV4_UNSIGNED_PAYLOAD = 1 << 1, /* with SIGV4_S3: hash is UNSIGNED-PAYLOAD */
};

struct sigv4_params {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL or "" when none: X-Amz-Security-Token */
	const char *region;        /* signing region, e.g. "us-east-1" */
	const char *service;       /* signing name, e.g. "ec2" */
	int64_t time;              /* seconds since the Unix epoch, UTC */
	unsigned flags;            /* SIGV4_* */
};

/* Signs req in place: sets X-Amz-Date, X-Amz-Security-Token (if a token is
 * given), x-amz-content-sha256 (S3) and Authorization. Host is taken from a
 * Host header if present, else from the URL, and added. */
int sigv4_sign(struct http_request *req, const struct sigv4_params *p, struct aws_error *err);

/* The stages, exposed for tests. Each appends to out. */
/* "YYYYMMDDTHHMMSSZ" into amz_date (17 bytes with NUL). */
void sigv4_format_time(char amz_date[17], int64_t time);
/* Builds the canonical request of req; signed_headers receives the list of
 * signed header names ("host;x-amz-date"). */
int sigv4_canonical_request(struct buf *out, struct buf *signed_headers,
                            const struct http_request *req, const char *payload_hash,
                            unsigned flags, struct aws_error *err);
void sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *scope,
                          const char *canonical_request);
/* "YYYYMMDD/region/service/aws4_request" */
void sigv4_scope(struct buf *out, const char *amz_date, const char *region, const char *service);
/* Lowercase hex of HMAC(signing key, string_to_sign): 64 chars + NUL. */
void sigv4_signature(char out[65], const char *secret_access_key, const char *amz_date,
                     const char *region, const char *service, const char *string_to_sign);
void sigv4_authorization(struct buf *out, const char *access_key_id, const char *scope,
                         const char *signed_headers, const char *signature);
/* Lowercase hex SHA-256 of data: 64 chars + NUL. */
void sigv4_sha256_hex(char out[65], const void *data, size_t len);

#endif
