/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * emit.h - stage 6: output bytes and names. The .BTF_ids words go back to
 * the target's byte order; the outputs of a run are named after the final
 * BTF's file. Also --patch_btfids (btfids.h: btfids__patch_elf(), in
 * driver.c with the rest of the public calls).
 */
#ifndef __BTFIDS_EMIT_H
#define __BTFIDS_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "btfids.h"
#include "log.h"

/* ".BTF", ".BTF.base", ".BTF_ids"; NULL for no output */
const char *btfids_output_suffix(enum btfids_output which);
/* --patch_btfids: @blob_path's bytes into @elf_path's .BTF_ids, atomically */
int btfids_patch_elf(struct btfids_log *lg, const char *elf_path, const char *blob_path);

/* @size bytes of host-order words, in the target's order (@swap), new. */
int btfids_emit_ids(const __u32 *words, size_t size, bool swap, void **out);
/*
 * The files of a run's outputs, named after the final BTF's @btf_path:
 * the BTF to @btf_path, the base to @btf_path.base, .BTF_ids to @btf_path
 * without a trailing ".BTF", plus ".BTF_ids". 0 or -ENOMEM.
 */
int btfids_output_paths(const char *btf_path, char *paths[BTFIDS_OUT_NR]);
void btfids_output_paths_free(char *paths[BTFIDS_OUT_NR]);

#endif /* __BTFIDS_EMIT_H */
