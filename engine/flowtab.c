/* The tables of flows: hashing, probing, queueing with prefetch, and the
 * moves between the compact table of IPv4 flows and the full one. */
#include "engine/flowtab.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "aws/xalloc.h"

/* Mixes the sum of the hashed words so that the low bits, the index,
 * depend on every byte. */
static inline uint64_t hash_finish(uint64_t h)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

/* Each word of the key folded in half and multiplied by its own odd
 * constant (the products do not wait on each other), then mixed. */
static inline uint64_t key_hash(const struct flow_key *k)
{
	static const uint64_t odd[5] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
	                                0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull,
	                                0xff51afd7ed558ccdull};
	uint64_t w[5], h = 0;

	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++)
		h += (w[i] ^ (w[i] >> 32)) * odd[i];
	return hash_finish(h);
}

uint64_t flowtab_hash(const struct flow_key *k)
{
	return key_hash(k);
}

static uint64_t key4_hash(const struct flow4 *f)
{
	uint64_t w[2];

	memcpy(w, f, sizeof(w));
	return hash_finish((w[0] ^ (w[0] >> 32)) * 0x9e3779b97f4a7c15ull +
	                   (w[1] ^ (w[1] >> 32)) * 0xc2b2ae3d27d4eb4full);
}

static int key4_equal(const struct flow4 *a, const struct flow4 *b)
{
	return memcmp(a, b, 16) == 0;
}

#define HUGE_PAGE ((size_t)2 << 20)
#define SPARE_MIN (2 * HUGE_PAGE) /* tables worth keeping for the next one */

/* The memory of the biggest table released, kept for the next table that
 * fits in it: memory a process has written once is cleared again far
 * faster than new memory is handed out (which, on a virtual machine, the
 * host may first have to find). A report's tables come right after the
 * release of the tables read into, and fit. */
static struct {
	pthread_mutex_t lock;
	void *mem;
	size_t bytes;
} spare = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

/* Memory of at least bytes, from the spare block or new; *got its size. */
static void *memory_get(size_t bytes, size_t *got)
{
	void *mem = NULL;

	if (bytes >= SPARE_MIN) {
		pthread_mutex_lock(&spare.lock);
		if (spare.mem && spare.bytes >= bytes) {
			mem = spare.mem;
			*got = spare.bytes;
			spare.mem = NULL;
			spare.bytes = 0;
		}
		pthread_mutex_unlock(&spare.lock);
	}
	if (!mem) {
		mem = xmalloc(bytes);
		*got = bytes;
	}
	return mem;
}

/* Gives back memory of memory_get: kept as the spare block when it is the
 * biggest, else freed. */
static void memory_put(void *mem, size_t bytes)
{
	if (mem && bytes >= SPARE_MIN) {
		pthread_mutex_lock(&spare.lock);
		if (bytes > spare.bytes) {
			void *old = spare.mem;

			spare.mem = mem;
			spare.bytes = bytes;
			mem = old;
		}
		pthread_mutex_unlock(&spare.lock);
	}
	free(mem);
}

