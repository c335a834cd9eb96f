/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dedup_fast.h - btf__dedup()'s result for pahole's own, just deduplicated
 * BTF after the transforms, without deduplicating it again (dedup_fast.c
 * says when that holds; dedup.c chooses).
 */
#ifndef __BTFIDS_DEDUP_FAST_H
#define __BTFIDS_DEDUP_FAST_H

#include "kfuncs.h"

struct btf;

/*
 * @work is libbpf's btf__dedup() output changed as @changes says. 0:
 * *@out is what btf__dedup(@work) would leave, a new BTF on @work's base;
 * 1: a precondition failed, *@why says which; < 0: an error (-ENOMEM).
 */
int btfids_dedup_fast(struct btf *work, const struct btfids_btf_changes *changes,
		      struct btf **out, const char **why);

#endif /* __BTFIDS_DEDUP_FAST_H */
