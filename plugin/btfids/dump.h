/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dump.h - the `btfids dump` command (dump.c): its arguments.
 */
#ifndef __BTFIDS_DUMP_H
#define __BTFIDS_DUMP_H

#include <stdbool.h>

#include "btfids.h"

struct btfids_dump_args {
	bool json;
	const char *btf_path;	/* NULL: the ELF's own .BTF */
	const char *base_path;	/* NULL: not split */
	const char *elf_path;
};

/* Print @a->elf_path's .BTF_ids; 0, or an error already reported. */
int btfids_dump(const struct btfids_opts *opts, const struct btfids_dump_args *a);

#endif /* __BTFIDS_DUMP_H */
