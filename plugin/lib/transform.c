// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * transform.c - stage 3: kernel btf2btf transforms on the input BTF.
 *
 * KF_IMPLICIT_ARGS: a kfunc whose set8 flags word has bit 16 set takes
 * trailing arguments (pointers to struct bpf_prog_aux or struct
 * btf_struct_meta) that the verifier supplies, so BPF programs must see a
 * prototype without them. For each such kfunc, in the order of its
 * "bpf_kfunc" decl tag:
 *   1. unless a FUNC named <name>_impl exists, add it with the original
 *      prototype and copies of the kfunc's decl tags and attributes, except
 *      "bpf_kfunc";
 *   2. add a prototype with the arguments before the first implicit one;
 *   3. point the kfunc at the new prototype.
 * Types and strings are added in exactly resolve_btfids' order, so the
 * result is byte for byte the same. Changes go to the edit (edit.c).
 *
 * Phases: flags (which placeholders are implicit-args kfuncs; none: done),
 * scan (one pass over the types: decl tags, existing _impl functions),
 * plan (the strings the rewrites may add, found in one pass), rewrite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "kf.h"
#include "transform.h"

struct kfunc_scan {
	struct btfids_names impls;	/* the <name>_impl the rewrites want */
	struct btfids_heads impl_heads;	/* their first bytes */
	__u32 *impl_id;			/* per impls entry: an existing FUNC, or 0 */
	__u32 cap_impl_id;
	__u32 *tags;			/* DECL_TAG ids, ascending */
	__u32 nr_tags;
	__u32 cap_tags;
};

/* What the stage works with: its inputs, and the edit it fills. */
struct transform {
	struct btfids_log *lg;
	const char *btf_path;
	const struct btfids_placeholders *ph;
	const struct btf *btf;
	struct btfids_edit *e;
	struct kfunc_scan ks;
};

/*
 * Which set8 entry gives a func placeholder its KF_* flags: resolve_btfids
 * takes the first set8, by name descending, holding one of the func's
 * offsets (first such offset), and reads the word after it. Found here in
 * one sweep over offsets (set8 entries span (lo, hi]), with a heap of the
 * sets open at each offset ordered by that rank: O((F + S) log S) however
 * the sets overlap.
 */
struct set_span {
	__u32 lo, hi, rank;
};

struct func_off {
	__u32 off, func, j;
};

struct best_entry {
	__u32 rank, j;
};

static int cmp_span_lo(const void *a, const void *b)
{
	const struct set_span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_func_off(const void *a, const void *b)
{
	const struct func_off *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->func != y->func ? (x->func < y->func ? -1 : 1) : (x->j > y->j) - (x->j < y->j);
}

/* Min-heap of span indices by rank. */
static void heap_push(__u32 *heap, __u32 *n, const struct set_span *spans, __u32 v)
{
	__u32 i = (*n)++;

	while (i && spans[heap[(i - 1) / 2]].rank > spans[v].rank) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = v;
}

static void heap_pop(__u32 *heap, __u32 *n, const struct set_span *spans)
{
	__u32 v = heap[--(*n)], i = 0, c;

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && spans[heap[c + 1]].rank < spans[heap[c]].rank)
			c++;
		if (spans[heap[c]].rank >= spans[v].rank)
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = v;
}

static void sweep(const struct set_span *spans, __u32 nr_spans, const struct func_off *q,
		  __u32 nr_q, __u32 *heap, struct best_entry *best)
{
	__u32 i, k = 0, n = 0;

	for (i = 0; i < nr_q; i++) {
		struct best_entry *be = &best[q[i].func];
		const struct set_span *top;

		while (k < nr_spans && spans[k].lo < q[i].off)
			heap_push(heap, &n, spans, k++);
		while (n && spans[heap[0]].hi < q[i].off)
			heap_pop(heap, &n, spans);
		if (!n)
			continue;
		top = &spans[heap[0]];
		if (top->rank < be->rank || (top->rank == be->rank && q[i].j < be->j)) {
			be->rank = top->rank;
			be->j = q[i].j;
		}
	}
}

