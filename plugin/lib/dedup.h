/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dedup.h - stage 3, last step, for releases that deduplicate (Linux 7.3):
 * libbpf's btf__dedup() on the BTF the pass owns, once that BTF is known to
 * be one libbpf can deduplicate. Takes the BTF kfuncs.c changed (or the
 * 7.2 edit's bytes).
 */
#ifndef __BTFIDS_DEDUP_H
#define __BTFIDS_DEDUP_H

#include <stdbool.h>

#include "log.h"

struct btf;

/*
 * Deduplicate *@work (split on its base or not); messages name @btf_path.
 * @lent: *@work is the BTF pahole lent (btfids__set_deduped_btf()), which is
 * deduplicated as a copy: *@work is then replaced by that copy, the caller's
 * to free (the lent one is left as it was).
 */
int btfids_dedup(struct btfids_log *lg, const char *btf_path, bool lent, struct btf **work);

#endif /* __BTFIDS_DEDUP_H */
