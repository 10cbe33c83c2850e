/* --summary: counting flow records into hash tables, and the report. */
#include "engine/summary.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"
#include "engine/output.h"
#include "engine/table.h"

#define KEY_MAX 40

/* One entry of a table: key bytes (zero-padded to key_len) and counters. */
struct slot {
	uint64_t hash; /* 0: empty */
	uint64_t v[4];
	unsigned char key[KEY_MAX];
};

/* Open addressing with linear probing. Invariants: cap is a power of two
 * (or 0), n < cap / 2, key_len is a multiple of 8 up to KEY_MAX. */
struct stab {
	struct slot *v;
	size_t cap, n, key_len;
};

struct summary {
	uint64_t records, nodata, skipdata;
	struct summary_counts accepted, rejected;
	struct stab talkers; /* src, dst: records, packets, bytes */
	struct stab rejsrc;  /* src: records, packets, bytes */
	struct stab ports;   /* protocol, dstport: records, packets, bytes */
	struct stab convs;   /* a, b, port a, port b, protocol: accepted/rejected a->b, b->a */
};

enum { CONV_ACC_AB, CONV_REJ_AB, CONV_ACC_BA, CONV_REJ_BA };

static uint64_t hash_key(const unsigned char *key, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (size_t i = 0; i < len; i += 8) {
		memcpy(&w, key + i, 8);
		h ^= w;
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return h ? h : 1;
}

static void stab_grow(struct stab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	/* Written at once rather than calloc'ed: pages of calloc's zero mapping
	 * fault twice, once read by a probe and again when written. */
	struct slot *v = memset(xmalloc(cap * sizeof(*v)), 0, cap * sizeof(*v));

	for (size_t i = 0; i < t->cap; i++) {
		size_t k;

		if (!t->v[i].hash)
			continue;
		for (k = t->v[i].hash & (cap - 1); v[k].hash; k = (k + 1) & (cap - 1))
			;
		v[k] = t->v[i];
	}
	free(t->v);
	t->v = v;
	t->cap = cap;
}

/* The slot of key, added with zero counters when new. */
static struct slot *stab_get(struct stab *t, const unsigned char *key, uint64_t h)
{
	size_t k;

	if ((t->n + 1) * 2 > t->cap)
		stab_grow(t);
	for (k = h & (t->cap - 1); t->v[k].hash; k = (k + 1) & (t->cap - 1))
		if (t->v[k].hash == h && memcmp(t->v[k].key, key, t->key_len) == 0)
			return &t->v[k];
	t->v[k].hash = h;
	memcpy(t->v[k].key, key, t->key_len);
	t->n++;
	return &t->v[k];
}

static void stab_add3(struct stab *t, const unsigned char *key, uint64_t a, uint64_t b, uint64_t c)
{
	struct slot *s = stab_get(t, key, hash_key(key, t->key_len));

	s->v[0] += a;
	s->v[1] += b;
	s->v[2] += c;
}

struct summary *summary_new(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));

	s->talkers.key_len = 32;
	s->rejsrc.key_len = 16;
	s->ports.key_len = 8;
	s->convs.key_len = 40;
	return s;
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	free(s->talkers.v);
	free(s->rejsrc.v);
	free(s->ports.v);
	free(s->convs.v);
	free(s);
}

static int is_word(const struct record_value *v, const char *w)
{
	return v && v->len == 6 && memcmp(v->s, w, 6) == 0;
}

