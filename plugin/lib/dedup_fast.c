// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dedup_fast.c - what libbpf's btf__dedup() writes, without deduplicating
 * the whole BTF, for the one input where only the transforms' work can
 * change: the BTF pahole hands the plugin, which that same libbpf has just
 * deduplicated (pahole's encoder calls btf__dedup() right before the hook).
 *
 * On such a BTF (the "clean" types), btf__dedup() keeps every type and
 * only rebuilds the strings, in the order types first name them, dropping
 * the ones no type names (pahole's dedup built them before removing
 * types). What the transforms added can collapse: into an equal clean or
 * base type, into an equal earlier added type, or, when libbpf meets the
 * added type first, a clean type into it. This file decides each the way
 * libbpf's reference pass would (its order: type ids ascending, references
 * first; base types before everything), lays out the result and hands the
 * bytes back.
 *
 * Preconditions, checked here (the caller falls back to btf__dedup() when
 * one fails, and says which): added types are PTR, TYPE_TAG, FUNC_PROTO,
 * FUNC or DECL_TAG; a changed clean type is a FUNC whose prototype changed,
 * referred to by decl tags only, and stays unequal to every other FUNC; an
 * added type equal to a clean type that libbpf could meet first through
 * other types is not decided here; every string reference starts a string.
 * Not checked (true of btf__dedup()'s output, which is the precondition
 * of the caller): clean types pairwise unequal, own strings unique and
 * none also in the base. BTFIDS_DEDUP_CHECK=1 (dedup.c) compares every
 * result with libbpf's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bytes.h"
#include "dedup_fast.h"
#include "edit.h"

#define UNSEEN		UINT32_MAX

/* Open addressing, u32 key to u32 value; key UNSEEN is empty. */
struct u32map {
	__u32 *keys, *vals;
	__u32 mask;
};

struct fast {
	const char *why;		/* first failed precondition */
	struct btf *btf;		/* transformed */
	const struct btf *base;
	__u32 start, clean, n;		/* first own id, first added id, count */
	__u32 base_cnt;
	__u8 *dirty;			/* own clean id - start: changed by the transforms */
	__u32 *time;			/* dirty FUNC: when libbpf first meets it */
	__u32 *dirty_ids, nr_dirty;
	__u32 *map;			/* own id - start: canonical id, or UNSEEN */
	__u32 *cand;			/* index of clean/base candidates: ids by hash */
	__u32 cand_mask, cand_spare;	/* room left for entries indexed again */
	__u32 *canon;			/* added canonical types by hash */
	__u32 canon_mask;
	__u32 now;			/* id libbpf is processing */
	__u32 *up_start, *up;		/* clean referrers of each own type (CSR) */
	__u32 *stamp, nr_queries;	/* per own type: last query that reached it */
	__u32 *queue;
};

static __u32 mix(__u32 h, __u32 v)
{
	h ^= v + 0x9e3779b9 + (h << 6) + (h >> 2);
	return h;
}

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

static const struct btf_type *type_of(const struct fast *f, __u32 id)
{
	return btf__type_by_id(f->btf, id);
}

/* Canonical id of @id so far (base and unprocessed clean types: itself). */
static __u32 canon_of(const struct fast *f, __u32 id)
{
	while (id >= f->start && f->map[id - f->start] != UNSEEN && f->map[id - f->start] != id)
		id = f->map[id - f->start];
	return id;
}

/* The hash of @t with its references read through the map. */
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

static __u32 *table_new(__u32 nr, __u32 *mask)
{
	__u32 cap = 64, *tab;

	while (cap < nr * 2)
		cap <<= 1;
	tab = malloc(cap * sizeof(*tab));
	if (tab)
		memset(tab, 0xff, cap * sizeof(*tab));
	*mask = cap - 1;
	return tab;
}

static void table_add(__u32 *tab, __u32 mask, __u32 h, __u32 id)
{
	while (tab[h & mask] != UNSEEN)
		h++;
	tab[h & mask] = id;
}

/* The type in @tab equal to @t (not @self), or 0. */
static __u32 table_find(const struct fast *f, const __u32 *tab, __u32 mask,
			const struct btf_type *t, __u32 self)
{
	__u32 h = hash_type(f, t);

	for (; tab[h & mask] != UNSEEN; h++)
		if (tab[h & mask] != self && equal_types(f, t, type_of(f, tab[h & mask])))
			return tab[h & mask];
	return 0;
}

/* --- checks and the candidates ------------------------------------------ */

