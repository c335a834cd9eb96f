// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dedup_fast.c - where libbpf's btf__dedup() would send each type, without
 * deduplicating the whole BTF, for the one input where only the
 * transforms' work can move: the BTF pahole hands the plugin, which that
 * same libbpf has just deduplicated (pahole's encoder calls btf__dedup()
 * right before the hook). dedup_layout.c then writes the result.
 *
 * On such a BTF (its types are "clean"), btf__dedup() keeps every type.
 * What the transforms added can collapse: into an equal clean or base
 * type, into an equal added type met before, or, when libbpf meets the
 * added type first, a clean type into it. Each is decided the way libbpf's
 * reference pass decides it: type ids ascending, references first, base
 * types all known from the start, the first type met of equal ones kept.
 *
 * Only with BTFIDS_DEDUP=fast (dedup.c): pahole's dedup output is not always
 * a fixed point of a second btf__dedup() (Debian's 7.3 mlx5_core, dm-mod and
 * romfs lose types to it), and nothing cheap tells which.
 *
 * Preconditions, checked (the caller falls back to btf__dedup() when one
 * fails, and says which): added types are PTR, TYPE_TAG, FUNC_PROTO, FUNC
 * or DECL_TAG; a changed clean type is a FUNC given another prototype,
 * referred to by decl tags only, and equal to no other FUNC; a clean type
 * that collapses into an added one has referrers that stay as they are.
 * Not checked (true of btf__dedup()'s output, the caller's precondition):
 * clean types are pairwise unequal. BTFIDS_DEDUP_CHECK=1 (dedup.c)
 * compares every result with libbpf's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dedup_fast.h"
#include "dedup_layout.h"
#include "edit.h"
#include "fields.h"
#include "load.h"

#define UNSEEN		UINT32_MAX
#define IN_PROGRESS	(UINT32_MAX - 1)

/* Open addressing over type ids, keyed by a hash the caller computes. */
struct id_table {
	__u32 *ids;
	__u32 mask, room;
};

struct fast {
	const char *why;		/* the first failed precondition */
	struct btf *btf;		/* transformed */
	__u32 start, clean, n;		/* first own id, first added id, count */
	__u8 *dirty;			/* own clean id - start: a changed FUNC */
	__u32 *dirty_ids, nr_dirty;	/* their ids - start, by when met */
	__u32 *time;			/* per changed FUNC: when libbpf meets it */
	__u32 *map;			/* own id - start: where it goes, or UNSEEN */
	struct id_table cand;		/* clean and base types an added one may equal */
	struct id_table canon;		/* added (and changed) types kept */
	__u32 now;			/* the id libbpf's pass is at */
	__u32 *up_start, *up;		/* clean referrers of each clean type */
	__u32 *stamp, nr_queries, *queue;
};

static const struct btf_type *type_of(const struct fast *f, __u32 id)
{
	return btf__type_by_id(f->btf, id);
}

static bool is_clean(const struct fast *f, __u32 id)
{
	return id < f->start || (id < f->clean && !f->dirty[id - f->start]);
}

/* Kinds the transforms add: libbpf's pass decides them by their fields. */
static bool fits_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPE_TAG: case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_FUNC: case BTF_KIND_DECL_TAG:
		return true;
	default:
		return false;
	}
}

/* Kinds libbpf's reference pass recurses from into what they refer to. */
static bool recurses(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG: case BTF_KIND_ARRAY: case BTF_KIND_FUNC_PROTO:
		return true;
	default:
		return false;
	}
}

/* Where @id goes so far (base types and clean ones not collapsed: itself). */
static __u32 canon_of(const struct fast *f, __u32 id)
{
	__u32 to;

	while (id >= f->start && id < f->n) {
		to = f->map[id - f->start];
		if (to == UNSEEN || to == IN_PROGRESS || to == id)
			break;
		id = to;
	}
	return id;
}

/* --- equal types, by hash -------------------------------------------- */

static __u32 mix(__u32 h, __u32 v)
{
	return h ^ (v + 0x9e3779b9 + (h << 6) + (h >> 2));
}

/* A hash of what libbpf compares: @t's words, references read through the map. */
static __u32 hash_type(const struct fast *f, const struct btf_type *t)
{
	__u32 h = mix(mix(t->name_off, t->info), canon_of(f, t->type)), i;

	if (btf_is_decl_tag(t))
		h = mix(h, btf_decl_tag(t)->component_idx);
	if (btf_is_func_proto(t))
		for (i = 0; i < btf_vlen(t); i++)
			h = mix(mix(h, btf_params(t)[i].name_off),
				canon_of(f, btf_params(t)[i].type));
	return h;
}

