// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kfuncs.c - stage 3 for releases that find kfuncs in the kfunc sets
 * (Linux 7.3): btf2btf with libbpf, on a BTF the pass may change (its
 * own, or the one pahole lends it).
 *
 * Phases:
 *   entries   every entry of every BTF_SET8_KFUNCS set, sets by name
 *             descending (resolve_btfids' tree order), each named by the
 *             placeholder symbol at its address;
 *   index     one pass over the own types: the lowest FUNC id of each
 *             entry name and of each <name>_impl wanted, and the decl tags;
 *   kfuncs    entries to kfuncs: warnings for an entry without a symbol or
 *             without a FUNC, one kfunc per FUNC id (flags that disagree:
 *             an error, when the release says so), ascending ids;
 *   rewrite   per kfunc: "bpf_kfunc" and "bpf_fastcall" decl tags, the
 *             KF_IMPLICIT_ARGS prototype (with an <name>_impl FUNC unless
 *             one exists), arena pointers behind address_space(1).
 * Every type and string is added through libbpf in resolve_btfids' order,
 * so that the deduplicated and sorted result is the same bytes.
 *
 * Names read from the BTF are copied before anything is added: adding a
 * string may move libbpf's string data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "kf.h"
#include "kfuncs.h"
#include "sort.h"

/* One entry of a kfunc set, in the order resolve_btfids visits it. */
struct set_entry {
	const char *set;	/* the set's name */
	__u32 idx;		/* entry number in the set */
	const char *name;	/* the placeholder at its address, or NULL */
	__u32 flags;		/* KF_* */
};

struct kfunc {
	__u32 id;
	__u32 flags;
	const char *name;	/* the placeholder's (stable) */
};

struct kfuncs {
	struct btfids_log *lg;
	const char *btf_path;
	const struct btfids_release *r;
	const struct btfids_placeholders *ph;
	struct btf *btf;
	unsigned int *warnings;

	struct set_entry *entries;
	__u32 nr_entries, cap_entries;
	struct btfids_names wanted;	/* entry names and <name>_impl names */
	struct btfids_heads heads;
	__u32 *lowest;			/* per wanted name: lowest FUNC id, 0 if none */
	__u32 *tags;			/* DECL_TAG ids: the input's, then the added */
	__u32 nr_tags, cap_tags;
	struct kfunc *kf;
	__u32 nr_kf;
};

/* --- entries --------------------------------------------------------- */

static bool at_before(const void *a, const void *b)
{
	return ((const struct btfids_at *)a)->off < ((const struct btfids_at *)b)->off;
}

/* The placeholders by offset; equal offsets keep symbol table order. */
static struct btfids_at *at_by_off(const struct btfids_placeholders *ph)
{
	struct btfids_at *v = malloc(2 * ((size_t)ph->nr_at + 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (ph->nr_at)
		memcpy(v, ph->at, ph->nr_at * sizeof(*v));
	btfids_merge_sort(v, v + ph->nr_at + 1, ph->nr_at, sizeof(*v), at_before);
	return v;
}

/* glibc's bsearch() over @v: which of several at one offset is found matters. */
static const struct btfids_at *at_find(const struct btfids_at *v, __u32 n, __u32 off)
{
	__u32 l = 0, u = n, i;

	while (l < u) {
		i = (l + u) / 2;
		if (off < v[i].off)
			u = i;
		else if (off > v[i].off)
			l = i + 1;
		else
			return &v[i];
	}
	return NULL;
}

static int push_entry(struct kfuncs *k, const struct set_entry *e)
{
	if (btfids_grow(&k->entries, &k->cap_entries, k->nr_entries + 1, sizeof(*k->entries)))
		return -ENOMEM;
	k->entries[k->nr_entries++] = *e;
	return 0;
}

/* The entries of set @i if it is a kfunc set with one symbol. */
static int set_entries(struct kfuncs *k, const struct btfids_at *by_off, __u32 i)
{
	const struct btfids_table *sets = &k->ph->ns[BTFIDS_NS_SET];
	const struct btfids_sym *s = &sets->syms[i];
	const __u32 *w = k->ph->words;
	struct set_entry e = { .set = btfids_names_at(&sets->names, i) };
	const struct btfids_at *at;
	__u32 off;
	int err = 0;

	if (s->kind != BTFIDS_SYM_SET8 || s->nr_offs != 1 ||
	    !(w[s->offs[0] / BTFIDS_WORD_SIZE + 1] & BTFIDS_SET8_KFUNCS))
		return 0;
	for (e.idx = 0; !err && e.idx < s->cnt; e.idx++) {
		off = s->offs[0] + BTFIDS_SET8_ENTRY_SIZE * (e.idx + 1);
		at = at_find(by_off, k->ph->nr_at, off);
		e.name = at ? btfids_at_name(k->ph, at) : NULL;
		e.flags = w[off / BTFIDS_WORD_SIZE + 1];
		err = push_entry(k, &e);
	}
	return err;
}

static int collect_entries(struct kfuncs *k)
{
	const struct btfids_names *names = &k->ph->ns[BTFIDS_NS_SET].names;
	struct btfids_at *by_off = at_by_off(k->ph);
	__u32 *order = btfids_names_sorted_desc(names);
	__u32 i;
	int err = by_off && order ? 0 : -ENOMEM;

	for (i = 0; !err && i < names->nr; i++)
		err = set_entries(k, by_off, order[i]);
	free(by_off);
	free(order);
	return err;
}

/* --- index ----------------------------------------------------------- */

static int want(struct kfuncs *k, const char *name)
{
	bool added;
	int i;

	i = btfids_names_add(&k->wanted, name, strlen(name), &added);
	if (i < 0)
		return i;
	btfids_heads_add(&k->heads, name);
	return 0;
}

static int impl_name(const char *name, char *buf, size_t size)
{
	int len = snprintf(buf, size, "%s" BTFIDS_IMPL_SUFFIX, name);

	return len < 0 || (size_t)len >= size ? -E2BIG : 0;
}

/* The names to look up: every entry's, and the _impl of implicit-args ones. */
static int want_names(struct kfuncs *k)
{
	char impl[BTFIDS_NAME_MAX];
	__u32 i;
	int err = 0;

	for (i = 0; !err && i < k->nr_entries; i++) {
		const struct set_entry *e = &k->entries[i];

		if (!e->name)
			continue;
		err = want(k, e->name);
		if (!err && (e->flags & BTFIDS_KF_IMPLICIT_ARGS) &&
		    !impl_name(e->name, impl, sizeof(impl)))
			err = want(k, impl);
	}
	if (!err) {
		k->lowest = calloc(k->wanted.nr + 1, sizeof(*k->lowest));
		err = k->lowest ? 0 : -ENOMEM;
	}
	return err;
}

static int push_tag(struct kfuncs *k, __u32 id)
{
	if (btfids_grow(&k->tags, &k->cap_tags, k->nr_tags + 1, sizeof(*k->tags)))
		return -ENOMEM;
	k->tags[k->nr_tags++] = id;
	return 0;
}

/* FUNCs among types [@from, @to) whose names are wanted; decl tags with @tags. */
static int index_types(struct kfuncs *k, __u32 from, __u32 to, bool tags)
{
	const struct btf_type *t;
	const char *name;
	__u32 id;
	int i, err;

	for (id = from; id < to; id++) {
		t = btf__type_by_id(k->btf, id);
		if (tags && btf_is_decl_tag(t)) {
			err = push_tag(k, id);
			if (err)
				return err;
			continue;
		}
		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(k->btf, t->name_off);
		if (!name || !btfids_heads_has(&k->heads, name))
			continue;
		i = btfids_names_find(&k->wanted, name);
		if (i >= 0 && !k->lowest[i])
			k->lowest[i] = id;
	}
	return 0;
}

/*
 * Own types always; where the release looks for <name>_impl in all types,
 * the base's too, first: their ids are lower. (Base decl tags cannot name
 * an own FUNC, so only the own ones are listed.)
 */
static int index_btf(struct kfuncs *k)
{
	const struct btf *base = btf__base_btf(k->btf);
	__u32 start = base ? btf__type_cnt(base) : 1;
	__u32 *own_lowest;
	int err;

	if (k->r->impl_own_only || !base)
		return index_types(k, start, btf__type_cnt(k->btf), true);
	/* entry names are looked up in own types, _impl names in all */
	err = index_types(k, start, btf__type_cnt(k->btf), true);
	own_lowest = malloc((k->wanted.nr + 1) * sizeof(*own_lowest));
	if (err || !own_lowest) {
		free(own_lowest);
		return err ? err : -ENOMEM;
	}
	memcpy(own_lowest, k->lowest, k->wanted.nr * sizeof(*own_lowest));
	memset(k->lowest, 0, k->wanted.nr * sizeof(*own_lowest));
	err = index_types(k, 1, start, false);
	for (__u32 i = 0; !err && i < k->wanted.nr; i++) {
		if (!btfids_has_suffix(btfids_names_at(&k->wanted, i), BTFIDS_IMPL_SUFFIX) ||
		    !k->lowest[i])
			k->lowest[i] = own_lowest[i];
	}
	free(own_lowest);
	return err;
}

static __u32 lowest_func(const struct kfuncs *k, const char *name)
{
	int i = btfids_names_find(&k->wanted, name);

	return i < 0 ? 0 : k->lowest[i];
}

/* --- kfuncs ---------------------------------------------------------- */

/* Open addressing over FUNC ids: slot = kfunc index + 1. */
struct id_map {
	__u32 *slots;
	__u32 mask;
};

static __u32 *id_slot(const struct id_map *m, const struct kfunc *kf, __u32 id)
{
	__u32 h = id * 2654435761U;

	for (;; h++) {
		__u32 *s = &m->slots[h & m->mask];

		if (!*s || kf[*s - 1].id == id)
			return s;
	}
}

static bool kf_before(const void *a, const void *b)
{
	return ((const struct kfunc *)a)->id < ((const struct kfunc *)b)->id;
}

/* Entry @e to a kfunc: found, ignored (warned), or refused. */
static int add_kfunc(struct kfuncs *k, struct id_map *m, const struct set_entry *e)
{
	__u32 id, *slot;

	if (!e->name) {
		pr_warn(k->lg, "WARN: resolve_btfids: no BTF ID symbol for %s entry %u\n", e->set,
			e->idx);
		(*k->warnings)++;
		return 0;
	}
	id = lowest_func(k, e->name);
	if (!id) {
		pr_warn(k->lg, "WARN: resolve_btfids: no BTF func for kfunc %s in %s\n", e->name,
			e->set);
		(*k->warnings)++;
		return 0;
	}
	slot = id_slot(m, k->kf, id);
	if (!*slot) {
		k->kf[k->nr_kf] = (struct kfunc){ .id = id, .flags = e->flags, .name = e->name };
		*slot = ++k->nr_kf;
		return 0;
	}
	if (k->kf[*slot - 1].flags == e->flags || !k->r->flags_must_agree)
		return 0;
	btfids_error(k->lg, k->btf_path, "kfunc %s has other flags in set %s (0x%x) than in an earlier set (0x%x)",
		     e->name, e->set, e->flags, k->kf[*slot - 1].flags);
	return -EINVAL;
}

static int collect_kfuncs(struct kfuncs *k)
{
	struct id_map m = { .mask = 1 };
	struct kfunc *tmp;
	__u32 i;
	int err = 0;

	while (m.mask < 2 * k->nr_entries)
		m.mask <<= 1;
	m.slots = calloc(m.mask, sizeof(*m.slots));
	m.mask--;
	k->kf = malloc(2 * ((size_t)k->nr_entries + 1) * sizeof(*k->kf));
	if (!m.slots || !k->kf)
		err = -ENOMEM;
	for (i = 0; !err && i < k->nr_entries; i++)
		err = add_kfunc(k, &m, &k->entries[i]);
	free(m.slots);
	if (err)
		return err;
	tmp = k->kf + k->nr_entries + 1;
	btfids_merge_sort(k->kf, tmp, k->nr_kf, sizeof(*k->kf), kf_before);
	return 0;
}

/* --- rewrite --------------------------------------------------------- */

static struct btf_type *mut_type(struct kfuncs *k, __u32 id)
{
	return (struct btf_type *)btf__type_by_id(k->btf, id);
}

/* @what failed with @err for kfunc @kf: one line, the error passed on. */
static int add_failed(struct kfuncs *k, const struct kfunc *kf, const char *what, int err)
{
	btfids_error(k->lg, k->btf_path, "kfunc %s: cannot add %s: %s", kf->name, what,
		     strerror(-err));
	return err;
}

/* A copy of string @off, which a following add may move. */
static int copy_name(struct kfuncs *k, __u32 off, char *buf, size_t size)
{
	const char *s = btf__name_by_offset(k->btf, off);

	if (!s) {
		btfids_error(k->lg, k->btf_path, "string offset %u lies outside the strings", off);
		return -EINVAL;
	}
	if (snprintf(buf, size, "%s", s) >= (int)size) {
		btfids_error(k->lg, k->btf_path, "name too long: %.64s...", s);
		return -E2BIG;
	}
	return 0;
}

static int add_tag(struct kfuncs *k, const struct kfunc *kf, const char *tag)
{
	int id = btf__add_decl_tag(k->btf, tag, kf->id, -1);

	if (id < 0)
		return add_failed(k, kf, tag, id);
	return push_tag(k, id);
}

/* Implicit arguments: pointers, through modifiers, to two kernel structs. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && btf_is_mod(t) && depth++ < 32)
		t = btf__type_by_id(btf, t->type);
	return t;
}

static bool is_implicit_arg(const struct btf *btf, const struct btf_param *p)
{
	const struct btf_type *t = skip_mods(btf, p->type);

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(btf, t->type);
	return t && btf_is_struct(t) &&
	       btfids_is_implicit_arg_struct(btf__name_by_offset(btf, t->name_off));
}

/* <name>_impl: the original prototype, and every decl tag but "bpf_kfunc". */
static int add_impl_func(struct kfuncs *k, const struct kfunc *kf, const char *impl,
			 int linkage, __u32 proto_id)
{
	char tag[BTFIDS_NAME_MAX];
	const struct btf_type *t;
	int func_id, err;
	__u32 i;

	func_id = btf__add_func(k->btf, impl, linkage, proto_id);
	if (func_id < 0)
		return add_failed(k, kf, impl, func_id);
	for (i = 0; i < k->nr_tags; i++) {
		t = btf__type_by_id(k->btf, k->tags[i]);
		if (t->type != kf->id)
			continue;
		err = copy_name(k, t->name_off, tag, sizeof(tag));
		if (err)
			return err;
		if (!strcmp(tag, BTFIDS_TAG_KFUNC))
			continue;
		if (btf_kflag(t))
			err = btf__add_decl_attr(k->btf, tag, func_id, btf_decl_tag(t)->component_idx);
		else
			err = btf__add_decl_tag(k->btf, tag, func_id, btf_decl_tag(t)->component_idx);
		if (err < 0)
			return add_failed(k, kf, tag, err);
	}
	return func_id;
}

/*
 * The parameters of @proto_id, names included, onto the prototype just
 * added; with @visible, only those before the first implicit argument.
 */
static int copy_params(struct kfuncs *k, const struct kfunc *kf, __u32 proto_id, bool visible)
{
	char pname[BTFIDS_NAME_MAX];
	const struct btf_param *p;
	__u32 i, n = btf_vlen(btf__type_by_id(k->btf, proto_id));
	int err;

	for (i = 0; i < n; i++) {
		/* re-read: adding moves libbpf's types */
		p = &btf_params(btf__type_by_id(k->btf, proto_id))[i];
		if (visible && is_implicit_arg(k->btf, p))
			break;
		err = copy_name(k, p->name_off, pname, sizeof(pname));
		if (err)
			return err;
		err = btf__add_func_param(k->btf, pname, p->type);
		if (err < 0)
			return add_failed(k, kf, "a parameter", err);
	}
	return 0;
}

/* A prototype like @proto_id's, up to its first implicit argument. */
static int add_visible_proto(struct kfuncs *k, const struct kfunc *kf, __u32 proto_id)
{
	int id, err;

	id = btf__add_func_proto(k->btf, btf__type_by_id(k->btf, proto_id)->type);
	if (id < 0)
		return add_failed(k, kf, "a prototype", id);
	err = copy_params(k, kf, proto_id, true);
	return err ? err : id;
}

static int implicit_args(struct kfuncs *k, const struct kfunc *kf)
{
	char impl[BTFIDS_NAME_MAX];
	const struct btf_type *func = btf__type_by_id(k->btf, kf->id);
	__u32 proto_id = func->type;
	const struct btf_type *proto = btf__type_by_id(k->btf, proto_id);
	int i, id;

	if (!proto || !btf_is_func_proto(proto)) {
		btfids_error(k->lg, k->btf_path, "kfunc %s [%u]: type %u is not a function prototype",
			     kf->name, kf->id, proto_id);
		return -EINVAL;
	}
	if (impl_name(kf->name, impl, sizeof(impl))) {
		btfids_error(k->lg, k->btf_path, "kfunc name too long: %s" BTFIDS_IMPL_SUFFIX,
			     kf->name);
		return -E2BIG;
	}
	i = btfids_names_find(&k->wanted, impl);
	if (!k->lowest[i]) {
		id = add_impl_func(k, kf, impl, btf_vlen(func), proto_id);
		if (id < 0)
			return id;
		k->lowest[i] = id;
	}
	id = add_visible_proto(k, kf, proto_id);
	if (id < 0)
		return id;
	pr_debug(k->lg, "kfunc %s: implicit arguments hidden, prototype [%d]\n", kf->name, id);
	mut_type(k, kf->id)->type = id;
	return 0;
}

static bool is_arena_arg(const struct kfuncs *k, const struct kfunc *kf,
			 const struct btf_param *p, __u32 i)
{
	if (btfids_is_arena_param_name(btf__name_by_offset(k->btf, p->name_off)))
		return true;
	return (i == 0 && (kf->flags & BTFIDS_KF_ARENA_ARG1)) ||
	       (i == 1 && (kf->flags & BTFIDS_KF_ARENA_ARG2));
}

/* A new pointer to address_space(1) on what pointer @ptr_id points to. */
static int arena_ptr(struct kfuncs *k, const struct kfunc *kf, __u32 ptr_id)
{
	const struct btf_type *ptr = btf__type_by_id(k->btf, ptr_id);
	int attr;

	if (!ptr || !btf_is_ptr(ptr)) {
		btfids_error(k->lg, k->btf_path, "kfunc %s: arena type [%u] is not a pointer",
			     kf->name, ptr_id);
		return -EINVAL;
	}
	attr = btf__add_type_attr(k->btf, BTFIDS_ATTR_ARENA, ptr->type);
	if (attr < 0)
		return add_failed(k, kf, BTFIDS_ATTR_ARENA, attr);
	attr = btf__add_ptr(k->btf, attr);
	return attr < 0 ? add_failed(k, kf, "an arena pointer", attr) : attr;
}

static bool has_arena(const struct kfuncs *k, const struct kfunc *kf, __u32 proto_id)
{
	const struct btf_type *proto = btf__type_by_id(k->btf, proto_id);
	__u32 i;

	if (kf->flags & BTFIDS_KF_ARENA_RET)
		return true;
	for (i = 0; i < btf_vlen(proto); i++)
		if (is_arena_arg(k, kf, &btf_params(proto)[i], i))
			return true;
	return false;
}

/* Arena pointers: a new prototype (the old one may be shared). */
static int arena_attrs(struct kfuncs *k, const struct kfunc *kf)
{
	__u32 proto_id = btf__type_by_id(k->btf, kf->id)->type, i, n;
	int ret, id, err;

	if (!has_arena(k, kf, proto_id))
		return 0;
	ret = btf__type_by_id(k->btf, proto_id)->type;
	if (kf->flags & BTFIDS_KF_ARENA_RET) {
		ret = arena_ptr(k, kf, ret);
		if (ret < 0)
			return ret;
	}
	id = btf__add_func_proto(k->btf, ret);
	if (id < 0)
		return add_failed(k, kf, "a prototype", id);
	err = copy_params(k, kf, proto_id, false);
	n = btf_vlen(btf__type_by_id(k->btf, id));
	for (i = 0; !err && i < n; i++) {
		if (!is_arena_arg(k, kf, &btf_params(btf__type_by_id(k->btf, id))[i], i))
			continue;
		err = arena_ptr(k, kf, btf_params(btf__type_by_id(k->btf, id))[i].type);
		if (err >= 0)
			btf_params(mut_type(k, id))[i].type = err, err = 0;
	}
	if (!err)
		mut_type(k, kf->id)->type = id;
	return err;
}

static int rewrite(struct kfuncs *k, const struct kfunc *kf)
{
	int err = 0;

	if (k->r->emit_kfunc_tags) {
		err = add_tag(k, kf, BTFIDS_TAG_KFUNC);
		if (!err && (kf->flags & BTFIDS_KF_FASTCALL))
			err = add_tag(k, kf, BTFIDS_TAG_FASTCALL);
	}
	if (!err && (kf->flags & BTFIDS_KF_IMPLICIT_ARGS))
		err = implicit_args(k, kf);
	if (!err && k->r->arena_attrs)
		err = arena_attrs(k, kf);
	return err;
}

int btfids_kfuncs_transform(struct btfids_log *lg, const char *btf_path,
			    const struct btfids_release *r, const struct btfids_placeholders *ph,
			    struct btf *btf, unsigned int *warnings)
{
	struct kfuncs k = { .lg = lg, .btf_path = btf_path, .r = r, .ph = ph, .btf = btf,
			    .warnings = warnings };
	__u32 i;
	int err = 0;

	if (!ph->has_ids)
		return 0;
	err = collect_entries(&k);
	if (!err && k.nr_entries)
		err = want_names(&k);
	if (!err && k.nr_entries)
		err = index_btf(&k);
	if (!err && k.nr_entries)
		err = collect_kfuncs(&k);
	for (i = 0; !err && i < k.nr_kf; i++)
		err = rewrite(&k, &k.kf[i]);
	free(k.entries);
	btfids_names_free(&k.wanted);
	free(k.lowest);
	free(k.tags);
	free(k.kf);
	return err;
}
