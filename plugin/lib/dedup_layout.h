/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dedup_layout.h - the bytes btf__dedup() leaves, once it is known where
 * each type goes (dedup_fast.c decides that).
 */
#ifndef __BTFIDS_DEDUP_LAYOUT_H
#define __BTFIDS_DEDUP_LAYOUT_H

#include <linux/types.h>

struct btf;

/*
 * @canon[id - first own id]: where own type id goes (itself: kept). 0 and
 * *@out, a new BTF on @work's base; 1 and *@why: a precondition failed;
 * < 0: an error.
 */
int btfids_dedup_lay_out(struct btf *work, const __u32 *canon, struct btf **out,
			 const char **why);

#endif /* __BTFIDS_DEDUP_LAYOUT_H */