/* Asks for huge pages under the bytes at v, when they are many. */
static void advise_huge(void *v, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	if (bytes >= 2 * HUGE_PAGE) {
		uintptr_t from = ((uintptr_t)v + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
		uintptr_t to = ((uintptr_t)v + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);

		madvise((void *)from, to - from, MADV_HUGEPAGE);
	}
#else
	(void)v;
	(void)bytes;
#endif
}

/* Zeroed memory for a table of bytes, aligned to a cache line; *mem and
 * *size are what to give back to memory_put. A big table is asked for huge
 * pages: it is probed at random, and with small pages most probes would
 * also miss the TLB. */
static void *table_alloc(void **mem, size_t *size, size_t bytes)
{
	void *v;

	/* One spare line to align to; written at once rather than calloc'ed,
	 * as pages of calloc's zero mapping fault twice (read by a probe, then
	 * written). */
	*mem = memory_get(bytes + 64, size);
	v = (void *)(((uintptr_t)*mem + 63) & ~(uintptr_t)63);
	advise_huge(v, bytes);
	memset(v, 0, bytes);
	return v;
}

void flowtab_init(struct flowtab *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->v = table_alloc(&t->mem, &t->size, cap * sizeof(struct flow));
	t->cap = cap;
}

void flowtab_release(struct flowtab *t)
{
	memory_put(t->mem, t->size);
	memset(t, 0, sizeof(*t));
}

/* The slot of key: its entry, or the empty slot where it belongs. */
static struct flow *flowtab_slot(const struct flowtab *t, const struct flow_key *key, uint64_t h)
{
	size_t mask = t->cap - 1, k = h & mask;

	while (t->v[k].key.flags && !flow_key_equal(&t->v[k].key, key))
		k = (k + 1) & mask;
	return &t->v[k];
}

/* Moves the entries into a table of cap slots. */
static void flowtab_resize(struct flowtab *t, size_t cap)
{
	struct flowtab bigger;

	flowtab_init(&bigger, cap);
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].key.flags)
			*flowtab_slot(&bigger, &t->v[i].key, key_hash(&t->v[i].key)) = t->v[i];
	memory_put(t->mem, t->size);
	t->v = bigger.v;
	t->mem = bigger.mem;
	t->size = bigger.size;
	t->cap = bigger.cap;
}

/* Doubles the table where it is: its memory is grown by realloc (which
 * moves the pages of a big block rather than copying them), so that only
 * the new half is memory the table has not written yet. In the doubled table an entry's home is its
 * old one or cap slots up. The entries are taken in slot order from the first empty slot on, each
 * put at the first free slot from its new home: one whose home stays finds it, or a slot after it
 * that a moved entry left, no later than the slot it leaves (the slots before are settled already);
 * one whose home moves up goes to the new half, and never past its end (the
 * entries of a run there left as many slots below, one each). Those before
 * the first empty slot, the end of a run that wraps around the old end,
 * would pass entries not yet taken: they are put back last, into the
 * finished table. */
