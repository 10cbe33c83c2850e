/* --summary: counting flow records into one table of flows, and the report
 * derived from it. */
#include "engine/summary.h"

#include <stdlib.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/xalloc.h"
#include "engine/output.h"
#include "engine/table.h"

/* What a record says about its traffic: the addresses (IPv4 as
 * ::ffff:a.b.c.d), the ports and protocol (0 when not given), which of
 * those it gave, and its action. Exactly five 64-bit words with no padding,
 * so that keys compare and hash as words. Invariant: flags has FLOW_USED. */
struct flow_key {
	unsigned char src[16], dst[16];
	uint16_t srcport, dstport;
	uint8_t protocol, flags;
	uint8_t zero[2];
};

enum {
	FLOW_USED = 1 << 0,
	FLOW_SRCPORT = 1 << 1,
	FLOW_DSTPORT = 1 << 2,
	FLOW_PROTOCOL = 1 << 3,
	FLOW_ACCEPT = 1 << 4,
	FLOW_REJECT = 1 << 5,
	FLOW_FULL = FLOW_SRCPORT | FLOW_DSTPORT | FLOW_PROTOCOL,
};

/* The records counted under one key: 64 bytes, one cache line. */
struct flow {
	struct flow_key key;
	uint64_t records, packets, bytes;
};

#define TABLE_MIN 1024
#define PENDING   8 /* entries between the prefetch of a slot and its update */

/* An entry on its way into a table, and the hash of its key. */
struct pending {
	struct flow flow; /* none when flow.key.flags is 0 */
	uint64_t hash;
};

/* Open addressing with linear probing. Invariants: cap is a power of two,
 * n <= cap / 2, an entry is empty when its key.flags is 0; v is mem rounded
 * up to a cache line. pending holds the entries of the last PENDING
 * ftab_queue calls that are not in v yet: v is read after ftab_flush. */
struct ftab {
	struct flow *v;
	void *mem;
	size_t cap, n;
	struct pending pending[PENDING];
	size_t next; /* the pending entry the next one takes */
};

/* The flow table holds every record with addresses, one entry per distinct
 * key; talkers, rejected sources, ports and conversations are sums over it,
 * made by summary_report. */
struct summary {
	uint64_t records, nodata, skipdata;
	struct summary_counts accepted, rejected;
	struct ftab flows;
};

/* Each word of the key folded in half and multiplied by its own odd
 * constant (the products do not wait on each other), the sum then mixed so
 * that the low bits, the index, depend on every byte. */
static uint64_t key_hash(const struct flow_key *k)
{
	static const uint64_t odd[5] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
	                                0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull,
	                                0xff51afd7ed558ccdull};
	uint64_t w[5], h = 0;

	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++)
		h += (w[i] ^ (w[i] >> 32)) * odd[i];
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static int key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void ftab_init(struct ftab *t, size_t cap)
{
	size_t size = cap * sizeof(struct flow);

	memset(t, 0, sizeof(*t));
	/* One spare line to align to; written at once rather than calloc'ed,
	 * as pages of calloc's zero mapping fault twice (read by a probe, then
	 * written). */
	t->mem = xmalloc(size + 64);
	t->v = (struct flow *)(((uintptr_t)t->mem + 63) & ~(uintptr_t)63);
	memset(t->v, 0, size);
	t->cap = cap;
}

static void ftab_release(struct ftab *t)
{
	free(t->mem);
	memset(t, 0, sizeof(*t));
}

/* The slot of key: its entry, or the empty slot where it belongs. */
static struct flow *ftab_slot(const struct ftab *t, const struct flow_key *key, uint64_t h)
{
	size_t mask = t->cap - 1, k = h & mask;

	while (t->v[k].key.flags && !key_equal(&t->v[k].key, key))
		k = (k + 1) & mask;
	return &t->v[k];
}

static void ftab_grow(struct ftab *t)
{
	struct ftab bigger;

	ftab_init(&bigger, t->cap * 2);
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].key.flags)
			*ftab_slot(&bigger, &t->v[i].key, key_hash(&t->v[i].key)) = t->v[i];
	free(t->mem);
	t->v = bigger.v;
	t->mem = bigger.mem;
	t->cap = bigger.cap;
}