void summary_add(struct summary *s, const struct record *r)
{
	const struct record_value *action = record_hot(r, RH_ACTION);
	struct record_addr src, dst;
	uint64_t packets, bytes, proto, sport, dport;
	unsigned char key[KEY_MAX];
	int acc, rej, have_proto, have_sport, have_dport;

	s->records++;
	if (r->status == RECORD_NODATA) {
		s->nodata++;
		return;
	}
	if (r->status == RECORD_SKIPDATA) {
		s->skipdata++;
		return;
	}
	acc = is_word(action, "ACCEPT");
	rej = !acc && is_word(action, "REJECT");
	record_u64(record_hot(r, RH_PACKETS), &packets);
	record_u64(record_hot(r, RH_BYTES), &bytes);
	if (acc) {
		s->accepted.records++;
		s->accepted.packets += packets;
		s->accepted.bytes += bytes;
	} else if (rej) {
		s->rejected.records++;
		s->rejected.packets += packets;
		s->rejected.bytes += bytes;
	}
	if (record_addr_parse(record_hot(r, RH_SRCADDR), &src) != 0 ||
	    record_addr_parse(record_hot(r, RH_DSTADDR), &dst) != 0)
		return;
	memcpy(key, src.b, 16);
	memcpy(key + 16, dst.b, 16);
	stab_add3(&s->talkers, key, 1, packets, bytes);
	if (rej)
		stab_add3(&s->rejsrc, src.b, 1, packets, bytes);
	have_proto = record_u64(record_hot(r, RH_PROTOCOL), &proto) == 0 && proto < 256;
	have_sport = record_u64(record_hot(r, RH_SRCPORT), &sport) == 0 && sport < 65536;
	have_dport = record_u64(record_hot(r, RH_DSTPORT), &dport) == 0 && dport < 65536;
	if (have_proto && have_dport) {
		memset(key, 0, 8);
		key[0] = (unsigned char)proto;
		key[1] = (unsigned char)(dport >> 8);
		key[2] = (unsigned char)dport;
		stab_add3(&s->ports, key, 1, packets, bytes);
	}
	if (have_proto && have_sport && have_dport && (acc || rej)) {
		int swap = memcmp(src.b, dst.b, 16);
		const struct record_addr *a = &src, *b = &dst;
		uint64_t pa = sport, pb = dport;
		struct slot *slot;

		if (swap > 0 || (swap == 0 && sport > dport)) {
			a = &dst;
			b = &src;
			pa = dport;
			pb = sport;
		}
		swap = a != &src;
		memset(key, 0, KEY_MAX);
		memcpy(key, a->b, 16);
		memcpy(key + 16, b->b, 16);
		key[32] = (unsigned char)(pa >> 8);
		key[33] = (unsigned char)pa;
		key[34] = (unsigned char)(pb >> 8);
		key[35] = (unsigned char)pb;
		key[36] = (unsigned char)proto;
		slot = stab_get(&s->convs, key, hash_key(key, KEY_MAX));
		slot->v[(swap ? CONV_ACC_BA : CONV_ACC_AB) + (rej ? 1 : 0)]++;
	}
}

static void stab_merge(struct stab *into, const struct stab *from)
{
	for (size_t i = 0; i < from->cap; i++) {
		const struct slot *f = &from->v[i];
		struct slot *s;

		if (!f->hash)
			continue;
		s = stab_get(into, f->key, f->hash);
		for (int k = 0; k < 4; k++)
			s->v[k] += f->v[k];
	}
}

static void counts_add(struct summary_counts *into, const struct summary_counts *from)
{
	into->records += from->records;
	into->packets += from->packets;
	into->bytes += from->bytes;
}

void summary_merge(struct summary *into, const struct summary *from)
{
	into->records += from->records;
	into->nodata += from->nodata;
	into->skipdata += from->skipdata;
	counts_add(&into->accepted, &from->accepted);
	counts_add(&into->rejected, &from->rejected);
	stab_merge(&into->talkers, &from->talkers);
	stab_merge(&into->rejsrc, &from->rejsrc);
	stab_merge(&into->ports, &from->ports);
	stab_merge(&into->convs, &from->convs);
}

/* --- The report --- */

static struct summary_row *row_add(struct summary_rows *rows)
{
	ALLOC_GROW(rows->v, rows->n + 1, rows->alloc);
	return memset(&rows->v[rows->n++], 0, sizeof(struct summary_row));
}

static void addr_from(struct record_addr *a, const unsigned char *b)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memcpy(a->b, b, 16);
	a->v4 = memcmp(b, mapped, 12) == 0;
}

#define CMP(x, y)                                                                                  \
	do {                                                                                       \
		if ((x) != (y))                                                                    \
			return (x) < (y) ? -1 : 1;                                                 \
	} while (0)

/* The order shared by every list after its measure: addresses, ports,
 * protocol. */
static int row_tail(const struct summary_row *x, const struct summary_row *y)
{
	int c = memcmp(x->src.b, y->src.b, 16);

	if (c)
		return c;
	if ((c = memcmp(x->dst.b, y->dst.b, 16)))
		return c;
	CMP(x->srcport, y->srcport);
	CMP(x->dstport, y->dstport);
	CMP(x->protocol, y->protocol);
	return 0;
}