/* best[i]: the set8 entry of func placeholder i, rank UINT32_MAX if none. */
static int kfunc_entries(const struct btfids_placeholders *ph, struct best_entry *best)
{
	const struct btfids_table *funcs = &ph->ns[BTFIDS_NS_FUNC];
	const struct btfids_table *sets = &ph->ns[BTFIDS_NS_SET];
	__u32 i, j, nr_spans = 0, nr_q = 0, *order, *heap = NULL;
	struct set_span *spans = NULL;
	struct func_off *q = NULL;
	int err = -ENOMEM;

	for (i = 0; i < funcs->names.nr; i++) {
		best[i].rank = UINT32_MAX;
		nr_q += funcs->syms[i].nr_offs;
	}
	order = btfids_names_sorted_desc(&sets->names);
	spans = malloc((sets->names.nr + 1) * sizeof(*spans));
	heap = malloc((sets->names.nr + 1) * sizeof(*heap));
	q = malloc(((size_t)nr_q + 1) * sizeof(*q));
	if (!order || !spans || !heap || !q)
		goto out;
	for (i = 0; i < sets->names.nr; i++) {
		const struct btfids_sym *set = &sets->syms[order[i]];

		if (set->kind != BTFIDS_SYM_SET8)
			continue;
		spans[nr_spans].lo = set->offs[0];
		spans[nr_spans].hi = set->offs[0] + set->cnt * BTFIDS_SET8_ENTRY_SIZE;
		spans[nr_spans++].rank = i;
	}
	nr_q = 0;
	for (i = 0; i < funcs->names.nr; i++) {
		for (j = 0; j < funcs->syms[i].nr_offs; j++) {
			q[nr_q].off = funcs->syms[i].offs[j];
			q[nr_q].func = i;
			q[nr_q++].j = j;
		}
	}
	qsort(spans, nr_spans, sizeof(*spans), cmp_span_lo);
	qsort(q, nr_q, sizeof(*q), cmp_func_off);
	sweep(spans, nr_spans, q, nr_q, heap, best);
	err = 0;
out:
	free(order);
	free(spans);
	free(heap);
	free(q);
	return err;
}

/* The flags word of the set8 entry whose id word is at byte offset @off. */
static __u32 entry_flags(const struct btfids_placeholders *ph, __u32 off)
{
	return ph->words[off / BTFIDS_WORD_SIZE + 1];
}

static int want_impl(struct kfunc_scan *ks, const char *name)
{
	char impl[BTFIDS_NAME_MAX + sizeof(BTFIDS_IMPL_SUFFIX)];
	bool added;
	int i;

	snprintf(impl, sizeof(impl), "%s" BTFIDS_IMPL_SUFFIX, name);
	/* room first: a name must never be there without its entry */
	if (btfids_grow(&ks->impl_id, &ks->cap_impl_id, ks->impls.nr + 1, sizeof(*ks->impl_id)))
		return -ENOMEM;
	i = btfids_names_add(&ks->impls, impl, strlen(impl), &added);
	if (i < 0)
		return i;
	if (added)
		ks->impl_id[i] = 0;
	btfids_heads_add(&ks->impl_heads, impl);
	return 0;
}

/* Mark every func placeholder that is an implicit-args kfunc; count them. */
static int find_implicit_kfuncs(struct transform *tr, bool *marks)
{
	const struct btfids_table *funcs = &tr->ph->ns[BTFIDS_NS_FUNC];
	struct best_entry *best;
	__u32 i;
	int nr = 0, err;

	best = malloc((funcs->names.nr + 1) * sizeof(*best));
	if (!best || kfunc_entries(tr->ph, best)) {
		free(best);
		return -ENOMEM;
	}
	for (i = 0; i < funcs->names.nr; i++) {
		const struct btfids_sym *f = &funcs->syms[i];

		marks[i] = best[i].rank != UINT32_MAX &&
			   (entry_flags(tr->ph, f->offs[best[i].j]) & BTFIDS_KF_IMPLICIT_ARGS);
		if (!marks[i])
			continue;
		nr++;
		err = want_impl(&tr->ks, btfids_names_at(&funcs->names, i));
		if (err) {
			nr = err;
			break;
		}
	}
	free(best);
	return nr;
}

