/* --where: conditions on record fields, all of which a record must meet.
 *
 *   field=value    field!=value
 *   srcaddr=10.0.0.0/8, dstaddr=2001:db8::/32   (address fields take CIDRs)
 *   dstport=1024-65535, packets=10-20            (numbers take ranges)
 *   protocol=tcp                                 (protocol takes names)
 *   action=REJECT                                (known values, any case)
 *   vpc-id=-                                     ("-": the field has no value)
 *
 * A condition on a field the record's format lacks sees "no value". */
#ifndef VPCFLOW_ENGINE_WHERE_H
#define VPCFLOW_ENGINE_WHERE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/logformat.h"
#include "engine/record.h"

struct aws_error;
struct buf;

enum where_kind {
	WHERE_MISSING, /* "-" */
	WHERE_TEXT,    /* exact text; enums compared without case */
	WHERE_RANGE,   /* numbers lo..hi, inclusive */
	WHERE_CIDR,    /* address within addr/bits */
};

/* One condition. Invariants: field points into the registry; text is the
 * value as written (owned); for WHERE_CIDR bits is 0..128 over the 16-byte
 * form of addr (IPv4 CIDRs count from bit 96). */
struct where_cond {
	const struct logformat_field *field;
	size_t reg; /* index of field in the registry */
	int negate;
	enum where_kind kind;
	char *text;
	size_t text_len;
	uint64_t lo, hi;
	struct record_addr addr;
	int bits;
};

/* Invariants: v[0..n) are valid conditions; a zeroed struct matches all. */
struct where {
	struct where_cond *v;
	size_t n, alloc;
};

/* Parses one expression and adds it. ERR_INVALID with a message that says
 * what is wrong and what is allowed. */
int where_add(struct where *w, const char *expr, struct aws_error *err);
void where_release(struct where *w);
/* Whether r meets every condition. */
int where_match(const struct where *w, const struct record *r);

/* Appends a CloudWatch Logs filter pattern (space-delimited form, naming the
 * columns of layout in order) that lets through at least every record that
 * meets w: equality on text, enums and exact addresses, and on numbers,
 * inequality on text. Conditions CloudWatch cannot say (CIDRs, ranges, "-")
 * are left to where_match. Appends nothing when no condition can be said, or
 * when the layout has a column of unknown name. */
void where_filter_pattern(const struct where *w, const struct record_layout *layout,
                          struct buf *out);

#endif
