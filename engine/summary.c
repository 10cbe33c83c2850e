/* --summary: counting flow records into one table of flows, and the report
 * derived from it. */
#include "engine/summary.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"
#include "engine/flowtab.h"
#include "engine/parallel.h"

/* The flow table holds every record with addresses, one entry per distinct
 * key; talkers, rejected sources, ports and conversations are sums over it,
 * made by summary_report. Flows between IPv4 addresses are counted in v4
 * first, and moved into flows for the report.
 *
 * Before that, records whose five fields from srcaddr to protocol stand
 * side by side (as in AWS's default format) are counted by the text of
 * those fields, in text: a record then costs a hash of some 30 bytes
 * instead of parsing two addresses and three numbers, which is done once a
 * distinct text when the report is made (fold_text). The sums are the
 * same: equal texts parse to equal flows. */
struct summary {
	uint64_t records, nodata, skipdata;
	struct summary_counts counts[3]; /* accepted, rejected, and records of neither */
	struct flowtab flows;
	struct flowtab4 v4;
	struct flowtab text;
	struct record_layout five; /* srcaddr dstaddr srcport dstport protocol */
};

/* Keys of the text table: the text in the bytes before flags, zero after
 * its length, which is in zero[0]. */
#define TEXT_MAX   offsetof(struct flow_key, flags)
#define TEXT_READ  sizeof(struct flow_key)
#define FOLD_SPLIT 65536 /* distinct texts worth folding on two threads */

struct summary *summary_new(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));

	flowtab_init(&s->flows, FLOWTAB_MIN);
	flowtab4_init(&s->v4, FLOWTAB_MIN, &s->flows);
	flowtab_init(&s->text, FLOWTAB_MIN);
	record_layout_parse(&s->five, "srcaddr dstaddr srcport dstport protocol", 0, NULL);
	return s;
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	flowtab_release(&s->flows);
	flowtab4_release(&s->v4);
	flowtab_release(&s->text);
	free(s);
}

/* FLOW_ACCEPT or FLOW_REJECT for an action of those words, else 0;
 * computed rather than branched on, as records of both actions mix at
 * random. */
static unsigned action_flag(const struct record_value *v)
{
	uint32_t head, acce, reje;
	uint16_t tail, pt, ct;

	if (!v || v->len != 6)
		return 0;
	memcpy(&head, v->s, 4);
	memcpy(&tail, v->s + 4, 2);
	memcpy(&acce, "ACCE", 4);
	memcpy(&pt, "PT", 2);
	memcpy(&reje, "REJE", 4);
	memcpy(&ct, "CT", 2);
	return FLOW_ACCEPT * (unsigned)((head == acce) & (tail == pt)) |
	       FLOW_REJECT * (unsigned)((head == reje) & (tail == ct));
}

/* A number below limit into *out, and flag; 0 and 0 when there is none. */
static unsigned small_number(const struct record *r, enum record_hot h, uint64_t limit,
                             unsigned flag, uint64_t *out)
{
	if (record_number(r, r->layout->hot[h], out) == 0 && *out < limit)
		return flag;
	*out = 0;
	return 0;
}

/* Counts a flow whose addresses are not both IPv4, or whose counts do not
 * fit struct flow4. */
static void add_full(struct summary *s, const struct record *r, unsigned flags,
                     const uint64_t ports[3], uint64_t records, uint64_t packets, uint64_t bytes)
{
	struct record_addr src, dst;
	struct flow f;

	if (record_addr_parse(record_hot(r, RH_SRCADDR), &src) != 0 ||
	    record_addr_parse(record_hot(r, RH_DSTADDR), &dst) != 0)
		return;
	memset(&f, 0, sizeof(f));
	memcpy(f.key.src, src.b, 16);
	memcpy(f.key.dst, dst.b, 16);
	f.key.srcport = (uint16_t)ports[0];
	f.key.dstport = (uint16_t)ports[1];
	f.key.protocol = (uint8_t)ports[2];
	f.key.flags = (uint8_t)flags;
	f.records = records;
	f.packets = packets;
	f.bytes = bytes;
	flowtab_queue(&s->flows, &f);
}

/* Counts records of the flow of r: its addresses, ports and protocol, with
 * flags holding FLOW_USED and the action's. */