static int by_bytes(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	CMP(y->bytes, x->bytes);
	return row_tail(x, y);
}

static int by_records(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	CMP(y->records, x->records);
	return row_tail(x, y);
}

static int by_rejected(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	CMP(y->rejected, x->rejected);
	return row_tail(x, y);
}

static void finish(struct summary_rows *rows, int (*cmp)(const void *, const void *), size_t top)
{
	if (rows->n)
		qsort(rows->v, rows->n, sizeof(*rows->v), cmp);
	if (rows->n > top)
		rows->n = top;
}

/* One conversation of the table into the report's rejection counts. */
static void add_conv(struct summary_report *out, const struct slot *s)
{
	uint64_t acc_ab = s->v[CONV_ACC_AB], rej_ab = s->v[CONV_REJ_AB];
	uint64_t acc_ba = s->v[CONV_ACC_BA], rej_ba = s->v[CONV_REJ_BA];
	int ab = acc_ab && rej_ba, ba = acc_ba && rej_ab;
	struct summary_row *row;
	int forward;

	if (!ab && !ba) {
		out->sg_rejected += rej_ab + rej_ba;
		return;
	}
	/* The request is the accepted direction whose return was rejected. */
	forward = ab && (!ba || rej_ba >= rej_ab);
	out->acl_rejected += forward ? rej_ba : rej_ab;
	out->sg_rejected += forward ? rej_ab : rej_ba;
	row = row_add(&out->acl_like);
	addr_from(&row->src, s->key + (forward ? 0 : 16));
	addr_from(&row->dst, s->key + (forward ? 16 : 0));
	row->srcport = (unsigned)(s->key[forward ? 32 : 34] << 8 | s->key[forward ? 33 : 35]);
	row->dstport = (unsigned)(s->key[forward ? 34 : 32] << 8 | s->key[forward ? 35 : 33]);
	row->protocol = s->key[36];
	row->accepted = forward ? acc_ab : acc_ba;
	row->rejected = forward ? rej_ba : rej_ab;
}

void summary_report(struct summary_report *out, const struct summary *s, size_t top)
{
	memset(out, 0, sizeof(*out));
	out->records = s->records;
	out->nodata = s->nodata;
	out->skipdata = s->skipdata;
	out->accepted = s->accepted;
	out->rejected = s->rejected;
	for (size_t i = 0; i < s->talkers.cap; i++) {
		const struct slot *e = &s->talkers.v[i];
		struct summary_row *row;

		if (!e->hash)
			continue;
		row = row_add(&out->talkers);
		addr_from(&row->src, e->key);
		addr_from(&row->dst, e->key + 16);
		row->records = e->v[0];
		row->packets = e->v[1];
		row->bytes = e->v[2];
	}
	for (size_t i = 0; i < s->rejsrc.cap; i++) {
		const struct slot *e = &s->rejsrc.v[i];
		struct summary_row *row;

		if (!e->hash)
			continue;
		row = row_add(&out->rejected_sources);
		addr_from(&row->src, e->key);
		row->records = e->v[0];
		row->packets = e->v[1];
		row->bytes = e->v[2];
	}
	for (size_t i = 0; i < s->ports.cap; i++) {
		const struct slot *e = &s->ports.v[i];
		struct summary_row *row;

		if (!e->hash)
			continue;
		row = row_add(&out->ports);
		row->protocol = e->key[0];
		row->dstport = (unsigned)(e->key[1] << 8 | e->key[2]);
		row->records = e->v[0];
		row->packets = e->v[1];
		row->bytes = e->v[2];
	}
	for (size_t i = 0; i < s->convs.cap; i++)
		if (s->convs.v[i].hash)
			add_conv(out, &s->convs.v[i]);
	finish(&out->talkers, by_bytes, top);
	finish(&out->rejected_sources, by_records, top);
	finish(&out->ports, by_records, top);
	finish(&out->acl_like, by_rejected, top);
}

void summary_report_release(struct summary_report *r)
{
	free(r->talkers.v);
	free(r->rejected_sources.v);
	free(r->ports.v);
	free(r->acl_like.v);
	memset(r, 0, sizeof(*r));
}

