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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dump.h"
#include "ids.h"
#include "kf.h"

struct dump {
	struct ids_object o;
	struct btf *base;
	bool json;
	bool first;		/* JSON: no comma before the next element */
};

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

static void print_named_json(const struct ids_named *n)
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

static void print_named_text(const struct dump *d, const struct ids_named *n, __u32 v)
{
	if (!v)
		printf("<unresolved>");
	else if (d->o.btf)
		printf("%s %s", n->kind ?: "<no such type>", n->kind ? n->name : "");
}

/* Slots [i, j) share one offset. */
static void print_slot(struct dump *d, __u32 i, __u32 j)
{
	const struct ids_slot *s = &d->o.slots[i];
	__u32 v = 0, k;
	bool have = ids_word(&d->o, s->off, &v);
	struct ids_named n = ids_type(&d->o, v);
	const char *st = have ? ids_slot_status(&d->o, s, v) : "outside";

	if (!d->json) {
		printf("0x%06x  %-7s %-40s %10u  ", s->off, ids_ns_names[s->ns], s->name, v);
		print_named_text(d, &n, v);
		if (!strcmp(st, "mismatch") || !strcmp(st, "outside"))
			printf("  <%s>", st);
		for (k = i + 1; k < j; k++)
			printf("\n          also %s %s", ids_ns_names[d->o.slots[k].ns], d->o.slots[k].name);
		putchar('\n');
		return;
	}
	printf("%s\n    {\"offset\": %u, \"symbols\": [", d->first ? "" : ",", s->off);
	for (k = i; k < j; k++) {
		printf(k > i ? ", {\"kind\": " : "{\"kind\": ");
		json_str(ids_ns_names[d->o.slots[k].ns]);
		printf(", \"name\": ");
		json_str(d->o.slots[k].name);
		putchar('}');
	}
	printf("], \"value\": %u, \"type\": ", v);
	print_named_json(&n);
	printf(", \"status\": \"%s\"}", st);
	d->first = false;
}

static void print_entry(struct dump *d, const struct ids_group *g, __u32 e)
{
	__u32 esz = btfids_set_entry_size(g->kind), off = g->off + esz + e * esz, v = 0, fl = 0;
	bool have = ids_word(&d->o, off, &v);
	struct ids_named n = ids_type(&d->o, v);

	if (g->kind == BTFIDS_SYM_SET8)
		have = have && ids_word(&d->o, off + 4, &fl);
	if (!d->json) {
		printf("          [%u] 0x%06x %10u  ", e, off, v);
		if (!have)
			printf("<outside .BTF_ids>");
		else
			print_named_text(d, &n, v);
		if (g->kind == BTFIDS_SYM_SET8 && fl) {
			printf("  flags 0x%x ", fl);
			print_flags(false, fl, btfids_kf_names);
		}
		putchar('\n');
		return;
	}
	printf("%s\n        {\"offset\": %u, \"value\": %u, \"type\": ", e ? "," : "", off, v);
	print_named_json(&n);
	if (g->kind == BTFIDS_SYM_SET8) {
		printf(", \"flags\": %u, \"flag_names\": ", fl);
		print_flags(true, fl, btfids_kf_names);
	}
	putchar('}');
}

static void print_group(struct dump *d, const struct ids_group *g)
{
	__u32 cnt = 0, flags = 0, e, word;
	const char *kind = g->kind == BTFIDS_SYM_SET8 ? "set8" : "set";

	ids_word(&d->o, g->off, &cnt);
	if (g->kind == BTFIDS_SYM_SET8)
		ids_word(&d->o, g->off + 4, &flags);
	if (!d->json) {
		printf("0x%06x  %-7s %-40s cnt %u (room for %u)", g->off, kind, g->name, cnt,
		       g->room);
		if (g->kind == BTFIDS_SYM_SET8) {
			printf(" flags 0x%x%s", flags, flags ? " " : "");
			print_flags(false, flags, ids_set8_names);
		}
		putchar('\n');
	} else {
		printf("%s\n    {\"offset\": %u, \"kind\": \"%s\", \"name\": ", d->first ? "" : ",",
		       g->off, kind);
		json_str(g->name);
		printf(", \"count\": %u, \"room\": %u", cnt, g->room);
		if (g->kind == BTFIDS_SYM_SET8) {
			printf(", \"flags\": %u, \"flag_names\": ", flags);
			print_flags(true, flags, ids_set8_names);
		}
		printf(", \"entries\": [");
	}
	/* a count the section cannot hold stops at its end */
	for (e = 0; e < cnt && ids_word(&d->o, g->off + (e + 1) * btfids_set_entry_size(g->kind), &word);
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
		json_str(d->o.elf_path);
		printf(", \"size\": %zu, \"btf\": %s,\n  \"slots\": [", d->o.ph.size,
		       d->o.btf ? "true" : "false");
	} else {
		printf("%s: .BTF_ids %zu bytes, %u placeholder symbols, %u sets%s\n",
		       d->o.elf_path, d->o.ph.size, d->o.nr_slots, d->o.nr_groups,
		       d->o.btf ? "" : " (no BTF: values only)");
	}
	d->first = true;
	for (i = 0; i < d->o.nr_slots; i = j) {
		for (j = i + 1; j < d->o.nr_slots && d->o.slots[j].off == d->o.slots[i].off; j++)
			;
		if (!ids_in_group(&d->o, d->o.slots[i].off))
			print_slot(d, i, j);
	}
	if (d->json)
		printf("%s],\n  \"sets\": [", d->first ? "" : "\n  ");
	d->first = true;
	for (i = 0; i < d->o.nr_groups; i++)
		print_group(d, &d->o.groups[i]);
	if (d->json)
		printf("%s]}\n", d->first ? "" : "\n  ");
}

int btfids_dump(const struct btfids_opts *opts, const struct btfids_dump_args *a)
{
	struct dump d = { .json = a->json };
	int err;

	err = ids_read(&d.o, opts, a->elf_path, true, false);
	if (!err && a->base_path) {
		d.base = ids_parse_base(a->base_path);
		err = d.base ? 0 : -EINVAL;
	}
	if (!err)
		err = ids_load_btf(&d.o, a->btf_path, d.base);
	if (!err)
		print_all(&d);
	ids_free(&d.o);
	btf__free(d.base);
	return err;
}