static void flowtab_double(struct flowtab *t)
{
	size_t old = t->cap, cap = 2 * old, first = 0, n_later = 0, alloc_later = 0;
	size_t at = (size_t)((uintptr_t)t->v - (uintptr_t)t->mem),
	       bytes = cap * sizeof(struct flow);
	struct flow *later = NULL;
	void *mem;

	mem = xrealloc(t->mem, bytes + 64);
	t->mem = mem;
	t->size = bytes + 64;
	t->v = (void *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
	if ((size_t)((uintptr_t)t->v - (uintptr_t)mem) != at) /* moved to another alignment */
		memmove(t->v, (char *)mem + at, old * sizeof(struct flow));
	advise_huge(t->v, bytes);
	memset(t->v + old, 0, old * sizeof(struct flow));
	t->cap = cap;
	while (t->v[first].key.flags) /* there is an empty slot: n <= old / 2 */
		first++;
	for (size_t i = 0; i < old; i++) {
		struct flow e = t->v[i];
		size_t k;

		if (!e.key.flags)
			continue;
		t->v[i].key.flags = 0;
		if (i < first) {
			ALLOC_GROW(later, n_later + 1, alloc_later);
			later[n_later++] = e;
			continue;
		}
		for (k = key_hash(&e.key) & (cap - 1); t->v[k].key.flags; k++)
			;
		t->v[k] = e;
	}
	for (size_t i = 0; i < n_later; i++)
		*flowtab_slot(t, &later[i].key, key_hash(&later[i].key)) = later[i];
	free(later);
}

/* Adds f's counts to the entry of its key (h its hash), made when new. */
static void flowtab_add(struct flowtab *t, const struct flow *f, uint64_t h)
{
	struct flow *e;

	if ((t->n + 1) * 2 > t->cap)
		flowtab_double(t);
	e = flowtab_slot(t, &f->key, h);
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
 * update comes FLOWTAB_PENDING entries later, when the lines are there: the memory
 * reads of several entries overlap instead of each waiting for its own. */
void flowtab_queue(struct flowtab *t, const struct flow *f)
{
	*flowtab_next(t) = *f;
	flowtab_commit(t);
}

struct flow *flowtab_next(struct flowtab *t)
{
	struct flow_pending *p = &t->pending[t->next];

	if (p->flow.key.flags)
		flowtab_add(t, &p->flow, p->hash);
	p->flow.key.flags = 0;
	return &p->flow;
}

void flowtab_commit(struct flowtab *t)
{
	struct flow_pending *p = &t->pending[t->next];

	p->hash = key_hash(&p->flow.key);
	__builtin_prefetch(&t->v[p->hash & (t->cap - 1)], 1);
	__builtin_prefetch(&t->v[(p->hash + 1) & (t->cap - 1)], 1);
	t->next = (t->next + 1) % FLOWTAB_PENDING;
}

/* Puts the pending entries into the table. */
void flowtab_flush(struct flowtab *t)
{
	for (size_t i = 0; i < FLOWTAB_PENDING; i++) {
		struct flow_pending *p = &t->pending[i];

		if (p->flow.key.flags)
			flowtab_add(t, &p->flow, p->hash);
		p->flow.key.flags = 0;
	}
}

const struct flow *flowtab_find(const struct flowtab *t, const struct flow_key *key)
{
	const struct flow *e = flowtab_slot(t, key, key_hash(key));

	return e->key.flags ? e : NULL;
}

/* ::ffff:a.b.c.d of an address of struct flow4. */
static void mapped_v4(unsigned char out[16], uint32_t a)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	out[12] = (unsigned char)(a >> 24);
	out[13] = (unsigned char)(a >> 16);
	out[14] = (unsigned char)(a >> 8);
	out[15] = (unsigned char)a;
}

void flow4_expand(struct flow *out, const struct flow4 *f)
{
	memset(out, 0, sizeof(*out));
	mapped_v4(out->key.src, f->src);
	mapped_v4(out->key.dst, f->dst);
	out->key.srcport = f->srcport;
	out->key.dstport = f->dstport;
	out->key.protocol = f->protocol;
	out->key.flags = f->flags;
	out->records = f->records;
	out->packets = f->packets;
	out->bytes = f->bytes;
}

void flowtab4_init(struct flowtab4 *t, size_t cap, struct flowtab *spill)
{
	memset(t, 0, sizeof(*t));
	t->v = table_alloc(&t->mem, &t->size, cap * sizeof(struct flow4));
	t->cap = cap;
	t->spill = spill;
}

void flowtab4_release(struct flowtab4 *t)
{
	memory_put(t->mem, t->size);
	memset(t, 0, sizeof(*t));
}

static struct flow4 *flowtab4_slot(const struct flowtab4 *t, const struct flow4 *key, uint64_t h)
{
	size_t mask = t->cap - 1, k = h & mask;

	while (t->v[k].flags && !key4_equal(&t->v[k], key))
		k = (k + 1) & mask;
	return &t->v[k];
}

static void flowtab4_grow(struct flowtab4 *t)
{
	struct flowtab4 bigger;

	flowtab4_init(&bigger, t->cap * 2, t->spill);
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].flags)
			*flowtab4_slot(&bigger, &t->v[i], key4_hash(&t->v[i])) = t->v[i];
	memory_put(t->mem, t->size);
	t->v = bigger.v;
	t->mem = bigger.mem;
	t->size = bigger.size;
	t->cap = bigger.cap;
}

/* Moves e's counts to the full table, for when adding to them would
 * overflow: the full table's counts wrap at 64 bits, as the sums of every
 * other flow do. */
static void v4_spill(struct flowtab *full, struct flow4 *e)
{
	struct flow f;

	flow4_expand(&f, e);
	flowtab_queue(full, &f);
	e->records = e->packets = 0;
	e->bytes = 0;
}

