// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dump.c - `btfids dump`: what an object's .BTF_ids holds, slot by slot,
 * and what each value names in the object's BTF, printed from the
 * library's model of it (btfids_inspect.h), as text or JSON (json.c).
 *
 *   btfids dump [--json] [--kernel R] [--btf FILE] [-b|--btf_base FILE] ELF
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
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfids_inspect.h"
#include "cmd.h"
#include "json.h"

struct dump {
	struct btfids_object *o;
	bool has_btf;
	struct json *j;		/* NULL: text */
};

typedef const char *(*flag_name_fn)(unsigned int bit);

/* Text: flag names of @v joined by '|', unknown bits as one hex number. */
static void print_flags(__u32 v, flag_name_fn name_of)
{
	__u32 unknown = 0, bit;
	bool first = true;

	for (bit = 0; bit < 32; bit++) {
		if (!(v & (1U << bit)))
			continue;
		if (!name_of(bit)) {
			unknown |= 1U << bit;
			continue;
		}
		printf(first ? "%s" : "|%s", name_of(bit));
		first = false;
	}
	if (unknown)
		printf("%s0x%x", first ? "" : "|", unknown);
}

/* JSON: "flags" and "flag_names", unknown bits as one "0x..." string. */
static void json_flags(struct json *j, __u32 v, flag_name_fn name_of)
{
	__u32 unknown = 0, bit;
	char hex[16];

	json_member_uint(j, "flags", v);
	json_name(j, "flag_names");
	json_array_start(j);
	for (bit = 0; bit < 32; bit++) {
		if (!(v & (1U << bit)))
			continue;
		if (name_of(bit))
			json_string(j, name_of(bit));
		else
			unknown |= 1U << bit;
	}
	if (unknown) {
		snprintf(hex, sizeof(hex), "0x%x", unknown);
		json_string(j, hex);
	}
	json_array_end(j);
}

static void json_named(struct json *j, const struct btfids_named *n)
{
	json_name(j, "type");
	if (!n->kind) {
		json_null(j);
		return;
	}
	json_object_start(j);
	json_member_string(j, "kind", n->kind);
	json_member_string(j, "name", n->name);
	json_object_end(j);
}

static void print_named(const struct dump *d, const struct btfids_named *n, __u32 v)
{
	if (!v)
		printf("<unresolved>");
	else if (d->has_btf)
		printf("%s %s", n->kind ?: "<no such type>", n->kind ? n->name : "");
}

/* Slots [i, j) share one offset. */
static void dump_slot(struct dump *d, __u32 i, __u32 j)
{
	const struct btfids_slot *s = btfids_object__slot(d->o, i), *t;
	__u32 v = 0, k;
	bool have = btfids_object__word(d->o, s->off, &v);
	struct btfids_named n = btfids_object__type(d->o, v);
	const char *st = have ? btfids_object__slot_status(d->o, s, v) : "outside";

	if (!d->j) {
		printf("0x%06x  %-7s %-40s %10u  ", s->off, s->ns, s->name, v);
		print_named(d, &n, v);
		if (!strcmp(st, "mismatch") || !strcmp(st, "outside"))
			printf("  <%s>", st);
		for (k = i + 1; k < j; k++) {
			t = btfids_object__slot(d->o, k);
			printf("\n          also %s %s", t->ns, t->name);
		}
		putchar('\n');
		return;
	}
	json_object_start(d->j);
	json_member_uint(d->j, "offset", s->off);
	json_name(d->j, "symbols");
	json_array_start(d->j);
	for (k = i; k < j; k++) {
		t = btfids_object__slot(d->o, k);
		json_object_start(d->j);
		json_member_string(d->j, "kind", t->ns);
		json_member_string(d->j, "name", t->name);
		json_object_end(d->j);
	}
	json_array_end(d->j);
	json_member_uint(d->j, "value", v);
	json_named(d->j, &n);
	json_member_string(d->j, "status", st);
	json_object_end(d->j);
}

static void dump_entry(struct dump *d, const struct btfids_set *g, __u32 e)
{
	__u32 off = g->off + g->entry_size * (e + 1), v = 0, fl = 0;
	bool have = btfids_object__word(d->o, off, &v);
	struct btfids_named n = btfids_object__type(d->o, v);

	if (g->set8)
		have = have && btfids_object__word(d->o, off + 4, &fl);
	if (!d->j) {
		printf("          [%u] 0x%06x %10u  ", e, off, v);
		if (!have)
			printf("<outside .BTF_ids>");
		else
			print_named(d, &n, v);
		if (g->set8 && fl) {
			printf("  flags 0x%x ", fl);
			print_flags(fl, btfids__kf_flag_name);
		}
		putchar('\n');
		return;
	}
	json_object_start(d->j);
	json_member_uint(d->j, "offset", off);
	json_member_uint(d->j, "value", v);
	json_named(d->j, &n);
	if (g->set8)
		json_flags(d->j, fl, btfids__kf_flag_name);
	json_object_end(d->j);
}