static void add_flow(struct summary *s, const struct record *r, unsigned flags, uint64_t records,
                     uint64_t packets, uint64_t bytes)
{
	const signed char *hot = r->layout->hot;
	uint64_t ports[3]; /* source, destination, protocol */
	uint32_t src, dst;
	struct flow4 f;

	flags |= small_number(r, RH_PROTOCOL, 256, FLOW_PROTOCOL, &ports[2]);
	flags |= small_number(r, RH_SRCPORT, 65536, FLOW_SRCPORT, &ports[0]);
	flags |= small_number(r, RH_DSTPORT, 65536, FLOW_DSTPORT, &ports[1]);
	if (record_ipv4(r, hot[RH_SRCADDR], &src) != 0 ||
	    record_ipv4(r, hot[RH_DSTADDR], &dst) != 0 || packets > UINT32_MAX ||
	    records > UINT32_MAX) {
		add_full(s, r, flags, ports, records, packets, bytes);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.src = src;
	f.dst = dst;
	f.srcport = (uint16_t)ports[0];
	f.dstport = (uint16_t)ports[1];
	f.protocol = (uint8_t)ports[2];
	f.flags = (uint8_t)flags;
	f.records = (uint32_t)records;
	f.packets = (uint32_t)packets;
	f.bytes = bytes;
	flowtab4_queue(&s->v4, &f);
}

/* The key of r's flow in the text table, with flags: 1 when r's layout has
 * its five fields from srcaddr to protocol side by side, their text fits,
 * and the line goes on for the bytes read; else 0. */
static int text_key(const struct record *r, unsigned flags, struct flow_key *k)
{
	/* TEXT_READ bytes kept, then as many cleared: the mask of a length
	 * starts TEXT_READ - length bytes in. */
	static const unsigned char keep[2 * TEXT_READ] = {
	    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
	const signed char *hot = r->layout->hot;
	int c = hot[RH_SRCADDR];
	const unsigned char *mask;
	const char *from;
	size_t len;

	if (c < 0 || hot[RH_DSTADDR] != c + 1 || hot[RH_SRCPORT] != c + 2 ||
	    hot[RH_DSTPORT] != c + 3 || hot[RH_PROTOCOL] != c + 4 || (size_t)c + 4 >= r->n)
		return 0;
	from = r->v[c].s;
	len = (size_t)(r->v[c + 4].s + r->v[c + 4].len - from);
	if (len > TEXT_MAX || (size_t)(r->end - from) < TEXT_READ)
		return 0;
	mask = keep + TEXT_READ - len;
	/* Written as whole words, each the width of the reads of the key that
	 * follow (a read of parts of two writes would wait for both). */
	{
		uint64_t w[4], m[4];
		unsigned char tail[8];

		memcpy(w, from, sizeof(w));
		memcpy(m, mask, sizeof(m));
		for (size_t i = 0; i < 4; i++)
			w[i] &= m[i];
		for (size_t i = 0; i < 8; i++)
			tail[i] = (unsigned char)from[32 + i] & mask[32 + i];
		tail[offsetof(struct flow_key, flags) - 32] = (unsigned char)flags;
		tail[offsetof(struct flow_key, zero) - 32] = (unsigned char)len;
		memcpy(k, w, sizeof(w));
		memcpy((unsigned char *)k + 32, tail, sizeof(tail));
	}
	return 1;
}

void summary_add(struct summary *s, const struct record *r)
{
	const signed char *hot = r->layout->hot;
	uint64_t packets, bytes;
	unsigned flags = FLOW_USED;
	struct summary_counts *c;
	struct flow *f;

	s->records++;
	if (r->status == RECORD_NODATA) {
		s->nodata++;
		return;
	}
	if (r->status == RECORD_SKIPDATA) {
		s->skipdata++;
		return;
	}
	flags |= action_flag(record_hot(r, RH_ACTION));
	record_number(r, hot[RH_PACKETS], &packets);
	record_number(r, hot[RH_BYTES], &bytes);
	/* Indexed by the action, not branched on: accepted, rejected, neither. */
	c = &s->counts[(flags & FLOW_REJECT ? 1 : 0) +
	               (flags & (FLOW_ACCEPT | FLOW_REJECT) ? 0 : 2)];
	c->records++;
	c->packets += packets;
	c->bytes += bytes;
	f = flowtab_next(&s->text);
	if (!text_key(r, flags, &f->key)) {
		add_flow(s, r, flags, 1, packets, bytes);
		return;
	}
	f->records = 1;
	f->packets = packets;
	f->bytes = bytes;
	flowtab_commit(&s->text);
}

/* The flows of slots [from, to) of text into s, as add_flow counts them. */
static void fold_slots(struct summary *s, const struct flowtab *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct flow *e = &text->v[i];
		struct record r;

		if (e->key.flags &&
		    record_parse(&r, &s->five, (const char *)e->key.src, e->key.zero[0]) == 0)
			add_flow(s, &r, e->key.flags, e->records, e->packets, e->bytes);
	}
}

/* A fold in two halves side by side: the first half into s, the second into
 * other, which is merged into s after. */
struct fold_job {
	struct summary *s, *other;
};

static void fold_half(void *arg, size_t i)
{
	struct fold_job *job = arg;
	const struct flowtab *text = &job->s->text;

	if (i == 0)
		fold_slots(job->s, text, 0, text->cap / 2);
	else
		fold_slots(job->other, text, text->cap / 2, text->cap);
}

/* The flow table of s made big enough for n more flows at once, when it is
 * empty. */
static void size_v4(struct summary *s, size_t n)
{
	flowtab4_flush(&s->v4);
	if (!s->v4.n && flowtab_cap(n) > s->v4.cap) {
		flowtab4_release(&s->v4);
		flowtab4_init(&s->v4, flowtab_cap(n), &s->flows);
	}
}

/* Counts the flows of the text table as add_flow does, once a distinct
 * text, and empties it: on two threads when they are many. */
static void fold_text(struct summary *s)
{
	struct fold_job job = {s, NULL};

	flowtab_flush(&s->text);
	if (!s->text.n)
		return;
	size_v4(s, s->text.n);
	if (s->text.n < FOLD_SPLIT) {
		fold_slots(s, &s->text, 0, s->text.cap);
	} else {
		job.other = summary_new();
		size_v4(job.other, s->text.n / 2);
		parallel_run(2, 2, fold_half, NULL, &job);
		flowtab4_merge(&s->v4, &job.other->v4);
		flowtab_merge(&s->flows, &job.other->flows);
		summary_free(job.other);
	}
	flowtab_release(&s->text);
	flowtab_init(&s->text, FLOWTAB_MIN);
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
	for (int i = 0; i < 3; i++)
		counts_add(&into->counts[i], &from->counts[i]);
	flowtab_merge(&into->flows, &from->flows);
	flowtab4_merge(&into->v4, &from->v4);
	flowtab_merge(&into->text, &from->text);
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
static void sum_into(struct flowtab *sums, const struct flow *f, int src, int dst, int port)
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
	flowtab_queue(sums, &e);
}

/* A row of sums, offered to a list. */
static void offer_sum(struct top *t, const struct flow *e)
{
	struct summary_row row;

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

/* The rows of a table of sums into a list. */
static void offer_sums(struct top *t, struct flowtab *sums)
{
	flowtab_flush(sums);
	for (size_t i = 0; i < sums->cap; i++)
		if (sums->v[i].key.flags)
			offer_sum(t, &sums->v[i]);
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

/* The flows a report is made from: the full table, or, when every flow is
 * between IPv4 addresses and none spilled, the compact one as it is (no
 * copy into the full table to make). One of the two is NULL. */
struct flow_source {
	const struct flowtab *full;
	const struct flowtab4 *v4;
};

/* The flow after slot *i into out, and 1; 0 when there is none. */
static int source_next(const struct flow_source *src, size_t *i, struct flow *out)
{
	if (src->v4) {
		for (; *i < src->v4->cap; (*i)++)
			if (src->v4->v[*i].flags) {
				flow4_expand(out, &src->v4->v[(*i)++]);
				return 1;
			}
		return 0;
	}
	for (; *i < src->full->cap; (*i)++)
		if (src->full->v[*i].key.flags) {
			*out = src->full->v[(*i)++];
			return 1;
		}
	return 0;
}

/* The records of key with action (FLOW_ACCEPT or FLOW_REJECT) for its own. */
static uint64_t records_of(const struct flow_source *src, struct flow_key key, unsigned action)
{
	key.flags = (uint8_t)((key.flags & ~(FLOW_ACCEPT | FLOW_REJECT)) | action);
	if (src->v4) {
		const struct flow4 *e = flowtab4_find(src->v4, &key);

		return e ? e->records : 0;
	} else {
		const struct flow *f = flowtab_find(src->full, &key);

		return f ? f->records : 0;
	}
}

/* Counts rejected flow f (with ports and protocol) as the rejected return
 * of a request, the mark of a stateless network ACL, when the other way was
 * accepted; the conversation then gets its row. When both ways were
 * accepted and rejected, the request is the way whose return was rejected
 * more (on a tie, the way whose address and port order first). */
static void add_acl_like(struct summary_report *out, struct top *acl, const struct flow_source *t,
                         const struct flow *f)
{
	struct flow_key back = reversed(&f->key);
	uint64_t requests = records_of(t, back, FLOW_ACCEPT), rejected_back;
	struct summary_row row;

	if (!requests || flow_key_equal(&back, &f->key)) /* none, or both ends the same */
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

/* The report's two halves, run side by side: talkers, which sum every
 * flow, and the rest. The flows are read only; n is their number. */
struct report_job {
	struct summary_report *out;
	struct flow_source src;
	size_t n, top;
};

/* Talkers of flows all between IPv4 addresses: summed in a compact table,
 * half the memory to clear and probe, unless a sum outgrew its 32 bits. */
static void report_talkers4(struct report_job *job, struct top *talkers)
{
	const struct flowtab4 *flows = job->src.v4;
	struct flowtab spill;
	struct flowtab4 talk;

	flowtab_init(&spill, FLOWTAB_MIN);
	flowtab4_init(&talk, flowtab_cap(job->n), &spill);
	for (size_t i = 0; i < flows->cap; i++) {
		struct flow4 e = flows->v[i];

		if (!e.flags)
			continue;
		e.srcport = e.dstport = 0;
		e.protocol = 0;
		e.flags = FLOW_USED;
		flowtab4_queue(&talk, &e);
	}
	flowtab4_flush(&talk);
	flowtab_flush(&spill);
	if (spill.n) {
		flowtab4_fold(&talk, &spill);
		offer_sums(talkers, &spill);
	} else {
		for (size_t i = 0; i < talk.cap; i++) {
			struct flow f;

			if (!talk.v[i].flags)
				continue;
			flow4_expand(&f, &talk.v[i]);
			offer_sum(talkers, &f);
		}
		top_finish(talkers);
	}
	flowtab4_release(&talk);
	flowtab_release(&spill);
}

static void report_talkers(struct report_job *job)
{
	struct top talkers = {&job->out->talkers, job->top, by_bytes};
	struct flowtab talk;
	struct flow f;

	if (job->src.v4) {
		report_talkers4(job, &talkers);
		return;
	}
	/* Talkers are nearly as many as flows where ports vary, as they do:
	 * the table is made big enough at once rather than grown. */
	flowtab_init(&talk, flowtab_cap(job->n));
	for (size_t i = 0; source_next(&job->src, &i, &f);)
		sum_into(&talk, &f, 1, 1, 0);
	offer_sums(&talkers, &talk);
	flowtab_release(&talk);
}

static void report_rejections(struct report_job *job)
{
	struct summary_report *out = job->out;
	struct top rejsrc = {&out->rejected_sources, job->top, by_records};
	struct top ports = {&out->ports, job->top, by_records};
	struct top acl = {&out->acl_like, job->top, by_rejected};
	struct flowtab rej, port;
	uint64_t conv_rejected = 0;
	struct flow f;

	flowtab_init(&rej, FLOWTAB_MIN);
	flowtab_init(&port, FLOWTAB_MIN);
	for (size_t i = 0; source_next(&job->src, &i, &f);) {
		unsigned flags = f.key.flags;

		if (flags & FLOW_REJECT)
			sum_into(&rej, &f, 1, 0, 0);
		if ((flags & (FLOW_PROTOCOL | FLOW_DSTPORT)) == (FLOW_PROTOCOL | FLOW_DSTPORT))
			sum_into(&port, &f, 0, 0, 1);
		if ((flags & FLOW_FULL) == FLOW_FULL && (flags & FLOW_REJECT)) {
			conv_rejected += f.records;
			add_acl_like(out, &acl, &job->src, &f);
		}
	}
	/* The rejected records of conversations that are not a network ACL's:
	 * requests rejected, by a security group or a network ACL on the way
	 * in. */
	out->sg_rejected = conv_rejected - out->acl_rejected;
	offer_sums(&rejsrc, &rej);
	offer_sums(&ports, &port);
	top_finish(&acl);
	flowtab_release(&rej);
	flowtab_release(&port);
}

static void report_half(void *arg, size_t i)
{
	if (i == 0)
		report_talkers(arg);
	else
		report_rejections(arg);
}

void summary_report(struct summary_report *out, struct summary *s, size_t top)
{
	struct report_job job = {out, {&s->flows, NULL}, 0, top};

	memset(out, 0, sizeof(*out));
	out->records = s->records;
	out->nodata = s->nodata;
	out->skipdata = s->skipdata;
	out->accepted = s->counts[0];
	out->rejected = s->counts[1];
	fold_text(s);
	flowtab4_flush(&s->v4); /* which may spill into flows */
	flowtab_flush(&s->flows);
	if (s->flows.n) {
		flowtab4_fold(&s->v4, &s->flows);
		flowtab_flush(&s->flows);
		job.n = s->flows.n;
	} else {
		job.src.full = NULL;
		job.src.v4 = &s->v4;
		job.n = s->v4.n;
	}
	parallel_run(2, 2, report_half, NULL, &job);
}

void summary_report_release(struct summary_report *r)
{
	free(r->talkers.v);
	free(r->rejected_sources.v);
	free(r->ports.v);
	free(r->acl_like.v);
	memset(r, 0, sizeof(*r));
}