/* Each type id field of @t, through @fn; stops at the first non-zero. */
static int for_each_ref(const struct btf_type *t, int (*fn)(struct fast *, __u32, __u32),
			struct fast *f, __u32 id)
{
	__u32 i, vlen = btf_vlen(t);
	int err = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		return fn(f, id, t->type);
	case BTF_KIND_ARRAY:
		err = fn(f, id, btf_array(t)->type);
		return err ? err : fn(f, id, btf_array(t)->index_type);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, id, btf_members(t)[i].type);
		return err;
	case BTF_KIND_FUNC_PROTO:
		err = fn(f, id, t->type);
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, id, btf_params(t)[i].type);
		return err;
	case BTF_KIND_DATASEC:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, id, btf_var_secinfos(t)[i].type);
		return err;
	default:
		return 0;
	}
}

/* A clean type referring to a changed FUNC: a decl tag, which libbpf meets first. */
static int note_referrer(struct fast *f, __u32 id, __u32 ref)
{
	__u32 i = ref - f->start;

	if (ref < f->start || ref >= f->clean || !f->dirty[i])
		return 0;
	if (!btf_is_decl_tag(type_of(f, id))) {
		f->why = "a changed FUNC is referred to by more than decl tags";
		return -1;
	}
	if (id < f->time[i])
		f->time[i] = id;
	return 0;
}

/* The FUNCs the transforms gave another prototype, and who refers to them. */
static int find_dirty(struct fast *f, const struct btfids_btf_changes *c)
{
	__u32 id, i, nr = f->clean - f->start;

	f->dirty = calloc(nr ? nr : 1, 1);
	f->time = malloc((nr ? nr : 1) * sizeof(*f->time));
	f->dirty_ids = malloc((c->nr_funcs ? c->nr_funcs : 1) * sizeof(*f->dirty_ids));
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
	for (id = f->start; f->nr_dirty && id < f->clean; id++)
		if (for_each_ref(type_of(f, id), note_referrer, f, id))
			return 1;
	return 0;
}

/* Clean and base types an added one may equal, by hash. */
static int index_candidates(struct fast *f)
{
	__u32 id, nr = 0;

	for (id = 1; id < f->clean; id++)
		nr += fits_kind(type_of(f, id));
	f->cand_spare = 1024;
	f->cand = table_new(nr + f->cand_spare, &f->cand_mask);
	f->canon = table_new(f->n - f->clean + f->nr_dirty, &f->canon_mask);
	if (!f->cand || !f->canon)
		return -ENOMEM;
	for (id = 1; id < f->clean; id++) {
		const struct btf_type *t = type_of(f, id);

		if (fits_kind(t) && (id < f->start || !f->dirty[id - f->start]))
			table_add(f->cand, f->cand_mask, hash_type(f, t), id);
	}
	return 0;
}

/* --- libbpf's reference pass, for the added and changed types --------- */

#define IN_PROGRESS	(UINT32_MAX - 1)

static int visit(struct fast *f, __u32 id);

static int visit_ref(struct fast *f, __u32 from, __u32 ref)
{
	(void)from;
	return visit(f, ref);
}

static bool is_clean(const struct fast *f, __u32 id)
{
	return id < f->start || (id < f->clean && !f->dirty[id - f->start]);
}

/* Does libbpf's pass recurse from @t into what it refers to? */
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

static int count_up(struct fast *f, __u32 from, __u32 ref)
{
	(void)from;
	if (ref >= f->start && ref < f->clean)
		f->up_start[ref - f->start + 1]++;
	return 0;
}

static int fill_up(struct fast *f, __u32 from, __u32 ref)
{
	if (ref >= f->start && ref < f->clean)
		f->up[f->stamp[ref - f->start]++] = from;
	return 0;
}

/* Who refers to each clean own type, among the clean types libbpf recurses from. */
static int index_referrers(struct fast *f)
{
	__u32 id, i, nr = f->clean - f->start;

	f->up_start = calloc(nr + 1, sizeof(*f->up_start));
	f->stamp = malloc((nr + 1) * sizeof(*f->stamp));
	f->queue = malloc((nr + 1) * sizeof(*f->queue));
	if (!f->up_start || !f->stamp || !f->queue)
		return -ENOMEM;
	for (id = f->start; id < f->clean; id++)
		if (is_clean(f, id) && recurses(type_of(f, id)))
			for_each_ref(type_of(f, id), count_up, f, id);
	for (i = 0; i < nr; i++)
		f->up_start[i + 1] += f->up_start[i];
	f->up = malloc((f->up_start[nr] + 1) * sizeof(*f->up));
	if (!f->up)
		return -ENOMEM;
	memcpy(f->stamp, f->up_start, nr * sizeof(*f->stamp));
	for (id = f->start; id < f->clean; id++)
		if (is_clean(f, id) && recurses(type_of(f, id)))
			for_each_ref(type_of(f, id), fill_up, f, id);
	memset(f->stamp, 0, (nr + 1) * sizeof(*f->stamp));
	return 0;
}

