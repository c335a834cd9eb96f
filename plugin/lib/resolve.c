// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * resolve.c - stage 5: placeholder names to BTF ids, against the final BTF
 * (for split BTF, base ids count too), written into the .BTF_ids words.
 *
 * Phases:
 *   match  - one pass over the types in id order; the first type of the
 *            right kind with a placeholder's name gives its id. A later
 *            type of that name warns, as long as names of that kind are
 *            still unresolved (resolve_btfids' rule, kept for its output).
 *   patch  - every offset of every name gets its id (sets: their count);
 *            namespaces struct, union, typedef, func, set, names descending,
 *            so overlapping placeholders and warnings come out in
 *            resolve_btfids' order.
 *   sort   - set ids ascending; set8 (id, flags) pairs by id, stable.
 *
 * Hands on: b->words resolved, b->warnings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfids_internal.h"

static int kind_ns(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_FUNC:
		return BTFIDS_NS_FUNC;
	case BTF_KIND_STRUCT:
		return BTFIDS_NS_STRUCT;
	case BTF_KIND_UNION:
		return BTFIDS_NS_UNION;
	case BTF_KIND_TYPEDEF:
		return BTFIDS_NS_TYPEDEF;
	default:
		return -1;
	}
}

/* A type of the final BTF: base types as they are, own ones in sorted order. */
static const struct btf_type *final_type(const struct btfids *b, __u32 id)
{
	const struct btf_edit *e = &b->edit;

	if (id < e->start_id)
		return btf__type_by_id(b->btf, id);
	return edit_type(e, b->order[id - e->start_id]);
}

static int match_types(struct btfids *b)
{
	__u32 left[BTFIDS_NS_SET], id, n = edit_type_cnt(&b->edit);
	int ns;

	for (ns = 0; ns < BTFIDS_NS_SET; ns++)
		left[ns] = b->names[ns].nr_elf_syms;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = final_type(b, id);
		struct btfids_sym *s;
		const char *name;

		if (!t) {
			btfids_err(b, b->btf_path, "malformed BTF: no type %u", id);
			return -EINVAL;
		}
		ns = kind_ns(t);
		if (ns < 0 || !left[ns])
			continue;
		name = edit_name(&b->edit, t->name_off);
		if (!name) {
			btfids_err(b, b->btf_path, "malformed BTF: type %u has a bad name offset %u",
				id, t->name_off);
			return -EINVAL;
		}
		s = btfids_names_find(&b->names[ns], name);
		if (!s)
			continue;
		if (s->id) {
			pr_warn(b, "WARN: multiple IDs found for '%s': %u, %u - using %u\n",
				name, s->id, id, s->id);
			b->warnings++;
		} else {
			s->id = id;
			left[ns]--;
		}
	}
	return 0;
}

static void patch_ns(struct btfids *b, enum btfids_ns ns, const __u32 *order)
{
	const struct btfids_names *names = &b->names[ns];
	__u32 i, j;

	for (i = 0; i < names->nr; i++) {
		const struct btfids_sym *s = &names->syms[order[i]];
		__u32 value = s->kind == BTFIDS_SYM_ID ? s->id : s->cnt;

		if (s->kind == BTFIDS_SYM_ID && !s->id) {
			pr_warn(b, "WARN: resolve_btfids: unresolved symbol %s\n", s->name);
			b->warnings++;
		}
		for (j = 0; j < s->nr_offs; j++)
			b->words[s->offs[j] / 4] = value;
		pr_debug(b, "%-7s %s: id %u at %u offset(s)\n",
			 s->kind == BTFIDS_SYM_ID ? "patch" : "set", s->name, value, s->nr_offs);
	}
}

static bool id_before(__u32 a, __u32 b)
{
	return (__s32)a < (__s32)b;
}

/*
 * Stable merge sort of @n entries of @stride words (1 or 2), keyed by their
 * first word as a signed id, the order qsort() gave resolve_btfids here.
 */
static void sort_entries(__u32 *w, __u32 *tmp, __u32 n, __u32 stride)
{
	__u32 mid = n / 2, i = 0, j = mid, k = 0;
	size_t esz = stride * sizeof(*w);

	if (n < 2)
		return;
	sort_entries(w, tmp, mid, stride);
	sort_entries(w + mid * stride, tmp, n - mid, stride);
	if (!id_before(w[mid * stride], w[(mid - 1) * stride]))
		return;
	while (i < mid && j < n) {
		__u32 from = id_before(w[j * stride], w[i * stride]) ? j++ : i++;

		memcpy(&tmp[k++ * stride], &w[from * stride], esz);
	}
	while (i < mid)
		memcpy(&tmp[k++ * stride], &w[i++ * stride], esz);
	memcpy(w, tmp, k * esz);
}

/*
 * Sort each set, in the patch order. The entry count is read from the
 * set's first word as it is now, not taken from the symbol: where sets
 * overlap, an earlier sort may have moved another set's count, and
 * resolve_btfids sorts with what it finds. Where that count runs past the
 * section, resolve_btfids reads and writes out of bounds; this refuses.
 */
static int sort_sets(struct btfids *b, const __u32 *order)
{
	const struct btfids_names *sets = &b->names[BTFIDS_NS_SET];
	__u32 *tmp, i;
	int err = 0;

	/* no sort can span more words than the section has */
	tmp = malloc(b->ids_size + sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (i = 0; !err && i < sets->nr; i++) {
		const struct btfids_sym *s = &sets->syms[order[i]];
		__u32 off = s->offs[0], cnt = b->words[off / 4];
		__u32 stride = s->kind == BTFIDS_SYM_SET8 ? 2 : 1;
		__u64 end = off + 4ULL * stride * (1 + (__u64)cnt);

		if (end > b->ids_size) {
			btfids_err(b, b->elf_path, "set %s: its count word, %u by now, runs past the end of .BTF_ids (%zu bytes); overlapping sets?",
				s->name, cnt, b->ids_size);
			err = -EINVAL;
			break;
		}
		sort_entries(&b->words[off / 4 + stride], tmp, cnt, stride);
	}
	free(tmp);
	return err;
}

int btfids_resolve(struct btfids *b)
{
	__u32 *order[BTFIDS_NS_NR] = {};
	int ns, err;

	err = match_types(b);
	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++) {
		order[ns] = btfids_names_sorted_desc(&b->names[ns]);
		if (!order[ns])
			err = -ENOMEM;
	}
	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++)
		patch_ns(b, ns, order[ns]);
	if (!err)
		err = sort_sets(b, order[BTFIDS_NS_SET]);
	for (ns = 0; ns < BTFIDS_NS_NR; ns++)
		free(order[ns]);
	return err;
}