static void flowtab4_add(struct flowtab4 *t, const struct flow4 *f, uint64_t h)
{
	struct flow4 *e;

	if ((t->n + 1) * 2 > t->cap)
		flowtab4_grow(t);
	e = flowtab4_slot(t, f, h);
	if (!e->flags) {
		*e = *f;
		t->n++;
		return;
	}
	if (e->records > UINT32_MAX - f->records || e->packets > UINT32_MAX - f->packets)
		v4_spill(t->spill, e);
	e->records += f->records;
	e->packets += f->packets;
	e->bytes += f->bytes;
}

/* As flowtab_queue. */
void flowtab4_queue(struct flowtab4 *t, const struct flow4 *f)
{
	struct flow_pending4 *p = &t->pending[t->next];

	if (p->flow.flags)
		flowtab4_add(t, &p->flow, p->hash);
	p->flow = *f;
	p->hash = key4_hash(f);
	__builtin_prefetch(&t->v[p->hash & (t->cap - 1)], 1);
	__builtin_prefetch(&t->v[(p->hash + 1) & (t->cap - 1)], 1);
	t->next = (t->next + 1) % FLOWTAB_PENDING;
}

void flowtab4_flush(struct flowtab4 *t)
{
	for (size_t i = 0; i < FLOWTAB_PENDING; i++) {
		struct flow_pending4 *p = &t->pending[i];

		if (p->flow.flags)
			flowtab4_add(t, &p->flow, p->hash);
		p->flow.flags = 0;
	}
}

size_t flowtab_cap(size_t n)
{
	size_t cap = FLOWTAB_MIN;

	while ((n + 1) * 2 > cap)
		cap *= 2;
	return cap;
}

void flowtab4_fold(struct flowtab4 *from, struct flowtab *into)
{
	size_t cap;

	flowtab4_flush(from);
	cap = flowtab_cap(into->n + from->n);
	if (cap > into->cap) {
		flowtab_flush(into);
		flowtab_resize(into, cap);
	}
	for (size_t i = 0; i < from->cap; i++) {
		struct flow f;

		if (!from->v[i].flags)
			continue;
		flow4_expand(&f, &from->v[i]);
		flowtab_queue(into, &f);
	}
	flowtab4_release(from);
	flowtab4_init(from, FLOWTAB_MIN, into);
}

void flowtab_merge(struct flowtab *into, const struct flowtab *from)
{
	for (size_t i = 0; i < from->cap; i++)
		if (from->v[i].key.flags)
			flowtab_queue(into, &from->v[i]);
	for (size_t i = 0; i < FLOWTAB_PENDING; i++)
		if (from->pending[i].flow.key.flags)
			flowtab_queue(into, &from->pending[i].flow);
}

void flowtab4_merge(struct flowtab4 *into, const struct flowtab4 *from)
{
	for (size_t i = 0; i < from->cap; i++)
		if (from->v[i].flags)
			flowtab4_queue(into, &from->v[i]);
	for (size_t i = 0; i < FLOWTAB_PENDING; i++)
		if (from->pending[i].flow.flags)
			flowtab4_queue(into, &from->pending[i].flow);
}

const struct flow4 *flowtab4_find(const struct flowtab4 *t, const struct flow_key *key)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const struct flow4 *e;
	struct flow4 k;

	if (memcmp(key->src, mapped, 12) != 0 || memcmp(key->dst, mapped, 12) != 0)
		return NULL;
	memset(&k, 0, sizeof(k));
	k.src = (uint32_t)key->src[12] << 24 | (uint32_t)key->src[13] << 16 |
	        (uint32_t)key->src[14] << 8 | key->src[15];
	k.dst = (uint32_t)key->dst[12] << 24 | (uint32_t)key->dst[13] << 16 |
	        (uint32_t)key->dst[14] << 8 | key->dst[15];
	k.srcport = key->srcport;
	k.dstport = key->dstport;
	k.protocol = key->protocol;
	k.flags = key->flags;
	e = flowtab4_slot(t, &k, key4_hash(&k));
	return e->flags ? e : NULL;
}