/*
 * Has libbpf met clean type @e before the type it is processing now? It
 * has if a clean type below now refers to @e through types it recurses
 * from (or this walk met @e already; the caller checked).
 */
static int met_before(struct fast *f, __u32 e)
{
	__u32 head = 0, tail = 0, t, i;
	int err;

	if (e < f->now)
		return 1;
	if (!f->up_start) {
		err = index_referrers(f);
		if (err)
			return err;
	}
	f->nr_queries++;
	f->queue[tail++] = e;
	f->stamp[e - f->start] = f->nr_queries;
	while (head < tail) {
		t = f->queue[head++] - f->start;
		for (i = f->up_start[t]; i < f->up_start[t + 1]; i++) {
			__u32 r = f->up[i];

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
 * collapses into @id then. The clean types that refer to @e then refer to
 * @id; none may equal an added type (that is not decided here), and each
 * is indexed again under its new hash.
 */
static int collapse_later(struct fast *f, __u32 id, __u32 e)
{
	const struct btf_type *r;
	__u32 i, k = e - f->start;

	f->map[id - f->start] = id;
	table_add(f->canon, f->canon_mask, hash_type(f, type_of(f, id)), id);
	f->map[k] = id;
	for (i = f->up_start[k]; i < f->up_start[k + 1]; i++) {
		r = type_of(f, f->up[i]);
		if (!fits_kind(r))
			continue;
		if (table_find(f, f->canon, f->canon_mask, r, f->up[i])) {
			f->why = "a clean type would collapse into an added one";
			return 1;
		}
		if (!f->cand_spare--) {
			f->why = "too many clean types to index again";
			return 1;
		}
		table_add(f->cand, f->cand_mask, hash_type(f, r), f->up[i]);
	}
	return 0;
}

/* Where @id goes, once its references have gone where they go. */
static int decide(struct fast *f, __u32 id)
{
	const struct btf_type *t = type_of(f, id);
	__u32 to = table_find(f, f->canon, f->canon_mask, t, id);

	if (!to)
		to = table_find(f, f->cand, f->cand_mask, t, id);
	if (to && id < f->clean) {
		f->why = "a changed FUNC equals another FUNC";
		return 1;
	}
	if (to && is_clean(f, to) && to >= f->start && f->map[to - f->start] != to) {
		int met = met_before(f, to);

		if (met <= 0)
			return met < 0 ? met : collapse_later(f, id, to);
	}
	if (!to) {
		to = id;
		table_add(f->canon, f->canon_mask, hash_type(f, t), id);
	}
	f->map[id - f->start] = to;
	return 0;
}

static int visit(struct fast *f, __u32 id)
{
	const struct btf_type *t;
	__u32 *m;
	int err;

	if (id >= f->n || id < f->start)
		return 0;
	m = &f->map[id - f->start];
	if (is_clean(f, id)) {
		if (*m == UNSEEN)
			*m = id;	/* met: canonical from now on */
		return 0;
	}
	if (*m == IN_PROGRESS) {
		f->why = "a reference loop";
		return 1;
	}
	if (*m != UNSEEN)
		return 0;
	*m = IN_PROGRESS;
	t = type_of(f, id);
	if (!fits_kind(t)) {
		f->why = "the transforms added a type of another kind";
		return 1;
	}
	err = for_each_ref(t, visit_ref, f, id);
	return err ? err : decide(f, id);
}

/* The changed FUNCs in the order libbpf meets them, then the added types. */
static int reference_pass(struct fast *f)
{
	__u32 id, i, j, best, nr = f->clean - f->start;
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
	for (i = 0; i < nr; i++)
		if (f->map[i] == UNSEEN)
			f->map[i] = f->start + i;
	return err;
}

/* --- strings: first named, first laid out ----------------------------- */

struct strs {
	const char *own;		/* the own strings of the input */
	__u32 own_len;
	__u32 start;			/* start_str_off */
	__u32 *keys, *vals, mask;	/* own offset -> new own offset */
	char *buf;			/* the new own strings */
	__u32 len, cap;
};

/* Each string offset field of @t, in libbpf's order, through @fn. */
static int for_each_str(struct btf_type *t, int (*fn)(struct fast *, struct strs *, __u32 *),
			struct fast *f, struct strs *s)
{
	__u32 i, vlen = btf_vlen(t);
	int err = fn(f, s, &t->name_off);

	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, s, &btf_members(t)[i].name_off);
		break;
	case BTF_KIND_ENUM:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, s, &btf_enum(t)[i].name_off);
		break;
	case BTF_KIND_ENUM64:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, s, &btf_enum64(t)[i].name_off);
		break;
	case BTF_KIND_FUNC_PROTO:
		for (i = 0; !err && i < vlen; i++)
			err = fn(f, s, &btf_params(t)[i].name_off);
		break;
	default:
		break;
	}
	return err;
}