static int push_tag(struct kfunc_scan *ks, __u32 id)
{
	if (btfids_grow(&ks->tags, &ks->cap_tags, ks->nr_tags + 1, sizeof(*ks->tags)))
		return -ENOMEM;
	ks->tags[ks->nr_tags++] = id;
	return 0;
}

/* One pass over all types, base included: decl tags and wanted _impl funcs. */
/* Before any change: the edit's records and names are the input's. */
static int scan_types(struct transform *tr)
{
	__u32 id, n = btfids_edit_type_cnt(tr->e);
	const struct btf_type *t;
	const char *name;
	int err, i;

	for (id = 1; id < n; id++) {
		t = btfids_edit_type(tr->e, id);
		if (btf_is_decl_tag(t)) {
			err = push_tag(&tr->ks, id);
			if (err)
				return err;
		} else if (btf_is_func(t)) {
			name = btfids_edit_name(tr->e, t->name_off);
			if (!name || !btfids_heads_has(&tr->ks.impl_heads, name))
				continue;
			i = btfids_names_find(&tr->ks.impls, name);
			if (i >= 0 && !tr->ks.impl_id[i])
				tr->ks.impl_id[i] = id;
		}
	}
	return 0;
}

/* Modifier chains end within this many steps, or loop (libbpf's limit). */
#define MAX_MOD_DEPTH	32

static const struct btf_type *skip_mods(const struct btfids_edit *e, __u32 id)
{
	const struct btf_type *t = btfids_edit_type(e, id);
	int depth = 0;

	while (t && btf_is_mod(t) && depth++ < MAX_MOD_DEPTH)
		t = btfids_edit_type(e, t->type);
	return t && !btf_is_mod(t) ? t : NULL;
}

/* Implicit arguments point to struct bpf_prog_aux or struct btf_struct_meta. */
bool btfids_is_implicit_arg(const struct btfids_edit *e, const struct btf_param *p)
{
	const struct btf_type *t = skip_mods(e, p->type);
	const char *name;

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(e, t->type);
	if (!t || !btf_is_struct(t))
		return false;
	name = btfids_edit_name(e, t->name_off);
	return btfids_is_implicit_arg_struct(name);
}

/* The decl tags of @kfunc_id that its _impl copy gets: all but "bpf_kfunc". */
static bool tag_is_copied(const struct btfids_edit *e, const struct btf_type *tag,
			  __u32 kfunc_id)
{
	return tag->type == kfunc_id && strcmp(btfids_edit_name(e, tag->name_off), BTFIDS_TAG_KFUNC);
}

static int add_impl_func(struct transform *tr, __u32 kfunc_id, const char *impl_name,
			 int linkage, __u32 proto_id)
{
	struct btfids_edit *e = tr->e;
	int func_id, err;
	__u32 i;

	func_id = btfids_edit_add_func(e, impl_name, linkage, proto_id);
	if (func_id < 0) {
		btfids_error(tr->lg, tr->btf_path, "cannot add func %s: %s", impl_name,
			     strerror(-func_id));
		return func_id;
	}
	for (i = 0; i < tr->ks.nr_tags; i++) {
		const struct btf_type *tag = btfids_edit_type(e, tr->ks.tags[i]);

		if (!tag_is_copied(e, tag, kfunc_id))
			continue;
		err = btfids_edit_add_decl_tag(e, btfids_edit_name(e, tag->name_off), func_id,
					       btf_decl_tag(tag)->component_idx, btf_kflag(tag));
		if (err < 0) {
			btfids_error(tr->lg, tr->btf_path, "cannot add decl tag [%u] to %s: %s",
				     tr->ks.tags[i], impl_name, strerror(-err));
			return err;
		}
	}
	return func_id;
}