/* Adds f's counts to the entry of its key (h its hash), made when new. */
static void ftab_add(struct ftab *t, const struct flow *f, uint64_t h)
{
	struct flow *e;

	if ((t->n + 1) * 2 > t->cap)
		ftab_grow(t);
	e = ftab_slot(t, &f->key, h);
	if (!e->key.flags) {
		*e = *f;
		t->n++;
		return;
	}
	e->records += f->records;
	e->packets += f->packets;
	e->bytes += f->bytes;
}

/* Adds f to the table, later. Tables outgrow the caches, so a new entry
 * only prefetches its slot, and the next one for when it is taken; the
 * update comes PENDING entries later, when the lines are there: the memory
 * reads of several entries overlap instead of each waiting for its own. */
static void ftab_queue(struct ftab *t, const struct flow *f)
{
	struct pending *p = &t->pending[t->next];

	if (p->flow.key.flags)
		ftab_add(t, &p->flow, p->hash);
	p->flow = *f;
	p->hash = key_hash(&f->key);
	__builtin_prefetch(&t->v[p->hash & (t->cap - 1)], 1);
	__builtin_prefetch(&t->v[(p->hash + 1) & (t->cap - 1)], 1);
	t->next = (t->next + 1) % PENDING;
}

/* Puts the pending entries into the table. */
static void ftab_flush(struct ftab *t)
{
	for (size_t i = 0; i < PENDING; i++) {
		struct pending *p = &t->pending[i];

		if (p->flow.key.flags)
			ftab_add(t, &p->flow, p->hash);
		p->flow.key.flags = 0;
	}
}

/* The entry of key, or NULL (the table flushed). */
static const struct flow *ftab_find(const struct ftab *t, const struct flow_key *key)
{
	const struct flow *e = ftab_slot(t, key, key_hash(key));

	return e->key.flags ? e : NULL;
}

struct summary *summary_new(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));

	ftab_init(&s->flows, TABLE_MIN);
	return s;
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	ftab_release(&s->flows);
	free(s);
}

static int is_word(const struct record_value *v, const char *w)
{
	return v && v->len == 6 && memcmp(v->s, w, 6) == 0;
}

/* A number below limit into *out, and flag; 0 and 0 when there is none. */
static unsigned small_number(const struct record_value *v, uint64_t limit, unsigned flag,
                             uint64_t *out)
{
	if (record_u64(v, out) == 0 && *out < limit)
		return flag;
	*out = 0;
	return 0;
}

void summary_add(struct summary *s, const struct record *r)
{
	const struct record_value *action = record_hot(r, RH_ACTION);
	struct record_addr src, dst;
	struct flow f;
	uint64_t proto, sport, dport;
	unsigned flags = FLOW_USED;

	s->records++;
	if (r->status == RECORD_NODATA) {
		s->nodata++;
		return;
	}
	if (r->status == RECORD_SKIPDATA) {
		s->skipdata++;
		return;
	}
	if (is_word(action, "ACCEPT"))
		flags |= FLOW_ACCEPT;
	else if (is_word(action, "REJECT"))
		flags |= FLOW_REJECT;
	memset(&f, 0, sizeof(f));
	record_u64(record_hot(r, RH_PACKETS), &f.packets);
	record_u64(record_hot(r, RH_BYTES), &f.bytes);
	if (flags & (FLOW_ACCEPT | FLOW_REJECT)) {
		struct summary_counts *c = flags & FLOW_ACCEPT ? &s->accepted : &s->rejected;

		c->records++;
		c->packets += f.packets;
		c->bytes += f.bytes;
	}
	if (record_addr_parse(record_hot(r, RH_SRCADDR), &src) != 0 ||
	    record_addr_parse(record_hot(r, RH_DSTADDR), &dst) != 0)
		return;
	flags |= small_number(record_hot(r, RH_PROTOCOL), 256, FLOW_PROTOCOL, &proto);
	flags |= small_number(record_hot(r, RH_SRCPORT), 65536, FLOW_SRCPORT, &sport);
	flags |= small_number(record_hot(r, RH_DSTPORT), 65536, FLOW_DSTPORT, &dport);
	memcpy(f.key.src, src.b, 16);
	memcpy(f.key.dst, dst.b, 16);
	f.key.srcport = (uint16_t)sport;
	f.key.dstport = (uint16_t)dport;
	f.key.protocol = (uint8_t)proto;
	f.key.flags = (uint8_t)flags;
	f.records = 1;
	ftab_queue(&s->flows, &f);
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
	for (size_t i = 0; i < from->flows.cap; i++)
		if (from->flows.v[i].key.flags)
			ftab_queue(&into->flows, &from->flows.v[i]);
	for (size_t i = 0; i < PENDING; i++)
		if (from->flows.pending[i].flow.key.flags)
			ftab_queue(&into->flows, &from->flows.pending[i].flow);
}

