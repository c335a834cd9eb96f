// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * verify.c - btfids__verify() (btfids_inspect.h): does a finished object
 * hold what its Linux release (7.2 or 7.3, release.h) relies on?
 *
 * Against the object's BTF (its .BTF or the caller's file, split on the
 * caller's base):
 *   - every slot outside sets names a type of its placeholder's kind and
 *     name (0, an unresolved name, is a warning);
 *   - every set and set8 holds as many entries as its symbol has room for,
 *     ascending, without duplicates (0 entries are warnings);
 *   - the entries of kfunc set8s (BTF_SET8_KFUNCS) are FUNCs, and those
 *     flagged KF_IMPLICIT_ARGS have a FUNC <name>_impl whose prototype is
 *     theirs plus the implicit arguments, which theirs lacks (from 7.3:
 *     an own FUNC, and theirs may have arena pointers where its has plain
 *     ones);
 *   - from 7.3, each kfunc carries a "bpf_kfunc" decl tag, and
 *     "bpf_fastcall" if flagged KF_FASTCALL; its arena positions
 *     (KF_ARENA_RET, _ARG1, _ARG2, parameters named __arena or
 *     __arena__nullable) are pointers to address_space(1);
 *   - the object's own types are sorted by name;
 *   - split BTF fits its base (see btfids_check_base_fits()).
 * Each problem or warning is one call of the caller's report function;
 * an object that cannot be read is one error line, as every failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/btf.h>

#include "inspect.h"
#include "kf.h"
#include "load.h"
#include "transform.h"

/* FUNC ids a decl tag names, sorted: which kfuncs carry it. */
struct tagged {
	__u32 *ids;
	__u32 nr;
};

struct verify {
	const struct btfids_verify_opts *vo;
	struct btfids_object *o;
	const struct btf *btf;		/* o's */
	struct btfids_edit edit;	/* of btf: the transform's implicit-argument rule */
	bool have_edit;
	const struct btfids_release *r;	/* the object's release */
	__u32 start;			/* its first own type */
	struct tagged kfunc_tag, fastcall_tag;
	struct btfids_verify_result *res;
};

__attribute__((format(printf, 3, 4)))
static void report(struct verify *v, bool problem, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (v->vo->report)
		v->vo->report(v->vo->report_ctx, btfids_object__path(v->o), problem, what);
	if (problem)
		v->res->problems++;
	else
		v->res->warnings++;
}

/* --- slots outside sets --- */

static void check_slot(struct verify *v, const struct btfids_slot *s)
{
	const char *ns = s->ns, *st;
	struct btfids_named n;
	__u32 val;

	if (!btfids_object__word(v->o, s->off, &val)) {
		report(v, true, "slot 0x%x (%s %s): outside .BTF_ids", s->off, ns, s->name);
		return;
	}
	st = btfids_object__slot_status(v->o, s, val);
	if (!strcmp(st, "unresolved")) {
		report(v, false, "slot 0x%x (%s %s): unresolved (0)", s->off, ns, s->name);
	} else if (strcmp(st, "ok")) {
		n = btfids_object__type(v->o, val);
		report(v, true, "slot 0x%x (%s %s): %u is %s %s, not %s %s", s->off, ns, s->name,
		       val, n.kind ?: "no type", n.kind ? n.name : "", ns, s->name);
	}
}

static void check_slots(struct verify *v)
{
	__u32 i, n = btfids_object__slot_cnt(v->o);

	for (i = 0; i < n; i++) {
		const struct btfids_slot *s = btfids_object__slot(v->o, i);

		if (!btfids_object__in_set(v->o, s->off))
			check_slot(v, s);
	}
}

/* --- sets --- */

static const struct btf_type *proto_of(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *p = btf__type_by_id(btf, func->type);

	return p && btf_is_func_proto(p) ? p : NULL;
}

