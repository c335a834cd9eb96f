// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * resolve.c - stage 5: placeholder names to BTF ids, against the final BTF
 * (for split BTF, base ids count too), written into a copy of the
 * .BTF_ids words.
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
 * Takes the placeholders and the final layout, reads both only; hands on
 * struct btfids_resolved (resolve.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "resolve.h"
#include "sort.h"

/* What the stage works with: its inputs, and what it builds. */
struct resolve {
	struct btfids_log *lg;
	const char *elf_path;
	const char *btf_path;
	const struct btfids_placeholders *ph;
	const struct btfids_final *f;
	__u32 *ids[BTFIDS_NS_SET];	/* per id placeholder: its BTF id, 0 unresolved */
	__u32 *order[BTFIDS_NS_NR];	/* per namespace: the names, descending */
	struct btfids_resolved *r;
};

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

static int match_type(struct resolve *rs, __u32 id, __u32 *left)
{
	const struct btf_type *t = btfids_final_type(rs->f, id);
	const struct btfids_table *tab;
	const char *name;
	int ns, i;

	if (!t) {
		btfids_error(rs->lg, rs->btf_path, "malformed BTF: no type %u", id);
		return -EINVAL;
	}
	ns = kind_ns(t);
	if (ns < 0 || !left[ns])
		return 0;
	name = btfids_final_name(rs->f, t->name_off);
	if (!name) {
		btfids_error(rs->lg, rs->btf_path, "malformed BTF: type %u has a bad name offset %u",
			     id, t->name_off);
		return -EINVAL;
	}
	tab = &rs->ph->ns[ns];
	i = btfids_names_find(&tab->names, name);
	if (i < 0)
		return 0;
	if (rs->ids[ns][i]) {
		pr_warn(rs->lg, "WARN: multiple IDs found for '%s': %u, %u - using %u\n",
			name, rs->ids[ns][i], id, rs->ids[ns][i]);
		rs->r->warnings++;
	} else {
		rs->ids[ns][i] = id;
		left[ns]--;
	}
	return 0;
}

static int match_types(struct resolve *rs)
{
	__u32 left[BTFIDS_NS_SET], id, n = btfids_final_type_cnt(rs->f);
	int ns, err;

	for (ns = 0; ns < BTFIDS_NS_SET; ns++)
		left[ns] = rs->ph->ns[ns].nr_elf_syms;
	for (id = 1; id < n; id++) {
		err = match_type(rs, id, left);
		if (err)
			return err;
	}
	return 0;
}

static void patch_ns(struct resolve *rs, enum btfids_ns ns)
{
	const struct btfids_table *tab = &rs->ph->ns[ns];
	__u32 i, j, *words = rs->r->words;

	for (i = 0; i < tab->names.nr; i++) {
		__u32 k = rs->order[ns][i];
		const struct btfids_sym *s = &tab->syms[k];
		const char *name = btfids_names_at(&tab->names, k);
		__u32 value = s->kind == BTFIDS_SYM_ID ? rs->ids[ns][k] : s->cnt;

		if (s->kind == BTFIDS_SYM_ID && !value) {
			pr_warn(rs->lg, "WARN: resolve_btfids: unresolved symbol %s\n", name);
			rs->r->warnings++;
		}
		for (j = 0; j < s->nr_offs; j++)
			words[s->offs[j] / BTFIDS_WORD_SIZE] = value;
		pr_debug(rs->lg, "%-7s %s: id %u at %u offset(s)\n",
			 s->kind == BTFIDS_SYM_ID ? "patch" : "set", name, value, s->nr_offs);
	}
}

/* Entries keyed by their first word as a signed id: what qsort() gave resolve_btfids. */
static bool id_before(const void *a, const void *b)
{
	__s32 x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y;
}

/*
 * Sort each set, in the patch order. The entry count is read from the
 * set's first word as it is now, not taken from the symbol: where sets
 * overlap, an earlier sort may have moved another set's count, and
 * resolve_btfids sorts with what it finds. Where that count runs past the
 * section, resolve_btfids reads and writes out of bounds; this refuses.
 */
static int sort_sets(struct resolve *rs)
{
	const struct btfids_table *sets = &rs->ph->ns[BTFIDS_NS_SET];
	__u32 *words = rs->r->words, *tmp, i;
	size_t size = rs->r->size;
	int err = 0;

	/* no sort can span more words than the section has */
	tmp = malloc(size + BTFIDS_WORD_SIZE);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; !err && i < sets->names.nr; i++) {
		__u32 k = rs->order[BTFIDS_NS_SET][i];
		const struct btfids_sym *s = &sets->syms[k];
		__u32 off = s->offs[0], cnt = words[off / BTFIDS_WORD_SIZE];
		__u32 esz = btfids_set_entry_size(s->kind);
		__u64 end = off + (__u64)esz * (1 + (__u64)cnt);

		if (end > size) {
			btfids_error(rs->lg, rs->elf_path, "set %s: its count word, %u by now, runs past the end of .BTF_ids (%zu bytes); overlapping sets?",
				     btfids_names_at(&sets->names, k), cnt, size);
			err = -EINVAL;
			break;
		}
		btfids_merge_sort((char *)words + off + esz, tmp, cnt, esz, id_before);
	}
	free(tmp);
	return err;
}

static int prepare(struct resolve *rs)
{
	struct btfids_resolved *r = rs->r;
	int ns;

	r->size = rs->ph->size;
	r->words = malloc(r->size + BTFIDS_WORD_SIZE);
	if (!r->words)
		return -ENOMEM;
	if (r->size)
		memcpy(r->words, rs->ph->words, r->size);
	for (ns = 0; ns < BTFIDS_NS_NR; ns++) {
		__u32 nr = rs->ph->ns[ns].names.nr;

		rs->order[ns] = btfids_names_sorted_desc(&rs->ph->ns[ns].names);
		if (!rs->order[ns])
			return -ENOMEM;
		if (ns == BTFIDS_NS_SET)
			continue;
		rs->ids[ns] = calloc(nr + 1, sizeof(*rs->ids[ns]));
		if (!rs->ids[ns])
			return -ENOMEM;
	}
	return 0;
}

int btfids_resolve(struct btfids_log *lg, const char *elf_path, const char *btf_path,
		   const struct btfids_placeholders *ph, const struct btfids_final *f,
		   struct btfids_resolved *r)
{
	struct resolve rs = {
		.lg = lg, .elf_path = elf_path, .btf_path = btf_path, .ph = ph, .f = f, .r = r,
	};
	int ns, err;

	memset(r, 0, sizeof(*r));
	err = prepare(&rs);
	if (!err)
		err = match_types(&rs);
	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++)
		patch_ns(&rs, ns);
	if (!err)
		err = sort_sets(&rs);
	for (ns = 0; ns < BTFIDS_NS_NR; ns++) {
		free(rs.order[ns]);
		if (ns < BTFIDS_NS_SET)
			free(rs.ids[ns]);
	}
	return err;
}

void btfids_resolved_free(struct btfids_resolved *r)
{
	free(r->words);
	memset(r, 0, sizeof(*r));
}
