/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * verify.h - the `btfids verify` command (verify.c): its arguments and
 * exit statuses.
 */
#ifndef __BTFIDS_VERIFY_H
#define __BTFIDS_VERIFY_H

#include "btfids.h"

#define BTFIDS_VERIFY_PROBLEMS		1
#define BTFIDS_VERIFY_UNREADABLE	255

struct btfids_verify_args {
	const char *btf_path;	/* NULL: each ELF's own .BTF; else one ELF only */
	const char *base_path;	/* NULL: not split */
	char **elfs;
	int nr_elfs;
};

/* 0: every check holds; BTFIDS_VERIFY_PROBLEMS or _UNREADABLE. */
int btfids_verify(const struct btfids_opts *opts, const struct btfids_verify_args *a);

#endif /* __BTFIDS_VERIFY_H */
