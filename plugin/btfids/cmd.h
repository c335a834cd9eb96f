/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cmd.h - what the btfids command's verbs share (main.c parses, dump.c and
 * verify.c run): the parsed command line and the exit statuses.
 */
#ifndef __BTFIDS_CMD_H
#define __BTFIDS_CMD_H

#include <stdbool.h>

#include "btfids.h"

/* resolve_btfids' exit statuses; verify's "problems" is its own */
#define CMD_EXIT_FAILED		255
#define CMD_EXIT_USAGE		129
#define CMD_EXIT_PROBLEMS	1

struct cmd_args {
	struct btfids_opts opts;	/* -v, --distill_base, --kernel */
	const char *btf_path;		/* --btf */
	const char *base_path;		/* -b, --btf_base */
	const char *patch_path;		/* --patch_btfids */
	bool json, help, version;
	char **files;			/* the operands */
	int nr_files;
};

int do_dump(struct cmd_args *a);
int do_verify(struct cmd_args *a);

#endif /* __BTFIDS_CMD_H */
