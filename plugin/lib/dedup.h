/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dedup.h - stage 3, last step, for releases that deduplicate (Linux 7.3):
 * libbpf's btf__dedup() on the BTF the pass owns, once that BTF is known to
 * be one libbpf can deduplicate. Takes the BTF kfuncs.c changed (or the
 * 7.2 edit's bytes); changes it in place.
 */
#ifndef __BTFIDS_DEDUP_H
#define __BTFIDS_DEDUP_H

#include "log.h"

struct btf;

/* Deduplicate @btf (split on its base or not); messages name @btf_path. */
int btfids_dedup(struct btfids_log *lg, const char *btf_path, struct btf *btf);

#endif /* __BTFIDS_DEDUP_H */