/* --- The report --- */

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

/* A list being filled: the best top rows offered so far (cmp orders best
 * first), kept as a heap whose root rows->v[0] is the worst of them, so
 * that a row that does not make the list costs one comparison. */
struct top {
	struct summary_rows *rows;
	size_t top;
	int (*cmp)(const void *, const void *);
};

static void row_swap(struct summary_row *a, struct summary_row *b)
{
	struct summary_row t = *a;

	*a = *b;
	*b = t;
}

static void top_offer(struct top *t, const struct summary_row *row)
{
	struct summary_row *v;
	size_t i = t->rows->n, n = t->rows->n;

	if (n < t->top) {
		ALLOC_GROW(t->rows->v, n + 1, t->rows->alloc);
		v = t->rows->v;
		v[t->rows->n++] = *row;
		for (; i && t->cmp(&v[i], &v[(i - 1) / 2]) > 0; i = (i - 1) / 2)
			row_swap(&v[i], &v[(i - 1) / 2]);
		return;
	}
	v = t->rows->v;
	if (!n || t->cmp(row, &v[0]) >= 0)
		return;
	v[0] = *row;
	for (i = 0;;) {
		size_t worst = i, l = 2 * i + 1, r = l + 1;

		if (l < n && t->cmp(&v[l], &v[worst]) > 0)
			worst = l;
		if (r < n && t->cmp(&v[r], &v[worst]) > 0)
			worst = r;
		if (worst == i)
			break;
		row_swap(&v[i], &v[worst]);
		i = worst;
	}
}

static void top_finish(struct top *t)
{
	if (t->rows->n)
		qsort(t->rows->v, t->rows->n, sizeof(*t->rows->v), t->cmp);
}

/* Adds f's counts to the entry of sums keyed by only some of its fields:
 * the source if src, the destination if dst, the protocol and destination
 * port if port. */
static void sum_into(struct ftab *sums, const struct flow *f, int src, int dst, int port)
{
	struct flow e = *f;

	memset(&e.key, 0, sizeof(e.key));
	if (src)
		memcpy(e.key.src, f->key.src, 16);
	if (dst)
		memcpy(e.key.dst, f->key.dst, 16);
	if (port) {
		e.key.dstport = f->key.dstport;
		e.key.protocol = f->key.protocol;
	}
	e.key.flags = FLOW_USED;
	ftab_queue(sums, &e);
}

/* The rows of a table of sums into a list. */
static void offer_sums(struct top *t, struct ftab *sums)
{
	ftab_flush(sums);
	for (size_t i = 0; i < sums->cap; i++) {
		const struct flow *e = &sums->v[i];
		struct summary_row row;

		if (!e->key.flags)
			continue;
		memset(&row, 0, sizeof(row));
		addr_from(&row.src, e->key.src);
		addr_from(&row.dst, e->key.dst);
		row.dstport = e->key.dstport;
		row.protocol = e->key.protocol;
		row.records = e->records;
		row.packets = e->packets;
		row.bytes = e->bytes;
		top_offer(t, &row);
	}
	top_finish(t);
}

/* key seen from its other end. */
static struct flow_key reversed(const struct flow_key *k)
{
	struct flow_key r = *k;

