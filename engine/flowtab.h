/* The tables of flows that --summary counts records into (engine/summary.c):
 * one entry per distinct addresses, ports, protocol and action, found by
 * open addressing. struct flowtab holds any flow; struct flowtab4, half the
 * size an entry, the flows between IPv4 addresses, which are most. Entries
 * are queued and put in later (flowtab_queue), so that the memory reads of
 * several overlap. */
#ifndef VPCFLOW_ENGINE_FLOWTAB_H
#define VPCFLOW_ENGINE_FLOWTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* The flow of a record between IPv4 addresses, as most are: half the size
 * of struct flow, so that twice as many fit in the caches. The addresses
 * are a << 24 | b << 16 | c << 8 | d; the rest of the key is flow_key's,
 * and the key is the first two 64-bit words. Counts that would overflow
 * their 32 bits go to the full table first (v4_spill). */
struct flow4 {
	uint32_t src, dst;
	uint16_t srcport, dstport;
	uint8_t protocol, flags;
	uint8_t zero[2];
	uint32_t records, packets;
	uint64_t bytes;
};

#define FLOWTAB_MIN     1024
#define FLOWTAB_PENDING 8 /* entries between the prefetch of a slot and its update */

/* An entry on its way into a table, and the hash of its key. */
struct flow_pending {
	struct flow flow; /* none when flow.key.flags is 0 */
	uint64_t hash;
};

struct flow_pending4 {
	struct flow4 flow; /* none when flow.flags is 0 */
	uint64_t hash;
};

/* Open addressing with linear probing. Invariants: cap is a power of two,
 * n <= cap / 2, an entry is empty when its key.flags is 0; v is mem rounded
 * up to a cache line. pending holds the entries of the last
 * FLOWTAB_PENDING flowtab_queue calls that are not in v yet: v is read after flowtab_flush. */
struct flowtab {
	struct flow *v;
	void *mem;
	size_t size; /* of mem */
	size_t cap, n;
	struct flow_pending pending[FLOWTAB_PENDING];
	size_t next; /* the pending entry the next one takes */
};

/* The same for struct flow4; spill is the full table that takes counts
 * about to overflow. */
struct flowtab4 {
	struct flow4 *v;
	void *mem;
	size_t size;
	size_t cap, n;
	struct flow_pending4 pending[FLOWTAB_PENDING];
	size_t next;
	struct flowtab *spill;
};

static inline int flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* The hash that places key in a struct flowtab: its home slot is the hash
 * & (cap - 1). */
uint64_t flowtab_hash(const struct flow_key *key);
/* The capacity for n entries, within the load limit of a table. */
size_t flowtab_cap(size_t n);

/* An empty table of cap slots (a power of two), to release. */
void flowtab_init(struct flowtab *t, size_t cap);
void flowtab_release(struct flowtab *t);
/* Adds f's counts to the entry of its key, made when new; read the table
 * after flowtab_flush. */
void flowtab_queue(struct flowtab *t, const struct flow *f);
/* flowtab_queue in two steps, for an entry built in place: the entry to
 * fill (empty), then its queueing. An entry not committed is not added. */
struct flow *flowtab_next(struct flowtab *t);
void flowtab_commit(struct flowtab *t);
/* Puts the queued entries into the table. */
void flowtab_flush(struct flowtab *t);
/* The entry of key, or NULL (the table flushed). */
const struct flow *flowtab_find(const struct flowtab *t, const struct flow_key *key);
/* Queues every flow of from, queued ones too, into into. */
void flowtab_merge(struct flowtab *into, const struct flowtab *from);

/* An empty table of cap slots whose counts about to overflow go to spill
 * (borrowed), to release. */
void flowtab4_init(struct flowtab4 *t, size_t cap, struct flowtab *spill);
void flowtab4_release(struct flowtab4 *t);
/* As flowtab_queue, flowtab_flush and flowtab_merge. */
void flowtab4_queue(struct flowtab4 *t, const struct flow4 *f);
void flowtab4_flush(struct flowtab4 *t);
void flowtab4_merge(struct flowtab4 *into, const struct flowtab4 *from);
/* The entry of key, or NULL (also when key is not between IPv4 addresses;
 * the table flushed). Counts that spilled are not in it. */
const struct flow4 *flowtab4_find(const struct flowtab4 *t, const struct flow_key *key);
/* The struct flow of f (its addresses as ::ffff:a.b.c.d). */
void flow4_expand(struct flow *out, const struct flow4 *f);
/* Moves the flows of from into into (as struct flow), which is grown once
 * to hold them; from is left empty. */
void flowtab4_fold(struct flowtab4 *from, struct flowtab *into);

#endif