static int count_str(struct fast *f, struct strs *s, __u32 *off)
{
	(void)f;
	s->mask += *off != 0;
	return 0;
}

/* Where own string @p lies in the new strings, laid out there when first named. */
static __u32 *slot_of(struct strs *s, __u32 rel)
{
	__u32 h = rel * 2654435761u;

	while (s->keys[h & s->mask] != UNSEEN && s->keys[h & s->mask] != rel)
		h++;
	return &s->keys[h & s->mask];
}

static int lay_out(struct fast *f, struct strs *s, __u32 *off)
{
	const char *p = btf__str_by_offset(f->btf, *off);
	__u32 rel, n, *key;

	if (!*off || !p || p < s->own || p >= s->own + s->own_len)
		return 0;
	rel = p - s->own;
	if ((rel && p[-1]) || !*p) {
		f->why = "a string reference that does not start a string";
		return 1;
	}
	key = slot_of(s, rel);
	if (*key == rel)
		return 0;
	n = strlen(p) + 1;
	if (s->len + n > s->cap) {
		char *buf = realloc(s->buf, s->cap = (s->len + n) * 2);

		if (!buf)
			return -ENOMEM;
		s->buf = buf;
	}
	memcpy(s->buf + s->len, p, n);
	*key = rel;
	s->vals[key - s->keys] = s->len;
	s->len += n;
	return 0;
}

/* The new strings, in the order the types, all of them, name them. */
static int strings_pass(struct fast *f, struct strs *s)
{
	__u32 id, nr;
	int err = 0;

	s->mask = 0;
	for (id = f->start; id < f->n; id++)
		for_each_str((struct btf_type *)type_of(f, id), count_str, f, s);
	nr = s->mask;
	s->keys = table_new(nr, &s->mask);
	s->vals = malloc((s->mask + 1) * sizeof(*s->vals));
	s->cap = 4096;
	s->buf = malloc(s->cap);
	if (!s->keys || !s->vals || !s->buf)
		return -ENOMEM;
	s->len = !btf__base_btf(f->btf);	/* "" first, without a base */
	s->buf[0] = 0;
	for (id = f->start; !err && id < f->n; id++)
		err = for_each_str((struct btf_type *)type_of(f, id), lay_out, f, s);
	return err;
}

/* --- the result ------------------------------------------------------- */

static __u32 new_id(const struct fast *f, const __u32 *ids, __u32 id)
{
	id = canon_of(f, id);
	return id < f->start ? id : ids[id - f->start];
}

static void remap_ids(const struct fast *f, const __u32 *ids, struct btf_type *t)
{
	__u32 i, vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		t->type = new_id(f, ids, t->type);
		break;
	case BTF_KIND_ARRAY:
		btf_array(t)->type = new_id(f, ids, btf_array(t)->type);
		btf_array(t)->index_type = new_id(f, ids, btf_array(t)->index_type);
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			btf_members(t)[i].type = new_id(f, ids, btf_members(t)[i].type);
		break;
	case BTF_KIND_FUNC_PROTO:
		t->type = new_id(f, ids, t->type);
		for (i = 0; i < vlen; i++)
			btf_params(t)[i].type = new_id(f, ids, btf_params(t)[i].type);
		break;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++)
			btf_var_secinfos(t)[i].type = new_id(f, ids, btf_var_secinfos(t)[i].type);
		break;
	default:
		break;
	}
}

static int remap_str(struct fast *f, struct strs *s, __u32 *off)
{
	const char *p = btf__str_by_offset(f->btf, *off);

	if (*off && p >= s->own && p < s->own + s->own_len)
		*off = s->start + s->vals[slot_of(s, p - s->own) - s->keys];
	return 0;
}

