// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * finalize.c - stage 4: the BTF's final shape.
 *
 * With distill_base and split BTF, libbpf's btf__distill_base() replaces the
 * base by the minimal one a module needs and rebuilds the split BTF on it.
 * Then the types of the (split) BTF are sorted by name: anonymous types
 * first, equal names in their original order, applied with btf__permute().
 * The kernel relies on this order for binary search by name.
 *
 * The sort is a stable merge sort over (8-byte prefix key, name, id)
 * records, so most comparisons are one integer compare.
 *
 * Hands on: the final b->btf and b->base.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfids_internal.h"

struct sort_rec {
	__u64 key;		/* first 8 bytes of the name, big-endian */
	const char *name;
	__u32 id;
	bool long_name;		/* the name goes on past its key */
};

static __u64 name_key(const char *name, bool *long_name)
{
	__u64 key = 0;
	int i;

	for (i = 0; i < 8 && name[i]; i++)
		key |= (__u64)(unsigned char)name[i] << (56 - 8 * i);
	*long_name = i == 8;
	return key;
}

/* strcmp() order, then id order: what a stable sort by strcmp() gives. */
static bool rec_before(const struct sort_rec *a, const struct sort_rec *b)
{
	int cmp;

	if (a->key != b->key)
		return a->key < b->key;
	/* equal keys: both names end within 8 bytes, or both go on */
	cmp = a->long_name ? strcmp(a->name + 8, b->name + 8) : 0;
	return cmp ? cmp < 0 : a->id < b->id;
}

static void merge_sort(struct sort_rec *r, struct sort_rec *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(r, tmp, mid);
	merge_sort(r + mid, tmp, n - mid);
	if (!rec_before(&r[mid], &r[mid - 1]))
		return;	/* already in order */
	while (i < mid && j < n)
		tmp[k++] = rec_before(&r[j], &r[i]) ? r[j++] : r[i++];
	while (i < mid)
		tmp[k++] = r[i++];
	/* what is left of the right half is in place already */
	memcpy(r, tmp, k * sizeof(*r));
}

/*
 * id_map[old - start] = new id, for the types from @start on. Anonymous
 * types keep their relative order ahead of all named ones.
 */
static int sorted_id_map(const struct btf *btf, __u32 start, __u32 n, __u32 *id_map)
{
	struct sort_rec *recs, *tmp;
	__u32 i, nr_anon = 0, nr_named = 0;

	recs = malloc(2 * (size_t)n * sizeof(*recs) + 1);
	if (!recs)
		return -ENOMEM;
	tmp = recs + n;
	for (i = 0; i < n; i++) {
		__u32 id = start + i;
		const char *name = btf__str_by_offset(btf, btf__type_by_id(btf, id)->name_off);

		if (!name || !*name) {
			id_map[i] = start + nr_anon++;
			continue;
		}
		recs[nr_named].key = name_key(name, &recs[nr_named].long_name);
		recs[nr_named].name = name;
		recs[nr_named++].id = id;
	}
	merge_sort(recs, tmp, nr_named);
	for (i = 0; i < nr_named; i++)
		id_map[recs[i].id - start] = start + nr_anon + i;
	free(recs);
	return 0;
}

static int sort_by_name(struct btfids *b)
{
	const struct btf *base = btf__base_btf(b->btf);
	__u32 start = base ? btf__type_cnt(base) : 0;
	__u32 n = btf__type_cnt(b->btf) - start;
	__u32 *id_map;
	int err;

	id_map = malloc((size_t)n * sizeof(*id_map) + 1);
	if (!id_map)
		return -ENOMEM;
	err = sorted_id_map(b->btf, start, n, id_map);
	if (!err)
		err = btf__permute(b->btf, id_map, n, NULL);
	free(id_map);
	if (err)
		pr_err(b, "btfids: %s: cannot sort BTF by name: %s\n", b->btf_path,
		       strerror(-err));
	return err;
}

static int distill_base(struct btfids *b)
{
	struct btf *new_base, *new_btf;
	int err;

	err = btf__distill_base(b->btf, &new_base, &new_btf);
	if (err) {
		pr_err(b, "btfids: %s: cannot distill base BTF: %s\n", b->btf_path,
		       strerror(-err));
		return err;
	}
	if (b->own_btf) {
		btf__free(b->btf);
		btf__free(b->base);
	}
	b->btf = new_btf;
	b->base = new_base;
	b->own_btf = true;
	b->distilled = true;
	return 0;
}

int btfids_finalize(struct btfids *b)
{
	int err;

	if (b->base && b->opts.distill_base) {
		err = distill_base(b);
		if (err)
			return err;
	}
	return sort_by_name(b);
}