/* --- Rendering --- */

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

json_t *summary_json(const struct summary_report *r)
{
	json_t *o = json_object(), *arr, *rej;

	json_object_set_new(o, "records", json_integer((json_int_t)r->records));
	json_object_set_new(o, "nodata", json_integer((json_int_t)r->nodata));
	json_object_set_new(o, "skipdata", json_integer((json_int_t)r->skipdata));
	json_object_set_new(o, "accepted", counts_json(&r->accepted));
	json_object_set_new(o, "rejected", counts_json(&r->rejected));
	arr = json_array();
	for (size_t i = 0; i < r->talkers.n; i++) {
		const struct summary_row *x = &r->talkers.v[i];

		json_array_append_new(
		    arr,
		    json_pack("{s:o, s:o, s:I, s:I, s:I}", "srcaddr", addr_json(&x->src), "dstaddr",
		              addr_json(&x->dst), "bytes", (json_int_t)x->bytes, "packets",
		              (json_int_t)x->packets, "records", (json_int_t)x->records));
	}
	json_object_set_new(o, "topTalkers", arr);
	arr = json_array();
	for (size_t i = 0; i < r->rejected_sources.n; i++) {
		const struct summary_row *x = &r->rejected_sources.v[i];

		json_array_append_new(
		    arr, json_pack("{s:o, s:I, s:I, s:I}", "srcaddr", addr_json(&x->src), "records",
		                   (json_int_t)x->records, "packets", (json_int_t)x->packets,
		                   "bytes", (json_int_t)x->bytes));
	}
	json_object_set_new(o, "topRejectedSources", arr);
	arr = json_array();
	for (size_t i = 0; i < r->ports.n; i++) {
		const struct summary_row *x = &r->ports.v[i];

		json_array_append_new(
		    arr, json_pack("{s:i, s:o, s:i, s:I, s:I, s:I}", "protocol", (int)x->protocol,
		                   "protocolName", proto_json(x->protocol), "dstport",
		                   (int)x->dstport, "records", (json_int_t)x->records, "packets",
		                   (json_int_t)x->packets, "bytes", (json_int_t)x->bytes));
	}
	json_object_set_new(o, "topDestinationPorts", arr);
	arr = json_array();
	for (size_t i = 0; i < r->acl_like.n; i++) {
		const struct summary_row *x = &r->acl_like.v[i];

		json_array_append_new(
		    arr,
		    json_pack("{s:o, s:i, s:o, s:i, s:i, s:o, s:I, s:I}", "srcaddr",
		              addr_json(&x->src), "srcport", (int)x->srcport, "dstaddr",
		              addr_json(&x->dst), "dstport", (int)x->dstport, "protocol",
		              (int)x->protocol, "protocolName", proto_json(x->protocol), "accepted",
		              (json_int_t)x->accepted, "returnRejected", (json_int_t)x->rejected));
	}
	rej = json_pack("{s:I, s:I, s:o}", "networkAclLike", (json_int_t)r->acl_rejected,
	                "securityGroupLike", (json_int_t)r->sg_rejected, "conversations", arr);
	json_object_set_new(o, "rejections", rej);
	return o;
}

static void endpoint_text(struct buf *b, const struct record_addr *a, unsigned port)
{
	char text[46];

	record_addr_format(a, text);
	if (a->v4)
		buf_addf(b, "%s:%u", text, port);
	else
		buf_addf(b, "[%s]:%u", text, port);
}

static void proto_text(char *out, size_t size, unsigned proto)
{
	const char *name = record_protocol_name(proto);

	if (name)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%u", proto);
}