/* The kept types, renumbered, their references and names remapped. */
static int lay_out_types(struct fast *f, struct strs *s, __u8 **types, __u32 *len)
{
	__u32 id, next = f->start, size = 0, *ids;
	struct btf_type *t;
	__u8 *p;

	ids = malloc((f->n - f->start) * sizeof(*ids));
	for (id = f->start; ids && id < f->n; id++)
		if (f->map[id - f->start] == id) {
			ids[id - f->start] = next++;
			size += btfids_type_size(type_of(f, id));
		}
	p = ids ? malloc(size ? size : 1) : NULL;
	if (!p) {
		free(ids);
		return -ENOMEM;
	}
	*types = p;
	*len = size;
	for (id = f->start; id < f->n; id++) {
		if (f->map[id - f->start] != id)
			continue;
		t = (struct btf_type *)p;
		memcpy(p, type_of(f, id), btfids_type_size(type_of(f, id)));
		p += btfids_type_size(t);
		remap_ids(f, ids, t);
		for_each_str(t, remap_str, f, s);
	}
	free(ids);
	return 0;
}

/*
 * The base's string bytes: the first offset it has no string at (libbpf
 * would lay the whole base out again to tell it otherwise).
 */
static __u32 strings_start(const struct btf *base)
{
	__u32 lo = 0, hi = 0x7fffffff, mid;

	if (!base)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (btf__str_by_offset(base, mid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Header, types, layout section, strings: as btf__dedup() leaves them. */
static int assemble(struct fast *f, struct strs *s, struct btf **out)
{
	struct btfids_btf_hdr h = { 0 };
	const __u8 *raw = btf__raw_data(f->btf, &(__u32){ 0 });
	__u32 types_len, size;
	__u8 *types, *buf;
	int err;

	if (!raw)
		return -ENOMEM;
	memcpy(&h, raw, BTF_HDR_LEN_BASE);
	if (h.hdr_len != BTF_HDR_LEN_BASE && h.hdr_len != BTF_HDR_LEN_LAYOUT) {
		f->why = "a BTF header of another size";
		return 1;
	}
	memcpy(&h, raw, h.hdr_len);
	s->start = strings_start(f->base);
	s->own = h.str_len ? btf__str_by_offset(f->btf, s->start) : NULL;
	s->own_len = s->own ? h.str_len : 0;
	err = strings_pass(f, s);
	if (!err)
		err = lay_out_types(f, s, &types, &types_len);
	if (err)
		return err;
	size = h.hdr_len + h.type_off + types_len + h.layout_len + s->len;
	buf = calloc(1, size);
	if (buf) {
		const __u8 *layout = raw + h.hdr_len + h.layout_off;

		h.type_len = types_len;
		if (h.layout_len)
			h.layout_off = h.type_off + types_len;
		h.str_off = h.type_off + types_len + h.layout_len;
		h.str_len = s->len;
		memcpy(buf, &h, h.hdr_len);
		memcpy(buf + h.hdr_len + h.type_off, types, types_len);
		if (h.layout_len)
			memcpy(buf + h.hdr_len + h.layout_off, layout, h.layout_len);
		memcpy(buf + h.hdr_len + h.str_off, s->buf, s->len);
		*out = btf__new_split(buf, size, (struct btf *)f->base);
		err = *out ? 0 : -errno ? -errno : -ENOMEM;
	}
	free(buf);
	free(types);
	return buf ? err : -ENOMEM;
}

int btfids_dedup_fast(struct btf *work, const struct btfids_btf_changes *changes,
		      struct btf **out, const char **why)
{
	enum btf_endianness host = btfids_host_is_le() ? BTF_LITTLE_ENDIAN : BTF_BIG_ENDIAN;
	struct fast f = { .btf = work, .base = btf__base_btf(work) };
	struct strs s = { 0 };
	int err;

	f.start = f.base ? btf__type_cnt(f.base) : 1;
	f.clean = changes->nr_clean;
	f.n = btf__type_cnt(work);
	if (btf__endianness(work) != host)
		f.why = "BTF of the other byte order";
	else if (f.n < f.clean || f.clean < f.start)
		f.why = "fewer types than the host's";
	err = f.why ? 1 : find_dirty(&f, changes);
	if (!err) {
		f.map = malloc((f.n - f.start + 1) * sizeof(*f.map));
		err = f.map ? 0 : -ENOMEM;
	}
	if (!err)
		memset(f.map, 0xff, (f.n - f.start + 1) * sizeof(*f.map));
	if (!err && (f.n > f.clean || f.nr_dirty))
		err = index_candidates(&f);
	if (!err)
		err = reference_pass(&f);
	if (!err)
		err = assemble(&f, &s, out);
	*why = f.why;
	free(f.dirty), free(f.time), free(f.dirty_ids), free(f.map);
	free(f.cand), free(f.canon);
	free(f.up_start), free(f.up), free(f.stamp), free(f.queue);
	free(s.keys), free(s.vals), free(s.buf);
	return err;
}
