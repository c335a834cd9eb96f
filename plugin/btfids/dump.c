// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dump.c - `btfids dump`: what an object's .BTF_ids holds, slot by slot,
 * and what each value names in the object's BTF.
 *
 *   btfids dump [--json] [--btf FILE] [-b|--btf_base FILE] ELF
 *
 * Slots outside sets are listed one per offset, with the placeholder
 * symbols at that offset; sets and set8s as groups, each entry with the
 * type its value names (after resolve_btfids' sort, the symbol that sat
 * in an entry's place before may be another's). The BTF is the ELF's own
 * .BTF, or --btf (raw, or an ELF's .BTF), split on --btf_base when given.
 * Without BTF the values are shown alone. Works on objects before and
 * after resolution (before, every value is 0).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "collect.h"
#include "dump.h"
#include "log.h"

/* One slot outside sets: an offset, and the placeholders that name it. */
struct slot {
	__u32 off;
	enum btfids_ns ns;
	const char *name;
};

/* One set or set8: its symbol, where its header is, how many it holds. */
struct group {
	__u32 off;
	enum btfids_sym_kind kind;
	const char *name;
	__u32 sym_cnt;		/* entries the symbol's size has room for */
};

struct dump {
	const char *elf_path;
	bool json;
	struct btfids_placeholders ph;
	struct btf *btf, *base;
	struct slot *slots;
	__u32 nr_slots, cap_slots;
	struct group *groups;
	__u32 nr_groups, cap_groups;
	bool first;		/* JSON: no comma before the next element */
};

static const char *const ns_names[BTFIDS_NS_NR] = {
	[BTFIDS_NS_STRUCT] = "struct", [BTFIDS_NS_UNION] = "union",
	[BTFIDS_NS_TYPEDEF] = "typedef", [BTFIDS_NS_FUNC] = "func", [BTFIDS_NS_SET] = "set",
};

/* Linux 7.2 include/linux/btf.h: the KF_* bits of a set8 entry. */
static const char *const kf_names[32] = {
	[0] = "KF_ACQUIRE", [1] = "KF_RELEASE", [2] = "KF_RET_NULL",
	[5] = "KF_SLEEPABLE", [6] = "KF_DESTRUCTIVE", [7] = "KF_RCU",
	[8] = "KF_ITER_NEW", [9] = "KF_ITER_NEXT", [10] = "KF_ITER_DESTROY",
	[11] = "KF_RCU_PROTECTED", [12] = "KF_FASTCALL", [13] = "KF_ARENA_RET",
	[14] = "KF_ARENA_ARG1", [15] = "KF_ARENA_ARG2", [16] = "KF_IMPLICIT_ARGS",
};

/* include/linux/btf_ids.h: the set8 header's flags. */
static const char *const set8_names[32] = { [0] = "BTF_SET8_KFUNCS" };

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

/* The BTF kind a namespace's placeholders name. */
static int ns_kind(enum btfids_ns ns)
{
	switch (ns) {
	case BTFIDS_NS_STRUCT:
		return BTF_KIND_STRUCT;
	case BTFIDS_NS_UNION:
		return BTF_KIND_UNION;
	case BTFIDS_NS_TYPEDEF:
		return BTF_KIND_TYPEDEF;
	case BTFIDS_NS_FUNC:
		return BTF_KIND_FUNC;
	default:
		return -1;
	}
}

static int dump_error(const char *file, const char *what)
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

/* --- collect: slots and groups, by offset --- */

static int add_slot(struct dump *d, __u32 off, enum btfids_ns ns, const char *name)
{
	if (btfids_grow(&d->slots, &d->cap_slots, d->nr_slots + 1, sizeof(*d->slots)))
		return -ENOMEM;
	d->slots[d->nr_slots++] = (struct slot){ off, ns, name };
	return 0;
}

static int add_group(struct dump *d, __u32 off, const struct btfids_sym *s, const char *name)
{
	if (btfids_grow(&d->groups, &d->cap_groups, d->nr_groups + 1, sizeof(*d->groups)))
		return -ENOMEM;
	d->groups[d->nr_groups++] = (struct group){ off, s->kind, name, s->cnt };
	return 0;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int collect_ns(struct dump *d, enum btfids_ns ns)
{
	const struct btfids_table *t = &d->ph.ns[ns];
	__u32 i, j;
	int err = 0;

	for (i = 0; !err && i < t->names.nr; i++) {
		const struct btfids_sym *s = &t->syms[i];
		const char *name = btfids_names_at(&t->names, i);

		for (j = 0; !err && j < s->nr_offs; j++)
			err = ns == BTFIDS_NS_SET ? add_group(d, s->offs[j], s, name) :
						    add_slot(d, s->offs[j], ns, name);
	}
	return err;
}

static int collect_slots(struct dump *d)
{
	int ns, err = 0;

	for (ns = 0; !err && ns < BTFIDS_NS_NR; ns++)
		err = collect_ns(d, ns);
	if (err)
		return dump_error(d->elf_path, "out of memory");
	if (d->nr_slots)
		qsort(d->slots, d->nr_slots, sizeof(*d->slots), slot_cmp);
	if (d->nr_groups)
		qsort(d->groups, d->nr_groups, sizeof(*d->groups), group_cmp);
	return 0;
}

/* --- BTF --- */

static int load_btf(struct dump *d, const char *btf_path, const char *base_path)
{
	const char *path = btf_path ? btf_path : d->elf_path;

	if (base_path) {
		d->base = btf__parse(base_path, NULL);
		if (!d->base)
			return btf_error(base_path);
	}
	d->btf = d->base ? btf__parse_split(path, d->base) : btf__parse(path, NULL);
	if (d->btf)
		return 0;
	if (btf_path || d->base)
		return btf_error(path);
	return 0;	/* the object's own .BTF is optional: values alone */
}

/* --- what a value names --- */

struct named {
	const char *kind;	/* NULL: no type of that id */
	const char *name;
};

static struct named type_of(const struct dump *d, __u32 id)
{
	const struct btf_type *t;
	struct named n = {};

	if (!d->btf || !id || id >= btf__type_cnt(d->btf))
		return n;
	t = btf__type_by_id(d->btf, id);
	n.kind = btf_kind(t) < NR_BTF_KINDS && kind_names[btf_kind(t)] ?
		 kind_names[btf_kind(t)] : "?";
	n.name = btf__name_by_offset(d->btf, t->name_off) ?: "";
	return n;
}

/* ok, unresolved (0), or mismatch: the value names another kind or name */
static const char *slot_status(const struct dump *d, const struct slot *s, __u32 v)
{
	const struct btf_type *t;
	const char *name;

	if (!v)
		return "unresolved";
	if (!d->btf)
		return "unchecked";
	if (v >= btf__type_cnt(d->btf))
		return "mismatch";
	t = btf__type_by_id(d->btf, v);
	name = btf__name_by_offset(d->btf, t->name_off);
	if ((int)btf_kind(t) != ns_kind(s->ns) || !name || strcmp(name, s->name))
		return "mismatch";
	return "ok";
}

static bool word_at(const struct dump *d, __u32 off, __u32 *v)
{
	if (off % 4 || off >= d->ph.size || d->ph.size - off < 4)
		return false;
	*v = d->ph.words[off / 4];
	return true;
}

/* --- output --- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* Flag names of @v from @names, unknown bits as one hex number. */
static void print_flags(bool json, __u32 v, const char *const names[32])
{
	__u32 unknown = 0, bit;
	bool first = true;

	if (json)
		putchar('[');
	for (bit = 0; bit < 32; bit++) {
		if (!(v & (1U << bit)))
			continue;
		if (!names[bit]) {
			unknown |= 1U << bit;
			continue;
		}
		if (json) {
			printf(first ? "" : ", ");
			json_str(names[bit]);
		} else {
			printf(first ? "%s" : "|%s", names[bit]);
		}
		first = false;
	}
	if (unknown)
		printf(json ? "%s\"0x%x\"" : "%s0x%x", first ? "" : (json ? ", " : "|"), unknown);
	if (json)
		putchar(']');
}

static void print_named_json(const struct named *n)
{
	if (!n->kind) {
		printf("null");
		return;
	}
	printf("{\"kind\": ");
	json_str(n->kind);
	printf(", \"name\": ");
	json_str(n->name);
	putchar('}');
}

static void print_named_text(const struct dump *d, const struct named *n, __u32 v)
{
	if (!v)
		printf("<unresolved>");
	else if (d->btf)
		printf("%s %s", n->kind ?: "<no such type>", n->kind ? n->name : "");
}

/* Slots [i, j) share one offset. */
static void print_slot(struct dump *d, __u32 i, __u32 j)
{
	const struct slot *s = &d->slots[i];
	__u32 v = 0, k;
	bool have = word_at(d, s->off, &v);
	struct named n = type_of(d, v);
	const char *st = have ? slot_status(d, s, v) : "outside";

	if (!d->json) {
		printf("0x%06x  %-7s %-40s %10u  ", s->off, ns_names[s->ns], s->name, v);
		print_named_text(d, &n, v);
		if (!strcmp(st, "mismatch") || !strcmp(st, "outside"))
			printf("  <%s>", st);
		for (k = i + 1; k < j; k++)
			printf("\n          also %s %s", ns_names[d->slots[k].ns], d->slots[k].name);
		putchar('\n');
		return;
	}
	printf("%s\n    {\"offset\": %u, \"symbols\": [", d->first ? "" : ",", s->off);
	for (k = i; k < j; k++) {
		printf(k > i ? ", {\"kind\": " : "{\"kind\": ");
		json_str(ns_names[d->slots[k].ns]);
		printf(", \"name\": ");
		json_str(d->slots[k].name);
		putchar('}');
	}
	printf("], \"value\": %u, \"type\": ", v);
	print_named_json(&n);
	printf(", \"status\": \"%s\"}", st);
	d->first = false;
}

/* Is @off inside the entries of a group? Their slots are shown there. */
static bool in_group(const struct dump *d, __u32 off)
{
	__u32 i, cnt, esz;

	for (i = 0; i < d->nr_groups; i++) {
		const struct group *g = &d->groups[i];

		esz = btfids_set_entry_size(g->kind);
		if (off < g->off || !word_at(d, g->off, &cnt))
			continue;
		if ((__u64)off < (__u64)g->off + esz + (__u64)cnt * esz)
			return true;
	}
	return false;
}

static void print_entry(struct dump *d, const struct group *g, __u32 e)
{
	__u32 esz = btfids_set_entry_size(g->kind), off = g->off + esz + e * esz, v = 0, fl = 0;
	bool have = word_at(d, off, &v);
	struct named n = type_of(d, v);

	if (g->kind == BTFIDS_SYM_SET8)
		have = have && word_at(d, off + 4, &fl);
	if (!d->json) {
		printf("          [%u] 0x%06x %10u  ", e, off, v);
		if (!have)
			printf("<outside .BTF_ids>");
		else
			print_named_text(d, &n, v);
		if (g->kind == BTFIDS_SYM_SET8 && fl) {
			printf("  flags 0x%x ", fl);
			print_flags(false, fl, kf_names);
		}
		putchar('\n');
		return;
	}
	printf("%s\n        {\"offset\": %u, \"value\": %u, \"type\": ", e ? "," : "", off, v);
	print_named_json(&n);
	if (g->kind == BTFIDS_SYM_SET8) {
		printf(", \"flags\": %u, \"flag_names\": ", fl);
		print_flags(true, fl, kf_names);
	}
	putchar('}');
}

static void print_group(struct dump *d, const struct group *g)
{
	__u32 cnt = 0, flags = 0, e, word;
	const char *kind = g->kind == BTFIDS_SYM_SET8 ? "set8" : "set";

	word_at(d, g->off, &cnt);
	if (g->kind == BTFIDS_SYM_SET8)
		word_at(d, g->off + 4, &flags);
	if (!d->json) {
		printf("0x%06x  %-7s %-40s cnt %u (room for %u)", g->off, kind, g->name, cnt,
		       g->sym_cnt);
		if (g->kind == BTFIDS_SYM_SET8) {
			printf(" flags 0x%x%s", flags, flags ? " " : "");
			print_flags(false, flags, set8_names);
		}
		putchar('\n');
	} else {
		printf("%s\n    {\"offset\": %u, \"kind\": \"%s\", \"name\": ", d->first ? "" : ",",
		       g->off, kind);
		json_str(g->name);
		printf(", \"count\": %u, \"room\": %u", cnt, g->sym_cnt);
		if (g->kind == BTFIDS_SYM_SET8) {
			printf(", \"flags\": %u, \"flag_names\": ", flags);
			print_flags(true, flags, set8_names);
		}
		printf(", \"entries\": [");
	}
	/* a count the section cannot hold stops at its end */
	for (e = 0; e < cnt && word_at(d, g->off + (e + 1) * btfids_set_entry_size(g->kind), &word);
	     e++)
		print_entry(d, g, e);
	if (d->json)
		printf("%s]}", cnt ? "\n    " : "");
	d->first = false;
}

static void print_all(struct dump *d)
{
	__u32 i, j;

	if (d->json) {
		printf("{\"object\": ");
		json_str(d->elf_path);
		printf(", \"size\": %zu, \"btf\": %s,\n  \"slots\": [", d->ph.size,
		       d->btf ? "true" : "false");
	} else {
		printf("%s: .BTF_ids %zu bytes, %u placeholder symbols, %u sets%s\n",
		       d->elf_path, d->ph.size, d->nr_slots, d->nr_groups,
		       d->btf ? "" : " (no BTF: values only)");
	}
	d->first = true;
	for (i = 0; i < d->nr_slots; i = j) {
		for (j = i + 1; j < d->nr_slots && d->slots[j].off == d->slots[i].off; j++)
			;
		if (!in_group(d, d->slots[i].off))
			print_slot(d, i, j);
	}
	if (d->json)
		printf("%s],\n  \"sets\": [", d->first ? "" : "\n  ");
	d->first = true;
	for (i = 0; i < d->nr_groups; i++)
		print_group(d, &d->groups[i]);
	if (d->json)
		printf("%s]}\n", d->first ? "" : "\n  ");
}

static void dump_free(struct dump *d)
{
	btfids_placeholders_free(&d->ph);
	btf__free(d->btf);
	btf__free(d->base);
	free(d->slots);
	free(d->groups);
}

int btfids_dump(const struct btfids_opts *opts, const struct btfids_dump_args *a)
{
	struct btfids_log lg = { .opts = opts };
	struct dump d = { .elf_path = a->elf_path, .json = a->json };
	int err;

	err = btfids_collect(&lg, a->elf_path, &d.ph);
	if (!err && !d.ph.has_ids)
		err = dump_error(a->elf_path, "no .BTF_ids section (or no symbol table)");
	if (!err)
		err = load_btf(&d, a->btf_path, a->base_path);
	if (!err)
		err = collect_slots(&d);
	if (!err)
		print_all(&d);
	dump_free(&d);
	return err;
}