/* Is @id a pointer to address_space(1) (a type attribute)? Then *target is what it is on. */
static bool arena_ptr(const struct btf *btf, __u32 id, __u32 *target)
{
	const struct btf_type *t = btf__type_by_id(btf, id), *tag;

	if (!t || !btf_is_ptr(t))
		return false;
	tag = btf__type_by_id(btf, t->type);
	if (!tag || !btf_is_type_tag(tag) || !btf_kflag(tag) ||
	    strcmp(btf__name_by_offset(btf, tag->name_off) ?: "", BTFIDS_ATTR_ARENA))
		return false;
	*target = tag->type;
	return true;
}

static bool is_arena_ptr(const struct btf *btf, __u32 id)
{
	__u32 target;

	return arena_ptr(btf, id, &target);
}

/* Type @a of a kfunc's prototype as type @b of its _impl's (arena aside). */
static bool same_type(const struct btf *btf, __u32 a, __u32 b)
{
	const struct btf_type *pb = btf__type_by_id(btf, b);
	__u32 target;

	return a == b || (arena_ptr(btf, a, &target) && pb && btf_is_ptr(pb) && pb->type == target);
}

/* Same return type, and @full's parameters are @stripped's and more. */
static const char *impl_mismatch(const struct verify *v, const struct btf_type *stripped,
				 const struct btf_type *full)
{
	const struct btf_param *ps = btf_params(stripped), *pf = btf_params(full);
	__u32 i, ns = btf_vlen(stripped), nf = btf_vlen(full);
	const struct btf *btf = v->btf;

	for (i = 0; i < ns; i++) {
		if (btfids_is_implicit_arg(&v->edit, &ps[i]))
			return "its prototype still has an implicit argument";
	}
	if (nf < ns)
		return "the _impl prototype has fewer arguments than its own";
	if (!(v->r->arena_attrs ? same_type(btf, stripped->type, full->type) :
	      stripped->type == full->type))
		return "the _impl prototype returns another type";
	/* what follows them is the implicit arguments, or a legacy void *meta__ign */
	for (i = 0; i < ns; i++) {
		if (!(v->r->arena_attrs ? same_type(btf, ps[i].type, pf[i].type) :
		      ps[i].type == pf[i].type))
			return "the _impl prototype's arguments differ from its own";
	}
	return NULL;
}

/* The FUNC named @name: among own types only from 7.3, else the lowest id. */
static int find_func(const struct verify *v, const char *name)
{
	const struct btf *btf = v->btf;
	__u32 id, n = btf__type_cnt(btf);

	if (!v->r->impl_own_only)
		return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	for (id = v->start; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t) && !strcmp(btf__name_by_offset(btf, t->name_off) ?: "", name))
			return id;
	}
	return -ENOENT;
}

static void check_implicit(struct verify *v, const char *set, __u32 id)
{
	const struct btf *btf = v->btf;
	const struct btf_type *t = btf__type_by_id(btf, id), *impl, *ps, *pf;
	const char *name = btf__name_by_offset(btf, t->name_off), *why;
	char impl_name[BTFIDS_NAME_MAX + sizeof(BTFIDS_IMPL_SUFFIX)];
	int impl_id;

	snprintf(impl_name, sizeof(impl_name), "%s" BTFIDS_IMPL_SUFFIX, name);
	impl_id = find_func(v, impl_name);
	if (impl_id <= 0) {
		report(v, true, "set8 %s: kfunc %s is KF_IMPLICIT_ARGS but there is no FUNC %s",
		       set, name, impl_name);
		return;
	}
	impl = btf__type_by_id(btf, impl_id);
	ps = proto_of(btf, t);
	pf = proto_of(btf, impl);
	why = !ps || !pf ? "a FUNC without a prototype" : impl_mismatch(v, ps, pf);
	if (why)
		report(v, true, "set8 %s: kfunc %s (KF_IMPLICIT_ARGS): %s", set, name, why);
	else if (btf_vlen(pf) == btf_vlen(ps))
		report(v, false, "set8 %s: kfunc %s is KF_IMPLICIT_ARGS without an implicit argument",
		       set, name);
}

/* --- what resolve_btfids writes for each kfunc (7.3 on) --- */

