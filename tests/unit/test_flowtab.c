/* The tables of flows (engine/flowtab.h): every key put in is found again
 * with its counts summed, through many doublings of the table in place
 * (where runs of entries wrap around its end, and entries move up), after
 * merges, and when the memory of a released table is taken again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/flowtab.h"

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The key of number i: random bytes, the same for the same i. */
static void key_of(struct flow_key *k, uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1, w[5];

	for (int j = 0; j < 5; j++)
		w[j] = rnd(&x);
	memcpy(k, w, sizeof(*k));
	k->flags = FLOW_USED | (uint8_t)(i % 2 ? FLOW_ACCEPT : FLOW_REJECT);
}

static void queue(struct flowtab *t, uint64_t i, uint64_t times)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	key_of(&f.key, i);
	f.records = times;
	f.packets = i * times;
	f.bytes = i * 40 * times;
	flowtab_queue(t, &f);
}

/* Every key 0..n is in t, with count times each; none else. */
static void check(struct flowtab *t, uint64_t n, uint64_t times)
{
	size_t used = 0;

	flowtab_flush(t);
	assert_int_equal(t->n, n);
	for (uint64_t i = 0; i < n; i++) {
		struct flow_key k;
		const struct flow *f;

		key_of(&k, i);
		f = flowtab_find(t, &k);
		assert_non_null(f);
		assert_true(f->records == times);
		assert_true(f->packets == i * times);
		assert_true(f->bytes == i * 40 * times);
	}
	for (size_t i = 0; i < t->cap; i++)
		used += t->v[i].key.flags != 0;
	assert_int_equal(used, n);
	assert_true(t->n * 2 <= t->cap);
}

static void test_growth_in_place(void **state)
{
	enum { N = 150000 };
	struct flowtab t;

	flowtab_init(&t, FLOWTAB_MIN);
	for (uint64_t i = 0; i < N; i++) {
		queue(&t, i, 1);
		/* After each doubling so far: everything is still there. */
		if (i + 1 == 700 || i + 1 == 5000 || i + 1 == 40000)
			check(&t, i + 1, 1);
	}
	check(&t, N, 1);
	for (uint64_t i = 0; i < N; i++)
		queue(&t, i, 2);
	check(&t, N, 3);
	flowtab_release(&t);
}

/* The number of a key whose slot in a table of 2 * FLOWTAB_MIN is home,
 * from from on; *next is where to look for the next one. */
static uint64_t key_at(size_t home, uint64_t from, uint64_t *next)
{
	for (uint64_t i = from;; i++) {
		struct flow_key k;

		key_of(&k, i);
		if ((flowtab_hash(&k) & (2 * FLOWTAB_MIN - 1)) == home) {
			*next = i + 1;
			return i;
		}
	}
}

/* The doubling of a table whose last slot starts a run that wraps around
 * to the first slots: entries there whose home stays at the end, moved in
 * after entries whose home moves up. */
static void test_doubling_of_a_wrapped_run(void **state)
{
	const size_t last = FLOWTAB_MIN - 1;
	/* Homes in the doubled table: the last slot's (stays), or the new
	 * last slot's (moves up). Put in this order, they fill the last slot
	 * and then slots 0, 1, 2, ... */
	const size_t homes[] = {2 * FLOWTAB_MIN - 1, last, last,
	                        2 * FLOWTAB_MIN - 1, last, 2 * FLOWTAB_MIN - 1};
	uint64_t ids[FLOWTAB_MIN], next_stay = 1u << 30, next_up = 1u << 31, filler = 0;
	size_t n = 0;
	struct flowtab t;

	flowtab_init(&t, FLOWTAB_MIN);
	for (size_t j = 0; j < sizeof(homes) / sizeof(homes[0]); j++) {
		ids[n] = homes[j] == last ? key_at(last, next_stay, &next_stay)
		                          : key_at(homes[j], next_up, &next_up);
		queue(&t, ids[n++], 1);
	}
	flowtab_flush(&t);
	assert_int_equal(t.cap, FLOWTAB_MIN);
	for (size_t j = 0; j < sizeof(homes) / sizeof(homes[0]) - 1; j++)
		assert_int_not_equal(t.v[j].key.flags, 0); /* the run wrapped */
	/* More entries (not in the wrapped slots' way) until the table
	 * doubles. */
	while (n <= FLOWTAB_MIN / 2) {
		struct flow_key k;

		key_of(&k, filler);
		if ((flowtab_hash(&k) & (FLOWTAB_MIN - 1)) >= 64 &&
		    (flowtab_hash(&k) & (FLOWTAB_MIN - 1)) < last - 64) {
			ids[n++] = filler;
			queue(&t, filler, 1);
		}
		filler++;
	}
	flowtab_flush(&t);
	assert_int_equal(t.cap, 2 * FLOWTAB_MIN);
	assert_int_equal(t.n, n);
	for (size_t j = 0; j < n; j++) {
		struct flow_key k;
		const struct flow *f;

		key_of(&k, ids[j]);
		f = flowtab_find(&t, &k);
		assert_non_null(f);
		assert_true(f->packets == ids[j]);
	}
	flowtab_release(&t);
}

static void test_merge_and_reuse(void **state)
{
	enum { N = 60000 };
	struct flowtab a, b;

	for (int round = 0; round < 3; round++) {
		/* A released table's memory is handed to the next one that fits,
		 * which must start empty. */
		flowtab_init(&a, FLOWTAB_MIN);
		flowtab_init(&b, FLOWTAB_MIN);
		for (uint64_t i = 0; i < N; i++)
			queue(i % 3 ? &a : &b, i, 1);
		for (uint64_t i = 0; i < N; i++)
			queue(i % 2 ? &a : &b, i, 1);
		flowtab_flush(&b);
		flowtab_merge(&a, &b);
		check(&a, N, 2);
		flowtab_release(&b);
		flowtab_init(&b, flowtab_cap(N));
		flowtab_flush(&b);
		assert_int_equal(b.n, 0);
		for (size_t i = 0; i < b.cap; i++)
			assert_int_equal(b.v[i].key.flags, 0);
		flowtab_release(&a);
		flowtab_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_growth_in_place),
	    cmocka_unit_test(test_doubling_of_a_wrapped_run),
	    cmocka_unit_test(test_merge_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
