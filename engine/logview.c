/* Flow records shown one by one: table rows, CSV rows, JSON objects. */
#include "engine/logview.h"

#include <string.h>

#include "aws/buf.h"
#include "engine/table.h"
#include "engine/timerange.h"

#define W_TIME  20
#define W_IFACE 21
#define W_END   21

/* Appends v with control characters replaced by '?'. */
static void add_safe(struct buf *b, const struct record_value *v)
{
	if (!v || record_missing(v)) {
		buf_addch(b, '-');
		return;
	}
	for (uint32_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->s[i];

		buf_addch(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

/* The interface the record is about: the ENI, else the transit gateway
 * attachment, else the resource. */
static const struct record_value *interface_of(const struct record *r)
{
	static const char *const names[] = {"interface-id", "tgw-attachment-id", "resource-id"};

	for (size_t i = 0; i < 3; i++) {
		const struct record_value *v =
		    record_at(r, record_layout_find(r->layout, names[i]));

		if (v && !record_missing(v))
			return v;
	}
	return NULL;
}

static void add_time(struct buf *b, const struct record *r)
{
	int64_t ms = record_time_ms(r);
	char text[21];

	if (!ms) {
		buf_addch(b, '-');
		return;
	}
	timerange_format(text, ms / 1000);
	buf_addstr(b, text);
}

/* "10.0.0.5:443", "[2001:db8::1]:443", or the raw value when unparsable. */
static void add_endpoint(struct buf *b, const struct record_value *addr,
                         const struct record_value *port)
{
	struct record_addr a;
	char text[46];
	uint64_t p;
	int have_port = record_u64(port, &p) == 0;

	if (record_addr_parse(addr, &a) != 0) {
		add_safe(b, addr);
	} else {
		record_addr_format(&a, text);
		buf_addf(b, a.v4 || !have_port ? "%s" : "[%s]", text);
	}
	if (have_port)
		buf_addf(b, ":%llu", (unsigned long long)p);
}

static void add_protocol(struct buf *b, const struct record *r)
{
	const struct record_value *v = record_hot(r, RH_PROTOCOL);
	uint64_t n;
	const char *name;

	if (record_u64(v, &n) == 0 && (name = record_protocol_name((unsigned)n)))
		buf_addstr(b, name);
	else
		add_safe(b, v);
}

static void pad(struct buf *b, size_t from, size_t width)
{
	while (b->len - from < width)
		buf_addch(b, ' ');
}

void logview_table_header(FILE *f, int color)
{
	fprintf(f, "%s%-*s  %-*s  %*s    %-*s  %-8s  %-6s  %8s  %10s%s\n",
	        color ? table_sgr(TABLE_BOLD) : "", W_TIME, "TIME", W_IFACE, "INTERFACE", W_END,
	        "SOURCE", W_END, "DESTINATION", "PROTOCOL", "ACTION", "PACKETS", "BYTES",
	        color ? TABLE_SGR_RESET : "");
}

/* ACCEPT green, REJECT red. */
static void add_action(struct buf *b, const struct record_value *action, int color)
{
	enum table_style style = TABLE_PLAIN;
	size_t at;

	if (action && action->len == 6 && memcmp(action->s, "ACCEPT", 6) == 0)
		style = TABLE_GREEN;
	else if (action && action->len == 6 && memcmp(action->s, "REJECT", 6) == 0)
		style = TABLE_RED;
	color = color && style != TABLE_PLAIN;
	if (color)
		buf_addstr(b, table_sgr(style));
	at = b->len;
	add_safe(b, action);
	at = b->len - at;
	if (color)
		buf_addstr(b, TABLE_SGR_RESET);
	for (; at < 6; at++)
		buf_addch(b, ' ');
}

void logview_table_row(FILE *f, const struct record *r, int color)
{
	struct buf b = BUF_INIT, end = BUF_INIT;
	size_t at;

	at = b.len;
	add_time(&b, r);
	pad(&b, at, W_TIME);
	buf_addstr(&b, "  ");
	at = b.len;
	add_safe(&b, interface_of(r));
	pad(&b, at, W_IFACE);
	buf_addstr(&b, "  ");
	if (r->status != RECORD_OK) {
		buf_addstr(&b, r->status == RECORD_NODATA ? "NODATA (no traffic recorded)"
		                                          : "SKIPDATA (records were skipped)");
		fprintf(f, "%s\n", b.data);
		buf_release(&b);
		return;
	}
	add_endpoint(&end, record_hot(r, RH_SRCADDR), record_hot(r, RH_SRCPORT));
	for (size_t i = end.len; i < W_END; i++)
		buf_addch(&b, ' ');
	buf_add(&b, end.data, end.len);
	buf_addstr(&b, " -> ");
	at = b.len;
	add_endpoint(&b, record_hot(r, RH_DSTADDR), record_hot(r, RH_DSTPORT));
	pad(&b, at, W_END);
	buf_addstr(&b, "  ");
	at = b.len;
	add_protocol(&b, r);
	pad(&b, at, 8);
	buf_addstr(&b, "  ");
	add_action(&b, record_hot(r, RH_ACTION), color);
	buf_addstr(&b, "  ");
	buf_reset(&end);
	add_safe(&end, record_hot(r, RH_PACKETS));
	for (size_t i = end.len; i < 8; i++)
		buf_addch(&b, ' ');
	buf_add(&b, end.data, end.len);
	buf_addstr(&b, "  ");
	buf_reset(&end);
	add_safe(&end, record_hot(r, RH_BYTES));
	for (size_t i = end.len; i < 10; i++)
		buf_addch(&b, ' ');
	buf_add(&b, end.data, end.len);
	fprintf(f, "%s\n", b.data);
	buf_release(&b);
	buf_release(&end);
}

static const enum record_hot csv_fields[] = {
    RH_START,   RH_END,      RH_ACCOUNT, RH_INTERFACE, RH_SRCADDR, RH_SRCPORT,    RH_DSTADDR,
    RH_DSTPORT, RH_PROTOCOL, RH_ACTION,  RH_PACKETS,   RH_BYTES,   RH_LOG_STATUS,
};

void logview_csv_header(FILE *f)
{
	fprintf(f, "time,start,end,account-id,interface-id,srcaddr,srcport,dstaddr,dstport,"
	           "protocol,protocol-name,action,packets,bytes,log-status\n");
}

/* A CSV cell: missing values empty; quoted when needed; a leading = @ + -
 * is defused as spreadsheets would read a formula. */
static void add_csv(struct buf *b, const struct record_value *v)
{
	struct buf cell = BUF_INIT;

	if (v && !record_missing(v)) {
		add_safe(&cell, v);
		if (strchr("=@+-", cell.data[0]))
			buf_addch(b, '\'');
		if (strpbrk(cell.data, ",\"")) {
			buf_addch(b, '"');
			for (size_t i = 0; i < cell.len; i++) {
				if (cell.data[i] == '"')
					buf_addch(b, '"');
				buf_addch(b, cell.data[i]);
			}
			buf_addch(b, '"');
		} else {
			buf_add(b, cell.data, cell.len);
		}
	}
	buf_release(&cell);
}

void logview_csv_row(FILE *f, const struct record *r)
{
	struct buf b = BUF_INIT;
	const struct record_value *proto = record_hot(r, RH_PROTOCOL);
	uint64_t n;
	const char *name;

	add_time(&b, r);
	for (size_t i = 0; i < sizeof(csv_fields) / sizeof(csv_fields[0]); i++) {
		buf_addch(&b, ',');
		add_csv(&b, record_hot(r, csv_fields[i]));
		if (csv_fields[i] == RH_PROTOCOL) {
			buf_addch(&b, ',');
			if (record_u64(proto, &n) == 0 &&
			    (name = record_protocol_name((unsigned)n)))
				buf_addstr(&b, name);
		}
	}
	fprintf(f, "%s\n", b.data);
	buf_release(&b);
}

json_t *logview_json(const struct record *r)
{
	json_t *o = json_object();
	const char *name;
	uint64_t n;

	for (size_t i = 0; i < r->n; i++) {
		const struct logformat_field *fd = r->layout->fields[i];
		const struct record_value *v = &r->v[i];
		json_t *val;

		if (!fd)
			continue;
		if (record_missing(v)) {
			val = json_null();
		} else if ((fd->type == LOGFORMAT_INT || fd->type == LOGFORMAT_PORT ||
		            fd->type == LOGFORMAT_TIME) &&
		           record_u64(v, &n) == 0 && n <= (uint64_t)INT64_MAX) {
			val = json_integer((json_int_t)n);
		} else {
			struct buf b = BUF_INIT;

			add_safe(&b, v);
			val = json_stringn(b.data, b.len);
			buf_release(&b);
			if (!val)
				val = json_null(); /* not UTF-8 */
		}
		json_object_set_new(o, fd->name, val);
	}
	if (record_u64(record_hot(r, RH_PROTOCOL), &n) == 0 &&
	    (name = record_protocol_name((unsigned)n)))
		json_object_set_new(o, "protocolName", json_string(name));
	if (r->event_ms)
		json_object_set_new(o, "timestamp", json_integer(r->event_ms));
	return o;
}
