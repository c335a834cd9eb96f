/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kfuncs.h - stage 3 for releases whose kfuncs are the entries of the
 * kfunc sets (Linux 7.3 on, release.h): the btf2btf transforms, carried
 * out with libbpf's btf__add_*() on a BTF the pass may change, in
 * resolve_btfids' order. Takes the placeholders (collect.h) and that BTF;
 * changes the BTF. The driver then deduplicates
 * it when the release does (dedup.h), and hands it to finalize as a plain
 * edit.
 */
#ifndef __BTFIDS_KFUNCS_H
#define __BTFIDS_KFUNCS_H

#include "collect.h"
#include "log.h"
#include "release.h"

struct btf;

/*
 * Apply @r's btf2btf switches to @btf (modifiable, split on its base or
 * not); messages name @btf_path. Adds the warnings it printed to
 * *@warnings.
 */
int btfids_kfuncs_transform(struct btfids_log *lg, const char *btf_path,
			    const struct btfids_release *r, const struct btfids_placeholders *ph,
			    struct btf *btf, unsigned int *warnings);

#endif /* __BTFIDS_KFUNCS_H */