	memcpy(r.src, k->dst, 16);
	memcpy(r.dst, k->src, 16);
	r.srcport = k->dstport;
	r.dstport = k->srcport;
	return r;
}

/* The records of key with action (FLOW_ACCEPT or FLOW_REJECT) for its own. */
static uint64_t records_of(const struct ftab *t, struct flow_key key, unsigned action)
{
	const struct flow *f;

	key.flags = (uint8_t)((key.flags & ~(FLOW_ACCEPT | FLOW_REJECT)) | action);
	f = ftab_find(t, &key);
	return f ? f->records : 0;
}

/* Counts rejected flow f (with ports and protocol) as the rejected return
 * of a request, the mark of a stateless network ACL, when the other way was
 * accepted; the conversation then gets its row. When both ways were
 * accepted and rejected, the request is the way whose return was rejected
 * more (on a tie, the way whose address and port order first). */
static void add_acl_like(struct summary_report *out, struct top *acl, const struct ftab *t,
                         const struct flow *f)
{
	struct flow_key back = reversed(&f->key);
	uint64_t requests = records_of(t, back, FLOW_ACCEPT), rejected_back;
	struct summary_row row;

	if (!requests || key_equal(&back, &f->key)) /* none, or both ends the same */
		return;
	rejected_back = records_of(t, back, FLOW_REJECT);
	if (rejected_back && records_of(t, f->key, FLOW_ACCEPT)) {
		int c = memcmp(f->key.src, f->key.dst, 16);
		int first = c < 0 || (c == 0 && f->key.srcport < f->key.dstport);

		if (first ? f->records <= rejected_back : f->records < rejected_back)
			return;
	}
	out->acl_rejected += f->records;
	memset(&row, 0, sizeof(row));
	addr_from(&row.src, f->key.dst);
	addr_from(&row.dst, f->key.src);
	row.srcport = f->key.dstport;
	row.dstport = f->key.srcport;
	row.protocol = f->key.protocol;
	row.accepted = requests;
	row.rejected = f->records;
	top_offer(acl, &row);
}

void summary_report(struct summary_report *out, struct summary *s, size_t top)
{
	struct top talkers = {&out->talkers, top, by_bytes};
	struct top rejsrc = {&out->rejected_sources, top, by_records};
	struct top ports = {&out->ports, top, by_records};
	struct top acl = {&out->acl_like, top, by_rejected};
	struct ftab talk, rej, port;
	uint64_t conv_rejected = 0;

	memset(out, 0, sizeof(*out));
	out->records = s->records;
	out->nodata = s->nodata;
	out->skipdata = s->skipdata;
	out->accepted = s->accepted;
	out->rejected = s->rejected;
	ftab_flush(&s->flows);
	ftab_init(&talk, TABLE_MIN);
	ftab_init(&rej, TABLE_MIN);
	ftab_init(&port, TABLE_MIN);
	for (size_t i = 0; i < s->flows.cap; i++) {
		const struct flow *f = &s->flows.v[i];
		unsigned flags = f->key.flags;

		if (!flags)
			continue;
		sum_into(&talk, f, 1, 1, 0);
		if (flags & FLOW_REJECT)
			sum_into(&rej, f, 1, 0, 0);
		if ((flags & (FLOW_PROTOCOL | FLOW_DSTPORT)) == (FLOW_PROTOCOL | FLOW_DSTPORT))
			sum_into(&port, f, 0, 0, 1);
		if ((flags & FLOW_FULL) == FLOW_FULL && (flags & FLOW_REJECT)) {
			conv_rejected += f->records;
			add_acl_like(out, &acl, &s->flows, f);
		}
	}
	/* The rejected records of conversations that are not a network ACL's:
	 * requests rejected, by a security group or a network ACL on the way
	 * in. */
	out->sg_rejected = conv_rejected - out->acl_rejected;
	offer_sums(&talkers, &talk);
	offer_sums(&rejsrc, &rej);
	offer_sums(&ports, &port);
	top_finish(&acl);
	ftab_release(&talk);
	ftab_release(&rej);
	ftab_release(&port);
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
