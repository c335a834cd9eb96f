// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * finalize.c - stage 4: the BTF's final shape.
 *
 * With distill_base and split BTF, libbpf's btf__distill_base() replaces the
 * base by the minimal one a module needs and rebuilds the split BTF on it.
 * Then the types of the (split) BTF are sorted by name: anonymous types
 * first, equal names in their original order, and the final BTF is laid
 * out in that order (edit_write_raw(), what btf__permute() would give).
 * The kernel relies on this order for binary search by name.
 *
 * The sort is a stable merge sort over (8-byte prefix key, name, id)
 * records, so most comparisons are one integer compare.
 *
 * Hands on: b->order (final id -> edit id), b->btf_raw, and b->base.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

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
 * order[i] = the edit id that becomes id start_id + i: anonymous types
 * first, in their order, then named ones by name, stable.
 */
static int sorted_order(const struct btf_edit *e, __u32 *order)
{
	__u32 i, n = edit_type_cnt(e) - e->start_id, nr_anon = 0, nr_named = 0;
	struct sort_rec *recs, *tmp;

	recs = malloc(2 * (size_t)n * sizeof(*recs) + 1);
	if (!recs)
		return -ENOMEM;
	tmp = recs + n;
	for (i = 0; i < n; i++) {
		__u32 id = e->start_id + i;
		const char *name = edit_name(e, edit_type(e, id)->name_off);

		if (!name || !*name) {
			order[nr_anon++] = id;
			continue;
		}
		recs[nr_named].key = name_key(name, &recs[nr_named].long_name);
		recs[nr_named].name = name;
		recs[nr_named++].id = id;
	}
	merge_sort(recs, tmp, nr_named);
	for (i = 0; i < nr_named; i++)
		order[nr_anon + i] = recs[i].id;
	free(recs);
	return 0;
}

static int sort_by_name(struct btfids *b)
{
	const struct btf_edit *e = &b->edit;
	__u32 n = edit_type_cnt(e) - e->start_id;
	int err;

	b->order = malloc((size_t)n * sizeof(*b->order) + 1);
	if (!b->order)
		return -ENOMEM;
	err = sorted_order(e, b->order);
	if (!err)
		err = edit_write_raw(e, b->order, &b->btf_raw, &b->btf_raw_size);
	if (err)
		btfids_err(b, b->btf_path, "cannot sort BTF by name: %s", strerror(-err));
	return err;
}

/*
 * The transformed BTF is materialized for libbpf, which distills it; the
 * edit then starts over on the new split BTF.
 */
/*
 * libbpf 1.7's btf__distill_base() crashes on a FWD whose size/type word
 * is not 0 (the kernel rejects such a FWD; libbpf's parser does not), in
 * the split BTF or its base.
 */
static int check_distillable(struct btfids *b)
{
	const struct btf_edit *e = &b->edit;
	__u32 id, n = edit_type_cnt(e);

	/* libbpf before 1.8 drops a layout section its distilled BTF should keep */
	if (e->layout && libbpf_major_version() == 1 && libbpf_minor_version() < 8) {
		btfids_err(b, b->btf_path, "cannot distill: the BTF has a layout section, which libbpf %u.%u does not keep (1.8 does)",
			   libbpf_major_version(), libbpf_minor_version());
		return -EOPNOTSUPP;
	}

	/* the base's types and the split ones, added types included */
	for (id = 1; id < n; id++) {
		const struct btf_type *t = edit_type(e, id);

		if (btf_is_fwd(t) && t->type) {
			btfids_err(b, b->btf_path, "cannot distill: FWD [%u] has size/type %u, not 0",
				id, t->type);
			return -EINVAL;
		}
	}
	return 0;
}

static int distill_base(struct btfids *b)
{
	struct btf *edited, *new_base, *new_btf;
	__u32 size;
	void *raw;
	int err;

	err = check_distillable(b);
	if (err)
		return err;

	err = edit_write_raw(&b->edit, NULL, &raw, &size);
	if (err) {
		btfids_err(b, b->btf_path, "cannot distill base BTF: %s", strerror(-err));
		return err;
	}
	edited = btf__new_split(raw, size, b->base);
	free(raw);
	if (!edited) {
		err = -errno;
		btfids_err(b, b->btf_path, "cannot distill base BTF: the edited BTF: %s",
			   strerror(-err));
		return err;
	}
	err = btf__distill_base(edited, &new_base, &new_btf);
	btf__free(edited);
	if (err) {
		btfids_err(b, b->btf_path, "cannot distill base BTF: %s", strerror(-err));
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
	edit_free(&b->edit);
	err = edit_init(&b->edit, b->btf);
	if (err)
		btfids_err(b, b->btf_path, "cannot edit the distilled BTF: %s", edit_strerror(err));
	return err;
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