/* The prototype of @proto_id up to its first implicit argument. */
static int add_visible_proto(struct transform *tr, __u32 proto_id, const char *kfunc)
{
	struct btfids_edit *e = tr->e;
	const struct btf_type *proto = btfids_edit_type(e, proto_id);
	__u32 i, nr_params = btf_vlen(proto);
	int new_id, err;

	new_id = btfids_edit_add_func_proto(e, proto->type);
	for (i = 0; new_id > 0 && i < nr_params; i++) {
		/* re-read: adding may move the prototype if it is a new type */
		const struct btf_param *p = &btf_params(btfids_edit_type(e, proto_id))[i];
		char pname[BTFIDS_NAME_MAX];
		__u32 type = p->type;

		if (btfids_is_implicit_arg(e, p))
			break;
		/* the name may live among the strings the edit is about to grow */
		snprintf(pname, sizeof(pname), "%s", btfids_edit_name(e, p->name_off));
		err = btfids_edit_add_func_param(e, pname, type);
		if (err < 0)
			new_id = err;
	}
	if (new_id < 0)
		btfids_error(tr->lg, tr->btf_path, "cannot add prototype for kfunc %s: %s",
			     kfunc, strerror(-new_id));
	return new_id;
}

static int rewrite_kfunc(struct transform *tr, __u32 kfunc_id, const char *name)
{
	char impl_name[BTFIDS_NAME_MAX + sizeof(BTFIDS_IMPL_SUFFIX)];
	const struct btf_type *func = btfids_edit_type(tr->e, kfunc_id);
	const struct btf_type *proto = btfids_edit_type(tr->e, func->type);
	__u32 proto_id = func->type;
	int err, impl;

	if (!proto || !btf_is_func_proto(proto)) {
		btfids_error(tr->lg, tr->btf_path, "kfunc %s [%u]: type %u is not a function prototype",
			     name, kfunc_id, proto_id);
		return -EINVAL;
	}
	snprintf(impl_name, sizeof(impl_name), "%s" BTFIDS_IMPL_SUFFIX, name);
	impl = btfids_names_find(&tr->ks.impls, impl_name);
	if (!tr->ks.impl_id[impl]) {
		err = add_impl_func(tr, kfunc_id, impl_name, btf_vlen(func), proto_id);
		if (err < 0)
			return err;
		tr->ks.impl_id[impl] = err;
	}
	err = add_visible_proto(tr, proto_id, name);
	if (err < 0)
		return err;
	pr_debug(tr->lg, "kfunc %s: implicit arguments hidden, prototype [%d]\n", name, err);
	return btfids_edit_set_type(tr->e, kfunc_id, err);
}

/* Does the decl tag mark an implicit-args kfunc? */
static bool tags_implicit_kfunc(const struct transform *tr, const bool *marks,
				const struct btf_type *tag)
{
	const struct btfids_table *funcs = &tr->ph->ns[BTFIDS_NS_FUNC];
	const struct btf_type *func;
	int i;

	if (btf_kflag(tag) || btf_decl_tag(tag)->component_idx != -1 ||
	    strcmp(btfids_edit_name(tr->e, tag->name_off), BTFIDS_TAG_KFUNC))
		return false;
	func = btfids_edit_type(tr->e, tag->type);
	if (!func || !btf_is_func(func))
		return false;
	i = btfids_names_find(&funcs->names, btfids_edit_name(tr->e, func->name_off));
	return i >= 0 && marks[i];
}

/*
 * Every string a kfunc's rewrite may add: its _impl name, the names of the
 * tags copied, the names of the parameters kept. Names too long for an
 * _impl are refused here, before anything is added.
 */
