// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * finalize.c - stage 4: the BTF's final shape.
 *
 * With distill and split BTF, libbpf's btf__distill_base() replaces the
 * base by the minimal one a module needs and rebuilds the split BTF on it
 * (from the edit's bytes; a new edit, of the new split BTF, follows). Then
 * the types of the (split) BTF are sorted by name: anonymous types first,
 * equal names in their original order, and the final BTF is laid out in
 * that order (btfids_edit_write_raw(), what btf__permute() would give).
 * The kernel relies on this order for binary search by name.
 *
 * The sort is the stable merge sort of sort.h over (8-byte prefix key,
 * name, id) records, so most comparisons are one integer compare.
 *
 * Takes the transform's edit; hands on struct btfids_final (finalize.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "finalize.h"
#include "sort.h"

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
static bool rec_before(const void *pa, const void *pb)
{
	const struct sort_rec *a = pa, *b = pb;
	int cmp;

	if (a->key != b->key)
		return a->key < b->key;
	/* equal keys: both names end within 8 bytes, or both go on */
	cmp = a->long_name ? strcmp(a->name + 8, b->name + 8) : 0;
	return cmp ? cmp < 0 : a->id < b->id;
}

/*
 * order[i] = the edit id that becomes id start_id + i: anonymous types
 * first, in their order, then named ones by name, stable.
 */
static int sorted_order(const struct btfids_edit *e, __u32 *order)
{
	__u32 i, n = btfids_edit_type_cnt(e) - e->start_id, nr_anon = 0, nr_named = 0;
	struct sort_rec *recs, *tmp;

	recs = malloc(2 * (size_t)n * sizeof(*recs) + 1);
	if (!recs)
		return -ENOMEM;
	tmp = recs + n;
	for (i = 0; i < n; i++) {
		__u32 id = e->start_id + i;
		const char *name = btfids_edit_name(e, btfids_edit_type(e, id)->name_off);

		if (!name || !*name) {
			order[nr_anon++] = id;
			continue;
		}
		recs[nr_named].key = name_key(name, &recs[nr_named].long_name);
		recs[nr_named].name = name;
		recs[nr_named++].id = id;
	}
	btfids_merge_sort(recs, tmp, nr_named, sizeof(*recs), rec_before);
	for (i = 0; i < nr_named; i++)
		order[nr_anon + i] = recs[i].id;
	free(recs);
	return 0;
}

static int sort_by_name(struct btfids_log *lg, const char *btf_path, struct btfids_final *f)
{
	const struct btfids_edit *e = f->edit;
	__u32 n = btfids_edit_type_cnt(e) - e->start_id;
	int err;

	f->order = malloc((size_t)n * sizeof(*f->order) + 1);
	if (!f->order)
		return -ENOMEM;
	err = sorted_order(e, f->order);
	if (!err)
		err = btfids_edit_write_raw(e, f->order, &f->raw, &f->raw_size);
	if (err)
		btfids_error(lg, btf_path, "cannot sort BTF by name: %s", strerror(-err));
	return err;
}

/*
 * What libbpf 1.7's btf__distill_base() cannot take: a FWD whose size/type
 * word is not 0 (the kernel rejects such a FWD; libbpf's parser does not)
 * crashes it, in the split BTF or its base; and before 1.8 it drops a
 * layout section the distilled BTF should keep.
 */
static int check_distillable(struct btfids_log *lg, const char *btf_path,
			     const struct btfids_edit *e)
{
	__u32 id, n = btfids_edit_type_cnt(e);

	if (e->layout && libbpf_major_version() == 1 && libbpf_minor_version() < 8) {
		btfids_error(lg, btf_path, "cannot distill: the BTF has a layout section, which libbpf %u.%u does not keep (1.8 does)",
			     libbpf_major_version(), libbpf_minor_version());
		return -EOPNOTSUPP;
	}
	/* the base's types and the split ones, added types included */
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btfids_edit_type(e, id);

		if (btf_is_fwd(t) && t->type) {
			btfids_error(lg, btf_path, "cannot distill: FWD [%u] has size/type %u, not 0",
				     id, t->type);
			return -EINVAL;
		}
	}
	return 0;
}

/* The edit's BTF materialized for libbpf, which distills it. */
static int distill(struct btfids_log *lg, const char *btf_path, const struct btfids_edit *edit,
		   struct btfids_final *f)
{
	struct btf *base = (struct btf *)btf__base_btf(edit->btf), *edited;
	__u32 size;
	void *raw;
	int err;

	err = check_distillable(lg, btf_path, edit);
	if (err)
		return err;
	err = btfids_edit_write_raw(edit, NULL, &raw, &size);
	if (err) {
		btfids_error(lg, btf_path, "cannot distill base BTF: %s", strerror(-err));
		return err;
	}
	edited = btf__new_split(raw, size, base);
	free(raw);
	if (!edited) {
		err = -errno;
		btfids_error(lg, btf_path, "cannot distill base BTF: the edited BTF: %s",
			     strerror(-err));
		return err;
	}
	err = btf__distill_base(edited, &f->base, &f->btf);
	btf__free(edited);
	if (err) {
		btfids_error(lg, btf_path, "cannot distill base BTF: %s", strerror(-err));
		return err;
	}
	f->distilled = true;
	err = btfids_edit_init(&f->own_edit, f->btf);
	if (err) {
		btfids_error(lg, btf_path, "cannot edit the distilled BTF: %s",
			     btfids_edit_strerror(err));
		return err;
	}
	f->edit = &f->own_edit;
	return 0;
}

/*
 * The distilled base's bytes, laid out now: libbpf builds them on first use
 * and may fail to, which must fail the run rather than lose the output.
 */
static int base_bytes(struct btfids_log *lg, const char *btf_path, struct btfids_final *f)
{
	f->base_raw = btf__raw_data(f->base, &f->base_raw_size);
	if (!f->base_raw) {
		btfids_error(lg, btf_path, "cannot lay out the distilled base: %s", strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

int btfids_finalize(struct btfids_log *lg, const char *btf_path, const struct btfids_edit *edit,
		    bool distill_base, struct btfids_final *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->edit = edit;
	if (distill_base && btf__base_btf(edit->btf)) {
		err = distill(lg, btf_path, edit, f);
		if (!err)
			err = base_bytes(lg, btf_path, f);
		if (err)
			return err;
	}
	return sort_by_name(lg, btf_path, f);
}

void btfids_final_free(struct btfids_final *f)
{
	if (f->edit == &f->own_edit)
		btfids_edit_free(&f->own_edit);
	btf__free(f->btf);
	btf__free(f->base);
	free(f->order);
	free(f->raw);
	memset(f, 0, sizeof(*f));
}

const struct btf_type *btfids_final_type(const struct btfids_final *f, __u32 id)
{
	const struct btfids_edit *e = f->edit;

	if (id < e->start_id)
		return btf__type_by_id(e->btf, id);
	if (id >= btfids_edit_type_cnt(e))
		return NULL;
	return btfids_edit_type(e, f->order[id - e->start_id]);
}

const char *btfids_final_name(const struct btfids_final *f, __u32 off)
{
	return btfids_edit_name(f->edit, off);
}

__u32 btfids_final_type_cnt(const struct btfids_final *f)
{
	return btfids_edit_type_cnt(f->edit);
}

__u32 btfids_final_start_id(const struct btfids_final *f)
{
	return f->edit->start_id;
}

const struct btf *btfids_final_base(const struct btfids_final *f)
{
	return btf__base_btf(f->edit->btf);
}
