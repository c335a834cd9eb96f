// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * names.c - the placeholder table: per namespace, an array of symbols and an
 * open-addressing hash index over their names. Any number of .BTF_ids
 * offsets may refer to one name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btfids_internal.h"

/* Eight bytes at a time: most lookups are misses over long kernel names. */
static __u32 name_hash(const char *s, size_t len)
{
	__u64 h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/*
 * Make room for @want elements of @elem_size in the array *@arrayp of
 * capacity *@cap, doubling. The one growth rule of the library.
 */
int btfids_grow(void *arrayp, __u32 *cap, __u32 want, size_t elem_size)
{
	void **array = arrayp, *grown;
	__u32 new_cap = *cap ? *cap : 16;

	if (want <= *cap)
		return 0;
	while (new_cap < want)
		new_cap *= 2;
	grown = realloc(*array, (size_t)new_cap * elem_size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = new_cap;
	return 0;
}

static __u32 *find_slot(const struct btfids_names *n, const char *name, size_t len,
			__u32 hash)
{
	__u32 mask = n->nr_slots - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		const struct btfids_sym *s;
		__u32 *slot = &n->slots[i];

		if (!*slot)
			return slot;
		s = &n->syms[*slot - 1];
		if (s->hash == hash && !strncmp(s->name, name, len) && !s->name[len])
			return slot;
	}
}

static int grow_index(struct btfids_names *n)
{
	__u32 nr_slots = n->nr_slots ? n->nr_slots * 2 : 64;
	__u32 *old = n->slots, old_nr = n->nr_slots;
	__u32 i;

	n->slots = calloc(nr_slots, sizeof(*n->slots));
	if (!n->slots) {
		n->slots = old;
		return -ENOMEM;
	}
	n->nr_slots = nr_slots;
	for (i = 0; i < old_nr; i++) {
		const char *name;

		if (!old[i])
			continue;
		name = n->syms[old[i] - 1].name;
		*find_slot(n, name, strlen(name), n->syms[old[i] - 1].hash) = old[i];
	}
	free(old);
	return 0;
}

/* Bit of the (length, first byte) filter that a name of @len bytes sets. */
static __u32 filter_bit(const char *name, size_t len)
{
	return (len % 64) * 256 + (unsigned char)name[0];
}

/*
 * Most lookups are of names that are not there (every function of a
 * vmlinux base against a module's few placeholders): a name whose length
 * and first byte no entry has is turned away before it is hashed.
 */
struct btfids_sym *btfids_names_find(const struct btfids_names *n, const char *name)
{
	size_t len;
	__u32 *slot, bit;

	if (!n->nr)
		return NULL;
	len = strlen(name);
	bit = filter_bit(name, len);
	if (!(n->filter[bit / 64] >> (bit % 64) & 1))
		return NULL;
	slot = find_slot(n, name, len, name_hash(name, len));
	return *slot ? &n->syms[*slot - 1] : NULL;
}

/* Find @name (@len bytes, not terminated), adding it if missing. */
struct btfids_sym *btfids_names_add(struct btfids_names *n, const char *name,
				    size_t len, bool *added)
{
	__u32 *slot, hash = name_hash(name, len), bit;
	struct btfids_sym *s;

	if ((n->nr + 1) * 2 > n->nr_slots && grow_index(n))
		return NULL;
	slot = find_slot(n, name, len, hash);
	*added = !*slot;
	if (*slot)
		return &n->syms[*slot - 1];

	if (btfids_grow(&n->syms, &n->cap, n->nr + 1, sizeof(*n->syms)))
		return NULL;
	s = &n->syms[n->nr];
	memset(s, 0, sizeof(*s));
	s->name = strndup(name, len);
	if (!s->name)
		return NULL;
	s->hash = hash;
	bit = filter_bit(s->name, len);
	n->filter[bit / 64] |= 1ULL << (bit % 64);
	*slot = ++n->nr;
	return s;
}

int btfids_sym_add_off(struct btfids_sym *s, __u32 off)
{
	if (btfids_grow(&s->offs, &s->cap_offs, s->nr_offs + 1, sizeof(*s->offs)))
		return -ENOMEM;
	s->offs[s->nr_offs++] = off;
	return 0;
}

static int cmp_desc(const void *a, const void *b, void *names)
{
	const struct btfids_names *n = names;
	const struct btfids_sym *sa = &n->syms[*(const __u32 *)a];
	const struct btfids_sym *sb = &n->syms[*(const __u32 *)b];

	return strcmp(sb->name, sa->name);
}

/*
 * Indices of the symbols by name, descending: resolve_btfids visits its
 * trees in this order, and so reports unresolved names in it.
 */
__u32 *btfids_names_sorted_desc(const struct btfids_names *n)
{
	__u32 *order = malloc((n->nr + 1) * sizeof(*order));
	__u32 i;

	if (!order)
		return NULL;
	for (i = 0; i < n->nr; i++)
		order[i] = i;
	qsort_r(order, n->nr, sizeof(*order), cmp_desc, (void *)n);
	return order;
}

void btfids_names_free(struct btfids_names *n)
{
	__u32 i;

	for (i = 0; i < n->nr; i++) {
		free(n->syms[i].name);
		free(n->syms[i].offs);
	}
	free(n->syms);
	free(n->slots);
	memset(n, 0, sizeof(*n));
}
