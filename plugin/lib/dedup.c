// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dedup.c - libbpf's btf__dedup() on the BTF the pass owns.
 *
 * libbpf's parser leaves some type references unchecked (a FUNC_PROTO's
 * return type, for one) and accepts a FWD whose size/type word is not 0;
 * btf__dedup() then reads outside its own tables (Linux 7.3's
 * resolve_btfids crashes on such input: found by fuzzing, see
 * tests/fuzz/regressions). So every type id an own type refers to must
 * name a type, and every FWD carry 0, before libbpf deduplicates: such
 * input gets one line naming the type, never a crash.
 *
 * Always btf__dedup() over the whole BTF, as the release's resolve_btfids
 * runs it: pahole's output is not a fixed point of libbpf's dedup (on
 * Debian's 7.3 kernel a second btf__dedup() folds more types in mlx5_core,
 * dm-mod and romfs), so deduplicating only what the transforms added would
 * write other bytes there, and nothing cheaper than the dedup itself tells
 * which input is which.
 *
 * Hands on the BTF deduplicated (the driver makes it the edit).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dedup.h"
#include "load.h"

/* Is @id a type of @cnt? Else it is *@bad. */
static bool in_range(__u32 id, __u32 cnt, __u32 *bad)
{
	if (id < cnt)
		return true;
	*bad = id;
	return false;
}

/* Does every type id @t refers to name one of @cnt types? */
static bool refs_in_range(const struct btf_type *t, __u32 cnt, __u32 *bad)
{
	bool ok = true;
	__u32 i;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		return in_range(t->type, cnt, bad);
	case BTF_KIND_ARRAY:
		return in_range(btf_array(t)->type, cnt, bad) &&
		       in_range(btf_array(t)->index_type, cnt, bad);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; ok && i < btf_vlen(t); i++)
			ok = in_range(btf_members(t)[i].type, cnt, bad);
		return ok;
	case BTF_KIND_FUNC_PROTO:
		ok = in_range(t->type, cnt, bad);
		for (i = 0; ok && i < btf_vlen(t); i++)
			ok = in_range(btf_params(t)[i].type, cnt, bad);
		return ok;
	case BTF_KIND_DATASEC:
		for (i = 0; ok && i < btf_vlen(t); i++)
			ok = in_range(btf_var_secinfos(t)[i].type, cnt, bad);
		return ok;
	default:
		return true;
	}
}

/* One own type: its references in range, a FWD's word 0. */
static int check_type(struct btfids_log *lg, const char *btf_path, const struct btf *btf,
		      __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 cnt = btf__type_cnt(btf), bad;

	if (btf_is_fwd(t) && t->type) {
		btfids_error(lg, btf_path, "cannot deduplicate: FWD [%u] has size/type %u, not 0",
			     id, t->type);
		return -EINVAL;
	}
	if (!refs_in_range(t, cnt, &bad)) {
		btfids_error(lg, btf_path, "cannot deduplicate: type [%u] refers to type %u, past the last (%u)",
			     id, bad, cnt - 1);
		return -EINVAL;
	}
	return 0;
}

/* libbpf's btf__dedup() on @btf, in place. */
static int dedup_libbpf(struct btfids_log *lg, const char *btf_path, struct btf *btf)
{
	int err = btf__dedup(btf, NULL);

	if (err)
		btfids_error(lg, btf_path, "cannot deduplicate the BTF: %s", strerror(-err));
	return err;
}

/*
 * btf__dedup() for the BTF pahole lent: on a copy. pahole's own dedup left
 * libbpf believing the strings deduplicated, so that a second dedup in place
 * would keep them in pahole's order, where resolve_btfids, which reads the
 * BTF from pahole's file, lays them out again.
 */
static int dedup_lent(struct btfids_log *lg, const char *btf_path, struct btf **work)
{
	struct btf *copy = btfids_copy_btf(lg, btf_path, *work);
	int err;

	if (!copy)
		return -ENOMEM;
	err = dedup_libbpf(lg, btf_path, copy);
	if (err) {
		btf__free(copy);
		return err;
	}
	*work = copy;
	return 0;
}

int btfids_dedup(struct btfids_log *lg, const char *btf_path, bool lent, struct btf **work)
{
	const struct btf *base = btf__base_btf(*work);
	__u32 id = base ? btf__type_cnt(base) : 1, n = btf__type_cnt(*work);
	int err = 0;

	for (; !err && id < n; id++)
		err = check_type(lg, btf_path, *work, id);
	if (!err)
		err = lent ? dedup_lent(lg, btf_path, work) : dedup_libbpf(lg, btf_path, *work);
	return err;
}
