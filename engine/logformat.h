/* The fields of VPC and transit gateway flow log records, and the parsing of
 * the log format strings that choose and order them.
 *
 * The registry is shared by the spec validator (which checks and expands a
 * spec's logFormat) and by the flow-record parser (which reads records in the
 * order a flow log's format gives). */
#ifndef VPCFLOW_ENGINE_LOGFORMAT_H
#define VPCFLOW_ENGINE_LOGFORMAT_H

#include <stddef.h>

#include "aws/buf.h"

/* How a field's value reads in a record ("-" always means "no value"). */
enum logformat_type {
	LOGFORMAT_INT,    /* a whole number (counts, protocol numbers, bit masks) */
	LOGFORMAT_ADDR,   /* an IPv4 or IPv6 address */
	LOGFORMAT_PORT,   /* a TCP or UDP port, 0 to 65535 */
	LOGFORMAT_TIME,   /* seconds since the Unix epoch */
	LOGFORMAT_STRING, /* an ID, ARN or name */
	LOGFORMAT_ENUM,   /* one of the field's known values (AWS may add more) */
};

/* Which kinds of flow log may record a field. */
enum {
	LOGFORMAT_VPC = 1 << 0, /* flow logs of VPCs, subnets and network interfaces */
	LOGFORMAT_TGW = 1 << 1, /* flow logs of transit gateways and their attachments */
};

/* One field of the registry. Invariants: name is unique and lowercase;
 * version is the record version that introduced the field (transit gateway
 * only fields came with version 6); values is NULL unless type is
 * LOGFORMAT_ENUM, and then NULL-terminated. */
struct logformat_field {
	const char *name;
	int version;
	enum logformat_type type;
	unsigned scope; /* LOGFORMAT_VPC and/or LOGFORMAT_TGW */
	const char *const *values;
	const char *description;
};

/* Every field, in the order of AWS's tables: VPC fields by version, then the
 * transit gateway fields. */
extern const struct logformat_field logformat_fields[];
extern const size_t logformat_field_count;

/* The field with this exact name, or NULL. Points into the registry. */
const struct logformat_field *logformat_field(const char *name);
/* AWS's default format for a scope (LOGFORMAT_VPC or LOGFORMAT_TGW), as the
 * "${field} ..." string AWS reports for it. Static storage. */
const char *logformat_default(unsigned scope);
/* "int", "address", "port", "time", "string" or "enum". */
const char *logformat_type_name(enum logformat_type type);

/* A parsed log format. Invariants: fields[0..n) point into the registry and
 * no field appears twice. LOGFORMAT_INIT is an empty format. */
struct logformat {
	const struct logformat_field **fields;
	size_t n, alloc;
};

#define LOGFORMAT_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* One problem in a log format: offset is the byte offset in the parsed
 * text of the field it is about; message is owned. */
struct logformat_error {
	size_t offset;
	char *message;
};

/* The problems found in one parse. LOGFORMAT_ERRORS_INIT is an empty list. */
struct logformat_errors {
	struct logformat_error *v;
	size_t n, alloc;
};

#define LOGFORMAT_ERRORS_INIT                                                                      \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Parses a log format written for a flow log of the given scope: "default",
 * or field names separated by blanks, each bare ("srcaddr") or as AWS writes
 * them ("${srcaddr}"). "default" may also stand among other fields for the
 * default ones. Aliases: port (srcport dstport), src, dst, instance,
 * interface, vpc, subnet, account. Unknown fields (with the nearest names),
 * repeated fields and fields the scope does not record are errors; every one
 * is appended to errs. Returns 0, or -1 with out empty and errs->n > 0. */
int logformat_parse(struct logformat *out, const char *text, unsigned scope,
                    struct logformat_errors *errs);
/* Appends the format as AWS takes it: "${a} ${b} ...". */
void logformat_render(const struct logformat *f, struct buf *out);
/* The record version of the format: the highest version of its fields. */
int logformat_version(const struct logformat *f);
/* Index of the field named name in f, or -1. */
int logformat_index(const struct logformat *f, const char *name);
void logformat_release(struct logformat *f);
void logformat_errors_release(struct logformat_errors *errs);

#endif
