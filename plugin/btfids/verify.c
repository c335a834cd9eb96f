// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * verify.c - `btfids verify`: do finished objects hold what Linux 7.2
 * relies on?
 *
 *   btfids verify [--btf FILE] [-b|--btf_base FILE] ELF...
 *
 * For each object, against its BTF (its .BTF, or --btf for a single
 * object; split on the base, which is parsed once for all objects):
 *   - every slot outside sets names a type of its placeholder's kind and
 *     name (0, an unresolved name, is a warning);
 *   - every set and set8 holds as many entries as its symbol has room for,
 *     ascending, without duplicates (0 entries are warnings);
 *   - the entries of kfunc set8s (BTF_SET8_KFUNCS) are FUNCs, and those
 *     flagged KF_IMPLICIT_ARGS have a FUNC <name>_impl whose prototype is
 *     theirs plus the implicit arguments, which theirs lacks;
 *   - the object's own types are sorted by name;
 *   - split BTF fits its base (see btfids_check_base_fits()).
 * One line per problem or warning on stdout, naming the object and the
 * slot, set or type, then a summary line; an object that cannot be read
 * gets one error line on stderr. Exit 0 when all hold, 1 on problems, 255 when an
 * object or the base cannot be read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/btf.h>

#include "ids.h"
#include "load.h"
#include "transform.h"
#include "verify.h"

#define KF_IMPLICIT_ARGS	(1U << 16)
#define BTF_SET8_KFUNCS		(1U << 0)
#define IMPL_SUFFIX		"_impl"

struct verify {
	struct ids_object o;
	struct btfids_edit edit;	/* of o.btf: the transform's implicit-argument rule */
	bool have_edit;
	unsigned int problems, warnings;
};

__attribute__((format(printf, 3, 4)))
static void report(struct verify *v, bool problem, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", v->o.elf_path, problem ? "" : "warning: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (problem)
		v->problems++;
	else
		v->warnings++;
}

/* --- slots outside sets --- */

static void check_slot(struct verify *v, const struct ids_slot *s)
{
	const char *ns = ids_ns_names[s->ns], *st;
	struct ids_named n;
	__u32 val;

	if (!ids_word(&v->o, s->off, &val)) {
		report(v, true, "slot 0x%x (%s %s): outside .BTF_ids", s->off, ns, s->name);
		return;
	}
	st = ids_slot_status(&v->o, s, val);
	if (!strcmp(st, "unresolved")) {
		report(v, false, "slot 0x%x (%s %s): unresolved (0)", s->off, ns, s->name);
	} else if (strcmp(st, "ok")) {
		n = ids_type(&v->o, val);
		report(v, true, "slot 0x%x (%s %s): %u is %s %s, not %s %s", s->off, ns, s->name,
		       val, n.kind ?: "no type", n.kind ? n.name : "", ns, s->name);
	}
}

static void check_slots(struct verify *v)
{
	__u32 i;

	for (i = 0; i < v->o.nr_slots; i++) {
		if (!ids_in_group(&v->o, v->o.slots[i].off))
			check_slot(v, &v->o.slots[i]);
	}
}

/* --- sets --- */

static const struct btf_type *proto_of(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *p = btf__type_by_id(btf, func->type);

	return p && btf_is_func_proto(p) ? p : NULL;
}

/* Same return type, and @full's parameters are @stripped's and more. */
static const char *impl_mismatch(const struct btfids_edit *e, const struct btf_type *stripped,
				 const struct btf_type *full)
{
	const struct btf_param *ps = btf_params(stripped), *pf = btf_params(full);
	__u32 i, ns = btf_vlen(stripped), nf = btf_vlen(full);

	for (i = 0; i < ns; i++) {
		if (btfids_is_implicit_arg(e, &ps[i]))
			return "its prototype still has an implicit argument";
	}
	if (nf < ns)
		return "the _impl prototype has fewer arguments than its own";
	if (stripped->type != full->type)
		return "the _impl prototype returns another type";
	/* what follows them is the implicit arguments, or a legacy void *meta__ign */
	for (i = 0; i < ns; i++) {
		if (ps[i].type != pf[i].type)
			return "the _impl prototype's arguments differ from its own";
	}
	return NULL;
}

static void check_implicit(struct verify *v, const char *set, __u32 id)
{
	const struct btf *btf = v->o.btf;
	const struct btf_type *t = btf__type_by_id(btf, id), *impl, *ps, *pf;
	const char *name = btf__name_by_offset(btf, t->name_off), *why;
	char impl_name[BTFIDS_NAME_MAX + sizeof(IMPL_SUFFIX)];
	int impl_id;

	snprintf(impl_name, sizeof(impl_name), "%s" IMPL_SUFFIX, name);
	impl_id = btf__find_by_name_kind(btf, impl_name, BTF_KIND_FUNC);
	if (impl_id <= 0) {
		report(v, true, "set8 %s: kfunc %s is KF_IMPLICIT_ARGS but there is no FUNC %s",
		       set, name, impl_name);
		return;
	}
	impl = btf__type_by_id(btf, impl_id);
	ps = proto_of(btf, t);
	pf = proto_of(btf, impl);
	why = !ps || !pf ? "a FUNC without a prototype" : impl_mismatch(&v->edit, ps, pf);
	if (why)
		report(v, true, "set8 %s: kfunc %s (KF_IMPLICIT_ARGS): %s", set, name, why);
	else if (btf_vlen(pf) == btf_vlen(ps))
		report(v, false, "set8 %s: kfunc %s is KF_IMPLICIT_ARGS without an implicit argument",
		       set, name);
}

