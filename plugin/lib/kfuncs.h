/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kfuncs.h - stage 3 for releases whose kfuncs are the entries of the
 * kfunc sets (Linux 7.3 on, release.h): the btf2btf transforms, carried
 * out with libbpf's btf__add_*() on a BTF the pass may change, in
 * resolve_btfids' order. Takes the placeholders (collect.h) and that BTF;
 * changes the BTF and says what it changed. The driver then deduplicates
 * it when the release does (dedup.h), and hands it to finalize as a plain
 * edit.
 */
#ifndef __BTFIDS_KFUNCS_H
#define __BTFIDS_KFUNCS_H

#include "collect.h"
#include "log.h"
#include "release.h"

struct btf;

/* What the transforms changed (the fast dedup, dedup_fast.h, needs it). */
struct btfids_btf_changes {
	__u32 nr_clean;		/* btf__type_cnt() before: later ids were added */
	__u32 *funcs;		/* FUNCs given another prototype, ascending */
	__u32 nr_funcs, cap_funcs;
};

/*
 * Apply @r's btf2btf switches to @btf (modifiable, split on its base or
 * not); messages name @btf_path. Adds the warnings it printed to
 * *@warnings; says what changed in *@changes (btfids_btf_changes_free()).
 */
int btfids_kfuncs_transform(struct btfids_log *lg, const char *btf_path,
			    const struct btfids_release *r, const struct btfids_placeholders *ph,
			    struct btf *btf, unsigned int *warnings,
			    struct btfids_btf_changes *changes);
void btfids_btf_changes_free(struct btfids_btf_changes *c);

#endif /* __BTFIDS_KFUNCS_H */
