// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * resolve.c - stage 5: placeholder names to BTF ids, against the final BTF
 * (for split BTF, base ids count too), written into a copy of the
 * .BTF_ids words.
 *
 * Phases:
 *   find   - the types each placeholder name could mean (its name, its
 *            kind): among the own types by binary search (finalize sorted
 *            them by name), among the base's by one filtered pass (which,
 *            measured, costs less than checking that a base is sorted).
 *   match  - those types in id order, as resolve_btfids meets them in its
 *            pass over every type: the first of a name gives its id; a
 *            later one warns, as long as names of that kind are still
 *            unresolved (its rule, kept for its output).
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
	struct candidate *cands;	/* types a placeholder name may mean */
	__u32 nr_cands;
	__u32 cap_cands;
	struct btfids_resolved *r;
};

/* Type @id has the name and kind of placeholder name @name of @ns. */
struct candidate {
	__u32 id;
	__u32 ns;
	__u32 name;
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

/* The name of final type @id (of kind namespace *@ns, -1: none), or NULL. */
static const char *type_name(struct resolve *rs, __u32 id, int *ns)
{
	const struct btf_type *t = btfids_final_type(rs->f, id);
	const char *name;

	if (!t) {
		btfids_error(rs->lg, rs->btf_path, "malformed BTF: no type %u", id);
		return NULL;
	}
	*ns = kind_ns(t);
	name = btfids_final_name(rs->f, t->name_off);
	if (!name)
		btfids_error(rs->lg, rs->btf_path, "malformed BTF: type %u has a bad name offset %u",
			     id, t->name_off);
	return name;
}

static int add_candidate(struct resolve *rs, __u32 id, int ns, int name)
{
	if (btfids_grow(&rs->cands, &rs->cap_cands, rs->nr_cands + 1, sizeof(*rs->cands)))
		return -ENOMEM;
	rs->cands[rs->nr_cands++] = (struct candidate){ .id = id, .ns = ns, .name = name };
	return 0;
}

/* The first id in [lo, hi), sorted by name, whose name is not below @name. */
static int lower_bound(struct resolve *rs, __u32 lo, __u32 hi, const char *name, __u32 *at)
{
	const char *mid_name;
	__u32 mid;
	int ns;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		mid_name = type_name(rs, mid, &ns);
		if (!mid_name)
			return -EINVAL;
		if (strcmp(mid_name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

/* The types of [lo, hi), sorted by name, that name @i of @ns may mean. */
static int find_sorted(struct resolve *rs, __u32 lo, __u32 hi, int ns, __u32 i)
{
	const char *want = btfids_names_at(&rs->ph->ns[ns].names, i), *name;
	__u32 id;
	int err, kind;

	err = lower_bound(rs, lo, hi, want, &id);
	for (; !err && id < hi; id++) {
		name = type_name(rs, id, &kind);
		if (!name)
			return -EINVAL;
		if (strcmp(name, want))
			break;
		if (kind == ns)
			err = add_candidate(rs, id, ns, i);
	}
	return err;
}

/*
 * The base's types a placeholder name may mean, in one pass (the base
 * need not be sorted). Each record is read in place: libbpf keeps a BTF's
 * types in one buffer in id order, and its strings, whose offsets it
 * checked on loading, in another. Most types are turned away by kind or
 * by the first two bytes of their name before any lookup; the walk must
 * end on libbpf's record for the last id, or its finds are dropped and the
 * base is searched again through libbpf.
 */
struct scan_filter {
	__u32 kinds;			/* BTF kinds of namespaces with names left */
	struct btfids_heads heads;	/* of the placeholder names */
};

static struct scan_filter *make_filter(const struct resolve *rs, const __u32 *left)
{
	struct scan_filter *sf = calloc(1, sizeof(*sf));
	__u32 i;
	int ns;

	for (ns = 0; sf && ns < BTFIDS_NS_SET; ns++) {
		for (i = 0; left[ns] && i < rs->ph->ns[ns].names.nr; i++) {
			btfids_heads_add(&sf->heads, btfids_names_at(&rs->ph->ns[ns].names, i));
			sf->kinds |= 1U << btfids_ns_btf_kind(ns);
		}
	}
	return sf;
}

/* Kind first: it is in the record, the name is a load further away. */
static inline bool filter_passes(const struct scan_filter *sf, const struct btf_type *t,
				 const char *name)
{
	return (sf->kinds & (1U << btf_kind(t))) && btfids_heads_has(&sf->heads, name);
}

/* A type the filter let through: is it a placeholder's? */
static int scan_type(struct resolve *rs, const __u32 *left, __u32 id, const struct btf_type *t,
		     const char *name)
{
	int ns, i;

	ns = kind_ns(t);
	if (ns < 0 || !left[ns])
		return 0;
	i = btfids_names_find(&rs->ph->ns[ns].names, name);
	return i < 0 ? 0 : add_candidate(rs, id, ns, i);
}

/*
 * The walk in place; 1: it did not end where libbpf's last record is.
 * Tight on purpose: on a module's single run it visits every base type,
 * so only the kind is looked at before the filter lets a record through.
 */
static int scan_in_place(struct resolve *rs, const struct btf *base, const struct scan_filter *sf,
			 const __u32 *left)
{
	__u32 id = 1, n = btf__type_cnt(base), kinds = sf->kinds, size, info;
	const struct btf_type *t = btf__type_by_id(base, 1), *last = btf__type_by_id(base, n - 1);
	const char *strs = btf__str_by_offset(base, 0);
	int err;

	if (!t || !last || !strs)
		return 1;
	for (;;) {
		info = t->info;
		if ((kinds >> BTF_INFO_KIND(info) & 1) && btfids_heads_has(&sf->heads, strs + t->name_off)) {
			err = scan_type(rs, left, id, t, strs + t->name_off);
			if (err)
				return err;
		}
		if (t == last)
			return id != n - 1;
		size = btfids_kind_size(BTF_INFO_KIND(info), BTF_INFO_VLEN(info));
		if (!size || (const char *)t + size > (const char *)last)
			return 1;
		t = (const void *)((const char *)t + size);
		id++;
	}
}

static int scan_by_libbpf(struct resolve *rs, const struct btf *base, const struct scan_filter *sf,
			  const __u32 *left)
{
	__u32 id, n = btf__type_cnt(base);
	const struct btf_type *t;
	const char *name;
	int err = 0;

	for (id = 1; !err && id < n; id++) {
		t = btf__type_by_id(base, id);
		name = t ? btf__name_by_offset(base, t->name_off) : NULL;
		if (!name) {
			btfids_error(rs->lg, rs->btf_path, "malformed BTF: base type %u", id);
			return -EINVAL;
		}
		if (filter_passes(sf, t, name))
			err = scan_type(rs, left, id, t, name);
	}
	return err;
}

static int find_in_base(struct resolve *rs, const __u32 *left)
{
	const struct btf *base = btfids_final_base(rs->f);
	struct scan_filter *sf;
	int err;

	if (!base || btf__type_cnt(base) < 2)
		return 0;
	sf = make_filter(rs, left);
	if (!sf)
		return -ENOMEM;
	if (!sf->kinds) {
		free(sf);
		return 0;
	}
	err = scan_in_place(rs, base, sf, left);
	if (err > 0) {
		rs->nr_cands = 0;
		err = scan_by_libbpf(rs, base, sf, left);
	}
	free(sf);
	return err;
}

/* Own types by binary search (finalize sorted them), the base's by a scan. */
static int find_candidates(struct resolve *rs, const __u32 *left)
{
	__u32 start = btfids_final_start_id(rs->f), n = btfids_final_type_cnt(rs->f), i;
	int ns, err;

	err = find_in_base(rs, left);
	for (ns = 0; !err && ns < BTFIDS_NS_SET; ns++) {
		for (i = 0; !err && left[ns] && i < rs->ph->ns[ns].names.nr; i++)
			err = find_sorted(rs, start, n, ns, i);
	}
	return err;
}

static bool id_lower(const void *a, const void *b)
{
	return ((const struct candidate *)a)->id < ((const struct candidate *)b)->id;
}

static void match_candidate(struct resolve *rs, const struct candidate *c, __u32 *left)
{
	__u32 *id = &rs->ids[c->ns][c->name];

	if (!left[c->ns])
		return;
	if (*id) {
		pr_warn(rs->lg, "WARN: multiple IDs found for '%s': %u, %u - using %u\n",
			btfids_names_at(&rs->ph->ns[c->ns].names, c->name), *id, c->id, *id);
		rs->r->warnings++;
	} else {
		*id = c->id;
		left[c->ns]--;
	}
}

static int match_types(struct resolve *rs)
{
	__u32 left[BTFIDS_NS_SET], i;
	struct candidate *tmp;
	int ns, err;

	for (ns = 0; ns < BTFIDS_NS_SET; ns++)
		left[ns] = rs->ph->ns[ns].nr_elf_syms;
	if (!left[BTFIDS_NS_STRUCT] && !left[BTFIDS_NS_UNION] && !left[BTFIDS_NS_TYPEDEF] &&
	    !left[BTFIDS_NS_FUNC])
		return 0;
	err = find_candidates(rs, left);
	if (err)
		return err;
	tmp = malloc((rs->nr_cands + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	btfids_merge_sort(rs->cands, tmp, rs->nr_cands, sizeof(*tmp), id_lower);
	free(tmp);
	for (i = 0; i < rs->nr_cands; i++)
		match_candidate(rs, &rs->cands[i], left);
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
	free(rs.cands);
	return err;
}

void btfids_resolved_free(struct btfids_resolved *r)
{
	free(r->words);
	memset(r, 0, sizeof(*r));
}