static int plan_kfunc(struct transform *tr, __u32 kfunc_id, const char *name)
{
	char impl_name[BTFIDS_NAME_MAX + sizeof(BTFIDS_IMPL_SUFFIX)];
	struct btfids_edit *e = tr->e;
	const struct btf_type *proto;
	__u32 i;
	int err;

	if (strlen(name) + sizeof(BTFIDS_IMPL_SUFFIX) > BTFIDS_NAME_MAX) {
		btfids_error(tr->lg, tr->btf_path, "kfunc name too long: %s" BTFIDS_IMPL_SUFFIX, name);
		return -E2BIG;
	}
	snprintf(impl_name, sizeof(impl_name), "%s" BTFIDS_IMPL_SUFFIX, name);
	err = btfids_edit_plan_str(e, impl_name);
	for (i = 0; !err && i < tr->ks.nr_tags; i++) {
		const struct btf_type *tag = btfids_edit_type(e, tr->ks.tags[i]);

		if (tag_is_copied(e, tag, kfunc_id))
			err = btfids_edit_plan_str(e, btfids_edit_name(e, tag->name_off));
	}
	proto = btfids_edit_type(e, btfids_edit_type(e, kfunc_id)->type);
	for (i = 0; !err && proto && btf_is_func_proto(proto) && i < btf_vlen(proto); i++) {
		const struct btf_param *p = &btf_params(proto)[i];
		const char *pname = btfids_edit_name(e, p->name_off);

		if (!pname)
			return -EINVAL;
		err = btfids_edit_plan_str(e, pname);
	}
	return err;
}

/* The kfunc decl tags, in id order: the order of the rewrites. */
static int list_kfuncs(struct transform *tr, const bool *marks, __u32 **kfunc_tags, __u32 *nr)
{
	__u32 i;

	*kfunc_tags = malloc((tr->ks.nr_tags + 1) * sizeof(**kfunc_tags));
	if (!*kfunc_tags)
		return -ENOMEM;
	*nr = 0;
	for (i = 0; i < tr->ks.nr_tags; i++) {
		const struct btf_type *tag = btfids_edit_type(tr->e, tr->ks.tags[i]);

		if (tags_implicit_kfunc(tr, marks, tag))
			(*kfunc_tags)[(*nr)++] = tr->ks.tags[i];
	}
	return 0;
}

/* The kfunc that decl tag @tag_id marks, and its name. */
static __u32 tagged_func(const struct transform *tr, __u32 tag_id, const char **name)
{
	const struct btf_type *tag = btfids_edit_type(tr->e, tag_id);

	*name = btfids_edit_name(tr->e, btfids_edit_type(tr->e, tag->type)->name_off);
	return tag->type;
}

static int implicit_args(struct transform *tr)
{
	__u32 i, nr = 0, *kfunc_tags = NULL, id;
	const char *name;
	bool *marks;
	int err;

	marks = calloc(tr->ph->ns[BTFIDS_NS_FUNC].names.nr, sizeof(*marks));
	if (!marks)
		return -ENOMEM;
	err = find_implicit_kfuncs(tr, marks);
	if (err > 0)
		err = scan_types(tr);
	if (!err)
		err = list_kfuncs(tr, marks, &kfunc_tags, &nr);
	for (i = 0; !err && i < nr; i++) {
		id = tagged_func(tr, kfunc_tags[i], &name);
		err = plan_kfunc(tr, id, name);
	}
	if (!err)
		err = btfids_edit_index_planned(tr->e);
	for (i = 0; !err && i < nr; i++) {
		id = tagged_func(tr, kfunc_tags[i], &name);
		err = rewrite_kfunc(tr, id, name);
	}
	free(kfunc_tags);
	free(marks);
	return err < 0 ? err : 0;
}

int btfids_transform(struct btfids_log *lg, const char *btf_path,
		     const struct btfids_placeholders *ph, const struct btf *btf,
		     struct btfids_edit *edit)
{
	struct transform tr = { .lg = lg, .btf_path = btf_path, .ph = ph, .btf = btf, .e = edit };
	int err;

	err = btfids_edit_init(edit, btf);
	if (err) {
		btfids_error(lg, btf_path, "cannot edit the BTF: %s", btfids_edit_strerror(err));
		return err;
	}
	if (!ph->has_ids || !ph->ns[BTFIDS_NS_FUNC].names.nr)
		return 0;
	err = implicit_args(&tr);
	btfids_names_free(&tr.ks.impls);
	free(tr.ks.impl_id);
	free(tr.ks.tags);
	return err;
}
