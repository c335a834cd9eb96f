// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * names.c - the name index of names.h: hashing, the open-addressing table
 * and its filter, and the growth rule every growing array of the library
 * follows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

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
		const struct btfids_name *e;
		__u32 *slot = &n->slots[i];

		if (!*slot)
			return slot;
		e = &n->names[*slot - 1];
		if (e->hash == hash && !strncmp(e->str, name, len) && !e->str[len])
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
		const struct btfids_name *e;

		if (!old[i])
			continue;
		e = &n->names[old[i] - 1];
		*find_slot(n, e->str, strlen(e->str), e->hash) = old[i];
	}
	free(old);
	return 0;
}

/* Bit of the (length, first byte) filter that a name of @len bytes sets. */
static __u32 filter_bit(const char *name, size_t len)
{
	return (len % 64) * 256 + (unsigned char)name[0];
}

int btfids_names_find(const struct btfids_names *n, const char *name)
{
	size_t len;
	__u32 *slot, bit;

	if (!n->nr)
		return -1;
	len = strlen(name);
	bit = filter_bit(name, len);
	if (!(n->filter[bit / 64] >> (bit % 64) & 1))
		return -1;
	slot = find_slot(n, name, len, name_hash(name, len));
	return *slot ? (int)*slot - 1 : -1;
}

int btfids_names_add(struct btfids_names *n, const char *name, size_t len, bool *added)
{
	__u32 *slot, hash = name_hash(name, len), bit;
	struct btfids_name *e;

	if ((n->nr + 1) * 2 > n->nr_slots && grow_index(n))
		return -ENOMEM;
	slot = find_slot(n, name, len, hash);
	*added = !*slot;
	if (*slot)
		return *slot - 1;
	if (btfids_grow(&n->names, &n->cap, n->nr + 1, sizeof(*n->names)))
		return -ENOMEM;
	e = &n->names[n->nr];
	e->str = strndup(name, len);
	if (!e->str)
		return -ENOMEM;
	e->hash = hash;
	bit = filter_bit(e->str, len);
	n->filter[bit / 64] |= 1ULL << (bit % 64);
	*slot = ++n->nr;
	return n->nr - 1;
}

static int cmp_desc(const void *a, const void *b, void *names)
{
	const struct btfids_names *n = names;

	return strcmp(n->names[*(const __u32 *)b].str, n->names[*(const __u32 *)a].str);
}

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

	for (i = 0; i < n->nr; i++)
		free(n->names[i].str);
	free(n->names);
	free(n->slots);
	memset(n, 0, sizeof(*n));
}