static bool equal_types(const struct fast *f, const struct btf_type *a, const struct btf_type *b)
{
	__u32 i;

	if (a->name_off != b->name_off || a->info != b->info ||
	    canon_of(f, a->type) != canon_of(f, b->type))
		return false;
	if (btf_is_decl_tag(a))
		return btf_decl_tag(a)->component_idx == btf_decl_tag(b)->component_idx;
	if (!btf_is_func_proto(a))
		return true;
	for (i = 0; i < btf_vlen(a); i++)
		if (btf_params(a)[i].name_off != btf_params(b)[i].name_off ||
		    canon_of(f, btf_params(a)[i].type) != canon_of(f, btf_params(b)[i].type))
			return false;
	return true;
}

static int table_init(struct id_table *tab, __u32 nr)
{
	__u32 cap = 64;

	while (cap < nr * 2)
		cap <<= 1;
	tab->ids = malloc(cap * sizeof(*tab->ids));
	if (!tab->ids)
		return -ENOMEM;
	memset(tab->ids, 0xff, cap * sizeof(*tab->ids));
	tab->mask = cap - 1;
	tab->room = cap / 2;
	return 0;
}

/* Index type @id, @t; 1 when the table sized for it is full. */
static int table_add_type(struct fast *f, struct id_table *tab, __u32 id, const struct btf_type *t)
{
	__u32 h = hash_type(f, t);

	if (!tab->room) {
		f->why = "more types to index than planned";
		return 1;
	}
	tab->room--;
	while (tab->ids[h & tab->mask] != UNSEEN)
		h++;
	tab->ids[h & tab->mask] = id;
	return 0;
}

static int table_add(struct fast *f, struct id_table *tab, __u32 id)
{
	return table_add_type(f, tab, id, type_of(f, id));
}

/* The type in @tab equal to @t (@self aside), or 0. */
static __u32 table_find(const struct fast *f, const struct id_table *tab,
			const struct btf_type *t, __u32 self)
{
	__u32 h = hash_type(f, t), id;

	for (; (id = tab->ids[h & tab->mask]) != UNSEEN; h++)
		if (id != self && equal_types(f, t, type_of(f, id)))
			return id;
	return 0;
}

/* The record after @t, or NULL (and why) past a kind this pass cannot size. */
static const struct btf_type *next_type(struct fast *f, const struct btf_type *t)
{
	__u32 size = btfids_type_size(t);

	if (!size) {
		f->why = "a type of a kind this pass does not know";
		return NULL;
	}
	return (const struct btf_type *)((const char *)t + size);
}

/* --- the clean types: changed FUNCs, their referrers, candidates ------ */

static int mark_dirty(struct fast *f, const struct btfids_btf_changes *c)
{
	__u32 nr = f->clean - f->start, i, id;

	f->dirty = calloc(nr + 1, 1);
	f->time = malloc((nr + 1) * sizeof(*f->time));
	f->dirty_ids = malloc((c->nr_funcs + 1) * sizeof(*f->dirty_ids));
	if (!f->dirty || !f->time || !f->dirty_ids)
		return -ENOMEM;
	for (i = 0; i < c->nr_funcs; i++) {
		id = c->funcs[i];
		if (id < f->start || id >= f->clean || !btf_is_func(type_of(f, id))) {
			f->why = "a changed type is not an own FUNC";
			return 1;
		}
		if (f->dirty[id - f->start]++)
			continue;
		f->time[id - f->start] = id;
		f->dirty_ids[f->nr_dirty++] = id - f->start;
	}
	return 0;
}

/* @t (clean, @id) refers to changed FUNCs: libbpf meets them at @id. */
static int note_referrer(struct fast *f, struct btf_type *t, __u32 id)
{
	struct btfids_run r[2];
	__u32 k, i, ref;
	int runs = btfids_id_fields(t, r);

	for (k = 0; k < (__u32)runs; k++)
		for (i = 0; i < r[k].n; i++) {
			ref = r[k].p[i * r[k].stride];
			if (ref < f->start || ref >= f->clean || !f->dirty[ref - f->start])
				continue;
			if (!btf_is_decl_tag(t)) {
				f->why = "a changed FUNC is referred to by more than decl tags";
				return 1;
			}
			if (id < f->time[ref - f->start])
				f->time[ref - f->start] = id;
		}
	return 0;
}

