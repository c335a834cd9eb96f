/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * resolve.h - stage 5: the placeholders' names to the final BTF's ids.
 * Takes the placeholders (collect.h) and the final layout (finalize.h);
 * gives the resolved .BTF_ids words, in host order, and the number of
 * warnings (resolve_btfids' wording).
 */
#ifndef __BTFIDS_RESOLVE_H
#define __BTFIDS_RESOLVE_H

#include "collect.h"
#include "finalize.h"
#include "log.h"

struct btfids_resolved {
	__u32 *words;		/* .BTF_ids resolved, host order */
	size_t size;		/* bytes */
	unsigned int warnings;
};

/* Messages name @elf_path for the section, @btf_path for the BTF. */
int btfids_resolve(struct btfids_log *lg, const char *elf_path, const char *btf_path,
		   const struct btfids_placeholders *ph, const struct btfids_final *f,
		   struct btfids_resolved *r);
void btfids_resolved_free(struct btfids_resolved *r);

#endif /* __BTFIDS_RESOLVE_H */
