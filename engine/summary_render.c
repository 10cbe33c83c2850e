/* --summary: the report as JSON, as aligned tables for people, and as CSV.
 * Each top list is rendered by one routine, given how to render a row. */
#include "engine/summary.h"

#include <stdio.h>

#include "engine/table.h"

/* The longest cell: an endpoint pair, "[IPv6]:port -> [IPv6]:port". */
#define CELL_SIZE 128

/* --- JSON --- */

static json_t *counts_json(const struct summary_counts *c)
{
	return json_pack("{s:I, s:I, s:I}", "records", (json_int_t)c->records, "packets",
	                 (json_int_t)c->packets, "bytes", (json_int_t)c->bytes);
}

static json_t *addr_json(const struct record_addr *a)
{
	char text[46];

	record_addr_format(a, text);
	return json_string(text);
}

static json_t *proto_json(unsigned proto)
{
	const char *name = record_protocol_name(proto);

	return name ? json_string(name) : json_null();
}

static json_t *talker_json(const struct summary_row *x)
{
	return json_pack("{s:o, s:o, s:I, s:I, s:I}", "srcaddr", addr_json(&x->src), "dstaddr",
	                 addr_json(&x->dst), "bytes", (json_int_t)x->bytes, "packets",
	                 (json_int_t)x->packets, "records", (json_int_t)x->records);
}

static json_t *rejected_source_json(const struct summary_row *x)
{
	return json_pack("{s:o, s:I, s:I, s:I}", "srcaddr", addr_json(&x->src), "records",
	                 (json_int_t)x->records, "packets", (json_int_t)x->packets, "bytes",
	                 (json_int_t)x->bytes);
}

static json_t *port_json(const struct summary_row *x)
{
	return json_pack("{s:i, s:o, s:i, s:I, s:I, s:I}", "protocol", (int)x->protocol,
	                 "protocolName", proto_json(x->protocol), "dstport", (int)x->dstport,
	                 "records", (json_int_t)x->records, "packets", (json_int_t)x->packets,
	                 "bytes", (json_int_t)x->bytes);
}

static json_t *conversation_json(const struct summary_row *x)
{
	return json_pack("{s:o, s:i, s:o, s:i, s:i, s:o, s:I, s:I}", "srcaddr", addr_json(&x->src),
	                 "srcport", (int)x->srcport, "dstaddr", addr_json(&x->dst), "dstport",
	                 (int)x->dstport, "protocol", (int)x->protocol, "protocolName",
	                 proto_json(x->protocol), "accepted", (json_int_t)x->accepted,
	                 "returnRejected", (json_int_t)x->rejected);
}

/* A top list as an array of one object a row (new reference). */
static json_t *list_json(const struct summary_rows *rows,
                         json_t *(*row_json)(const struct summary_row *))
{
	json_t *arr = json_array();

	for (size_t i = 0; i < rows->n; i++)
		json_array_append_new(arr, row_json(&rows->v[i]));
	return arr;
}

json_t *summary_json(const struct summary_report *r)
{
	json_t *o = json_object(), *rej;

	json_object_set_new(o, "records", json_integer((json_int_t)r->records));
	json_object_set_new(o, "nodata", json_integer((json_int_t)r->nodata));
	json_object_set_new(o, "skipdata", json_integer((json_int_t)r->skipdata));
	json_object_set_new(o, "accepted", counts_json(&r->accepted));
	json_object_set_new(o, "rejected", counts_json(&r->rejected));
	json_object_set_new(o, "topTalkers", list_json(&r->talkers, talker_json));
	json_object_set_new(o, "topRejectedSources",
	                    list_json(&r->rejected_sources, rejected_source_json));
	json_object_set_new(o, "topDestinationPorts", list_json(&r->ports, port_json));
	rej = json_pack("{s:I, s:I, s:o}", "networkAclLike", (json_int_t)r->acl_rejected,
	                "securityGroupLike", (json_int_t)r->sg_rejected, "conversations",
	                list_json(&r->acl_like, conversation_json));
	json_object_set_new(o, "rejections", rej);
	return o;
}

/* --- Tables for people, and CSV --- */

static void number_text(char *out, uint64_t n)
{
	snprintf(out, CELL_SIZE, "%llu", (unsigned long long)n);
}

static void proto_text(char *out, unsigned proto)
{
	const char *name = record_protocol_name(proto);

	if (name)
		snprintf(out, CELL_SIZE, "%s", name);
	else
		snprintf(out, CELL_SIZE, "%u", proto);
}

/* address:port, with an IPv6 address in brackets. */
static int endpoint_text(char *out, size_t size, const struct record_addr *a, unsigned port)
{
	char text[46];

	record_addr_format(a, text);
	return snprintf(out, size, a->v4 ? "%s:%u" : "[%s]:%u", text, port);
}

static void talker_cells(char cells[][CELL_SIZE], const struct summary_row *x)
{
	record_addr_format(&x->src, cells[0]);
	record_addr_format(&x->dst, cells[1]);
	number_text(cells[2], x->bytes);
	number_text(cells[3], x->packets);
	number_text(cells[4], x->records);
}