static void check_entry(struct verify *v, const struct ids_group *g, bool kfuncs, __u32 e,
			__u32 id, __u32 flags)
{
	const char *kind = g->kind == BTFIDS_SYM_SET8 ? "set8" : "set";
	const struct btf_type *t;
	struct ids_named n;

	if (!id) {
		report(v, false, "%s %s: entry [%u] unresolved (0)", kind, g->name, e);
		return;
	}
	n = ids_type(&v->o, id);
	if (v->o.btf && !n.kind) {
		report(v, true, "%s %s: entry [%u] is %u, no type", kind, g->name, e, id);
		return;
	}
	if (!kfuncs || !v->o.btf)
		return;
	t = btf__type_by_id(v->o.btf, id);
	if (!btf_is_func(t))
		report(v, true, "set8 %s: entry [%u] is %s %s, not a FUNC", g->name, e, n.kind, n.name);
	else if (flags & KF_IMPLICIT_ARGS)
		check_implicit(v, g->name, id);
}

static void check_group(struct verify *v, const struct ids_group *g)
{
	const char *kind = g->kind == BTFIDS_SYM_SET8 ? "set8" : "set";
	__u32 esz = btfids_set_entry_size(g->kind), cnt = 0, hflags = 0, e, id, prev = 0, fl = 0;
	bool kfuncs;

	if (!ids_word(&v->o, g->off, &cnt)) {
		report(v, true, "%s %s: its header is outside .BTF_ids", kind, g->name);
		return;
	}
	if (g->kind == BTFIDS_SYM_SET8)
		ids_word(&v->o, g->off + 4, &hflags);
	kfuncs = g->kind == BTFIDS_SYM_SET8 && (hflags & BTF_SET8_KFUNCS);
	if (cnt != g->room)
		report(v, true, "%s %s: count %u, its symbol has room for %u", kind, g->name, cnt,
		       g->room);
	for (e = 0; e < cnt && e < g->room && ids_word(&v->o, g->off + esz + e * esz, &id); e++) {
		if (g->kind == BTFIDS_SYM_SET8)
			ids_word(&v->o, g->off + esz + e * esz + 4, &fl);
		if (e && id && id == prev)
			report(v, true, "%s %s: entry [%u] is %u again", kind, g->name, e, id);
		else if (e && id < prev)
			report(v, true, "%s %s: entry [%u] is %u, after %u: not ascending", kind,
			       g->name, e, id, prev);
		check_entry(v, g, kfuncs, e, id, fl);
		prev = id;
	}
}

/* --- the BTF --- */

static void check_sorted(struct verify *v, __u32 start)
{
	const struct btf *btf = v->o.btf;
	__u32 id, n = btf__type_cnt(btf), bad = 0, first = 0;
	const char *prev = NULL, *name;

	for (id = start; id < n; id++) {
		name = btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off) ?: "";
		if (prev && strcmp(prev, name) > 0 && !bad++)
			first = id;
		prev = name;
	}
	if (bad)
		report(v, true, "BTF not sorted by name: type [%u] first of %u out of order",
		       first, bad);
}

/* The library's error line for a base that does not fit: a problem line. */
static void problem_line(void *ctx, enum btfids_log_level level, const char *fmt, va_list ap)
{
	vprintf(fmt, ap);
}

/* Is @elf the base itself (vmlinux among its modules)? Then it is not split. */
static bool is_base(const char *elf, const char *base_path)
{
	struct stat a, b;

	return base_path && !stat(elf, &a) && !stat(base_path, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int verify_one(struct verify *v, const struct btfids_opts *opts, const char *elf,
		      const char *btf_path, const char *base_path, struct btf *base)
{
	struct btfids_opts to_stdout = { .sz = sizeof(to_stdout), .log = problem_line };
	struct btfids_log lg = { .opts = &to_stdout };
	__u32 i;
	int err;

	if (is_base(elf, base_path))
		base = NULL;
	err = ids_read(&v->o, opts, elf, false);
	if (!err)
		err = ids_load_btf(&v->o, btf_path, base);
	if (!err && !v->o.btf)
		err = ids_error(elf, "no .BTF section (give --btf)");
	if (err)
		return err;
	err = btfids_edit_init(&v->edit, v->o.btf);
	if (err)
		return ids_error(btf_path ?: elf, btfids_edit_strerror(err));
	v->have_edit = true;
	if (base && btfids_check_base_fits(&lg, btf_path ?: elf, v->o.btf, base_path, base)) {
		v->problems++;
		return 0;	/* its names are not to be trusted: nothing else */
	}
	check_sorted(v, base ? btf__type_cnt(base) : 1);
	check_slots(v);
	for (i = 0; i < v->o.nr_groups; i++)
		check_group(v, &v->o.groups[i]);
	return 0;
}

int btfids_verify(const struct btfids_opts *opts, const struct btfids_verify_args *a)
{
	unsigned int problems = 0, warnings = 0, bad_objs = 0, unreadable = 0;
	struct btf *base = NULL;
	int i;

	if (a->base_path) {
		base = ids_parse_base(a->base_path);
		if (!base)
			return BTFIDS_VERIFY_UNREADABLE;
	}
	for (i = 0; i < a->nr_elfs; i++) {
		struct verify v = {};

		if (verify_one(&v, opts, a->elfs[i], a->btf_path, a->base_path, base))
			unreadable++;
		problems += v.problems;
		warnings += v.warnings;
		bad_objs += v.problems > 0;
		if (v.have_edit)
			btfids_edit_free(&v.edit);
		ids_free(&v.o);
	}
	btf__free(base);
	printf("btfids verify: %d objects: %u with problems (%u problems), %u warnings, %u unreadable\n",
		a->nr_elfs, bad_objs, problems, warnings, unreadable);
	if (unreadable)
		return BTFIDS_VERIFY_UNREADABLE;
	return problems ? BTFIDS_VERIFY_PROBLEMS : 0;
}
