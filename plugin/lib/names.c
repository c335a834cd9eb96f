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

static __u32 name_hash(const char *s, size_t len)
{
	__u32 h = 2166136261u;	/* FNV-1a */

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static __u32 *find_slot(const struct btfids_names *n, const char *name, size_t len)
{
	__u32 mask = n->nr_slots - 1;
	__u32 i = name_hash(name, len) & mask;

	for (;; i = (i + 1) & mask) {
		__u32 *slot = &n->slots[i];
		const char *cur;

		if (!*slot)
			return slot;
		cur = n->syms[*slot - 1].name;
		if (!strncmp(cur, name, len) && !cur[len])
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
		*find_slot(n, name, strlen(name)) = old[i];
	}
	free(old);
	return 0;
}

struct btfids_sym *btfids_names_find(const struct btfids_names *n, const char *name)
{
	__u32 *slot;

	if (!n->nr)
		return NULL;
	slot = find_slot(n, name, strlen(name));
	return *slot ? &n->syms[*slot - 1] : NULL;
}

/* Find @name (@len bytes, not terminated), adding it if missing. */
struct btfids_sym *btfids_names_add(struct btfids_names *n, const char *name,
				    size_t len, bool *added)
{
	struct btfids_sym *s;
	__u32 *slot;

	if ((n->nr + 1) * 2 > n->nr_slots && grow_index(n))
		return NULL;
	slot = find_slot(n, name, len);
	*added = !*slot;
	if (*slot)
		return &n->syms[*slot - 1];

	if (n->nr == n->cap) {
		__u32 cap = n->cap ? n->cap * 2 : 32;
		void *syms = realloc(n->syms, cap * sizeof(*n->syms));

		if (!syms)
			return NULL;
		n->syms = syms;
		n->cap = cap;
	}
	s = &n->syms[n->nr];
	memset(s, 0, sizeof(*s));
	s->name = strndup(name, len);
	if (!s->name)
		return NULL;
	*slot = ++n->nr;
	return s;
}

int btfids_sym_add_off(struct btfids_sym *s, __u32 off)
{
	if (s->nr_offs == s->cap_offs) {
		__u32 cap = s->cap_offs ? s->cap_offs * 2 : 2;
		__u32 *offs = realloc(s->offs, cap * sizeof(*offs));

		if (!offs)
			return -ENOMEM;
		s->offs = offs;
		s->cap_offs = cap;
	}
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
