// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ids.c - an object's .BTF_ids read for dump and verify (ids.h): the
 * library's placeholder table (collect.c) turned into slots and sets by
 * offset, the BTF, and what a value names in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "ids.h"
#include "log.h"

const char *const ids_ns_names[BTFIDS_NS_NR] = {
	[BTFIDS_NS_STRUCT] = "struct", [BTFIDS_NS_UNION] = "union",
	[BTFIDS_NS_TYPEDEF] = "typedef", [BTFIDS_NS_FUNC] = "func", [BTFIDS_NS_SET] = "set",
};

/* include/linux/btf_ids.h: the set8 header's flags. */
const char *const ids_set8_names[32] = { [0] = "BTF_SET8_KFUNCS" };

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

const char *ids_kind_name(__u32 kind)
{
	return kind < NR_BTF_KINDS && kind_names[kind] ? kind_names[kind] : "?";
}

int ids_error(const char *file, const char *what)
{
	fprintf(stderr, "btfids: %s: %s\n", file, what);
	return -EINVAL;
}

/* libbpf failed on @file, errno saying why. */
static int btf_error(const char *file)
{
	fprintf(stderr, "btfids: %s: cannot read its BTF: %s\n", file, strerror(errno));
	return -EINVAL;
}

struct btf *ids_parse_base(const char *path)
{
	struct btf *base = btf__parse(path, NULL);

	if (!base)
		btf_error(path);
	return base;
}

static int add_slot(struct ids_object *o, __u32 off, enum btfids_ns ns, const char *name)
{
	if (btfids_grow(&o->slots, &o->cap_slots, o->nr_slots + 1, sizeof(*o->slots)))
		return -ENOMEM;
	o->slots[o->nr_slots++] = (struct ids_slot){ off, ns, name };
	return 0;
}

static int add_group(struct ids_object *o, __u32 off, const struct btfids_sym *s, const char *name)
{
	if (btfids_grow(&o->groups, &o->cap_groups, o->nr_groups + 1, sizeof(*o->groups)))
		return -ENOMEM;
	o->groups[o->nr_groups++] = (struct ids_group){ off, s->kind, name, s->cnt };
	return 0;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct ids_slot *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int group_cmp(const void *a, const void *b)
{
	const struct ids_group *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int collect_ns(struct ids_object *o, enum btfids_ns ns)
{
	const struct btfids_table *t = &o->ph.ns[ns];
	__u32 i, j;
	int err = 0;

	for (i = 0; !err && i < t->names.nr; i++) {
		const struct btfids_sym *s = &t->syms[i];
		const char *name = btfids_names_at(&t->names, i);

		for (j = 0; !err && j < s->nr_offs; j++)
			err = ns == BTFIDS_NS_SET ? add_group(o, s->offs[j], s, name) :
						    add_slot(o, s->offs[j], ns, name);
	}
	return err;
}

int ids_read(struct ids_object *o, const struct btfids_opts *opts, const char *elf_path,
	     bool need_ids, bool release)
{
	struct btfids_log lg = { .opts = opts };
	int ns, err;

	memset(o, 0, sizeof(*o));
	o->elf_path = elf_path;
	err = btfids_collect(&lg, elf_path, release ? BTFIDS_RELEASE_READ : BTFIDS_RELEASE_NONE,
			     opts->kernel, &o->ph);
	if (err)
		return btfids_failed(&lg, 0, elf_path, err);	/* a line, if collect gave none */
	if (!o->ph.has_ids)
		return need_ids ? ids_error(elf_path, "no .BTF_ids section (or no symbol table)") : 0;
	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++)
		err = collect_ns(o, ns);
	if (err)
		return ids_error(elf_path, "out of memory");
	if (o->nr_slots)
		qsort(o->slots, o->nr_slots, sizeof(*o->slots), slot_cmp);
	if (o->nr_groups)
		qsort(o->groups, o->nr_groups, sizeof(*o->groups), group_cmp);
	return 0;
}

int ids_load_btf(struct ids_object *o, const char *btf_path, struct btf *base)
{
	const char *path = btf_path ? btf_path : o->elf_path;

	o->btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);
	if (o->btf)
		return 0;
	/* the object's own .BTF is optional (values alone); nothing else fails quietly */
	if (!btf_path && !base && errno == ENODATA)
		return 0;
	return btf_error(path);
}

void ids_free(struct ids_object *o)
{
	btfids_placeholders_free(&o->ph);
	btf__free(o->btf);
	free(o->slots);
	free(o->groups);
	memset(o, 0, sizeof(*o));
}

bool ids_word(const struct ids_object *o, __u32 off, __u32 *v)
{
	if (off % 4 || off >= o->ph.size || o->ph.size - off < 4)
		return false;
	*v = o->ph.words[off / 4];
	return true;
}

struct ids_named ids_type(const struct ids_object *o, __u32 id)
{
	const struct btf_type *t;
	struct ids_named n = {};

	if (!o->btf || !id || id >= btf__type_cnt(o->btf))
		return n;
	t = btf__type_by_id(o->btf, id);
	n.kind = ids_kind_name(btf_kind(t));
	n.name = btf__name_by_offset(o->btf, t->name_off) ?: "";
	return n;
}

const char *ids_slot_status(const struct ids_object *o, const struct ids_slot *s, __u32 v)
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
	if (btf_kind(t) != btfids_ns_btf_kind(s->ns) || !name || strcmp(name, s->name))
		return "mismatch";
	return "ok";
}

bool ids_in_group(const struct ids_object *o, __u32 off)
{
	__u32 i, cnt, esz;

	for (i = 0; i < o->nr_groups; i++) {
		const struct ids_group *g = &o->groups[i];

		esz = btfids_set_entry_size(g->kind);
		if (off < g->off || !ids_word(o, g->off, &cnt))
			continue;
		if ((__u64)off < (__u64)g->off + esz + (__u64)cnt * esz)
			return true;
	}
	return false;
}