/* One walk over the own clean types: referrers of changed FUNCs, candidates. */
static int scan_clean(struct fast *f)
{
	struct btf_type *t;
	__u32 id;
	int err;

	/* room for clean types indexed again (collapse_later()) */
	err = table_init(&f->cand, f->n + 256) ?:
	      table_init(&f->canon, f->n - f->clean + f->nr_dirty);
	if (err)
		return err;
	t = (struct btf_type *)type_of(f, f->start);
	for (id = f->start; id < f->clean; id++) {
		if (f->nr_dirty && note_referrer(f, t, id))
			return 1;
		if (fits_kind(t) && !f->dirty[id - f->start] && table_add_type(f, &f->cand, id, t))
			return 1;
		t = (struct btf_type *)next_type(f, t);
		if (!t)
			return 1;
	}
	return 0;
}

/* The base's types an added one may equal: libbpf knows them all first. */
static int scan_base(struct fast *f)
{
	const struct btf *base = btf__base_btf(f->btf);
	/* one BTF's types lie one after another; a base on a base does not */
	bool walk = base && !btf__base_btf(base);
	const struct btf_type *t = f->start > 1 ? type_of(f, 1) : NULL;
	__u32 id;

	for (id = 1; id < f->start; id++) {
		if (!walk)
			t = type_of(f, id);
		if (fits_kind(t) && table_add_type(f, &f->cand, id, t))
			return 1;
		t = next_type(f, t);
		if (!t)
			return 1;
	}
	return 0;
}

/* --- when libbpf meets a clean type ------------------------------------ */

/* Who refers to each own clean type, among the clean types libbpf recurses from. */
static int index_referrers(struct fast *f)
{
	__u32 nr = f->clean - f->start, id, i, k, ref, pass;
	struct btfids_run r[2];
	struct btf_type *t;

	f->up_start = calloc(nr + 2, sizeof(*f->up_start));
	f->stamp = calloc(nr + 1, sizeof(*f->stamp));
	f->queue = malloc((nr + 1) * sizeof(*f->queue));
	if (!f->up_start || !f->stamp || !f->queue)
		return -ENOMEM;
	for (pass = 0; pass < 2; pass++) {
		t = (struct btf_type *)type_of(f, f->start);
		for (id = f->start; id < f->clean; id++) {
			int runs = is_clean(f, id) && recurses(t) ? btfids_id_fields(t, r) : 0;

			for (k = 0; k < (__u32)runs; k++)
				for (i = 0; i < r[k].n; i++) {
					ref = r[k].p[i * r[k].stride];
					if (ref < f->start || ref >= f->clean)
						continue;
					if (pass)
						f->up[f->stamp[ref - f->start]++] = id;
					else
						f->up_start[ref - f->start + 1]++;
				}
			/* scan_clean() has sized every clean type */
			t = (struct btf_type *)((char *)t + btfids_type_size(t));
		}
		if (pass)
			break;
		for (i = 0; i < nr; i++)
			f->up_start[i + 1] += f->up_start[i];
		f->up = malloc((f->up_start[nr] + 1) * sizeof(*f->up));
		if (!f->up)
			return -ENOMEM;
		memcpy(f->stamp, f->up_start, nr * sizeof(*f->stamp));
	}
	memset(f->stamp, 0, (nr + 1) * sizeof(*f->stamp));
	return 0;
}

/*
 * Has libbpf met own clean type @e before the type it is at now? Yes if
 * @e is below it, or a clean type below it (or met already) reaches @e
 * through types libbpf recurses from.
 */
static int met_before(struct fast *f, __u32 e)
{
	__u32 head = 0, tail = 0, t, i, r;
	int err;

	if (e < f->now)
		return 1;
	if (!f->up_start) {
		err = index_referrers(f);
		if (err)
			return err;
	}
	f->queue[tail++] = e;
	f->stamp[e - f->start] = ++f->nr_queries;
	while (head < tail) {
		t = f->queue[head++] - f->start;
		for (i = f->up_start[t]; i < f->up_start[t + 1]; i++) {
			r = f->up[i];
			if (r < f->now || f->map[r - f->start] == r)
				return 1;
			if (f->stamp[r - f->start] == f->nr_queries)
				continue;
			f->stamp[r - f->start] = f->nr_queries;
			f->queue[tail++] = r;
		}
	}
	return 0;
}

/*
 * Added type @id equals clean type @e, which libbpf meets later: @e
 * collapses into @id then, and the clean types referring to @e refer to
 * @id. None of those may equal a kept added type (not decided here); each
 * is indexed again under its new hash.
 */
static int collapse_later(struct fast *f, __u32 id, __u32 e)
{
	__u32 i, k = e - f->start, r;

	f->map[id - f->start] = id;
	f->map[k] = id;
	if (table_add(f, &f->canon, id))
		return 1;
	for (i = f->up_start[k]; i < f->up_start[k + 1]; i++) {
		r = f->up[i];
		if (!fits_kind(type_of(f, r)))
			continue;
		if (table_find(f, &f->canon, type_of(f, r), r)) {
			f->why = "a clean type would collapse into an added one";
			return 1;
		}
		if (table_add(f, &f->cand, r))
			return 1;
	}
	return 0;
}

