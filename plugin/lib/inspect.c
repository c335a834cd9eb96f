// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * inspect.c - an object's .BTF_ids read for looking at it (btfids_inspect.h):
 * stage 1's placeholder table (collect.c) turned into slots and sets by
 * offset, the object's BTF, and what a value names in it. dump prints it,
 * verify.c checks it; nothing here changes the object.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "collect.h"
#include "inspect.h"

struct btfids_object {
	struct btfids_opts opts;	/* the caller's, for messages */
	struct btfids_log lg;
	char *elf_path;
	struct btfids_placeholders ph;
	struct btf *btf;		/* NULL: values only */
	struct btfids_slot *slots;	/* by offset, then name */
	__u32 nr_slots, cap_slots;
	struct btfids_set *sets;	/* by offset */
	__u32 nr_sets, cap_sets;
};

static const char *const ns_names[BTFIDS_NS_NR] = {
	[BTFIDS_NS_STRUCT] = "struct", [BTFIDS_NS_UNION] = "union",
	[BTFIDS_NS_TYPEDEF] = "typedef", [BTFIDS_NS_FUNC] = "func", [BTFIDS_NS_SET] = "set",
};

static const char *const kind_names[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "UNKN", [BTF_KIND_INT] = "INT", [BTF_KIND_PTR] = "PTR",
	[BTF_KIND_ARRAY] = "ARRAY", [BTF_KIND_STRUCT] = "STRUCT", [BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM", [BTF_KIND_FWD] = "FWD", [BTF_KIND_TYPEDEF] = "TYPEDEF",
	[BTF_KIND_VOLATILE] = "VOLATILE", [BTF_KIND_CONST] = "CONST",
	[BTF_KIND_RESTRICT] = "RESTRICT", [BTF_KIND_FUNC] = "FUNC",
	[BTF_KIND_FUNC_PROTO] = "FUNC_PROTO", [BTF_KIND_VAR] = "VAR",
	[BTF_KIND_DATASEC] = "DATASEC", [BTF_KIND_FLOAT] = "FLOAT",
	[BTF_KIND_DECL_TAG] = "DECL_TAG", [BTF_KIND_TYPE_TAG] = "TYPE_TAG",
	[BTF_KIND_ENUM64] = "ENUM64",
};

const char *btfids__btf_kind_name(__u32 kind)
{
	return kind < NR_BTF_KINDS && kind_names[kind] ? kind_names[kind] : "?";
}

/* libbpf failed on @path, errno saying why. */
static int btf_error(struct btfids_log *lg, const char *path)
{
	int err = -errno;

	btfids_error(lg, path, "cannot read its BTF: %s", strerror(errno));
	return err < 0 ? err : -EINVAL;
}

struct btf *btfids__parse_base(const char *path, const struct btfids_opts *opts)
{
	struct btfids_log lg = { .opts = opts };
	struct btf *base = btf__parse(path, NULL);

	if (!base)
		errno = -btf_error(&lg, path);
	return base;
}

static int add_slot(struct btfids_object *o, __u32 off, enum btfids_ns ns, const char *name)
{
	if (btfids_grow(&o->slots, &o->cap_slots, o->nr_slots + 1, sizeof(*o->slots)))
		return -ENOMEM;
	o->slots[o->nr_slots++] = (struct btfids_slot){
		.off = off, .ns = ns_names[ns], .name = name, .btf_kind = btfids_ns_btf_kind(ns),
	};
	return 0;
}

static int add_set(struct btfids_object *o, __u32 off, const struct btfids_sym *s, const char *name)
{
	if (btfids_grow(&o->sets, &o->cap_sets, o->nr_sets + 1, sizeof(*o->sets)))
		return -ENOMEM;
	o->sets[o->nr_sets++] = (struct btfids_set){
		.off = off, .set8 = s->kind == BTFIDS_SYM_SET8, .name = name, .room = s->cnt,
		.entry_size = btfids_set_entry_size(s->kind),
	};
	return 0;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct btfids_slot *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int set_cmp(const void *a, const void *b)
{
	const struct btfids_set *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int collect_ns(struct btfids_object *o, enum btfids_ns ns)
{
	const struct btfids_table *t = &o->ph.ns[ns];
	__u32 i, j;
	int err = 0;

	for (i = 0; !err && i < t->names.nr; i++) {
		const struct btfids_sym *s = &t->syms[i];
		const char *name = btfids_names_at(&t->names, i);

		for (j = 0; !err && j < s->nr_offs; j++)
			err = ns == BTFIDS_NS_SET ? add_set(o, s->offs[j], s, name) :
						    add_slot(o, s->offs[j], ns, name);
	}
	return err;
}

/* The placeholders of o->elf_path as slots and sets; 0 or an error reported. */
static int read_ids(struct btfids_object *o, unsigned int flags)
{
	enum btfids_collect_release rel = flags & BTFIDS_OBJECT_RELEASE ? BTFIDS_RELEASE_READ :
									  BTFIDS_RELEASE_NONE;
	int ns, err;

	err = btfids_collect(&o->lg, o->elf_path, rel, o->opts.kernel, &o->ph);
	if (err)
		return btfids_failed(&o->lg, 0, o->elf_path, err);
	if (!o->ph.has_ids) {
		if (!(flags & BTFIDS_OBJECT_NEED_IDS))
			return 0;
		btfids_error(&o->lg, o->elf_path, "no .BTF_ids section (or no symbol table)");
		return -ENOENT;
	}
	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++)
		err = collect_ns(o, ns);
	if (err)
		return btfids_failed(&o->lg, 0, o->elf_path, err);
	if (o->nr_slots)
		qsort(o->slots, o->nr_slots, sizeof(*o->slots), slot_cmp);
	if (o->nr_sets)
		qsort(o->sets, o->nr_sets, sizeof(*o->sets), set_cmp);
	return 0;
}

struct btfids_object *btfids_object__open(const char *elf_path, const struct btfids_opts *opts,
					  unsigned int flags)
{
	struct btfids_object *o = calloc(1, sizeof(*o));
	struct btfids_log lg = { .opts = opts };
	int err;

	if (!o || !(o->elf_path = strdup(elf_path))) {
		free(o);
		btfids_error(&lg, elf_path, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (opts)
		memcpy(&o->opts, opts, opts->sz < sizeof(o->opts) ? opts->sz : sizeof(o->opts));
	o->opts.sz = sizeof(o->opts);
	o->lg.opts = &o->opts;
	err = read_ids(o, flags);
	if (err) {
		btfids_object__free(o);
		errno = -err;
		return NULL;
	}
	return o;
}

int btfids_object__load_btf(struct btfids_object *o, const char *btf_path, const struct btf *base,
			    const char *base_path)
{
	const char *path = btf_path ? btf_path : o->elf_path;

	/* libbpf keeps @base as the split BTF's base and never changes it */
	o->btf = base ? btf__parse_split(path, (struct btf *)base) : btf__parse(path, NULL);
	if (o->btf)
		return 0;
	/* the object's own .BTF is optional (values alone); nothing else fails quietly */
	if (!btf_path && !base && errno == ENODATA)
		return 0;
	/* libbpf's word for ids or strings past the base's end */
	if (base && errno == EINVAL) {
		btfids_error(&o->lg, path, "its BTF does not fit the base %s", base_path ?: "given");
		return -EINVAL;
	}
	return btf_error(&o->lg, path);
}

void btfids_object__free(struct btfids_object *o)
{
	if (!o)
		return;
	btfids_placeholders_free(&o->ph);
	btf__free(o->btf);
	free(o->slots);
	free(o->sets);
	free(o->elf_path);
	free(o);
}

const char *btfids_object__path(const struct btfids_object *o)
{
	return o->elf_path;
}

const struct btf *btfids_object__btf(const struct btfids_object *o)
{
	return o->btf;
}

const char *btfids_object__kernel(const struct btfids_object *o)
{
	return o->ph.release ? o->ph.release->name : NULL;
}

const struct btfids_release *btfids_object_release(const struct btfids_object *o)
{
	return o->ph.release;
}

size_t btfids_object__ids_size(const struct btfids_object *o)
{
	return o->ph.size;
}

__u32 btfids_object__slot_cnt(const struct btfids_object *o)
{
	return o->nr_slots;
}

const struct btfids_slot *btfids_object__slot(const struct btfids_object *o, __u32 i)
{
	return i < o->nr_slots ? &o->slots[i] : NULL;
}

__u32 btfids_object__set_cnt(const struct btfids_object *o)
{
	return o->nr_sets;
}

const struct btfids_set *btfids_object__set(const struct btfids_object *o, __u32 i)
{
	return i < o->nr_sets ? &o->sets[i] : NULL;
}

bool btfids_object__word(const struct btfids_object *o, __u32 off, __u32 *v)
{
	if (off % 4 || off >= o->ph.size || o->ph.size - off < 4)
		return false;
	*v = o->ph.words[off / 4];
	return true;
}

struct btfids_named btfids_object__type(const struct btfids_object *o, __u32 id)
{
	const struct btf_type *t;
	struct btfids_named n = {};

	if (!o->btf || !id || id >= btf__type_cnt(o->btf))
		return n;
	t = btf__type_by_id(o->btf, id);
	n.kind = btfids__btf_kind_name(btf_kind(t));
	n.name = btf__name_by_offset(o->btf, t->name_off) ?: "";
	return n;
}

const char *btfids_object__slot_status(const struct btfids_object *o,
				       const struct btfids_slot *s, __u32 v)
{
	const struct btf_type *t;
	const char *name;

	if (!v)
		return "unresolved";
	if (!o->btf)
		return "unchecked";
	if (v >= btf__type_cnt(o->btf))
		return "mismatch";
	t = btf__type_by_id(o->btf, v);
	name = btf__name_by_offset(o->btf, t->name_off);
	if (btf_kind(t) != s->btf_kind || !name || strcmp(name, s->name))
		return "mismatch";
	return "ok";
}

bool btfids_object__in_set(const struct btfids_object *o, __u32 off)
{
	__u32 i, cnt;

	for (i = 0; i < o->nr_sets; i++) {
		const struct btfids_set *g = &o->sets[i];

		if (off < g->off || !btfids_object__word(o, g->off, &cnt))
			continue;
		if ((__u64)off < (__u64)g->off + g->entry_size + (__u64)cnt * g->entry_size)
			return true;
	}
	return false;
}