static void dump_set_head(struct dump *d, const struct btfids_set *g, __u32 cnt, __u32 flags)
{
	const char *kind = g->set8 ? "set8" : "set";

	if (!d->j) {
		printf("0x%06x  %-7s %-40s cnt %u (room for %u)", g->off, kind, g->name, cnt,
		       g->room);
		if (g->set8) {
			printf(" flags 0x%x%s", flags, flags ? " " : "");
			print_flags(flags, btfids__set8_flag_name);
		}
		putchar('\n');
		return;
	}
	json_object_start(d->j);
	json_member_uint(d->j, "offset", g->off);
	json_member_string(d->j, "kind", kind);
	json_member_string(d->j, "name", g->name);
	json_member_uint(d->j, "count", cnt);
	json_member_uint(d->j, "room", g->room);
	if (g->set8)
		json_flags(d->j, flags, btfids__set8_flag_name);
	json_name(d->j, "entries");
	json_array_start(d->j);
}

static void dump_set(struct dump *d, const struct btfids_set *g)
{
	__u32 cnt = 0, flags = 0, e, word;

	btfids_object__word(d->o, g->off, &cnt);
	if (g->set8)
		btfids_object__word(d->o, g->off + 4, &flags);
	dump_set_head(d, g, cnt, flags);
	/* a count the section cannot hold stops at its end */
	for (e = 0; e < cnt && btfids_object__word(d->o, g->off + (e + 1) * g->entry_size, &word);
	     e++)
		dump_entry(d, g, e);
	if (d->j) {
		json_array_end(d->j);
		json_object_end(d->j);
	}
}

static void dump_head(struct dump *d)
{
	const char *path = btfids_object__path(d->o);
	size_t size = btfids_object__ids_size(d->o);

	if (!d->j) {
		printf("%s: .BTF_ids %zu bytes, %u placeholder symbols, %u sets%s\n", path, size,
		       btfids_object__slot_cnt(d->o), btfids_object__set_cnt(d->o),
		       d->has_btf ? "" : " (no BTF: values only)");
		return;
	}
	json_object_start(d->j);
	json_member_string(d->j, "object", path);
	json_member_uint(d->j, "size", size);
	json_member_bool(d->j, "btf", d->has_btf);
}

static void dump_all(struct dump *d)
{
	__u32 i, j, n = btfids_object__slot_cnt(d->o);

	dump_head(d);
	if (d->j) {
		json_name(d->j, "slots");
		json_array_start(d->j);
	}
	for (i = 0; i < n; i = j) {
		__u32 off = btfids_object__slot(d->o, i)->off;

		for (j = i + 1; j < n && btfids_object__slot(d->o, j)->off == off; j++)
			;
		if (!btfids_object__in_set(d->o, off))
			dump_slot(d, i, j);
	}
	if (d->j) {
		json_array_end(d->j);
		json_name(d->j, "sets");
		json_array_start(d->j);
	}
	for (i = 0; i < btfids_object__set_cnt(d->o); i++)
		dump_set(d, btfids_object__set(d->o, i));
	if (d->j) {
		json_array_end(d->j);
		json_object_end(d->j);
		json_end(d->j);
	}
}

int do_dump(struct cmd_args *a)
{
	struct btf *base = NULL;
	struct json j;
	struct dump d = { .j = a->json ? &j : NULL };
	int err = 0;

	d.o = btfids_object__open(a->files[0], &a->opts, BTFIDS_OBJECT_NEED_IDS);
	if (!d.o)
		return CMD_EXIT_FAILED;
	if (a->base_path) {
		base = btfids__parse_base(a->base_path, &a->opts);
		err = base ? 0 : -EINVAL;
	}
	if (!err)
		err = btfids_object__load_btf(d.o, a->btf_path, base, a->base_path);
	if (!err) {
		d.has_btf = btfids_object__btf(d.o) != NULL;
		json_begin(&j, stdout);
		dump_all(&d);
	}
	btfids_object__free(d.o);
	btf__free(base);
	return err ? CMD_EXIT_FAILED : 0;
}