/* Fills the section tables; kind picks text for people or CSV. */
static void print_sections(FILE *f, const struct summary_report *r, int csv)
{
	static const char *const h_traffic[] = {"TRAFFIC", "RECORDS", "PACKETS", "BYTES"};
	static const char *const h_talk[] = {"TOP TALKERS", "DESTINATION", "BYTES", "PACKETS",
	                                     "RECORDS"};
	static const char *const h_rej[] = {"TOP REJECTED SOURCES", "RECORDS", "PACKETS", "BYTES"};
	static const char *const h_ports[] = {"TOP DESTINATION PORTS", "PROTOCOL", "RECORDS",
	                                      "PACKETS", "BYTES"};
	static const char *const h_acl[] = {"NETWORK ACL LIKE: REQUEST", "PROTOCOL", "ACCEPTED",
	                                    "RETURN REJECTED"};
	struct table t;
	char a[46], b[46], c[24], d[24], e[24], p[16];

	table_init(&t, h_traffic, 4);
	for (int i = 0; i < 2; i++) {
		const struct summary_counts *k = i ? &r->rejected : &r->accepted;
		const char *row[4] = {i ? "rejected" : "accepted", a, b, c};

		snprintf(a, sizeof(a), "%llu", (unsigned long long)k->records);
		snprintf(b, sizeof(b), "%llu", (unsigned long long)k->packets);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)k->bytes);
		table_add_row(&t, row);
	}
	csv ? table_print_csv(&t, f) : table_print(&t, f);
	table_release(&t);
	if (!csv)
		fprintf(f, "(%llu records, %llu NODATA, %llu SKIPDATA)\n\n",
		        (unsigned long long)r->records, (unsigned long long)r->nodata,
		        (unsigned long long)r->skipdata);

	table_init(&t, h_talk, 5);
	for (size_t i = 0; i < r->talkers.n; i++) {
		const struct summary_row *x = &r->talkers.v[i];
		const char *row[5] = {a, b, c, d, e};

		record_addr_format(&x->src, a);
		record_addr_format(&x->dst, b);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)x->bytes);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)x->packets);
		snprintf(e, sizeof(e), "%llu", (unsigned long long)x->records);
		table_add_row(&t, row);
	}
	csv ? table_print_csv(&t, f) : table_print(&t, f);
	table_release(&t);
	if (!csv)
		fputc('\n', f);

	table_init(&t, h_rej, 4);
	for (size_t i = 0; i < r->rejected_sources.n; i++) {
		const struct summary_row *x = &r->rejected_sources.v[i];
		const char *row[4] = {a, c, d, e};

		record_addr_format(&x->src, a);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)x->records);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)x->packets);
		snprintf(e, sizeof(e), "%llu", (unsigned long long)x->bytes);
		table_add_row(&t, row);
	}
	csv ? table_print_csv(&t, f) : table_print(&t, f);
	table_release(&t);
	if (!csv)
		fputc('\n', f);

	table_init(&t, h_ports, 5);
	for (size_t i = 0; i < r->ports.n; i++) {
		const struct summary_row *x = &r->ports.v[i];
		const char *row[5] = {a, p, c, d, e};

		snprintf(a, sizeof(a), "%u", x->dstport);
		proto_text(p, sizeof(p), x->protocol);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)x->records);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)x->packets);
		snprintf(e, sizeof(e), "%llu", (unsigned long long)x->bytes);
		table_add_row(&t, row);
	}
	csv ? table_print_csv(&t, f) : table_print(&t, f);
	table_release(&t);
	if (!csv)
		fprintf(f,
		        "\nrejected records: %llu look like a network ACL (the request was "
		        "accepted, its return rejected: stateless), %llu were requests "
		        "rejected (a security group, or a network ACL on the way in)\n",
		        (unsigned long long)r->acl_rejected, (unsigned long long)r->sg_rejected);
	table_init(&t, h_acl, 4);
	for (size_t i = 0; i < r->acl_like.n; i++) {
		const struct summary_row *x = &r->acl_like.v[i];
		struct buf req = BUF_INIT;
		const char *row[4] = {NULL, p, c, d};

		endpoint_text(&req, &x->src, x->srcport);
		buf_addstr(&req, " -> ");
		endpoint_text(&req, &x->dst, x->dstport);
		row[0] = req.data;
		proto_text(p, sizeof(p), x->protocol);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)x->accepted);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)x->rejected);
		table_add_row(&t, row);
		buf_release(&req);
	}
	if (t.n_rows)
		csv ? table_print_csv(&t, f) : table_print(&t, f);
	table_release(&t);
}

void summary_print(FILE *f, const struct summary_report *r)
{
	print_sections(f, r, 0);
}

void summary_print_csv(FILE *f, const struct summary_report *r)
{
	print_sections(f, r, 1);
}