static void rejected_source_cells(char cells[][CELL_SIZE], const struct summary_row *x)
{
	record_addr_format(&x->src, cells[0]);
	number_text(cells[1], x->records);
	number_text(cells[2], x->packets);
	number_text(cells[3], x->bytes);
}

static void port_cells(char cells[][CELL_SIZE], const struct summary_row *x)
{
	snprintf(cells[0], CELL_SIZE, "%u", x->dstport);
	proto_text(cells[1], x->protocol);
	number_text(cells[2], x->records);
	number_text(cells[3], x->packets);
	number_text(cells[4], x->bytes);
}

static void conversation_cells(char cells[][CELL_SIZE], const struct summary_row *x)
{
	int n = endpoint_text(cells[0], CELL_SIZE, &x->src, x->srcport);

	snprintf(cells[0] + n, CELL_SIZE - (size_t)n, " -> ");
	endpoint_text(cells[0] + n + 4, CELL_SIZE - (size_t)n - 4, &x->dst, x->dstport);
	proto_text(cells[1], x->protocol);
	number_text(cells[2], x->accepted);
	number_text(cells[3], x->rejected);
}

/* One section: a table of headers (n_cols of them, at most 5) and a row a
 * line of the list, cells filled by row_cells. */
struct section {
	const char *const *headers;
	size_t n_cols;
	void (*row_cells)(char cells[][CELL_SIZE], const struct summary_row *x);
};

static void print_table(FILE *f, const struct table *t, int csv)
{
	if (csv)
		table_print_csv(t, f);
	else
		table_print(t, f);
}

/* Prints a top list as its section's table; an empty list prints only its
 * headers, or nothing when if_rows. */
static void print_list(FILE *f, const struct section *s, const struct summary_rows *rows, int csv,
                       int if_rows)
{
	char cells[5][CELL_SIZE];
	const char *row[5] = {cells[0], cells[1], cells[2], cells[3], cells[4]};
	struct table t;

	table_init(&t, s->headers, s->n_cols);
	for (size_t i = 0; i < rows->n; i++) {
		s->row_cells(cells, &rows->v[i]);
		table_add_row(&t, row);
	}
	if (t.n_rows || !if_rows)
		print_table(f, &t, csv);
	table_release(&t);
}

/* Accepted against rejected. */
static void print_traffic(FILE *f, const struct summary_report *r, int csv)
{
	static const char *const headers[] = {"TRAFFIC", "RECORDS", "PACKETS", "BYTES"};
	char cells[3][CELL_SIZE];
	struct table t;

	table_init(&t, headers, 4);
	for (int i = 0; i < 2; i++) {
		const struct summary_counts *k = i ? &r->rejected : &r->accepted;
		const char *row[4] = {i ? "rejected" : "accepted", cells[0], cells[1], cells[2]};

		number_text(cells[0], k->records);
		number_text(cells[1], k->packets);
		number_text(cells[2], k->bytes);
		table_add_row(&t, row);
	}
	print_table(f, &t, csv);
	table_release(&t);
}

/* The sections in order; csv picks CSV over text for people, which has
 * notes and blank lines between the tables. */
static void print_sections(FILE *f, const struct summary_report *r, int csv)
{
	static const char *const h_talk[] = {"TOP TALKERS", "DESTINATION", "BYTES", "PACKETS",
	                                     "RECORDS"};
	static const char *const h_rej[] = {"TOP REJECTED SOURCES", "RECORDS", "PACKETS", "BYTES"};
	static const char *const h_ports[] = {"TOP DESTINATION PORTS", "PROTOCOL", "RECORDS",
	                                      "PACKETS", "BYTES"};
	static const char *const h_acl[] = {"NETWORK ACL LIKE: REQUEST", "PROTOCOL", "ACCEPTED",
	                                    "RETURN REJECTED"};
	static const struct section talkers = {h_talk, 5, talker_cells};
	static const struct section rejected = {h_rej, 4, rejected_source_cells};
	static const struct section ports = {h_ports, 5, port_cells};
	static const struct section acl = {h_acl, 4, conversation_cells};

	print_traffic(f, r, csv);
	if (!csv)
		fprintf(f, "(%llu records, %llu NODATA, %llu SKIPDATA)\n\n",
		        (unsigned long long)r->records, (unsigned long long)r->nodata,
		        (unsigned long long)r->skipdata);
	print_list(f, &talkers, &r->talkers, csv, 0);
	if (!csv)
		fputc('\n', f);
	print_list(f, &rejected, &r->rejected_sources, csv, 0);
	if (!csv)
		fputc('\n', f);
	print_list(f, &ports, &r->ports, csv, 0);
	if (!csv)
		fprintf(f,
		        "\nrejected records: %llu look like a network ACL (the request was "
		        "accepted, its return rejected: stateless), %llu were requests "
		        "rejected (a security group, or a network ACL on the way in)\n",
		        (unsigned long long)r->acl_rejected, (unsigned long long)r->sg_rejected);
	print_list(f, &acl, &r->acl_like, csv, 1);
}

void summary_print(FILE *f, const struct summary_report *r)
{
	print_sections(f, r, 0);
}

void summary_print_csv(FILE *f, const struct summary_report *r)
{
	print_sections(f, r, 1);
}