static bool tagged_has(const struct tagged *tg, __u32 id)
{
	__u32 lo = 0, hi = tg->nr;

	while (lo < hi) {
		__u32 mid = (lo + hi) / 2;

		if (tg->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tg->nr && tg->ids[lo] == id;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* The FUNCs that decl tags named @name (whole-function, not attributes) name. */
static int collect_tagged(const struct verify *v, const char *name, struct tagged *tg)
{
	const struct btf *btf = v->btf;
	__u32 id, n = btf__type_cnt(btf);

	tg->ids = malloc((n - v->start + 1) * sizeof(*tg->ids));
	if (!tg->ids)
		return -ENOMEM;
	for (id = v->start; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_decl_tag(t) && !btf_kflag(t) && btf_decl_tag(t)->component_idx == -1 &&
		    !strcmp(btf__name_by_offset(btf, t->name_off) ?: "", name))
			tg->ids[tg->nr++] = t->type;
	}
	qsort(tg->ids, tg->nr, sizeof(*tg->ids), cmp_u32);
	return 0;
}

static void check_tags(struct verify *v, const char *set, __u32 id, const char *name,
		       __u32 flags)
{
	if (!tagged_has(&v->kfunc_tag, id))
		report(v, true, "set8 %s: kfunc %s has no \"%s\" decl tag", set, name,
		       BTFIDS_TAG_KFUNC);
	if ((flags & BTFIDS_KF_FASTCALL) && !tagged_has(&v->fastcall_tag, id))
		report(v, true, "set8 %s: kfunc %s is KF_FASTCALL but has no \"%s\" decl tag", set,
		       name, BTFIDS_TAG_FASTCALL);
}

/* Arena positions: flagged, or named so; each must point to address_space(1). */
static void check_arena(struct verify *v, const char *set, const struct btf_type *func,
			const char *name, __u32 flags)
{
	const struct btf_type *proto = proto_of(v->btf, func);
	const struct btf_param *p;
	__u32 i;

	if (!proto)
		return;		/* check_implicit() or the kernel says so */
	if ((flags & BTFIDS_KF_ARENA_RET) && !is_arena_ptr(v->btf, proto->type))
		report(v, true, "set8 %s: kfunc %s (KF_ARENA_RET): returns no %s pointer", set,
		       name, BTFIDS_ATTR_ARENA);
	for (i = 0, p = btf_params(proto); i < btf_vlen(proto); i++, p++) {
		bool want = (i == 0 && (flags & BTFIDS_KF_ARENA_ARG1)) ||
			    (i == 1 && (flags & BTFIDS_KF_ARENA_ARG2)) ||
			    btfids_is_arena_param_name(btf__name_by_offset(v->btf, p->name_off));

		if (want && !is_arena_ptr(v->btf, p->type))
			report(v, true, "set8 %s: kfunc %s: argument %u is no %s pointer", set,
			       name, i + 1, BTFIDS_ATTR_ARENA);
	}
}

static void check_entry(struct verify *v, const struct btfids_set *g, bool kfuncs, __u32 e,
			__u32 id, __u32 flags)
{
	const char *kind = g->set8 ? "set8" : "set";
	const struct btf_type *t;
	struct btfids_named n;

	if (!id) {
		report(v, false, "%s %s: entry [%u] unresolved (0)", kind, g->name, e);
		return;
	}
	n = btfids_object__type(v->o, id);
	if (v->btf && !n.kind) {
		report(v, true, "%s %s: entry [%u] is %u, no type", kind, g->name, e, id);
		return;
	}
	if (!kfuncs || !v->btf)
		return;
	t = btf__type_by_id(v->btf, id);
	if (!btf_is_func(t)) {
		report(v, true, "set8 %s: entry [%u] is %s %s, not a FUNC", g->name, e, n.kind, n.name);
		return;
	}
	if (flags & BTFIDS_KF_IMPLICIT_ARGS)
		check_implicit(v, g->name, id);
	if (v->r->emit_kfunc_tags)
		check_tags(v, g->name, id, n.name, flags);
	if (v->r->arena_attrs)
		check_arena(v, g->name, t, n.name, flags);
}

static void check_group(struct verify *v, const struct btfids_set *g)
{
	const char *kind = g->set8 ? "set8" : "set";
	__u32 esz = g->entry_size, cnt = 0, hflags = 0, e, id, prev = 0, fl = 0;
	bool kfuncs;

	if (!btfids_object__word(v->o, g->off, &cnt)) {
		report(v, true, "%s %s: its header is outside .BTF_ids", kind, g->name);
		return;
	}
	if (g->set8)
		btfids_object__word(v->o, g->off + 4, &hflags);
	kfuncs = g->set8 && (hflags & BTFIDS_SET8_KFUNCS);
	if (cnt != g->room)
		report(v, true, "%s %s: count %u, its symbol has room for %u", kind, g->name, cnt,
		       g->room);
	for (e = 0; e < cnt && e < g->room && btfids_object__word(v->o, g->off + esz + e * esz, &id);
	     e++) {
		if (g->set8)
			btfids_object__word(v->o, g->off + esz + e * esz + 4, &fl);
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
	const struct btf *btf = v->btf;
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

/* What btfids_check_base_fits() finds wrong, as a problem of the object. */
static void base_problem(void *ctx, const char *file, const char *msg)
{
	report(ctx, true, "%s", msg);
}

/* Is @elf the base itself (vmlinux among its modules)? Then it is not split. */
static bool is_base(const char *elf, const char *base_path)
{
	struct stat a, b;

	return base_path && !stat(elf, &a) && !stat(base_path, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Read @elf and its BTF: 0, or an error reported. */
static int verify_open(struct verify *v, const char *elf, const struct btfids_opts *opts,
		       const struct btf *base)
{
	struct btfids_log lg = { .opts = opts };
	const char *btf_path = v->vo->btf_path;
	int err;

	v->o = btfids_object__open(elf, opts, BTFIDS_OBJECT_RELEASE);
	if (!v->o)
		return -errno;
	err = btfids_object__load_btf(v->o, btf_path, base, v->vo->base_path);
	if (err)
		return err;
	v->btf = btfids_object__btf(v->o);
	if (!v->btf) {
		btfids_error(&lg, elf, "no .BTF section (give --btf)");
		return -ENODATA;
	}
	v->r = btfids_object_release(v->o);
	v->start = base ? btf__type_cnt(base) : 1;
	if (v->r->emit_kfunc_tags &&
	    (collect_tagged(v, BTFIDS_TAG_KFUNC, &v->kfunc_tag) ||
	     collect_tagged(v, BTFIDS_TAG_FASTCALL, &v->fastcall_tag)))
		return btfids_failed(&lg, lg.nr_errors, elf, -ENOMEM);
	err = btfids_edit_init(&v->edit, v->btf);
	if (err) {
		btfids_error(&lg, btf_path ?: elf, "%s", btfids_edit_strerror(err));
		return err;
	}
	v->have_edit = true;
	return 0;
}

static void verify_checks(struct verify *v, const char *elf, const struct btf *base)
{
	struct btfids_log lg = { .on_error = base_problem, .on_error_ctx = v };
	__u32 i, n = btfids_object__set_cnt(v->o);

	if (base && btfids_check_base_fits(&lg, v->vo->btf_path ?: elf, v->btf, v->vo->base_path,
					   base))
		return;	/* its names are not to be trusted: nothing else */
	check_sorted(v, v->start);
	check_slots(v);
	for (i = 0; i < n; i++)
		check_group(v, btfids_object__set(v->o, i));
}

int btfids__verify(const char *elf, const struct btfids_opts *opts,
		   const struct btfids_verify_opts *vo, struct btfids_verify_result *res)
{
	const struct btf *base = is_base(elf, vo->base_path) ? NULL : vo->base;
	struct verify v = { .vo = vo, .res = res };
	int err;

	memset(res, 0, sizeof(*res));
	err = verify_open(&v, elf, opts, base);
	if (!err)
		verify_checks(&v, elf, base);
	if (v.have_edit)
		btfids_edit_free(&v.edit);
	free(v.kfunc_tag.ids);
	free(v.fastcall_tag.ids);
	btfids_object__free(v.o);
	return err;
}
