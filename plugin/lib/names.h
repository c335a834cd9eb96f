/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * names.h - a set of names, each with an index (0, 1, ... in the order
 * added), found by name in constant time: an open-addressing hash index
 * with a (length, first byte) filter in front, since most lookups are of
 * names that are not there. What a name stands for is kept by the user,
 * in arrays indexed like the names.
 *
 * Also the library's one rule for growing arrays, btfids_grow().
 */
#ifndef __BTFIDS_NAMES_H
#define __BTFIDS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Longest name the pass takes, terminator included (KSYM_NAME_LEN). */
#define BTFIDS_NAME_MAX		512

struct btfids_name {
	char *str;
	__u32 hash;
};

struct btfids_names {
	struct btfids_name *names;	/* by index */
	__u32 nr;
	__u32 cap;
	__u32 *slots;			/* index + 1, 0 = empty */
	__u32 nr_slots;			/* power of two */
	__u64 filter[64 * 256 / 64];	/* (length % 64, first byte) of the names */
};

/*
 * Make room for @want elements of @elem_size in the array *@arrayp of
 * capacity *@cap, doubling. 0 or -ENOMEM.
 */
int btfids_grow(void *arrayp, __u32 *cap, __u32 want, size_t elem_size);

/* The index of @name, or -1. */
int btfids_names_find(const struct btfids_names *n, const char *name);
/*
 * The index of @name (@len bytes, not terminated), added if missing
 * (*@added says which); -ENOMEM.
 */
int btfids_names_add(struct btfids_names *n, const char *name, size_t len, bool *added);
/* Indices by name, descending (resolve_btfids' visiting order); NULL: -ENOMEM. */
__u32 *btfids_names_sorted_desc(const struct btfids_names *n);
void btfids_names_free(struct btfids_names *n);

static inline const char *btfids_names_at(const struct btfids_names *n, __u32 i)
{
	return n->names[i].str;
}

/*
 * A filter for walks over every type of a kernel: the first two bytes of
 * some names. A name that does not pass is not one of them; one that
 * passes still needs btfids_names_find().
 */
struct btfids_heads {
	__u64 bits[65536 / 64];
};

static inline __u32 btfids_head_of(const char *name)
{
	return (__u8)name[0] << 8 | (name[0] ? (__u8)name[1] : 0);
}

static inline void btfids_heads_add(struct btfids_heads *h, const char *name)
{
	__u32 k = btfids_head_of(name);

	h->bits[k / 64] |= 1ULL << (k % 64);
}

static inline bool btfids_heads_has(const struct btfids_heads *h, const char *name)
{
	__u32 k = btfids_head_of(name);

	return h->bits[k / 64] >> (k % 64) & 1;
}

#endif /* __BTFIDS_NAMES_H */