/* --- libbpf's reference pass, for the changed and added types --------- */

/* Where @id goes, its references decided. */
static int decide(struct fast *f, __u32 id)
{
	const struct btf_type *t = type_of(f, id);
	__u32 to = table_find(f, &f->canon, t, id);
	int met;

	if (!to)
		to = table_find(f, &f->cand, t, id);
	if (to && id < f->clean) {
		f->why = "a changed FUNC equals another FUNC";
		return 1;
	}
	if (to && to >= f->start && is_clean(f, to) && f->map[to - f->start] != to) {
		met = met_before(f, to);
		if (met <= 0)
			return met < 0 ? met : collapse_later(f, id, to);
	}
	if (to) {
		f->map[id - f->start] = to;
		return 0;
	}
	f->map[id - f->start] = id;
	return table_add(f, &f->canon, id);
}

static int visit(struct fast *f, __u32 id)
{
	struct btfids_run r[2];
	struct btf_type *t;
	__u32 *m, k, i;
	int runs, err;

	if (id < f->start || id >= f->n)
		return 0;
	m = &f->map[id - f->start];
	if (is_clean(f, id)) {
		if (*m == UNSEEN)
			*m = id;	/* met: kept, and known to be */
		return 0;
	}
	if (*m == IN_PROGRESS) {
		f->why = "a reference loop";
		return 1;
	}
	if (*m != UNSEEN)
		return 0;
	*m = IN_PROGRESS;
	t = (struct btf_type *)type_of(f, id);
	if (!fits_kind(t)) {
		f->why = "the transforms added a type of another kind";
		return 1;
	}
	runs = btfids_id_fields(t, r);
	for (k = 0; k < (__u32)runs; k++)
		for (i = 0; i < r[k].n; i++) {
			err = visit(f, r[k].p[i * r[k].stride]);
			if (err)
				return err;
		}
	return decide(f, id);
}

/* The changed FUNCs in the order libbpf meets them, then the added types. */
static int reference_pass(struct fast *f)
{
	__u32 id, i, j, best;
	int err = 0;

	for (i = 0; !err && i < f->nr_dirty; i++) {
		best = i;
		for (j = i + 1; j < f->nr_dirty; j++)
			if (f->time[f->dirty_ids[j]] < f->time[f->dirty_ids[best]])
				best = j;
		j = f->dirty_ids[best];
		f->dirty_ids[best] = f->dirty_ids[i];
		f->dirty_ids[i] = j;
		f->now = f->time[j];
		err = visit(f, f->start + j);
	}
	for (id = f->clean; !err && id < f->n; id++) {
		f->now = id;
		err = visit(f, id);
	}
	return err;
}

/* Every own type's final place, chains followed. */
static void settle(struct fast *f)
{
	__u32 id;

	for (id = f->start; id < f->n; id++)
		f->map[id - f->start] = canon_of(f, id);
}

static int decide_all(struct fast *f, const struct btfids_btf_changes *c)
{
	int err;

	f->map = malloc((f->n - f->start + 1) * sizeof(*f->map));
	if (!f->map)
		return -ENOMEM;
	memset(f->map, 0xff, (f->n - f->start + 1) * sizeof(*f->map));
	err = mark_dirty(f, c);
	if (err || (f->n == f->clean && !f->nr_dirty))
		return err;
	err = scan_clean(f);
	if (!err)
		err = scan_base(f);
	if (!err)
		err = reference_pass(f);
	return err;
}

static void fast_free(struct fast *f)
{
	free(f->dirty), free(f->time), free(f->dirty_ids), free(f->map);
	free(f->cand.ids), free(f->canon.ids);
	free(f->up_start), free(f->up), free(f->stamp), free(f->queue);
}

int btfids_dedup_fast(struct btf *work, const struct btfids_btf_changes *changes,
		      struct btf **out, const char **why)
{
	const struct btf *base = btf__base_btf(work);
	struct fast f = { .btf = work };
	int err;

	f.start = base ? btf__type_cnt(base) : 1;
	f.clean = changes->nr_clean;
	f.n = btf__type_cnt(work);
	if (btfids_btf_swapped(work))
		f.why = "BTF of the other byte order";
	else if (f.n < f.clean || f.clean < f.start)
		f.why = "fewer types than before the transforms";
	err = f.why ? 1 : decide_all(&f, changes);
	if (!err) {
		settle(&f);
		err = btfids_dedup_lay_out(work, f.map, out, &f.why);
	}
	*why = f.why;
	fast_free(&f);
	return err;
}
